"""Serve an ASGI app the way every govshare process does: on a socket it bound itself
(services/kit/address.py), exiting 0 on a requested stop."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Iterator
from types import FrameType
from typing import Any, Protocol

import uvicorn

from services.kit import address

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Server(uvicorn.Server):
    """uvicorn re-raises SIGINT/SIGTERM after a graceful shutdown, so the process would
    exit with a signal status; a requested stop that completed cleanly exits 0 here.

    uvicorn also wakes every 0.1 s to notice a stop and refresh its Date header once a
    second: the busiest timer of an idle worker (10 of its main loop's ~40 wake-ups a
    second). This one ticks once a second and is woken at once by a stop signal."""

    TICK_S = 1.0
    _stop: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 10) % 864000  # on_tick refreshes the Date header at % 10
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.TICK_S)
            should_exit = await self.on_tick(counter)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


# How long an idle keep-alive connection stays open: longer than any client's keep-alive
# expiry (httpx: 5 s, the portal's and the forwarding's clients included), so that the
# client, not the server, closes it. With both at 5 s, a client could send a request on
# a connection the server was closing: `Server disconnected without sending a response`
# and `ReadError` in the bench and the soak under load, answers lost to the caller.
KEEP_ALIVE_S = 65


def server(app: Any) -> Server:
    return Server(
        uvicorn.Config(
            app,
            lifespan="on",
            log_config=None,
            access_log=False,
            timeout_keep_alive=KEEP_ALIVE_S,
        )
    )


class Listening(Protocol):
    """Where a process listens: the settings of a service, the portal or devbank."""

    http_host: str
    http_port: int
    address_file: str
    any_port_if_taken: bool


def serve(app: Any, where: Listening) -> None:
    """Bind `http_host:http_port` (0: any free port; any, too, when taken and
    `any_port_if_taken`), announce it, serve until stopped. A process with more to
    announce (a gRPC port) binds and announces itself, then calls
    `server(app).serve(sockets=[sock])`."""
    sock: socket.socket = address.bind_http(
        where.http_host, where.http_port, where.any_port_if_taken
    )
    address.announce(where.address_file, http=sock.getsockname()[1])
    server(app).run(sockets=[sock])

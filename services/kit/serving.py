"""Serve an ASGI app the way every govshare process does: on a socket it bound itself
(services/kit/address.py), exiting 0 on a requested stop."""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Iterator
from typing import Any, Protocol

import uvicorn

from services.kit import address

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Server(uvicorn.Server):
    """uvicorn re-raises SIGINT/SIGTERM after a graceful shutdown, so the process would
    exit with a signal status; a requested stop that completed cleanly exits 0 here."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def server(app: Any) -> Server:
    return Server(uvicorn.Config(app, lifespan="on", log_config=None, access_log=False))


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

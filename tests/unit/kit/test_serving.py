"""The HTTP server every process runs (services/kit/serving.py): a stop is prompt even
though the server's tick is long."""

from __future__ import annotations

import asyncio
import signal
import socket
import time

import httpx
import uvicorn

from services.kit.serving import Server, server


async def app(scope, receive, send):  # a plain ASGI app: lifespan and nothing else
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})


async def test_a_stop_signal_wakes_the_server_before_its_tick():
    http = Server(uvicorn.Config(app, lifespan="on", log_config=None, access_log=False))
    http.TICK_S = 60.0
    sock = socket.create_server(("127.0.0.1", 0))
    serving = asyncio.create_task(http.serve(sockets=[sock]))
    while not http.started:  # noqa: ASYNC110 (uvicorn has a flag, not an event)
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # into its first tick
    asked = time.monotonic()
    http.handle_exit(signal.SIGTERM, None)
    await asyncio.wait_for(serving, 10)
    assert time.monotonic() - asked < 5  # not the 60-s tick


def test_the_client_closes_an_idle_connection_before_the_server_does():
    """Else a request may go out on a connection the server is closing, and is lost."""
    assert server(app).config.timeout_keep_alive > httpx.Limits().keepalive_expiry

"""The HTTP server every process runs (services/kit/serving.py): a stop is prompt even
though the server's tick is long."""

from __future__ import annotations

import asyncio
import signal
import socket
import time

import uvicorn

from services.kit.serving import Server


async def app(scope, receive, send):  # a plain ASGI app: lifespan and nothing else
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})


async def test_a_stop_signal_wakes_the_server_before_its_tick():
    server = Server(uvicorn.Config(app, lifespan="on", log_config=None, access_log=False))
    server.TICK_S = 60.0
    sock = socket.create_server(("127.0.0.1", 0))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # into its first tick
    asked = time.monotonic()
    server.handle_exit(signal.SIGTERM, None)
    await asyncio.wait_for(serving, 10)
    assert time.monotonic() - asked < 5  # not the 60-s tick

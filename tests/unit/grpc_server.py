"""A real grpc.aio server on a free port of 127.0.0.1, for unit tests of gRPC clients."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc


@contextlib.asynccontextmanager
async def serving(register: Callable[[grpc.aio.Server], Any]) -> AsyncIterator[str]:
    """Serve what `register` adds to the server (`add_..._to_server(servicer, server)`);
    yields the address to dial."""
    server = grpc.aio.server()
    register(server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await server.stop(None)

"""A gRPC call that reaches a worker not owning its key is forwarded to the owner, and
the owner's refusal comes back as the owner gave it: its code, its details and its
trailers (kit/grpc_forwarding.py). Two real grpc.aio servers in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from services.kit import catchup, errors, grpc_errors
from services.kit.grpc_forwarding import ByKey, ForwardingInterceptor
from services.kit.ownership import Ownership

METHOD = "/test.Things/Change"
REFUSALS = {
    "conflict": errors.conflict("thing_id", "the thing is closed"),
    "not_found": errors.not_found("thing_id", "no such thing"),
}


async def owner_answers(request: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
    which = request.decode()
    if which == "recovering":  # what a worker catching up after a rebalance answers
        await context.abort(grpc.StatusCode.UNAVAILABLE, catchup.REASON)
    await grpc_errors.abort(context, REFUSALS[which], [("govshare-access-id", "A-1")])
    return b""  # never reached


async def not_here(request: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
    raise AssertionError("the front worker answered a call whose key it does not own")


async def serve(answer: Any, interceptors: list[Any]) -> tuple[grpc.aio.Server, int]:
    server = grpc.aio.server(interceptors=interceptors)
    handler = grpc.unary_unary_rpc_method_handler(
        answer, request_deserializer=bytes, response_serializer=bytes
    )
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("test.Things", {"Change": handler}),)
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, port


@pytest.fixture
async def front() -> AsyncIterator[grpc.aio.Channel]:
    """A channel to a worker that owns nothing: every call goes to the other worker."""
    owner, owner_port = await serve(owner_answers, [])
    me, owner_url = "http://127.0.0.1:1/?grpc=1", f"http://127.0.0.1:2/?grpc={owner_port}"
    ownership = Ownership(
        "things",
        1,
        me=lambda: me,
        assigned=lambda: [],
        distribution=lambda: {owner_url: {"things": [0]}, me: {"things": []}},
    )
    interceptor = ForwardingInterceptor(lambda: ownership, {METHOD: ByKey(lambda _: "key")})
    server, port = await serve(not_here, [interceptor])
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as opened:
            yield opened
    finally:
        await server.stop(None)
        await owner.stop(None)


async def call(channel: grpc.aio.Channel, which: str) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await channel.unary_unary(METHOD)(which.encode(), timeout=5)
    return refused.value


@pytest.mark.parametrize(
    ("which", "code"),
    [("conflict", grpc.StatusCode.FAILED_PRECONDITION), ("not_found", grpc.StatusCode.NOT_FOUND)],
)
async def test_the_owners_refusal_is_relayed_with_its_code_details_and_trailers(front, which, code):
    error = REFUSALS[which]
    refused = await call(front, which)
    assert refused.code() == code, refused.details()
    assert refused.details() == f"{error.field}: {error.reason}"
    trailers = dict(refused.trailing_metadata() or ())
    assert trailers["govshare-access-id"] == "A-1"
    status = rpc_status.from_call(refused)  # type: ignore[arg-type]
    assert status is not None and status.code == code.value[0]
    bad_request = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad_request)
    assert bad_request.field_violations[0].field == error.field


async def test_an_owner_catching_up_is_relayed_as_unavailable_so_callers_retry(front):
    refused = await call(front, "recovering")
    assert (refused.code(), refused.details()) == (grpc.StatusCode.UNAVAILABLE, catchup.REASON)

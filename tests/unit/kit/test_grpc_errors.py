"""Every refusal over gRPC carries `google.rpc.Status` with a `BadRequest` field violation
(the `grpc-status-details-bin` trailer), and still the deprecated `govshare-field` trailer
(kit/grpc_errors.py). A real grpc.aio server and channel, in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from services.kit import errors, grpc_errors

REFUSALS = {
    "invalid": errors.invalid("holder.id", "check character is 'T', expected 'U'"),
    "forbidden": errors.forbidden("matter_code", "not in the sharing catalog"),
    "conflict": errors.conflict("certificate_id", "cannot revoke a REVOKED certificate"),
}


async def refuse(request: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
    await grpc_errors.abort(context, REFUSALS[request.decode()], [("govshare-access-id", "A-1")])
    return b""  # never reached


@pytest.fixture
async def channel() -> AsyncIterator[grpc.aio.Channel]:
    server = grpc.aio.server()
    handler = grpc.unary_unary_rpc_method_handler(refuse)
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("test.Refuser", {"Refuse": handler}),)
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as opened:
            yield opened
    finally:
        await server.stop(None)


async def call(channel: grpc.aio.Channel, which: str) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await channel.unary_unary("/test.Refuser/Refuse")(which.encode(), timeout=5)
    return refused.value


@pytest.mark.parametrize(
    ("which", "code"),
    [
        ("invalid", grpc.StatusCode.INVALID_ARGUMENT),
        ("forbidden", grpc.StatusCode.PERMISSION_DENIED),
        ("conflict", grpc.StatusCode.FAILED_PRECONDITION),
    ],
)
async def test_a_refusal_carries_a_status_with_a_bad_request_field_violation(channel, which, code):
    error = REFUSALS[which]
    refused = await call(channel, which)
    assert refused.code() == code
    assert refused.details() == f"{error.field}: {error.reason}"
    status = rpc_status.from_call(refused)  # type: ignore[arg-type]
    assert status is not None and status.code == code.value[0]
    (detail,) = status.details
    bad_request = error_details_pb2.BadRequest()
    assert detail.Unpack(bad_request)
    (violation,) = bad_request.field_violations
    assert (violation.field, violation.description) == (error.field, error.reason)


async def test_the_old_trailer_and_extra_trailers_are_still_sent(channel):
    trailers = dict((await call(channel, "forbidden")).trailing_metadata() or ())
    assert trailers["govshare-field"] == "matter_code"
    assert trailers["govshare-access-id"] == "A-1"
    assert "grpc-status-details-bin" in trailers

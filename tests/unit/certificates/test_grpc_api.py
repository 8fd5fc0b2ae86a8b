"""The servicer's translation of failures into gRPC status codes (no server, no broker)."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from grpc_status import rpc_status

from services.certificates.grpc_api import NOT_APPLIED, CertificateServicer
from services.kit.bus import BusUnavailable


class _Aborted(Exception):
    pass


class _Context:
    """Records what `abort` was given, and raises like grpc.aio's does."""

    code: grpc.StatusCode
    details: str
    metadata: tuple[tuple[str, Any], ...]

    async def abort(self, code: grpc.StatusCode, details: str, metadata: Any) -> None:
        self.code, self.details, self.metadata = code, details, tuple(metadata)
        raise _Aborted


def _field_violation(context: _Context) -> tuple[str, str]:
    class _Call:
        def trailing_metadata(self) -> tuple[tuple[str, Any], ...]:
            return context.metadata

        def code(self) -> grpc.StatusCode:
            return context.code

        def details(self) -> str:
            return context.details

    from google.rpc import error_details_pb2

    status = rpc_status.from_call(_Call())  # type: ignore[arg-type]
    assert status is not None
    bad = error_details_pb2.BadRequest()
    status.details[0].Unpack(bad)
    return bad.field_violations[0].field, bad.field_violations[0].description


@pytest.mark.parametrize(
    ("raised", "field", "reason"),
    [
        (TimeoutError(), "request_id", NOT_APPLIED),  # was UNKNOWN "Unexpected TimeoutError"
        (BusUnavailable("the broker did not take the event"), "broker", None),
    ],
)
async def test_a_command_the_platform_could_not_finish_is_unavailable_naming_the_field(
    raised, field, reason
):
    async def body(_: object) -> None:
        raise raised

    context = _Context()
    with pytest.raises(_Aborted):
        await CertificateServicer(registry=None)._call(  # type: ignore[arg-type]
            context,  # type: ignore[arg-type]
            "IssueCertificate",
            body,
            kind=None,
        )
    assert context.code == grpc.StatusCode.UNAVAILABLE  # which clients and the bench retry
    assert _field_violation(context)[0] == field
    if reason:
        assert _field_violation(context)[1] == reason

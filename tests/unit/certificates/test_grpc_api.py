"""The servicer's translation of failures into gRPC status codes (no server, no broker)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grpc
import pytest
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.common.v1 import types_pb2 as common
from grpc_status import rpc_status

from services.certificates.grpc_api import CertificateServicer
from services.certificates.keystore import KeyStore
from services.certificates.registry import Registry
from services.certificates.signatures import Suite
from services.kit import waiters
from services.kit.auth import mint_dev_token, verifier_from_settings
from services.kit.bus import BusUnavailable
from tests.unit.certificates.test_domain import CATALOG, FIELDS, HOLDER, LICENCE, MARKETREG
from tests.unit.fakes import FakeRuntime


class _Aborted(Exception):
    pass


class _Context:
    """Records what `abort` was given, and raises like grpc.aio's does."""

    code: grpc.StatusCode
    details: str
    metadata: tuple[tuple[str, Any], ...]

    def __init__(self, invocation_metadata: tuple[tuple[str, str], ...] = ()) -> None:
        self._invocation_metadata = invocation_metadata

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        return self._invocation_metadata

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


async def test_a_command_the_broker_did_not_take_is_unavailable_naming_the_broker():
    async def body(_: object) -> None:
        raise BusUnavailable("the broker did not take the event")

    context = _Context()
    with pytest.raises(_Aborted):
        await CertificateServicer(registry=None)._call(  # type: ignore[arg-type]
            context,  # type: ignore[arg-type]
            "IssueCertificate",
            body,
            kind=None,
        )
    assert context.code == grpc.StatusCode.UNAVAILABLE  # which clients and the bench retry
    assert _field_violation(context)[0] == "broker"


async def test_an_issue_not_applied_in_time_is_unavailable_naming_the_request_id(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """Through the servicer and the registry: nothing applies the certificate's event
    (no agent consumes the topic), so the command's wait (kit/waiters.py) runs out."""
    monkeypatch.setattr(waiters, "APPLY_TIMEOUT_S", 0.01)
    runtime = FakeRuntime("certificates")
    runtime.verifier = verifier_from_settings("test")  # type: ignore[attr-defined]
    keys = KeyStore(tmp_path / "keys", runtime.clock)
    registry = Registry(runtime, CATALOG, keys, Suite.ED25519, runtime.clock)  # type: ignore[arg-type]
    token = mint_dev_token("department", MARKETREG, department="marketreg")
    context = _Context((("authorization", f"Bearer {token}"),))
    request = svc.IssueCertificateRequest(
        request_id="req-1",
        type_code=LICENCE,
        holder=HOLDER,
        issuer_uscc=MARKETREG,
        valid_from=common.Date(year=2025, month=1, day=1),
        fields=FIELDS,
    )
    with pytest.raises(_Aborted):
        await CertificateServicer(registry).IssueCertificate(request, context)  # type: ignore[arg-type]
    assert context.code == grpc.StatusCode.UNAVAILABLE  # was UNKNOWN "Unexpected TimeoutError"
    assert _field_violation(context) == (
        "request_id",
        "not applied in time; retry with the same request_id",
    )

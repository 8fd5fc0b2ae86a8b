"""The departments' ResolveEvidence channel (services/kit/evidence.py) against a real
gRPC server that answers as it is told: retries only an answer that did not come."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc

from services.kit.evidence import EvidenceChannel, department_token
from tests.unit.grpc_server import serving


class Registry(svc_grpc.CertificateServiceServicer):
    """Answers each call with the next status of `script` (OK: an access id)."""

    def __init__(self) -> None:
        self.script: list[grpc.StatusCode] = []
        self.tokens: list[str] = []

    async def ResolveEvidence(
        self, request: svc.ResolveEvidenceRequest, context: grpc.aio.ServicerContext
    ) -> svc.ResolveEvidenceResponse:
        self.tokens.append(dict(context.invocation_metadata())["authorization"])
        status = self.script.pop(0)
        if status != grpc.StatusCode.OK:
            await context.abort(status, f"told to answer {status.name}")
        return svc.ResolveEvidenceResponse(access_id=f"access-{request.case_id}")


@pytest.fixture
async def registry() -> AsyncIterator[tuple[Registry, str]]:
    servicer = Registry()
    add = svc_grpc.add_CertificateServiceServicer_to_server
    async with serving(lambda server: add(servicer, server)) as address:
        yield servicer, address


REQUEST = svc.ResolveEvidenceRequest(case_id="c1")


async def ask(address: str, attempts: int) -> svc.ResolveEvidenceResponse:
    channel = EvidenceChannel(address, lambda: "tok", timeout_s=5, attempts=attempts, backoff_s=0)
    try:
        return await channel.resolve(REQUEST)
    finally:
        await channel.close()


async def test_an_answer_that_did_not_come_is_asked_again_with_the_token(registry):
    servicer, address = registry
    servicer.script = [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.OK]
    assert (await ask(address, attempts=2)).access_id == "access-c1"
    assert servicer.tokens == ["Bearer tok", "Bearer tok"]


async def test_the_last_error_is_raised_when_no_attempt_gets_an_answer(registry):
    servicer, address = registry
    servicer.script = [grpc.StatusCode.UNAVAILABLE] * 2
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await ask(address, attempts=2)
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE and not servicer.script


async def test_an_answer_is_never_asked_again_even_a_refusal(registry):
    servicer, address = registry
    servicer.script = [grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.OK]
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await ask(address, attempts=3)
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert servicer.script == [grpc.StatusCode.OK]  # asked once


def test_a_token_file_is_read_on_every_call(tmp_path):
    path = tmp_path / "token"
    path.write_text("first\n")
    token = department_token(str(path), "91370100863014379C", "power")
    assert token() == "first"
    path.write_text("rotated")
    assert token() == "rotated"

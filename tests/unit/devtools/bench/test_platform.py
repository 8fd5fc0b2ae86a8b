"""The bench's certificate preparation (devtools/bench/platform.py) against a real gRPC
server that answers as it is told: UNAVAILABLE is retried with the same request id, any
other refusal stops the bench."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc

from devtools.bench.platform import issue_all, property_request
from tests.unit.grpc_server import serving


class Registry(svc_grpc.CertificateServiceServicer):
    """Answers each IssueCertificate with the next status of `script`."""

    def __init__(self) -> None:
        self.script: list[grpc.StatusCode] = []
        self.request_ids: list[str] = []

    async def IssueCertificate(
        self, request: svc.IssueCertificateRequest, context: grpc.aio.ServicerContext
    ) -> svc.IssueCertificateResponse:
        self.request_ids.append(request.request_id)
        status = self.script.pop(0)
        if status != grpc.StatusCode.OK:
            await context.abort(status, f"told to answer {status.name}")
        return svc.IssueCertificateResponse()


@pytest.fixture
async def registry() -> AsyncIterator[tuple[Registry, str]]:
    servicer = Registry()
    add = svc_grpc.add_CertificateServiceServicer_to_server
    async with serving(lambda server: add(servicer, server)) as address:
        yield servicer, address


async def test_an_event_the_broker_did_not_acknowledge_is_issued_again_with_its_id(registry):
    servicer, address = registry
    servicer.script = [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.OK]
    request = property_request("91370100MA3C5XXXX1", "370102001001GB00001F00010001", citizen=False)
    assert await issue_all(address, [request]) == 1
    assert servicer.request_ids == [request[1].request_id] * 2


async def test_a_refusal_stops_the_bench(registry):
    servicer, address = registry
    servicer.script = [grpc.StatusCode.INVALID_ARGUMENT]
    request = property_request("91370100MA3C5XXXX1", "370102001001GB00001F00010001", citizen=False)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await issue_all(address, [request])
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT

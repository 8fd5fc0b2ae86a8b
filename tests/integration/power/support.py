"""The certificates and power services as real processes on the session broker, and
the calls the power tests make to them."""

from __future__ import annotations

import json
import random
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import grpc
from aiokafka import AIOKafkaProducer
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common

from devtools import samples
from devtools.samples import MARKETREG, REGISTRAR
from services.kit import grpc_targets
from services.kit.auth import bearer_metadata, mint_dev_token
from services.kit.identifiers import resident_id_check_char, uscc_check_char
from tests.helpers import ROOT, http_get, running_service, started_service

ENTERPRISE = "泉城测试餐饮有限公司"
MARKETREG_TOKEN = mint_dev_token("department", MARKETREG, department="marketreg")
REGISTRAR_TOKEN = mint_dev_token("department", REGISTRAR, department="realestate")
OPERATOR = mint_dev_token(
    "staff", "pw-0001", department="power", roles=["operator"], region="370100", name="周涛"
)


def holder_uscc() -> str:
    """A fresh, valid enterprise USCC per test (state is keyed by holder)."""
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    org = "".join(str(b % 10) for b in uuid.uuid4().bytes[:8])
    check = 11 - sum(int(c) * w for c, w in zip(org, weights, strict=True)) % 11
    body = "91370105" + org + {10: "X", 11: "0"}.get(check, str(check))
    return body + uscc_check_char(body)


def resident_id() -> str:
    body = f"37010519800101{random.randrange(1000):03d}"
    return body + resident_id_check_char(body)


def parcel_code(division: str = "370105") -> str:
    return f"{division}012002GB{random.randrange(100000):05d}"


def unit_code(parcel: str | None = None) -> str:
    return (parcel or parcel_code()) + f"F{random.randrange(10**8):08d}"


class Http:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(
        self, method: str, path: str, token: str | None = None, body: Any = None
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=20) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def metrics(self) -> str:
        return http_get(self.url + "/metrics")[1].decode()


class Certificates:
    """The certificates service, driven over gRPC as the issuing departments would."""

    def __init__(self, grpc_port: int, http: Http, *, workers: str = "") -> None:
        """`workers`: the gRPC addresses of several workers (host:port,...) to balance
        over instead of the one on `grpc_port` (services/kit/grpc_targets.py)."""
        self.grpc_port = grpc_port
        self.http = http  # REST for people: the holder's access log
        self.channel = (
            grpc.insecure_channel(grpc_targets.target(workers), options=grpc_targets.BALANCED)
            if workers
            else grpc.insecure_channel(f"127.0.0.1:{grpc_port}")
        )
        self.stub = svc_grpc.CertificateServiceStub(self.channel)

    def _issue(self, token: str, request: svc.IssueCertificateRequest) -> t.Certificate:
        reply = self.stub.IssueCertificate(request, metadata=bearer_metadata(token), timeout=15)
        return reply.certificate

    def licence(self, holder: str) -> t.Certificate:
        party = common.Party(kind=common.PARTY_KIND_ENTERPRISE, id=holder, name=ENTERPRISE)
        return self._issue(MARKETREG_TOKEN, samples.licence_request(party, since=date(2025, 1, 1)))

    def property(self, holder: str, unit: str, *, citizen: bool = False) -> t.Certificate:
        kind = common.PARTY_KIND_CITIZEN if citizen else common.PARTY_KIND_ENTERPRISE
        party = common.Party(kind=kind, id=holder, name=ENTERPRISE)
        request = samples.property_request(party, unit, since=date(2025, 1, 1))
        return self._issue(REGISTRAR_TOKEN, request)

    def revoke(self, certificate_id: str) -> None:
        self.stub.RevokeCertificate(
            svc.RevokeCertificateRequest(
                request_id=str(uuid.uuid4()),
                certificate_id=certificate_id,
                reason=t.REVOCATION_REASON_ISSUED_IN_ERROR,
            ),
            metadata=bearer_metadata(MARKETREG_TOKEN),
            timeout=10,
        )


def base_env(bootstrap: str, prefix: str) -> dict[str, str]:
    return {
        "GOVSHARE_ENV": "test",
        "GOVSHARE_KAFKA_BOOTSTRAP": bootstrap,
        "GOVSHARE_TOPIC_PREFIX": prefix,
    }


@contextmanager
def certificates_service(env: Mapping[str, str], keys: Path) -> Iterator[Certificates]:
    full = {**env, "GOVSHARE_GRPC_PORT": "0", "GOVSHARE_KEYS_DIR": str(keys)}
    log = ROOT / "artifacts" / f"{env['GOVSHARE_TOPIC_PREFIX']}certificates.log"
    with started_service("certificates", full, log) as service, ExitStack() as stack:
        assert service.grpc_port  # announced with the HTTP port
        client = Certificates(service.grpc_port, Http(service.http_url))
        stack.callback(client.channel.close)
        yield client


@contextmanager
def power_service(env: Mapping[str, str], certificates_port: int, **extra: str) -> Iterator[Http]:
    full = {
        **env,
        "GOVSHARE_CERTIFICATES_GRPC": f"127.0.0.1:{certificates_port}",
        "GOVSHARE_POWER_OVERDUE_SCAN_S": "0.5",
        **extra,
    }
    log = ROOT / "artifacts" / f"{env['GOVSHARE_TOPIC_PREFIX']}power.log"
    with running_service("power", full, log) as url:
        yield Http(url)


async def produce(bootstrap: str, topic: str, records: list[tuple[bytes, bytes, list]]) -> None:
    """Records (key, value, headers) onto `topic`, as a department's system would."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for key, value, headers in records:
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()

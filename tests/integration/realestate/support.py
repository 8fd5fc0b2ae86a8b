"""The three services of a joint transfer as real processes on one topic prefix, and the
parties, staff and certificates the tests use."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import grpc
import httpx
from aiokafka import AIOKafkaProducer
from google.protobuf.message import Message
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.common.v1 import types_pb2 as common

from devtools import samples
from devtools.samples import REGISTRAR
from services.kit.admin import ensure_topics
from services.kit.auth import bearer_metadata, mint_dev_token
from services.kit.envelope import make_envelope, to_record
from services.kit.identifiers import resident_id_check_char
from services.kit.topics import all_topic_names
from tests.helpers import ROOT, started_service

REGISTRAR_TOKEN = mint_dev_token("department", REGISTRAR, department="realestate")


def resident_id() -> str:
    """A fresh valid resident id (Jinan, born 1980-1999)."""
    body = f"370102{random.randint(1980, 1999)}0{random.randint(1, 9)}1{random.randint(1, 9)}"
    body += f"{random.randint(100, 999)}"
    return body + resident_id_check_char(body)


def unit_code() -> str:
    """A fresh unit in Jinan Tianqiao: building 0001-0999, unit 0001-9999."""
    return f"370105012002GB00001F{random.randint(1, 999):04d}{random.randint(1, 9999):04d}"


def citizen(subject: str, name: str) -> str:
    return mint_dev_token("citizen", subject, name=name)


def staff(department: str, *, region: str = "370100", window: bool = True) -> str:
    return mint_dev_token(
        "staff",
        f"{department}-{uuid.uuid4().hex[:6]}",
        department=department,
        region=region,
        roles=("window",) if window else (),
        name="窗口" + department,
    )


@dataclass
class Party:
    id: str = field(default_factory=resident_id)
    name: str = field(default_factory=lambda: "张" + uuid.uuid4().hex[:2])

    @property
    def token(self) -> str:
        return citizen(self.id, self.name)

    def json(self) -> dict[str, str]:
        return {"kind": "citizen", "id": self.id, "name": self.name}


@dataclass
class Platform:
    bootstrap: str
    prefix: str
    certificates: str
    realestate: str
    tax: str
    grpc_address: str
    devbank: str = ""  # the development payment channel (services/devbank), where it runs

    def call(
        self, method: str, url: str, token: str | None = None, body: Any = None
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        reply = httpx.request(method, url, headers=headers, json=body, timeout=30)
        return reply.status_code, reply.json() if reply.content else None

    def text(self, url: str) -> str:
        return httpx.get(url, timeout=10).text

    def get(self, url: str, token: str | None = None) -> tuple[int, Any]:
        return self.call("GET", url, token)

    def post(self, url: str, token: str | None = None, body: Any = None) -> tuple[int, Any]:
        return self.call("POST", url, token, body)

    def case(self, case_id: str, token: str) -> dict[str, Any]:
        status, body = self.get(f"{self.realestate}/v1/cases/{case_id}", token)
        assert status == 200, body
        return dict(body)

    def wait_case(
        self, case_id: str, token: str, stage: str, timeout: float = 30
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen: dict[str, Any] = {}
        while time.monotonic() < deadline:
            seen = self.case(case_id, token)
            # Real estate learns of the bill from the tax events in parallel with the tax
            # service's own agent: a payable case is one whose bill the tax service shows.
            payable = (
                stage != "awaiting_payment"
                or self.get(f"{self.tax}/v1/cases/{case_id}/assessment", token)[0] == 200
            )
            if seen["stage"] == stage and payable:
                return seen
            time.sleep(0.2)
        raise AssertionError(f"case {case_id} not {stage} after {timeout} s: {seen}")

    def open_order(self, case_id: str, token: str) -> dict[str, Any]:
        status, order = self.post(f"{self.tax}/v1/cases/{case_id}/payment-orders", token)
        assert status == 200, order
        return dict(order)

    def pay(self, case_id: str, token: str, action: str = "pay") -> dict[str, Any]:
        """Pay the bill the way a party does: open a payment order at tax, then pay it at
        the payment channel (the development channel's programmatic cashier)."""
        order = self.open_order(case_id, token)
        status, paid = self.post(f"{self.devbank}/v1/orders/{order['order_id']}/{action}")
        assert status == 200, paid
        return {**order, **paid}

    def bill(self, case_id: str, token: str) -> dict[str, Any]:
        status, body = self.get(f"{self.tax}/v1/cases/{case_id}/assessment", token)
        assert status == 200, body
        return dict(body)

    def wait_bill(self, case_id: str, token: str, status: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        seen: dict[str, Any] = {}
        while time.monotonic() < deadline:
            code, seen = self.get(f"{self.tax}/v1/cases/{case_id}/assessment", token)
            if code == 200 and seen["status"] == status:
                return dict(seen)
            time.sleep(0.2)
        raise AssertionError(f"bill of {case_id} not {status} after {timeout} s: {seen}")

    def issue_property_certificate(
        self, holder: Party, unit: str, *, area: int = 12_000, since: str = "2016-08-20"
    ) -> str:
        citizen = common.Party(kind=common.PARTY_KIND_CITIZEN, id=holder.id, name=holder.name)
        request = samples.property_request(
            citizen, unit, area_hundredths_m2=area, since=date.fromisoformat(since)
        )
        with grpc.insecure_channel(self.grpc_address) as channel:
            stub = svc_grpc.CertificateServiceStub(channel)
            reply = stub.IssueCertificate(
                request,
                metadata=bearer_metadata(REGISTRAR_TOKEN),
                timeout=15,
            )
        return str(reply.certificate.id)

    def registrar_call(self, method: str, request: Message) -> Any:
        """Call the certificates gRPC API as the registry (the issuer of property
        certificates), e.g. to revoke or suspend one."""
        with grpc.insecure_channel(self.grpc_address) as channel:
            stub = svc_grpc.CertificateServiceStub(channel)
            return getattr(stub, method)(
                request, metadata=bearer_metadata(REGISTRAR_TOKEN), timeout=15
            )

    def publish(self, message: Message, subject: str, source: str) -> None:
        """Produce an event as an external department (or a replay) would."""
        env = make_envelope(message, source=source, subject=subject)
        record = to_record(message, env)

        async def send() -> None:
            producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap)
            await producer.start()
            try:
                await producer.send_and_wait(
                    self.prefix + record.topic, record.value, key=record.key, headers=record.headers
                )
            finally:
                await producer.stop()

        asyncio.run(send())


def transfer_form(
    seller: Party, buyer: Party, unit: str, *, area: int = 12_000, contract: str = "2025-06-01"
) -> dict[str, Any]:
    return samples.transfer_form(
        unit, seller.json(), buyer.json(), area_hundredths_m2=area, contract_date=contract
    )


def confirmed_case(running: Platform) -> tuple[Party, Party, str, str]:
    """A seller with an e-property certificate files a transfer and the buyer confirms:
    (seller, buyer, unit code, case id)."""
    seller, buyer = Party(), Party()
    unit = unit_code()
    running.issue_property_certificate(seller, unit)
    status, case = running.post(
        f"{running.realestate}/v1/transfers", seller.token, transfer_form(seller, buyer, unit)
    )
    assert status == 201, case
    case_id = case["case_id"]
    status, confirmed = running.post(
        f"{running.realestate}/v1/cases/{case_id}/confirmation", buyer.token
    )
    assert status == 200, confirmed
    return seller, buyer, unit, case_id


def environment(bootstrap: str, keys_dir: str, prefix: str = "") -> dict[str, str]:
    prefix = prefix or f"t{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(bootstrap, all_topic_names(prefix), partitions=4))
    return {
        "GOVSHARE_ENV": "test",
        "GOVSHARE_KAFKA_BOOTSTRAP": bootstrap,
        "GOVSHARE_TOPIC_PREFIX": prefix,
        "GOVSHARE_KEYS_DIR": keys_dir,
        "GOVSHARE_GRPC_PORT": "0",  # certificates binds a free one and announces it
    }


@contextmanager
def services(env: dict[str, str], *names: str) -> Iterator[dict[str, str]]:
    """Run the named services on `env` until the block ends, in order; yield their base
    URLs. Once certificates is up, `env` says where its gRPC port is, for the others."""
    prefix = env["GOVSHARE_TOPIC_PREFIX"]
    urls: dict[str, str] = {}
    with ExitStack() as stack:
        for name in names:
            service = stack.enter_context(
                started_service(name, env, ROOT / "artifacts" / f"{prefix}{name}.log")
            )
            urls[name] = service.http_url
            if service.grpc_address:
                env["GOVSHARE_CERTIFICATES_GRPC"] = service.grpc_address
        yield urls


def joined(env: dict[str, str], certificates: str, urls: dict[str, str]) -> Platform:
    return Platform(
        env["GOVSHARE_KAFKA_BOOTSTRAP"],
        env["GOVSHARE_TOPIC_PREFIX"],
        certificates,
        urls["realestate"],
        urls["tax"],
        env["GOVSHARE_CERTIFICATES_GRPC"],
        urls.get("devbank", ""),
    )


@contextmanager
def platform(bootstrap: str, keys_dir: str) -> Iterator[Platform]:
    """certificates, realestate, tax and the development payment channel on a topic
    prefix of their own."""
    env = environment(bootstrap, keys_dir)
    with services(env, "certificates", "realestate", "tax", "devbank") as urls:
        yield joined(env, urls["certificates"], urls)

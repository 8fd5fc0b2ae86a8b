"""Certificate issuance and verification benchmark, on the embedded broker.

Issuance: N business-licence events on the market-regulation feed, timed from the first
produce to the N-th `CertificateIssued` on the certificates topic (SM2 and Ed25519 runs).
Verification: `VerifyCertificate` over gRPC, sequential, p50/p99 and requests/s.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.certificates.v1 import events_pb2 as cert_events
from govshare.common.v1 import types_pb2 as common
from govshare.marketreg.v1 import events_pb2 as market
from govshare.marketreg.v1 import types_pb2 as market_types

from services.kit import identifiers
from services.kit.admin import ensure_topics, partitions_of
from services.kit.auth import bearer_metadata, mint_dev_token
from services.kit.broker import free_port
from services.kit.envelope import encode_headers, make_envelope
from services.kit.launcher import ServiceProcess
from services.kit.topics import all_topic_names

MARKETREG = "11370100004251392E"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def synthetic_uscc(n: int) -> str:
    """A valid enterprise USCC for index n (GB 32100 with a GB 11714 organisation code)."""
    org = f"{n:08d}"
    check = 11 - sum(int(c) * w for c, w in zip(org, _ORG_WEIGHTS, strict=True)) % 11
    body = "91370105" + org + {10: "X", 11: "0"}.get(check, str(check))
    return body + identifiers.uscc_check_char(body)


def licence_event(n: int) -> market.BusinessLicenceRegistered:
    holder = synthetic_uscc(n)
    authority = common.Party(
        kind=common.PARTY_KIND_DEPARTMENT, id=MARKETREG, name="济南市市场监督管理局"
    )
    licence = market_types.BusinessLicence(
        name=f"泉城基准测试{n}有限公司",
        entity_type="有限责任公司",
        legal_representative=common.Party(
            kind=common.PARTY_KIND_CITIZEN, id="11010519491231002X", name="张三"
        ),
        address=common.Address(division_code="370105", text="济南市天桥区"),
        established_on=common.Date(year=2025, month=1, day=2),
        term_from=common.Date(year=2025, month=1, day=2),
        registration_authority=authority,
    )
    event = market.BusinessLicenceRegistered(
        uscc=holder,
        licence=licence,
        issued_on=common.Date(year=2025, month=1, day=2),
    )
    event.registered_at.GetCurrentTime()
    return event


@dataclass
class IssuanceResult:
    suite: str
    events: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class _Service:
    """One certificates process on its own topic prefix."""

    def __init__(self, bootstrap: str, suite: str, workdir: Path) -> None:
        self.prefix = f"bench{uuid.uuid4().hex[:8]}."
        self.proc = ServiceProcess("certificates", free_port(), free_port())
        self.env = {
            **os.environ,
            "GOVSHARE_ENV": "test",
            "GOVSHARE_KAFKA_BOOTSTRAP": bootstrap,
            "GOVSHARE_TOPIC_PREFIX": self.prefix,
            "GOVSHARE_SIGNATURE_SUITE": suite,
            "GOVSHARE_KEYS_DIR": str(workdir / f"keys-{suite}"),
            "GOVSHARE_HTTP_PORT": str(self.proc.http_port),
            "GOVSHARE_GRPC_PORT": str(self.proc.grpc_port),
            "GOVSHARE_LOG_LEVEL": "WARNING",
        }
        self.log = workdir / f"certificates-{suite}.log"

    def _spawn(self) -> subprocess.Popen[bytes]:
        with open(self.log, "ab") as out:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(
                [sys.executable, "-m", "services.certificates"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    async def start(self) -> None:
        await ensure_topics(
            self.env["GOVSHARE_KAFKA_BOOTSTRAP"], all_topic_names(self.prefix), partitions=4
        )
        self.proc.process = await asyncio.to_thread(self._spawn)
        deadline = time.monotonic() + 90
        while not await asyncio.to_thread(self.proc.is_ready):
            if time.monotonic() > deadline or self.proc.process.poll() is not None:
                raise RuntimeError(f"certificates did not start; see {self.log}")
            await asyncio.sleep(0.2)

    def stop(self) -> None:
        if self.proc.process is not None:
            self.proc.process.terminate()
            self.proc.process.wait(30)


async def _count_issued(bootstrap: str, topic: str, wanted: int, limit_s: float) -> float:
    """Monotonic time at which the `wanted`-th CertificateIssued was read."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)])
        issued_type = cert_events.CertificateIssued.DESCRIPTOR.full_name.encode()
        seen = 0
        deadline = time.monotonic() + limit_s
        while seen < wanted:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {seen} of {wanted} certificates issued")
            batch = await consumer.getmany(timeout_ms=200, max_records=5000)
            for records in batch.values():
                seen += sum(1 for r in records if (dict(r.headers).get("ce_type") == issued_type))
        return time.monotonic()
    finally:
        await consumer.stop()


async def issuance(
    bootstrap: str, suite: str, count: int, workdir: Path
) -> tuple[IssuanceResult, _Service]:
    service = _Service(bootstrap, suite, workdir)
    await service.start()
    topic = service.prefix + "marketreg.v1.events"
    records = []
    for n in range(count):
        event = licence_event(n)
        env = make_envelope(event, source="/dept/marketreg", subject=event.uscc)
        records.append((event.uscc.encode(), event.SerializeToString(), encode_headers(env)))
    counter = asyncio.create_task(
        _count_issued(bootstrap, service.prefix + "certificates.v1.events", count, 600)
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    started = time.monotonic()
    try:
        futures = [
            await producer.send(topic, value, key=key, headers=headers)
            for key, value, headers in records
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    finished = await counter
    return IssuanceResult(suite, count, finished - started), service


def verification(grpc_address: str, ids: list[str], calls: int) -> dict[str, float]:
    token = mint_dev_token("department", "91370100863014379C", department="power")
    latencies: list[float] = []
    with grpc.insecure_channel(grpc_address) as channel:
        stub = svc_grpc.CertificateServiceStub(channel)  # type: ignore[no-untyped-call]
        metadata = bearer_metadata(token)
        started = time.perf_counter()
        for n in range(calls):
            t0 = time.perf_counter()
            reply = stub.VerifyCertificate(
                svc.VerifyCertificateRequest(certificate_id=ids[n % len(ids)]),
                metadata=metadata,
                timeout=10,
            )
            latencies.append(time.perf_counter() - t0)
            if not reply.valid:
                raise RuntimeError(f"verification failed: {list(reply.details)}")
        elapsed = time.perf_counter() - started
    return {
        "requests": calls,
        "per_second": calls / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
    }


async def run(bootstrap: str, count: int, verify_calls: int) -> dict[str, Any]:
    report: dict[str, Any] = {"issuance": {}, "verification": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for suite in ("SIGNATURE_SUITE_SM2_SM3", "SIGNATURE_SUITE_ED25519"):
            result, service = await issuance(bootstrap, suite, count, Path(tmp))
            try:
                report["issuance"][suite] = {
                    "certificates": result.events,
                    "seconds": result.seconds,
                    "per_second": result.per_second,
                }
                address = service.proc.grpc_address or ""
                sample = await asyncio.to_thread(_issued_ids, service, min(count, 200))
                report["verification"][suite] = await asyncio.to_thread(
                    verification, address, sample, verify_calls
                )
            finally:
                service.stop()
    return report


def _issued_ids(service: _Service, limit: int) -> list[str]:
    """Ids of issued certificates, once the registry has applied its own events."""
    token = mint_dev_token("department", MARKETREG, department="marketreg")
    with grpc.insecure_channel(service.proc.grpc_address or "") as channel:
        stub = svc_grpc.CertificateServiceStub(channel)  # type: ignore[no-untyped-call]
        ids: list[str] = []
        deadline = time.monotonic() + 30
        for n in range(limit):
            while True:
                reply = stub.ListDossier(
                    svc.ListDossierRequest(holder_id=synthetic_uscc(n)),
                    metadata=bearer_metadata(token),
                    timeout=10,
                )
                if reply.certificates or time.monotonic() > deadline:
                    break
                time.sleep(0.05)  # issued on the topic, not yet applied to the table
            ids += [c.id for c in reply.certificates]
        if not ids:
            raise RuntimeError("no issued certificate became visible in the registry")
        return ids

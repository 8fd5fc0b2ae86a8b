"""Certificate issuance, verification and restart, measured on a certificates process.

Issuance: N business-licence events on the market-regulation feed, timed from the first
produce to the N-th `CertificateIssued` on the certificates topic (SM2 and Ed25519 runs);
also until the registry has applied all N (they are then readable), and the service's
CPU time per certificate.
Verification: `VerifyCertificate` over gRPC, sequential (closed loop: its best rate) and
open loop (requests sent on a fixed schedule whatever the answers do; latency counted
from the scheduled send, so a slow answer cannot hide the requests queued behind it).
Restart: a registry holding N certificates is stopped and started again; seconds until
ready, memory, and the certificates still verify.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.certificates.v1 import events_pb2 as cert_events

from devtools.bench import openloop
from devtools.bench.harness import (
    MARKETREG,
    cpu_seconds,
    drive,
    licence_records,
    metric_sum,
    percentile,
    produce,
    rss_bytes,
    sequential,
    synthetic_uscc,
)
from devtools.launcher import ServiceProcess
from services.kit.admin import ensure_topics
from services.kit.auth import bearer_metadata, mint_dev_token
from services.kit.topics import all_topic_names

ISSUED = cert_events.CertificateIssued.DESCRIPTOR.full_name.encode()
VERIFIER = "91370100863014379C"  # the power company: a department that verifies


@dataclass
class IssuanceResult:
    suite: str
    events: int
    seconds: float
    applied_seconds: float
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds

    def figures(self) -> dict[str, float]:
        return {
            "certificates": self.events,
            "seconds": self.seconds,
            "per_second": self.per_second,
            "applied_seconds": self.applied_seconds,
            "applied_per_second": self.events / self.applied_seconds,
            "service_cpu_us_per_certificate": self.cpu_seconds / self.events * 1e6,
        }


class Service:
    """One certificates process on its own topic prefix (kept across restarts). Each
    start binds port 0 for HTTP and gRPC and announces the ports it got, which the bench
    then reads: it never hands the process a port number (services/kit/address.py)."""

    def __init__(
        self,
        bootstrap: str,
        suite: str,
        workdir: Path,
        label: str = "",
        store: str = "memory://",
    ) -> None:
        self.prefix = f"bench{uuid.uuid4().hex[:8]}."
        label = label or suite
        self.proc = ServiceProcess(
            "certificates", address_file=workdir / f"certificates-{label}.address.json"
        )
        self.env = {
            **os.environ,
            "GOVSHARE_ENV": "test",
            "GOVSHARE_KAFKA_BOOTSTRAP": bootstrap,
            "GOVSHARE_TOPIC_PREFIX": self.prefix,
            "GOVSHARE_SIGNATURE_SUITE": suite,
            "GOVSHARE_KEYS_DIR": str(workdir / f"keys-{label}"),
            "GOVSHARE_HTTP_PORT": "0",
            "GOVSHARE_GRPC_PORT": "0",
            "GOVSHARE_ADDRESS_FILE": str(self.proc.address_file),
            "GOVSHARE_LOG_LEVEL": "WARNING",
            "GOVSHARE_STORE": store,
            "GOVSHARE_DATA_DIR": str(workdir / f"data-{label}"),
        }
        self.log = workdir / f"certificates-{label}.log"

    @property
    def pid(self) -> int:
        assert self.proc.process is not None
        return self.proc.process.pid

    @property
    def metrics_url(self) -> str:
        return self.proc.http_url + "/metrics"

    @property
    def grpc_address(self) -> str:
        return self.proc.grpc_address or ""

    def topic(self, name: str) -> str:
        return self.prefix + name

    def _spawn(self) -> subprocess.Popen[bytes]:
        with open(self.log, "ab") as out:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(
                [sys.executable, "-m", "services.certificates"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    async def start(self, limit_s: float = 600) -> float:
        """Start and wait until ready; seconds from spawn to ready."""
        await ensure_topics(
            self.env["GOVSHARE_KAFKA_BOOTSTRAP"], all_topic_names(self.prefix), partitions=4
        )
        assert self.proc.address_file is not None
        self.proc.address_file.unlink(missing_ok=True)  # a restart announces afresh
        self.proc.http_port, self.proc.grpc_port = 0, None
        started = time.monotonic()
        self.proc.process = await asyncio.to_thread(self._spawn)
        deadline = started + limit_s
        while not await asyncio.to_thread(self.proc.is_ready):
            if time.monotonic() > deadline or self.proc.process.poll() is not None:
                raise RuntimeError(f"certificates did not start; see {self.log}")
            await asyncio.sleep(0.1)
        return time.monotonic() - started

    def stop(self) -> None:
        if self.proc.process is not None and self.proc.process.poll() is None:
            self.proc.process.send_signal(signal.SIGTERM)
            try:
                self.proc.process.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.process.kill()
                self.proc.process.wait()

    def applied(self) -> float:
        """Events of its own topic the registry has taken (applied or found applied)."""
        return metric_sum(
            self.metrics_url,
            "govshare_events_consumed_total",
            topic=self.topic("certificates.v1.events"),
        )

    async def wait_applied(self, wanted: int, limit_s: float) -> float:
        """Monotonic time at which the registry had taken `wanted` of its own events."""
        deadline = time.monotonic() + limit_s
        while await asyncio.to_thread(self.applied) < wanted:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the registry did not apply {wanted} events in {limit_s} s")
            await asyncio.sleep(0.05)
        return time.monotonic()


async def issuance(
    bootstrap: str, suite: str, count: int, workdir: Path
) -> tuple[IssuanceResult, Service]:
    service = Service(bootstrap, suite, workdir)
    await service.start()
    records = list(licence_records(0, count))
    cpu_before = cpu_seconds(service.pid)
    started, signed = await drive(
        bootstrap,
        service.topic("marketreg.v1.events"),
        records,
        service.topic("certificates.v1.events"),
        ISSUED,
    )
    # + the issuer's SigningKeyPublished: the registry takes that too
    applied = await service.wait_applied(count + 1, 600)
    cpu = cpu_seconds(service.pid) - cpu_before
    return IssuanceResult(suite, count, signed - started, applied - started, cpu), service


def _verify_request(certificate_id: str) -> svc.VerifyCertificateRequest:
    return svc.VerifyCertificateRequest(certificate_id=certificate_id)


def verification(grpc_address: str, ids: list[str], calls: int) -> dict[str, float]:
    """Sequential calls: the rate one caller gets, and its latency."""
    metadata = bearer_metadata(mint_dev_token("department", VERIFIER, department="power"))
    with grpc.insecure_channel(grpc_address) as channel:
        stub = svc_grpc.CertificateServiceStub(channel)  # type: ignore[no-untyped-call]

        def call(n: int) -> None:
            reply = stub.VerifyCertificate(
                _verify_request(ids[n % len(ids)]), metadata=metadata, timeout=10
            )
            if not reply.valid:
                raise RuntimeError(f"verification failed: {list(reply.details)}")

        return sequential(calls, call)


async def open_loop(
    grpc_address: str, ids: list[str], rate: float, seconds: float
) -> dict[str, float]:
    """Requests at a fixed `rate` for `seconds`, each sent at its scheduled time whether
    or not earlier ones were answered; latency from the scheduled time to the answer."""
    metadata = bearer_metadata(mint_dev_token("department", VERIFIER, department="power"))
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    failures = 0
    async with grpc.aio.insecure_channel(grpc_address) as channel:
        stub = svc_grpc.CertificateServiceStub(channel)  # type: ignore[no-untyped-call]
        for certificate_id in ids[:20]:  # warm the connection and the caches
            await stub.VerifyCertificate(
                _verify_request(certificate_id), metadata=metadata, timeout=10
            )

        async def call(n: int, due: float) -> None:
            nonlocal failures
            try:
                reply = await stub.VerifyCertificate(
                    _verify_request(ids[n % len(ids)]), metadata=metadata, timeout=10
                )
                if not reply.valid:
                    failures += 1
            except grpc.aio.AioRpcError:
                failures += 1
            latencies.append(loop.time() - due)

        total = int(rate * seconds)
        schedule = await openloop.run(rate, total, call)
    sent = schedule.sent_seconds
    return {
        "target_per_second": rate,
        "requests": total,
        "sent_per_second": total / sent if sent > 0 else 0.0,
        "per_second": (total - failures) / schedule.finished_seconds,
        "failures": failures,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies) * 1000,
        "client_late_ms": schedule.client_late_s * 1000,
    }


def issued_ids(service: Service, limit: int) -> list[str]:
    """Ids of issued certificates (holders 0..limit-1), once the registry has them."""
    token = mint_dev_token("department", MARKETREG, department="marketreg")
    with grpc.insecure_channel(service.grpc_address) as channel:
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


async def restart(
    bootstrap: str, suite: str, count: int, workdir: Path, store: str = "rocksdb://"
) -> dict[str, Any]:
    """Fill a registry with `count` certificates (through its feed, as in production),
    restart it, and measure the time to ready and its memory. With `rocksdb://` (the
    production store) the tables survive in local files and a restart reads only the
    changelog written since; with `memory://` it replays every changelog."""
    service = Service(bootstrap, suite, workdir, label="restart", store=store)
    await service.start()
    try:
        feed = service.topic("marketreg.v1.events")
        started = time.monotonic()
        chunk = 20_000
        for first in range(0, count, chunk):  # made as they go: a million do not fit twice
            await produce(bootstrap, feed, list(licence_records(first, min(chunk, count - first))))
        await service.wait_applied(count + 1, 3600)
        filled = time.monotonic() - started
        rss_full = rss_bytes(service.pid)
        sample = await asyncio.to_thread(issued_ids, service, min(count, 50))
        service.stop()
        seconds = await service.start(limit_s=3600)
        rss_ready = rss_bytes(service.pid)
        verified = await asyncio.to_thread(verification, service.grpc_address, sample, len(sample))
    finally:
        service.stop()
    return {
        "certificates": count,
        "store": store,
        "fill_seconds": filled,
        "seconds_to_ready": seconds,
        "rss_before_restart_mb": rss_full / 2**20,
        "rss_after_restart_mb": rss_ready / 2**20,
        "verified_after_restart": int(verified["requests"]),
    }

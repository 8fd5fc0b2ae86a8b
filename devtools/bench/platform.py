"""All four services as separate processes on a topic prefix of their own, started the
way `govshare up` starts them (`devtools.launcher`), for the figures that cross
services (power applications, joint transfers, evidence resolution) and their memory.
Also the gRPC calls that put the certificates those flows rely on in place."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from pathlib import Path

import grpc
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.common.v1 import types_pb2 as common

from devtools import samples
from devtools.bench.harness import rss_bytes
from devtools.launcher import SERVICES, Platform, start_payment_channel
from devtools.samples import MARKETREG, REGISTRAR
from services.kit.admin import ensure_topics
from services.kit.auth import bearer_metadata, mint_dev_token
from services.kit.topics import all_topic_names

POWER_COMPANY = "91370100863014379C"


class Services:
    """certificates, realestate, tax and power on one fresh prefix; ready when started."""

    def __init__(self, bootstrap: str, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.prefix = f"bench{uuid.uuid4().hex[:8]}."
        self.bootstrap = bootstrap
        self.platform = Platform(
            bootstrap,
            env={
                "GOVSHARE_ENV": "test",
                "GOVSHARE_TOPIC_PREFIX": self.prefix,
                "GOVSHARE_KEYS_DIR": str(workdir / "keys-platform"),
                "GOVSHARE_LOG_LEVEL": "WARNING",
                **(env or {}),
            },
            fixed_ports=False,
            log_dir=workdir / "platform",
        )

    async def start(self) -> None:
        await ensure_topics(self.bootstrap, all_topic_names(self.prefix), partitions=4)
        # The development payment channel, through which the bench's buyers pay.
        await asyncio.to_thread(start_payment_channel, self.platform)
        await asyncio.to_thread(self.platform.start, SERVICES)
        await asyncio.to_thread(self.platform.wait_ready, 180.0)

    def stop(self) -> None:
        self.platform.stop()

    def url(self, name: str) -> str:
        return self.platform.services[name].http_url

    @property
    def grpc_address(self) -> str:
        return self.platform.services["certificates"].grpc_address or ""

    def topic(self, name: str) -> str:
        return self.prefix + name

    def pids(self) -> dict[str, int]:
        return {
            name: proc.process.pid
            for name, proc in self.platform.services.items()
            if proc.process is not None and proc.process.poll() is None
        }

    def rss_mb(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, proc in self.platform.services.items():
            if proc.process is not None and proc.process.poll() is None:
                out[name] = rss_bytes(proc.process.pid) / 2**20
        return out


BENCH_ENTERPRISE = "泉城基准测试有限公司"


def _party(kind: common.PartyKind, holder: str, name: str) -> common.Party:
    return common.Party(kind=kind, id=holder, name=name)


def licence_request(holder: str) -> tuple[str, svc.IssueCertificateRequest]:
    party = _party(common.PARTY_KIND_ENTERPRISE, holder, BENCH_ENTERPRISE)
    return MARKETREG, samples.licence_request(party, since=date(2025, 1, 1))


def property_request(
    holder: str, unit: str, *, citizen: bool, name: str = BENCH_ENTERPRISE
) -> tuple[str, svc.IssueCertificateRequest]:
    kind = common.PARTY_KIND_CITIZEN if citizen else common.PARTY_KIND_ENTERPRISE
    return REGISTRAR, samples.property_request(_party(kind, holder, name), unit)


async def issue_all(
    grpc_address: str,
    requests: Iterable[tuple[str, svc.IssueCertificateRequest]],
    concurrency: int = 128,
) -> int:
    """Issue (issuer, request) pairs by gRPC, `concurrency` at a time, as the issuing
    departments would; the number issued. Any refusal stops the bench."""
    tokens = {
        MARKETREG: mint_dev_token("department", MARKETREG, department="marketreg"),
        REGISTRAR: mint_dev_token("department", REGISTRAR, department="realestate"),
    }
    pending = list(requests)
    async with grpc.aio.insecure_channel(grpc_address) as channel:
        stub = svc_grpc.CertificateServiceStub(channel)  # type: ignore[no-untyped-call]

        async def issue(issuer: str, request: svc.IssueCertificateRequest) -> None:
            await stub.IssueCertificate(
                request, metadata=bearer_metadata(tokens[issuer]), timeout=60
            )

        await bounded(concurrency, [functools.partial(issue, i, r) for i, r in pending])
    return len(pending)


async def bounded(limit: int, jobs: list[Callable[[], Awaitable[None]]]) -> None:
    """Run the jobs with at most `limit` at a time."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await job()

    await asyncio.gather(*(one(job) for job in jobs))

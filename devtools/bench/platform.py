"""All four services as separate processes on a topic prefix of their own, started the
way `govshare up` starts them (`devtools.launcher`), for the figures that cross
services (power applications, joint transfers, evidence resolution) and their memory.
Also the gRPC calls that put the certificates those flows rely on in place."""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import time
import urllib.request
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from pathlib import Path

import grpc
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.common.v1 import types_pb2 as common

from devtools import samples
from devtools.bench.harness import CpuMeter, FetchMeter, RecordMeter, UnitCost, rss_bytes
from devtools.launcher import SERVICES, Platform, start_payment_channel
from devtools.samples import MARKETREG, REGISTRAR
from services.kit.admin import ensure_topics
from services.kit.auth import bearer_metadata, mint_dev_token
from services.kit.topics import all_topic_names

POWER_COMPANY = "91370100863014379C"
# The services whose requests are forwarded to the worker holding their state
# (docs/architecture.md, "More than one worker of a service"); a platform of N workers
# runs one of each other.
N_WORKER_SAFE = ("certificates", "power", "realestate", "tax")


class Services:
    """certificates, realestate, tax and power on one fresh prefix, `workers` of each
    N-worker-safe service; ready, each consumer group complete, when started."""

    def __init__(
        self, bootstrap: str, workdir: Path, env: dict[str, str] | None = None, workers: int = 1
    ) -> None:
        self.prefix = f"bench{uuid.uuid4().hex[:8]}."
        self.bootstrap = bootstrap
        self.workers = workers
        own = "" if workers == 1 else f"-{workers}w"  # a second platform's files apart
        self.platform = Platform(
            bootstrap,
            env={
                "GOVSHARE_ENV": "test",
                "GOVSHARE_TOPIC_PREFIX": self.prefix,
                "GOVSHARE_KEYS_DIR": str(workdir / f"keys-platform{own}"),
                "GOVSHARE_DATA_DIR": str(workdir / f"data-platform{own}"),
                "GOVSHARE_LOG_LEVEL": "WARNING",
                **(env or {}),
            },
            fixed_ports=False,
            log_dir=workdir / f"platform{own}",
        )

    def workers_of(self, name: str) -> int:
        return self.workers if name in N_WORKER_SAFE else 1

    async def start(self) -> None:
        await ensure_topics(self.bootstrap, all_topic_names(self.prefix), partitions=4)
        # The development payment channel, through which the bench's buyers pay.
        await asyncio.to_thread(start_payment_channel, self.platform)
        for name in SERVICES:  # in order: callers are told the certificates workers
            await asyncio.to_thread(self.platform.start, (name,), self.workers_of(name))
        await asyncio.to_thread(self.platform.wait_ready, 180.0)
        if self.workers > 1:  # no rebalance during the load
            await asyncio.to_thread(self._wait_for_groups, 120.0)

    def _wait_for_groups(self, timeout: float) -> None:
        """Until every worker sees its whole consumer group (`/readyz` "workers")."""
        deadline = time.monotonic() + timeout
        for proc in self.platform.services.values():
            if proc.name not in SERVICES:
                continue  # the payment channel stand-in is no consumer group
            wanted = self.workers_of(proc.name)
            while _group_size(proc.http_url) != wanted:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{proc.name}: not {wanted} workers after {timeout:.0f} s")
                time.sleep(0.2)

    def stop(self) -> None:
        self.platform.stop()

    def url(self, name: str) -> str:
        return self.platform.services[name].http_url

    def urls(self, name: str) -> list[str]:
        """Every worker of a service."""
        return [proc.http_url for proc in self.platform.workers_of(name)]

    def cost(self, broker_pid: int | None = None) -> UnitCost:
        """What a unit of work costs every process (the broker's too, when given)."""
        fetches = FetchMeter(
            {
                name: proc.http_url + "/metrics"
                for name, proc in self.platform.services.items()
                if proc.name in SERVICES
            }
        )
        return UnitCost(
            self.cpu_meter(broker_pid), RecordMeter(self.bootstrap, self.prefix), fetches
        )

    def cpu_meter(self, broker_pid: int | None = None) -> CpuMeter:
        pids = self.pids()
        if broker_pid is not None:
            pids["broker"] = broker_pid
        return CpuMeter(pids)

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


def _group_size(url: str) -> int:
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=2) as reply:  # noqa: S310 (loopback)
            return int(json.loads(reply.read()).get("workers", 0))
    except (OSError, ValueError):  # HTTPError (503) is an OSError
        return 0


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
            # UNAVAILABLE (the broker did not acknowledge in time) says to retry with the
            # same request id, which the registry makes harmless: a loaded machine must
            # slow the bench's preparation down, not end the run (a soak died of it).
            deadline = time.monotonic() + 120
            for attempt in itertools.count():
                try:
                    await stub.IssueCertificate(
                        request, metadata=bearer_metadata(tokens[issuer]), timeout=60
                    )
                    return
                except grpc.aio.AioRpcError as error:
                    if error.code() != grpc.StatusCode.UNAVAILABLE or (time.monotonic() > deadline):
                        raise
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt))

        await bounded(concurrency, [functools.partial(issue, i, r) for i, r in pending])
    return len(pending)


async def bounded(limit: int, jobs: list[Callable[[], Awaitable[None]]]) -> None:
    """Run the jobs with at most `limit` at a time."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await job()

    await asyncio.gather(*(one(job) for job in jobs))

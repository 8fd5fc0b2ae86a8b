"""gRPC `ResolveEvidence`, called as the power service calls it: the power company's
department token, matter `power.lv-nonresident-new`, one application (case) id, the
holder's business licence. Unlike `VerifyCertificate` every call is checked against the
sharing catalog and writes an access-log event (its produce awaited) before it answers,
so it is the call whose cost the evidence-free flows pay. Sequential (the rate one
caller gets) and open loop (a fixed schedule; latency from the scheduled send)."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.common.v1 import types_pb2 as common

from devtools.bench import harness, openloop
from devtools.bench.platform import POWER_COMPANY
from devtools.samples import LICENCE
from services.kit.auth import bearer_metadata, mint_dev_token

MATTER = "power.lv-nonresident-new"
COMPANY = common.Party(
    kind=common.PARTY_KIND_ENTERPRISE, id=POWER_COMPANY, name="国网山东省电力有限公司济南供电公司"
)


def request(holder: str, n: int) -> svc.ResolveEvidenceRequest:
    return svc.ResolveEvidenceRequest(
        requester=COMPANY,
        requested_by=common.Actor(
            kind=common.ACTOR_KIND_SYSTEM, system_id="power", on_behalf_of=COMPANY
        ),
        matter_code=MATTER,
        purpose="低压非居民新装 用电申请 证照核验 (零证办电)",
        case_id=f"BENCH-EVIDENCE-{n:08d}",
        holder_id=holder,
        type_codes=[LICENCE],
    )


def _metadata() -> tuple[tuple[str, str], ...]:
    return bearer_metadata(mint_dev_token("department", POWER_COMPANY, department="power"))


def _found(reply: svc.ResolveEvidenceResponse) -> bool:
    return len(reply.results) == 1 and reply.results[0].result.status == (
        common.EVIDENCE_STATUS_FOUND
    )


def sequential(grpc_address: str, holders: list[str], calls: int) -> dict[str, float]:
    metadata = _metadata()
    with grpc.insecure_channel(grpc_address) as channel:
        stub = svc_grpc.CertificateServiceStub(channel)  # type: ignore[no-untyped-call]

        def call(n: int) -> None:
            reply = stub.ResolveEvidence(
                request(holders[n % len(holders)], n), metadata=metadata, timeout=10
            )
            if not _found(reply):
                raise RuntimeError(f"evidence not found: {reply}")

        return harness.sequential(calls, call)


async def open_loop(
    grpc_address: str, holders: list[str], rate: float, seconds: float
) -> dict[str, Any]:
    metadata = _metadata()
    loop = asyncio.get_running_loop()
    latencies = openloop.Latencies()
    total = max(1, int(rate * seconds))
    async with grpc.aio.insecure_channel(grpc_address) as channel:
        stub = svc_grpc.CertificateServiceStub(channel)  # type: ignore[no-untyped-call]
        for n, holder in enumerate(holders[:10]):  # warm the connection
            await stub.ResolveEvidence(request(holder, n), metadata=metadata, timeout=10)

        async def call(n: int, due: float) -> None:
            try:
                reply = await stub.ResolveEvidence(
                    request(holders[n % len(holders)], n), metadata=metadata, timeout=10
                )
            except grpc.aio.AioRpcError as error:
                latencies.fail(f"{error.code().name}: {error.details()}")
                return
            if _found(reply):
                latencies.values.append(loop.time() - due)
            else:
                latencies.fail(str(reply)[:200])

        schedule = await openloop.run(rate, total, call)
    figures = latencies.figures()
    return {
        "target_per_second": rate,
        "requests": total,
        "failures": latencies.failures,
        "failure_samples": latencies.reasons,
        "per_second": figures["count"] / schedule.finished_seconds,
        "client_late_ms": schedule.client_late_s * 1000,
        "p50_ms": figures["p50_ms"],
        "p99_ms": figures["p99_ms"],
        "max_ms": figures["max_ms"],
    }

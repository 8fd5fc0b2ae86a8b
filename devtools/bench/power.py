"""Power applications end to end, evidence resolution included.

Each applicant (an enterprise) first gets its business licence and the property
certificate of its unit by gRPC, as the issuing departments would. Then
`POST /v1/applications` (matter `lv-nonresident-new`) is sent on an open-loop schedule.
The service answers only after it has resolved both pieces of evidence from the
certificates service (`ResolveEvidence`, logged in the holder's access log) and applied
the application's events, so the answer `201 in-progress, evidence_free` is the
application accepted: latency runs from the scheduled send to that answer. With more
than one power worker the requests go to them in turn, and afterwards `read_back` of the
accepted applications are read from every worker: each must answer, all alike.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from devtools.bench import openloop
from devtools.bench.harness import UnitCost, synthetic_uscc
from devtools.bench.platform import Services, issue_all, licence_request, property_request
from services.kit.auth import mint_dev_token

MATTER = "lv-nonresident-new"
FIRST_HOLDER = 5_000_000  # away from the holders of the issuance runs


def holder(n: int) -> str:
    return synthetic_uscc(FIRST_HOLDER + n)


def unit(n: int) -> str:
    """A unit code of its own per applicant (parcel n, one unit)."""
    return f"370105012002GB{n % 100_000:05d}F{n:08d}"


async def prepare(services: Services, count: int, first: int = 0) -> float:
    """Licence and property certificate for applicants first..first+count-1; seconds it
    took."""
    started = time.monotonic()
    requests = []
    for n in range(first, first + count):
        requests += [
            licence_request(holder(n)),
            property_request(holder(n), unit(n), citizen=False),
        ]
    await issue_all(services.grpc_address, requests)
    return time.monotonic() - started


async def applications(
    services: Services,
    rate: float,
    seconds: float,
    cost: UnitCost | None = None,
    first: int = 0,
    read_back: int = 0,
) -> dict[str, Any]:
    """`first`: the index of the first applicant (a soak's later intervals use new ones);
    `read_back`: how many accepted applications to read back from every worker."""
    total = max(1, int(rate * seconds))
    prepared = await prepare(services, total, first)
    if cost is not None:
        await cost.start()  # after the certificates the applicants hold are in place
    tokens = {
        n: mint_dev_token("enterprise", holder(n), name="泉城基准测试有限公司")
        for n in range(first, first + total)
    }
    latencies = openloop.Latencies()
    accepted_ids: dict[int, str] = {}  # applicant -> application id
    workers = services.urls("power")
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=500)
    async with httpx.AsyncClient(limits=limits) as client:
        loop = asyncio.get_running_loop()

        async def apply(i: int, due: float) -> None:
            n = first + i
            body = {"matter_code": MATTER, "requested_capacity_w": 60_000, "unit_code": unit(n)}
            headers = {"Authorization": f"Bearer {tokens[n]}"}
            try:
                reply = await client.post(
                    workers[i % len(workers)] + "/v1/applications",
                    json=body,
                    headers=headers,
                    timeout=60,
                )
            except httpx.HTTPError as error:
                latencies.fail(f"{type(error).__name__}: {error}")
                return
            done = loop.time()
            answer = reply.json() if reply.content else {}
            if (
                reply.status_code == 201
                and answer.get("status") == "in-progress"
                and answer.get("evidence_free") is True
            ):
                latencies.values.append(done - due)
                accepted_ids[n] = answer.get("application_id", "")
            else:
                latencies.fail(f"{reply.status_code} {str(answer)[:200]}")

        schedule = await openloop.run(rate, total, apply)
    accepted = len(latencies.values)
    if cost is not None:
        await cost.stop()
    checked = await read_alike(workers, accepted_ids, tokens, read_back) if read_back else {}
    return {
        "workers": len(workers),
        "read_back": checked,
        "cpu_ms_per_application": cost.cpu.per_unit_ms(accepted) if cost else {},
        "records_per_application": cost.records.per_unit(accepted) if cost else {},
        "fetches_per_application": cost.fetches_per_unit(accepted) if cost else {},
        "target_per_second": rate,
        "applications": total,
        "accepted": accepted,
        "failures": latencies.failures,
        "failure_samples": latencies.reasons,
        "per_second": accepted / schedule.finished_seconds if schedule.finished_seconds else 0.0,
        "sent_per_second": total / schedule.sent_seconds if schedule.sent_seconds else 0.0,
        "client_late_ms": schedule.client_late_s * 1000,
        "prepare_seconds": prepared,
        **{k: v for k, v in latencies.figures().items() if k != "count"},
    }


async def read_alike(
    workers: list[str], accepted: dict[int, str], tokens: dict[int, str], sample: int
) -> dict[str, Any]:
    """`GET /v1/applications/{id}` for `sample` of the accepted applications (spread over
    the run) from every worker, as their applicant: a mismatch is an application some
    worker does not answer 200 for, or whose status differs between workers."""
    chosen = sorted(accepted)[:: max(1, len(accepted) // sample)][:sample] if sample else []
    mismatches: list[str] = []
    async with httpx.AsyncClient(timeout=30) as client:

        async def status(url: str, n: int) -> str:
            headers = {"Authorization": f"Bearer {tokens[n]}"}
            try:
                reply = await client.get(f"{url}/v1/applications/{accepted[n]}", headers=headers)
            except httpx.HTTPError as error:
                return f"!{type(error).__name__}"  # "!": no answer
            if reply.status_code != 200:
                return f"!HTTP {reply.status_code}"
            return str(reply.json().get("status"))

        for n in chosen:
            answers = await asyncio.gather(*(status(url, n) for url in workers))
            if len(set(answers)) != 1 or any(a.startswith("!") for a in answers):
                mismatches.append(f"{accepted[n]}: " + ", ".join(answers))
    return {
        "sampled": len(chosen),
        "workers": len(workers),
        "mismatches": len(mismatches),
        "mismatch_samples": mismatches[:5],
    }

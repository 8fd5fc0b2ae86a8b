"""Joint transfers end to end, machine steps only, on an open-loop schedule.

Per case, as the integration tests drive it (tests/integration/realestate): the seller's
e-property certificate is issued first (not timed); then the seller files
(`POST /v1/transfers`), the buyer confirms (`POST .../confirmation`), smart review
(realestate, evidence resolved from certificates) and assessment (tax) run on their
own, the buyer opens a payment order (tax `POST /v1/cases/{id}/payment-orders`) and pays
it at the development payment channel (devbank `POST /v1/orders/{id}/pay`, which
publishes the channel's confirmation; tax clears on it), registration completes and
certificates issues the buyer's e-property certificate.

The client learns of review, assessment, registration and the new certificate from the
services' own topics (as a notification would tell a citizen), not by polling the REST
APIs, so that watching does not load the services under test. A step's time is the
record's timestamp (when the service produced it); the steps the client performs
(filed, confirmed, paid) are timed at their answer. Every latency runs from the case's
scheduled start, so a case that waits behind a backlog counts it. The payment order is
opened as soon as the client sees `AssessmentIssued`; if the tax service has not yet
applied its own assessment it answers 404 and the client asks again 20 ms later
(counted). `paid` is the channel's answer (its confirmation is on the log).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord
from google.protobuf.message import Message
from govshare.certificates.v1 import events_pb2 as cert_events
from govshare.realestate.v1 import events_pb2 as re_events
from govshare.tax.v1 import events_pb2 as tax_events

from devtools import samples
from devtools.bench import openloop
from devtools.bench.harness import UnitCost
from devtools.bench.platform import Services, issue_all, property_request
from devtools.samples import PROPERTY
from services.kit.admin import partitions_of
from services.kit.auth import mint_dev_token
from services.kit.identifiers import resident_id_check_char

STEPS = ("filed", "confirmed", "review_passed", "assessed", "paid", "registered", "certificate")
_WATCHED: dict[str, type[Message]] = {
    m.DESCRIPTOR.full_name: m
    for m in (
        re_events.ReviewPassed,
        re_events.ReviewRejected,
        re_events.ReviewReferred,
        re_events.RegistrationCompleted,
        tax_events.AssessmentIssued,
        cert_events.CertificateIssued,
    )
}
_STEP_OF = {
    re_events.ReviewPassed: "review_passed",
    re_events.RegistrationCompleted: "registered",
    tax_events.AssessmentIssued: "assessed",
}


def resident_id(n: int) -> str:
    """A valid resident id per index (Jinan Lixia, born 1960-1999)."""
    year, rest = 1960 + n // 336_000 % 40, n % 336_000
    body = f"370102{year}{1 + rest // 28_000:02d}{1 + rest // 1000 % 28:02d}{rest % 1000:03d}"
    return body + resident_id_check_char(body)


def unit(n: int) -> str:
    """A unit of its own per case (building 1000-9999 so it meets no test's unit)."""
    return f"370105012002GB00002F{1000 + n // 10_000:04d}{n % 10_000:04d}"


def party(n: int, role: str) -> dict[str, str]:
    return {"kind": "citizen", "id": resident_id(2 * n + (role == "buyer")), "name": f"{role}{n}"}


def form(n: int) -> dict[str, Any]:
    return samples.transfer_form(unit(n), party(n, "seller"), party(n, "buyer"))


class Watcher:
    """Reads realestate, tax and certificates events; hands each case its steps."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.seen: dict[str, dict[str, Any]] = defaultdict(dict)
        self.waiting: dict[tuple[str, str], asyncio.Future[Any]] = {}
        self.failed: dict[str, str] = {}
        self.task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    async def start(self) -> None:
        self.task = asyncio.create_task(self._run())
        await asyncio.wait_for(self.ready.wait(), 30)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def wait(self, case_id: str, step: str, limit_s: float) -> Any:
        if step in self.seen[case_id]:
            return self.seen[case_id][step]
        if case_id in self.failed:
            raise RuntimeError(self.failed[case_id])
        future = asyncio.get_running_loop().create_future()
        self.waiting[case_id, step] = future
        try:
            return await asyncio.wait_for(future, limit_s)
        except TimeoutError:
            raise TimeoutError(f"case {case_id}: no {step} within {limit_s:g} s") from None
        finally:
            self.waiting.pop((case_id, step), None)

    def _record(self, case_id: str, step: str, value: Any) -> None:
        self.seen[case_id].setdefault(step, value)
        future = self.waiting.get((case_id, step))
        if future is not None and not future.done():
            future.set_result(value)

    def _fail(self, case_id: str, reason: str) -> None:
        self.failed[case_id] = reason
        for (case, _), future in list(self.waiting.items()):
            if case == case_id and not future.done():
                future.set_exception(RuntimeError(reason))

    def _take(self, record: ConsumerRecord[bytes, bytes]) -> None:
        kind = _WATCHED.get(dict(record.headers).get("ce_type", b"").decode())
        if kind is None or record.value is None:
            return
        message: Any = kind.FromString(record.value)
        at = record.timestamp / 1000
        if kind is cert_events.CertificateIssued:
            cert = message.certificate
            case_id = cert.fields.get("case_id", "")
            if cert.type_code == PROPERTY and case_id:
                self._record(case_id, "certificate", at)
            return
        if kind in (re_events.ReviewRejected, re_events.ReviewReferred):
            self._fail(message.case_id, f"{kind.DESCRIPTOR.name}: {str(message)[:300]}")
            return
        value: Any = at
        if kind is tax_events.AssessmentIssued:
            value = (at, message.assessment_id, message.total.fen)
        self._record(message.case_id, _STEP_OF[kind], value)

    async def _run(self) -> None:
        bootstrap = self.services.bootstrap
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            enable_auto_commit=False,
            auto_offset_reset="latest",
            fetch_max_wait_ms=20,
        )
        await consumer.start()
        try:
            parts = []
            for name in ("realestate.v1.events", "tax.v1.events", "certificates.v1.events"):
                topic = self.services.topic(name)
                parts += [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
            consumer.assign(parts)
            await consumer.seek_to_end(*parts)
            for tp in parts:  # resolve the positions now: only what comes after counts
                await consumer.position(tp)
            self.ready.set()
            while True:
                batch = await consumer.getmany(timeout_ms=200, max_records=2000)
                for records in batch.values():
                    for record in records:
                        self._take(record)
        finally:
            await consumer.stop()


async def prepare(services: Services, count: int, first: int = 0) -> float:
    """Each seller's current e-property certificate (what review resolves)."""
    started = time.monotonic()
    requests = []
    for n in range(first, first + count):
        seller = party(n, "seller")
        requests.append(property_request(seller["id"], unit(n), citizen=True, name=seller["name"]))
    await issue_all(services.grpc_address, requests)
    return time.monotonic() - started


async def cases(
    services: Services,
    rate: float,
    seconds: float,
    cost: UnitCost | None = None,
    first: int = 0,
) -> dict[str, Any]:
    """`first`: the index of the first case (a soak's later intervals use new ones)."""
    total = max(1, int(rate * seconds))
    prepared = await prepare(services, total, first)
    if cost is not None:
        await cost.start()  # after the seller's certificates are in place
    tokens = {
        (n, role): mint_dev_token("citizen", party(n, role)["id"], name=party(n, role)["name"])
        for n in range(first, first + total)
        for role in ("seller", "buyer")
    }
    watcher = Watcher(services)
    await watcher.start()
    loop = asyncio.get_running_loop()
    wall = time.time() - loop.time()  # event-loop clock -> wall clock (record timestamps)
    steps: dict[str, list[float]] = {step: [] for step in STEPS}
    done = openloop.Latencies()
    payment_retries = 0
    finished: list[float] = []
    realestate, tax = services.url("realestate"), services.url("tax")
    devbank = services.url("devbank")
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)

    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def post(url: str, token: str, body: Any = None) -> tuple[int, Any]:
            # The channel's cashier takes no token (a bank page has its own sign-in).
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            reply = await client.post(url, json=body, headers=headers)
            return reply.status_code, reply.json() if reply.content else None

        async def one(i: int, due: float) -> None:
            nonlocal payment_retries
            n = first + i
            at: dict[str, float] = {}
            status, case = await post(f"{realestate}/v1/transfers", tokens[n, "seller"], form(n))
            if status != 201:
                raise RuntimeError(f"filing refused: {status} {case}")
            at["filed"] = loop.time() - due
            case_id = case["case_id"]
            path = f"{realestate}/v1/cases/{case_id}/confirmation"
            status, answer = await post(path, tokens[n, "buyer"])
            if status != 200:
                raise RuntimeError(f"confirmation refused: {status} {answer}")
            at["confirmed"] = loop.time() - due
            assessed, _, _ = await watcher.wait(case_id, "assessed", 120)
            while True:  # a payment order at tax, then the channel's cashier
                status, order = await post(
                    f"{tax}/v1/cases/{case_id}/payment-orders", tokens[n, "buyer"]
                )
                if status in (404, 503):  # the tax service has not applied its bill yet
                    payment_retries += 1
                    if loop.time() - due > 120:
                        raise RuntimeError(f"payment order still {status} after 120 s: {order}")
                    await asyncio.sleep(0.02)
                    continue
                if status != 200:
                    raise RuntimeError(f"payment order refused: {status} {order}")
                break
            status, answer = await post(f"{devbank}/v1/orders/{order['order_id']}/pay", "")
            if status != 200 or answer.get("status") != "paid":
                raise RuntimeError(f"payment refused by the channel: {status} {answer}")
            at["paid"] = loop.time() - due
            registered = await watcher.wait(case_id, "registered", 120)
            certificate = await watcher.wait(case_id, "certificate", 120)
            review = await watcher.wait(case_id, "review_passed", 1)
            start = due + wall
            at["review_passed"] = review - start
            at["assessed"] = assessed - start
            at["registered"] = registered - start
            at["certificate"] = certificate - start
            for step in STEPS:
                steps[step].append(at[step])
            done.values.append(at["registered"])
            finished.append(max(loop.time(), certificate - wall))

        async def guarded(n: int, due: float) -> None:
            try:
                await one(n, due)
            except (RuntimeError, TimeoutError, httpx.HTTPError) as error:
                done.fail(f"{type(error).__name__}: {error}")

        schedule = await openloop.run(rate, total, guarded)
    if cost is not None:
        await cost.stop()  # every case registered and certified, or failed
    await watcher.stop()
    span = (max(finished) - schedule.start) if finished else 0.0
    figures = done.figures()
    per_step = {}
    for step, values in steps.items():
        summary = openloop.Latencies(values).figures()
        per_step[step] = {"p50_ms": summary["p50_ms"], "p99_ms": summary["p99_ms"]}
    return {
        "cpu_ms_per_case": cost.cpu.per_unit_ms(int(figures["count"])) if cost else {},
        "records_per_case": cost.records.per_unit(int(figures["count"])) if cost else {},
        "fetches_per_case": cost.fetches_per_unit(int(figures["count"])) if cost else {},
        "target_per_second": rate,
        "cases": total,
        "completed": figures["count"],
        "failures": done.failures,
        "failure_samples": done.reasons,
        "per_second": figures["count"] / span if span > 0 else 0.0,
        "sent_per_second": total / schedule.sent_seconds if schedule.sent_seconds else 0.0,
        "client_late_ms": schedule.client_late_s * 1000,
        "payment_retries": payment_retries,
        "prepare_seconds": prepared,
        "p50_ms": figures["p50_ms"],
        "p99_ms": figures["p99_ms"],
        "max_ms": figures["max_ms"],
        "certificate_p50_ms": per_step["certificate"]["p50_ms"],
        "certificate_p99_ms": per_step["certificate"]["p99_ms"],
        "steps": per_step,
    }

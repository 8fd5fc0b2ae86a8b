"""Crash and restart: SIGKILL a service in the middle of each flow (certificate issuance
from a department feed, power applications, joint transfers), restart it, and check the
flow completes with nothing lost and nothing done twice; then two workers of one service
with one killed (rebalance): the survivor finishes the work.

Kills are timed on observed progress (requests answered, events applied), so work is in
flight when the process dies: events produced but not applied, offsets not committed,
table changes not yet in their changelog. Settings stay the test defaults (memory://
tables recovered from their changelogs; records batched, so a changelog's end is read
through services/kit/log_end.py: Tansu misreports multi-record batch end offsets).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.kit.envelope import encode_headers
from tests.helpers import metric_value, read_topic, wait_until
from tests.integration.power.support import OPERATOR, holder_uscc
from tests.integration.realestate.support import Party, transfer_form
from tests.integration.realestate.support import Platform as Joint
from tests.reliability.joint import check_joint, dossiers, registrations, wait_settled
from tests.reliability.processes import (
    Platform,
    ServiceProcess,
    call,
    environment,
    power_application,
    retry,
)
from tests.samples import sample_of_topic
from tests.security.flows import certificates_client, enterprise, joint_of, unit_code

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LICENCE = "11100000000018833X001"


def _kill_when(proc: ServiceProcess, ready: Callable[[], bool], what: str) -> None:
    """SIGKILL `proc` as soon as `ready()` (polled tightly: work must be in flight)."""
    deadline = time.monotonic() + 60
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)
    proc.kill()


def _issued(proc: ServiceProcess) -> float:
    return metric_value(proc.metrics(), "govshare_certificates_issued_total")


# --- certificate issuance from a department feed ------------------------------------------


def licence_feed(count: int) -> list[tuple[str, bytes, list[tuple[str, bytes]]]]:
    """`count` licence registrations by the market regulator, one new enterprise each."""
    sample = sample_of_topic("marketreg.v1.events")
    records = []
    holders: set[str] = set()
    while len(records) < count:
        holder = holder_uscc()
        if holder in holders:
            continue  # a random code seen before: each enterprise registers once
        holders.add(holder)
        message = type(sample.message)()
        message.CopyFrom(sample.message)
        message.uscc = holder
        env = replace(sample.envelope, id=str(uuid.uuid4()), subject=holder)
        records.append((holder, message.SerializeToString(), encode_headers(env)))
    return records


async def _produce(bootstrap: str, topic: str, records: list) -> None:
    # one record per batch, like the services (Tansu and multi-record batches, see above)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_batch_size=16, linger_ms=0)
    await producer.start()
    try:
        sent = [
            await producer.send(topic, value, key=key.encode(), headers=headers)
            for key, value, headers in records
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def _issued_events(bootstrap: str, topic: str, at_least: int) -> Counter[str]:
    """CertificateIssued records on the topic, by holder (a redelivered feed event may
    re-produce a certificate; the registry applies it once)."""
    records = asyncio.run(read_topic(bootstrap, topic, at_least, wait_s=30))
    return Counter(
        dict(r.headers)["ce_subject"].decode()
        for r in records
        if dict(r.headers).get("ce_type") == b"govshare.certificates.v1.CertificateIssued"
    )


def test_certificate_issuance_from_a_feed_survives_a_sigkill_mid_batch(broker, tmp_path):
    count = 1500
    env = environment(broker.bootstrap, tmp_path / "keys")
    with Platform(env, ("certificates",)) as platform:
        certificates = platform["certificates"]
        feed = licence_feed(count)
        asyncio.run(_produce(platform.bootstrap, platform.prefix + "marketreg.v1.events", feed))
        feed_topic = platform.prefix + "marketreg.v1.events"
        seen: dict[str, float] = {}

        def a_fifth_issued() -> bool:
            seen["issued"] = _issued(certificates)
            seen["consumed"] = certificates.consumed(feed_topic)
            return seen["issued"] >= count // 5

        _kill_when(certificates, a_fifth_issued, "a fifth of the licences issued")
        certificates.restart()
        holders = [holder for holder, _, _ in feed]
        wait_until(
            lambda: _issued(certificates) >= count or _complete(certificates.url, holders),
            120,
            "every licence issued after the restart",
        )
        wait_until(lambda: _complete(certificates.url, holders), 60, "every dossier complete")
        found = dossiers(certificates.url, holders)
        counts = Counter(len(certs) for certs in found.values())
        assert counts == Counter({1: count}), counts  # none lost, none issued twice
        assert all(c[0]["typeCode"] == LICENCE for c in found.values())
        events = _issued_events(
            platform.bootstrap, platform.prefix + "certificates.v1.events", count
        )
        redelivered = seen["consumed"] + certificates.consumed(feed_topic) - count
    reissued = sum(n - 1 for n in events.values())
    print(
        f"\nfeed issuance: {count} licences; SIGKILL with {seen['issued']:.0f} issued and "
        f"{seen['consumed']:.0f} feed events taken; restart: {redelivered:.0f} feed events "
        f"delivered again, {reissued} certificate events produced again, {count} dossiers "
        f"with exactly one licence"
    )


def _complete(url: str, holders: list[str]) -> bool:
    """Every holder has a certificate: a sample first (cheap), then all of them, since a
    sample can be done while a redelivered event of another partition is still pending."""
    sample = holders[:: max(1, len(holders) // 50)] + holders[-5:]
    if not all(len(c) >= 1 for c in dossiers(url, sample).values()):
        return False
    return all(len(c) >= 1 for c in dossiers(url, holders).values())


# --- power applications ------------------------------------------------------------------


def _submit_all(power: str, applicants: dict[str, str]) -> list[Future[tuple[int, Any]]]:
    """Applicants applying, eight at a time, each with its own request id."""
    pool = ThreadPoolExecutor(8)
    futures = []
    for holder, unit in applicants.items():
        futures.append(
            pool.submit(
                _quiet, "POST", f"{power}/v1/applications", holder, power_application(holder, unit)
            )
        )
    pool.shutdown(wait=False)
    return futures


def _quiet(method: str, url: str, holder: str, body: Any) -> tuple[int, Any]:
    try:
        return call(method, url, enterprise(holder), body, timeout=20)
    except httpx.HTTPError as error:
        return 0, repr(error)


def _drive(power: str, app_id: str, deadline: float) -> int:
    """An operator finishing every step of an application, retrying through restarts
    (a step already finished answers 409 and is read again). Returns the attempts made."""
    attempts = 0
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            status, app = call("GET", f"{power}/v1/applications/{app_id}", OPERATOR, timeout=10)
            if status == 200 and app["status"] == "connected":
                return attempts
            if status == 200 and app["current_step"]:
                attempts += 1
                call(
                    "POST",
                    f"{power}/v1/applications/{app_id}/advance",
                    OPERATOR,
                    {"current_step": app["current_step"]},
                    timeout=10,
                )
                continue
        time.sleep(0.2)
    raise AssertionError(f"{app_id} not connected in time")


def test_power_applications_complete_once_across_sigkills(broker, tmp_path):
    count = 24
    env = environment(broker.bootstrap, tmp_path / "keys", GOVSHARE_POWER_OVERDUE_SCAN_S="3600")
    with Platform(env, ("certificates", "power")) as platform:
        power = platform["power"]
        applicants = {holder_uscc(): unit_code() for _ in range(count)}
        certs = certificates_client(platform)
        with ThreadPoolExecutor(8) as pool:  # the evidence each applicant holds
            list(pool.map(certs.licence, applicants))
            list(pool.map(certs.property, applicants, applicants.values()))
        certs.channel.close()

        # 1. applications in flight when power dies; applicants retry with their request id
        futures = _submit_all(power.url, applicants)
        _kill_when(power, lambda: sum(f.done() for f in futures) >= count // 3, "a third answered")
        outcomes = Counter(f.result()[0] for f in futures)  # 0: the connection broke
        power.restart()
        apps = {}
        for holder, unit in applicants.items():
            app = retry(
                "POST",
                f"{power.url}/v1/applications",
                enterprise(holder),
                power_application(holder, unit),
                until=(201,),
            )[1]
            assert app["status"] == "in-progress", app  # evidence resolved, accepted
            apps[holder] = app["application_id"]

        # 2. steps being finished when power dies again
        deadline = time.monotonic() + 120
        with ThreadPoolExecutor(count) as pool:
            driving = [pool.submit(_drive, power.url, a, deadline) for a in apps.values()]
            _kill_when(power, lambda: _advanced(power) >= count // 2, "half the steps done")
            power.restart()
            attempts = sum(f.result() for f in driving)

        # nothing lost, nothing twice: one application per request, every step once
        for holder, app_id in apps.items():
            mine = call("GET", f"{power.url}/v1/me/applications", enterprise(holder))[1]
            assert [a["application_id"] for a in mine["applications"]] == [app_id], mine
            timeline = call(
                "GET", f"{power.url}/v1/applications/{app_id}/timeline", enterprise(holder)
            )[1]
            assert timeline["status"] == "connected"
            what = Counter((e["what"], e.get("step_code")) for e in timeline["events"])
            assert what[("submitted", None)] == 1 and what[("accepted", None)] == 1, what
            assert what[("connected", None)] == 1, what
            assert what[("evidence_resolved", None)] == 1, what
            assert all(n == 1 for n in what.values()), what
            assert [s["state"] for s in timeline["steps"]] == ["done", "done"]
    print(
        f"\npower: {count} applications, SIGKILL with {count - outcomes[201]} of them not "
        f"answered (in flight or not yet sent), restart, same request ids retried: "
        f"{count} applications, one each; "
        f"SIGKILL again while {attempts} step requests were being made: every application "
        f"connected, each step done once"
    )


def _advanced(proc: ServiceProcess) -> float:
    return metric_value(
        proc.metrics(),
        "govshare_events_consumed_total",
        type="govshare.power.v1.StepAdvanced",
        outcome="handled",
    )


# --- joint transfers ---------------------------------------------------------------------


@contextlib.contextmanager
def joint(broker, tmp_path) -> Iterator[tuple[Platform, Joint]]:
    env = environment(broker.bootstrap, tmp_path / "keys")
    # devbank: the development payment channel, through which the buyers pay
    with Platform(env, ("certificates", "realestate", "tax", "devbank")) as platform:
        yield platform, joint_of(platform)


def _stages(joint: Joint, cases: dict[str, tuple[Party, Party, str]]) -> Counter[str]:
    stages: Counter[str] = Counter()
    for case_id, (_, buyer, _) in cases.items():
        with contextlib.suppress(httpx.HTTPError, AssertionError):
            stages[joint.case(case_id, buyer.token)["stage"]] += 1
    return stages


def _all_at(joint: Joint, cases: dict, stage: str) -> bool:
    return _stages(joint, cases)[stage] == len(cases)


def test_joint_transfers_complete_once_across_sigkills_of_each_service(broker, tmp_path):
    count = 4
    with joint(broker, tmp_path) as (platform, j):
        cases: dict[str, tuple[Party, Party, str]] = {}
        for _ in range(count):
            seller, buyer, unit = Party(), Party(), unit_code()
            old = j.issue_property_certificate(seller, unit)
            status, case = j.post(
                f"{j.realestate}/v1/transfers", seller.token, transfer_form(seller, buyer, unit)
            )
            assert status == 201, case
            cases[case["case_id"]] = (seller, buyer, old)

        # 1. tax dies while it assesses the confirmed cases
        for case_id, (_, buyer, _) in cases.items():
            assert j.post(f"{j.realestate}/v1/cases/{case_id}/confirmation", buyer.token)[0] == 200
        platform["tax"].kill()
        platform["tax"].restart()
        wait_until(lambda: _all_at(j, cases, "awaiting_payment"), 60, "every case assessed")

        # 2. realestate dies while it registers the paid cases
        bills = {}
        for case_id, (_, buyer, _) in cases.items():
            status, bill = call("GET", f"{j.tax}/v1/cases/{case_id}/assessment", buyer.token)
            assert status == 200, bill
            bills[case_id] = bill
        for case_id, (_, buyer, _) in cases.items():
            paid = j.pay(case_id, buyer.token)  # a payment order, confirmed by the channel
            assert paid["status"] == "paid", paid
            bills[case_id]["paid_by"] = paid["transaction_id"]
        platform["realestate"].kill()
        platform["realestate"].restart()

        # 3. certificates dies while it issues the buyers' certificates
        _kill_when(
            platform["certificates"],
            lambda: _stages(j, cases)["completed"] >= 1,
            "a first case registered",
        )
        platform["certificates"].restart()
        wait_until(
            lambda: _all_at(j, cases, "completed"),
            60,
            f"every case completed (stages: {_stages(j, cases)})",
        )

        wait_settled(j, cases)
        time.sleep(2)  # a second issue, a second journal would show up by now
        check_joint(j, cases, bills)
        registered = registrations(j)
        assert all(len(registered[c]) == 1 for c in cases), registered
    print(
        f"\njoint transfers: {count} cases; SIGKILL tax while assessing, realestate while "
        f"registering, certificates while issuing: every case completed, one payment, one "
        f"balanced journal, one property and one tax certificate per buyer, the seller's "
        f"certificate revoked once"
    )


# --- two workers, one killed --------------------------------------------------------------


def _partitions(proc: ServiceProcess, topic: str) -> int:
    """Partitions of `topic` this worker has reported lag for (i.e. was assigned)."""
    return sum(
        1
        for line in proc.metrics().splitlines()
        if line.startswith("govshare_consumer_lag_messages{") and f'topic="{topic}"' in line
    )


def test_two_workers_one_killed_the_survivor_finishes_the_work(broker, tmp_path):
    count = 1500
    env = environment(broker.bootstrap, tmp_path / "keys")
    with Platform(env, ("certificates",)) as platform:
        first = platform["certificates"]
        topic = platform.prefix + "marketreg.v1.events"
        certs = certificates_client(platform)
        certs.licence(holder_uscc())  # the issuer's signing key exists before both start
        certs.channel.close()
        second = platform.worker("certificates").start().wait_ready()
        wait_until(
            lambda: _partitions(second, topic) > 0 and first.ready(),
            60,
            "the partitions shared by the two workers",
        )
        feed = licence_feed(count)
        asyncio.run(_produce(platform.bootstrap, topic, feed))
        seen: dict[str, float] = {}

        def second_busy() -> bool:
            seen["second"] = second.consumed(topic)
            return seen["second"] >= 100

        _kill_when(second, second_busy, "the second worker in the middle of its share")
        seen["first"] = first.consumed(topic)
        holders = [holder for holder, _, _ in feed]
        wait_until(lambda: _complete(first.url, holders), 120, "the survivor to finish")
        found = dossiers(first.url, holders)
        counts = Counter(len(c) for c in found.values())
        assert counts == Counter({1: count}), counts  # none lost, none issued twice
        taken_over = first.consumed(topic) - seen["first"]
        redelivered = first.consumed(topic) + seen["second"] - count
        assert taken_over > 0 and redelivered >= 0
    print(
        f"\nrebalance: {count} licences over two workers; the second SIGKILLed after "
        f"{seen['second']:.0f} of its share (the first had {seen['first']:.0f}); the survivor "
        f"took over its partitions and consumed {taken_over:.0f} more ({redelivered:.0f} of "
        f"them delivered again): {count} dossiers with exactly one licence"
    )

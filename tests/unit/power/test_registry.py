"""The registry's agents on the fake runtime (tests/unit/fakes.py): what they store, what
they publish, and that metrics move once per change."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from google.protobuf.message import Message
from govshare.certificates.v1 import events_pb2 as cert_ev
from govshare.certificates.v1 import types_pb2 as cert_types
from govshare.common.v1 import types_pb2 as common
from govshare.power.v1 import events_pb2 as ev
from prometheus_client import REGISTRY

from services.kit.clock import FixedClock
from services.kit.ownership import partition_of
from services.power.domain import timestamp
from services.power.registry import Registry
from tests.samples import sample_of_topic
from tests.unit.fakes import FakeRuntime
from tests.unit.power.support import (
    APP_ID,
    CATALOG,
    COMPANY,
    ENTERPRISE,
    LICENCE,
    STAFF,
    SYSTEM,
    T0,
    accepted_events,
    cert_ref,
    submitted,
)


def registry(now=T0) -> Registry:
    runtime = FakeRuntime("power", clock=FixedClock(now))
    reg = Registry(runtime, CATALOG, None, COMPANY, runtime.clock)  # type: ignore[arg-type]
    runtime.consume("power.v1.events", reg.on_power_event)
    runtime.consume("certificates.v1.events", reg.on_certificate_event)
    runtime.consume("landsupply.v1.events", reg.on_feed_event)
    return reg


def runtime_of(reg: Registry) -> FakeRuntime:
    assert isinstance(reg.runtime, FakeRuntime)
    return reg.runtime


async def deliver(reg: Registry, message: Message) -> None:
    subject = getattr(message, "application_id", "") or getattr(message, "holder_id", "")
    await runtime_of(reg).deliver(message, subject=subject)


def revoked(ref: common.CertificateRef) -> cert_ev.CertificateRevoked:
    return cert_ev.CertificateRevoked(
        holder_id=ENTERPRISE.id,
        certificate=ref,
        reason=cert_types.REVOCATION_REASON_OTHER,
        revoked_at=timestamp(T0),
        revoked_by=STAFF,
    )


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_applying_twice_stores_once_and_counts_once():
    reg = registry()
    before = metric(
        "govshare_power_applications_accepted_total",
        matter="lv-nonresident-new",
        evidence_free="true",
    )
    for event in accepted_events() * 2:
        await deliver(reg, event)
    assert len(reg.events(APP_ID)) == 4
    assert reg.find(APP_ID).status == "in-progress"
    assert [a.id for a in reg.of_holder(ENTERPRISE.id)] == [APP_ID]
    after = metric(
        "govshare_power_applications_accepted_total",
        matter="lv-nonresident-new",
        evidence_free="true",
    )
    assert after == before + 1


async def test_a_redelivery_completes_the_holders_list_a_kill_cut_short():
    """SIGKILLed after the application reached its changelog and before its holder's
    index entry did: the redelivered ApplicationSubmitted changes nothing, and still puts
    the application in the holder's list (tests/reliability saw it missing)."""
    reg = registry()
    submitted, *rest = accepted_events()
    await deliver(reg, submitted)
    reg.by_holder.clear()  # the index write that never reached the broker
    assert reg.of_holder(ENTERPRISE.id) == []
    await deliver(reg, submitted)  # redelivered after the restart
    assert [a.id for a in reg.of_holder(ENTERPRISE.id)] == [APP_ID]
    for event in rest:
        await deliver(reg, event)
    assert [a.id for a in reg.of_holder(ENTERPRISE.id)] == [APP_ID]  # once


async def test_a_revocation_flags_the_applications_that_used_the_certificate():
    reg = registry()
    runtime = runtime_of(reg)
    for event in accepted_events():
        await deliver(reg, event)
    await deliver(reg, revoked(cert_ref(LICENCE)))
    await runtime.settle()
    # A notice to every partition (the holder's applications may be on any), then the
    # application's own flag from the partition holding it.
    notices = runtime.published(ev.HolderEvidenceChanged)
    assert len(notices) == runtime.settings.topic_partitions
    assert len({n.partition_key for n in notices}) == len(notices)
    ((env, flagged),) = [
        (e, m) for e, m in runtime.records() if isinstance(m, ev.ApplicationFlagged)
    ]
    assert env.subject == APP_ID and flagged.caused_by.source == "/govshare/certificates"
    assert list(reg.find(APP_ID).flags) == [cert_ref(LICENCE).certificate_id]  # applied
    await deliver(reg, revoked(cert_ref(LICENCE, serial="7")))  # another certificate
    await runtime.settle()
    assert len(runtime.published(ev.ApplicationFlagged)) == 1


async def test_the_overdue_scan_publishes_once_per_step():
    reg = registry(now=T0 + timedelta(days=3))
    runtime = runtime_of(reg)
    for event in accepted_events():
        await deliver(reg, event)
    await reg.scan_overdue()
    await reg.scan_overdue()  # before the agent applied the first: not again
    (overdue,) = runtime.published(ev.StepOverdue)
    assert overdue.step_code == "acceptance"
    await runtime.settle()
    assert reg.find(APP_ID).steps[0].overdue_at is not None
    await reg.scan_overdue()  # applied: the state says it
    assert len(runtime.records()) == 1


# --- an acceptance cut short before its first step, finished by the owner ---------------

GRACE = timedelta(seconds=5)


async def accepted_without_first_step(reg: Registry) -> None:
    """What the log holds when the worker was killed between acceptance()'s two events."""
    *before_the_kill, first_step = accepted_events()
    assert isinstance(first_step, ev.StepAdvanced)
    for event in before_the_kill:
        await deliver(reg, event)
    app = reg.find(APP_ID)
    assert app.status == "in-progress" and app.current is None


async def test_an_application_accepted_without_its_first_step_gets_it_after_the_grace_period():
    reg = registry()
    runtime = runtime_of(reg)
    await accepted_without_first_step(reg)
    assert list(reg.awaiting_first_step) == [APP_ID]

    runtime.clock.advance(GRACE - timedelta(seconds=1))
    await reg.enter_first_steps(GRACE)  # the acceptance may still be entering it
    await runtime.settle()
    assert runtime.records() == []

    runtime.clock.advance(timedelta(seconds=1))
    await reg.enter_first_steps(GRACE)
    await runtime.settle()
    ((env, entered),) = runtime.records()
    app = reg.find(APP_ID)
    assert app.current is not None and app.current.code == app.planned[0].step_code
    assert isinstance(entered, ev.StepAdvanced) and entered.advanced_by == SYSTEM
    assert (env.subject, env.case_id, env.actor) == (APP_ID, APP_ID, f"system:{COMPANY.id}")
    assert dict(reg.awaiting_first_step) == {}


async def test_an_application_that_got_its_first_step_is_not_touched():
    reg = registry()
    runtime = runtime_of(reg)
    accepted, first_step = accepted_events()[2:]
    for event in accepted_events():
        await deliver(reg, event)
    await deliver(reg, accepted)  # redelivered: no way back into the index
    assert dict(reg.awaiting_first_step) == {}
    runtime.clock.advance(timedelta(days=1))
    await reg.enter_first_steps(GRACE)
    await runtime.settle()
    assert runtime.records() == []
    assert [s.code for s in reg.find(APP_ID).steps] == [first_step.step_code]


async def test_a_rerun_of_the_sweep_enters_nothing_twice():
    reg = registry()
    runtime = runtime_of(reg)
    await accepted_without_first_step(reg)
    runtime.clock.advance(GRACE)
    await reg.enter_first_steps(GRACE)
    await reg.enter_first_steps(GRACE)  # before the first is applied (or another worker's)
    await runtime.settle()
    await reg.enter_first_steps(GRACE)  # applied: gone from the index
    await runtime.settle()
    sent = runtime.records()
    assert [type(m) for _, m in sent] == [ev.StepAdvanced] * 2
    assert len({env.id for env, _ in sent}) == 1  # the same event: deduplicated
    assert [type(m).__name__ for m in reg.events(APP_ID)].count("StepAdvanced") == 1
    assert len(reg.find(APP_ID).steps) == 1


async def test_the_sweep_leaves_the_applications_of_other_workers_alone():
    reg = registry()
    runtime = runtime_of(reg)
    await accepted_without_first_step(reg)
    runtime.clock.advance(GRACE)
    mine = partition_of(APP_ID, runtime.settings.topic_partitions)
    others = set(range(runtime.settings.topic_partitions)) - {mine}
    await reg.enter_first_steps(GRACE, owned=others)  # a standby copy here
    await runtime.settle()
    assert runtime.records() == []
    await reg.enter_first_steps(GRACE, owned={mine})
    await runtime.settle()
    assert reg.find(APP_ID).current is not None


async def test_the_index_is_mended_by_a_redelivery_and_by_the_sweep():
    """A kill that lost an index write while the application reached its changelog."""
    reg = registry()
    runtime = runtime_of(reg)
    submitted, resolved, accepted, first_step = accepted_events()
    for event in (submitted, resolved, accepted):
        await deliver(reg, event)
    reg.awaiting_first_step.clear()  # the entry that never reached the broker
    await deliver(reg, accepted)  # redelivered after the restart: changes nothing but that
    assert list(reg.awaiting_first_step) == [APP_ID]

    await deliver(reg, first_step)
    reg.awaiting_first_step[APP_ID] = "2025-03-12T02:00:00Z"  # the removal that was lost
    runtime.clock.advance(GRACE)
    await reg.enter_first_steps(GRACE)
    await runtime.settle()
    assert runtime.records() == [] and dict(reg.awaiting_first_step) == {}


async def test_a_land_supply_feed_event_publishes_a_preparation_that_the_agent_stores():
    reg = registry()
    runtime = runtime_of(reg)
    land = sample_of_topic("landsupply.v1.events")
    await runtime.redeliver(land.envelope, land.message)
    ((env, started),) = runtime.records()
    assert isinstance(started, ev.PreparationStarted)
    assert env.subject == land.message.parcel_code
    assert reg.preparation(env.subject).preparation_id == started.preparation_id
    await runtime.redeliver(land.envelope, land.message)  # deduplicated
    await runtime.redeliver(env, started)
    assert len(runtime.records()) == 1
    assert reg.preparation(env.subject).preparation_id == started.preparation_id


async def test_the_staff_list_and_the_overdue_scan_read_the_division_index_only():
    reg = registry(now=T0 + timedelta(days=3))
    for event in accepted_events():  # in progress, in UNIT's division (370105)
        await deliver(reg, event)
    for n in range(20):  # history elsewhere: submitted in Qingdao
        other = submitted(unit=f"370202012002GB00001F{n + 1:08d}")
        other.application_id = f"PA-370202-20250312-{n:010d}"
        await deliver(reg, other)
    division = reg.find(APP_ID).division
    assert json.loads(reg.by_division[f"{division}|in-progress@-1"]) == [APP_ID]
    assert json.loads(reg.by_division[f"{division}|submitted@-1"]) == []  # moved on
    jinan = [a.id for a in reg.listed(lambda d: d == division)]
    assert jinan == [APP_ID]
    assert len(list(reg.listed(lambda d: d.startswith("3702"), {"submitted"}))) == 20
    assert list(reg.listed(lambda _: True, {"connected"})) == []

    decoded: list[str] = []
    get = reg.get

    def counted(app_id: str) -> Any:
        decoded.append(app_id)
        return get(app_id)

    reg.get = counted  # type: ignore[method-assign]
    await reg.scan_overdue()
    assert decoded == [APP_ID]  # the 20 submitted elsewhere are not read


def test_every_power_event_type_moves_a_metric_or_is_listed_as_not_counted():
    from services.kit.registry import events_of_topic
    from services.power.registry import COUNTERS

    types = [t.message_class for t in events_of_topic("power.v1.events")]
    assert COUNTERS.covers(types) == []

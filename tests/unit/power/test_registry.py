"""The registry's agents on plain dicts instead of Faust tables: what they store, what
they publish, and that metrics move once per change."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from google.protobuf.message import Message
from govshare.certificates.v1 import events_pb2 as cert_ev
from govshare.power.v1 import events_pb2 as ev
from prometheus_client import REGISTRY

from services.kit.envelope import make_envelope
from services.power.registry import Registry
from tests.samples import sample_of_topic
from tests.unit.power.support import (
    APP_ID,
    CATALOG,
    COMPANY,
    ENTERPRISE,
    LICENCE,
    T0,
    accepted_events,
    cert_ref,
    submitted,
)


class FakeBus:
    def __init__(self) -> None:
        self.published: list[tuple[Message, str]] = []

    async def publish(self, message: Message, *, subject: str, **attrs: Any) -> None:
        self.published.append((message, subject))


class FakeFaust:
    def Table(self, name: str, **kwargs: Any) -> dict[str, Any]:
        return {}


class FakeRuntime:
    def __init__(self) -> None:
        self.faust = FakeFaust()
        self.bus = FakeBus()


def registry(now=T0) -> Registry:
    return Registry(FakeRuntime(), CATALOG, None, COMPANY, lambda: now)  # type: ignore[arg-type]


async def deliver(reg: Registry, message: Message, source: str = "/govshare/power") -> None:
    subject = getattr(message, "application_id", "") or getattr(message, "holder_id", "")
    env = make_envelope(message, source=source, subject=subject)
    if source == "/govshare/power":
        await reg.on_power_event(env, message)
    else:
        await reg.on_certificate_event(env, message)


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


async def test_a_revocation_flags_the_applications_that_used_the_certificate():
    reg = registry()
    for event in accepted_events():
        await deliver(reg, event)
    revoked = cert_ev.CertificateRevoked(holder_id=ENTERPRISE.id, certificate=cert_ref(LICENCE))
    await deliver(reg, revoked, source="/govshare/certificates")
    (flagged, subject), *_ = reg.runtime.bus.published  # type: ignore[attr-defined]
    assert isinstance(flagged, ev.ApplicationFlagged) and subject == APP_ID
    assert flagged.caused_by.source == "/govshare/certificates"
    other = cert_ev.CertificateRevoked(
        holder_id=ENTERPRISE.id, certificate=cert_ref(LICENCE, serial="7")
    )
    await deliver(reg, other, source="/govshare/certificates")
    assert len(reg.runtime.bus.published) == 1  # type: ignore[attr-defined]


async def test_the_overdue_scan_publishes_once_per_step():
    reg = registry(now=T0 + timedelta(days=3))
    for event in accepted_events():
        await deliver(reg, event)
    await reg.scan_overdue()
    await reg.scan_overdue()  # before the agent applied the first: not again
    ((overdue, _),) = reg.runtime.bus.published  # type: ignore[attr-defined]
    assert isinstance(overdue, ev.StepOverdue) and overdue.step_code == "acceptance"
    await deliver(reg, overdue)
    assert reg.find(APP_ID).steps[0].overdue_at is not None


async def test_a_land_supply_feed_event_publishes_a_preparation_that_the_agent_stores():
    reg = registry()
    land = sample_of_topic("landsupply.v1.events")
    await reg.on_feed_event(land.envelope, land.message)
    ((started, parcel),) = reg.runtime.bus.published  # type: ignore[attr-defined]
    assert isinstance(started, ev.PreparationStarted) and parcel == land.message.parcel_code
    for _ in range(2):
        await reg.on_power_event(
            make_envelope(started, source="/govshare/power", subject=parcel), started
        )
    assert reg.preparation(parcel).preparation_id == started.preparation_id


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

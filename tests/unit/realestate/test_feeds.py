"""Which handler of realestate's feeds (feeds.py) each consumed topic's event types go
to; a property certificate issued on its holder's partition, re-keyed onto its unit's."""

from __future__ import annotations

import pytest
from google.protobuf import json_format
from govshare.certificates.v1 import events_pb2 as cert_events
from govshare.certificates.v1 import types_pb2 as cert_types
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t

from services.kit import validation
from services.kit.auth import Principal
from services.kit.registry import events_of_topic
from services.realestate import api, feeds, history
from services.realestate.evidence import PROPERTY_CERTIFICATE
from services.realestate.registrar import Registrar
from services.realestate.settings import RealestateSettings
from services.realestate.store import UnitStore
from tests.samples import sample_objects
from tests.unit.fakes import FakeRuntime
from tests.unit.realestate import events as e

CIR = ev.CertificateIssuanceRecorded


@pytest.mark.parametrize(
    ("topic", "table"),
    [
        ("courts.v1.events", feeds.COURT_EVENTS),
        ("tax.v1.events", feeds.TAX_EVENTS),
        ("certificates.v1.events", feeds.CERTIFICATE_EVENTS),
    ],
)
def test_every_event_type_of_a_consumed_topic_is_handled_or_ignored(topic, table):
    assert table.covers(t.message_class for t in events_of_topic(topic)) == []


# --- certificates.v1.events: a property certificate issued, re-keyed by its unit -------------

PROPERTY_SAMPLE = next(
    o["data"]
    for o in sample_objects()
    if o["type"] == "govshare.certificates.v1.CertificateIssued"
    and o["data"]["certificate"]["typeCode"] == PROPERTY_CERTIFICATE
)
CAUSE = common.EventRef(
    source="/govshare/certificates", id="c-9", type="govshare.certificates.v1.CertificateIssued"
)


def issued(unit: str = e.UNIT, case_id: str = e.CASE) -> cert_events.CertificateIssued:
    """The buyer's new property certificate (the contract sample, holder e.BUYER), naming
    `unit` and, when given, the case it was issued for."""
    message = json_format.ParseDict(PROPERTY_SAMPLE, cert_events.CertificateIssued())
    message.certificate.fields["unit_code"] = unit
    if case_id:
        message.certificate.fields["case_id"] = case_id
    return message


def test_a_property_certificate_naming_a_unit_is_re_keyed_by_the_unit():
    message = issued()
    recorded = feeds.issuance(message, CAUSE)
    assert recorded is not None
    assert (recorded.unit_code, recorded.case_id) == (e.UNIT, e.CASE)
    assert recorded.holder == message.certificate.holder and recorded.holder.id == e.BUYER.id
    assert recorded.certificate == common.CertificateRef(
        certificate_id=message.certificate.id,
        type_code=PROPERTY_CERTIFICATE,
        version=message.certificate.version,
    )
    assert recorded.caused_by == CAUSE and recorded.issued_at == message.certificate.issued_at
    assert list(validation.violations(recorded)) == []
    outside = feeds.issuance(issued(case_id=""), CAUSE)  # e.g. a first registration
    assert outside is not None and (outside.unit_code, outside.case_id) == (e.UNIT, "")


def test_other_certificates_are_not_a_units_history():
    licence = issued()
    licence.certificate.type_code = "11100000000018833X001"
    assert feeds.issuance(licence, CAUSE) is None
    unnamed = issued()
    del unnamed.certificate.fields["unit_code"]
    assert feeds.issuance(unnamed, CAUSE) is None


@pytest.fixture
def runtime() -> FakeRuntime:
    return FakeRuntime("realestate")


@pytest.fixture
def registrar(runtime: FakeRuntime) -> Registrar:
    """The unit's agent and the feeds, as app.py wires them (review is not run here)."""
    store = UnitStore(runtime.faust)
    made = Registrar(runtime, store, None, RealestateSettings(), runtime.clock)  # type: ignore[arg-type]
    runtime.consume("realestate.v1.events", made.on_unit_event, by_key=True)
    runtime.consume("certificates.v1.events", feeds.Feeds(runtime, store).on_certificate_event)  # type: ignore[arg-type]
    return made


async def test_the_buyers_new_certificate_is_on_its_cases_timeline_once(runtime, registrar):
    case = await registrar.file(e.applied())
    message = issued()
    env = await runtime.deliver(message, subject=e.BUYER.id)
    await runtime.redeliver(env, message)  # at least once
    await runtime.deliver(message, subject=e.BUYER.id)  # the feed said it twice
    rekeyed = [sent for sent, m in runtime.records() if isinstance(m, CIR)]
    # one id per certificate, keyed by the unit: applied once however often it came
    assert {(r.id, r.subject, r.case_id) for r in rekeyed} == {(rekeyed[0].id, e.UNIT, e.CASE)}
    lines = registrar.store.certificates_of_case(case)
    assert [(x["kind"], x["case_id"]) for x in lines] == [(history.CERTIFICATE, e.CASE)]
    assert message.certificate.id in lines[0]["summary"]
    buyer = Principal("citizen", e.BUYER.id)
    timeline = api.case_view(case, registrar, buyer)["timeline"]
    assert [s["step"] for s in timeline].count("certificate_issued") == 1
    # The unit's history has it once too, from the unit's own entries.
    unit_lines = registrar.store.unit_history(e.UNIT)
    assert [x["event"] for x in unit_lines].count("CertificateIssuanceRecorded") == 1


async def test_a_certificate_issued_outside_a_case_is_the_units_history_only(runtime, registrar):
    case = await registrar.file(e.applied())
    await runtime.deliver(issued(case_id=""), subject=e.BUYER.id)
    assert registrar.store.certificates_of_case(case) == []
    kinds = [x["kind"] for x in registrar.store.unit_history(e.UNIT)]
    assert kinds.count(history.CERTIFICATE) == 1


async def test_a_later_change_of_the_certificate_still_finds_its_unit(runtime, registrar):
    message = issued(case_id="")
    await runtime.deliver(message, subject=e.BUYER.id)
    revoked = cert_events.CertificateRevoked(
        holder_id=e.BUYER.id,
        certificate=common.CertificateRef(
            certificate_id=message.certificate.id,
            type_code=PROPERTY_CERTIFICATE,
            version=message.certificate.version,
        ),
        reason=cert_types.REVOCATION_REASON_ISSUED_IN_ERROR,
        revoked_by=e.SYSTEM,
        caused_by=CAUSE,
    )
    revoked.revoked_at.FromJsonString("2025-06-06T01:00:00Z")  # after its issuance
    await runtime.deliver(revoked, subject=e.BUYER.id)
    change = runtime.the(ev.TitleChangeRecorded)
    assert change.unit_code == e.UNIT and change.change == t.TITLE_CHANGE_CERTIFICATE_REVOKED
    parcel = e.UNIT[:19]
    events = [x["event"] for x in registrar.store.unit_history(parcel)]
    assert events == ["CertificateIssuanceRecorded", "CertificateRevoked"]

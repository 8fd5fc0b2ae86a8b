"""The unit store's certificate records: what a holder's partition keeps of a property
certificate, and where a unit's or a case's reads find its lines."""

from __future__ import annotations

from services.realestate import cases, history
from services.realestate.store import UnitStore
from tests.unit.fakes import FakeFaust
from tests.unit.realestate import events as e
from tests.unit.realestate.test_history import NEW, recorded

OTHER_UNIT = "370105012002GB00001F00010752"  # same parcel


def store() -> UnitStore:
    return UnitStore(FakeFaust())


def revoked_line() -> history.Entry:
    return {
        "kind": history.CERTIFICATE,
        "at": "2025-06-09T00:00:00+00:00",
        "event": "CertificateRevoked",
        "summary": "不动产权证书注销",
        "case_id": "",
    }


def test_a_certificate_learned_at_issuance_names_its_unit_for_its_later_changes():
    units = store()
    units.learn_certificate(e.BUYER.id, NEW.certificate_id, e.UNIT)
    units.learn_certificate(e.BUYER.id, NEW.certificate_id, e.UNIT)  # redelivered
    assert units.unit_of_certificate(e.BUYER.id, NEW.certificate_id) == e.UNIT
    units.record_certificate(e.BUYER.id, NEW.certificate_id, revoked_line(), "ev-1")
    units.record_certificate(e.BUYER.id, NEW.certificate_id, revoked_line(), "ev-1")
    units.record_certificate(e.BUYER.id, "unknown", revoked_line(), "ev-2")  # no unit
    (line,) = units.holders[e.BUYER.id]["entries"]
    assert (line["unit_code"], line["certificate_id"], line["id"]) == (
        e.UNIT,
        NEW.certificate_id,
        "ev-1",
    )


def test_a_cases_certificates_are_read_from_its_units_history_not_the_holders():
    units = store()
    case = cases.open_case(e.applied())
    entry = history.of_realestate(recorded())
    assert entry is not None
    units.record_unit(e.UNIT, entry, "ev-issued")
    units.record_unit(e.UNIT, entry, "ev-issued")  # redelivered
    assert [x["id"] for x in units.certificates_of_case(case)] == ["ev-issued"]
    units.history.clear()  # nothing of the unit here: the holder's entries are not read
    units.learn_certificate(e.BUYER.id, NEW.certificate_id, e.UNIT)
    assert units.certificates_of_case(case) == []


def test_a_parcels_history_has_the_certificate_changes_of_each_of_its_units():
    """Also of a unit whose own history is on another worker (or has none)."""
    units = store()
    units.learn_certificate(e.BUYER.id, NEW.certificate_id, OTHER_UNIT)
    units.record_certificate(e.BUYER.id, NEW.certificate_id, revoked_line(), "ev-1")
    parcel = [x["unit_code"] for x in units.unit_history(e.UNIT[:19])]
    assert parcel == [OTHER_UNIT]
    assert units.unit_history(e.UNIT) == []
    assert [x["unit_code"] for x in units.unit_history(OTHER_UNIT)] == [OTHER_UNIT]

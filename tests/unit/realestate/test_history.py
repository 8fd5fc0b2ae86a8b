"""A unit's history (一码关联) entries, and the certificate lines of a case's timeline."""

from __future__ import annotations

from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as ev

from services.realestate import history
from services.realestate.cases import iso
from tests.unit.realestate import events as e

NEW = common.CertificateRef(
    certificate_id="1.2.156.3005.2.111000000000193186001.123701004931056272.2025370105000318.001.M",
    type_code="111000000000193186001",
    version=1,
)


def recorded(case_id: str = e.CASE) -> ev.CertificateIssuanceRecorded:
    return ev.CertificateIssuanceRecorded(
        unit_code=e.UNIT,
        case_id=case_id,
        holder=e.BUYER,
        certificate=NEW,
        caused_by=common.EventRef(source="/govshare/certificates", id="c-1", type="t"),
        issued_at=e.at(600),
    )


def test_a_certificate_issued_for_the_unit_is_a_certificate_entry_of_its_case():
    entry = history.of_realestate(recorded())
    assert entry == {
        "kind": history.CERTIFICATE,
        "at": iso(e.at(600)),
        "event": "CertificateIssuanceRecorded",
        "summary": f"不动产权证书签发: 权利人 张丽, 证书 {NEW.certificate_id}",
        "case_id": e.CASE,
    }


def test_a_cases_certificate_lines_are_its_certificate_entries_only():
    issued = history.of_realestate(recorded())
    elsewhere = history.of_realestate(recorded("RE-370105-20250601-0002"))
    outside = history.of_realestate(recorded(""))
    registered = history.of_realestate(
        ev.RegistrationCompleted(
            unit_code=e.UNIT, case_id=e.CASE, buyer=e.BUYER, registered_at=e.at(590)
        )
    )
    entries = [x for x in (registered, elsewhere, issued, outside) if x is not None]
    assert len(entries) == 4
    assert history.issued_for(entries, e.CASE) == [issued]
    assert history.issued_for([], e.CASE) == []

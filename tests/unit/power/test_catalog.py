"""The power catalog (data) is consistent, sourced, and agrees with the certificates
service's data: every type exists there and its sharing catalog lets the power company
obtain every type for every power matter."""

import json

import pytest

from services.kit import identifiers
from services.power import catalog
from services.power.catalog import CatalogError
from tests.helpers import ROOT

CATALOG = catalog.load()
POWER_CO = "91370100863014379C"
CERT_DATA = ROOT / "services" / "certificates" / "data"


def test_every_matter_is_sourced_starts_with_acceptance_and_has_limits():
    assert len(CATALOG.matters) == 8
    for matter in CATALOG.matters.values():
        assert matter.source and matter.name
        assert matter.steps[0].code == "acceptance"
        assert all(s.limit_working_days >= 1 for s in matter.steps)
        assert matter.evidence, matter.code


def test_low_voltage_is_within_the_national_caps():
    for code in ("lv-resident-new", "lv-nonresident-new", "charging-pile"):
        matter = CATALOG.matters[code]
        assert matter.max_capacity_w == 160000  # 1479号: 160 kW and below at low voltage
        assert sum(s.limit_working_days for s in matter.steps) <= 5  # 2025 意见: 5 days


def test_type_codes_are_the_certificates_service_types():
    known = {
        t["code"] for t in json.loads((CERT_DATA / "certificate_types.json").read_text())["types"]
    }
    assert set(CATALOG.types) <= known


def test_the_sharing_catalog_allows_every_power_matter_and_type():
    entries = json.loads((CERT_DATA / "sharing_catalog.json").read_text())["entries"]
    (entry,) = [e for e in entries if e["requester_id"] == POWER_CO]
    assert identifiers.check_uscc(POWER_CO).valid
    for matter in CATALOG.matters.values():
        assert matter.sharing_matter in entry["matters"], matter.code
        for kind, _ in matter.evidence:
            assert kind.code in entry["types"], (matter.code, kind.key)


def test_five_grades_two_of_them_bad_and_fifteen_days_to_rectify():
    assert [g.bad for g in CATALOG.grades.values()] == [False, False, False, True, True]
    assert CATALOG.rectification_working_days == 15


def _raw():
    return (
        json.loads((ROOT / "services/power/data/matters.json").read_text()),
        json.loads((ROOT / "services/power/data/evaluation.json").read_text()),
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m["matters"][0].update(steps=[["metering", 2]]), "first step"),
        (lambda m: m["matters"][0].update(steps=[["acceptance", 0]]), "without a limit"),
        (lambda m: m["matters"][0].update(capacity_w=[0, 10]), "capacity_w"),
        (lambda m: m["matters"][0].update(source=""), "no legal source"),
        (lambda m: m["matters"][0]["evidence"].append({"type": "x", "for": []}), "unknown"),
        (lambda m: m["preparation"].update(prepared_steps=["acceptance"]), "prepared_steps"),
    ],
)
def test_a_bad_edit_is_refused_at_load(edit, message):
    matters, evaluation = _raw()
    edit(matters)
    with pytest.raises(CatalogError, match=message):
        catalog.parse(matters, evaluation)

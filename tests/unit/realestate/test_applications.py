"""A filed application is checked before anything is produced; its event is valid."""

from datetime import UTC, date, datetime

from services.kit import validation
from services.realestate import applications
from services.realestate.applications import TransferForm
from tests.unit.realestate import events as e

FORM = {
    "unit_code": e.UNIT,
    "seller": {"kind": "citizen", "id": e.SELLER.id, "name": e.SELLER.name},
    "buyer": {"kind": "citizen", "id": e.BUYER.id, "name": e.BUYER.name},
    "price_fen": 235_000_000,
    "area_hundredths_m2": 12_000,
    "usage": "residential",
    "contract_date": "2025-06-01",
    "location": {"division_code": "370105", "text": "济南市天桥区北园大街1号"},
    "tax_facts": {
        "buyer_family_existing_homes": 0,
        "seller_acquisition_date": "2016-08-20",
        "seller_only_home": True,
        "original_cost_fen": 128_000_000,
    },
}
TODAY = date(2025, 6, 2)


def form(**change) -> TransferForm:
    return TransferForm.model_validate({**FORM, **change})


def test_a_good_application_makes_a_valid_event():
    assert applications.problems(form(), TODAY) == []
    event = applications.to_event(
        form(), case_id="RE-1", applied_by=e.citizen(e.SELLER), now=datetime.now(UTC)
    )
    assert validation.check(event) == []
    assert event.tax_facts.original_cost_proven and event.tax_facts.certificate_count == 1


def test_every_problem_is_named():
    bad = form(
        unit_code="370105012002GB00001X00010751",
        buyer={"kind": "citizen", "id": "370105199107224526", "name": "张丽"},
        contract_date="2026-01-01",
        tax_facts={**FORM["tax_facts"], "fee_exemption": "small_micro_enterprise"},
    )
    fields = [field for field, _ in applications.problems(bad, TODAY)]
    assert fields == ["unit_code", "buyer.id", "contract_date", "tax_facts.fee_exemption"]


def test_buyer_and_seller_must_differ():
    same = form(buyer=FORM["seller"])
    assert ("buyer.id", "buyer and seller are the same party") in applications.problems(same, TODAY)


SPOUSE = {"kind": "citizen", "id": "11010519491231002X", "name": "王芳"}


def test_a_declared_spouse_travels_with_the_tax_facts():
    declared = form(tax_facts={**FORM["tax_facts"], "buyer_spouse": SPOUSE})
    assert applications.problems(declared, TODAY) == []
    event = applications.to_event(
        declared, case_id="RE-1", applied_by=e.citizen(e.SELLER), now=datetime.now(UTC)
    )
    assert validation.check(event) == []
    assert (event.tax_facts.buyer_spouse.id, event.tax_facts.buyer_spouse.name) == (
        SPOUSE["id"],
        "王芳",
    )
    assert not applications.to_event(
        form(), case_id="RE-1", applied_by=e.citizen(e.SELLER), now=datetime.now(UTC)
    ).tax_facts.HasField("buyer_spouse")


def test_a_spouse_must_be_a_valid_other_citizen():
    def problems(spouse: dict) -> list[str]:
        facts = {**FORM["tax_facts"], "buyer_spouse": spouse}
        return [field for field, _ in applications.problems(form(tax_facts=facts), TODAY)]

    assert problems({**SPOUSE, "id": "11010519491231002Y"}) == ["tax_facts.buyer_spouse.id"]
    assert problems({**SPOUSE, "id": e.BUYER.id}) == ["tax_facts.buyer_spouse.id"]
    assert problems({**SPOUSE, "kind": "enterprise"}) == ["tax_facts.buyer_spouse"]

"""No dead end (issue 15, item 5): a case the engine cannot compute waits on tax staff,
who assess it by hand with a legal basis and a second staff member as reviewer."""

from datetime import UTC, datetime

import pytest
from govshare.common.v1 import types_pb2 as common
from govshare.tax.v1 import types_pb2 as t

from services.kit import validation
from services.tax import assessments, engine, ledger, payments
from services.tax.payments import TaxCase
from tests.unit.realestate import events as e

NOW = datetime(2025, 6, 3, 2, 0, tzinfo=UTC)
AUTHORITY = common.Party(kind=common.PARTY_KIND_DEPARTMENT, id="11370105MB2857497F", name="税务局")


def staff(staff_id: str, name: str) -> tuple[str, common.Actor]:
    actor = common.Actor(
        kind=common.ACTOR_KIND_PERSON,
        person_name=f"{name} ({staff_id})",
        on_behalf_of=AUTHORITY,
        role="staff:tax",
    )
    return staff_id, actor


def required():
    applied = e.applied()
    applied.contract_date.year = 2015  # before every rule set
    error = engine.FactsError("contract_date", "no rule set is in force on 2015-06-01")
    cause = common.EventRef(source="/govshare/realestate", id="x", type="t")
    return assessments.manual_required_event(applied, error, caused_by=cause, required_at=NOW)


LINES = [
    assessments.ManualLine(
        "deed_tax", "buyer", 7_050_000, "契税暂行条例 第三条", base_fen=235_000_000, rate_ppm=30_000
    ),
    assessments.ManualLine("business_tax", "seller", 0, "财税〔2015〕39号", "满二年免征"),
    assessments.ManualLine("registration_fee", "buyer", 8_000),
]


def assessed(**changes):
    args = {
        "legal_basis": "税收征收管理法 第三十五条 (核定征收)",
        "assessor": staff("tax-01", "李核定"),
        "reviewer": staff("tax-02", "赵复核"),
        "chart": ledger.load(),
        "assessment_id": "TA-M-1",
        "tax_authority": AUTHORITY,
        "issued_at": NOW,
    } | changes
    return assessments.manual_assessment_event(required(), LINES, **args)


def test_the_manual_bill_carries_its_legal_basis_assessor_and_reviewer():
    bill = assessed()
    assert bill.rule_set == "manual" and bill.total.fen == 7_058_000
    assert bill.legal_basis.startswith("税收征收管理法")
    assert bill.assessed_by.person_name == "李核定 (tax-01)"
    assert bill.reviewed_by.person_name == "赵复核 (tax-02)"
    deed, business, fee = bill.lines
    assert deed.calculation == t.CALCULATION_RATE and deed.payer.id == e.BUYER.id
    assert deed.legal_source == "契税暂行条例 第三条"
    assert business.calculation == t.CALCULATION_EXEMPT and business.payer.id == e.SELLER.id
    assert fee.calculation == t.CALCULATION_FIXED and fee.legal_source == bill.legal_basis
    # The ledger entry of a payment of it says so, and still balances.
    postings = assessments.journal(ledger.load(), bill)
    assert all("人工核定 依据: 税收征收管理法" in p.memo and "赵复核" in p.memo for p in postings)
    debits, credits = ledger.totals(postings)
    assert debits == credits == 7_058_000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reviewer": staff("tax-01", "李核定")}, "reviewer.id"),
        ({"legal_basis": "  "}, "legal_basis"),
    ],
)
def test_a_manual_bill_needs_a_second_reviewer_and_a_legal_basis(changes, field):
    with pytest.raises(assessments.ManualError) as refused:
        assessed(**changes)
    assert refused.value.field == field


def test_a_line_the_ledger_cannot_split_is_refused():
    line = assessments.ManualLine("lottery_tax", "buyer", 100)
    with pytest.raises(assessments.ManualError) as refused:
        assessments.manual_assessment_event(
            required(),
            [line],
            legal_basis="x",
            assessor=staff("a", "A"),
            reviewer=staff("b", "B"),
            chart=ledger.load(),
            assessment_id="TA-M-2",
            tax_authority=AUTHORITY,
            issued_at=NOW,
        )
    assert refused.value.field == "lines[0].kind"


def test_the_case_waits_for_the_manual_bill_and_then_takes_it():
    case = TaxCase(e.CASE)
    manual = {"field": "contract_date", "reason": "r", "required_at": NOW.isoformat()}
    assert payments.apply_manual_required(case, e.UNIT, manual)
    assert case.status == payments.MANUAL_PENDING
    assert not payments.apply_manual_required(case, e.UNIT, manual)  # a replay
    bill = assessed()
    assert payments.apply_assessment(
        case,
        assessment_id=bill.assessment_id,
        unit_code=bill.unit_code,
        total_fen=bill.total.fen,
        encoded="",
        parties={},
    )
    assert case.status == payments.ASSESSED
    # A case with a bill never goes back to waiting.
    assert not payments.apply_manual_required(case, e.UNIT, {**manual, "reason": "other"})


def test_the_use_of_the_parties_data_is_recorded_with_its_purpose_and_legal_basis():
    used = assessments.data_use_event(
        e.CASE,
        e.UNIT,
        [e.BUYER, e.SELLER, e.BUYER],
        user=AUTHORITY,
        used_by=assessments.system_actor(AUTHORITY),
        at=NOW,
    )
    assert list(used.holder_ids) == [e.BUYER.id, e.SELLER.id]
    assert used.use == "transfer-assessed" and "契税法" in used.legal_basis and used.purpose
    assert validation.check(used) == []


def test_every_use_tax_makes_has_a_purpose_and_a_legal_basis():
    uses = assessments.data_uses()
    assert set(uses) == {assessments.TRANSFER_ASSESSED, assessments.CASE_READ}
    for use in uses.values():
        assert use["purpose"] and "个人信息保护法" in use["legal_basis"] and use["described"]

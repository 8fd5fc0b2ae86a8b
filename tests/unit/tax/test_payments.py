"""One payment per case, decided once; the split balances to the fen."""

from datetime import UTC, datetime, timedelta

import pytest

from services.tax import ledger, payments
from services.tax.payments import TaxCase

CHART = ledger.load()


def assessed(total: int = 2_358_000) -> TaxCase:
    case = TaxCase("RE-1")
    assert payments.apply_assessment(
        case, assessment_id="TA-1", unit_code="370105012002GB00001F00010751",
        total_fen=total, encoded="", parties={},
    )  # fmt: skip
    return case


def settle(case: TaxCase, payment_id: str, amount: int, assessment_id: str = "TA-1"):
    seen = payments.previous_decision(case, payment_id)
    if seen is not None:
        return seen
    decision = payments.decide(case, assessment_id=assessment_id, amount_fen=amount)
    payments.record(case, payment_id, decision, amount_fen=amount, assessment_id=assessment_id)
    return decision


def test_a_wrong_amount_is_refused_with_the_expected_amount():
    case = assessed()
    decision = settle(case, "P-1", 2_350_000)
    assert (decision.outcome, decision.reason, decision.expected_fen) == (
        "refused",
        "AMOUNT_MISMATCH",
        2_358_000,
    )
    assert case.status == "assessed"


def test_the_exact_amount_clears_once_and_a_repeat_changes_nothing():
    case = assessed()
    assert settle(case, "P-1", 2_358_000).outcome == "cleared"
    snapshot = case.to_json()
    assert settle(case, "P-1", 2_358_000).outcome == "cleared"  # the same delivery again
    assert case.to_json() == snapshot
    second = settle(case, "P-2", 2_358_000)  # another payment for a paid case
    assert (second.outcome, second.reason) == ("refused", "ALREADY_PAID")


def test_superseded_unknown_and_closed():
    case = assessed()
    payments.apply_assessment(
        case, assessment_id="TA-2", unit_code=case.unit_code, total_fen=100, encoded="", parties={}
    )
    old = settle(case, "P-1", 2_358_000, "TA-1")
    assert (old.reason, old.expected_fen) == ("ASSESSMENT_SUPERSEDED", 100)
    assert settle(case, "P-2", 100, "TA-9").reason == "UNKNOWN_ASSESSMENT"
    assert payments.apply_cancellation(case)
    assert settle(case, "P-3", 100, "TA-2").reason == "CASE_CLOSED"
    assert not payments.apply_assessment(
        case, assessment_id="TA-3", unit_code="", total_fen=1, encoded="", parties={}
    )


def test_a_case_closed_while_it_waits_on_tax_staff_is_cancelled_owing_nothing():
    case = TaxCase("RE-1")
    manual = {"field": "contract_date", "reason": "r", "required_at": "2025-06-03T02:00:00+00:00"}
    assert payments.apply_manual_required(case, "370105012002GB00001F00010751", manual)
    assert payments.cancellable(case)
    assert payments.apply_cancellation(case) and case.status == payments.CANCELLED
    assert case.refunds == {}  # nothing was paid
    assert not payments.cancellable(case)  # a closing event delivered again changes nothing
    assert not payments.apply_assessment(  # a bill made by hand meanwhile is not taken
        case, assessment_id="TA-M-1", unit_code="", total_fen=1, encoded="", parties={}
    )


def test_a_paid_case_that_closes_is_flagged_for_refund():
    case = assessed()
    settle(case, "P-1", 2_358_000)
    assert payments.apply_cancellation(case) and case.status == "refund_due"


def test_the_split_debits_what_was_paid_and_credits_each_tax_account():
    lines = [
        ("deed_tax", 2_238_095),
        ("vat", 11_190_476),
        ("individual_income_tax", 4_761_905),
        ("land_vat", 0),
        ("stamp_duty", 0),
        ("stamp_duty", 0),
        ("registration_fee", 8_000),
        ("extra_certificate_fee", 1_000),
    ]
    total = sum(amount for _, amount in lines)
    postings = ledger.split(CHART, lines, total)
    assert ledger.totals(postings) == (total, total)
    balances = ledger.balances(postings)
    assert balances["clearing.received"]["debit"] == total
    assert balances["treasury.vat"]["credit"] == 11_190_476
    assert balances["fees.registration"]["credit"] == 9_000  # fee + extra certificate
    assert "treasury.land-vat" not in balances  # nothing to credit for exempt lines


def test_a_split_that_would_not_balance_is_refused():
    with pytest.raises(ledger.LedgerError):
        ledger.split(CHART, [("deed_tax", 100)], 99)
    with pytest.raises(ledger.LedgerError):
        ledger.split(CHART, [("lottery", 1)], 1)


# --- payment orders: only the channel's confirmation of an open order clears ---------------

NOW = datetime(2025, 6, 4, 7, 0, tzinfo=UTC)


def ordered(total: int = 2_358_000) -> TaxCase:
    case = assessed(total)
    case.parties = {"P1": {"kind": 1, "id": "P1", "name": "甲"}}
    assert payments.open_order(case, payer_id="P1", now=NOW) is None
    assert payments.apply_order_opened(
        case, order_id="PO-1", assessment_id="TA-1", amount_fen=total, payer_id="P1",
        expires_at=NOW + timedelta(minutes=15),
    )  # fmt: skip
    return case


def test_an_open_order_is_reused_and_only_parties_may_open_one():
    case = ordered()
    assert payments.open_order(case, payer_id="P1", now=NOW) == "PO-1"
    with pytest.raises(payments.OrderRefused):
        payments.open_order(case, payer_id="stranger", now=NOW)
    # Expired: a new order may be opened.
    later = NOW + timedelta(minutes=16)
    assert payments.expired_orders(case, later) == ["PO-1"]
    assert payments.close_order(case, "PO-1", payments.ORDER_EXPIRED)
    assert payments.open_order(case, payer_id="P1", now=later) is None


def test_a_confirmation_clears_only_its_open_order_in_time_and_to_the_fen():
    case = ordered()
    unknown = payments.decide_confirmed(case, order_id="PO-X", amount_fen=2_358_000, paid_at=NOW)
    assert unknown.reason == "UNKNOWN_ORDER"
    late = NOW + timedelta(hours=1)
    expired = payments.decide_confirmed(case, order_id="PO-1", amount_fen=2_358_000, paid_at=late)
    assert expired.reason == "ORDER_EXPIRED"
    short = payments.decide_confirmed(case, order_id="PO-1", amount_fen=1, paid_at=NOW)
    assert (short.reason, short.expected_fen) == ("AMOUNT_MISMATCH", 2_358_000)
    good = payments.decide_confirmed(case, order_id="PO-1", amount_fen=2_358_000, paid_at=NOW)
    assert good.outcome == "cleared"
    payments.record(case, "TX-1", good, amount_fen=2_358_000, assessment_id="TA-1",
                    order_id="PO-1", channel="devbank")  # fmt: skip
    assert case.status == "paid" and case.orders["PO-1"]["status"] == "paid"


def test_a_refunded_clearing_is_reversed_and_the_ledger_balances():
    case = ordered()
    assert payments.apply_cancellation(case) is True  # assessed, not paid: just void
    case = ordered()
    decision = payments.decide_confirmed(case, order_id="PO-1", amount_fen=2_358_000, paid_at=NOW)
    payments.record(case, "TX-1", decision, amount_fen=2_358_000, assessment_id="TA-1",
                    order_id="PO-1", channel="devbank")  # fmt: skip
    assert payments.apply_cancellation(case) and case.status == "refund_due"
    refund = payments.refund_id_for("TX-1")
    assert payments.apply_refund_ordered(
        case, refund_id=refund, payment_id="TX-1", channel="devbank", amount_fen=2_358_000,
        reason="申请已撤回", reverses_clearing=True,
    )  # fmt: skip
    assert not payments.apply_refund_ordered(
        case, refund_id=refund, payment_id="TX-1", channel="devbank", amount_fen=2_358_000,
        reason="again", reverses_clearing=True,
    )  # fmt: skip
    assert payments.apply_refunded(case, refund) and case.status == "refunded"
    assert not payments.apply_refunded(case, refund)
    original = ledger.split(CHART, [("deed_tax", 2_350_000),
                                    ("registration_fee", 8_000)], 2_358_000)  # fmt: skip
    both = original + ledger.reverse(original, memo="退款")
    debits, credits = ledger.totals(both)
    assert debits == credits == 2 * 2_358_000
    assert all(v["debit"] == v["credit"] for v in ledger.balances(both).values())

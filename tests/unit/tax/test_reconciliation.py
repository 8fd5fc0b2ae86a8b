"""A channel's daily statement against the ledger: each movement once, to the fen."""

from datetime import date

from services.tax import payments
from services.tax.payments import Decision, TaxCase
from services.tax.reconciliation import (
    PAYMENT,
    REFUND,
    Movement,
    day_of,
    ledger_movements,
    reconcile,
)


def test_days_are_china_days():
    assert day_of("2025-06-04T15:59:59+00:00") == date(2025, 6, 4)
    assert day_of("2025-06-04T16:00:00+00:00") == date(2025, 6, 5)


def test_the_ledger_side_is_every_payment_taken_and_every_refund_made_that_day():
    case = TaxCase("RE-1")
    for pid, outcome, at in (
        ("TX-1", "cleared", "2025-06-04T03:00:00+00:00"),
        ("TX-2", "refused", "2025-06-04T04:00:00+00:00"),  # refused: the money came in still
        ("TX-3", "cleared", "2025-06-05T03:00:00+00:00"),  # another day
    ):
        payments.record(case, pid, Decision(outcome), amount_fen=100, assessment_id="TA",
                        channel="devbank", at=at)  # fmt: skip
    payments.record(case, "UP-1", Decision("cleared"), amount_fen=100, assessment_id="TA",
                    channel="unionpay", at="2025-06-04T03:00:00+00:00")  # fmt: skip
    payments.apply_refund_ordered(case, refund_id="RF-TX-2", payment_id="TX-2", channel="devbank",
                                  amount_fen=100, reason="x", reverses_clearing=False)  # fmt: skip
    payments.apply_refunded(case, "RF-TX-2", at="2025-06-04T05:00:00+00:00")
    found = ledger_movements([case], "devbank", date(2025, 6, 4))
    assert sorted(found, key=lambda m: (m.movement, m.transaction_id)) == [
        Movement(PAYMENT, "TX-1", "RE-1", 100),
        Movement(PAYMENT, "TX-2", "RE-1", 100),
        Movement(REFUND, "TX-2", "RE-1", 100),
    ]


def test_every_kind_of_mismatch_is_flagged_and_agreement_is_not():
    ledger = [Movement(PAYMENT, "TX-1", "RE-1", 100), Movement(PAYMENT, "TX-2", "RE-2", 200),
              Movement(REFUND, "TX-1", "RE-1", 100)]  # fmt: skip
    assert reconcile(ledger, ledger) == (3, [])
    statement = [
        Movement(PAYMENT, "TX-1", "RE-1", 100),  # agrees
        Movement(PAYMENT, "TX-2", "RE-2", 250),  # amount differs
        Movement(PAYMENT, "TX-9", "RE-9", 300),  # tax never heard of it
        Movement(PAYMENT, "TX-1", "RE-1", 100),  # listed twice
    ]  # the refund of TX-1 is not on the statement
    matched, mismatches = reconcile(statement, ledger)
    assert matched == 1
    assert {(m.kind, m.movement, m.transaction_id, m.channel_fen, m.ledger_fen)
            for m in mismatches} == {
        ("AMOUNT_DIFFERS", PAYMENT, "TX-2", 250, 200),
        ("MISSING_IN_LEDGER", PAYMENT, "TX-9", 300, None),
        ("MISSING_IN_LEDGER", PAYMENT, "TX-1", 100, None),
        ("MISSING_AT_CHANNEL", REFUND, "TX-1", None, 100),
    }  # fmt: skip

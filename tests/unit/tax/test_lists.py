"""What the expiry scan, reconciliation and the ledger read instead of every case
(services/tax/lists.py), from the stored JSON of a case."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

from services.tax import ledger, lists, payments
from services.tax.payments import Decision
from tests.unit.tax.test_payments import CHART, NOW, ordered


def test_an_open_order_is_listed_by_the_minute_it_expires_until_it_closes():
    case = ordered()  # expires NOW + 15 min
    (bucket,) = lists.order_buckets(case.to_json())
    assert bucket == "orders|20250604T0715"
    assert not lists.due(bucket, NOW + timedelta(minutes=14))
    assert lists.due(bucket, NOW + timedelta(minutes=15, seconds=30))
    assert not lists.due("moves|devbank|2025-06-04", datetime(2099, 1, 1, tzinfo=UTC))
    assert payments.close_order(case, "PO-1", "expired")
    assert lists.order_buckets(case.to_json()) == set()
    assert lists.order_buckets({}) == set()


def test_payments_and_refunds_are_listed_by_channel_and_china_day():
    case = ordered()
    payments.record(case, "TX-1", Decision("cleared"), amount_fen=100, assessment_id="TA-1",
                    channel="devbank", at="2025-06-04T16:30:00+00:00")  # fmt: skip
    payments.apply_refund_ordered(case, refund_id="RF-1", payment_id="TX-1", channel="devbank",
                                  amount_fen=100, reason="x", reverses_clearing=False)  # fmt: skip
    assert lists.movement_keys(case.to_json()) == {"moves|devbank|2025-06-05"}
    payments.apply_refunded(case, "RF-1", at="2025-06-06T03:00:00+00:00")
    assert lists.movement_keys(case.to_json()) == {
        lists.movements_key("devbank", date(2025, 6, 5)),
        lists.movements_key("devbank", date(2025, 6, 6)),
    }


def test_ledger_sums_are_the_balances_of_the_journals_by_county():
    case = ordered()
    split = ledger.split(CHART, [("deed_tax", 2_350_000), ("registration_fee", 8_000)], 2_358_000)
    payments.apply_journal(case, "J-1", [asdict(p) for p in split])
    sums = lists.ledger_sums(case.to_json())
    balances = ledger.balances(split)
    assert {(a, side): fen for (county, a, side), fen in sums.items()} == {
        (account, side): fen
        for account, sides in balances.items()
        for side, fen in sides.items()
        if fen
    }
    assert {county for county, _, _ in sums} == {"370105"}
    assert lists.ledger_sums({}) == {}

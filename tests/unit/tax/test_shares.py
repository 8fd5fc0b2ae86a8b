"""A statement's shares, collected and summed (services/tax/shares.py)."""

from __future__ import annotations

from services.tax import shares
from services.tax.reconciliation import (
    AMOUNT_DIFFERS,
    MISSING_AT_CHANNEL,
    MISSING_IN_LEDGER,
    PAYMENT,
    Mismatch,
)


def mismatch(kind: str, txn: str) -> Mismatch:
    return Mismatch(kind, PAYMENT, txn, "RE-1", 1, None)


def test_the_shares_of_a_statement_event_sum_once_all_are_in():
    held = shares.collect(None, "A", 1, shares.share(2, 1, [mismatch(AMOUNT_DIFFERS, "T2")]))
    assert held is not None and not shares.complete(held, "A", 2)
    held = shares.collect(
        held,
        "A",
        0,
        shares.share(3, 2, [mismatch(MISSING_AT_CHANNEL, "T9"), mismatch(MISSING_IN_LEDGER, "T5")]),
    )
    assert held is not None and shares.complete(held, "A", 2)
    entries, matched, found = shares.merge(held["A"].values())
    assert (entries, matched) == (5, 3)
    assert [(m.kind, m.transaction_id) for m in found] == [
        (MISSING_IN_LEDGER, "T5"),
        (MISSING_AT_CHANNEL, "T9"),
        (AMOUNT_DIFFERS, "T2"),
    ]


def test_a_share_delivered_twice_is_taken_once():
    held = shares.collect(None, "A", 0, shares.share(1, 1, []))
    assert shares.collect(held, "A", 0, shares.share(1, 1, [])) is None


def test_a_statement_issued_again_is_collected_apart_and_the_earlier_ones_are_dropped():
    held = shares.collect(None, "A", 0, shares.share(1, 1, []))
    held = shares.collect(held, "B", 0, shares.share(1, 0, []))
    held = shares.collect(held, "A", 1, shares.share(1, 1, []))
    held = shares.collect(held, "C", 1, shares.share(1, 1, []))
    held = shares.collect(held, "B", 1, shares.share(1, 1, []))
    assert held is not None and shares.complete(held, "B", 2)
    assert shares.merge(held["B"].values())[:2] == (2, 1)
    assert list(shares.settled(held, "B")) == ["B", "C"]

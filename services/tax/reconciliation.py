"""Reconciliation (对账) of a payment channel's daily statement against the ledger: every
movement of money the channel settled that day, payment or refund, must be one tax
recorded, to the fen, and every one tax recorded for that channel and day must be on the
statement. Pure; days are Asia/Shanghai days (UTC+8, no daylight saving)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from services.kit.clock import SHANGHAI, business_date
from services.tax.payments import REFUND_DONE, TaxCase

CHINA = SHANGHAI  # statement days are business dates (kit/clock.py)

PAYMENT = "payment"
REFUND = "refund"

MISSING_IN_LEDGER = "MISSING_IN_LEDGER"
MISSING_AT_CHANNEL = "MISSING_AT_CHANNEL"
AMOUNT_DIFFERS = "AMOUNT_DIFFERS"
KINDS = (MISSING_IN_LEDGER, MISSING_AT_CHANNEL, AMOUNT_DIFFERS)


@dataclass(frozen=True)
class Movement:
    movement: str  # PAYMENT or REFUND
    transaction_id: str  # a refund names the payment it returns
    case_id: str
    amount_fen: int


@dataclass(frozen=True)
class Mismatch:
    kind: str
    movement: str
    transaction_id: str
    case_id: str
    channel_fen: int | None
    ledger_fen: int | None


def day_of(instant: str) -> date:
    return business_date(datetime.fromisoformat(instant))


def ledger_movements(cases: Iterable[TaxCase], channel: str, day: date) -> list[Movement]:
    """What tax recorded of `channel` on `day`: every payment it received (cleared or
    refused: the channel took the money either way) and every refund the channel
    confirmed."""
    found: list[Movement] = []
    for case in cases:
        for payment_id, payment in case.payments.items():
            at = payment.get("at", "")
            if payment.get("channel") == channel and at and day_of(at) == day:
                found.append(Movement(PAYMENT, payment_id, case.case_id, payment["amount_fen"]))
        for refund in case.refunds.values():
            at = refund.get("refunded_at", "")
            if (
                refund["channel"] == channel
                and refund["status"] == REFUND_DONE
                and at
                and day_of(at) == day
            ):
                found.append(
                    Movement(REFUND, refund["payment_id"], case.case_id, refund["amount_fen"])
                )
    return found


def reconcile(
    statement: Iterable[Movement], ledger: Iterable[Movement]
) -> tuple[int, list[Mismatch]]:
    """(lines matched, every mismatch). A line listed twice on the statement is a
    movement the ledger does not have."""
    recorded = {(m.movement, m.transaction_id): m for m in ledger}
    seen: set[tuple[str, str]] = set()
    matched = 0
    mismatches: list[Mismatch] = []
    for line in statement:
        key = (line.movement, line.transaction_id)
        ours = recorded.get(key) if key not in seen else None
        seen.add(key)
        if ours is None:
            missing = Mismatch(MISSING_IN_LEDGER, *key, line.case_id, line.amount_fen, None)
            mismatches.append(missing)
        elif ours.amount_fen != line.amount_fen:
            mismatches.append(
                Mismatch(AMOUNT_DIFFERS, *key, line.case_id, line.amount_fen, ours.amount_fen)
            )
        else:
            matched += 1
    for key, ours in recorded.items():
        if key not in seen:
            mismatches.append(
                Mismatch(MISSING_AT_CHANNEL, *key, ours.case_id, None, ours.amount_fen)
            )
    return matched, mismatches

"""What the tax office's scans and totals read instead of every case. Pure: from a case's
stored JSON (the old one is at hand when a case is stored, undecoded).

- `order_buckets`: the minute each open payment order expires in (`orders|<UTC minute>`):
  the expiry scan reads the buckets that are due, not every case.
- `movement_keys`: each channel and day on which the case has a payment or a confirmed
  refund (`moves|<channel>|<day>`): a channel's statement is reconciled against those.
- `manual_keys`: `manual|pending` while a case waits on tax staff to assess it by hand.
- `ledger_sums`: the case's journal postings per county, account and side: the ledger
  balances are the sum of these, moved as cases are stored (services/kit/tally.py).

`member_keys` are the lists a case is in; `reachable_keys` every list it is in or may have
left, from the case alone (the buckets of all its orders, open or closed; the manual list
once it has waited on staff): a case delivered again, stored already as the event leaves
it, still names the lists it had to leave.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from services.tax import payments
from services.tax.reconciliation import day_of

ORDERS = "orders|"
MOVES = "moves|"
MANUAL = "manual|pending"


def minute_of(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M")


def order_buckets(raw: dict[str, Any]) -> set[str]:
    return {
        ORDERS + minute_of(datetime.fromisoformat(order["expires_at"]))
        for order in (raw.get("orders") or {}).values()
        if order["status"] == payments.ORDER_OPEN
    }


def manual_keys(raw: dict[str, Any]) -> set[str]:
    return {MANUAL} if raw.get("status") == payments.MANUAL_PENDING else set()


def member_keys(raw: dict[str, Any]) -> set[str]:
    """Every list the case is in."""
    return order_buckets(raw) | movement_keys(raw) | manual_keys(raw)


def reachable_keys(raw: dict[str, Any]) -> set[str]:
    """Every list the case is in or may ever have been in (a superset of `member_keys`):
    orders and the manual record are never removed from a case, payments and refunds
    never leave it."""
    keys = {
        ORDERS + minute_of(datetime.fromisoformat(order["expires_at"]))
        for order in (raw.get("orders") or {}).values()
    }
    if raw.get("manual"):
        keys.add(MANUAL)
    return keys | member_keys(raw)


def due(key: str, now: datetime) -> bool:
    """An order bucket whose minute has begun (its orders may have expired)."""
    return key.startswith(ORDERS) and key.removeprefix(ORDERS) <= minute_of(now)


def movements_key(channel: str, day: date) -> str:
    return f"{MOVES}{channel}|{day.isoformat()}"


def movement_keys(raw: dict[str, Any]) -> set[str]:
    keys = {
        movements_key(payment["channel"], day_of(payment["at"]))
        for payment in (raw.get("payments") or {}).values()
        if payment.get("channel") and payment.get("at")
    }
    keys |= {
        movements_key(refund["channel"], day_of(refund["refunded_at"]))
        for refund in (raw.get("refunds") or {}).values()
        if refund.get("status") == payments.REFUND_DONE and refund.get("refunded_at")
    }
    return keys


def ledger_sums(raw: dict[str, Any]) -> Counter[tuple[str, str, str]]:
    """fen per (county, account, side) over the case's journals."""
    county = str(raw.get("unit_code", ""))[:6]
    sums: Counter[tuple[str, str, str]] = Counter()
    for postings in (raw.get("journals") or {}).values():
        for posting in postings:
            sums[county, posting["account"], posting["side"]] += posting["amount_fen"]
    return sums

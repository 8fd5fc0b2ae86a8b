"""A joint case seen from the tax side, and the rules that settle a payment against it.

Pure: the state is a plain dataclass stored as JSON in a Faust table keyed by case id.
A party opens a payment order; only the payment channel's confirmation of that order
becomes a payment. A payment id is decided once: delivered again (a replayed event, a
channel retry) it gets the first answer and changes nothing. Money that came in and is
not kept (a refused payment, a paid case closed) is refunded through the channel.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from services.kit.errors import DomainError, Kind

NONE = "none"  # nothing assessed yet
MANUAL_PENDING = "manual_pending"  # the engine could not compute it: tax staff assess by hand
ASSESSED = "assessed"
PAID = "paid"
CANCELLED = "cancelled"
REFUND_DUE = "refund_due"  # paid, then the case closed: the payment is to be refunded
REFUNDED = "refunded"  # ... and the channel confirmed the refund
# Every status a case can have, in the order a case may pass through them (the cases gauge).
STATUSES = (NONE, MANUAL_PENDING, ASSESSED, PAID, CANCELLED, REFUND_DUE, REFUNDED)

# Payment order states.
ORDER_OPEN = "open"
ORDER_PAID = "paid"
ORDER_EXPIRED = "expired"
ORDER_FAILED = "failed"

REFUND_ORDERED = "ordered"
REFUND_DONE = "refunded"

CLEARED = "cleared"
REFUSED = "refused"

DECIDED_BY = "decided_by"  # in a payment's record: the dedup key of the event that decided it

# RefusalReason names without their prefix (the adapters add REFUSAL_REASON_).
AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
UNKNOWN_ASSESSMENT = "UNKNOWN_ASSESSMENT"
ASSESSMENT_SUPERSEDED = "ASSESSMENT_SUPERSEDED"
ALREADY_PAID = "ALREADY_PAID"
CASE_CLOSED = "CASE_CLOSED"
UNKNOWN_ORDER = "UNKNOWN_ORDER"
ORDER_EXPIRED_REASON = "ORDER_EXPIRED"


@dataclass
class TaxCase:
    case_id: str
    unit_code: str = ""
    status: str = NONE
    assessment_id: str = ""
    assessment: str = ""  # the current AssessmentIssued, protobuf bytes in base64
    total_fen: int = 0
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)  # payers, by id
    superseded: list[str] = field(default_factory=list)
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    cleared_payment_id: str = ""
    journals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # order id -> {assessment_id, amount_fen, payer_id, expires_at (ISO), status}
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    # refund id -> {payment_id, channel, amount_fen, reason, reverses_clearing, status}
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    # While (and after) the case waited for a manual assessment: why the engine could not
    # compute the bill, the parties and the contract date staff assess it with.
    manual: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> TaxCase:
        """A case of its own: a table with a memory store hands out its stored value
        itself, and the rules change a case's orders, payments and journals in place; the
        stored record changed with them, so the lists and totals, moved from the stored
        case to the new one, saw no change (a closed order stayed in its expiry bucket,
        a journal never reached the ledger balances)."""
        return cls(**copy.deepcopy(raw))


@dataclass(frozen=True)
class Decision:
    outcome: str  # CLEARED or REFUSED
    reason: str = ""  # for REFUSED
    expected_fen: int | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def apply_assessment(
    case: TaxCase,
    *,
    assessment_id: str,
    unit_code: str,
    total_fen: int,
    encoded: str,
    parties: dict[str, dict[str, Any]],
) -> bool:
    """Take a new assessment (a later one replaces the current); False if already known
    or the case no longer takes one."""
    if assessment_id == case.assessment_id or assessment_id in case.superseded:
        return False
    if case.status not in (NONE, MANUAL_PENDING, ASSESSED):
        return False
    if case.assessment_id:
        case.superseded.append(case.assessment_id)
    case.unit_code = unit_code
    case.assessment_id = assessment_id
    case.assessment = encoded
    case.total_fen = total_fen
    case.parties = parties
    case.status = ASSESSED
    return True


def apply_manual_required(case: TaxCase, unit_code: str, manual: dict[str, Any]) -> bool:
    """The engine could not compute the bill: the case waits on tax staff. Only a case
    without a bill waits (a case already billed keeps its bill); False if nothing changes."""
    if case.status not in (NONE, MANUAL_PENDING) or case.manual == manual:
        return False
    case.unit_code = unit_code
    case.manual = manual
    case.status = MANUAL_PENDING
    return True


class OrderRefused(DomainError, ValueError):
    """A payment order that may not be opened (in the case's state), the field and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(Kind.CONFLICT, field, reason)


def open_order(case: TaxCase, *, payer_id: str, now: datetime) -> str | None:
    """May `payer_id` open an order for the case's bill now? Returns the id of an open,
    unexpired order to reuse (a second press of the pay button), None when a new one may
    be opened; refuses when nothing is payable."""
    if case.status != ASSESSED:
        raise OrderRefused("case_id", f"本案税费单状态为 {case.status}, 无需缴款")
    if payer_id not in case.parties:
        raise OrderRefused("token", "only a party of the case may open a payment order")
    for order_id, order in case.orders.items():
        if (
            order["status"] == ORDER_OPEN
            and order["assessment_id"] == case.assessment_id
            and datetime.fromisoformat(order["expires_at"]) > now
        ):
            return order_id
    return None


def apply_order_opened(
    case: TaxCase,
    *,
    order_id: str,
    assessment_id: str,
    amount_fen: int,
    payer_id: str,
    expires_at: datetime,
) -> bool:
    if order_id in case.orders:
        return False
    case.orders[order_id] = {
        "assessment_id": assessment_id,
        "amount_fen": amount_fen,
        "payer_id": payer_id,
        "expires_at": expires_at.isoformat(),
        "status": ORDER_OPEN,
    }
    return True


def close_order(case: TaxCase, order_id: str, status: str) -> bool:
    """An open order expired or failed at the channel (a paid one stays paid)."""
    order = case.orders.get(order_id)
    if order is None or order["status"] != ORDER_OPEN:
        return False
    order["status"] = status
    return True


def expired_orders(case: TaxCase, now: datetime) -> list[str]:
    return [
        order_id
        for order_id, order in case.orders.items()
        if order["status"] == ORDER_OPEN and datetime.fromisoformat(order["expires_at"]) <= now
    ]


def decide_confirmed(
    case: TaxCase, *, order_id: str, amount_fen: int, paid_at: datetime
) -> Decision:
    """A channel confirmed money for an order: clear it only if the order is ours, was
    paid before it expired, and pays the current bill to the fen."""
    order = case.orders.get(order_id)
    if order is None:
        return Decision(REFUSED, UNKNOWN_ORDER, None, f"本案无缴款订单 {order_id}; 原路退回")
    if paid_at > datetime.fromisoformat(order["expires_at"]):
        return Decision(
            REFUSED, ORDER_EXPIRED_REASON, None, f"缴款订单 {order_id} 已过期; 原路退回"
        )
    if amount_fen != order["amount_fen"]:
        return Decision(
            REFUSED,
            AMOUNT_MISMATCH,
            order["amount_fen"],
            f"订单金额 {order['amount_fen']} 分, 实收 {amount_fen} 分; 原路退回",
        )
    return decide(case, assessment_id=order["assessment_id"], amount_fen=amount_fen)


def previous_decision(case: TaxCase, payment_id: str) -> Decision | None:
    seen = case.payments.get(payment_id)
    if seen is None:
        return None
    return Decision(seen["outcome"], seen["reason"], seen["expected_fen"], seen["detail"])


def decide(case: TaxCase, *, assessment_id: str, amount_fen: int) -> Decision:
    """Clear a payment that pays the current assessment to the fen; refuse anything else,
    saying what is expected where there is an answer."""
    expected = case.total_fen if case.assessment_id else None
    if case.status in (CANCELLED, REFUND_DUE):
        return Decision(REFUSED, CASE_CLOSED, None, "案件已撤回或不予登记, 税费单已作废; 原路退回")
    if case.status == PAID:
        return Decision(
            REFUSED, ALREADY_PAID, None, f"本案已由 {case.cleared_payment_id} 缴清; 原路退回"
        )
    if assessment_id in case.superseded:
        return Decision(
            REFUSED,
            ASSESSMENT_SUPERSEDED,
            expected,
            f"税费单 {assessment_id} 已被 {case.assessment_id} 取代, 应缴 {expected} 分",
        )
    if not case.assessment_id or assessment_id != case.assessment_id:
        return Decision(REFUSED, UNKNOWN_ASSESSMENT, expected, f"本案无税费单 {assessment_id}")
    if amount_fen != case.total_fen:
        return Decision(
            REFUSED,
            AMOUNT_MISMATCH,
            expected,
            f"应缴 {case.total_fen} 分 (税款与登记费合计), 实缴 {amount_fen} 分; 原路退回",
        )
    return Decision(CLEARED)


def record(
    case: TaxCase,
    payment_id: str,
    decision: Decision,
    *,
    amount_fen: int,
    assessment_id: str,
    order_id: str = "",
    channel: str = "",
    at: str = "",
    event: str = "",
) -> None:
    """Remember the decision for the payment id (and when the channel took the money,
    ISO 8601, for reconciliation; and the dedup key of the event that decided it, so that
    the same event delivered again can be told from another word for the same payment);
    a clearing settles the case and its order."""
    case.payments[payment_id] = {
        **decision.to_json(),
        "amount_fen": amount_fen,
        "assessment_id": assessment_id,
        "order_id": order_id,
        "channel": channel,
        "at": at,
    }
    if event:
        case.payments[payment_id][DECIDED_BY] = event
    if decision.outcome == CLEARED:
        case.status = PAID
        case.cleared_payment_id = payment_id
        if order_id in case.orders:
            case.orders[order_id]["status"] = ORDER_PAID


def decided_by(case: TaxCase, payment_id: str) -> str:
    """The dedup key of the event that decided the payment ("" if unknown: decided before
    it was recorded)."""
    return str((case.payments.get(payment_id) or {}).get(DECIDED_BY, ""))


def payments_shown(case: TaxCase) -> dict[str, dict[str, Any]]:
    """The case's payments as answers show them (without the deciding event's key)."""
    return {
        payment_id: {k: v for k, v in payment.items() if k != DECIDED_BY}
        for payment_id, payment in case.payments.items()
    }


def refund_id_for(payment_id: str) -> str:
    """One refund per payment, whatever the reason: a replay orders nothing new."""
    return f"RF-{payment_id}"


def apply_refund_ordered(
    case: TaxCase,
    *,
    refund_id: str,
    payment_id: str,
    channel: str,
    amount_fen: int,
    reason: str,
    reverses_clearing: bool,
) -> bool:
    if refund_id in case.refunds:
        return False
    case.refunds[refund_id] = {
        "payment_id": payment_id,
        "channel": channel,
        "amount_fen": amount_fen,
        "reason": reason,
        "reverses_clearing": reverses_clearing,
        "status": REFUND_ORDERED,
    }
    return True


def apply_refunded(case: TaxCase, refund_id: str, at: str = "") -> bool:
    """The channel returned the money (at `at`, ISO 8601); a refunded clearing leaves the
    case refunded."""
    refund = case.refunds.get(refund_id)
    if refund is None or refund["status"] != REFUND_ORDERED:
        return False
    refund["status"] = REFUND_DONE
    refund["refunded_at"] = at
    if refund["reverses_clearing"] and case.status == REFUND_DUE:
        case.status = REFUNDED
    return True


# What a closing case owes nothing on yet: no bill, one waiting on tax staff, or one unpaid.
_VOIDABLE = (NONE, MANUAL_PENDING, ASSESSED)


def cancellable(case: TaxCase) -> bool:
    """Would a cancellation change the case (`apply_cancellation`)?"""
    return case.status == PAID or case.status in _VOIDABLE


def apply_cancellation(case: TaxCase) -> bool:
    """The case closed: void the bill (one still waiting on tax staff leaves their queue,
    so staff can no longer bill it), or flag a payment already made for refund."""
    if case.status == PAID:
        case.status = REFUND_DUE
        return True
    if case.status in _VOIDABLE:
        case.status = CANCELLED
        return True
    return False


def apply_journal(case: TaxCase, journal_id: str, postings: list[dict[str, Any]]) -> bool:
    if journal_id in case.journals:
        return False
    case.journals[journal_id] = postings
    return True

"""A joint case seen from the tax side, and the rules that settle a payment against it.

Pure: the state is a plain dataclass stored as JSON in a Faust table keyed by case id.
A payment id is decided once: delivered again (a replayed event, a channel retry) it gets
the first answer and changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

NONE = "none"  # nothing assessed yet
ASSESSED = "assessed"
PAID = "paid"
CANCELLED = "cancelled"
REFUND_DUE = "refund_due"  # paid, then the case closed: the payment is to be refunded

CLEARED = "cleared"
REFUSED = "refused"

# RefusalReason names without their prefix (the adapters add REFUSAL_REASON_).
AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
UNKNOWN_ASSESSMENT = "UNKNOWN_ASSESSMENT"
ASSESSMENT_SUPERSEDED = "ASSESSMENT_SUPERSEDED"
ALREADY_PAID = "ALREADY_PAID"
CASE_CLOSED = "CASE_CLOSED"


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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> TaxCase:
        return cls(**raw)


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
    if case.status not in (NONE, ASSESSED):
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
    case: TaxCase, payment_id: str, decision: Decision, *, amount_fen: int, assessment_id: str
) -> None:
    """Remember the decision for the payment id; a clearing settles the case."""
    case.payments[payment_id] = {
        **decision.to_json(),
        "amount_fen": amount_fen,
        "assessment_id": assessment_id,
    }
    if decision.outcome == CLEARED:
        case.status = PAID
        case.cleared_payment_id = payment_id


def apply_cancellation(case: TaxCase) -> bool:
    """The case closed: void the bill, or flag a payment already made for refund."""
    if case.status == PAID:
        case.status = REFUND_DUE
        return True
    if case.status in (NONE, ASSESSED):
        case.status = CANCELLED
        return True
    return False


def apply_journal(case: TaxCase, journal_id: str, postings: list[dict[str, Any]]) -> bool:
    if journal_id in case.journals:
        return False
    case.journals[journal_id] = postings
    return True

"""The shapes of tax's REST answers, so the OpenAPI document describes every answer.
Names and nesting are the answers' own (the portal and the payment page read them);
money is integer fen, `*_yuan` strings are for display.

Keys an answer leaves out in some cases (a bill line's rate, a refund's `refunded_at`,
fields of the assessment message at their default) are optional here, and the routes
answer with `response_model_exclude_unset=True`, so an absent key stays absent.
"""

from __future__ import annotations

from govshare.tax.v1 import events_pb2 as ev
from pydantic import BaseModel, ConfigDict, Field

from services.kit.pages import Page
from services.kit.protojson import model_of
from services.tax.reconciliation import Mismatch

Assessment = model_of(ev.AssessmentIssued)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BillLine(Answer):
    kind: str
    payer: str = Field(description="buyer or seller")
    calculation: str = Field(description="RATE, FIXED or EXEMPT")
    amount_fen: int
    amount_yuan: str
    legal_source: str
    explanation: str
    base_fen: int | None = None
    rate_ppm: int | None = None
    rate: str | None = Field(default=None, description="the rate as a percentage")
    quantity: int | None = None
    unit_amount_fen: int | None = None
    unconfirmed: str | None = Field(default=None, description="why the rate is not confirmed")


class Bill(Answer):
    rule_set: str
    contract_date: str
    lines: list[BillLine]
    total_fen: int
    total_yuan: str
    buyer_pays_fen: int
    seller_pays_fen: int
    rounding: str


class Payment(Answer):
    outcome: str = Field(description="CLEARED or REFUSED")
    reason: str
    expected_fen: int | None
    detail: str
    amount_fen: int
    assessment_id: str
    order_id: str
    channel: str
    at: str = Field(description="when the channel took the money (ISO 8601)")


class Order(Answer):
    assessment_id: str
    amount_fen: int
    payer_id: str
    expires_at: str
    status: str


class Refund(Answer):
    payment_id: str
    channel: str
    amount_fen: int
    reason: str
    reverses_clearing: bool
    status: str
    refunded_at: str | None = None


class CaseAssessment(Answer):
    case_id: str
    unit_code: str
    status: str
    assessment: Assessment | None  # type: ignore[valid-type]
    total_fen: int
    payments: dict[str, Payment] = Field(description="by payment id")
    cleared_payment_id: str
    orders: dict[str, Order] = Field(description="by order id")
    refunds: dict[str, Refund] = Field(description="by refund id")


class OpenedOrder(Order):
    order_id: str
    case_id: str
    cashier_url: str = Field(description="the payment channel's cashier page for the order")


class Posting(Answer):
    account: str
    side: str = Field(description="debit or credit")
    amount_fen: int
    line_kind: str
    memo: str


class LedgerAssessment(Answer):
    assessment_id: str
    rule_set: str
    legal_basis: str
    assessed_by: str
    reviewed_by: str


class CaseLedger(Answer):
    case_id: str
    journals: dict[str, list[Posting]] = Field(description="postings by journal id")
    debits_fen: int
    credits_fen: int
    balanced: bool
    assessment: LedgerAssessment


class ManualWaiting(Answer):
    case_id: str
    unit_code: str
    field: str = Field(description="the fact the engine could not use")
    reason: str
    required_at: str


class ManualAssessments(Page, Answer):
    cases: list[ManualWaiting]
    count: int = Field(description="all the cases waiting, over every page")


class ManualAssessed(Answer):
    case_id: str
    status: str
    assessment: Assessment | None  # type: ignore[valid-type]
    total_fen: int


class Reconciliation(Answer):
    statement_id: str
    channel: str
    date: str
    entries: int
    matched: int
    mismatches: list[Mismatch]
    balanced: bool
    reconciled_at: str


class Reconciliations(Page, Answer):
    reconciliations: list[Reconciliation]


class AccountTotals(Answer):
    debit: int
    credit: int


class Ledger(Answer):
    accounts: dict[str, AccountTotals] = Field(description="totals by account")
    debits_fen: int
    credits_fen: int
    balanced: bool

"""The shapes of realestate's REST answers, so the OpenAPI document describes every
answer. Names and nesting are the answers' own: the portal's case, queue and tracking
pages read them.

A case's parts are stored JSON that grew over releases (a rectification gains its
completion and its follow-up; older cases lack newer members): those models name the
members known today, keep any other (`Stored`), and the routes answer with
`response_model_exclude_unset=True`, so an absent member stays absent.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from services.kit.pages import Page


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Stored(BaseModel):
    model_config = ConfigDict(extra="allow")


class Party(Answer):
    kind: str = Field(description="citizen or enterprise")
    id: str = Field(description="masked unless it is the viewer's own, or the viewer is staff")
    name: str


class Finding(Stored):
    check: str | None = None
    detail: str | None = None


class ClaimedBy(Stored):
    staff: str | None = None
    department: str | None = None


class SellerCertificate(Stored):
    certificate_id: str | None = None
    type_code: str | None = None
    version: int | None = None


class CheckedReliefs(Stored):
    buyer_family_existing_homes: int | None = None
    seller_only_home: bool | None = None
    basis: str | None = None


class Evaluation(Stored):
    grade: str | None = None
    comment: str | None = None
    at: str | None = None


class Rectification(Stored):
    """Opened by a bad grade; completed, then followed up (回访), by window staff."""

    grade: str | None = None
    comment: str | None = None
    due_date: str | None = None
    opened_at: str | None = None
    action: str | None = None
    completed_by: str | None = None
    completed_at: str | None = None
    follow_up_due_date: str | None = None
    followed_up_by: str | None = None
    followed_up_at: str | None = None
    party_satisfied: bool | None = None
    note: str | None = None


class Step(Stored):
    step: str
    at: str
    by: str | None = None
    detail: str | None = None


class CaseView(Answer):
    case_id: str
    unit_code: str
    stage: str
    waiting_on: str = Field(description="the department or party the case waits on")
    waiting_since: str
    applied_at: str
    applied_by: str = Field(description="seller or buyer; the other party confirms")
    seller: Party
    buyer: Party
    price_fen: int
    area_hundredths_m2: int
    contract_date: str
    review: str
    findings: list[Finding]
    referred_to: str
    claimed_by: ClaimedBy | None
    seller_certificate: SellerCertificate | None
    checked_reliefs: CheckedReliefs | None
    tax: str
    tax_note: str
    assessment_id: str
    total_fen: int
    payment_id: str
    registration_number: str
    evaluations: dict[str, Evaluation] = Field(description="by party role")
    rectifications: dict[str, Rectification] = Field(description="by rectification id")
    timeline: list[Step]


class MyCases(Page, Answer):
    cases: list[CaseView]


class QueueItem(Stored):
    case_id: str
    unit_code: str
    city: str | None = None
    county: str | None = None
    stage: str | None = None
    waiting_on: str | None = None
    waiting_since: str | None = None
    claimed_by: ClaimedBy | None = None
    findings: list[Finding] | None = None
    tax: str | None = None
    tax_note: str | None = None
    applied_at: str | None = None
    waiting_seconds: int


class Queue(Page, Answer):
    cases: list[QueueItem]
    count: int = Field(description="all the cases matching, over every page")


class OpenRectification(Rectification):
    rectification_id: str
    case_id: str
    unit_code: str
    county: str | None = None
    late_in: str | None = Field(description="the phase it is late in, else null")


class Rectifications(Page, Answer):
    rectifications: list[OpenRectification]
    count: int = Field(description="all the rectifications matching, over every page")


class HistoryEntry(Stored):
    kind: str
    at: str
    event: str | None = None
    summary: str | None = None
    case_id: str | None = None
    unit_code: str | None = None


class UnitHistory(Page, Answer):
    code: str
    entries: list[HistoryEntry]

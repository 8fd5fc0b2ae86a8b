"""The shapes of power's REST answers (what `views.py` builds), so the OpenAPI document
describes every answer. Names and nesting are the answers' own: the portal reads them.

Keys a view leaves out in some states (a pending step has no deadline yet; a timeline
line carries only its own facts) are optional here, and the routes answer with
`response_model_exclude_unset=True`, so an absent key stays absent.
"""

from __future__ import annotations

from govshare.common.v1 import types_pb2 as common
from pydantic import BaseModel, ConfigDict, Field

from services.kit.pages import Page
from services.kit.protojson import model_of

Address = model_of(common.Address)
Contact = model_of(common.Contact)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Actor(Answer):
    kind: str = Field(description="person or system")
    name: str
    person_id: str | None = Field(description="masked resident id")
    role: str
    on_behalf_of: str


class Applicant(Answer):
    kind: str = Field(description="citizen or enterprise")
    id: str
    name: str


class CertificateUsed(Answer):
    type_code: str
    type_name: str
    certificate_id: str
    version: int


class FlaggedEvidence(CertificateUsed):
    reason: str
    flagged_at: str | None


class UploadUsed(Answer):
    type_code: str
    upload_ref: str


class EvidenceResult(Answer):
    type_code: str
    type_name: str
    status: str = Field(description="FOUND, MISSING, ... (EvidenceStatus without prefix)")
    detail: str


class StepView(Answer):
    step_code: str
    step_name: str
    time_limit_working_days: int
    state: str = Field(description="pending, current or done; a pending step has no more")
    entered_at: str | None = None
    entered_by: Actor | None = None
    deadline: str | None = None
    done_at: str | None = None
    done_by: Actor | None = None
    overdue: bool | None = None
    overdue_flagged_at: str | None = None


class SkippedStep(Answer):
    step_code: str
    step_name: str
    why: str


class Evaluation(Answer):
    grade: str
    grade_name: str
    comment: str
    submitted_at: str | None


class Rectification(Answer):
    rectification_id: str
    due_date: str
    opened_at: str | None
    status: str = Field(description="open, completed or followed_up")
    action: str | None
    completed_at: str | None
    completed_by: Actor | None
    follow_up_due_date: str | None
    followed_up_at: str | None
    followed_up_by: Actor | None
    applicant_satisfied: bool | None
    follow_up_note: str | None
    overdue: str | None = Field(description="the phase it is late in, else null")


class ApplicationView(Answer):
    application_id: str
    status: str
    matter_code: str
    matter_name: str
    applicant: Applicant
    unit_code: str
    address: Address | None  # type: ignore[valid-type]
    requested_capacity_w: int
    submitted_at: str | None
    evidence_free: bool | None = Field(description="null until the application is accepted")
    evidence_used: list[CertificateUsed]
    uploads_used: list[UploadUsed]
    missing_evidence: list[EvidenceResult]
    evidence_to_refresh: list[FlaggedEvidence]
    access_ids: list[str]
    preparation_id: str | None
    steps: list[StepView]
    skipped_steps: list[SkippedStep]
    current_step: str | None
    steps_overdue: int
    completed_at: str | None
    evaluation: Evaluation | None
    rectification: Rectification | None


class TimelineLine(Answer):
    """What happened, when, who acted, and the facts of that kind of event."""

    what: str
    at: str | None = None
    by: Actor | None = None
    found: list[str] | None = None
    missing: list[str] | None = None
    type_name: str | None = None
    evidence_free: bool | None = None
    steps: list[str] | None = None
    step_code: str | None = None
    step_name: str | None = None
    deadline: str | None = None
    steps_taken: int | None = None
    grade: str | None = None
    action: str | None = None
    follow_up_due_date: str | None = None
    applicant_satisfied: bool | None = None
    note: str | None = None
    detail: str | None = None


class Timeline(Answer):
    application_id: str
    status: str
    steps: list[StepView]
    skipped_steps: list[SkippedStep]
    steps_overdue: int
    events: list[TimelineLine]


class MatterEvidence(Answer):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    type_code: str
    type_name: str
    for_: list[str] = Field(alias="for", description="the applicant kinds that need it")


class MatterStep(Answer):
    step_code: str
    step_name: str
    limit: int = Field(description="working days")


class Matter(Answer):
    code: str
    name: str
    applicants: list[str]
    capacity_w: list[int] = Field(description="[minimum, maximum] in watts")
    evidence: list[MatterEvidence]
    steps: list[MatterStep]
    source: str


class Matters(Answer):
    matters: list[Matter]
    sources: dict[str, str]


class MyApplications(Page, Answer):
    applications: list[ApplicationView]


class Queue(Page, Answer):
    applications: list[ApplicationView]
    open_statuses: list[str]


class RectificationItem(Rectification):
    application_id: str
    matter_code: str


class Rectifications(Page, Answer):
    rectifications: list[RectificationItem]


class PreparationOwner(Answer):
    id: str
    name: str


class Preparation(Answer):
    parcel_code: str
    preparation_id: str
    source: str
    owner: PreparationOwner
    planned_load_w: int
    project_code: str | None
    contact: Contact | None  # type: ignore[valid-type]
    prepared_steps: list[str]
    started_at: str | None

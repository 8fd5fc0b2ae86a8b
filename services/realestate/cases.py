"""Joint transfer cases (一窗办事): state, how events change it, and which stage each case
is in and whom it waits on. Pure: events in, plain data out; no I/O.

Applying an event is idempotent: an event that does not fit the case's state (a replay,
or a late duplicate) changes nothing and returns False.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t

from services.kit.clock import instant
from services.kit.dispatch import Dispatch

# Review outcomes.
PENDING = "pending"
PASSED = "passed"
REFERRED = "referred"
REJECTED = "rejected"

# Tax side (from TaxProgressRecorded).
TAX_NONE = "none"
TAX_MANUAL = "manual_pending"  # the engine could not compute the bill: tax staff assess it
TAX_ASSESSED = "assessed"
TAX_PAID = "paid"
TAX_CANCELLED = "cancelled"

# How a case closed.
COMPLETED = "completed"
WITHDRAWN = "withdrawn"

# Stages, in the order a case moves through them.
AWAITING_CONFIRMATION = "awaiting_confirmation"
IN_REVIEW = "in_review"
STAFF_REVIEW = "referred"
AWAITING_ASSESSMENT = "awaiting_assessment"
AWAITING_PAYMENT = "awaiting_payment"
REGISTERING = "registering"
STAGES = (
    AWAITING_CONFIRMATION,
    IN_REVIEW,
    STAFF_REVIEW,
    AWAITING_ASSESSMENT,
    AWAITING_PAYMENT,
    REGISTERING,
    COMPLETED,
    REJECTED,
    WITHDRAWN,
)
OPEN_STAGES = STAGES[:6]

# Whom a stage waits on: a department's staff or system, or a citizen (party).
CITIZEN = "citizen"
REALESTATE = "realestate"
TAX = "tax"


def iso(stamp: Timestamp) -> str:
    return instant(stamp).isoformat()


def party_json(party: common.Party) -> dict[str, Any]:
    return {"kind": int(party.kind), "id": party.id, "name": party.name}


def party_proto(raw: dict[str, Any]) -> common.Party:
    return common.Party(kind=raw["kind"], id=raw["id"], name=raw["name"])


def check_name(value: int) -> str:
    return t.ReviewCheck.Name(value).removeprefix("REVIEW_CHECK_")


def department_name(value: int) -> str:
    return t.Department.Name(value).removeprefix("DEPARTMENT_").lower()


def actor_text(actor: common.Actor) -> str:
    """Who acted, for a timeline: a role and a name, never an identifier."""
    name = actor.person_name or actor.on_behalf_of.name or actor.system_id
    return f"{actor.role or 'system'}: {name}" if name else actor.role or "system"


@dataclass
class Case:
    case_id: str
    unit_code: str
    seller: dict[str, Any]
    buyer: dict[str, Any]
    applied_by: str  # "seller" or "buyer": the other party confirms
    applied_at: str
    price_fen: int
    area_hundredths_m2: int
    usage: int
    contract_date: str
    seller_acquisition_date: str
    certificate_count: int
    location: dict[str, str] | None = None
    # The reliefs as declared, the spouse whose homes count, and as review checked them
    # (reliefs.py); stored cases from before these fields take the defaults.
    declared_family_homes: int = 0
    declared_seller_only_home: bool = False
    buyer_spouse: dict[str, Any] | None = None
    checked_reliefs: dict[str, Any] | None = None
    confirmed: bool = False
    review: str = PENDING
    findings: list[dict[str, str]] = field(default_factory=list)
    referred_to: str = ""  # department whose staff decide a referred case
    claimed_by: dict[str, str] | None = None
    seller_certificate: dict[str, Any] | None = None
    registered_location: dict[str, str] | None = None
    tax: str = TAX_NONE
    tax_note: str = ""  # why a manual assessment is pending, or the basis of one made
    assessment_id: str = ""
    total_fen: int = 0
    payment_id: str = ""
    closed: str = ""  # "", COMPLETED, REJECTED or WITHDRAWN
    registration_number: str = ""
    stage: str = AWAITING_CONFIRMATION
    stage_since: str = ""
    timeline: list[dict[str, str]] = field(default_factory=list)
    # 好差评 of the completed case, by party role ("buyer", "seller"), and the
    # rectifications bad grades opened, by rectification id (completed and followed up
    # by window staff: rectifications.py).
    evaluations: dict[str, dict[str, Any]] = field(default_factory=dict)
    rectifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The events that changed the case after its filing (their dedup keys, one per step
    # of the timeline), written with it: a redelivered event finds here that it was
    # applied, and the registrar completes what the first delivery's crash lost (its
    # history line). Stored cases from before this field have none.
    event_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Case:
        return cls(**raw)

    @property
    def is_open(self) -> bool:
        return not self.closed

    @property
    def other_party(self) -> str:
        return "buyer" if self.applied_by == "seller" else "seller"

    def party_role(self, holder_id: str) -> str | None:
        if holder_id == self.seller["id"]:
            return "seller"
        if holder_id == self.buyer["id"]:
            return "buyer"
        return None

    @property
    def ready_to_register(self) -> bool:
        return self.is_open and self.review == PASSED and self.tax == TAX_PAID


def current_stage(case: Case) -> str:
    if case.closed:
        return case.closed
    if not case.confirmed:
        return AWAITING_CONFIRMATION
    if case.review == PENDING:
        return IN_REVIEW
    if case.review == REFERRED:
        return STAFF_REVIEW
    if case.tax in (TAX_NONE, TAX_MANUAL, TAX_CANCELLED):
        return AWAITING_ASSESSMENT
    if case.tax == TAX_ASSESSED:
        return AWAITING_PAYMENT
    return REGISTERING


def waiting_on(case: Case) -> str:
    """The department (its staff or system) or the citizen the case waits on; "" if closed."""
    stage = current_stage(case)
    if stage in (AWAITING_CONFIRMATION, AWAITING_PAYMENT):
        return CITIZEN
    if stage == STAFF_REVIEW:
        return case.referred_to
    if stage == AWAITING_ASSESSMENT:
        return TAX
    if stage in (IN_REVIEW, REGISTERING):
        return REALESTATE
    return ""


def _step(case: Case, step: str, at: str, by: str, detail: str = "") -> None:
    case.timeline.append({"step": step, "at": at, "by": by, "detail": detail})
    stage = current_stage(case)
    if stage != case.stage or not case.stage_since:
        case.stage = stage
        case.stage_since = at


# --- opening --------------------------------------------------------------------------------


def open_case(applied: ev.TransferApplied) -> Case:
    role = "seller" if applied.applied_by.on_behalf_of.id == applied.seller.id else "buyer"
    facts = applied.tax_facts
    case = Case(
        case_id=applied.case_id,
        unit_code=applied.unit_code,
        seller=party_json(applied.seller),
        buyer=party_json(applied.buyer),
        applied_by=role,
        applied_at=iso(applied.applied_at),
        price_fen=applied.price.fen,
        area_hundredths_m2=applied.area_hundredths_m2,
        usage=int(applied.usage),
        contract_date=_date(applied.contract_date),
        seller_acquisition_date=_date(facts.seller_acquisition_date),
        certificate_count=facts.certificate_count,
        location=_address(applied.location) if applied.HasField("location") else None,
        declared_family_homes=facts.buyer_family_existing_homes,
        declared_seller_only_home=facts.seller_only_home,
        buyer_spouse=party_json(facts.buyer_spouse) if facts.HasField("buyer_spouse") else None,
    )
    _step(case, "applied", case.applied_at, actor_text(applied.applied_by), f"{role} filed")
    return case


def _date(value: common.Date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _address(value: common.Address) -> dict[str, str]:
    return {
        "division_code": value.division_code,
        "text": value.text,
        "postal_code": value.postal_code,
    }


def address_proto(raw: dict[str, str]) -> common.Address:
    return common.Address(**raw)


# --- applying the case's events ------------------------------------------------------------


def apply(case: Case, message: Message, event_id: str = "") -> bool:
    """Apply one realestate event to its case; False when it changes nothing. `event_id`
    (the event's dedup key), when given, is kept with the case if the event changed it,
    and an event already kept changes nothing (`applied`)."""
    if event_id and applied(case, event_id):
        return False
    handler = APPLIERS.get(message)
    changed = handler is not None and handler(case, message)
    if changed and event_id:
        case.event_ids.append(event_id)
    return changed


def applied(case: Case, event_id: str) -> bool:
    """Whether the event `event_id` changed the case: one that comes again after a crash
    changes nothing the second time (`apply`), yet it was applied, not refused."""
    return event_id in case.event_ids


def _confirmed(case: Case, m: ev.TransferConfirmed) -> bool:
    if case.confirmed or case.closed:
        return False
    case.confirmed = True
    _step(case, "confirmed", iso(m.confirmed_at), actor_text(m.confirmed_by))
    return True


def _passed(case: Case, m: ev.ReviewPassed) -> bool:
    # Once a case is referred only staff pass it: an automatic pass computed before a
    # title change referred the case must not undo the referral.
    by_staff = m.decided_by.kind == common.ACTOR_KIND_PERSON
    if case.closed or case.review not in ((PENDING, REFERRED) if by_staff else (PENDING,)):
        return False
    case.review = PASSED
    case.seller_certificate = {
        "certificate_id": m.seller_certificate.certificate_id,
        "type_code": m.seller_certificate.type_code,
        "version": m.seller_certificate.version,
    }
    if m.HasField("registered_location"):
        case.registered_location = _address(m.registered_location)
    if m.HasField("checked_reliefs"):
        case.checked_reliefs = {
            "buyer_family_existing_homes": m.checked_reliefs.buyer_family_existing_homes,
            "seller_only_home": m.checked_reliefs.seller_only_home,
            "basis": m.checked_reliefs.basis,
        }
    checks = ", ".join(check_name(c) for c in m.checks_passed)
    _step(case, "review_passed", iso(m.passed_at), actor_text(m.decided_by), m.note or checks)
    return True


def _findings(findings: Any) -> list[dict[str, str]]:
    return [{"check": check_name(f.check), "detail": f.detail} for f in findings]


def _rejected(case: Case, m: ev.ReviewRejected) -> bool:
    if case.closed:
        return False
    case.review = REJECTED
    case.closed = REJECTED
    case.findings = _findings(m.findings)
    detail = "; ".join(f["detail"] for f in case.findings)
    _step(case, "review_rejected", iso(m.rejected_at), actor_text(m.decided_by), detail)
    return True


def _referred(case: Case, m: ev.ReviewReferred) -> bool:
    """Automatic review refers a pending case; the title re-check also stops a passed case
    (before registration, or when the title changed) and adds its reasons to a case
    already waiting on staff."""
    if case.closed or case.review not in (PENDING, PASSED, REFERRED):
        return False
    new = [f for f in _findings(m.findings) if f not in case.findings]
    if case.review == REFERRED and not new and case.referred_to == department_name(m.waiting_on):
        return False
    if case.review == PASSED:
        case.findings, case.claimed_by = [], None  # a new referral, to be claimed anew
    elif case.review == PENDING:
        case.findings = []
    if case.referred_to != department_name(m.waiting_on):
        case.claimed_by = None  # now another department's staff must claim it
    case.review = REFERRED
    case.referred_to = department_name(m.waiting_on)
    case.findings = case.findings + new
    detail = "; ".join(f["detail"] for f in new)
    _step(case, "review_referred", iso(m.referred_at), actor_text(m.referred_by), detail)
    return True


def _claimed(case: Case, m: ev.CaseClaimed) -> bool:
    if case.closed or case.review != REFERRED or case.claimed_by is not None:
        return False
    case.claimed_by = {
        "staff": m.claimed_by.person_name,
        "department": department_name(m.department),
    }
    _step(case, "claimed", iso(m.claimed_at), actor_text(m.claimed_by))
    return True


def _withdrawn(case: Case, m: ev.TransferWithdrawn) -> bool:
    if case.closed:
        return False
    case.closed = WITHDRAWN
    _step(case, "withdrawn", iso(m.withdrawn_at), actor_text(m.withdrawn_by), m.reason)
    return True


def _tax(case: Case, m: ev.TaxProgressRecorded) -> bool:
    if case.closed:
        return False
    at = iso(m.occurred_at)
    if m.stage == t.TAX_STAGE_MANUAL_ASSESSMENT_PENDING and case.tax in (TAX_NONE, TAX_MANUAL):
        if case.tax == TAX_MANUAL and case.tax_note == m.detail:
            return False
        case.tax, case.tax_note = TAX_MANUAL, m.detail
        _step(case, "manual_assessment_required", at, "system: tax", m.detail)
        return True
    if m.stage == t.TAX_STAGE_ASSESSED and case.tax in (TAX_NONE, TAX_MANUAL, TAX_ASSESSED):
        if m.assessment_id == case.assessment_id:
            return False
        case.tax, case.assessment_id, case.total_fen = TAX_ASSESSED, m.assessment_id, m.total.fen
        case.tax_note = m.detail
        by_staff = m.assessed_by.kind == common.ACTOR_KIND_PERSON
        by = actor_text(m.assessed_by) if by_staff else "system: tax"
        detail = f"bill {m.assessment_id}: {m.total.fen} fen"
        _step(case, "assessed", at, by, f"{detail}; {m.detail}" if m.detail else detail)
        return True
    if m.stage == t.TAX_STAGE_PAID and case.tax != TAX_PAID:
        case.tax, case.payment_id = TAX_PAID, m.payment_id
        case.assessment_id, case.total_fen = m.assessment_id, m.total.fen
        _step(case, "paid", at, "system: tax", f"payment {m.payment_id}: {m.total.fen} fen")
        return True
    if m.stage == t.TAX_STAGE_CANCELLED and case.tax != TAX_CANCELLED:
        case.tax = TAX_CANCELLED
        _step(case, "tax_cancelled", at, "system: tax")
        return True
    return False


def _registered(case: Case, m: ev.RegistrationCompleted) -> bool:
    if case.closed:
        return False
    case.closed = COMPLETED
    case.registration_number = m.registration_number
    _step(
        case, "registered", iso(m.registered_at), actor_text(m.registered_by), m.registration_number
    )
    return True


def _evaluated(case: Case, m: ev.CaseEvaluated) -> bool:
    role = case.party_role(m.evaluated_by.on_behalf_of.id)
    if case.closed != COMPLETED or role is None or role in case.evaluations:
        return False
    case.evaluations[role] = {
        "grade": t.EvaluationGrade.Name(m.grade).removeprefix("EVALUATION_GRADE_").lower(),
        "comment": m.comment,
        "at": iso(m.submitted_at),
    }
    _step(case, "evaluated", iso(m.submitted_at), actor_text(m.evaluated_by), m.comment)
    return True


def _rectification(case: Case, m: ev.CaseRectificationOpened) -> bool:
    if case.closed != COMPLETED or m.rectification_id in case.rectifications:
        return False
    case.rectifications[m.rectification_id] = {
        "grade": t.EvaluationGrade.Name(m.grade).removeprefix("EVALUATION_GRADE_").lower(),
        "comment": m.comment,
        "due_date": _date(m.due_date),
        "opened_at": iso(m.opened_at),
    }
    _step(case, "rectification_opened", iso(m.opened_at), "system", f"due {_date(m.due_date)}")
    return True


def _rectified(case: Case, m: ev.CaseRectificationCompleted) -> bool:
    item = case.rectifications.get(m.rectification_id)
    if item is None or item.get("completed_at"):
        return False
    item.update(
        action=m.action,
        completed_by=actor_text(m.completed_by),
        completed_at=iso(m.completed_at),
        follow_up_due_date=_date(m.follow_up_due_date),
    )
    due = f"回访 due {item['follow_up_due_date']}"
    _step(case, "rectified", item["completed_at"], item["completed_by"], f"{m.action}; {due}")
    return True


def _followed_up(case: Case, m: ev.CaseRectificationFollowedUp) -> bool:
    item = case.rectifications.get(m.rectification_id)
    if item is None or not item.get("completed_at") or item.get("followed_up_at"):
        return False
    item.update(
        followed_up_by=actor_text(m.followed_up_by),
        followed_up_at=iso(m.followed_up_at),
        party_satisfied=m.party_satisfied,
        note=m.note,
    )
    _step(case, "followed_up", item["followed_up_at"], item["followed_up_by"], m.note)
    return True


# How each event type of realestate.v1.events changes its case; the others are not a case's
# own steps (the registrar's agent takes them: registrar.py).
APPLIERS = (
    Dispatch[Case, [], bool]()
    .add(ev.TransferConfirmed, _confirmed)
    .add(ev.ReviewPassed, _passed)
    .add(ev.ReviewRejected, _rejected)
    .add(ev.ReviewReferred, _referred)
    .add(ev.CaseClaimed, _claimed)
    .add(ev.TransferWithdrawn, _withdrawn)
    .add(ev.TaxProgressRecorded, _tax)
    .add(ev.RegistrationCompleted, _registered)
    .add(ev.CaseEvaluated, _evaluated)
    .add(ev.CaseRectificationOpened, _rectification)
    .add(ev.CaseRectificationCompleted, _rectified)
    .add(ev.CaseRectificationFollowedUp, _followed_up)
    .ignore(
        ev.TransferApplied,  # makes the case: open_case
        ev.TitleChangeRecorded,  # re-checks the open case: a referral is its step
        ev.CertificateIssuanceRecorded,  # the unit's history (the case's last line)
        ev.DataUseRecorded,  # the holders' access logs
    )
)


# --- a unit: its cases and the one open case ------------------------------------------------


@dataclass
class Unit:
    """All cases ever filed on one unit; at most one is open (the partition owner of the
    unit code enforces it)."""

    unit_code: str
    open_case: str = ""
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Unit:
        return cls(**raw)

    def case(self, case_id: str) -> Case | None:
        raw = self.cases.get(case_id)
        return Case.from_json(raw) if raw else None

    def put(self, case: Case) -> None:
        self.cases[case.case_id] = case.to_json()
        if case.closed and self.open_case == case.case_id:
            self.open_case = ""


def seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()

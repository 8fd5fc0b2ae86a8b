"""A power application's state: the fold of its events (pure: no I/O, no framework).

`apply(app, event)` returns the application after the event, or None when the event
changes nothing: a redelivered event, or one that arrives where the state machine does
not allow it. The agent stores only the events that changed something, so folding the
stored events always rebuilds the same state, and applying is idempotent by state, not
only by event id.

Statuses: submitted → evidence-requested → in-progress (accepted, steps running) →
connected (completed). Flags (evidence revoked after use) ride alongside the status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.power.v1 import events_pb2 as ev
from govshare.power.v1 import types_pb2 as power_types

from services.kit.clock import SHANGHAI, business_date
from services.kit.clock import instant as instant
from services.kit.clock import timestamp as timestamp
from services.kit.dispatch import Dispatch

# The one refusal (kit/errors.py), re-exported: the rules and the adapters use it from here.
from services.kit.errors import DomainError as DomainError
from services.kit.errors import conflict as conflict
from services.kit.errors import invalid as invalid
from services.kit.workdays import add_working_days

# Working days are civil dates in Asia/Shanghai (kit/clock.py).
local_date = business_date

SUBMITTED = "submitted"
EVIDENCE_REQUESTED = "evidence-requested"
IN_PROGRESS = "in-progress"
CONNECTED = "connected"
OPEN = frozenset({SUBMITTED, EVIDENCE_REQUESTED, IN_PROGRESS})


# --- time ----------------------------------------------------------------------------------


def deadline(start: datetime, working_days: int) -> datetime:
    """The same local time of day, `working_days` working days later (Asia/Shanghai)."""
    local = start.astimezone(SHANGHAI)
    day = add_working_days(local.date(), working_days)
    return datetime.combine(day, local.timetz()).astimezone(UTC)


def due_date(start: datetime, working_days: int) -> date:
    return add_working_days(local_date(start), working_days)


# --- state ---------------------------------------------------------------------------------


@dataclass
class StepRecord:
    """One line of the parcel-tracking timeline: a step entered (and maybe left)."""

    code: str
    name: str
    entered_at: datetime
    deadline: datetime
    entered_by: common.Actor
    done_at: datetime | None = None
    done_by: common.Actor | None = None
    overdue_at: datetime | None = None


@dataclass
class Flag:
    """Evidence the application relied on that went bad; cleared by fresh evidence."""

    certificate: common.CertificateRef
    invalidation: int  # power.v1.EvidenceInvalidation
    detail: str
    flagged_at: datetime


@dataclass
class Application:
    id: str
    applicant: common.Party
    submitted_by: common.Actor
    matter_code: str
    unit_code: str
    address: common.Address
    capacity_w: int
    submitted_at: datetime
    status: str = SUBMITTED
    evidence: dict[str, common.CertificateRef] = field(default_factory=dict)  # by type code
    missing: dict[str, common.EvidenceResult] = field(default_factory=dict)  # by type code
    uploads: dict[str, str] = field(default_factory=dict)  # type code -> upload reference
    access_ids: list[str] = field(default_factory=list)
    flags: dict[str, Flag] = field(default_factory=dict)  # by certificate id
    evidence_free: bool | None = None
    preparation_id: str = ""
    planned: list[power_types.PlannedStep] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    accepted_at: datetime | None = None
    completed_at: datetime | None = None
    evaluation: ev.EvaluationSubmitted | None = None
    rectification: ev.RectificationOpened | None = None
    rectified: ev.RectificationCompleted | None = None
    followed_up: ev.RectificationFollowedUp | None = None

    @property
    def division(self) -> str:
        return self.unit_code[:6] if self.unit_code else self.address.division_code

    @property
    def parcel_code(self) -> str:
        return self.unit_code[:19]

    @property
    def current(self) -> StepRecord | None:
        if self.status != IN_PROGRESS or not self.steps:
            return None
        return self.steps[-1]

    @property
    def next_planned(self) -> power_types.PlannedStep | None:
        index = len(self.steps)
        return self.planned[index] if index < len(self.planned) else None

    def flags_of_type(self, type_code: str) -> list[str]:
        return [cid for cid, f in self.flags.items() if f.certificate.type_code == type_code]

    def uses(self, certificate_id: str) -> bool:
        return any(ref.certificate_id == certificate_id for ref in self.evidence.values())


def _clear_flags(app: Application, type_code: str, keep: str = "") -> bool:
    """Clear the flags of a type; a certificate that is itself flagged (`keep`, e.g. an
    old resolution redelivered) clears nothing."""
    if keep in app.flags:
        return False
    stale = app.flags_of_type(type_code)
    for cid in stale:
        del app.flags[cid]
    return bool(stale)


def _submitted(message: ev.ApplicationSubmitted) -> Application:
    return Application(
        id=message.application_id,
        applicant=message.applicant,
        submitted_by=message.submitted_by,
        matter_code=message.matter_code,
        unit_code=message.unit_code,
        address=message.address,
        capacity_w=message.requested_capacity_w,
        submitted_at=instant(message.submitted_at),
    )


def _resolved(app: Application, message: ev.EvidenceResolved) -> bool:
    if app.status == CONNECTED:
        return False
    changed = False
    for access_id in message.access_ids:
        if access_id not in app.access_ids:
            app.access_ids.append(access_id)
            changed = True
    for result in message.results:
        if result.status != common.EVIDENCE_STATUS_FOUND:
            continue
        code = result.type_code
        if app.evidence.get(code) != result.certificate:
            app.evidence[code] = result.certificate
            changed = True
        if app.missing.pop(code, None) is not None:
            changed = True
        changed = _clear_flags(app, code, keep=result.certificate.certificate_id) or changed
    return changed


def _requested(app: Application, message: ev.EvidenceRequested) -> bool:
    if app.status not in (SUBMITTED, EVIDENCE_REQUESTED):
        return False
    wanted = {
        r.type_code: r
        for r in message.missing
        if r.type_code not in app.evidence and r.type_code not in app.uploads
    }
    if not wanted or (app.status == EVIDENCE_REQUESTED and wanted == app.missing):
        return False
    app.missing = wanted
    app.status = EVIDENCE_REQUESTED
    return True


def _supplied(app: Application, message: ev.EvidenceSupplied) -> bool:
    code = message.type_code
    flagged = app.status == IN_PROGRESS and bool(app.flags_of_type(code))
    if not (code in app.missing and app.status == EVIDENCE_REQUESTED) and not flagged:
        return False
    app.uploads[code] = message.upload_ref
    app.missing.pop(code, None)
    if flagged:
        _clear_flags(app, code)
        app.evidence.pop(code, None)  # the upload replaces the certificate that went bad
    return True


def _accepted(app: Application, message: ev.ApplicationAccepted) -> bool:
    if app.status not in (SUBMITTED, EVIDENCE_REQUESTED):
        return False
    for ref in message.evidence_used:
        app.evidence[ref.type_code] = ref
    app.missing.clear()
    app.evidence_free = message.evidence_free
    app.preparation_id = message.preparation_id
    app.planned = list(message.steps)
    app.accepted_at = instant(message.accepted_at)
    app.status = IN_PROGRESS
    return True


def _advanced(app: Application, message: ev.StepAdvanced) -> bool:
    wanted = app.next_planned
    if app.status != IN_PROGRESS or wanted is None or wanted.step_code != message.step_code:
        return False  # a repeat of the step already entered, or out of order
    at = instant(message.advanced_at)
    if app.steps:
        app.steps[-1].done_at = at
        app.steps[-1].done_by = message.advanced_by
    app.steps.append(
        StepRecord(
            code=message.step_code,
            name=message.step_name,
            entered_at=at,
            deadline=instant(message.deadline),
            entered_by=message.advanced_by,
        )
    )
    return True


def _overdue(app: Application, message: ev.StepOverdue) -> bool:
    record = next((s for s in app.steps if s.code == message.step_code), None)
    if record is None or record.overdue_at is not None:
        return False
    record.overdue_at = instant(message.detected_at)
    return True


def _completed(app: Application, message: ev.ApplicationCompleted) -> bool:
    if app.status != IN_PROGRESS or app.next_planned is not None or not app.steps:
        return False
    at = instant(message.completed_at)
    app.steps[-1].done_at = at
    app.steps[-1].done_by = message.completed_by
    app.completed_at = at
    app.status = CONNECTED
    return True


def _evaluated(app: Application, message: ev.EvaluationSubmitted) -> bool:
    if app.status != CONNECTED or app.evaluation is not None:
        return False
    app.evaluation = message
    return True


def _rectification(app: Application, message: ev.RectificationOpened) -> bool:
    if app.evaluation is None or app.rectification is not None:
        return False
    app.rectification = message
    return True


def _rectified(app: Application, message: ev.RectificationCompleted) -> bool:
    item = app.rectification
    if item is None or item.rectification_id != message.rectification_id or app.rectified:
        return False
    app.rectified = message
    return True


def _followed_up(app: Application, message: ev.RectificationFollowedUp) -> bool:
    if app.rectified is None or app.followed_up is not None:
        return False
    if app.rectified.rectification_id != message.rectification_id:
        return False
    app.followed_up = message
    return True


def _flagged(app: Application, message: ev.ApplicationFlagged) -> bool:
    cid = message.certificate.certificate_id
    if app.status not in OPEN or not app.uses(cid) or cid in app.flags:
        return False
    app.flags[cid] = Flag(
        certificate=message.certificate,
        invalidation=message.invalidation,
        detail=message.detail,
        flagged_at=instant(message.flagged_at),
    )
    return True


def _submitted_again(app: Application, message: ev.ApplicationSubmitted) -> bool:
    return False  # an application is submitted once: `apply` makes it from the first


# How each event changes an existing application (True: it changed); what is not an
# application's event is routed elsewhere by the agent (registry.py).
APPLY = (
    Dispatch[Application, [], bool]()
    .add(ev.ApplicationSubmitted, _submitted_again)
    .add(ev.EvidenceResolved, _resolved)
    .add(ev.EvidenceRequested, _requested)
    .add(ev.EvidenceSupplied, _supplied)
    .add(ev.ApplicationAccepted, _accepted)
    .add(ev.StepAdvanced, _advanced)
    .add(ev.StepOverdue, _overdue)
    .add(ev.ApplicationCompleted, _completed)
    .add(ev.EvaluationSubmitted, _evaluated)
    .add(ev.RectificationOpened, _rectification)
    .add(ev.RectificationCompleted, _rectified)
    .add(ev.RectificationFollowedUp, _followed_up)
    .add(ev.ApplicationFlagged, _flagged)
    .ignore(ev.PreparationStarted, ev.HolderEvidenceChanged)  # a parcel's; a notice
)


def apply(app: Application | None, event: Message) -> Application | None:
    """The application after `event`, or None when the event changes nothing."""
    if app is None:
        return _submitted(event) if isinstance(event, ev.ApplicationSubmitted) else None
    rule = APPLY.get(event)
    return app if rule is not None and rule(app, event) else None


def fold(events: Iterable[Message]) -> Application | None:
    app: Application | None = None
    for event in events:
        app = apply(app, event) or app
    return app

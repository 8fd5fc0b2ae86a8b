"""What the power service decides (pure): input checks, which evidence to resolve, the
steps to plan, how an application moves, and the events each decision produces.

Commands call these, then publish the events; the agent folds them (domain.py).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.power.v1 import events_pb2 as ev
from govshare.power.v1 import types_pb2 as power_types

from services.kit import identifiers
from services.kit.errors import forbidden
from services.power.catalog import Catalog, EvidenceType, Grade, Matter
from services.power.domain import (
    CONNECTED,
    EVIDENCE_REQUESTED,
    IN_PROGRESS,
    OPEN,
    Application,
    conflict,
    deadline,
    due_date,
    invalid,
    local_date,
    timestamp,
)

_DIVISION = re.compile(r"^[0-9]{6}$")
_UPLOAD_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,255}$")
MAX_COMMENT = 500
_INVALIDATION_TEXT = {
    power_types.EVIDENCE_INVALIDATION_REVOKED: "已注销",
    power_types.EVIDENCE_INVALIDATION_SUSPENDED: "已暂停使用",
    power_types.EVIDENCE_INVALIDATION_SUPERSEDED: "已换发新版本",
    power_types.EVIDENCE_INVALIDATION_EXPIRED: "已过有效期",
}


# --- applying --------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationRequest:
    """An online application: identity (from the token), matter, site, capacity."""

    applicant: common.Party
    matter_code: str
    capacity_w: int
    unit_code: str = ""
    address: common.Address | None = None
    claimed_applicant_id: str = ""


_KIND_NAMES = {common.PARTY_KIND_CITIZEN: "citizen", common.PARTY_KIND_ENTERPRISE: "enterprise"}


def applicant_kind(party: common.Party) -> str:
    return _KIND_NAMES.get(party.kind, "other")


def check_request(request: ApplicationRequest, catalog: Catalog) -> Matter:
    """The matter applied for, or a DomainError naming the field at fault."""
    matter = catalog.matters.get(request.matter_code)
    if matter is None:
        known = ", ".join(sorted(catalog.matters))
        raise invalid("matter_code", f"unknown matter {request.matter_code!r}; one of {known}")
    kind = applicant_kind(request.applicant)
    if request.claimed_applicant_id:
        claimed = request.claimed_applicant_id
        verdict = (
            identifiers.check_resident_id(claimed)
            if kind == "citizen"
            else identifiers.check_uscc(claimed)
        )
        if not verdict.valid:
            raise invalid("applicant_id", verdict.reason or "invalid identifier")
        if claimed != request.applicant.id:
            raise forbidden("applicant_id", "you may apply only as yourself (the token)")
    if kind not in matter.applicants:
        who = " or ".join(sorted(matter.applicants))
        raise forbidden("matter_code", f"{matter.name} is applied for by {who} only")
    _check_site(request)
    if request.capacity_w <= 0:
        raise invalid("requested_capacity_w", "must be a positive number of watts")
    if not matter.min_capacity_w <= request.capacity_w <= matter.max_capacity_w:
        raise invalid(
            "requested_capacity_w",
            f"{matter.name} takes {matter.min_capacity_w} to {matter.max_capacity_w} W",
        )
    return matter


def _check_site(request: ApplicationRequest) -> None:
    if request.unit_code:
        verdict = identifiers.check_unit_code(request.unit_code)
        if not verdict.valid:
            raise invalid("unit_code", verdict.reason or "not a GB/T 37346 unit code")
    elif request.address is None:
        raise invalid("unit_code", "give the unit code or the address of the site")
    if request.address is not None:
        code = request.address.division_code
        if not _DIVISION.fullmatch(code) or code[:2] not in identifiers.PROVINCE_CODES:
            raise invalid("address.division_code", f"{code!r} is not a GB/T 2260 division code")
        if not request.address.text.strip():
            raise invalid("address.text", "required")


def application_id(division: str, now: datetime, nonce: str) -> str:
    """`PA-<division>-<local date>-<10 chars>`; the same nonce gives the same id, so a
    retried request (same request id) lands on the same application."""
    digest = hashlib.sha256(nonce.encode()).hexdigest()[:10].upper()
    return f"PA-{division}-{local_date(now):%Y%m%d}-{digest}"


@dataclass(frozen=True)
class EvidenceQuery:
    """One purpose-bound resolution call: the types that share an object narrowing."""

    object_id: str
    types: tuple[EvidenceType, ...]


def evidence_queries(
    types: list[EvidenceType], unit_code: str, only: frozenset[str] | None = None
) -> list[EvidenceQuery]:
    """Group the needed types by the object that narrows them (unit, parcel or none):
    the certificates service applies one object id to every type of a call."""
    groups: dict[str, list[EvidenceType]] = {}
    for kind in types:
        if only is not None and kind.code not in only:
            continue
        obj = {"unit": unit_code, "parcel": unit_code[:19]}.get(kind.object, "")
        groups.setdefault(obj, []).append(kind)
    return [EvidenceQuery(obj, tuple(kinds)) for obj, kinds in groups.items()]


def missing_of(results: list[common.EvidenceResult]) -> list[common.EvidenceResult]:
    """Everything not FOUND counts as missing: absent, ambiguous, not current (revoked,
    expired, suspended) or denied by the sharing catalog."""
    return [r for r in results if r.status != common.EVIDENCE_STATUS_FOUND]


def system_actor(company: common.Party) -> common.Actor:
    """The rules engine, acting for the power company (an enterprise, 供电企业)."""
    return common.Actor(
        kind=common.ACTOR_KIND_SYSTEM,
        system_id="/govshare/power",
        on_behalf_of=company,
        role="system",
    )


def plan_steps(
    matter: Matter, preparation: ev.PreparationStarted | None
) -> list[power_types.PlannedStep]:
    """The matter's steps, without those the early preparation already did."""
    skipped = set(preparation.prepared_steps) - {"acceptance"} if preparation else set()
    return [
        power_types.PlannedStep(
            step_code=s.code, step_name=s.name, time_limit_working_days=s.limit_working_days
        )
        for s in matter.steps
        if s.code not in skipped
    ]


def acceptance(
    app: Application,
    matter: Matter,
    preparation: ev.PreparationStarted | None,
    actor: common.Actor,
    now: datetime,
) -> list[Message]:
    """Accept (nothing missing any more) and enter the first step."""
    steps = plan_steps(matter, preparation)
    uploads = [app.uploads[code] for code in sorted(app.uploads)]
    accepted = ev.ApplicationAccepted(
        application_id=app.id,
        evidence_used=[app.evidence[code] for code in sorted(app.evidence)],
        uploads_used=uploads,
        evidence_free=not uploads,
        preparation_id=preparation.preparation_id if preparation else "",
        steps=steps,
        accepted_by=actor,
        accepted_at=timestamp(now),
    )
    return [accepted, _enter(app.id, steps[0], "", actor, now)]


def awaits_first_step(app: Application) -> bool:
    """Accepted and its first step not entered: acceptance()'s second event is on its way,
    or the process that produced the first died before producing it."""
    return app.status == IN_PROGRESS and not app.steps and app.next_planned is not None


def first_step_not_entered(app: Application, actor: common.Actor, now: datetime) -> list[Message]:
    """Enter the first step of an application accepted without one: the process that
    produced acceptance()'s two events died between them, and the application, accepted,
    can neither move (no current step) nor be accepted again. [] for any other."""
    first = app.next_planned
    if not awaits_first_step(app) or first is None:
        return []
    return [_enter(app.id, first, "", actor, now)]


def _enter(
    app_id: str, step: power_types.PlannedStep, previous: str, actor: common.Actor, now: datetime
) -> ev.StepAdvanced:
    return ev.StepAdvanced(
        application_id=app_id,
        step_code=step.step_code,
        step_name=step.step_name,
        previous_step_code=previous,
        advanced_by=actor,
        advanced_at=timestamp(now),
        deadline=timestamp(deadline(now, step.time_limit_working_days)),
    )


# --- evidence after submission -----------------------------------------------------------


def check_upload(app: Application, type_code: str, upload_ref: str) -> None:
    """Only what was asked for may be uploaded: a missing type, or a flagged one."""
    if not _UPLOAD_REF.fullmatch(upload_ref) or ".." in upload_ref:
        raise invalid("upload_ref", "an object-store key: letters, digits, . _ / - (max 256)")
    if app.status == EVIDENCE_REQUESTED and type_code in app.missing:
        return
    if app.status == IN_PROGRESS and app.flags_of_type(type_code):
        return
    wanted = sorted(app.missing) if app.status == EVIDENCE_REQUESTED else []
    wanted += sorted({f.certificate.type_code for f in app.flags.values()})
    raise conflict(
        "type_code",
        f"{type_code!r} was not requested; what may be supplied: {', '.join(wanted) or 'nothing'}",
    )


def refresh_types(app: Application) -> frozenset[str]:
    """The types worth resolving again: still missing, or flagged after use."""
    if app.status == EVIDENCE_REQUESTED:
        return frozenset(app.missing)
    if app.status == IN_PROGRESS and app.flags:
        return frozenset(f.certificate.type_code for f in app.flags.values())
    raise conflict("status", "nothing to refresh: no evidence is missing or flagged")


def flag(
    app: Application,
    certificate: common.CertificateRef,
    invalidation: int,
    cause: common.EventRef,
    now: datetime,
    catalog: Catalog,
) -> ev.ApplicationFlagged | None:
    """Push on change: an open application that relied on the certificate is flagged."""
    cid = certificate.certificate_id
    if app.status not in OPEN or not app.uses(cid) or cid in app.flags:
        return None
    name = catalog.type_name(certificate.type_code)
    verb = _INVALIDATION_TEXT.get(invalidation, "已失效")  # type: ignore[call-overload]
    return ev.ApplicationFlagged(
        application_id=app.id,
        certificate=certificate,
        invalidation=invalidation,  # type: ignore[arg-type]
        detail=f"申请所用{name}{verb}, 请更新后重新核验或上传 ({cid})",
        caused_by=cause,
        flagged_at=timestamp(now),
    )


# --- steps -------------------------------------------------------------------------------


def move(app: Application, current_step: str, actor: common.Actor, now: datetime) -> list[Message]:
    """Finish the current step: enter the next one, or complete on the last one. A step
    finished after its deadline is flagged overdue first, so lateness is always counted."""
    current = app.current
    if current is None:
        raise conflict("status", f"the application is {app.status}; only one in progress moves")
    if app.flags:
        names = ", ".join(sorted({f.certificate.type_code for f in app.flags.values()}))
        raise conflict("evidence", f"evidence flagged ({names}): the applicant must refresh it")
    if current_step != current.code:
        raise conflict("current_step", f"the application is at {current.code!r}")
    events: list[Message] = overdue(app, now)
    following = app.next_planned
    if following is not None:
        events.append(_enter(app.id, following, current.code, actor, now))
    else:
        events.append(
            ev.ApplicationCompleted(
                application_id=app.id,
                matter_code=app.matter_code,
                connected_capacity_w=app.capacity_w,
                steps_taken=len(app.steps),
                completed_by=actor,
                completed_at=timestamp(now),
            )
        )
    return events


def overdue(app: Application, now: datetime) -> list[Message]:
    current = app.current
    if current is None or current.overdue_at is not None or now <= current.deadline:
        return []
    return [
        ev.StepOverdue(
            application_id=app.id,
            step_code=current.code,
            deadline=timestamp(current.deadline),
            detected_at=timestamp(now),
        )
    ]


# --- evaluation ---------------------------------------------------------------------------


def evaluation(
    app: Application,
    grade: Grade,
    comment: str,
    actor: common.Actor,
    now: datetime,
    catalog: Catalog,
) -> list[Message]:
    """Rate a connected application once; a bad grade opens a rectification."""
    if app.status != CONNECTED:
        raise conflict("status", f"only a connected application is rated (it is {app.status})")
    if app.evaluation is not None:
        raise conflict("grade", "this application has already been rated")
    if len(comment) > MAX_COMMENT:
        raise invalid("comment", f"at most {MAX_COMMENT} characters")
    events: list[Message] = [
        ev.EvaluationSubmitted(
            application_id=app.id,
            grade=grade.value,  # type: ignore[arg-type]
            comment=comment,
            evaluated_by=actor,
            submitted_at=timestamp(now),
        )
    ]
    if grade.bad:
        due = due_date(now, catalog.rectification_working_days)
        events.append(
            ev.RectificationOpened(
                application_id=app.id,
                rectification_id=f"RF-{app.id}",
                grade=grade.value,  # type: ignore[arg-type]
                comment=comment,
                due_date=common.Date(year=due.year, month=due.month, day=due.day),
                opened_at=timestamp(now),
            )
        )
    return events


# --- rectification (整改) and follow-up (回访) ---------------------------------------------

RECTIFYING = "rectification"  # a rectification not yet completed
FOLLOW_UP = "follow_up"  # completed, the applicant not yet followed up
RECTIFICATION_PHASES = (RECTIFYING, FOLLOW_UP)


def _day(value: date) -> common.Date:
    return common.Date(year=value.year, month=value.month, day=value.day)


def _as_date(value: common.Date) -> date:
    return date(value.year, value.month, value.day)


def complete_rectification(
    app: Application, action: str, actor: common.Actor, now: datetime, catalog: Catalog
) -> list[Message]:
    """Staff completed the rectification a bad grade opened; the follow-up (回访) is then
    due within the catalog's working days."""
    item = app.rectification
    if item is None:
        raise conflict("rectification", "no rectification is open for this application")
    if app.rectified is not None:
        raise conflict("rectification", "the rectification is already completed")
    if not action.strip() or len(action) > MAX_COMMENT:
        raise invalid("action", f"say what was done (1..{MAX_COMMENT} characters)")
    due = due_date(now, catalog.follow_up_working_days)
    return [
        ev.RectificationCompleted(
            application_id=app.id,
            rectification_id=item.rectification_id,
            action=action,
            completed_by=actor,
            follow_up_due_date=_day(due),
            completed_at=timestamp(now),
        )
    ]


def follow_up(
    app: Application, satisfied: bool, note: str, actor: common.Actor, now: datetime
) -> list[Message]:
    """Staff followed up with the applicant after the rectification (回访): it closes."""
    if app.rectification is None:
        raise conflict("rectification", "no rectification is open for this application")
    if app.rectified is None:
        raise conflict("rectification", "complete the rectification before following up")
    if app.followed_up is not None:
        raise conflict("rectification", "the applicant was already followed up")
    if not note.strip() or len(note) > MAX_COMMENT:
        raise invalid("note", f"what the applicant said (1..{MAX_COMMENT} characters)")
    return [
        ev.RectificationFollowedUp(
            application_id=app.id,
            rectification_id=app.rectified.rectification_id,
            applicant_satisfied=satisfied,
            note=note,
            followed_up_by=actor,
            followed_up_at=timestamp(now),
        )
    ]


def rectification_overdue(app: Application, now: datetime) -> str | None:
    """The phase a rectification is late in (past the rectification's due date and not
    completed, or completed and not followed up by the follow-up's due date), else None."""
    if app.rectification is None or app.followed_up is not None:
        return None
    today = local_date(now)
    if app.rectified is None:
        late = today > _as_date(app.rectification.due_date)
        return RECTIFYING if late else None
    return FOLLOW_UP if today > _as_date(app.rectified.follow_up_due_date) else None

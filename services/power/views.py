"""What the REST API shows (pure): an application, and its timeline like a parcel's.

Personal identifiers of actors are masked: the applicant sees who acted, not their ids.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.power.v1 import events_pb2 as ev
from govshare.power.v1 import types_pb2 as power_types

from services.kit.clock import rfc3339
from services.kit.dispatch import Dispatch
from services.kit.identifiers import mask
from services.power import rules
from services.power.catalog import Catalog
from services.power.domain import Application, StepRecord, instant


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else rfc3339(moment)


def actor(value: common.Actor | None) -> dict[str, Any] | None:
    if value is None:
        return None
    kind = "system" if value.kind == common.ACTOR_KIND_SYSTEM else "person"
    return {
        "kind": kind,
        "name": value.person_name or value.system_id,
        "person_id": mask(value.person_id) if value.person_id else None,
        "role": value.role,
        "on_behalf_of": value.on_behalf_of.name or value.on_behalf_of.id,
    }


def _ref(ref: common.CertificateRef, catalog: Catalog) -> dict[str, Any]:
    return {
        "type_code": ref.type_code,
        "type_name": catalog.type_name(ref.type_code),
        "certificate_id": ref.certificate_id,
        "version": ref.version,
    }


def _result(result: common.EvidenceResult) -> dict[str, Any]:
    return {
        "type_code": result.type_code,
        "type_name": result.type_name,
        "status": common.EvidenceStatus.Name(result.status).removeprefix("EVIDENCE_STATUS_"),
        "detail": result.detail,
    }


def _step(record: StepRecord | None, planned: power_types.PlannedStep, now: datetime) -> Any:
    base: dict[str, Any] = {
        "step_code": planned.step_code,
        "step_name": planned.step_name,
        "time_limit_working_days": planned.time_limit_working_days,
    }
    if record is None:
        return base | {"state": "pending"}
    late = record.overdue_at is not None or (record.done_at or now) > record.deadline
    return base | {
        "state": "done" if record.done_at else "current",
        "entered_at": iso(record.entered_at),
        "entered_by": actor(record.entered_by),
        "deadline": iso(record.deadline),
        "done_at": iso(record.done_at),
        "done_by": actor(record.done_by),
        "overdue": late,
        "overdue_flagged_at": iso(record.overdue_at),
    }


def application(app: Application, catalog: Catalog, now: datetime) -> dict[str, Any]:
    matter = catalog.matters.get(app.matter_code)
    records = {r.code: r for r in app.steps}
    view: dict[str, Any] = {
        "application_id": app.id,
        "status": app.status,
        "matter_code": app.matter_code,
        "matter_name": matter.name if matter else app.matter_code,
        "applicant": {
            "kind": "citizen" if app.applicant.kind == common.PARTY_KIND_CITIZEN else "enterprise",
            "id": app.applicant.id,
            "name": app.applicant.name,
        },
        "unit_code": app.unit_code,
        "address": json_format.MessageToDict(app.address) if app.address.text else None,
        "requested_capacity_w": app.capacity_w,
        "submitted_at": iso(app.submitted_at),
        "evidence_free": app.evidence_free,
        "evidence_used": [_ref(app.evidence[c], catalog) for c in sorted(app.evidence)],
        "uploads_used": [
            {"type_code": c, "upload_ref": app.uploads[c]} for c in sorted(app.uploads)
        ],
        "missing_evidence": [_result(app.missing[c]) for c in sorted(app.missing)],
        "evidence_to_refresh": [
            _ref(f.certificate, catalog) | {"reason": f.detail, "flagged_at": iso(f.flagged_at)}
            for f in app.flags.values()
        ],
        "access_ids": list(app.access_ids),
        "preparation_id": app.preparation_id or None,
        "steps": [_step(records.get(p.step_code), p, now) for p in app.planned],
        "skipped_steps": _skipped(app, catalog),
        "current_step": app.current.code if app.current else None,
        "steps_overdue": sum(1 for r in app.steps if r.overdue_at is not None),
        "completed_at": iso(app.completed_at),
        "evaluation": _evaluation(app, catalog),
        "rectification": _rectification(app, now),
    }
    return view


def _skipped(app: Application, catalog: Catalog) -> list[dict[str, str]]:
    matter = catalog.matters.get(app.matter_code)
    if matter is None or not app.planned:
        return []
    kept = {p.step_code for p in app.planned}
    return [
        {"step_code": s.code, "step_name": s.name, "why": f"prepared early ({app.preparation_id})"}
        for s in matter.steps
        if s.code not in kept
    ]


def _evaluation(app: Application, catalog: Catalog) -> dict[str, Any] | None:
    if app.evaluation is None:
        return None
    grade = catalog.grade_by_value(app.evaluation.grade)
    return {
        "grade": grade.code,
        "grade_name": grade.name,
        "comment": app.evaluation.comment,
        "submitted_at": iso(instant(app.evaluation.submitted_at)),
    }


def _day(value: common.Date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _rectification(app: Application, now: datetime) -> dict[str, Any] | None:
    item = app.rectification
    if item is None:
        return None
    done, called = app.rectified, app.followed_up
    return {
        "rectification_id": item.rectification_id,
        "due_date": _day(item.due_date),
        "opened_at": iso(instant(item.opened_at)),
        "status": "followed_up" if called else "completed" if done else "open",
        "action": done.action if done else None,
        "completed_at": iso(instant(done.completed_at)) if done else None,
        "completed_by": actor(done.completed_by) if done else None,
        "follow_up_due_date": _day(done.follow_up_due_date) if done else None,
        "followed_up_at": iso(instant(called.followed_up_at)) if called else None,
        "followed_up_by": actor(called.followed_up_by) if called else None,
        "applicant_satisfied": called.applicant_satisfied if called else None,
        "follow_up_note": called.note if called else None,
        "overdue": rules.rectification_overdue(app, now),
    }


# --- timeline --------------------------------------------------------------------------


def _line(event: Message, catalog: Catalog) -> dict[str, Any]:
    """One timeline line: what happened, when, who acted, and the facts that matter."""
    line = LINES.get(event)
    return line(catalog, event) if line is not None else {"what": type(event).__name__}


def _submitted(catalog: Catalog, event: ev.ApplicationSubmitted) -> dict[str, Any]:
    return _at("submitted", event.submitted_at, event.submitted_by)


def _resolved(catalog: Catalog, event: ev.EvidenceResolved) -> dict[str, Any]:
    found = [r.type_name for r in event.results if r.status == common.EVIDENCE_STATUS_FOUND]
    return _at("evidence_resolved", event.resolved_at) | {"found": found}


def _requested(catalog: Catalog, event: ev.EvidenceRequested) -> dict[str, Any]:
    return _at("evidence_requested", event.requested_at) | {
        "missing": [r.type_name for r in event.missing]
    }


def _supplied(catalog: Catalog, event: ev.EvidenceSupplied) -> dict[str, Any]:
    return _at("evidence_supplied", event.supplied_at, event.supplied_by) | {
        "type_name": catalog.type_name(event.type_code)
    }


def _accepted(catalog: Catalog, event: ev.ApplicationAccepted) -> dict[str, Any]:
    return _at("accepted", event.accepted_at, event.accepted_by) | {
        "evidence_free": event.evidence_free,
        "steps": [s.step_name for s in event.steps],
    }


def _advanced(catalog: Catalog, event: ev.StepAdvanced) -> dict[str, Any]:
    return _at("step_entered", event.advanced_at, event.advanced_by) | {
        "step_code": event.step_code,
        "step_name": event.step_name,
        "deadline": iso(instant(event.deadline)),
    }


def _overdue(catalog: Catalog, event: ev.StepOverdue) -> dict[str, Any]:
    return _at("step_overdue", event.detected_at) | {
        "step_code": event.step_code,
        "deadline": iso(instant(event.deadline)),
    }


def _completed(catalog: Catalog, event: ev.ApplicationCompleted) -> dict[str, Any]:
    return _at("connected", event.completed_at, event.completed_by) | {
        "steps_taken": event.steps_taken
    }


def _evaluated(catalog: Catalog, event: ev.EvaluationSubmitted) -> dict[str, Any]:
    return _at("evaluated", event.submitted_at, event.evaluated_by) | {
        "grade": catalog.grade_by_value(event.grade).name
    }


def _rectification_opened(catalog: Catalog, event: ev.RectificationOpened) -> dict[str, Any]:
    return _at("rectification_opened", event.opened_at)


def _rectified(catalog: Catalog, event: ev.RectificationCompleted) -> dict[str, Any]:
    return _at("rectification_completed", event.completed_at, event.completed_by) | {
        "action": event.action,
        "follow_up_due_date": _day(event.follow_up_due_date),
    }


def _followed_up(catalog: Catalog, event: ev.RectificationFollowedUp) -> dict[str, Any]:
    return _at("followed_up", event.followed_up_at, event.followed_up_by) | {
        "applicant_satisfied": event.applicant_satisfied,
        "note": event.note,
    }


def _flagged(catalog: Catalog, event: ev.ApplicationFlagged) -> dict[str, Any]:
    return _at("flagged", event.flagged_at) | {"detail": event.detail}


# The timeline line of each application event (the events an application stores).
LINES = (
    Dispatch[Catalog, [], dict[str, Any]]()
    .add(ev.ApplicationSubmitted, _submitted)
    .add(ev.EvidenceResolved, _resolved)
    .add(ev.EvidenceRequested, _requested)
    .add(ev.EvidenceSupplied, _supplied)
    .add(ev.ApplicationAccepted, _accepted)
    .add(ev.StepAdvanced, _advanced)
    .add(ev.StepOverdue, _overdue)
    .add(ev.ApplicationCompleted, _completed)
    .add(ev.EvaluationSubmitted, _evaluated)
    .add(ev.RectificationOpened, _rectification_opened)
    .add(ev.RectificationCompleted, _rectified)
    .add(ev.RectificationFollowedUp, _followed_up)
    .add(ev.ApplicationFlagged, _flagged)
    .ignore(ev.PreparationStarted, ev.HolderEvidenceChanged)  # never an application's
)


def _at(what: str, when: Any, by: common.Actor | None = None) -> dict[str, Any]:
    return {"what": what, "at": iso(instant(when)), "by": actor(by)}


def timeline(
    app: Application, events: list[Message], catalog: Catalog, now: datetime
) -> dict[str, Any]:
    view = application(app, catalog, now)
    return {
        "application_id": app.id,
        "status": app.status,
        "steps": view["steps"],
        "skipped_steps": view["skipped_steps"],
        "steps_overdue": view["steps_overdue"],
        "events": [_line(e, catalog) for e in events],
    }


def preparation(event: ev.PreparationStarted) -> dict[str, Any]:
    source = power_types.PreparationSource.Name(event.source)
    return {
        "parcel_code": event.parcel_code,
        "preparation_id": event.preparation_id,
        "source": source.removeprefix("PREPARATION_SOURCE_").lower(),
        "owner": {"id": event.owner.id, "name": event.owner.name},
        "planned_load_w": event.planned_load_w,
        "project_code": event.project_code or None,
        "contact": json_format.MessageToDict(event.contact) if event.HasField("contact") else None,
        "prepared_steps": list(event.prepared_steps),
        "started_at": iso(instant(event.started_at)),
    }

"""Early preparation (plan item 24), pure: land-supply and project-approval events start a
prepared connection project for each parcel, before anyone applies.

One preparation per parcel; later feed events update it (load, project code, contact)
and keep its id. The id derives from the feed event that started it, so a redelivered
feed event names the same preparation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.landsupply.v1 import events_pb2 as land
from govshare.power.v1 import events_pb2 as ev
from govshare.power.v1 import types_pb2 as power_types
from govshare.projects.v1 import events_pb2 as projects

from services.power.domain import local_date, timestamp

Lookup = Callable[[str], ev.PreparationStarted | None]


def preparation_id(parcel_code: str, cause: common.EventRef, now: datetime) -> str:
    digest = hashlib.sha256(f"{cause.source}|{cause.id}|{parcel_code}".encode()).hexdigest()
    return f"PP-{parcel_code[:6]}-{local_date(now):%Y%m%d}-{digest[:8].upper()}"


def _draft(
    parcel_code: str,
    source: int,
    owner: common.Party,
    load_w: int,
    project_code: str,
    contact: common.Contact | None,
) -> ev.PreparationStarted:
    draft = ev.PreparationStarted(
        parcel_code=parcel_code,
        source=source,  # type: ignore[arg-type]
        owner=owner,
        planned_load_w=load_w,
        project_code=project_code,
    )
    if contact is not None and contact.name:
        draft.contact.CopyFrom(contact)
    return draft


def _drafts(message: Message, existing: Lookup) -> list[ev.PreparationStarted]:
    if isinstance(message, land.LandSupplied):
        return [
            _draft(
                message.parcel_code,
                power_types.PREPARATION_SOURCE_LAND_SUPPLY,
                message.grantee,
                message.planned_load_w,
                "",
                message.contact,
            )
        ]
    if isinstance(message, projects.ProjectApproved):
        return [
            _draft(
                parcel,
                power_types.PREPARATION_SOURCE_PROJECT_APPROVAL,
                message.owner,
                message.planned_load_w,
                message.project_code,
                message.contact,
            )
            for parcel in message.parcel_codes
        ]
    if isinstance(message, land.PlanningPermitIssued) and existing(message.parcel_code):
        # A permit carries no load: it only completes a preparation already started.
        return [
            _draft(
                message.parcel_code,
                power_types.PREPARATION_SOURCE_PLANNING_PERMIT,
                message.holder,
                0,
                message.project_code,
                None,
            )
        ]
    return []


def preparations_for(
    message: Message,
    cause: common.EventRef,
    existing: Lookup,
    prepared_steps: frozenset[str],
    now: datetime,
) -> list[ev.PreparationStarted]:
    """The PreparationStarted events a feed event calls for (none when nothing is new).

    Without a planned load there is nothing to prepare for: such a feed event waits for
    one that states the load (the contract requires it)."""
    out = []
    for draft in _drafts(message, existing):
        before = existing(draft.parcel_code)
        if before is not None:
            draft.planned_load_w = draft.planned_load_w or before.planned_load_w
            draft.project_code = draft.project_code or before.project_code
            if not draft.HasField("contact") and before.HasField("contact"):
                draft.contact.CopyFrom(before.contact)
        if draft.planned_load_w <= 0:
            continue
        draft.preparation_id = (
            before.preparation_id if before else preparation_id(draft.parcel_code, cause, now)
        )
        draft.caused_by.CopyFrom(cause)
        draft.prepared_steps.extend(sorted(prepared_steps))
        draft.started_at.CopyFrom(timestamp(now))
        if before is None or _content(draft) != _content(before):
            out.append(draft)
    return out


def _content(event: ev.PreparationStarted) -> bytes:
    """What a preparation is, without when and why it was (re)stated."""
    copy = ev.PreparationStarted()
    copy.CopyFrom(event)
    copy.ClearField("started_at")
    copy.ClearField("caused_by")
    copy.ClearField("source")
    return copy.SerializeToString(deterministic=True)


def merge(
    before: ev.PreparationStarted | None, event: ev.PreparationStarted
) -> ev.PreparationStarted | None:
    """The stored preparation after `event`, or None when it changes nothing. The first
    id of a parcel stays (two feed events racing may propose two ids)."""
    if before is not None and _content(event) == _content(before):
        return None
    merged = ev.PreparationStarted()
    merged.CopyFrom(event)
    if before is not None:
        merged.preparation_id = before.preparation_id
        if _content(merged) == _content(before):
            return None
    return merged

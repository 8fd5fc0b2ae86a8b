"""Closing the loop of a bad rating of a joint case (好差评): window staff complete the
rectification (整改) it opened, then follow up with the party (回访), each within its
working days (`data/evaluation.json`), as power does for its applications. Which
rectifications are still open, and which are late and in what phase. Pure: a case, the
staff's words and a time in, events or answers out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as ev

from services.kit.clock import business_date, timestamp
from services.kit.errors import conflict, invalid, not_found
from services.kit.workdays import add_working_days
from services.realestate.cases import Case
from services.realestate.evaluations import MAX_COMMENT, Book

RECTIFYING = "rectification"  # opened, not yet completed
FOLLOW_UP = "follow_up"  # completed, the party not yet followed up
PHASES = (RECTIFYING, FOLLOW_UP)


def _day(value: date) -> common.Date:
    return common.Date(year=value.year, month=value.month, day=value.day)


def _item(case: Case, rectification_id: str) -> dict[str, Any]:
    item = case.rectifications.get(rectification_id)
    if item is None:
        raise not_found("rectification_id", "no such rectification of this case")
    return item


def complete(
    case: Case, rectification_id: str, action: str, actor: common.Actor, now: datetime, book: Book
) -> list[Message]:
    """Staff completed the rectification; the follow-up is then due within the book's
    working days."""
    item = _item(case, rectification_id)
    if item.get("completed_at"):
        raise conflict("rectification_id", "the rectification is already completed")
    if not action.strip() or len(action) > MAX_COMMENT:
        raise invalid("action", f"say what was done (1..{MAX_COMMENT} characters)")
    due = add_working_days(business_date(now), book.follow_up_working_days)
    return [
        ev.CaseRectificationCompleted(
            unit_code=case.unit_code,
            case_id=case.case_id,
            rectification_id=rectification_id,
            action=action,
            completed_by=actor,
            follow_up_due_date=_day(due),
            completed_at=timestamp(now),
        )
    ]


def follow_up(
    case: Case,
    rectification_id: str,
    satisfied: bool,
    note: str,
    actor: common.Actor,
    now: datetime,
) -> list[Message]:
    """Staff followed up with the party after the rectification (回访): it closes."""
    item = _item(case, rectification_id)
    if not item.get("completed_at"):
        raise conflict("rectification_id", "complete the rectification before following up")
    if item.get("followed_up_at"):
        raise conflict("rectification_id", "the party was already followed up")
    if not note.strip() or len(note) > MAX_COMMENT:
        raise invalid("note", f"what the party said (1..{MAX_COMMENT} characters)")
    return [
        ev.CaseRectificationFollowedUp(
            unit_code=case.unit_code,
            case_id=case.case_id,
            rectification_id=rectification_id,
            party_satisfied=satisfied,
            note=note,
            followed_up_by=actor,
            followed_up_at=timestamp(now),
        )
    ]


def open_items(case: Case) -> dict[str, dict[str, Any]]:
    """The case's rectifications not yet followed up, as the staff's list shows them:
    kept in an index (store.py) as the case changes, so neither the list nor the overdue
    gauge reads a closed case."""
    return {
        rf_id: {
            "rectification_id": rf_id,
            "case_id": case.case_id,
            "unit_code": case.unit_code,
            "county": case.unit_code[:6],
            **item,
        }
        for rf_id, item in case.rectifications.items()
        if not item.get("followed_up_at")
    }


def phase(item: dict[str, Any], today: date) -> str | None:
    """The phase an open rectification is late in (not completed by its due date, or
    completed and not followed up by the follow-up's), else None."""
    if item.get("followed_up_at"):
        return None
    if not item.get("completed_at"):
        return RECTIFYING if today > date.fromisoformat(item["due_date"]) else None
    return FOLLOW_UP if today > date.fromisoformat(item["follow_up_due_date"]) else None


def overdue(items: Iterable[dict[str, Any]], today: date) -> dict[str, int]:
    """Late rectifications by phase."""
    counts: dict[str, int] = {}
    for item in items:
        late = phase(item, today)
        if late is not None:
            counts[late] = counts.get(late, 0) + 1
    return counts

"""Which open joint cases are past the time limit for a registration, and where they are
stuck. Pure; the limit is data (`data/time_limits.json`, with its legal source).

A case is overdue when more working days than the limit have passed since it was filed
and it now waits on a department (review, staff review, assessment, registration). A case
waiting on a party (to confirm or to pay) is not counted: that time is the party's. The
working days between filing and now include the time the parties took before; the case
timeline has what is needed to subtract it, which this does not do yet (it errs towards
reporting a case as overdue).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import Any

from services.kit.clock import business_date
from services.kit.workdays import add_working_days
from services.realestate.cases import CITIZEN, Case, current_stage, waiting_on


@dataclass(frozen=True)
class TimeLimit:
    case_working_days: int
    source: str


def load() -> TimeLimit:
    raw = json.loads(
        resources.files(__package__).joinpath("data", "time_limits.json").read_text("utf-8")
    )
    return TimeLimit(int(raw["case_working_days"]), raw["_source"])


def due_date(case: Case, limit: TimeLimit) -> date:
    """The last day on which the case is still within the limit."""
    return due_date_of(case.applied_at, limit)


def due_date_of(applied_at: str, limit: TimeLimit) -> date:
    stamp = datetime.fromisoformat(applied_at)
    filed = business_date(stamp) if stamp.tzinfo else stamp.date()  # days are local
    return add_working_days(filed, limit.case_working_days)


def overdue_by_stage(cases: Iterable[Case], today: date, limit: TimeLimit) -> dict[str, int]:
    """Open cases past their due date that wait on a department, by current stage."""
    counts: dict[str, int] = {}
    for case in cases:
        if not case.is_open or waiting_on(case) in ("", CITIZEN):
            continue
        if today > due_date(case, limit):
            stage = current_stage(case)
            counts[stage] = counts.get(stage, 0) + 1
    return counts


def overdue_of_entries(
    entries: Iterable[dict[str, Any]], today: date, limit: TimeLimit
) -> dict[str, int]:
    """The same from the open-cases index (queue.entry: stage, waiting_on, applied_at)."""
    counts: dict[str, int] = {}
    for entry in entries:
        if entry["waiting_on"] in ("", CITIZEN):
            continue
        if today > due_date_of(entry["applied_at"], limit):
            counts[entry["stage"]] = counts.get(entry["stage"], 0) + 1
    return counts

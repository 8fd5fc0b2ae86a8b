"""The shared queue of joint cases (一窗办事) for window staff of both departments. Pure.

Every open case appears once, with its stage, whom it waits on (a department or the
citizen) and since when; staff see the cases of their region and filter by department,
city and stage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from services.realestate import uses
from services.realestate.cases import Case, current_stage, seconds_between, waiting_on


def county_of(unit_code: str) -> str:
    return unit_code[:6]


def city_of(unit_code: str) -> str:
    """The city (地级市) division of a unit: its county code with the last two digits 00."""
    return unit_code[:4] + "00"


def entry(case: Case) -> dict[str, Any]:
    """What the queue shows of an open case, without the clock, and whose data that is
    (`holders`, for their access logs; not shown): kept in the open-cases index (store.py)
    as the case changes, so the queue reads no case records."""
    return {
        "case_id": case.case_id,
        "unit_code": case.unit_code,
        "city": city_of(case.unit_code),
        "county": county_of(case.unit_code),
        "stage": current_stage(case),
        "waiting_on": waiting_on(case),
        "waiting_since": case.stage_since,
        "claimed_by": case.claimed_by,
        "findings": case.findings,
        "tax": case.tax,
        "tax_note": case.tax_note,
        "applied_at": case.applied_at,
        "holders": uses.subjects([case]),
    }


def timed(entry: dict[str, Any], now: datetime) -> dict[str, Any]:
    """An index entry as the queue shows it now: with how long it has waited."""
    waited = int(seconds_between(entry["waiting_since"], now.isoformat()))
    shown = {k: v for k, v in entry.items() if k != "holders"}
    return {**shown, "waiting_seconds": waited}


def queue(
    entries: Iterable[dict[str, Any]],
    now: datetime,
    *,
    visible: Callable[[str], bool],
    department: str | None = None,
    city: str | None = None,
    stage: str | None = None,
) -> list[dict[str, Any]]:
    """Open cases (their index entries) in the caller's region matching the filters,
    longest waiting first."""
    items = [
        timed(e, now)
        for e in entries
        if visible(e["county"])
        and (department is None or e["waiting_on"] == department)
        and (city is None or e["city"] == city)
        and (stage is None or e["stage"] == stage)
    ]
    return sorted(items, key=lambda i: (-i["waiting_seconds"], i["case_id"]))

"""The shared queue of joint cases (一窗办事) for window staff of both departments. Pure.

Every open case appears once, with its stage, whom it waits on (a department or the
citizen) and since when; staff see the cases of their region and filter by department,
city and stage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from services.realestate.cases import Case, current_stage, seconds_between, waiting_on


def county_of(unit_code: str) -> str:
    return unit_code[:6]


def city_of(unit_code: str) -> str:
    """The city (地级市) division of a unit: its county code with the last two digits 00."""
    return unit_code[:4] + "00"


def item(case: Case, now: datetime) -> dict[str, Any]:
    return {
        "case_id": case.case_id,
        "unit_code": case.unit_code,
        "city": city_of(case.unit_code),
        "county": county_of(case.unit_code),
        "stage": current_stage(case),
        "waiting_on": waiting_on(case),
        "waiting_since": case.stage_since,
        "waiting_seconds": int(seconds_between(case.stage_since, now.isoformat())),
        "claimed_by": case.claimed_by,
        "findings": case.findings,
        "tax": case.tax,
        "tax_note": case.tax_note,
        "applied_at": case.applied_at,
    }


def queue(
    cases: Iterable[Case],
    now: datetime,
    *,
    visible: Callable[[str], bool],
    department: str | None = None,
    city: str | None = None,
    stage: str | None = None,
) -> list[dict[str, Any]]:
    """Open cases in the caller's region matching the filters, longest waiting first."""
    items = [
        item(case, now)
        for case in cases
        if case.is_open
        and visible(county_of(case.unit_code))
        and (department is None or waiting_on(case) == department)
        and (city is None or city_of(case.unit_code) == city)
        and (stage is None or current_stage(case) == stage)
    ]
    return sorted(items, key=lambda i: (-i["waiting_seconds"], i["case_id"]))

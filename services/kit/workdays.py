"""Working days (工作日) of the mainland Chinese calendar, for SLA deadlines.

Pure: no I/O. A working day is Monday-Friday, except the public holidays of the State
Council's yearly notice, plus the weekend days that notice turns into working days
(调休 make-up days, 上班). Time limits in working days ("within 15 working days") count
the days after the start day: ``add_working_days(d, 1)`` is the first working day after
``d``, whatever ``d`` itself is.

Holidays are data, one entry per year from the notice that fixes it:
- 2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12).
- 2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
The notice for a year is published in November of the year before; add it here then.
For a year without an entry, Monday-Friday are working days (:data:`KNOWN_YEARS` says
which years are exact), so deadlines stay computable but ignore that year's holidays.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final


def _days(year: int, *spans: tuple[int, int, int, int]) -> frozenset[date]:
    """Every date of the inclusive spans (month, day, month, day) of `year`."""
    out: set[date] = set()
    for m1, d1, m2, d2 in spans:
        day, last = date(year, m1, d1), date(year, m2, d2)
        while day <= last:
            out.add(day)
            day += timedelta(days=1)
    return frozenset(out)


# Days off (放假), weekends inside the holiday included.
HOLIDAYS: Final[dict[int, frozenset[date]]] = {
    2025: _days(
        2025,
        (1, 1, 1, 1),  # 元旦
        (1, 28, 2, 4),  # 春节
        (4, 4, 4, 6),  # 清明节
        (5, 1, 5, 5),  # 劳动节
        (5, 31, 6, 2),  # 端午节
        (10, 1, 10, 8),  # 国庆节、中秋节
    ),
    2026: _days(
        2026,
        (1, 1, 1, 3),  # 元旦
        (2, 15, 2, 23),  # 春节
        (4, 4, 4, 6),  # 清明节
        (5, 1, 5, 5),  # 劳动节
        (6, 19, 6, 21),  # 端午节
        (9, 25, 9, 27),  # 中秋节
        (10, 1, 10, 7),  # 国庆节
    ),
}

# Weekend days worked instead (调休上班).
MAKE_UP_WORKDAYS: Final[dict[int, frozenset[date]]] = {
    2025: frozenset(
        {date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28)}
        | {date(2025, 10, 11)}
    ),
    2026: frozenset(
        {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9)}
        | {date(2026, 9, 20), date(2026, 10, 10)}
    ),
}

KNOWN_YEARS: Final = frozenset(HOLIDAYS)

# Far beyond any time limit in law; stops a runaway loop on absurd input.
_MAX_SPAN_DAYS: Final = 366 * 20


def is_working_day(d: date) -> bool:
    if d in MAKE_UP_WORKDAYS.get(d.year, frozenset()):
        return True
    if d in HOLIDAYS.get(d.year, frozenset()):
        return False
    return d.weekday() < 5


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (n >= 0; n == 0 returns `start`)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if n > _MAX_SPAN_DAYS:
        raise ValueError(f"n={n} is beyond any time limit ({_MAX_SPAN_DAYS} days)")
    day = start
    while n:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days d with a < d <= b; negative when b is before a.

    The inverse of :func:`add_working_days`: ``working_days_between(a,
    add_working_days(a, n)) == n``.
    """
    if b < a:
        return -working_days_between(b, a)
    if (b - a).days > _MAX_SPAN_DAYS:
        raise ValueError(f"{a} .. {b} is beyond any time limit ({_MAX_SPAN_DAYS} days)")
    count, day = 0, a
    while day < b:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count

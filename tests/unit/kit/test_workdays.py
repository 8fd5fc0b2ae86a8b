"""Working-day arithmetic against the State Council holiday notices for 2025 and 2026."""

from datetime import date, timedelta

import pytest

from services.kit.workdays import (
    KNOWN_YEARS,
    add_working_days,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 1), False),  # 元旦, a Wednesday
        (date(2025, 1, 26), True),  # Sunday made a working day for 春节
        (date(2025, 1, 28), False),  # 除夕
        (date(2025, 2, 4), False),
        (date(2025, 2, 5), True),
        (date(2025, 2, 8), True),  # Saturday made a working day
        (date(2025, 4, 4), False),  # 清明, a Friday
        (date(2025, 4, 27), True),  # Sunday before 劳动节
        (date(2025, 5, 5), False),
        (date(2025, 6, 2), False),  # 端午, a Monday
        (date(2025, 9, 28), True),
        (date(2025, 10, 8), False),  # 国庆 + 中秋, eight days
        (date(2025, 10, 11), True),
        (date(2025, 10, 12), False),  # an ordinary Sunday
        (date(2026, 1, 2), False),
        (date(2026, 1, 4), True),
        (date(2026, 2, 14), True),
        (date(2026, 2, 23), False),
        (date(2026, 2, 28), True),
        (date(2026, 5, 9), True),
        (date(2026, 6, 19), False),
        (date(2026, 9, 20), True),
        (date(2026, 9, 25), False),
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),
        (date(2027, 3, 1), True),  # unknown year: a Monday
        (date(2027, 3, 6), False),  # unknown year: a Saturday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_the_notices_give_the_statutory_counts_of_days_off():
    def off(year: int) -> int:
        day, count = date(year, 1, 1), 0
        while day.year == year:
            count += not is_working_day(day)
            day += timedelta(days=1)
        return count

    # Both years have 104 weekend days; 调休 moves days off but adds none, so the
    # total is those plus the 13 statutory holidays of 全国年节及纪念日放假办法 (2024).
    assert off(2025) == off(2026) == 104 + 13
    assert {2025, 2026} == KNOWN_YEARS


def test_fifteen_working_days_from_a_friday_skip_qingming():
    # 2025-03-21 (Fri) + 15 working days: 4 April (清明) is skipped -> Monday 14 April.
    assert add_working_days(date(2025, 3, 21), 15) == date(2025, 4, 14)


def test_deadlines_jump_over_spring_festival_and_count_make_up_days():
    assert add_working_days(date(2025, 1, 24), 1) == date(2025, 1, 26)  # Sunday worked
    assert add_working_days(date(2025, 1, 27), 1) == date(2025, 2, 5)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_zero_days_is_the_start_and_negative_is_refused():
    assert add_working_days(date(2025, 5, 3), 0) == date(2025, 5, 3)
    with pytest.raises(ValueError, match="n must be"):
        add_working_days(date(2025, 5, 3), -1)


@pytest.mark.parametrize("n", [0, 1, 5, 15, 22, 60])
@pytest.mark.parametrize("start", [date(2025, 1, 24), date(2025, 9, 26), date(2026, 2, 12)])
def test_between_inverts_add(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert working_days_between(end, start) == -n


def test_between_counts_after_the_first_day_up_to_the_last():
    assert working_days_between(date(2025, 3, 14), date(2025, 3, 17)) == 1  # Fri -> Mon
    assert working_days_between(date(2025, 3, 17), date(2025, 3, 17)) == 0

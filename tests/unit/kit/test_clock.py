"""One clock and one calendar: instants in UTC, business dates in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.kit import clock
from services.kit.clock import FixedClock, OffsetClock


def test_the_business_date_is_the_shanghai_date_whatever_the_zone_of_the_instant():
    assert clock.business_date(datetime(2025, 6, 1, 15, 59, 59, tzinfo=UTC)) == date(2025, 6, 1)
    assert clock.business_date(datetime(2025, 6, 1, 16, 0, tzinfo=UTC)) == date(2025, 6, 2)
    assert clock.business_date(datetime(2025, 6, 1, 23, 30, tzinfo=UTC)) == date(2025, 6, 2)
    new_york = timezone(timedelta(hours=-4))
    assert clock.business_date(datetime(2025, 6, 1, 12, 0, tzinfo=new_york)) == date(2025, 6, 2)
    with pytest.raises(ValueError, match="naive"):
        clock.business_date(datetime(2025, 6, 1, 12, 0))


def test_a_fixed_clock_stands_still_until_moved():
    fixed = FixedClock(datetime(2025, 6, 1, 23, 30, tzinfo=UTC))
    assert fixed.now() == fixed.now() == datetime(2025, 6, 1, 23, 30, tzinfo=UTC)
    assert fixed.today() == date(2025, 6, 2)
    fixed.advance(timedelta(hours=1))
    assert fixed.stamp().ToJsonString() == "2025-06-02T00:30:00Z"
    with pytest.raises(ValueError):
        FixedClock(datetime(2025, 6, 1))


def test_the_system_clock_is_utc_and_an_offset_clock_shifts_it():
    now = clock.SYSTEM.now()
    assert now.tzinfo is UTC and abs(now - datetime.now(UTC)) < timedelta(seconds=5)
    base = FixedClock(datetime(2025, 6, 1, tzinfo=UTC))
    assert OffsetClock(timedelta(days=30), base).today() == date(2025, 7, 1)


def test_instants_are_written_rfc3339_in_utc_and_round_trip_through_timestamps():
    moment = datetime(2025, 6, 2, 7, 30, tzinfo=timezone(timedelta(hours=8)))
    assert clock.rfc3339(moment) == "2025-06-01T23:30:00Z"
    assert clock.instant(clock.timestamp(moment)) == moment
    assert clock.instant(clock.timestamp(moment)).tzinfo is UTC

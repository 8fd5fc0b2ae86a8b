"""One clock and one calendar for every service.

Instants are UTC (`now()`, protobuf Timestamps, RFC 3339 with `Z`). Business dates (the
day a certificate is valid from, a deadline falls on, a statement covers, a court seal
runs to) are civil dates in Asia/Shanghai (`business_date`), whatever the host's zone:
an event at 23:30 UTC belongs to the next China day. China has kept UTC+8 without
daylight saving since 1991; the zone comes from the tz database all the same.

The application classes take a `Clock` (default `SYSTEM`), so tests fix the time
(`FixedClock`) rather than sleep or patch. Pure: no framework, no I/O beyond the clock.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from google.protobuf.timestamp_pb2 import Timestamp

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")


def business_date(moment: datetime) -> date:
    """The Asia/Shanghai civil date of an aware instant."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no business date; give it a zone (UTC)")
    return moment.astimezone(SHANGHAI).date()


def timestamp(moment: datetime) -> Timestamp:
    """The protobuf Timestamp of an aware instant."""
    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC))
    return stamp


def instant(stamp: Timestamp) -> datetime:
    """The aware UTC instant of a protobuf Timestamp."""
    return stamp.ToDatetime(tzinfo=UTC)


def rfc3339(moment: datetime) -> str:
    """`2025-06-01T08:30:00Z`: UTC, as the contracts and the REST answers write instants."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class Clock(ABC):
    """Where an application class reads the time."""

    @abstractmethod
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""

    def today(self) -> date:
        """The current business date (Asia/Shanghai)."""
        return business_date(self.now())

    def stamp(self) -> Timestamp:
        return timestamp(self.now())


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock(Clock):
    """Another clock shifted by `offset` (deadline tests without sleeping; never production)."""

    def __init__(self, offset: timedelta, base: Clock | None = None) -> None:
        self.offset = offset
        self.base = base or SYSTEM

    def now(self) -> datetime:
        return self.base.now() + self.offset


class FixedClock(Clock):
    """Stands still at `at` until moved (tests)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("give the fixed instant a zone (UTC)")
        self.at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


SYSTEM: Final[Clock] = SystemClock()

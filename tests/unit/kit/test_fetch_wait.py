"""The fetch wait: short while records flow, growing to the idle wait when none come."""

from __future__ import annotations

import pytest

from services.kit.fetch_wait import AdaptiveFetchWait


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_stays_short_while_records_flow_and_for_the_hold_after_them():
    clock = Clock()
    wait = AdaptiveFetchWait(10, 500, hold_s=1.0, clock=clock)
    assert wait.wait_ms == 10
    clock.now = 0.5
    assert wait.after_fetch(had_records=True) == 10
    clock.now = 1.4  # empty, but within the hold after the last records
    assert wait.after_fetch(had_records=False) == 10


def test_doubles_on_each_empty_fetch_after_the_hold_up_to_the_idle_wait():
    clock = Clock()
    wait = AdaptiveFetchWait(10, 500, hold_s=1.0, clock=clock)
    clock.now = 1.0
    waits = [wait.after_fetch(had_records=False) for _ in range(8)]
    assert waits == [20, 40, 80, 160, 320, 500, 500, 500]


def test_records_after_an_idle_spell_make_the_next_fetch_short_again():
    clock = Clock()
    wait = AdaptiveFetchWait(10, 500, hold_s=1.0, clock=clock)
    clock.now = 5.0
    for _ in range(10):
        wait.after_fetch(had_records=False)
    assert wait.wait_ms == 500
    assert wait.after_fetch(had_records=True) == 10


def test_equal_waits_never_change_as_on_apache_kafka_in_production():
    wait = AdaptiveFetchWait(1500, 1500, hold_s=0.0)
    assert {wait.after_fetch(had_records=n % 3 == 0) for n in range(10)} == {1500}


def test_an_idle_wait_below_the_busy_wait_is_refused():
    with pytest.raises(ValueError, match="idle fetch wait 5 ms is below the busy wait 10 ms"):
        AdaptiveFetchWait(10, 5)

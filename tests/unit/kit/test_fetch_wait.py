"""The fetch wait: short while records flow, growing to the idle wait when none come."""

from __future__ import annotations

import pytest
from aiokafka import TopicPartition
from prometheus_client import REGISTRY

from services.kit.fetch_wait import AdaptiveFetchWait, adapt, records_left_behind
from services.kit.metrics import CONSUMER_FETCHES


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


def test_the_busy_minimum_holds_while_the_wait_is_short_and_one_byte_at_the_idle_wait():
    clock = Clock()
    wait = AdaptiveFetchWait(10, 500, hold_s=1.0, clock=clock, busy_min_bytes=8192)
    assert wait.min_bytes == 8192  # records flow: let the broker gather up to the wait
    clock.now = 1.0
    for _ in range(5):
        wait.after_fetch(had_records=False)  # 20 .. 320 ms: a hop waits at most that
        assert wait.min_bytes == 8192
    wait.after_fetch(had_records=False)
    assert (wait.wait_ms, wait.min_bytes) == (500, 1)  # idle: the first record at once
    wait.after_fetch(had_records=True)
    assert (wait.wait_ms, wait.min_bytes) == (10, 8192)


def test_equal_waits_ask_for_one_byte_as_on_apache_kafka_in_production():
    wait = AdaptiveFetchWait(1500, 1500, busy_min_bytes=8192)
    assert {(wait.after_fetch(had_records=n % 3 == 0), wait.min_bytes) for n in range(6)} == {
        (1500, 1)
    }


def test_an_idle_wait_below_the_busy_wait_is_refused():
    with pytest.raises(ValueError, match="idle fetch wait 5 ms is below the busy wait 10 ms"):
        AdaptiveFetchWait(10, 5)


def test_a_starved_fetch_raises_the_floor_the_wait_starts_from_while_records_flow():
    clock = Clock()
    wait = AdaptiveFetchWait(10, 1000, hold_s=1.0, clock=clock)
    # nothing came back although records lay past the offset: the broker needs longer
    assert [wait.after_fetch(had_records=False, starved=True) for _ in range(3)] == [20, 40, 80]
    assert wait.after_fetch(had_records=True) == 80  # not back to 10, where it starved
    assert wait.after_fetch(had_records=False) == 80  # within the hold


def test_the_floor_decays_with_each_fetch_that_brings_records_down_to_the_busy_wait():
    wait = AdaptiveFetchWait(10, 1000, hold_s=1.0, clock=Clock())
    wait.after_fetch(had_records=False, starved=True)
    wait.after_fetch(had_records=False, starved=True)  # floor 40
    waits = [wait.after_fetch(had_records=True) for _ in range(60)]
    assert waits[0] == 40
    assert waits == sorted(waits, reverse=True)
    assert waits[-1] == 10


def test_a_starved_floor_stops_at_the_idle_wait():
    wait = AdaptiveFetchWait(10, 100, clock=Clock())
    assert [wait.after_fetch(had_records=False, starved=True) for _ in range(5)][-1] == 100


class _State:
    def __init__(self, position: int | None, highwater: int | None) -> None:
        self.has_valid_position = position is not None
        self.position = position
        self.highwater = highwater


class _Assignment:
    def __init__(self, states: dict[TopicPartition, _State], active: bool = True) -> None:
        self.states = states
        self.active = active

    def state_value(self, tp: TopicPartition) -> _State | None:
        return self.states.get(tp)


class _Request:
    def __init__(self, offsets: dict[TopicPartition, int]) -> None:
        self.topics = [(tp.topic, [(tp.partition, at, 1_048_576)]) for tp, at in offsets.items()]


TP0, TP1 = TopicPartition("t", 0), TopicPartition("t", 1)


@pytest.mark.parametrize(
    ("states", "active", "left_behind"),
    [
        ({TP0: _State(5, 5), TP1: _State(7, 9)}, True, True),  # TP1 has 2 records past 7
        ({TP0: _State(5, 5), TP1: _State(7, 7)}, True, False),  # both at their end: idle
        ({TP0: _State(5, 9), TP1: _State(7, 7)}, False, False),  # answer discarded
        ({TP0: _State(6, 9), TP1: _State(7, 7)}, True, False),  # TP0 moved on (a seek)
        ({TP0: _State(None, 9), TP1: _State(7, None)}, True, False),  # no position / no answer
        ({TP1: _State(7, 7)}, True, False),  # TP0 no longer assigned
    ],
)
def test_records_left_behind_when_a_partition_still_stands_below_its_high_watermark(
    states, active, left_behind
):
    request = _Request({TP0: 5, TP1: 7})
    assert records_left_behind(_Assignment(states, active), request) is left_behind


async def test_the_adapted_fetcher_counts_each_fetch_by_what_it_brought():
    """What the bench's fetches per joint case and an operator's poll rate read."""
    answers = iter([True, False, False])

    class Fetcher:
        _fetch_max_wait_ms = 0
        _fetch_min_bytes = 1

        async def _proc_fetch_request(self, *_: object) -> bool:
            return next(answers)

    def count(outcome: str) -> float:
        return CONSUMER_FETCHES.labels(outcome)._value.get()

    fetcher = Fetcher()
    adapt(fetcher, AdaptiveFetchWait(10, 1000, busy_min_bytes=4096))
    before = {o: count(o) for o in ("records", "empty", "starved")}
    for outcome in before:  # exported from the start, before any fetch
        assert (
            REGISTRY.get_sample_value("govshare_consumer_fetches_total", {"outcome": outcome})
            is not None
        )
    assert (fetcher._fetch_max_wait_ms, fetcher._fetch_min_bytes) == (10, 4096)
    behind = _Assignment({TP0: _State(5, 9)})  # records past the fetch offset
    at_end = _Assignment({TP0: _State(5, 5)})
    await fetcher._proc_fetch_request(at_end, 0, _Request({TP0: 5}))  # brought records
    await fetcher._proc_fetch_request(behind, 0, _Request({TP0: 5}))  # nothing: starved
    await fetcher._proc_fetch_request(at_end, 0, _Request({TP0: 5}))  # nothing: idle
    assert {o: count(o) - before[o] for o in before} == {"records": 1, "empty": 1, "starved": 1}

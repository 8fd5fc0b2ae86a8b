"""Applied-event marks expire after their horizon (services/kit/idempotency.py)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import faust.streams

from services.kit.idempotency import AppliedEvents


class Changelogged(dict[str, Any]):
    """A table as expiry sees it: the store (`data`) and the changelog it writes."""

    def __init__(self) -> None:
        super().__init__()
        self.data = self
        self.tombstones: list[tuple[int, str]] = []

    def send_changelog(self, partition: int, key: str, value: None, **_: Any) -> None:
        self.tombstones.append((partition, key))


def mark_on(applied: AppliedEvents, partition: int, event_id: str) -> Any:
    env = SimpleNamespace(dedup_key=f"/dept/x|{event_id}")
    event = SimpleNamespace(message=SimpleNamespace(partition=partition))
    token = faust.streams._current_event.set(lambda: event)
    try:
        applied.mark(env)  # type: ignore[arg-type]
    finally:
        faust.streams._current_event.reset(token)
    return env


def test_marks_older_than_the_horizon_are_dropped_on_their_own_partition_only():
    now = [1_000_000.0]
    table = Changelogged()
    applied = AppliedEvents(table, retention_s=3600, clock=lambda: now[0])
    old_here = mark_on(applied, 0, "a")
    old_elsewhere = mark_on(applied, 1, "b")
    table["/dept/x|legacy"] = 0.0  # a bare-time mark from before: partition unknown, kept
    now[0] += 3000
    recent = mark_on(applied, 0, "c")
    now[0] += 1000  # a and b are 4000 s old, c 1000 s
    assert asyncio.run(applied.expire(lambda: {0}, chunk=1)) == 1
    assert table.tombstones == [(0, old_here.dedup_key)]
    assert not applied.seen(old_here)
    assert applied.seen(old_elsewhere) and applied.seen(recent)  # b: another worker's
    assert "/dept/x|legacy" in table
    assert asyncio.run(applied.expire(lambda: {0, 1})) == 1 and not applied.seen(old_elsewhere)
    assert table[recent.dedup_key] == [1_003_000.0, 0]


def test_a_pass_spreads_its_drops_and_asks_again_which_partitions_are_owned():
    now = [1_000_000.0]
    table = Changelogged()
    applied = AppliedEvents(table, retention_s=60, clock=lambda: now[0])
    marks = [mark_on(applied, 0, str(n)) for n in range(4)]
    now[0] += 120
    owned = [{0}]
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            owned[0] = set()  # a rebalance took partition 0 away mid-pass

    dropped = asyncio.run(applied.expire(lambda: owned[0], chunk=1, spread_s=8, sleep=sleep))
    assert pauses[:2] == [2.0, 2.0]  # four chunks spread over 8 s
    assert dropped == 2
    assert [key for _, key in table.tombstones] == [m.dedup_key for m in marks[:2]]
    assert applied.seen(marks[2]) and applied.seen(marks[3])


class Counted(str):
    """A key a walk of the table handed out; counts how many are alive at once."""

    live = peak = 0

    def __new__(cls, value: str) -> Counted:
        made = super().__new__(cls, value)
        Counted.live += 1
        Counted.peak = max(Counted.peak, Counted.live)
        return made

    def __del__(self) -> None:
        Counted.live -= 1


class FreshKeys(Changelogged):
    """A store that hands out a fresh key object on each walk, as RocksDB decodes every
    key it reads: the keys alive at once are the ones a pass holds."""

    def keys(self) -> Any:
        return (Counted(key) for key in dict.keys(self))

    def items(self) -> Any:
        return ((Counted(key), value) for key, value in dict.items(self))

    def send_changelog(self, partition: int, key: str, value: None, **_: Any) -> None:
        self.tombstones.append((partition, str(key)))  # a copy: the tombstone is sent


def test_a_pass_holds_a_window_of_marks_not_every_mark_it_drops():
    now = [1_000_000.0]
    table = FreshKeys()
    applied = AppliedEvents(table, retention_s=60, clock=lambda: now[0])
    for n in range(2_000):
        table[f"/dept/x|{n}"] = [now[0], n % 2]
    now[0] += 120
    Counted.live = Counted.peak = 0
    chunk = 10
    assert asyncio.run(applied.expire(lambda: {0, 1}, chunk=chunk)) == 2_000
    assert not table and len(table.tombstones) == 2_000
    window = chunk * 10
    # the window read, the one before it (until the name is rebound) and a chunk's rest
    assert 0 < Counted.peak <= 2 * window + chunk

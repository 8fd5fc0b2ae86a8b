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
    assert asyncio.run(applied.expire({0}, chunk=1)) == 1
    assert table.tombstones == [(0, old_here.dedup_key)]
    assert not applied.seen(old_here)
    assert applied.seen(old_elsewhere) and applied.seen(recent)  # b: another worker's
    assert "/dept/x|legacy" in table
    assert asyncio.run(applied.expire({0, 1})) == 1 and not applied.seen(old_elsewhere)
    assert table[recent.dedup_key] == [1_003_000.0, 0]

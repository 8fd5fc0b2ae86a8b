"""An open-loop schedule: request n is sent at start + n / rate whatever earlier requests
are doing, so a stall shows up in the latency of every request queued behind it (a
closed loop would slow down with the system and hide it). Shared by the power,
transfer and evidence figures; each call measures from its scheduled time."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from devtools.bench.harness import percentile


@dataclass
class Schedule:
    rate: float
    total: int
    sent_seconds: float = 0.0  # first scheduled send -> last send
    finished_seconds: float = 0.0  # first scheduled send -> last call done
    client_late_s: float = 0.0  # how far behind its own schedule the client fell
    start: float = 0.0  # event-loop time of the first scheduled send


@dataclass
class Latencies:
    """Seconds per successful call, and the calls that failed (with a sample reason)."""

    values: list[float] = field(default_factory=list)
    failures: int = 0
    reasons: list[str] = field(default_factory=list)

    def fail(self, reason: str) -> None:
        self.failures += 1
        if len(self.reasons) < 5:
            self.reasons.append(reason[:300])

    def figures(self) -> dict[str, float]:
        if not self.values:
            return {"count": 0, "p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0, "mean_ms": 0.0}
        return {
            "count": len(self.values),
            "p50_ms": percentile(self.values, 0.50) * 1000,
            "p99_ms": percentile(self.values, 0.99) * 1000,
            "max_ms": max(self.values) * 1000,
            "mean_ms": statistics.fmean(self.values) * 1000,
        }


async def run(
    rate: float, total: int, call: Callable[[int, float], Coroutine[Any, Any, None]]
) -> Schedule:
    """Start `call(n, due)` for n in 0..total-1 at its due time (event-loop clock) and
    wait for all of them."""
    loop = asyncio.get_running_loop()
    schedule = Schedule(rate, total)
    start = schedule.start = loop.time() + 0.1
    tasks: list[asyncio.Task[None]] = []
    for n in range(total):
        due = start + n / rate
        wait = due - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        else:
            schedule.client_late_s = max(schedule.client_late_s, -wait)
        tasks.append(asyncio.create_task(call(n, due)))
    schedule.sent_seconds = loop.time() - start
    await asyncio.gather(*tasks)
    schedule.finished_seconds = loop.time() - start
    return schedule

"""How long the broker may hold the next fetch: short while records flow, long when idle.

A fetch that finds records is answered at once by every broker. A fetch that finds none
is held for its wait: Apache Kafka answers it as soon as a record arrives, but Tansu (the
embedded broker) holds it for the whole wait (measured: a record produced 0.3 s into a
2 s fetch was delivered at 1.0 s, one produced before the fetch at once). So on Tansu a
short wait costs CPU (at 10 ms, four idle services made about 400 fetches/s and the
broker burned 57 % of a core answering them) and a long one costs latency.

`AdaptiveFetchWait` keeps the short wait while records flow and for `hold_s` after the
last ones (the next hop of a flow usually follows within that time), then doubles the
wait on each empty fetch up to the idle wait. A record arriving after a long idle waits
at most the idle wait for the fetch in flight; the next fetch is short again.

Tansu also answers a fetch with no records, although the partition holds records past
the fetch offset, when reading the partition takes longer than the fetch's wait: its
memory storage lists every stored batch of the partition on each fetch that finds data
(about 1 µs a batch, measured: a partition of 10,000 single-record batches never answered
a 5 ms fetch and did a 10 ms one; one of 30,000 never answered 10 ms and did 20 ms). A
consumer at the busy wait on a long partition then got nothing until its wait had grown
past the hold, read one batch, dropped back to the busy wait and starved again, while
the broker spent a whole scan on every empty answer: the 30-minute soak's collapse
(docs/performance.md, session 9). So a fetch that comes back empty with records left
behind (`starved`) doubles a floor under the busy wait, and the wait starts from that
floor while records flow; the floor decays a little with each fetch that brings
records, so it follows the broker's scan time down as well as up.

While the wait is short, the broker is also asked to gather `busy_min_bytes` (8 KB
outside production) before it answers. A fetch that finds any record was answered at
once, so under load each consumer polled about once per record or two: 16-20 fetches
per joint case at 20 cases/s, 287 at one case a second, where every hop restarted a
second of 10-ms polling (the bench's `fetches` lines). With the minimum a fetch
returns what arrived within the 10 ms: half the fetches at 20/s, a quarter at 1/s, 8-17 %
less CPU per joint case at 20/s, half at 1/s, 18 % less per power application; a lone
case's hops wait up to the busy wait more (docs/performance.md, session 11). At the idle
wait the minimum is one byte, so the first record after a quiet spell is answered at
once.

With Apache Kafka the busy and idle waits are the same (production keeps 1,500 ms),
a fetch with records behind its offset always brings some, and this changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import TopicPartition

from services.kit.metrics import CONSUMER_FETCHES

FETCH_OUTCOMES = ("records", "empty", "starved")  # govshare_consumer_fetches_total{outcome}

# Per fetch that brings records, the floor shrinks by this factor (never below the busy
# wait): about one starved fetch per 14 that bring records while the scan time holds.
FLOOR_DECAY = 0.95


class AdaptiveFetchWait:
    def __init__(
        self,
        busy_ms: int,
        idle_ms: int,
        hold_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        busy_min_bytes: int = 1,
    ) -> None:
        if idle_ms < busy_ms:
            raise ValueError(f"idle fetch wait {idle_ms} ms is below the busy wait {busy_ms} ms")
        self.busy_ms = busy_ms
        self.idle_ms = idle_ms
        self.hold_s = hold_s
        self.clock = clock
        self.busy_min_bytes = busy_min_bytes
        self.wait_ms = busy_ms
        self._floor_ms = float(busy_ms)  # the shortest wait the broker answers with records
        self._last_records = clock()

    @property
    def floor_ms(self) -> int:
        return round(self._floor_ms)

    @property
    def min_bytes(self) -> int:
        """What the broker should gather before it answers the next fetch: the busy
        minimum while the wait is below the idle wait (it then costs a hop at most that
        wait), one byte at the idle wait (the first record after a quiet spell is
        answered at once, not after up to a second)."""
        return self.busy_min_bytes if self.wait_ms < self.idle_ms else 1

    def after_fetch(self, had_records: bool, starved: bool = False) -> int:
        """The wait for the next fetch, given what the last one brought; `starved`: it
        brought nothing although records lay past its offset."""
        now = self.clock()
        if had_records:
            self._last_records = now
            self.wait_ms = self.floor_ms
            self._floor_ms = max(float(self.busy_ms), self._floor_ms * FLOOR_DECAY)
        elif starved:
            self._floor_ms = float(min(self.idle_ms, max(self.floor_ms, self.wait_ms) * 2))
            self.wait_ms = self.floor_ms
        elif now - self._last_records >= self.hold_s:
            self.wait_ms = min(self.idle_ms, self.wait_ms * 2)
        return self.wait_ms


def adapt(fetcher: Any, wait: AdaptiveFetchWait) -> None:
    """Make an aiokafka 0.14 `Fetcher` (pinned) take its wait and minimum from `wait`: it
    builds each fetch request with `_fetch_max_wait_ms` and `_fetch_min_bytes`, and
    `_proc_fetch_request(assignment, node_id, request)` handles a response, returning
    whether it added records and noting each answered partition's high watermark in the
    assignment."""
    original: Callable[..., Awaitable[bool]] = fetcher._proc_fetch_request
    fetcher._fetch_max_wait_ms = wait.wait_ms
    fetcher._fetch_min_bytes = wait.min_bytes
    for outcome in FETCH_OUTCOMES:  # each has a sample from the start, 0 until it happens
        CONSUMER_FETCHES.labels(outcome)

    async def proc_fetch_request(assignment: Any, node_id: Any, request: Any) -> bool:
        had_records = await original(assignment, node_id, request)
        starved = not had_records and records_left_behind(assignment, request)
        fetcher._fetch_max_wait_ms = wait.after_fetch(bool(had_records), starved)
        fetcher._fetch_min_bytes = wait.min_bytes
        CONSUMER_FETCHES.labels(
            "records" if had_records else "starved" if starved else "empty"
        ).inc()
        return had_records

    fetcher._proc_fetch_request = proc_fetch_request


def records_left_behind(assignment: Any, request: Any) -> bool:
    """Whether a fetch that brought nothing left records behind: a partition it asked for
    still stands at the fetch offset, below the high watermark the answer reported."""
    if not assignment.active:
        return False  # the answer was discarded: it says nothing about the broker
    for topic, partitions in request.topics:
        for partition, offset, *_ in partitions:
            state = assignment.state_value(TopicPartition(topic, partition))
            if (
                state is not None
                and state.has_valid_position
                and state.position == offset
                and state.highwater is not None
                and state.highwater > offset
            ):
                return True
    return False

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

With Apache Kafka the busy and idle waits are the same (production keeps 1,500 ms),
and this changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any


class AdaptiveFetchWait:
    def __init__(
        self,
        busy_ms: int,
        idle_ms: int,
        hold_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if idle_ms < busy_ms:
            raise ValueError(f"idle fetch wait {idle_ms} ms is below the busy wait {busy_ms} ms")
        self.busy_ms = busy_ms
        self.idle_ms = idle_ms
        self.hold_s = hold_s
        self.clock = clock
        self.wait_ms = busy_ms
        self._last_records = clock()

    def after_fetch(self, had_records: bool) -> int:
        """The wait for the next fetch, given what the last one brought."""
        now = self.clock()
        if had_records:
            self._last_records = now
            self.wait_ms = self.busy_ms
        elif now - self._last_records >= self.hold_s:
            self.wait_ms = min(self.idle_ms, self.wait_ms * 2)
        return self.wait_ms


def adapt(fetcher: Any, wait: AdaptiveFetchWait) -> None:
    """Make an aiokafka 0.14 `Fetcher` (pinned) take its wait from `wait`: it builds each
    fetch request with `_fetch_max_wait_ms`, and `_proc_fetch_request` handles a
    response, returning whether it added records."""
    original: Callable[..., Awaitable[bool]] = fetcher._proc_fetch_request
    fetcher._fetch_max_wait_ms = wait.wait_ms

    async def proc_fetch_request(*args: Any) -> bool:
        had_records = await original(*args)
        fetcher._fetch_max_wait_ms = wait.after_fetch(bool(had_records))
        return had_records

    fetcher._proc_fetch_request = proc_fetch_request

"""Remember which events were applied, so a redelivered event changes nothing.

At-least-once delivery (Tansu has no transactions) means any event may arrive twice.
The dedup key is CloudEvents' `(ce_source, ce_id)`; the marks live in a Faust table,
so they are partitioned like the events and survive restarts through the changelog.

A mark is kept for a retention horizon (`GOVSHARE_APPLIED_EVENTS_RETENTION_S`, 14 days by
default), then dropped with a tombstone on its changelog partition, so the table does not
grow with history. Dropping is safe when no record older than the horizon can be delivered
again: a record comes again only between being applied and its offset being committed
(seconds), while its partition is stuck on an earlier record (the service is then not
ready, and an operator is paged long before days pass), or when the group's committed
offsets are lost and the consumer starts over from the earliest record; Kafka keeps a
group's offsets for 7 days after the group was last active (`offsets.retention.minutes`),
so the horizon is set above that. The handlers are also idempotent on their own state (a
case event that does not fit the case changes nothing), the second line of defence.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any

from faust.streams import current_event

from services.kit.envelope import Envelope

RETENTION_S = 14 * 86400.0


class AppliedEvents:
    """`flush` returns once every table write made so far is acknowledged by the broker.

    A mark must not become durable before the writes of the event it marks: a redelivered
    event whose mark survived is skipped, so writes lost with a SIGKILL stay lost. The
    producer does not keep the order of writes across changelog partitions (aiokafka
    sends one batch per partition per request, and outside production every record is
    its own batch), and that is how a power application lost its applicant's index entry
    while its mark and the application itself survived (tests/reliability, CI run of
    3c17339). So the pipelines call `writes_durable` before `mark`: once per event, once
    per batch.
    """

    def __init__(
        self,
        table: MutableMapping[str, Any],
        flush: Callable[[], Awaitable[None]] | None = None,
        *,
        retention_s: float = RETENTION_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.table = table
        self.flush = flush
        self.retention_s = retention_s
        self.clock = clock

    def seen(self, env: Envelope) -> bool:
        return env.dedup_key in self.table

    async def writes_durable(self) -> None:
        if self.flush is not None:
            await self.flush()

    def mark(self, env: Envelope) -> None:
        # The changelog partition the mark goes to (the event's), kept so that expiry can
        # drop it there. Marks written before expiry existed are a bare time.
        self.table[env.dedup_key] = [self.clock(), current_partition()]

    async def expire(
        self,
        owned: Callable[[], Collection[int]],
        *,
        chunk: int = 100,
        spread_s: float = 0.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> int:
        """Drop the marks older than the horizon on the partitions this worker owns (the
        owner writes their changelog; a standby copy follows it). Returns how many.

        One pass finds them; the drops then go out `chunk` at a time, spread evenly over
        `spread_s`, each chunk waiting until the broker has it, so that a handler's own
        flush (`writes_durable`) never waits behind more than one chunk. Dropped all at
        once, a pass's tombstones (each its own produce batch outside production) stalled
        every service of the soak for seconds: the second minute's p99 rose 3-5x. In
        production a pass drops a day of marks, so it must be spread over time. `owned`
        is asked again before each chunk, since a long pass outlives a rebalance."""
        cutoff = self.clock() - self.retention_s
        due: list[tuple[str, int]] = []
        for visited, key in enumerate(list(self.table.keys()), 1):
            marked_at, partition = self._when_where(key)
            if marked_at is not None and marked_at < cutoff and partition is not None:
                due.append((key, partition))
            if visited % (chunk * 10) == 0:
                await asyncio.sleep(0)  # let the handlers run between stretches of reading
        chunks = [due[i : i + chunk] for i in range(0, len(due), chunk)]
        pause_s = spread_s / len(chunks) if chunks else 0.0
        dropped = 0
        for number, part in enumerate(chunks):
            if number and pause_s:
                await sleep(pause_s)
            mine = set(owned())
            for key, partition in part:
                if partition in mine and key in self.table:
                    self._drop(key, partition)
                    dropped += 1
            await self.writes_durable()
        return dropped

    def _when_where(self, key: str) -> tuple[float | None, int | None]:
        value = self.table.get(key)
        if isinstance(value, list):
            return float(value[0]), int(value[1])
        if isinstance(value, int | float):  # an older mark: Faust's memory store knows
            known = getattr(getattr(self.table, "data", None), "_key_partition", {})
            return float(value), known.get(key)
        return None, None

    def _drop(self, key: str, partition: int) -> None:
        rewrite(self.table, key, None, partition)


def current_partition() -> int:
    """The partition of the event being applied (where Faust writes its table changes)."""
    event = current_event()
    return event.message.partition if event is not None else -1


def rewrite(table: MutableMapping[str, Any], key: str, value: Any, partition: int) -> None:
    """Write (None: delete) a table key outside any event, as expiry does: Faust sends a
    change to the changelog partition of the current event, and there is none, so the
    change names the key's partition itself (the one its earlier writes went to)."""
    send = getattr(table, "send_changelog", None)
    if send is None:  # a plain mapping (tests)
        if value is None:
            del table[key]
        else:
            table[key] = value
        return
    if value is None:
        send(partition, key, None, value_serializer="raw")
        del table.data[key]  # type: ignore[attr-defined]
    else:
        send(partition, key, value)
        table.data[key] = value  # type: ignore[attr-defined]

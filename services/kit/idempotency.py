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
import math
import time
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any

from faust.streams import current_event

from services.kit import table_windows
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

        The drops go out `chunk` at a time, spread evenly over `spread_s`, each chunk
        waiting until the broker has it, so that a handler's own flush (`writes_durable`)
        never waits behind more than one chunk. Dropped all at once, a pass's tombstones
        (each its own produce batch outside production) stalled every service of the soak
        for seconds: the second minute's p99 rose 3-5x. In production a pass drops a day of
        marks, so it is spread over time, and it never holds them all: a first walk only
        counts the due marks (to pace the chunks), the second drops them as it meets them.
        Both read the table `chunk * 10` entries at a time (table_windows.py: no store
        iterator outlives a window, so none is held across an await). `owned` is asked
        again before each chunk, since a long pass outlives a rebalance."""
        cutoff = self.clock() - self.retention_s
        window = chunk * 10
        due_count = 0
        cursor: table_windows.Cursor | None = table_windows.Cursor()
        while cursor is not None:
            entries, cursor = table_windows.read(self.table, window, cursor)
            due_count += len(self._due(entries, cutoff, set(owned())))
            await asyncio.sleep(0)  # let the handlers run between windows
        chunks = math.ceil(due_count / chunk)
        pause_s = spread_s / chunks if chunks else 0.0
        dropped = sent = 0
        due: list[tuple[str, int]] = []
        cursor = table_windows.Cursor()
        while cursor is not None:
            entries, cursor = table_windows.read(self.table, window, cursor)
            due += self._due(entries, cutoff, set(owned()))
            while len(due) >= chunk or (cursor is None and due):
                if sent and pause_s:
                    await sleep(pause_s)
                sent += 1
                gone = self._drop_owned(due[:chunk], set(owned()))
                del due[:chunk]
                dropped += gone
                if cursor is not None:  # the marks just dropped were behind it
                    cursor = cursor.forgetting(gone)
                await self.writes_durable()
            await asyncio.sleep(0)
        return dropped

    def _due(
        self, entries: list[tuple[Any, Any]], cutoff: float, mine: set[int]
    ) -> list[tuple[str, int]]:
        """The marks among `entries` older than `cutoff` on a partition this worker owns,
        with that partition (a mark whose partition is unknown is kept). A store may hold
        other partitions too (RocksDB's standby copies): counted, they would pace the
        chunks for drops that never happen."""
        due = []
        for key, value in entries:
            marked_at, partition = self._when_where(key, value)
            if marked_at is not None and marked_at < cutoff and partition in mine:
                due.append((key, partition))
        return due

    def _drop_owned(self, marks: list[tuple[str, int]], mine: set[int]) -> int:
        gone = 0
        for key, partition in marks:
            if partition in mine and key in self.table:
                self._drop(key, partition)
                gone += 1
        return gone

    def _when_where(self, key: str, value: Any) -> tuple[float | None, int | None]:
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

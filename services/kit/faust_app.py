"""The Faust app every service runs: Faust's own, with a fetch wait it does not expose and
one flush it does not finish.

Faust creates its worker consumer with `fetch_max_wait_ms=1500` hard-coded. Apache Kafka
answers a waiting fetch as soon as data arrives, but Tansu (the embedded broker) holds it
for the full wait: each hop of an event through a service then cost up to 1.5 s (power
applications at 100/s: p99 1,706 ms at 1,500 ms, 290 ms at 10 ms; docs/performance.md),
while a 10 ms wait kept an idle platform at most of a core. `_ConsumerThread` hands the
fetcher an adaptive wait (services/kit/fetch_wait.py): short while records flow, long
when idle; production keeps 1,500 ms for both.

Before it commits offsets, Faust flushes its producer, but the buffer of table
(changelog) writes gives up after 0.1 s without a completed send
(`ProducerBuffer.flush_atmost`), so offsets could be committed while table writes
were still queued. A SIGKILL then lost those writes for good: the events that made
them are never delivered again. `_Producer.flush` drains the buffer (found by reading
Faust while chasing the rebalance loss in tests/reliability, which it did not cure).

Three flaws of Faust 0.15 with aiokafka 0.14 lost events around a rebalance or a restart
(tests/reliability/test_crash_restart.py; docs/threat-model.md has the traces):
- aiokafka's `seek_to_committed` skips every partition whose committed offset is None or
  0, and Faust relies on it to take the fetcher back over records it fetched but did not
  deliver. Such a partition stayed where the fetcher had got to: the records in between
  were never delivered, and the next commit went past them. `_ConsumerThread` seeks them
  to where a group without a commit starts (`auto_offset_reset`) or to 0.
- Faust hands the fetcher its set of active partitions, and empties it when it pauses
  them all during a rebalance; aiokafka reads an empty set as "every partition". Records
  of paused partitions came back, Faust dropped them, and the fetcher had moved past them.
  `_ConsumerThread` fetches nothing while no partition is active.
- Records were delivered at moments when Faust does not expect any: on a process's first
  assignment (Faust stops the flow only when partitions are taken away), so events were
  handled before the tables were recovered; and between the recovery's resuming of the
  partitions and its seek (`resume_partitions` below). `_Consumer` keeps the flow
  stopped from each assignment until the recovery has sought the partitions.

And one that killed a consumer: Faust's livelock detector asserted on a partition whose
position aiokafka had not yet set after a rebalance (`verify_event_path` below).

And one of the embedded broker that the recovery reads: Tansu 0.6.0 reports a partition's
end as the first offset of its last batch + 1, so a changelog whose last batch held
several records was recovered short. `_ConsumerThread._highwaters` raises the end to a
fetch's high watermark (services/kit/log_end.py), and producers batch again.

A seventh is left as it is: Faust's "Aiokafka stopped fetching from ..." error can never
fire. aiokafka stamps each partition's last fetch with the wall clock
(aiokafka 0.14 `consumer/fetcher.py`: `now_ms = int(1000 * time.time())` line 773, stored
as `tp_state.timestamp` line 829); Faust reads that as `poll_at` (faust-streaming 0.15.3
`transport/drivers/aiokafka.py` line 928) and subtracts it from `now`, which its livelock
detector takes from `monotonic()` (`transport/consumer.py` line 926), so
`secs_since_request = now - poll_at` (line 939) is about -1.7e9 and never reaches the
timeout. Left unfixed because the subtraction sits inside `_verify_aiokafka_event_path`:
fixing only the clock means copying Faust's whole check, and an error that has never
fired would then start firing for every partition whose fetches stop for longer than the
timeout while it is paused (recovery, the flow we hold stopped after an assignment),
flooding the logs with alarms that are not faults. A stalled fetcher still shows as
consumer lag: `govshare_consumer_lag_messages` takes the end offsets from the broker.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

import faust
from aiokafka import TopicPartition
from aiokafka.consumer.fetcher import OffsetResetStrategy
from faust.transport.drivers import aiokafka as driver
from faust.types import TP

from services.kit import effects, write_behind
from services.kit.fetch_wait import AdaptiveFetchWait, adapt
from services.kit.log_end import log_ends
from services.kit.metrics import TABLE_WRITES_COALESCED

log = logging.getLogger(__name__)

# How long a fetch waits when no partition is active (all paused for a rebalance).
IDLE_FETCH_S = 0.05


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    async def on_start(self) -> None:
        await super().on_start()  # creates and starts the consumer, and with it the fetcher
        wait = getattr(self.app, "fetch_wait", None)
        if wait is not None:
            adapt(self._ensure_consumer()._fetcher, wait)

    async def seek_to_committed(self) -> Mapping[TP, int]:
        committed: Mapping[TP, int] = await self.call_thread(self._seek_to_committed)
        return committed

    async def _seek_to_committed(self) -> Mapping[TP, int]:  # on the consumer's own thread
        consumer = self._ensure_consumer()
        committed: Mapping[TP, int] = await consumer.seek_to_committed()
        from_start: list[TP] = []
        for tp, offset in committed.items():
            if self.consumer._is_changelog_tp(tp):
                continue  # changelogs are the recovery's to position
            if offset is None:
                from_start.append(tp)
            elif offset == 0:  # skipped by aiokafka, like None
                consumer.seek(tp, 0)
        if from_start:
            if consumer._fetcher._default_reset_strategy == OffsetResetStrategy.LATEST:
                await consumer.seek_to_end(*from_start)
            else:
                await consumer.seek_to_beginning(*from_start)
        return committed

    def verify_event_path(self, now: float, tp: TP) -> None:
        """Faust's livelock detector reads each assigned partition's position, which
        aiokafka asserts is known. Just after a rebalance it is not yet (the fetcher has
        not reset it), and the AssertionError crashed the whole consumer: a tax worker of
        tests/integration/realestate/test_workers.py stopped consuming for good. A
        partition without a position has no event path to verify yet."""
        aiotp = TopicPartition(tp.topic, tp.partition)
        try:
            subscription = self._ensure_consumer()._fetcher._subscriptions.subscription
            state = subscription.assignment.state_value(aiotp) if subscription else None
        except (AttributeError, AssertionError):  # mid-rebalance: no assignment yet
            return None
        if state is None or not state.has_valid_position:
            return None
        driver.AIOKafkaConsumerThread.verify_event_path(self, now, tp)
        return None

    async def _highwaters(self, partitions: list[TP]) -> Mapping[TP, int]:
        """Faust's end offsets (ListOffsets), raised to where the log really ends: Tansu
        reports the end of a multi-record batch short (services/kit/log_end.py), and
        table recovery, the catch-up gate and the lag gauges all read this."""
        listed = await super()._highwaters(partitions)
        return await log_ends(self._ensure_consumer()._client, listed)

    async def _fetch_records(
        self,
        consumer: Any,
        active_partitions: set[TP],
        timeout: float | None = None,  # noqa: ASYNC109 (Faust's signature)
        max_records: int | None = None,
    ) -> Any:
        # On the consumer's own thread. A copy: Faust changes its set while this fetch waits.
        active = set(active_partitions)
        if not active:
            await asyncio.sleep(min(timeout or 0.0, IDLE_FETCH_S))
            return {}
        return await super()._fetch_records(
            consumer, active, timeout=timeout, max_records=max_records
        )


class _Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def on_partitions_assigned(self, assigned: set[TP], generation_id: int = 0) -> None:
        self.stop_flow()  # until the recovery has the tables back and the offsets sought
        await super().on_partitions_assigned(assigned, generation_id)

    async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None:
        # Faust counts offsets it never delivered as done, so commits pass them. Our topics
        # have no compaction and no transactions, so there such a gap means skipped records.
        log.warning(
            "%s[%d]: offsets %d-%d were never delivered (Faust counts them as done)",
            tp.topic,
            tp.partition,
            offset_from,
            offset_to - 1,
        )
        await super()._add_gap(tp, offset_from, offset_to)

    def resume_partitions(self, tps: Iterable[TP]) -> None:
        tps = set(tps)
        if any(not self._is_changelog_tp(tp) for tp in tps):
            # The recovery resumes the partitions, then seeks them, then resumes the
            # flow, which it had turned on to read the changelogs. Records fetched in
            # between came from the old positions, were cleared from the agents' queues
            # with the flow, and set Faust's read offsets past the records the seek
            # brings back, which were then dropped as already read.
            self.stop_flow()
        super().resume_partitions(tps)


class _Producer(driver.Producer):
    async def flush(self) -> None:
        while self.buffer.size:  # each round waits up to 0.1 s for a send to complete
            await self.buffer.flush()
        await super().flush()


class _Transport(driver.Transport):
    Consumer = _Consumer
    Producer = _Producer


# The memory of each RocksDB database (one per table and partition). Faust's defaults, up
# to three 64 MB write buffers and a 2 GB block cache per database, let a worker's RSS
# grow with what it has written: in session 9's 30-minute soak it rose with the data
# directories (about 100 MB across the four services in 25 minutes, under 1 MB per
# database, so nothing was ever flushed). With these, memtables flush every 1 MB and reads
# use a 4 MB cache: at most about 6 MB a database, bounded by tables x partitions, not
# by history. The price is more, smaller files and compactions, cheap at these sizes.
ROCKSDB_OPTIONS: dict[str, Any] = {
    "write_buffer_size": 2**20,
    "max_write_buffer_number": 2,
    "block_cache_size": 4 * 2**20,
}


class Table(faust.Table[Any, Any]):
    """faust.Table that counts its writes as effects (services/kit/effects.py), sends a
    batch's writes of one key to the changelog once (services/kit/write_behind.py), and
    has bounded memory on RocksDB (ROCKSDB_OPTIONS)."""

    def __init__(
        self, app: Any, *, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> None:
        store = str(kwargs.get("store") or app.conf.store)
        if options is None and store.startswith("rocksdb"):
            options = dict(ROCKSDB_OPTIONS)  # the store pops from it: one copy per table
        super().__init__(app, options=options, **kwargs)
        TABLE_WRITES_COALESCED.labels(self.name)  # exported (as 0) before anything is saved

    def send_changelog(
        self,
        partition: int | None,
        key: Any,
        value: Any,
        key_serializer: Any = None,
        value_serializer: Any = None,
    ) -> Any:
        effects.note()
        send = partial(
            super().send_changelog, partition, key, value, key_serializer, value_serializer
        )
        batch = write_behind.current()
        if partition is None or batch is None or not batch.hold(self.name, partition, key, send):
            return send()
        return write_behind.Held.at(partition)


class App(faust.App):
    """faust.App with `fetch_wait`: how long the broker may hold a fetch for data
    (services/kit/fetch_wait.py), and tables that count their writes."""

    def __init__(
        self, *args: Any, fetch_wait: AdaptiveFetchWait | None = None, **kwargs: Any
    ) -> None:
        self.fetch_wait = fetch_wait
        kwargs.setdefault("Table", Table)
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> Any:
        return _Transport(self.conf.broker_consumer, self)

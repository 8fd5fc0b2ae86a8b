"""The fetcher fixes of services/kit/faust_app.py, against the session broker.

Each test first shows the flaw in aiokafka alone (so the test says why the fix exists
and notices when an upgrade removes the need), then that the service's consumer thread
does not have it. The thread is driven on the test's loop with a real consumer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faust.types import TP

from services.kit.admin import ensure_topics
from services.kit.fetch_wait import AdaptiveFetchWait, adapt
from services.kit.runtime import ServiceRuntime
from services.kit.settings import load_settings

RECORDS = 5


@pytest.fixture
async def topic(broker, prefix) -> str:
    name = prefix + "stream"
    await ensure_topics(broker.bootstrap, [name], partitions=2)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
    await producer.start()
    try:
        for n in range(RECORDS):
            for partition in (0, 1):
                await producer.send_and_wait(name, f"{n}".encode(), partition=partition)
    finally:
        await producer.stop()
    return name


@pytest.fixture
async def consumer(broker, prefix, topic) -> AsyncIterator[AIOKafkaConsumer]:
    """A group member that has read every record of both partitions and committed none."""
    member = AIOKafkaConsumer(
        bootstrap_servers=broker.bootstrap,
        group_id=prefix + "group",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await member.start()
    member.assign([TopicPartition(topic, 0), TopicPartition(topic, 1)])
    try:
        read = 0
        while read < 2 * RECORDS:
            batch = await member.getmany(timeout_ms=5000)
            assert batch, "the records never arrived"
            read += sum(len(records) for records in batch.values())
        yield member
    finally:
        await member.stop()


def consumer_thread(tmp_path, member: AIOKafkaConsumer):
    """The service's consumer thread around `member`, its calls run on the test's loop."""
    settings = load_settings(env="test", kafka_bootstrap="127.0.0.1:9", data_dir=str(tmp_path))
    thread = ServiceRuntime("unit", settings).faust.consumer._new_consumer_thread()
    thread._consumer = member

    async def inline(fun, *args, **kwargs):
        return await fun(*args, **kwargs)

    thread.call_thread = inline
    return thread


async def test_seeking_to_committed_takes_back_a_partition_with_no_commit_or_0(
    tmp_path, consumer, topic
):
    p0, p1 = TopicPartition(topic, 0), TopicPartition(topic, 1)
    await consumer.commit({p1: 0})
    # aiokafka alone: neither partition moves, so what was fetched and not delivered is
    # skipped for good.
    assert await consumer.seek_to_committed() == {p0: None, p1: 0}
    assert (await consumer.position(p0), await consumer.position(p1)) == (RECORDS, RECORDS)

    committed = await consumer_thread(tmp_path, consumer).seek_to_committed()

    assert committed == {p0: None, p1: 0}  # what Faust records as committed: unchanged
    assert (await consumer.position(p0), await consumer.position(p1)) == (0, 0)


async def test_a_partition_with_a_commit_goes_back_to_it(tmp_path, consumer, topic):
    p0, p1 = TopicPartition(topic, 0), TopicPartition(topic, 1)
    await consumer.commit({p0: 3, p1: 2})
    await consumer_thread(tmp_path, consumer).seek_to_committed()
    assert (await consumer.position(p0), await consumer.position(p1)) == (3, 2)


async def test_no_records_are_fetched_while_every_partition_is_paused(tmp_path, consumer, topic):
    p0 = TopicPartition(topic, 0)
    consumer.seek(p0, 0)
    # aiokafka alone: the empty set Faust passes when it has paused everything means
    # "every partition".
    fetched = await consumer._fetcher.fetched_records(set(), timeout=5)
    assert [r.offset for r in fetched[p0]] == list(range(RECORDS))

    consumer.seek(p0, 0)
    thread = consumer_thread(tmp_path, consumer)
    started = asyncio.get_running_loop().time()
    assert await thread._fetch_records(consumer, set(), timeout=5) == {}
    assert asyncio.get_running_loop().time() - started < 1  # waits briefly, not the timeout
    assert await consumer.position(p0) == 0
    fetched = await thread._fetch_records(consumer, {p0}, timeout=5)
    assert [r.offset for r in fetched[p0]] == list(range(RECORDS))


async def test_the_end_of_a_partition_counts_every_record_of_its_last_batch(
    broker, prefix, tmp_path
):
    name = prefix + "batched"
    await ensure_topics(broker.bootstrap, [name], partitions=1)
    tp = TopicPartition(name, 0)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=100)
    await producer.start()
    try:  # sent together, they go as one batch
        sent = [await producer.send(name, f"{n}".encode(), partition=0) for n in range(RECORDS)]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    member = AIOKafkaConsumer(bootstrap_servers=broker.bootstrap, enable_auto_commit=False)
    await member.start()
    try:
        member.assign([tp])
        # aiokafka alone, on Tansu: the end is the first offset of the last batch + 1, so
        # Faust's table recovery would stop after the batch's first record.
        assert (await member.end_offsets([tp]))[tp] in (1, RECORDS)  # RECORDS on Kafka
        thread = consumer_thread(tmp_path, member)
        assert await thread._highwaters([TP(name, 0)]) == {TP(name, 0): RECORDS}
    finally:
        await member.stop()


async def test_the_flow_of_records_stops_at_every_assignment(tmp_path, monkeypatch):
    """Faust stops it only when partitions are taken away, so a process's first
    assignment handed out records before its tables were recovered."""
    settings = load_settings(env="test", kafka_bootstrap="127.0.0.1:9", data_dir=str(tmp_path))
    faust_consumer = ServiceRuntime("unit", settings).faust.consumer
    seen: list[bool] = []

    async def faust_assignment(self, assigned, generation_id=0):  # Faust's own, recorded
        seen.append(self.flow_active)

    monkeypatch.setattr(type(faust_consumer).__mro__[1], "on_partitions_assigned", faust_assignment)
    assert faust_consumer.flow_active  # a new process: Faust starts with the flow on
    await faust_consumer.on_partitions_assigned(set(), 1)
    assert seen == [False]


def test_resuming_stream_partitions_keeps_the_flow_stopped_until_the_seek(tmp_path):
    """The recovery resumes the partitions, seeks them, then resumes the flow; records
    fetched before the seek would come from the old positions."""
    settings = load_settings(env="test", kafka_bootstrap="127.0.0.1:9", data_dir=str(tmp_path))
    app = ServiceRuntime("unit", settings).faust
    faust_consumer = app.consumer
    changelog = next(iter(app.tables.changelog_topics))
    faust_consumer.resume_partitions({TP(changelog, 0)})
    assert faust_consumer.flow_active  # reading changelogs is the recovery itself
    faust_consumer.resume_partitions({TP("stream", 0)})
    assert not faust_consumer.flow_active
    faust_consumer.resume_flow()  # what the recovery does once it has sought
    assert faust_consumer.flow_active


async def test_a_gap_faust_would_count_as_done_is_logged(tmp_path, caplog):
    settings = load_settings(env="test", kafka_bootstrap="127.0.0.1:9", data_dir=str(tmp_path))
    faust_consumer = ServiceRuntime("unit", settings).faust.consumer
    tp = TP("t.marketreg.v1.events", 1)
    await faust_consumer._add_gap(tp, 48, 176)
    assert "t.marketreg.v1.events[1]: offsets 48-175 were never delivered" in caplog.text
    assert faust_consumer._gap[tp]  # Faust's own bookkeeping is unchanged


async def test_the_fetch_wait_grows_while_idle_and_is_short_once_records_come(
    broker, prefix, topic
):
    """The hook on aiokafka's fetcher (services/kit/fetch_wait.py), on real fetches."""
    member = AIOKafkaConsumer(topic, bootstrap_servers=broker.bootstrap, auto_offset_reset="latest")
    await member.start()
    wait = AdaptiveFetchWait(10, 160, hold_s=0.5)
    adapt(member._fetcher, wait)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
    await producer.start()
    try:
        assert await member.getmany(timeout_ms=2000) == {}  # empty fetches meanwhile
        assert member._fetcher._fetch_max_wait_ms == wait.wait_ms == 160
        await producer.send_and_wait(topic, b"after the idle spell", partition=0)
        batch = await member.getmany(timeout_ms=2000)
        assert [r.value for records in batch.values() for r in records] == [b"after the idle spell"]
        assert wait.wait_ms == 10  # and held there for half a second
    finally:
        await producer.stop()
        await member.stop()

"""The adaptive fetch wait against the real broker: a long partition is still read.

Tansu answers a fetch empty when listing the partition's stored batches takes longer than
the fetch's wait (services/kit/fetch_wait.py). At a 1 ms busy wait a partition of a few
thousand single-record batches is past that point on any machine here, so a consumer
that kept its busy wait would get nothing until the hold ran out (10 s here)."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from services.kit.admin import ensure_topics
from services.kit.fetch_wait import AdaptiveFetchWait, adapt

STORED_BATCHES = 5_000
READS = 5


async def test_a_consumer_on_a_long_partition_gets_each_new_record_within_seconds(broker, prefix):
    topic = prefix + "long"
    await ensure_topics(broker.bootstrap, [topic], partitions=1)
    tp = TopicPartition(topic, 0)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=0)
    consumer = AIOKafkaConsumer(bootstrap_servers=broker.bootstrap, enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    try:
        for n in range(STORED_BATCHES):  # one send at a time: one stored batch each
            await producer.send_and_wait(topic, b"old %d" % n, partition=0)
        wait = AdaptiveFetchWait(1, 1000, hold_s=10.0)
        adapt(consumer._fetcher, wait)
        consumer.assign([tp])
        await consumer.seek_to_end(tp)
        await consumer.position(tp)
        for n in range(READS):
            await producer.send_and_wait(topic, b"new %d" % n, partition=0)
            record = await asyncio.wait_for(consumer.getone(tp), timeout=3.0)
            assert record.value == b"new %d" % n
        assert wait.floor_ms > 1  # it had starved at 1 ms and learnt a longer wait
    finally:
        await consumer.stop()
        await producer.stop()

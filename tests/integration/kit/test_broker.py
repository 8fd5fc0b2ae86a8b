import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from services.kit.admin import ensure_topics, partitions_of
from services.kit.broker import EmbeddedBroker, kafka_answers


def test_embedded_broker_starts_answers_and_stops():
    broker = EmbeddedBroker().start()
    try:
        assert kafka_answers(broker.host, broker.port)
    finally:
        broker.stop()
    assert not kafka_answers(broker.host, broker.port, timeout=0.5)


def test_probe_rejects_a_port_nobody_listens_on():
    idle = EmbeddedBroker()  # picks a free port but is never started
    assert not kafka_answers(idle.host, idle.port, timeout=0.5)


async def test_topics_are_created_once_with_the_requested_partitions(broker, prefix):
    names = [prefix + "a", prefix + "b"]
    assert sorted(await ensure_topics(broker.bootstrap, names, partitions=3)) == names
    assert await ensure_topics(broker.bootstrap, names, partitions=3) == []
    assert await partitions_of(broker.bootstrap, prefix + "a") == [0, 1, 2]
    assert await partitions_of(broker.bootstrap, prefix + "missing") == []


async def test_headers_and_bytes_survive_the_broker(broker, prefix):
    topic = prefix + "raw"
    await ensure_topics(broker.bootstrap, [topic], partitions=1)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
    await producer.start()
    await producer.send_and_wait(topic, b"\x00\xffbytes", key=b"k", headers=[("ce_id", b"1")])
    await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=broker.bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, 0)])
        record = await asyncio.wait_for(consumer.getone(), 10)
    finally:
        await consumer.stop()
    assert (record.key, record.value, list(record.headers)) == (
        b"k",
        b"\x00\xffbytes",
        [("ce_id", b"1")],
    )

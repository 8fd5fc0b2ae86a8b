import asyncio
import socket

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from devtools import broker as broker_module
from devtools.broker import BrokerError, EmbeddedBroker
from devtools.kafka_compat import CompatProxy
from services.kit import address
from services.kit.admin import ensure_topics, partitions_of
from services.kit.kafka_probe import kafka_answers


def test_embedded_broker_starts_answers_and_stops():
    broker = EmbeddedBroker().start()
    try:
        assert kafka_answers(broker.host, broker.port)
        assert broker.pid is not None and address.listens(broker.pid, broker.port)
    finally:
        broker.stop()
    assert not kafka_answers(broker.host, broker.port, timeout=0.5)


def test_probe_rejects_a_port_nobody_listens_on():
    with socket.socket() as bound:  # bound, never listening: nobody answers there
        bound.bind(("127.0.0.1", 0))
        assert not kafka_answers("127.0.0.1", bound.getsockname()[1], timeout=0.5)


def test_a_picked_port_taken_by_another_kafka_listener_is_replaced(broker, monkeypatch):
    """The CI race: between picking the broker's port and Tansu binding it, another
    process (here another Kafka listener, which answers the probe) takes it. The start
    must notice that the listener is not its Tansu and start again on a fresh port."""
    squatter = CompatProxy(broker.host, broker.port, "127.0.0.1").start()
    picks = iter([squatter.port])
    real_free_port = broker_module.free_port
    monkeypatch.setattr(
        broker_module,
        "free_port",
        lambda host="127.0.0.1": next(picks, None) or real_free_port(host),
    )
    second = EmbeddedBroker()
    try:
        second.start()
        assert second.port != squatter.port
        assert second.pid is not None and address.listens(second.pid, second.port)
        assert kafka_answers(second.host, second.port)
    finally:
        second.stop()
        squatter.stop()


def test_a_port_asked_for_is_never_replaced():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BrokerError, match=f"port {port} was taken"):
            EmbeddedBroker(port=port).start(timeout=5)


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

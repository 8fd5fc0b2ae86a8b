"""The per-event pipeline (`runtime.consume`) without a broker: what is parked, what waits
for the broker, and what a dead letter of an oversize record carries."""

from __future__ import annotations

from dataclasses import replace
from hashlib import sha256
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError, MessageSizeTooLargeError
from faust.exceptions import ProducerSendError

from services.kit import consumer as consumer_module
from services.kit.bus import BusUnavailable, EventBus, EventTooLarge
from services.kit.consumer import DEAD_LETTER_PREFIX_BYTES, EventProcessor, Rejected
from services.kit.envelope import MAX_EVENT_BYTES, Envelope
from services.kit.idempotency import AppliedEvents
from services.kit.topics import dlq_topic
from tests.samples import sample_of_topic
from tests.unit.kit.test_consumer_batch import GROUP, TOPIC, good


class Producer:
    """Acknowledges what it is given and remembers it; `refuse` raises instead."""

    def __init__(self, refuse: BaseException | None = None) -> None:
        self.waited: list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]] = []
        self.refuse = refuse

    async def send(self, *_: Any) -> None:
        raise AssertionError("the per-event pipeline waits for each record")

    async def send_and_wait(self, topic: str, key: Any, value: Any, _p: Any, _t: Any, headers: Any):
        if self.refuse is not None:
            raise self.refuse
        self.waited.append((topic, key, value, headers))


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumer_module, "RETRY_FIRST_S", 0.001)


def pipeline(handler: Any, producer: Producer, table: dict[str, float]) -> EventProcessor:
    return EventProcessor(
        topic=TOPIC,
        bus=EventBus(producer, source="/govshare/tax"),
        handler=handler,
        applied=AppliedEvents(table),
        group=GROUP,
    )


async def test_a_broker_outage_in_the_handler_makes_the_event_wait_not_a_dead_letter():
    calls: list[str] = []

    async def handler(env: Envelope, _: Any) -> None:
        calls.append(env.id)
        if len(calls) < 3:
            raise BusUnavailable("the event log did not acknowledge the event")

    producer, applied = Producer(), {}
    outcome = await pipeline(handler, producer, applied).process(good(0))
    assert outcome == "handled"
    assert calls == ["event-0"] * 3
    assert producer.waited == []  # no dead letter
    assert len(applied) == 1


async def test_a_refused_event_is_parked_with_its_original_bytes():
    async def handler(_env: Envelope, _: Any) -> None:
        raise Rejected("unit_code", "unknown unit")

    producer = Producer()
    record = good(1)
    assert await pipeline(handler, producer, {}).process(record) == "dead_lettered"
    [(topic, key, value, headers)] = producer.waited
    assert (topic, key, value) == (dlq_topic(TOPIC), record.key, record.value)
    assert dict(headers)["dlq_reason"] == b"unit_code: unknown unit"
    assert "dlq_value_truncated" not in dict(headers)


async def test_an_oversize_record_is_parked_as_a_prefix_with_its_size_and_digest():
    async def handler(*_: Any) -> None:
        raise AssertionError("an oversize record never reaches the handler")

    producer = Producer()
    record = good(2)
    huge = (record.value or b"") + b"\x00" * MAX_EVENT_BYTES
    outcome = await pipeline(handler, producer, {}).process(replace(record, value=huge))
    assert outcome == "dead_lettered"
    [(_, _, value, headers)] = producer.waited
    found = dict(headers)
    assert value == huge[:DEAD_LETTER_PREFIX_BYTES]
    assert found["dlq_field"] == b"value"
    assert found["dlq_value_bytes"] == str(len(huge)).encode()
    assert found["dlq_value_sha256"] == sha256(huge).hexdigest().encode()
    assert found["ce_id"] == b"event-2"  # the original headers still identify it


async def test_a_record_the_producer_refuses_for_size_is_not_reported_as_an_outage():
    too_large = ProducerSendError("Error while sending")
    too_large.__cause__ = MessageSizeTooLargeError()
    bus = EventBus(Producer(refuse=too_large), source="/govshare/tax")
    with pytest.raises(EventTooLarge):
        await bus.publish(_sample_message(), subject="x")


async def test_a_broker_that_does_not_answer_is_an_outage():
    bus = EventBus(Producer(refuse=KafkaTimeoutError()), source="/govshare/tax")
    with pytest.raises(BusUnavailable, match="retry with the same request id"):
        await bus.publish(_sample_message(), subject="x")


def _sample_message() -> Any:
    return sample_of_topic(TOPIC).message


class Marks(dict[str, float]):
    """The applied-events table, recording when a mark is set."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def __setitem__(self, key: str, value: float) -> None:
        self.log.append("mark")
        super().__setitem__(key, value)


async def test_an_event_is_marked_applied_only_once_its_table_writes_are_acknowledged():
    """A mark that became durable before the writes it covers made a SIGKILL lose them
    for good (services/kit/idempotency.py); a broker away meanwhile makes it wait."""
    log: list[str] = []

    async def handler(_env: Envelope, _: Any) -> None:
        log.append("handled")

    async def flush() -> None:
        log.append("flush")
        if log.count("flush") == 1:
            raise BusUnavailable("table writes not acknowledged")

    processor = pipeline(handler, Producer(), {})
    processor.applied = AppliedEvents(Marks(log), flush=flush)
    assert await processor.process(good(0)) == "handled"
    assert log == ["handled", "flush", "flush", "mark"]

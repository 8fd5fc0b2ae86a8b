"""A per-event handler on the pipeline (`runtime.consume`: `each_event`) without a broker:
what is parked, what waits for the broker, what is marked applied, what a command applies
here, and what a dead letter of an oversize record carries."""

from __future__ import annotations

from dataclasses import replace
from hashlib import sha256
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError, MessageSizeTooLargeError
from faust.exceptions import ProducerSendError

from services.kit import consumer as consumer_module
from services.kit import effects
from services.kit.bus import BusUnavailable, EventBus, EventTooLarge
from services.kit.consumer import (
    DEAD_LETTER_PREFIX_BYTES,
    BatchProcessor,
    Delivery,
    Rejected,
    each_event,
)
from services.kit.envelope import MAX_EVENT_BYTES, Envelope
from services.kit.idempotency import AppliedEvents
from services.kit.topics import dlq_topic
from tests.samples import sample_of_topic
from tests.unit.kit.test_consumer_batch import GROUP, TOPIC, FakeProducer, good


class Producer(FakeProducer):
    """Acknowledges what it is given and remembers it; `refuse` raises instead."""

    def __init__(self, refuse: BaseException | None = None) -> None:
        super().__init__()
        self.refuse = refuse
        self.produced: list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]] = []

    async def send(self, topic: str, key: Any, value: Any, *rest: Any) -> Any:
        self.produced.append((topic, key, value, rest[-1]))
        return await super().send(topic, key, value, *rest)

    async def send_and_wait(self, topic: str, key: Any, value: Any, *rest: Any) -> None:
        if self.refuse is not None:
            raise self.refuse
        await super().send_and_wait(topic, key, value, *rest)


class Single:
    """The pipeline a per-event handler gets, fed one record at a time."""

    def __init__(self, pipeline: BatchProcessor) -> None:
        self.pipeline = pipeline

    async def process(self, record: Delivery) -> str:
        [outcome] = await self.pipeline.process([record])
        return outcome

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pipeline, name)


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumer_module, "RETRY_FIRST_S", 0.001)


def pipeline(handler: Any, producer: Producer, table: dict[str, float]) -> Single:
    return Single(
        BatchProcessor(
            topic=TOPIC,
            bus=EventBus(producer, source="/govshare/tax"),
            handler=each_event(handler),
            applied=AppliedEvents(table),
            group=GROUP,
        )
    )


async def test_a_broker_outage_in_the_handler_makes_the_event_wait_not_a_dead_letter():
    calls: list[str] = []

    async def handler(env: Envelope, _: Any) -> None:
        calls.append(env.id)
        effects.note()  # a table write
        if len(calls) < 3:
            raise BusUnavailable("the event log did not acknowledge the event")

    producer, applied = Producer(), {}
    outcome = await pipeline(handler, producer, applied).process(good(0))
    assert outcome == "handled"
    assert calls == ["event-0"] * 3
    assert producer.produced == []  # no dead letter
    assert len(applied) == 1


async def test_a_refused_event_is_parked_with_its_original_bytes():
    async def handler(_env: Envelope, _: Any) -> None:
        raise Rejected("unit_code", "unknown unit")

    producer = Producer()
    record = good(1)
    assert await pipeline(handler, producer, {}).process(record) == "dead_lettered"
    [(topic, key, value, headers)] = producer.produced
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
    [(_, _, value, headers)] = producer.produced
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
        effects.note()  # a table write

    async def flush() -> None:
        log.append("flush")
        if log.count("flush") == 1:
            raise BusUnavailable("table writes not acknowledged")

    processor = pipeline(handler, Producer(), {})
    processor.pipeline.applied = AppliedEvents(Marks(log), flush=flush)
    assert await processor.process(good(0)) == "handled"
    assert log == ["handled", "flush", "flush", "mark"]


async def test_an_event_that_changed_nothing_is_not_marked_and_is_handled_again():
    """A mark costs a changelog record (a produce request of its own on the embedded
    broker); an event that wrote and published nothing is as safe to apply again."""
    handled: list[str] = []
    writes = {"event-0": 1}  # the first event writes a table; the second changes nothing

    async def handler(env: Envelope, _: Any) -> None:
        handled.append(env.id)
        effects.note(writes.get(env.id, 0))

    marks: dict[str, float] = {}
    processor = pipeline(handler, Producer(), marks)
    for record in (good(0), good(1), good(0), good(1)):  # then both redelivered
        assert await processor.process(record) in ("handled", "duplicate")
    assert handled == ["event-0", "event-1", "event-1"]
    assert len(marks) == 1


async def test_a_command_applies_its_record_here_only_when_everything_before_it_is_applied():
    handled: list[str] = []

    async def handler(env: Envelope, _: Any) -> None:
        handled.append(env.id)

    processor = pipeline(handler, Producer(), {})
    # offset 5 while offset 4 is still to apply: the log's order wins, the consumer does it
    assert not await processor.apply_here(good(5), next_to_apply=lambda: 4)
    assert handled == []
    assert await processor.apply_here(good(4), next_to_apply=lambda: 4)
    assert handled == ["event-4"]
    assert processor.progress[good(4).partition][0] == 5


async def test_the_consumer_skips_what_a_command_applied_here_and_handles_the_rest():
    handled: list[str] = []

    async def handler(env: Envelope, _: Any) -> None:
        handled.append(env.id)

    processor = pipeline(handler, Producer(), {})
    assert await processor.apply_here(good(4), next_to_apply=lambda: 4)
    assert await processor.process(good(4)) == "applied_here"
    assert await processor.process(good(6)) == "handled"
    assert handled == ["event-4", "event-6"]  # once each
    assert not any(processor._applied_here.values())  # nothing kept once passed

"""The batch pipeline (`runtime.consume_batch`) without a broker: per-event rules, one
produce round trip per batch, nothing marked applied before the broker has it all."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError
from google.protobuf.message import Message

from services.kit.bus import EventBus, Outbox
from services.kit.consumer import (
    Accepted,
    BatchProcessor,
    Delivery,
    Rejected,
    each_event,
)
from services.kit.envelope import Envelope, Record, encode_headers, make_envelope
from services.kit.idempotency import AppliedEvents
from tests.samples import sample_of_topic

TOPIC = "tax.v1.events"
GROUP = "govshare-test"


class FakeProducer:
    """Records what was produced; `fail` makes the next acknowledgements fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes | None]] = []
        self.waited: list[tuple[str, bytes | None, bytes | None]] = []
        self.headers: list[Any] = []  # of each record sent
        self.fail = 0

    async def send(self, topic: str, key: Any, value: Any, *rest: Any) -> asyncio.Future[None]:
        self.sent.append((topic, key, value))
        self.headers.append(rest[-1] if rest else [])
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.fail:
            self.fail -= 1
            ack.set_exception(KafkaTimeoutError())
        else:
            ack.set_result(None)
        return ack

    async def send_and_wait(self, topic: str, key: Any, value: Any, *_: Any) -> None:
        self.waited.append((topic, key, value))


def delivery(offset: int, env: Envelope, message: Message, **changes: Any) -> Delivery:
    record = Delivery(
        TOPIC,
        offset % 2,
        offset,
        env.subject.encode(),
        message.SerializeToString(),
        encode_headers(env),
    )
    return replace(record, **changes)


def good(offset: int, event_id: str = "") -> Delivery:
    sample = sample_of_topic(TOPIC)
    env = replace(sample.envelope, id=event_id or f"event-{offset}")
    return delivery(offset, env, sample.message)


def processor(handler: Any, producer: FakeProducer, table: dict[str, float]) -> BatchProcessor:
    bus = EventBus(producer, source="/govshare/tax")
    return BatchProcessor(
        topic=TOPIC,
        bus=bus,
        handler=handler,
        applied=AppliedEvents(table),
        group=GROUP,
        retry_s=0.01,
    )


def publishing(bus_of: list[EventBus], seen: list[str]) -> Any:
    """A batch handler that publishes one event per accepted event."""

    async def handle(items: Sequence[Accepted]) -> None:
        for item in items:
            seen.append(item.env.id)
            await bus_of[0].publish(item.message, subject=item.env.subject)

    return handle


async def test_a_batch_is_produced_together_then_marked_applied():
    producer, table, seen = FakeProducer(), {}, []
    bus_of: list[EventBus] = []
    proc = processor(publishing(bus_of, seen), producer, table)
    bus_of.append(proc.bus)
    outcomes = await proc.process([good(0), good(1), good(2)])
    assert outcomes == ["handled"] * 3
    assert seen == ["event-0", "event-1", "event-2"]
    assert len(producer.sent) == 3 and not producer.waited  # pipelined, not one by one
    assert sorted(table) == [f"/govshare/tax|event-{n}" for n in range(3)]
    assert proc.progress == {0: (3, 0.0), 1: (2, 0.0)}


async def test_duplicates_in_the_batch_and_from_before_are_skipped():
    producer, seen = FakeProducer(), []
    table = {"/govshare/tax|event-9": 1.0}
    bus_of: list[EventBus] = []
    proc = processor(publishing(bus_of, seen), producer, table)
    bus_of.append(proc.bus)
    outcomes = await proc.process([good(0, "a"), good(1, "a"), good(2, "event-9")])
    assert outcomes == ["handled", "duplicate", "duplicate"]
    assert seen == ["a"]


async def test_bad_and_refused_events_are_dead_lettered_with_their_headers():
    producer, table = FakeProducer(), {}

    async def refuse_b(items: Sequence[Accepted]) -> None:
        for item in items:
            if item.env.id == "b":
                item.reject("amount", "too much")

    proc = processor(refuse_b, producer, table)
    garbage = replace(good(1), value=b"\xff\xfe not protobuf")
    outcomes = await proc.process([good(0, "a"), garbage, good(2, "b")])
    assert outcomes == ["handled", "dead_lettered", "dead_lettered"]
    assert [topic for topic, _, _ in producer.sent] == [TOPIC + ".dlq"] * 2
    assert sorted(table) == ["/govshare/tax|a"]  # refused events are not marked applied
    assert producer.sent[0][2] == garbage.value  # the original bytes


async def test_dead_letter_headers_name_the_field_and_keep_the_originals():
    producer, table = FakeProducer(), {}
    records: list[Record] = []
    proc = processor(_noop, producer, table)

    async def capture(outbox: Outbox) -> None:
        records.extend(r for r, _ in outbox.records)

    proc.bus.flush = capture  # type: ignore[method-assign]
    bad = good(5)
    bad = replace(bad, headers=[(n, v) for n, v in bad.headers if n != "ce_id"])
    await proc.process([bad])
    (letter,) = records
    headers = dict(letter.headers)
    assert headers["dlq_field"] == b"ce_id"
    assert headers["dlq_topic"] == TOPIC.encode()
    assert headers["dlq_offset"] == b"5"
    assert headers["dlq_consumer_group"] == GROUP.encode()
    for name, value in bad.headers:
        assert headers[name] == value


async def test_a_failing_batch_is_retried_event_by_event_and_only_the_culprit_is_parked():
    producer, table, calls = FakeProducer(), {}, []
    bus_of: list[EventBus] = []

    async def fragile(items: Sequence[Accepted]) -> None:
        calls.append([i.env.id for i in items])
        for item in items:
            await bus_of[0].publish(item.message, subject=item.env.subject)
            if item.env.id == "bad":
                raise ZeroDivisionError("bug")

    proc = processor(fragile, producer, table)
    bus_of.append(proc.bus)
    outcomes = await proc.process([good(0, "a"), good(1, "bad"), good(2, "c")])
    assert outcomes == ["handled", "dead_lettered", "handled"]
    assert calls == [["a", "bad", "c"], ["a"], ["bad"], ["c"]]
    topics = [topic for topic, _, _ in producer.sent]
    # what the failed attempts staged was dropped: one event each for a and c, one letter
    assert topics == [TOPIC, TOPIC, TOPIC + ".dlq"]
    assert sorted(table) == ["/govshare/tax|a", "/govshare/tax|c"]


async def test_nothing_is_marked_applied_until_the_broker_acknowledged_the_batch():
    producer, table, seen = FakeProducer(), {}, []
    producer.fail = 2  # the first flush fails, the second succeeds
    bus_of: list[EventBus] = []
    proc = processor(publishing(bus_of, seen), producer, table)
    bus_of.append(proc.bus)
    outcomes = await proc.process([good(0), good(1)])
    assert outcomes == ["handled", "handled"]
    assert len(producer.sent) == 4  # the same two records, produced again
    assert producer.sent[:2] == producer.sent[2:]
    assert len(table) == 2


async def test_a_broker_away_keeps_the_batch_pending():
    producer, table, seen = FakeProducer(), {}, []
    producer.fail = 10**6
    bus_of: list[EventBus] = []
    proc = processor(publishing(bus_of, seen), producer, table)
    bus_of.append(proc.bus)
    task = asyncio.create_task(proc.process([good(0)]))
    await asyncio.sleep(0.1)
    assert not task.done() and table == {}  # not acknowledged: offsets stay, no marks
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_each_event_runs_a_per_event_handler_and_drops_what_a_refused_event_staged():
    producer, table = FakeProducer(), {}
    bus_of: list[EventBus] = []

    async def per_event(env: Envelope, message: Message) -> None:
        await bus_of[0].publish(message, subject=env.subject)
        if env.id == "no":
            raise Rejected("status", "not now")

    proc = processor(each_event(per_event), producer, table)
    bus_of.append(proc.bus)
    outcomes = await proc.process([good(0, "yes"), good(1, "no")])
    assert outcomes == ["handled", "dead_lettered"]
    assert [topic for topic, _, _ in producer.sent] == [TOPIC, TOPIC + ".dlq"]


async def test_each_event_marks_only_the_events_that_changed_something():
    producer, table = FakeProducer(), {}
    bus_of: list[EventBus] = []

    async def per_event(env: Envelope, message: Message) -> None:
        if env.id == "publishes":
            await bus_of[0].publish(message, subject=env.subject)

    proc = processor(each_event(per_event), producer, table)
    bus_of.append(proc.bus)
    outcomes = await proc.process([good(0, "publishes"), good(1, "changes-nothing")])
    assert outcomes == ["handled", "handled"]
    assert sorted(table) == ["/govshare/tax|publishes"]


async def test_outside_a_batch_publish_waits_for_the_broker():
    producer = FakeProducer()
    bus = EventBus(producer, source="/govshare/tax")
    sample = sample_of_topic(TOPIC)
    await bus.publish(sample.message, subject=sample.envelope.subject)
    assert len(producer.waited) == 1 and not producer.sent
    with bus.staging() as outbox:
        env = make_envelope(sample.message, source="/govshare/tax", subject="x")
        await bus.publish(sample.message, subject=env.subject)
    assert len(outbox) == 1 and len(producer.waited) == 1
    await bus.flush(outbox)
    assert len(producer.sent) == 1


async def _noop(items: Sequence[Accepted]) -> None:
    return None


async def test_a_batch_is_marked_applied_after_one_wait_for_its_table_writes():
    log: list[str] = []

    async def handler(items: Sequence[Accepted]) -> None:
        log.append(f"handled {len(items)}")

    async def flush() -> None:
        log.append("flush")

    class Marks(dict[str, float]):
        def __setitem__(self, key: str, value: float) -> None:
            log.append("mark")
            super().__setitem__(key, value)

    proc = processor(handler, FakeProducer(), {})
    proc.applied = AppliedEvents(Marks(), flush=flush)
    assert await proc.process([good(0), good(1)]) == ["handled"] * 2
    assert log == ["handled 2", "flush", "mark", "mark"]


async def test_what_a_batch_flushes_is_handed_to_apply_here_with_where_the_broker_put_it():
    class Placing(FakeProducer):
        async def send(self, topic: str, key: Any, value: Any, *_: Any) -> asyncio.Future[Any]:
            self.sent.append((topic, key, value))
            ack: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            ack.set_result(SimpleNamespace(partition=3, offset=len(self.sent) + 40))
            return ack

    handed: list[Any] = []
    bus = EventBus(Placing(), source="/govshare/tax")
    bus.apply_here = handed.extend
    sample = sample_of_topic(TOPIC)
    with bus.staging() as outbox:
        for _ in range(2):
            await bus.publish(sample.message, subject=sample.envelope.subject)
    assert handed == []  # staged: nothing is placed before the broker has it
    await bus.flush(outbox)
    assert [(p.record.topic, p.partition, p.offset) for p in handed] == [
        (TOPIC, 3, 41),
        (TOPIC, 3, 42),
    ]


def keyed(offset: int, key: str) -> Delivery:
    sample = sample_of_topic(TOPIC)
    env = replace(sample.envelope, id=f"event-{offset}", subject=key)
    return replace(delivery(offset, env, sample.message), partition=0)


async def test_by_key_runs_keys_concurrently_each_in_order_and_publishes_in_log_order():
    producer, table = FakeProducer(), {}
    bus_of: list[EventBus] = []
    second_key_started = asyncio.Event()
    order: list[str] = []

    async def per_event(env: Envelope, message: Message) -> None:
        order.append(env.id)
        if env.id == "event-0":  # waits on a call; the other key must not wait behind it
            await asyncio.wait_for(second_key_started.wait(), 2)
        if env.subject == "unit-b":
            second_key_started.set()
        await bus_of[0].publish(message, subject=env.subject, event_id=f"out-{env.id}")

    proc = processor(each_event(per_event, by_key=True), producer, table)
    bus_of.append(proc.bus)
    records = [keyed(0, "unit-a"), keyed(1, "unit-b"), keyed(2, "unit-a"), keyed(3, "unit-b")]
    assert await proc.process(records) == ["handled"] * 4
    assert order.index("event-0") < order.index("event-2")  # one key: in log order
    assert order.index("event-1") < order.index("event-0") + 2  # unit-b did not wait
    assert len(producer.sent) == 4
    ids = [dict(h)["ce_id"] for h in producer.headers]
    assert ids == [f"out-event-{n}".encode() for n in range(4)]  # produced in log order


async def test_without_by_key_one_slow_key_holds_up_the_partition():
    gate = asyncio.Event()

    async def per_event(env: Envelope, message: Message) -> None:
        if env.id == "event-0":
            await asyncio.wait_for(gate.wait(), 0.2)
        gate.set()

    proc = processor(each_event(per_event), FakeProducer(), {})
    outcomes = await proc.process([keyed(0, "unit-a"), keyed(1, "unit-b")])
    assert outcomes[0] == "dead_lettered"  # timed out waiting for the event behind it

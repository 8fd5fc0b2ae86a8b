"""Publish enveloped events through the service's Faust producer.

Outside a batch, `publish` waits until the broker acknowledged the record (a command's
caller then knows it happened). Inside `EventBus.staging()` (what a batch consumer
opens around its handler) records are staged in an `Outbox` instead, and `flush`
produces them all at once, pipelined, and waits for every acknowledgement together:
one round trip per batch instead of one per event.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka.errors import KafkaError, MessageSizeTooLargeError
from faust.exceptions import ProducerSendError
from google.protobuf.message import Message

from services.kit import effects
from services.kit.envelope import Envelope, Headers, Record, make_envelope, to_record
from services.kit.metrics import EVENTS_PRODUCED


class BusUnavailable(RuntimeError):
    """The broker did not take an event in time; the command it carried did not happen."""


class EventTooLarge(ValueError):
    """The producer refused a record for its size: retrying cannot help."""


class Producer(Protocol):
    """What Faust's producer offers, as far as the bus needs it."""

    async def send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: Headers | None,
    ) -> Awaitable[Any]: ...

    async def send_and_wait(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: Headers | None,
    ) -> Any: ...


class Outbox:
    """Records staged during one batch, in the order they were published."""

    def __init__(self) -> None:
        self.records: list[tuple[Record, str]] = []

    def stage(self, record: Record, type_label: str) -> None:
        self.records.append((record, type_label))

    def mark(self) -> int:
        """A point to `rollback` to (what an event staged before it was refused)."""
        return len(self.records)

    def rollback(self, mark: int) -> None:
        del self.records[mark:]

    def __len__(self) -> int:
        return len(self.records)


_staging: ContextVar[Outbox | None] = ContextVar("govshare_outbox", default=None)


def staging_outbox() -> Outbox | None:
    """The outbox `send` stages into here, or None outside a batch."""
    return _staging.get()


@contextlib.contextmanager
def staging_into(outbox: Outbox) -> Iterator[Outbox]:
    """Within this block (and the tasks it starts), `send` stages into `outbox`."""
    token = _staging.set(outbox)
    try:
        yield outbox
    finally:
        _staging.reset(token)


@dataclass(frozen=True)
class Placed:
    """A record the broker acknowledged, and where it put it."""

    record: Record
    partition: int
    offset: int


class EventBus:
    """Turns a domain event into a keyed, enveloped record and produces it.

    `topic_prefix` namespaces every topic (tests run services on their own topics).
    `apply_here` (set by the runtime) applies each record produced here (by a command or
    a batch's flush), once the broker has it, without waiting for the consumer to fetch
    it back, where the worker may (runtime.ServiceRuntime._apply_here).
    """

    apply_here: Callable[[Sequence[Placed]], None] | None = None

    def __init__(
        self, producer: Producer, *, source: str, topic_prefix: str = "", timeout_s: float = 5.0
    ) -> None:
        self.producer = producer
        self.source = source
        self.topic_prefix = topic_prefix
        # A request must not hang on a broker that is away: past this the caller gets a
        # clear "unavailable" instead (and may retry with the same request id).
        self.timeout_s = timeout_s

    def topic(self, name: str) -> str:
        return self.topic_prefix + name

    async def publish(self, message: Message, *, subject: str, **attrs: Any) -> Envelope:
        return (await self.publish_placed(message, subject=subject, **attrs))[0]

    async def publish_placed(
        self, message: Message, *, subject: str, **attrs: Any
    ) -> tuple[Envelope, Placed | None]:
        """Publish; also say where the broker put the record (None when staged)."""
        env = make_envelope(message, source=self.source, subject=subject, **attrs)
        record = to_record(message, env)
        placed = await self.send(
            Record(self.topic(record.topic), record.key, record.value, record.headers),
            type_label=env.type,
        )
        return env, placed

    async def send(self, record: Record, *, type_label: str | None = None) -> Placed | None:
        label = type_label or _type_of(record)
        effects.note()
        outbox = _staging.get()
        if outbox is not None:
            outbox.stage(record, label)
            return None
        try:
            metadata = await asyncio.wait_for(
                self.producer.send_and_wait(
                    record.topic, record.key, record.value, None, None, record.headers
                ),
                self.timeout_s,
            )
        except (TimeoutError, KafkaError, ProducerSendError) as exc:
            raise _failure(self.timeout_s, exc) from exc
        EVENTS_PRODUCED.labels(record.topic, label).inc()
        partition, offset = getattr(metadata, "partition", None), getattr(metadata, "offset", None)
        if not isinstance(partition, int) or not isinstance(offset, int):
            return None  # a producer that does not say (test fakes)
        placed = Placed(record, partition, offset)
        if self.apply_here is not None:
            # Whoever waits for it (a command) or reads it next (the holder reading the
            # access log a resolution just wrote) need not wait for the consumer's fetch.
            self.apply_here([placed])
        return placed

    def staging(self) -> contextlib.AbstractContextManager[Outbox]:
        """Within this block (and the tasks it starts), `send` stages instead of producing."""
        return staging_into(Outbox())

    async def flush(self, outbox: Outbox) -> None:
        """Produce the staged records in order, pipelined; return once all are acknowledged.

        Raises BusUnavailable when any is not acknowledged within the timeout; the caller
        may flush the same outbox again (a repeated record has the same `ce_id`, which
        every consumer deduplicates).
        """
        if not outbox.records:
            return
        try:
            pending = [
                await self.producer.send(r.topic, r.key, r.value, None, None, r.headers)
                for r, _ in outbox.records
            ]
            results = await asyncio.wait_for(asyncio.gather(*pending), self.timeout_s)
        except (TimeoutError, KafkaError, ProducerSendError) as exc:
            raise _failure(self.timeout_s, exc) from exc
        for (topic, label), count in Counter((r.topic, t) for r, t in outbox.records).items():
            EVENTS_PRODUCED.labels(topic, label).inc(count)
        if self.apply_here is not None:
            # What a consumer publishes onto its own service's topics is applied here too
            # (the next step of a case need not wait for the consumer's fetch).
            placed = [
                Placed(record, metadata.partition, metadata.offset)
                for (record, _), metadata in zip(outbox.records, results, strict=True)
                if isinstance(getattr(metadata, "partition", None), int)
                and isinstance(getattr(metadata, "offset", None), int)
            ]
            if placed:
                self.apply_here(placed)


def _failure(timeout_s: float, exc: BaseException) -> BusUnavailable | EventTooLarge:
    cause: BaseException | None = exc
    while cause is not None:  # Faust wraps aiokafka's error in ProducerSendError
        if isinstance(cause, MessageSizeTooLargeError):
            return EventTooLarge(f"the event log refuses the record for its size: {cause}")
        cause = cause.__cause__
    return BusUnavailable(
        f"the event log did not acknowledge the event within {timeout_s:g} s "
        f"({type(exc).__name__}); it may still arrive: retry with the same request id, "
        "which makes a retry harmless"
    )


def _type_of(record: Record) -> str:
    for name, value in record.headers:
        if name == "ce_type":
            return value.decode("utf-8", "replace")
    return "unknown"

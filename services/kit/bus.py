"""Publish enveloped events through the service's Faust producer."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from aiokafka.errors import KafkaError
from faust.exceptions import ProducerSendError
from google.protobuf.message import Message

from services.kit.envelope import Envelope, Headers, Record, make_envelope, to_record
from services.kit.metrics import EVENTS_PRODUCED


class BusUnavailable(RuntimeError):
    """The broker did not take an event in time; the command it carried did not happen."""


class Producer(Protocol):
    """What Faust's and aiokafka's producers share, as far as the bus needs it."""

    async def send_and_wait(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: Headers | None,
    ) -> Any: ...


class EventBus:
    """Turns a domain event into a keyed, enveloped record and produces it.

    `topic_prefix` namespaces every topic (tests run services on their own topics).
    """

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
        env = make_envelope(message, source=self.source, subject=subject, **attrs)
        record = to_record(message, env)
        await self.send(Record(self.topic(record.topic), record.key, record.value, record.headers))
        return env

    async def send(self, record: Record, *, type_label: str | None = None) -> None:
        try:
            await asyncio.wait_for(
                self.producer.send_and_wait(
                    record.topic, record.key, record.value, None, None, record.headers
                ),
                self.timeout_s,
            )
        except (TimeoutError, KafkaError, ProducerSendError) as exc:
            raise BusUnavailable(
                f"the event log did not acknowledge the event within {self.timeout_s:g} s "
                f"({type(exc).__name__}); it may still arrive: retry with the same request id, "
                "which makes a retry harmless"
            ) from exc
        EVENTS_PRODUCED.labels(record.topic, type_label or _type_of(record)).inc()


def _type_of(record: Record) -> str:
    for name, value in record.headers:
        if name == "ce_type":
            return value.decode("utf-8", "replace")
    return "unknown"

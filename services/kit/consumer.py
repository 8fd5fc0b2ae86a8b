"""Consume a govshare topic: decode, validate, dedup, apply; dead-letter what fails.

Nothing is dropped and nothing blocks the partition: an event that cannot be accepted
goes to `<topic>.dlq` with its original key, value and headers plus `dlq_*` headers
that say why, and the consumer moves on to the next event.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message

from services.kit import validation
from services.kit.bus import EventBus
from services.kit.envelope import Envelope, EnvelopeError, Headers, Record, decode
from services.kit.idempotency import AppliedEvents
from services.kit.metrics import EVENT_HANDLING_SECONDS, EVENTS_CONSUMED, EVENTS_DEAD_LETTERED
from services.kit.topics import BY_NAME, dlq_topic

log = logging.getLogger(__name__)

Handler = Callable[[Envelope, Message], Awaitable[None]]


class Rejected(Exception):
    """Raised by a handler for a well-formed event that the domain refuses."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Delivery:
    """One record as the consumer saw it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes | None]]
    timestamp: float = 0.0  # when the record was produced (seconds since the epoch)


class EventProcessor:
    """The per-record pipeline, independent of how records are fetched."""

    def __init__(
        self,
        *,
        topic: str,
        bus: EventBus,
        handler: Handler,
        applied: AppliedEvents | None,
        group: str,
    ) -> None:
        self.topic = topic
        self.spec = BY_NAME[topic.removeprefix(bus.topic_prefix)]
        self.bus = bus
        self.handler = handler
        self.applied = applied
        self.group = group
        # partition -> (next offset to process, produce time of the last processed record)
        self.progress: dict[int, tuple[int, float]] = {}

    def _accept(self, delivery: Delivery) -> tuple[Envelope, Message, str]:
        env, message, kind = decode(delivery.headers, delivery.value)
        if kind.topic.name != self.spec.name:
            raise EnvelopeError("ce_type", f"{kind.name} does not belong on {self.spec.name}")
        if not (env.source == self.spec.owner or env.source.startswith(self.spec.owner + "/")):
            raise EnvelopeError(
                "ce_source",
                f"{env.source!r} may not write {self.spec.name} (owner {self.spec.owner})",
            )
        key = (delivery.key or b"").decode("utf-8", "replace")
        if key != env.subject:
            raise EnvelopeError("key", f"record key {key!r} differs from ce_subject")
        problems = validation.check(message)
        if problems:
            raise EnvelopeError(problems[0].path, "; ".join(map(str, problems)))
        return env, message, kind.name

    async def process(self, delivery: Delivery) -> str:
        """Handle one record; return the outcome label."""
        started = time.perf_counter()
        type_label = "unknown"
        try:
            env, message, type_label = self._accept(delivery)
            if self.applied is not None and self.applied.seen(env):
                outcome = "duplicate"
            else:
                await self.handler(env, message)
                if self.applied is not None:
                    self.applied.mark(env)
                outcome = "handled"
        except (EnvelopeError, Rejected) as exc:
            await self.dead_letter(delivery, exc.field, exc.reason, type(exc).__name__)
            outcome = "dead_lettered"
        except Exception as exc:
            # A handler bug must not wedge the partition: park the event and say so loudly.
            log.exception(
                "handler failed on %s[%d]@%d", delivery.topic, delivery.partition, delivery.offset
            )
            await self.dead_letter(delivery, "handler", repr(exc), type(exc).__name__)
            outcome = "dead_lettered"
        self.progress[delivery.partition] = (delivery.offset + 1, delivery.timestamp)
        EVENTS_CONSUMED.labels(self.topic, type_label, outcome).inc()
        EVENT_HANDLING_SECONDS.labels(self.topic, type_label).observe(time.perf_counter() - started)
        return outcome

    async def dead_letter(
        self, delivery: Delivery, field: str, reason: str, error_class: str
    ) -> None:
        headers: Headers = [(n, v) for n, v in delivery.headers if v is not None]
        headers += [
            ("dlq_reason", f"{field}: {reason}".encode()),
            ("dlq_field", field.encode()),
            ("dlq_error_class", error_class.encode()),
            ("dlq_topic", delivery.topic.encode()),
            ("dlq_partition", str(delivery.partition).encode()),
            ("dlq_offset", str(delivery.offset).encode()),
            ("dlq_consumer_group", self.group.encode()),
        ]
        record = Record(
            dlq_topic(delivery.topic), delivery.key or b"", delivery.value or b"", headers
        )
        await self.bus.send(record, type_label="dead_letter")
        EVENTS_DEAD_LETTERED.labels(delivery.topic, field).inc()
        log.warning(
            "dead-lettered %s[%d]@%d: %s: %s",
            delivery.topic,
            delivery.partition,
            delivery.offset,
            field,
            reason,
        )


def delivery_of(event: Any) -> Delivery:
    """Adapt a Faust event to a Delivery."""
    msg = event.message
    headers = event.headers
    if isinstance(headers, dict):
        headers = list(headers.items())
    return Delivery(
        msg.topic,
        msg.partition,
        msg.offset,
        event.key,
        event.value,
        list(headers or ()),
        float(msg.timestamp or 0.0),
    )


async def accept_valid(env: Envelope, message: Message) -> None:
    """A handler that applies nothing: the pipeline alone validates, dedups, dead-letters.

    Services use it for inputs whose domain rules have not been written yet.
    """

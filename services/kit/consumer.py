"""Consume a govshare topic: decode, validate, dedup, apply; dead-letter what fails.

Nothing is dropped and nothing blocks the partition: an event that cannot be accepted
goes to `<topic>.dlq` with its original key, value and headers plus `dlq_*` headers
that say why, and the consumer moves on to the next event.

One pipeline, `BatchProcessor`, takes the records that have arrived together: decode,
validation and dedup stay per event, the handler sees the batch, and everything the
batch publishes (dead letters included) is produced together and acknowledged together
before any of its events is marked applied or its offsets are acknowledged
(at-least-once). A service with a handler per event (`runtime.consume`) gets it through
`each_event`: events are applied one at a time in log order, and a batch costs one
produce round trip and one wait for its table writes instead of one per event (until
session 5 a per-record pipeline waited for the broker after every event that changed
anything; docs/performance.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
import weakref
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import faust.streams
from google.protobuf.message import Message

from services.kit import effects, validation, write_behind
from services.kit.bus import BusUnavailable, EventBus, Outbox, staging_into, staging_outbox
from services.kit.envelope import Envelope, EnvelopeError, Headers, Record, decode
from services.kit.idempotency import AppliedEvents
from services.kit.metrics import (
    EVENT_HANDLING_SECONDS,
    EVENTS_APPLIED_HERE,
    EVENTS_CONSUMED,
    EVENTS_DEAD_LETTERED,
)
from services.kit.topics import BY_NAME, dlq_topic

log = logging.getLogger(__name__)

Handler = Callable[[Envelope, Message], Awaitable[None]]

# A dead letter must itself fit through the producer and the broker: Faust's and Apache
# Kafka's defaults stop a request at about 1,000,000 bytes, and the record that failed may
# be larger (an oversize event is one reason to dead-letter). Past this budget the letter
# keeps a prefix of the value and of each header, plus the original size and SHA-256, so
# the original can still be identified and fetched from the source topic by offset.
DEAD_LETTER_BUDGET_BYTES = 1_000_000
DEAD_LETTER_PREFIX_BYTES = 64 * 1024
DEAD_LETTER_HEADER_BYTES = 4 * 1024

# The outcome of a record the consumer skips: a command applied it in this worker first.
APPLIED_HERE = "applied_here"

# How long a consumer waits before it retries an event while the broker is away.
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 30.0


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
    source: Any = field(default=None, compare=False, repr=False)  # the Faust event, if any


@dataclass
class Accepted:
    """A valid event of a batch, not applied before: what a batch handler works on."""

    env: Envelope
    message: Message
    delivery: Delivery
    type_label: str
    rejected: Rejected | None = None
    error_class: str = "Rejected"
    # Whether applying it wrote or published anything (see services/kit/effects.py); a
    # handler that cannot tell leaves True, and the event is marked applied.
    changed: bool = True

    def reject(self, field: str, reason: str) -> None:
        """The domain refuses this event: it goes to the dead-letter topic, the rest go on."""
        self.rejected = Rejected(field, reason)


# Gets the batch's accepted events in topic order (per partition); refuses single events
# with `Accepted.reject`. What it publishes is staged and produced after it returns. It
# may see an event again (a redelivery, or alone after the batch raised), so applying
# must be idempotent, as it must be under at-least-once anyway.
BatchHandler = Callable[[Sequence[Accepted]], Awaitable[None]]


async def until_available(attempt: Callable[[], Awaitable[None]], what: str) -> None:
    """Run `attempt` until the broker (or a service it depends on) takes it. An outage is
    not the event's fault: the event waits (its partition with it) instead of being
    dead-lettered, and is applied again once the broker is back, which every handler
    tolerates (at-least-once; what it published before carries the same deterministic
    ids or is deduplicated downstream)."""
    delay = RETRY_FIRST_S
    while True:
        try:
            await attempt()
            return
        except BusUnavailable as exc:
            log.warning("%s: %s; retrying in %.0f s", what, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_S)


@contextlib.contextmanager
def table_scope(delivery: Delivery) -> Iterator[None]:
    """Faust writes a table change to the changelog partition of the event being
    processed; in a batch there are many, so say which one a write belongs to."""
    event = delivery.source
    if event is None:
        yield
        return
    token = faust.streams._current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        faust.streams._current_event.reset(token)


class BatchProcessor:
    """The pipeline: per-event rules, one handler call and one produce round trip per
    batch. Returns only when the batch's records are acknowledged by the broker
    (retrying while it is away), so the caller may then acknowledge the offsets."""

    def __init__(
        self,
        *,
        topic: str,
        bus: EventBus,
        handler: BatchHandler,
        applied: AppliedEvents | None,
        group: str,
        retry_s: float = RETRY_FIRST_S,
    ) -> None:
        self.topic = topic
        self.spec = BY_NAME[topic.removeprefix(bus.topic_prefix)]
        self.bus = bus
        self.handler = handler
        self.applied = applied
        self.group = group
        self.retry_s = retry_s
        # partition -> (next offset to process, produce time of the last processed record)
        self.progress: dict[int, tuple[int, float]] = {}
        # One record of a partition at a time, whether the consumer or a command applies it.
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        # partition -> offsets a command applied here that the consumer has not reached
        self._applied_here: defaultdict[int, set[int]] = defaultdict(set)

    async def apply_here(self, delivery: Delivery, next_to_apply: Callable[[], int]) -> bool:
        """Apply a record a command of this worker produced, before the consumer fetches
        it, if it is the next one of its partition to apply (everything before it is
        applied: the order of events stays the log's). The consumer then skips it."""
        async with self._locks[delivery.partition]:
            if next_to_apply() != delivery.offset:
                return False
            with table_scope(delivery):
                await self._process([delivery])
            self._applied_here[delivery.partition].add(delivery.offset)
            EVENTS_APPLIED_HERE.labels(self.topic, _type_of(delivery)).inc()
            return True

    def _passed_here(self, delivery: Delivery) -> bool:
        """Whether a command already applied this record here (under the partition's
        lock); forgets what the consumer has now passed."""
        here = self._applied_here.get(delivery.partition)
        if not here:
            return False
        passed = {o for o in here if o <= delivery.offset}
        here -= passed
        if delivery.offset not in passed:
            return False
        self.progress[delivery.partition] = (delivery.offset + 1, delivery.timestamp)
        return True

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

    async def dead_letter(
        self, delivery: Delivery, field: str, reason: str, error_class: str
    ) -> None:
        headers, value = _bounded(delivery)
        headers += [
            ("dlq_reason", f"{field}: {reason}".encode()),
            ("dlq_field", field.encode()),
            ("dlq_error_class", error_class.encode()),
            ("dlq_topic", delivery.topic.encode()),
            ("dlq_partition", str(delivery.partition).encode()),
            ("dlq_offset", str(delivery.offset).encode()),
            ("dlq_consumer_group", self.group.encode()),
        ]
        record = Record(dlq_topic(delivery.topic), delivery.key or b"", value, headers)
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

    async def process(self, deliveries: Sequence[Delivery]) -> list[str]:
        """Handle records in order; return each one's outcome label."""
        async with contextlib.AsyncExitStack() as locked:
            for partition in sorted({d.partition for d in deliveries}):
                await locked.enter_async_context(self._locks[partition])
            skipped = [self._passed_here(d) for d in deliveries]
            fresh = iter(
                await self._process([d for d, s in zip(deliveries, skipped, strict=True) if not s])
            )
            return [APPLIED_HERE if s else next(fresh) for s in skipped]

    async def _process(self, deliveries: Sequence[Delivery]) -> list[str]:
        if not deliveries:
            return []
        started = time.perf_counter()
        outcomes = ["handled"] * len(deliveries)
        labels = ["unknown"] * len(deliveries)
        # Table writes reach the changelog when the handler is done, one per key
        # (write_behind.py), before the batch's records are produced and acknowledged.
        with self.bus.staging() as outbox, write_behind.coalescing():
            accepted: list[tuple[int, Accepted]] = []
            in_batch: set[str] = set()
            for n, delivery in enumerate(deliveries):
                try:
                    env, message, labels[n] = self._accept(delivery)
                except EnvelopeError as exc:
                    await self.dead_letter(delivery, exc.field, exc.reason, type(exc).__name__)
                    outcomes[n] = "dead_lettered"
                    continue
                except Exception as exc:  # a fault of ours: park it, say so loudly
                    log.exception(
                        "cannot accept %s[%d]@%d",
                        delivery.topic,
                        delivery.partition,
                        delivery.offset,
                    )
                    await self.dead_letter(delivery, "handler", repr(exc), type(exc).__name__)
                    outcomes[n] = "dead_lettered"
                    continue
                key = env.dedup_key
                if key in in_batch or (self.applied is not None and self.applied.seen(env)):
                    outcomes[n] = "duplicate"
                    continue
                in_batch.add(key)
                accepted.append((n, Accepted(env, message, delivery, labels[n])))
            await self._handle([item for _, item in accepted], outbox)
            for n, item in accepted:
                refused = item.rejected
                if refused is not None:
                    await self.dead_letter(
                        item.delivery, refused.field, refused.reason, item.error_class
                    )
                    outcomes[n] = "dead_lettered"
        await self._flush(outbox)
        changed = [item for n, item in accepted if outcomes[n] == "handled" and item.changed]
        if self.applied is not None and changed:
            await until_available(self.applied.writes_durable, self.topic)
            for item in changed:
                with table_scope(item.delivery):
                    self.applied.mark(item.env)
        self._account(deliveries, labels, outcomes, time.perf_counter() - started)
        return outcomes

    async def _handle(self, items: list[Accepted], outbox: Outbox) -> None:
        if not items:
            return
        mark = outbox.mark()
        try:
            await self.handler(items)
            return
        except Exception as exc:
            outbox.rollback(mark)
            if len(items) > 1:
                log.warning("batch handler failed on %d events; retrying one by one", len(items))
            else:
                # A handler bug must not wedge the partition: park the event, say so loudly.
                item = items[0]
                log.exception(
                    "handler failed on %s[%d]@%d",
                    item.delivery.topic,
                    item.delivery.partition,
                    item.delivery.offset,
                )
                item.rejected = Rejected("handler", repr(exc))
                item.error_class = type(exc).__name__
                return
        # Find the event at fault: the others are applied, it alone is parked.
        for item in items:
            item.rejected = None
            await self._handle([item], outbox)

    async def _flush(self, outbox: Outbox) -> None:
        delay = self.retry_s
        while True:
            try:
                await self.bus.flush(outbox)
                return
            except BusUnavailable as exc:
                # Nothing of the batch counts as done before the broker has it all: keep
                # the offsets, wait, and produce the same records again.
                log.warning("%s: %s; retrying in %.0f s", self.topic, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)

    def _account(
        self,
        deliveries: Sequence[Delivery],
        labels: list[str],
        outcomes: list[str],
        elapsed: float,
    ) -> None:
        for delivery in deliveries:
            self.progress[delivery.partition] = (delivery.offset + 1, delivery.timestamp)
        for (label, outcome), count in Counter(zip(labels, outcomes, strict=True)).items():
            EVENTS_CONSUMED.labels(self.topic, label, outcome).inc(count)
        # Every event of the batch waited for the whole batch.
        for label, count in Counter(labels).items():
            histogram = EVENT_HANDLING_SECONDS.labels(self.topic, label)
            for _ in range(count):
                histogram.observe(elapsed)


def each_event(handler: Handler, *, by_key: bool = False) -> BatchHandler:
    """A batch handler that applies a per-event handler to each event in turn, in log
    order, so a service gets batched produces without rewriting its handler. What an
    event staged before it was refused is dropped with it. An outage the handler meets
    (a service it asks is away) makes the event wait and try again, as a broker outage
    does, rather than fail the batch.

    With `by_key`, events of different keys run concurrently, each key's in log order
    (Confluent's Parallel Consumer, key-ordering mode): a review that waits on a gRPC
    call no longer holds up the other units of its partition. What they publish is still
    produced in log order, and the batch's offsets are acknowledged only once all of it
    is done, so the committed offset never passes an unfinished event; the batch size
    bounds what is in flight per partition. A handler run this way must not hold a read
    of an entry that another key's events write (a shared index) across an await.
    """

    async def apply(item: Accepted, outbox: Outbox | None) -> None:
        mark = outbox.mark() if outbox is not None else 0
        before = effects.count()

        async def attempt() -> None:
            if outbox is not None:
                outbox.rollback(mark)  # what a failed attempt staged
            with table_scope(item.delivery):
                await handler(item.env, item.message)

        try:
            await until_available(attempt, item.delivery.topic)
            item.changed = effects.count() != before
        except Rejected as exc:
            if outbox is not None:
                outbox.rollback(mark)
            item.rejected = exc

    async def in_order(items: Sequence[Accepted], outbox: Outbox | None) -> None:
        for item in items:
            await apply(item, outbox)

    async def handle(items: Sequence[Accepted]) -> None:
        outbox = staging_outbox()
        lanes: dict[bytes | None, list[Accepted]] = {}
        for item in items:
            lanes.setdefault(item.delivery.key, []).append(item)
        if not by_key or outbox is None or len(lanes) < 2:
            await in_order(items, outbox)
            return
        own = {id(item): Outbox() for item in items}

        async def lane(mine: list[Accepted]) -> None:
            for item in mine:
                with staging_into(own[id(item)]):
                    await apply(item, own[id(item)])

        results = await asyncio.gather(*map(lane, lanes.values()), return_exceptions=True)
        failed = next((r for r in results if isinstance(r, BaseException)), None)
        if failed is not None:
            raise failed  # every lane has stopped: the batch is retried event by event
        for item in items:  # in log order
            outbox.records += own[id(item)].records

    return handle


def _type_of(delivery: Delivery) -> str:
    for name, value in delivery.headers:
        if name == "ce_type" and value is not None:
            return value.decode("utf-8", "replace")
    return "unknown"


def _bounded(delivery: Delivery) -> tuple[Headers, bytes]:
    """The original headers and value as a dead letter may carry them (see
    DEAD_LETTER_BUDGET_BYTES): whole when they fit, else prefixes plus the value's
    original size and SHA-256 in `dlq_value_*` headers."""
    value = delivery.value or b""
    headers: Headers = [(n, v) for n, v in delivery.headers if v is not None]
    size = len(value) + sum(len(n) + len(v) for n, v in headers)
    if size <= DEAD_LETTER_BUDGET_BYTES:
        return headers, value
    kept = [(n[:256], v[:DEAD_LETTER_HEADER_BYTES]) for n, v in headers[:64]]
    kept += [
        ("dlq_value_truncated", b"true"),
        ("dlq_value_bytes", str(len(value)).encode()),
        ("dlq_value_sha256", hashlib.sha256(value).hexdigest().encode()),
    ]
    return kept, value[:DEAD_LETTER_PREFIX_BYTES]


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
        event,
    )


async def accept_valid(env: Envelope, message: Message) -> None:
    """A handler that applies nothing: the pipeline alone validates, dedups, dead-letters.

    Services use it for inputs whose domain rules have not been written yet.
    """

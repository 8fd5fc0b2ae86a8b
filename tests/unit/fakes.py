"""A service runtime without a broker, for the unit tests of the application classes.

`FakeRuntime` offers what `Registry`, `Registrar`, `TaxOffice` and power's `Registry` use
of `services.kit.runtime.ServiceRuntime`: `faust.Table(...)` (a dict that, like the real
table, counts its writes as effects and keeps only what survives JSON, as the changelog
does), `bus` (the real `EventBus`, over a producer that keeps a log instead of a broker),
`settings`, `consume` / `consume_batch`, plus a `clock` (a `FixedClock`) to hand to the
class. The records a service produces on a topic it consumes are applied back through
the real consumer pipeline (`BatchProcessor`: decode, validation, owner check, dedup,
dead letters), in log order, as the worker applies its own records
(`ServiceRuntime._apply_here`); so a command's "emit and wait until applied" returns as
it does in production, and what a handler derives is applied in turn.

Events of other services come in with `deliver` (the envelope names the topic's owner as
source unless told otherwise). `settle` applies everything pending. A dead letter fails
the test at `settle` unless it is expected (`dead_letters_expected`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from google.protobuf.message import Message

from services.kit import effects
from services.kit.bus import EventBus, Placed
from services.kit.clock import FixedClock
from services.kit.consumer import BatchHandler, BatchProcessor, Delivery, Handler, each_event
from services.kit.envelope import Envelope, Headers, Record, decode, make_envelope, to_record
from services.kit.idempotency import AppliedEvents
from services.kit.ownership import beside
from services.kit.registry import event_type
from services.kit.settings import Settings, load_settings
from services.kit.topics import BY_NAME, DLQ_SUFFIX

# A Wednesday, 10:00 in Jinan.
T0 = datetime(2025, 6, 4, 2, 0, tzinfo=UTC)

M = TypeVar("M", bound=Message)


class FakeTable(dict[Any, Any]):
    """A Faust table as the application classes use it: a mutable mapping whose writes
    count as effects (services/kit/faust_app.Table) and whose values are stored as the
    changelog would restore them (JSON), so a value that would not survive a restart
    fails here too."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __setitem__(self, key: Any, value: Any) -> None:
        effects.note()
        super().__setitem__(key, json.loads(json.dumps(value)))

    def __delitem__(self, key: Any) -> None:
        effects.note()
        super().__delitem__(key)

    def pop(self, key: Any, *default: Any) -> Any:
        if key in self:
            effects.note()
        return super().pop(key, *default)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


class FakeFaust:
    """What the classes ask of the Faust app: its tables."""

    def __init__(self) -> None:
        self.tables: dict[str, FakeTable] = {}

    def Table(self, name: str, **options: Any) -> FakeTable:
        if name in self.tables:
            raise ValueError(f"table {name!r} is declared twice")
        table = self.tables[name] = FakeTable(name)
        return table


@dataclass(frozen=True)
class Metadata:
    """What the producer answers for a record: where the broker put it."""

    topic: str
    partition: int
    offset: int


class FakeProducer:
    """A broker of one partition per topic: every record is kept, in order, with its
    offset. `fail` makes produces fail (a broker that is away, a process that dies)."""

    def __init__(self) -> None:
        self.log: list[Record] = []
        self._next: dict[str, int] = {}
        self._failure: BaseException | None = None
        self._failing_after = 0

    def fail(self, error: BaseException | None, *, after: int = 0) -> None:
        """From the `after`-th next produce on, raise `error` (None: produce again)."""
        self._failure = error
        self._failing_after = len(self.log) + after

    def append(self, record: Record) -> Metadata:
        offset = self._next.get(record.topic, 0)
        self._next[record.topic] = offset + 1
        self.log.append(record)
        return Metadata(record.topic, 0, offset)

    def _produce(
        self, topic: str, key: bytes | None, value: bytes | None, headers: Headers | None
    ) -> Metadata:
        if self._failure is not None and len(self.log) >= self._failing_after:
            raise self._failure
        return self.append(Record(topic, key or b"", value or b"", list(headers or [])))

    async def send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: Headers | None,
    ) -> asyncio.Future[Metadata]:
        acknowledged: asyncio.Future[Metadata] = asyncio.get_running_loop().create_future()
        acknowledged.set_result(self._produce(topic, key, value, headers))
        return acknowledged

    async def send_and_wait(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: Headers | None,
    ) -> Metadata:
        return self._produce(topic, key, value, headers)

    async def flush(self) -> None:
        if self._failure is not None and len(self.log) >= self._failing_after:
            raise self._failure


@dataclass(frozen=True)
class DeadLetter:
    topic: str  # where the event was consumed
    field: str
    reason: str
    type: str  # the event's ce_type, as far as it had one


def _header(headers: Headers, name: str) -> str:
    return next((v.decode() for n, v in headers if n == name), "")


class FakeRuntime:
    """The runtime of one service (`name`): see the module's docstring."""

    def __init__(self, name: str, *, clock: FixedClock | None = None, **settings: Any) -> None:
        self.name = name
        self.source = f"/govshare/{name}"
        self.settings: Settings = load_settings(env="test", **settings)
        self.group = f"{self.settings.topic_prefix}govshare-{name}"
        self.clock = clock or FixedClock(T0)
        self.faust = FakeFaust()
        self.producer = FakeProducer()
        self.bus = EventBus(
            self.producer, source=self.source, topic_prefix=self.settings.topic_prefix
        )
        self.bus.apply_here = self._apply_here_soon
        self.applied = AppliedEvents(
            self.faust.Table("applied-events", key_type=str, value_type=float),
            flush=self.producer.flush,
        )
        self.processors: dict[str, BatchProcessor] = {}
        self._queue: list[tuple[Record, int]] = []
        self._draining: asyncio.Task[None] | None = None
        self._expected: list[DeadLetter] | None = None
        self._unexpected: list[DeadLetter] = []
        self._delivered: set[int] = set()  # positions in the producer's log

    # --- wiring, as ServiceRuntime ----------------------------------------------------------

    def consume(
        self, topic: str, handler: Handler, *, dedup: bool = True, by_key: bool = False
    ) -> BatchProcessor:
        return self.consume_batch(topic, each_event(handler, by_key=by_key), dedup=dedup)

    def consume_batch(
        self, topic: str, handler: BatchHandler, *, dedup: bool = True, max_events: int = 500
    ) -> BatchProcessor:
        name = self.settings.topic_prefix + topic
        if name in self.processors:
            raise ValueError(f"{topic} is consumed twice")
        processor = BatchProcessor(
            topic=name,
            bus=self.bus,
            handler=handler,
            applied=self.applied if dedup else None,
            group=self.group,
        )
        self.processors[name] = processor
        return processor

    def fresh_key(self, make: Callable[[], str]) -> str:
        return make()  # one worker owns every partition

    def key_beside(self, key: str, make: Callable[[], str]) -> str:
        return beside(key, make, self.settings.topic_partitions)

    def claim(self, key: str) -> None:
        pass

    # --- applying what was produced ---------------------------------------------------------

    def _apply_here_soon(self, placed: Sequence[Placed]) -> None:
        for item in placed:
            self._take(item.record, item.offset)
        if self._queue and (self._draining is None or self._draining.done()):
            self._draining = asyncio.create_task(self._drain())

    def _take(self, record: Record, offset: int) -> None:
        if record.topic.endswith(DLQ_SUFFIX):
            letter = DeadLetter(
                _header(record.headers, "dlq_topic"),
                _header(record.headers, "dlq_field"),
                _header(record.headers, "dlq_reason"),
                _header(record.headers, "ce_type"),
            )
            (self._expected if self._expected is not None else self._unexpected).append(letter)
        elif record.topic in self.processors:
            self._queue.append((record, offset))

    async def _drain(self) -> None:
        """Apply queued records one at a time, in the order they were produced."""
        while self._queue:
            record, offset = self._queue.pop(0)
            delivery = Delivery(
                record.topic, 0, offset, record.key, record.value, record.headers, 0.0
            )
            await self.processors[record.topic].process([delivery])

    async def settle(self) -> None:
        """Return once every record produced on a consumed topic is applied; fail on a
        dead letter nobody expected."""
        while self._queue or (self._draining is not None and not self._draining.done()):
            if self._draining is None or self._draining.done():
                self._draining = asyncio.create_task(self._drain())
            await self._draining
        if self._unexpected:
            letters, self._unexpected = self._unexpected, []
            raise AssertionError(f"events were dead-lettered: {letters}")

    @contextlib.contextmanager
    def dead_letters_expected(self) -> Iterator[list[DeadLetter]]:
        """Within the block, dead letters are collected into the list it yields."""
        self._expected = []
        try:
            yield self._expected
        finally:
            self._expected = None

    async def deliver(
        self,
        message: Message,
        *,
        subject: str,
        source: str | None = None,
        **attrs: Any,
    ) -> Envelope:
        """Another service's event (or a redelivery of one of ours) arrives on its topic;
        applied, with everything it causes, before this returns."""
        owner = BY_NAME[event_type(message.DESCRIPTOR.full_name).topic.name].owner
        attrs.setdefault("time", self.clock.now())
        env = make_envelope(message, source=source or owner, subject=subject, **attrs)
        return await self.redeliver(env, message)

    async def redeliver(self, env: Envelope, message: Message) -> Envelope:
        """The record of `env` arrives (again): at-least-once delivery."""
        record = to_record(message, env)
        record = Record(self.bus.topic(record.topic), record.key, record.value, record.headers)
        self._delivered.add(len(self.producer.log))
        metadata = self.producer.append(record)
        self._take(record, metadata.offset)
        await self.settle()
        return env

    # --- what was produced ------------------------------------------------------------------

    def records(self, *, delivered: bool = False) -> list[tuple[Envelope, Message]]:
        """The events this service produced so far (with `delivered`, also those that
        came in with `deliver`), in order; dead letters left out."""
        found = []
        for n, record in enumerate(self.producer.log):
            if record.topic.endswith(DLQ_SUFFIX) or (n in self._delivered and not delivered):
                continue
            env, message, _kind = decode(record.headers, record.value)
            found.append((env, message))
        return found

    def published(self, kind: type[M]) -> list[M]:
        """The events of type `kind` this service produced, in order."""
        return [m for _, m in self.records() if isinstance(m, kind)]

    def the(self, kind: type[M]) -> M:
        """The one event of type `kind` this service produced (fails unless exactly one)."""
        found = self.published(kind)
        assert len(found) == 1, f"{len(found)} {kind.__name__} events published"
        return found[0]

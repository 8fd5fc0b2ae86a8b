"""One process per service: Faust worker, FastAPI and (optionally) gRPC on one loop.

uvicorn drives the loop; the Faust app starts inside FastAPI's lifespan
(`faust.contrib.asgi`). Liveness answers at once; readiness turns on only after Faust
has recovered its tables and the consumers have caught up with the service's own topics
(`catchup.py`: until then every other request is refused with 503 / UNAVAILABLE), and
the gRPC health service follows readiness.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import faust
import grpc
from aiokafka.errors import KafkaError
from fastapi import FastAPI, Request, Response
from faust.contrib.asgi import faust_app_running
from faust.exceptions import ProducerSendError
from faust.types import TP
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection
from pydantic import BaseModel, Field
from yarl import URL

from services.kit import address, catchup, logs, problems, serving
from services.kit.admin import ensure_topics
from services.kit.asgi import Measured
from services.kit.auth.rest import install_verifier
from services.kit.auth.verifier import verifier_from_settings
from services.kit.bus import BusUnavailable, EventBus, EventTooLarge, Placed
from services.kit.consumer import (
    RETRY_FIRST_S,
    RETRY_MAX_S,
    BatchHandler,
    BatchProcessor,
    Delivery,
    Handler,
    delivery_of,
    each_event,
)
from services.kit.faust_app import App
from services.kit.fetch_wait import AdaptiveFetchWait
from services.kit.forwarding import Elsewhere, Forwarding, Found, Gathered, Keyed
from services.kit.grpc_forwarding import ForwardingInterceptor
from services.kit.grpc_forwarding import Route as GrpcRoute
from services.kit.idempotency import AppliedEvents
from services.kit.kafka_probe import kafka_answers
from services.kit.metrics import (
    BUILD_INFO,
    CONSUMER_LAG_MESSAGES,
    CONSUMER_LAG_SECONDS,
    READY,
    TABLE_KEYS,
    clear_sources,
    exposition,
)
from services.kit.ownership import Ownership, advertised_url, beside
from services.kit.settings import Settings
from services.kit.topics import all_topic_names

VERSION = "0.1.0"
log = logging.getLogger(__name__)

GrpcRegistrar = Callable[[grpc.aio.Server], list[str]]


class _LazyProducer:
    """Faust creates its producer when the app starts; resolve it on first use."""

    def __init__(self, app: faust.App) -> None:
        self.app = app

    async def send(self, *args: Any) -> Any:
        return await self.app.producer.send(*args)

    async def send_and_wait(self, *args: Any) -> Any:
        return await self.app.producer.send_and_wait(*args)


class _Produced:
    """Stands for the Faust event of a record applied before the consumer fetched it:
    Faust writes table changes to the changelog partition of the current event's
    message, and here the record's own partition is that partition."""

    def __init__(self, topic: str, partition: int, offset: int) -> None:
        self.message = SimpleNamespace(
            topic=topic, partition=partition, offset=offset, tp=TP(topic, partition)
        )


async def waiting_batches(stream: Any, max_events: int) -> AsyncIterator[list[Any]]:
    """The events of `stream` in batches of what has already arrived, up to `max_events`.

    Faust's `take(n, within=s)` wakes every `s` seconds whether events come or not (an
    idle certificates service spent 9 % of a core in those timers) and holds every batch
    for `s`; this yields as soon as the stream's queue is empty, and sleeps while idle.
    Under load the queue fills while a batch is handled, so batches grow by themselves.
    """
    queue = stream.channel.queue
    batch: list[Any] = []
    async for event in stream.events():
        batch.append(event)
        if len(batch) >= max_events or queue.empty():
            yield batch
            batch = []


class Liveness(BaseModel):
    status: str
    service: str


class Readiness(BaseModel):
    ready: bool
    service: str
    broker_reachable: bool
    recovered: bool
    caught_up: bool
    stuck_consumers: dict[str, str] = Field(description="topic -> why its consumer is stuck")
    workers: int = Field(description="workers of this service in the latest assignment")


class ServiceRuntime:
    def __init__(self, name: str, settings: Settings) -> None:
        self.name = name
        self.settings = settings
        self.source = f"/govshare/{name}"
        self.group = f"{settings.topic_prefix}govshare-{name}"
        self.kafka_security = settings.kafka_security
        self.faust = App(
            self.group,
            fetch_wait=AdaptiveFetchWait(
                settings.fetch_wait_ms,
                settings.idle_fetch_wait_ms,
                busy_min_bytes=settings.busy_fetch_min_bytes,
            ),
            broker=[f"kafka://{b}" for b in settings.kafka_bootstrap.split(",")],
            broker_credentials=self.kafka_security.faust_credentials(),
            store=settings.store,
            web_enabled=False,
            autodiscover=False,
            datadir=f"{settings.data_dir}/{self.group}",
            topic_partitions=settings.topic_partitions,
            topic_replication_factor=settings.topic_replication,
            broker_session_timeout=settings.session_timeout,
            broker_heartbeat_interval=settings.heartbeat_interval,
            broker_rebalance_timeout=settings.rebalance_timeout,
            producer_acks=-1,
            producer_enable_idempotence=settings.producer_idempotence,
            # see Settings.single_record_batches (16 bytes: every record is its own batch)
            producer_max_batch_size=16 if settings.single_record_batches else 16384,
            consumer_auto_offset_reset="earliest",
        )
        self.bus = EventBus(
            _LazyProducer(self.faust), source=self.source, topic_prefix=settings.topic_prefix
        )
        self.applied = AppliedEvents(
            # value_type=None: a mark is [time, partition] (a bare time before expiry)
            self.faust.Table("applied-events", key_type=str, value_type=None),
            flush=self._table_writes_acknowledged,
            retention_s=settings.applied_events_retention_s,
        )
        # Built at start so a production misconfiguration stops the process at once.
        self.verifier = verifier_from_settings(
            settings.env,
            settings.auth_public_keys,
            issuers=settings.auth_issuers,
            audience=settings.auth_audience,
            leeway_s=settings.auth_leeway_s,
        )
        self._grpc_registrars: list[GrpcRegistrar] = []
        self._by_topic: dict[str, BatchProcessor] = {}
        self._applying_here: set[asyncio.Task[None]] = set()
        self.bus.apply_here = self._apply_here_soon
        self.broker_reachable = True
        # topic -> why its consumer cannot get past an event (see `_without_dying`)
        self.stuck: dict[str, str] = {}
        self.catch_up: catchup.CatchUp | None = None  # set when the worker starts
        self.grpc_server: grpc.aio.Server | None = None
        self.grpc_port: int | None = None
        self.http_port: int | None = None  # bound by `run`
        # Who owns which key, once this worker advertises where it answers (`_lifespan`);
        # the routes that forward by key or gather from every worker (`forward_by_key`).
        self.ownership: Ownership | None = None
        self._keyed: list[Keyed] = []
        self._gathered: list[Gathered] = []
        self._found: list[Found] = []
        self._grpc_routes: dict[str, GrpcRoute] = {}
        self._health = HealthServicer()
        self.api = FastAPI(
            title=f"govshare {name}",
            version=VERSION,
            lifespan=self._lifespan,
            description=f"REST interface of the govshare {name} service.",
        )
        problems.install(self.api)
        install_verifier(self.api, self.verifier)
        self._add_operational_routes()
        BUILD_INFO.labels(name, VERSION).set(1)
        TABLE_KEYS.tables = lambda: dict(self.faust.tables.items())

    async def _table_writes_acknowledged(self) -> None:
        """Return once the broker has every table (changelog) write made so far."""
        try:
            await asyncio.wait_for(self.faust.producer.flush(), self.bus.timeout_s)
        except (TimeoutError, KafkaError, ProducerSendError) as exc:
            raise BusUnavailable(f"table writes not acknowledged: {exc!r}") from exc

    # --- wiring -------------------------------------------------------------------------

    def consume(
        self, topic: str, handler: Handler, *, dedup: bool = True, by_key: bool = False
    ) -> BatchProcessor:
        """Run `handler` for every valid event on `topic` (a govshare topic name), in log
        order (with `by_key`, in log order per key, keys concurrently); what arrived
        together is produced and made durable together (`each_event`)."""
        return self.consume_batch(topic, each_event(handler, by_key=by_key), dedup=dedup)

    def consume_batch(
        self,
        topic: str,
        handler: BatchHandler,
        *,
        dedup: bool = True,
        max_events: int = 500,
    ) -> BatchProcessor:
        """Run `handler` on batches of valid events of `topic` (what is waiting, up to
        `max_events`: see `waiting_batches`). Offsets are acknowledged only after
        everything the batch published is acknowledged by the broker (`BatchProcessor`)."""
        name = self.settings.topic_prefix + topic
        processor = BatchProcessor(
            topic=name,
            bus=self.bus,
            handler=handler,
            applied=self.applied if dedup else None,
            group=self.group,
        )

        async def agent(stream: Any) -> None:
            # Faust acknowledges nothing itself (noack); we do, after the batch is done.
            source = stream.noack()
            async for events in waiting_batches(source, max_events):
                deliveries = [delivery_of(event) for event in events]
                await self._without_dying(name, partial(processor.process, deliveries))
                for event in events:
                    await source.ack(event)

        self.faust.agent(self._channel(name), name=f"{self.group}.{topic}")(agent)
        self._by_topic[name] = processor
        return processor

    # --- commands applied where they are decided -----------------------------------------

    def _apply_here_soon(self, placed: Sequence[Placed]) -> None:
        """Apply records a command just produced, in order, in a task of their own (a
        caller that gives up waiting does not cut an application short)."""
        task = asyncio.create_task(self._apply_here(placed))
        self._applying_here.add(task)
        task.add_done_callback(self._applying_here.discard)

    async def _apply_here(self, placed: Sequence[Placed]) -> None:
        """Without this, a command's answer waits for the consumer to fetch its own
        record back: a broker round trip plus, after an idle spell, up to the idle fetch
        wait (services/kit/fetch_wait.py). This worker may apply a record itself when it
        owns the partition, is serving, and has applied every record before it; else
        (and for the records of its partition after one it may not apply) the consumer
        does, as before."""
        passed: set[TP] = set()  # partitions where the consumer applies the rest
        for item in placed:
            processor = self._by_topic.get(item.record.topic)
            if not self.serving:
                return
            tp = TP(item.record.topic, item.partition)
            consumer = self.faust.consumer
            if processor is None or tp in passed or tp not in consumer.assignment():
                continue  # not consumed here (another service's topic, a dead letter)
            record = item.record
            delivery = Delivery(
                record.topic,
                item.partition,
                item.offset,
                record.key,
                record.value,
                record.headers,
                time.time(),
                _Produced(record.topic, item.partition, item.offset),
            )
            applied = await processor.apply_here(
                delivery, partial(catchup.applied_up_to, processor, consumer, tp)
            )
            if not applied:
                passed.add(tp)

    async def _without_dying(self, topic: str, attempt: Callable[[], Awaitable[Any]]) -> None:
        """The pipelines park every bad event, so an exception here is a fault of ours or
        of the platform. Letting the agent die would skip the event (Faust restarts the
        agent past it, and its offset is never committed); instead the consumer retries
        the same event with backoff and the service reports itself not ready, with the
        reason, until it gets past."""
        delay = RETRY_FIRST_S
        while True:
            try:
                await attempt()
            except Exception as exc:
                log.exception("consumer of %s is stuck; retrying in %.0f s", topic, delay)
                self.stuck[topic] = f"{type(exc).__name__}: {exc}"[:500]
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
            else:
                self.stuck.pop(topic, None)
                return

    def _channel(self, name: str) -> Any:
        return self.faust.topic(
            name,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=self.settings.topic_partitions,
        )

    def forward_by_key(self, *routes: Keyed | Gathered | Found) -> None:
        """Declare routes answered by the worker that owns their key (`Keyed`), by all
        workers together (`Gathered`) or by whichever has the key (`Found`):
        services/kit/forwarding.py."""
        for route in routes:
            if isinstance(route, Keyed):
                self._keyed.append(route)
            elif isinstance(route, Gathered):
                self._gathered.append(route)
            else:
                self._found.append(route)

    def forward_grpc(self, routes: Mapping[str, GrpcRoute]) -> None:
        """Declare gRPC methods answered by the worker that holds their key
        (services/kit/grpc_forwarding.py)."""
        self._grpc_routes.update(routes)

    def fresh_key(self, make: Callable[[], str]) -> str:
        """A new aggregate id from `make` (random each call) on a partition this worker
        owns, so the command creating it is applied here (ownership.py)."""
        return self.ownership.fresh_key(make) if self.ownership else make()

    def key_beside(self, key: str, make: Callable[[], str]) -> str:
        """A new id from `make` (random each call) on `key`'s partition: an aggregate
        born under another (a case under its unit) then lives on the same worker, and its
        events, keyed by either, in the same partition of every co-partitioned topic."""
        return beside(key, make, self.settings.topic_partitions)

    def claim(self, key: str) -> None:
        """Go on only if this worker owns `key`; else `Elsewhere`, and the request goes to
        the owner (forwarding.py). For a command whose key it computes, not routes."""
        if self.ownership is not None and not self.ownership.owns(key):
            raise Elsewhere(self.ownership.owner(key))

    def _advertise(self, own_topic: str) -> None:
        """Put this worker's addresses in the group protocol and answer "who owns k"
        from the assignment (services/kit/ownership.py). Needs the HTTP port, so only a
        worker started by `run` takes part; one served otherwise answers everything
        itself."""
        if self.http_port is None:
            return
        host = self.settings.advertised_host or self.settings.http_host
        self.faust.conf.canonical_url = URL(advertised_url(host, self.http_port, self.grpc_port))
        consumer_topic = self.settings.topic_prefix + own_topic
        self.ownership = Ownership(
            consumer_topic,
            self.settings.topic_partitions,
            me=lambda: str(self.faust.conf.canonical_url),
            assigned=lambda: [
                tp.partition
                for tp in self.faust.consumer.assignment()
                if tp.topic == consumer_topic
            ],
            # the concrete PartitionAssignor has it; PartitionAssignorT does not declare it
            distribution=lambda: self.faust.assignor.external_topic_distribution,  # type: ignore[attr-defined]
        )

    def add_grpc(self, registrar: GrpcRegistrar) -> None:
        """`registrar(server)` adds servicers and returns their full service names."""
        self._grpc_registrars.append(registrar)

    # --- readiness ----------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self.broker_reachable and self.serving and not self.stuck

    @property
    def caught_up(self) -> bool:
        return self.catch_up is not None and self.catch_up.reached_in(
            self.faust.consumer_generation_id
        )

    @property
    def serving(self) -> bool:
        """Whether requests are answered: tables recovered and own topics caught up. A
        runtime whose worker was never started (built only for its HTTP surface) has no
        state to wait for."""
        if self.catch_up is None:
            return True
        return self.recovered and self.caught_up

    @property
    def recovered(self) -> bool:
        app = self.faust
        started = bool(getattr(app, "_started", None)) and app._started.is_set()
        recovery = app.tables.recovery  # type: ignore[attr-defined]  # missing from stubs
        recovered = recovery.completed.is_set() and not app.in_recovery
        return started and recovered

    async def _probe_broker(self, every_s: float = 3.0) -> None:
        """Readiness follows the broker: a service that cannot reach it is not ready
        (within `every_s`; each probe is a new connection, for the broker and for us)."""
        hosts = [b.strip().rpartition(":") for b in self.settings.kafka_bootstrap.split(",")]
        tls = self.kafka_security.ssl_context()
        while True:
            answers = await asyncio.gather(
                *(
                    asyncio.to_thread(kafka_answers, host, int(port), 1.0, tls)
                    for host, _, port in hosts
                )
            )
            self.broker_reachable = any(answers)
            await asyncio.sleep(every_s)

    async def _watch_readiness(self) -> None:
        last: bool | None = None
        frozen = False
        while True:
            now = self.ready
            if now and not frozen:
                # What exists once the tables are recovered lives as long as the process:
                # keep it out of the collector's full passes, which would otherwise pause
                # the loop for tens of ms now and then (a tail-latency spike on every API).
                gc.freeze()
                frozen = True
            if now != last:
                status = (
                    health_pb2.HealthCheckResponse.SERVING
                    if now
                    else health_pb2.HealthCheckResponse.NOT_SERVING
                )
                await self._health.set("", status)
                READY.labels(self.name).set(1 if now else 0)
                log.info("%s ready=%s", self.name, now)
                last = now
            # quick to turn ready at start; once ready, a second is soon enough to notice
            # a change (probes come every few seconds) and wakes an idle worker less
            await asyncio.sleep(1.0 if now else 0.2)

    async def _expire_marks(self) -> None:
        """Drop applied-event marks past their horizon (idempotency.py), a tenth of the
        horizon apart: a mark lives at most 1.1 horizons and each is visited ~10 times.
        A pass's drops are spread over half the gap between passes."""
        every_s = max(30.0, self.applied.retention_s / 10)

        def owned() -> set[int]:
            return {
                tp.partition
                for tp in self.faust.consumer.assignment()
                if tp.topic in self._by_topic
            }

        while True:
            await asyncio.sleep(every_s)
            if not self.serving:
                continue
            dropped = await self.applied.expire(owned, spread_s=every_s / 2)
            log.info("dropped %d applied-event marks older than the horizon", dropped)

    async def _watch_lag(self, every_s: float = 5.0) -> None:
        """Export consumer lag per partition this worker owns (messages and seconds)."""
        while True:
            await asyncio.sleep(every_s)
            try:
                await self._export_lag()
            except Exception:  # lag is advisory: never let it take the service down
                log.debug("lag export failed", exc_info=True)

    async def _export_lag(self) -> None:
        consumer = self.faust.consumer
        assigned = {(tp.topic, tp.partition): tp for tp in consumer.assignment()}
        for processor in self._by_topic.values():
            tps = [tp for (topic, _), tp in assigned.items() if topic == processor.topic]
            if not tps:
                continue
            highwaters = await consumer.highwaters(*tps)
            for tp in tps:
                _, produced = processor.progress.get(tp.partition, (0, 0.0))
                next_offset = catchup.applied_up_to(processor, consumer, tp)
                waiting = max(0, int(highwaters.get(tp) or 0) - next_offset)
                labels = (processor.topic, str(tp.partition))
                CONSUMER_LAG_MESSAGES.labels(*labels).set(waiting)
                behind = time.time() - produced if waiting and produced else 0.0
                CONSUMER_LAG_SECONDS.labels(*labels).set(max(0.0, behind))

    def _add_operational_routes(self) -> None:
        api = self.api

        @api.get("/healthz", tags=["operations"], summary="Liveness")
        async def healthz() -> Liveness:
            return Liveness(status="ok", service=self.name)

        @api.get(
            "/readyz",
            tags=["operations"],
            summary="Readiness (broker reachable, tables recovered, own topics caught up)",
        )
        async def readyz(response: Response) -> Readiness:
            if not self.ready:
                response.status_code = 503
            return Readiness(
                ready=self.ready,
                service=self.name,
                broker_reachable=self.broker_reachable,
                recovered=self.recovered,
                caught_up=self.caught_up,
                stuck_consumers=dict(self.stuck),
                # workers of this service in the latest assignment (1 without `run`)
                workers=1 + len(self.ownership.others()) if self.ownership else 1,
            )

        @api.exception_handler(BusUnavailable)
        async def bus_unavailable(_: Request, exc: BusUnavailable) -> Response:
            return problems.answer(503, "broker", str(exc), headers={"Retry-After": "5"})

        @api.exception_handler(EventTooLarge)
        async def event_too_large(_: Request, exc: EventTooLarge) -> Response:
            return problems.answer(413, "body", str(exc))

        @api.get(
            "/metrics", tags=["operations"], summary="Prometheus metrics", include_in_schema=False
        )
        async def metrics() -> Response:
            body, content_type = exposition()
            return Response(body, media_type=content_type)

        # Inside the refusal below: a worker that is not serving does not forward either
        # (its view of who owns what may be a generation old).
        api.add_middleware(
            Forwarding,
            ownership=lambda: self.ownership,
            keyed=self._keyed,
            gathered=self._gathered,
            found=self._found,
        )
        catchup.refuse_http_until(api, lambda: self.serving)

        api.add_middleware(Measured)  # added last, so it runs first: it sees the refusals too

    # --- lifecycle ----------------------------------------------------------------------

    async def _start_grpc(self) -> None:
        if not self._grpc_registrars:
            return
        server = grpc.aio.server(
            interceptors=[
                catchup.RefuseGrpcUntil(lambda: self.serving),
                ForwardingInterceptor(lambda: self.ownership, self._grpc_routes),
            ],
            # The port is this process's alone: with gRPC's default SO_REUSEPORT a second
            # server (another worker, another checkout's platform) would share it silently.
            options=[("grpc.so_reuseport", 0)],
        )
        names = [
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ]
        health_pb2_grpc.add_HealthServicer_to_server(self._health, server)
        for registrar in self._grpc_registrars:
            names += registrar(server)
        reflection.enable_server_reflection(names, server)
        self.grpc_port = self._bind_grpc(server)
        await server.start()
        self.grpc_server = server

    def _bind_grpc(self, server: grpc.aio.Server) -> int:
        """Bind GOVSHARE_GRPC_PORT (0: any free port; any, too, when it is taken and
        GOVSHARE_ANY_PORT_IF_TAKEN is set), or exit naming it."""
        host, port = self.settings.http_host, self.settings.grpc_port
        try:
            return int(server.add_insecure_port(f"{host}:{port}"))
        except RuntimeError as exc:
            if self.settings.any_port_if_taken and port:
                return int(server.add_insecure_port(f"{host}:0"))
            raise SystemExit(
                f"GOVSHARE_GRPC_PORT={port}: cannot listen on {host}:{port}: {exc}"
            ) from None

    @contextlib.asynccontextmanager
    async def _lifespan(self, _api: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(
            self.settings.kafka_bootstrap,
            all_topic_names(self.settings.topic_prefix),
            self.settings.topic_partitions,
            self.settings.topic_replication,
            self.kafka_security.client_options(),
        )
        await self._health.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
        own = [p for p in self._by_topic.values() if p.spec.owner == self.source]
        self.catch_up = catchup.CatchUp(self.faust.consumer, own)
        await self._start_grpc()  # refuses calls until serving: see catchup.RefuseGrpcUntil
        if own:
            self._advertise(own[0].spec.name)
        address.announce(self.settings.address_file, http=self.http_port, grpc=self.grpc_port)
        try:
            async with faust_app_running(self.faust, stop_timeout=15):
                tasks = [
                    asyncio.create_task(self._probe_broker()),
                    asyncio.create_task(self._watch_readiness()),
                    asyncio.create_task(self._watch_lag()),
                    asyncio.create_task(self._expire_marks()),
                    asyncio.create_task(
                        catchup.watch(
                            self.catch_up,
                            recovered=lambda: self.recovered,
                            generation=lambda: self.faust.consumer_generation_id,
                        )
                    ),
                ]
                try:
                    yield
                finally:
                    for task in tasks:
                        task.cancel()
                    await self._stop_grpc()  # before Faust: no call meets a stopping worker
        finally:
            await self._stop_grpc()
            clear_sources()  # no scrape after this counts the stopped worker's tables

    async def _stop_grpc(self) -> None:
        server, self.grpc_server = self.grpc_server, None
        if server is not None:
            await server.stop(grace=2)

    def run(self) -> None:
        """Serve until SIGINT/SIGTERM, then stop Faust and gRPC cleanly."""
        logs.configure(self.name, self.settings.log_level)
        if not self.settings.kafka_bootstrap:
            raise SystemExit(
                "GOVSHARE_KAFKA_BOOTSTRAP is not set: run `govshare up` for the embedded "
                "broker, or point it at a Kafka cluster"
            )
        Path(self.faust.conf.datadir).mkdir(parents=True, exist_ok=True)
        sock = address.bind_http(
            self.settings.http_host, self.settings.http_port, self.settings.any_port_if_taken
        )
        self.http_port = int(sock.getsockname()[1])
        asyncio.run(serving.server(self.api).serve(sockets=[sock]))

"""Power applications on Faust tables: commands produce events, agents apply them.

Tables (memory:// or rocksdb://, changelog-backed):
- `applications`: application id -> the events that changed it (type, base64 protobuf);
  the state is their fold (domain.py), the timeline their list.
- `preparations`: parcel code -> the current PreparationStarted (base64 protobuf).
- `applications-by-holder`: applicant id -> application ids (my applications, and which
  applications a certificate event concerns).
- `applications-by-division`: division and status -> application ids (listing.py: the
  staff list and the overdue scan read these, not every application), kept per
  partition (services/kit/partitioned.py).
- `awaiting-first-step`: application id -> when it was accepted, while it has no first
  step: acceptance is two events (rules.acceptance), and a process killed between them
  leaves the second unmade; `enter_first_steps` makes it on the owner. An entry lives
  from ApplicationAccepted to the first StepAdvanced, milliseconds unless a kill came
  between, so the table stays small. Keyed by the application, like its events, so only
  the application's partition writes it and no per-partition keys are needed.
The secondary indexes are written by the power.v1.events agent under another key than the
event's, so each is kept per partition (a key written from two partitions could come back
from recovery with its older value: services/kit/partitioned.py), and, like the REST
reads, they assume one worker holds every partition (the embedded and compose setups);
N workers need them on a topic of their own.

A command waits until the agent has applied its last event, so the caller reads its
own write.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Collection, Iterator
from datetime import datetime, timedelta
from typing import Any

from google.protobuf.message import Message
from govshare.certificates.v1 import events_pb2 as cert_ev
from govshare.common.v1 import types_pb2 as common
from govshare.power.v1 import events_pb2 as ev
from govshare.power.v1 import types_pb2 as power_types

from services.kit import partitioned, validation
from services.kit.clock import SYSTEM, Clock, rfc3339
from services.kit.dispatch import Dispatch
from services.kit.envelope import Envelope
from services.kit.errors import conflict, not_found
from services.kit.idempotency import rewrite
from services.kit.ownership import partition_keys, partition_of
from services.kit.registry import event_type
from services.kit.runtime import ServiceRuntime
from services.kit.waiters import Waiters, derived_id
from services.power import domain, listing, preparation, rules
from services.power.catalog import SHARING_PREFIX, Catalog, Matter
from services.power.domain import Application
from services.power.evidence import EvidenceClient
from services.power.metrics import (
    ACCEPTED,
    APPLICATIONS,
    EVALUATIONS,
    FLAGGED,
    PREPARATIONS,
    RECTIFICATIONS,
    RECTIFICATIONS_CLOSED,
    RECTIFICATIONS_OVERDUE,
    STEPS_OVERDUE,
    TIME_TO_CONNECT,
)

log = logging.getLogger(__name__)

_INVALIDATIONS = {
    cert_ev.CertificateRevoked: power_types.EVIDENCE_INVALIDATION_REVOKED,
    cert_ev.CertificateSuspended: power_types.EVIDENCE_INVALIDATION_SUSPENDED,
    cert_ev.CertificateSuperseded: power_types.EVIDENCE_INVALIDATION_SUPERSEDED,
}


def _encode(message: Message) -> list[str]:
    raw = message.SerializeToString(deterministic=True)
    return [message.DESCRIPTOR.full_name, base64.b64encode(raw).decode()]


def _decode(item: list[str]) -> Message:
    name, raw = item
    return event_type(name).message_class.FromString(base64.b64decode(raw))


class Registry:
    def __init__(
        self,
        runtime: ServiceRuntime,
        catalog: Catalog,
        evidence: EvidenceClient,
        company: common.Party,
        clock: Clock = SYSTEM,
    ) -> None:
        self.runtime = runtime
        self.catalog = catalog
        self.evidence = evidence
        self.company = company
        self.clock = clock
        self.now = clock.now
        app = runtime.faust
        # Values are JSON text: Faust cannot recover a table whose value_type is `list`.
        self.applications = app.Table("applications", key_type=str, value_type=str)
        self.preparations = app.Table("preparations", key_type=str, value_type=str)
        self.by_holder = app.Table("applications-by-holder", key_type=str, value_type=str)
        self.by_division = app.Table("applications-by-division", key_type=str, value_type=str)
        self.awaiting_first_step = app.Table("awaiting-first-step", key_type=str, value_type=str)
        self.partitions = partitioned.partitions_of(app)
        self.waiters = Waiters(runtime.bus)
        self._overdue_sent: set[tuple[str, str]] = set()
        RECTIFICATIONS_OVERDUE.source = self.count_rectifications_overdue

    @property
    def system(self) -> common.Actor:
        return rules.system_actor(self.company)

    # --- reads ----------------------------------------------------------------------------

    def _stored(self, app_id: str) -> list[list[str]]:
        return list(json.loads(self.applications.get(app_id) or "[]"))

    def _holder_apps(self, holder_id: str) -> list[str]:
        """Per partition (services/kit/partitioned.py), and the bare key of before."""
        keys = [holder_id, *partitioned.every(holder_id, self.partitions)]
        return [a for key in keys for a in json.loads(self.by_holder.get(key) or "[]")]

    def events(self, app_id: str) -> list[Message]:
        return [_decode(item) for item in self._stored(app_id)]

    def get(self, app_id: str) -> Application | None:
        return domain.fold(self.events(app_id))

    def find(self, app_id: str) -> Application:
        app = self.get(app_id)
        if app is None:
            raise not_found("application_id", "no such application")
        return app

    def of_holder(self, holder_id: str) -> list[Application]:
        found = (self.get(a) for a in self._holder_apps(holder_id))
        return [a for a in found if a is not None]

    def listed(
        self, division: Callable[[str], bool], statuses: Collection[str] | None = None
    ) -> Iterator[Application]:
        """The applications of the divisions `division` accepts, in `statuses` (None: any),
        read through the division index: no other application is decoded."""
        for key in list(self.by_division.keys()):
            where, status = listing.division_and_status(partitioned.base(key))
            # any status (None): each application once, not also from its extra lists
            wanted = status != listing.RECTIFYING if statuses is None else status in statuses
            if not wanted or not division(where):
                continue
            for app_id in json.loads(self.by_division.get(key) or "[]"):
                app = self.get(app_id)
                if app is not None and partitioned.base(key) in listing.keys_of(app):
                    yield app  # (and not an entry a lost write left behind)

    def count_rectifications_overdue(self) -> dict[str, int]:
        now = self.now()
        rectifying = self.listed(lambda _: True, {listing.RECTIFYING})
        late = (rules.rectification_overdue(app, now) for app in rectifying)
        counts: dict[str, int] = {}
        for phase in late:
            if phase is not None:
                counts[phase] = counts.get(phase, 0) + 1
        return counts

    def preparation(self, parcel_code: str) -> ev.PreparationStarted | None:
        raw = self.preparations.get(parcel_code) if parcel_code else None
        return ev.PreparationStarted.FromString(base64.b64decode(raw)) if raw else None

    def matter(self, app: Application) -> Matter:
        matter = self.catalog.matters.get(app.matter_code)
        if matter is None:  # the catalog dropped it after the application was made
            raise conflict("matter_code", "no longer in the catalog")
        return matter

    # --- agents ---------------------------------------------------------------------------

    async def on_power_event(self, env: Envelope, message: Message) -> None:
        try:
            if isinstance(message, ev.PreparationStarted):
                self._apply_preparation(message)
            elif isinstance(message, ev.HolderEvidenceChanged):
                await self._flag_holders_applications(message)
            else:
                self._apply_application(message)
        finally:
            self.waiters.wake(env.id)

    def _apply_preparation(self, message: ev.PreparationStarted) -> None:
        merged = preparation.merge(self.preparation(message.parcel_code), message)
        if merged is None:
            return
        self.preparations[message.parcel_code] = base64.b64encode(
            merged.SerializeToString(deterministic=True)
        ).decode()
        PREPARATIONS.labels(power_types.PreparationSource.Name(message.source)).inc()

    def _apply_application(self, message: Message) -> None:
        app_id: str = message.application_id  # type: ignore[attr-defined]
        stored = self._stored(app_id)
        before = domain.fold(_decode(i) for i in stored)
        status_before = before.status if before else None
        app = domain.apply(before, message)
        if app is None:
            log.info("%s for %s changes nothing", type(message).__name__, app_id)
            if before is not None:
                # Complete what a SIGKILL between the writes left undone: the application
                # reached its changelog, its index entries may not have (a redelivered
                # ApplicationSubmitted changes nothing, and the holder's list missed it).
                self._list(before)
                self._index_holder(before)
                self._track_first_step(before)
            return
        self.applications[app_id] = json.dumps([*stored, _encode(message)])
        self._list(app)
        if isinstance(message, ev.ApplicationSubmitted):
            self._index_holder(app)
        if isinstance(message, ev.ApplicationAccepted | ev.StepAdvanced):
            self._track_first_step(app)
        _count(app, status_before, message, self.catalog)

    def _track_first_step(self, app: Application) -> None:
        """Keep the application in `awaiting-first-step` while it awaits its first step
        (idempotent): put there by ApplicationAccepted, taken out by StepAdvanced."""
        waiting = self.awaiting_first_step
        if rules.awaits_first_step(app):
            if app.id not in waiting:
                waiting[app.id] = rfc3339(app.accepted_at or self.now())
        elif app.id in waiting:
            del waiting[app.id]

    def _index_holder(self, app: Application) -> None:
        """Put the application in its holder's list (idempotent)."""
        holder = app.applicant.id
        if app.id not in self._holder_apps(holder):
            here = partitioned.here(holder)  # an application's events share one partition
            known = json.loads(self.by_holder.get(here) or "[]")
            self.by_holder[here] = json.dumps([*known, app.id])

    def _list(self, app: Application) -> None:
        """Put the application in the division lists it belongs to now (idempotent)."""
        wanted = listing.keys_of(app)
        for key in listing.keys_for(app):
            here = partitioned.here(key)  # an application's events share one partition
            ids = list(json.loads(self.by_division.get(here) or "[]"))
            if key in wanted and app.id not in ids:
                self.by_division[here] = json.dumps([*ids, app.id])
            elif key not in wanted and app.id in ids:
                self.by_division[here] = json.dumps([i for i in ids if i != app.id])

    async def on_certificate_event(self, env: Envelope, message: Message) -> None:
        invalidation = _INVALIDATIONS.get(type(message))
        if invalidation is None:
            return
        # The holder's applications are on their own partitions, on whichever workers:
        # a notice to every partition, each flags its own (`_flag_holders_applications`).
        for p, key in enumerate(partition_keys(self.runtime.settings.topic_partitions)):
            notice = ev.HolderEvidenceChanged(
                partition_key=key,
                holder_id=message.holder_id,  # type: ignore[attr-defined]
                certificate=message.certificate,  # type: ignore[attr-defined]
                invalidation=invalidation,
                caused_by=common.EventRef(source=env.source, id=env.id, type=env.type),
            )
            event_id = derived_id(env.dedup_key, f"holder-evidence-changed|{p}")
            await self._emit([notice], subject=key, wait=False, event_id=event_id)

    async def _flag_holders_applications(self, notice: ev.HolderEvidenceChanged) -> None:
        """Flag the holder's applications of this partition that rest on the certificate."""
        partitions = self.runtime.settings.topic_partitions
        mine = partition_of(notice.partition_key, partitions)
        here = json.loads(self.by_holder.get(partitioned.here(notice.holder_id)) or "[]")
        for app in (self.get(a) for a in here if partition_of(a, partitions) == mine):
            if app is None:
                continue
            flagged = rules.flag(
                app, notice.certificate, notice.invalidation, notice.caused_by, self.now(),
                self.catalog,
            )  # fmt: skip
            if flagged is not None:
                await self._emit([flagged], subject=app.id, wait=False)

    async def on_feed_event(self, env: Envelope, message: Message) -> None:
        cause = common.EventRef(source=env.source, id=env.id, type=env.type)
        started = preparation.preparations_for(
            message, cause, self.preparation, self.catalog.prepared_steps, self.now()
        )
        for event in started:
            await self._emit([event], subject=event.parcel_code, wait=False)

    async def scan_overdue(self) -> None:
        """Flag every current step past its deadline, once: a step stays in `_overdue_sent`
        until the agent has applied its StepOverdue (then the state says it)."""
        now = self.now()
        due = {
            (app.id, event.step_code): event  # type: ignore[attr-defined]
            for app in self.listed(lambda _: True, {domain.IN_PROGRESS})  # open ones only
            for event in rules.overdue(app, now)
        }
        for (app_id, step), event in due.items():
            if (app_id, step) not in self._overdue_sent:
                log.info("step %s of %s is overdue", step, app_id)
                await self._emit([event], subject=app_id, wait=False)
        self._overdue_sent = set(due)

    async def enter_first_steps(
        self, grace: timedelta, owned: Collection[int] | None = None
    ) -> None:
        """Enter the first step of every application accepted more than `grace` ago
        without one (`awaiting-first-step`): the process that accepted it died before
        entering it, and the applicant may never retry (rules.first_step_not_entered).
        `grace` leaves an acceptance in flight to its own second event. Only the
        applications of the partitions this worker owns (`owned`; None: every one),
        read through the index, not every application. The event id is derived from the
        application, so a second sweep, or another worker's, before the first is applied
        enters nothing twice (deduplicated; `_advanced` applies a repeat as nothing)."""
        now = self.now()
        partitions = self.runtime.settings.topic_partitions
        for app_id, since in list(self.awaiting_first_step.items()):
            partition = partition_of(app_id, partitions)
            if owned is not None and partition not in owned:
                continue  # a standby copy: its owner enters it
            if now - datetime.fromisoformat(since) < grace:
                continue
            app = self.get(app_id)
            events = rules.first_step_not_entered(app, self.system, now) if app else []
            if not events:  # entered: the write that took it out was lost
                rewrite(self.awaiting_first_step, app_id, None, partition)
                continue
            assert app is not None
            log.warning("%s accepted at %s without its first step: entering it", app_id, since)
            await self._emit_attributed(
                app_id,
                events,
                actor=f"{self.system.role}:{self.company.id}",
                matter_code=app.matter_code,
                wait=False,  # the next sweep sees the entry gone, or sends the same id again
                event_id=derived_id(app_id, "first-step"),
            )

    async def _emit(
        self,
        events: list[Message],
        *,
        subject: str,
        wait: bool,
        retry_field: str | None = None,
        **attrs: Any,
    ) -> None:
        """Produce `events` in order on one key; with `wait`, return once the agent has
        applied the last one (else UNAVAILABLE naming `retry_field`). Agents never wait
        (they would wait on themselves)."""
        for event in events:
            problems = validation.check(event)
            if problems:  # our bug: never put an event on the log that consumers refuse
                raise AssertionError(f"{type(event).__name__} breaks its contract: {problems}")
        await self.waiters.emit_all(
            events, subject=subject, wait=wait, retry_field=retry_field, **attrs
        )

    async def emit(
        self,
        app_id: str,
        events: list[Message],
        actor: str,
        matter_code: str,
        *,
        retry_field: str = "application_id",
    ) -> Application:
        """Produce a command's events, attributed (who, department, purpose, case), and
        wait until they are applied. `retry_field`: what the caller retries with if they
        are not applied in time (kit/waiters.py); a command on an application names it in
        its path, a submission has only its request id."""
        await self._emit_attributed(
            app_id, events, actor, matter_code, wait=True, retry_field=retry_field
        )
        return self.find(app_id)

    async def _emit_attributed(
        self,
        app_id: str,
        events: list[Message],
        actor: str,
        matter_code: str,
        *,
        wait: bool,
        event_id: str | None = None,
        retry_field: str | None = None,
    ) -> None:
        await self._emit(
            events,
            subject=app_id,
            wait=wait,
            retry_field=retry_field,
            event_id=event_id,
            actor=actor,
            department="power",
            purpose=SHARING_PREFIX + matter_code,  # the matter, as the sharing catalog names it
            case_id=app_id,
        )


def _count(app: Application, before: str | None, message: Message, catalog: Catalog) -> None:
    """Business metrics, when an event first changes the application."""
    counter = COUNTERS.get(message)
    if counter is not None:
        counter(app, message, before, catalog)


def _submitted(
    app: Application, message: ev.ApplicationSubmitted, before: str | None, catalog: Catalog
) -> None:
    APPLICATIONS.labels(app.matter_code, "submitted").inc()


def _evidence_requested(
    app: Application, message: ev.EvidenceRequested, before: str | None, catalog: Catalog
) -> None:
    if before == domain.SUBMITTED:
        APPLICATIONS.labels(app.matter_code, "evidence_requested").inc()


def _accepted(
    app: Application, message: ev.ApplicationAccepted, before: str | None, catalog: Catalog
) -> None:
    APPLICATIONS.labels(app.matter_code, "accepted").inc()
    ACCEPTED.labels(app.matter_code, str(message.evidence_free).lower()).inc()


def _completed(
    app: Application, message: ev.ApplicationCompleted, before: str | None, catalog: Catalog
) -> None:
    APPLICATIONS.labels(app.matter_code, "connected").inc()
    if app.completed_at is not None:
        seconds = (app.completed_at - app.submitted_at).total_seconds()
        TIME_TO_CONNECT.labels(app.matter_code).observe(max(seconds, 0.0))


def _overdue(
    app: Application, message: ev.StepOverdue, before: str | None, catalog: Catalog
) -> None:
    STEPS_OVERDUE.labels(app.matter_code, message.step_code).inc()


def _evaluated(
    app: Application, message: ev.EvaluationSubmitted, before: str | None, catalog: Catalog
) -> None:
    EVALUATIONS.labels(app.matter_code, catalog.grade_by_value(message.grade).code).inc()


def _rectification_opened(
    app: Application, message: ev.RectificationOpened, before: str | None, catalog: Catalog
) -> None:
    RECTIFICATIONS.labels(app.matter_code).inc()


def _rectification_completed(
    app: Application, message: ev.RectificationCompleted, before: str | None, catalog: Catalog
) -> None:
    RECTIFICATIONS_CLOSED.labels(app.matter_code, "completed").inc()


def _followed_up(
    app: Application, message: ev.RectificationFollowedUp, before: str | None, catalog: Catalog
) -> None:
    RECTIFICATIONS_CLOSED.labels(app.matter_code, "followed_up").inc()


def _flagged(
    app: Application, message: ev.ApplicationFlagged, before: str | None, catalog: Catalog
) -> None:
    name = power_types.EvidenceInvalidation.Name(message.invalidation)
    FLAGGED.labels(app.matter_code, name.removeprefix("EVIDENCE_INVALIDATION_").lower()).inc()


# The business metric each application event moves (with the status before it).
COUNTERS = (
    Dispatch[Application, [str | None, Catalog], None]()
    .add(ev.ApplicationSubmitted, _submitted)
    .add(ev.EvidenceRequested, _evidence_requested)
    .add(ev.ApplicationAccepted, _accepted)
    .add(ev.ApplicationCompleted, _completed)
    .add(ev.StepOverdue, _overdue)
    .add(ev.EvaluationSubmitted, _evaluated)
    .add(ev.RectificationOpened, _rectification_opened)
    .add(ev.RectificationCompleted, _rectification_completed)
    .add(ev.RectificationFollowedUp, _followed_up)
    .add(ev.ApplicationFlagged, _flagged)
    # counted where they happen, or not counted; PreparationStarted is no application's
    .ignore(ev.EvidenceResolved, ev.EvidenceSupplied, ev.StepAdvanced, ev.PreparationStarted)
    .ignore(ev.HolderEvidenceChanged)  # a notice: the flags it raises are counted
)

"""The commands behind the REST API: check, decide (rules.py), produce, read back.

Evidence is resolved before anything is produced, so a certificates outage leaves no
half-made application behind: the applicant simply retries. A command's events are
produced one after another, so a crash may still cut it short; its retry finishes it
(a submission still `submitted`; an acceptance without its first step).
"""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime

from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.power.v1 import events_pb2 as ev

from services.kit.identifiers import mask
from services.power import domain, rules
from services.power.catalog import Matter
from services.power.domain import Application, invalid, timestamp
from services.power.registry import Registry
from services.power.rules import ApplicationRequest

# A submission not applied in time is retried with its idempotency key (the applicant has
# no application id yet): the retry lands on the same application and finishes it.
SUBMISSION_RETRY_FIELD = "request_id"


class Commands:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    async def _resolve(
        self,
        app_id: str,
        matter: Matter,
        applicant: common.Party,
        unit_code: str,
        only: frozenset[str] | None = None,
    ) -> list[Message]:
        """EvidenceResolved for the matter's evidence (only `only` types, if given)."""
        kinds = matter.evidence_for(rules.applicant_kind(applicant))
        queries = rules.evidence_queries(kinds, unit_code, only)
        if not queries:
            return []
        resolution = await self.registry.evidence.resolve(
            case_id=app_id,
            matter=matter,
            holder_id=applicant.id,
            queries=queries,
            requested_by=self.registry.system,
        )
        return [
            ev.EvidenceResolved(
                application_id=app_id,
                results=resolution.results,
                access_ids=resolution.access_ids,
                resolved_at=timestamp(self.registry.now()),
            )
        ]

    async def _finished(
        self, app: Application, actor: common.Actor, retry_field: str = "application_id"
    ) -> Application:
        """`app`, with its first step entered if the command that accepted it died before
        entering it (rules.first_step_not_entered): a retry of that command finishes it."""
        events = rules.first_step_not_entered(app, self.registry.system, self.registry.now())
        if not events:
            return app
        return await self.registry.emit(
            app.id, events, actor=_who(actor), matter_code=app.matter_code, retry_field=retry_field
        )

    def _accept_if_complete(self, app_id: str, events: list[Message]) -> list[Message]:
        """Add acceptance when the events leave nothing missing."""
        projected = domain.fold([*self.registry.events(app_id), *events])
        if projected is None or projected.status not in (
            domain.SUBMITTED,
            domain.EVIDENCE_REQUESTED,
        ):
            return events
        if projected.missing:
            return events
        registry = self.registry
        prepared = registry.preparation(projected.parcel_code)
        return events + rules.acceptance(
            projected, registry.matter(projected), prepared, registry.system, registry.now()
        )

    def _new_id(
        self, request: ApplicationRequest, division: str, now: datetime, request_id: str
    ) -> str:
        """The application's id. A request id fixes it (a retry lands on the same
        application); without one it is random. Either way, with a unit code it is
        born on its parcel's partition (runtime.key_beside), so that the parcel's early
        preparation (applied from land-supply events keyed by parcel code) is read on
        the worker deciding the application; a retry makes the same choices. The
        worker owning the id decides: another one hands the request to it."""
        runtime = self.registry.runtime
        nonce = f"{request.applicant.id}|{request_id}" if request_id else uuid.uuid4().hex
        tries = itertools.count()

        def make() -> str:
            n = next(tries)
            if n and not request_id:
                return rules.application_id(division, now, uuid.uuid4().hex)
            return rules.application_id(division, now, f"{nonce}|{n}" if n else nonce)

        parcel = request.unit_code[:19] if request.unit_code else ""
        if parcel:
            app_id = runtime.key_beside(parcel, make)
        elif request_id:
            app_id = make()
        else:
            app_id = runtime.fresh_key(make)
        runtime.claim(app_id)
        return app_id

    async def submit(
        self,
        request: ApplicationRequest,
        actor: common.Actor,
        *,
        request_id: str = "",
        contact: common.Contact | None = None,
        channel: str = "online-portal",
    ) -> Application:
        registry = self.registry
        matter = rules.check_request(request, registry.catalog)
        now = registry.now()
        division = request.unit_code[:6] if request.unit_code else request.address.division_code  # type: ignore[union-attr]
        app_id = self._new_id(request, division, now, request_id)
        existing = registry.get(app_id)
        if existing is not None and existing.status != domain.SUBMITTED:
            # a retry: answer what it made
            return await self._finished(existing, actor, SUBMISSION_RETRY_FIELD)
        # Still `submitted`: the process that took the request died after producing
        # ApplicationSubmitted and before the rest; the retry finishes the job.
        submitted = ev.ApplicationSubmitted(
            application_id=app_id,
            applicant=request.applicant,
            submitted_by=actor,
            matter_code=matter.code,
            unit_code=request.unit_code,
            requested_capacity_w=request.capacity_w,
            channel=channel,
            submitted_at=timestamp(now),
        )
        if request.address is not None:
            submitted.address.CopyFrom(request.address)
        if contact is not None:
            submitted.contact.CopyFrom(contact)
        # A retry after a crash that came after EvidenceResolved reuses that resolution:
        # resolving again would log a second access and put evidence twice on the timeline.
        earlier = [e for e in registry.events(app_id) if isinstance(e, ev.EvidenceResolved)]
        if existing is not None and earlier:
            resolved: list[Message] = list(earlier)
            events: list[Message] = []
        else:
            resolved = list(
                await self._resolve(app_id, matter, request.applicant, request.unit_code)
            )
            events = [*resolved] if existing is not None else [submitted, *resolved]
        results = [r for e in resolved for r in e.results]  # type: ignore[attr-defined]
        missing = rules.missing_of(results)
        if missing:
            events.append(
                ev.EvidenceRequested(
                    application_id=app_id, missing=missing, requested_at=timestamp(now)
                )
            )
        else:
            app = domain.fold([*registry.events(app_id), *events])
            assert app is not None
            prepared = registry.preparation(app.parcel_code)
            events += rules.acceptance(app, matter, prepared, registry.system, now)
        return await registry.emit(
            app_id,
            events,
            actor=_who(actor),
            matter_code=matter.code,
            retry_field=SUBMISSION_RETRY_FIELD,
        )

    async def supply(
        self,
        app: Application,
        type_code: str,
        upload_ref: str,
        sha256_hex: str,
        actor: common.Actor,
    ) -> Application:
        if rules.first_step_not_entered(app, actor, self.registry.now()):
            return await self._finished(app, actor)  # this upload, retried, accepted it
        rules.check_upload(app, type_code, upload_ref)
        try:
            digest = bytes.fromhex(sha256_hex) if sha256_hex else b""
        except ValueError:
            raise invalid("content_sha256", "hex digits only") from None
        if digest and len(digest) != 32:
            raise invalid("content_sha256", "a SHA-256 is 64 hex digits")
        supplied = ev.EvidenceSupplied(
            application_id=app.id,
            type_code=type_code,
            upload_ref=upload_ref,
            content_sha256=digest,
            supplied_by=actor,
            supplied_at=timestamp(self.registry.now()),
        )
        events = self._accept_if_complete(app.id, [supplied])
        return await self.registry.emit(
            app.id, events, actor=_who(actor), matter_code=app.matter_code
        )

    async def refresh(self, app: Application, actor: common.Actor) -> Application:
        """Resolve again what is missing or flagged (the applicant got it fixed at the
        issuing department); what is found replaces what went bad."""
        if rules.first_step_not_entered(app, actor, self.registry.now()):
            return await self._finished(app, actor)  # this refresh, retried, accepted it
        only = rules.refresh_types(app)
        resolved = await self._resolve(
            app.id, self.registry.matter(app), app.applicant, app.unit_code, only
        )
        events = self._accept_if_complete(app.id, resolved)
        if not events:
            return app
        return await self.registry.emit(
            app.id, events, actor=_who(actor), matter_code=app.matter_code
        )

    async def advance(
        self, app: Application, current_step: str, actor: common.Actor, who: str = ""
    ) -> Application:
        """`who`: the staff member for `ce_actor` (services.kit.audit); the event's actor
        names the company the staff member acts for."""
        events = rules.move(app, current_step, actor, self.registry.now())
        return await self.registry.emit(
            app.id, events, actor=who or _who(actor), matter_code=app.matter_code
        )

    async def evaluate(
        self, app: Application, grade_code: str, comment: str, actor: common.Actor
    ) -> Application:
        grade = self.registry.catalog.grades.get(grade_code)
        if grade is None:
            known = ", ".join(self.registry.catalog.grades)
            raise invalid("grade", f"unknown grade {grade_code!r}; one of {known}")
        events = rules.evaluation(
            app, grade, comment, actor, self.registry.now(), self.registry.catalog
        )
        return await self.registry.emit(
            app.id, events, actor=_who(actor), matter_code=app.matter_code
        )

    async def complete_rectification(
        self, app: Application, action: str, actor: common.Actor, who: str
    ) -> Application:
        events = rules.complete_rectification(
            app, action, actor, self.registry.now(), self.registry.catalog
        )
        return await self.registry.emit(app.id, events, actor=who, matter_code=app.matter_code)

    async def follow_up(
        self, app: Application, satisfied: bool, note: str, actor: common.Actor, who: str
    ) -> Application:
        events = rules.follow_up(app, satisfied, note, actor, self.registry.now())
        return await self.registry.emit(app.id, events, actor=who, matter_code=app.matter_code)


def _who(actor: common.Actor) -> str:
    """The acting party for the `ce_actor` header: role and accountable party. Generic
    tooling prints headers, so a citizen's id is masked there (the event has it whole)."""
    party = actor.on_behalf_of
    shown = mask(party.id) if party.kind == common.PARTY_KIND_CITIZEN else party.id
    return f"{actor.role}:{shown}"

"""Certificates service wiring: tables, agents, gRPC and REST around the registry."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import grpc
from google.protobuf.message import Message
from govshare.certificates.v1 import certificates_service_pb2, certificates_service_pb2_grpc
from govshare.certificates.v1 import events_pb2 as ev
from govshare.common.v1 import types_pb2 as common

from services.certificates import api, catalog, feeds, metrics
from services.certificates.domain import DomainError, IssueCommand
from services.certificates.grpc_api import CertificateServicer
from services.certificates.keystore import KeyStore
from services.certificates.registry import Attribution, Registry
from services.certificates.signatures import Suite
from services.kit.consumer import Accepted, Rejected, table_scope
from services.kit.envelope import Envelope
from services.kit.forwarding import Found, Gathered
from services.kit.grpc_forwarding import Anywhere, ByKey
from services.kit.periodic import every
from services.kit.provided import provide
from services.kit.runtime import ServiceRuntime
from services.kit.settings import Settings, load_settings
from services.kit.waiters import derived_id

NAME = "certificates"

# Issuing departments' feeds and the flows that end in a certificate.
FEED_TOPICS = (
    "marketreg.v1.events",
    "landsupply.v1.events",
    "projects.v1.events",
    "realestate.v1.events",
    "tax.v1.events",
)


class FeedHandler:
    """Turns a department's event into registry commands (the rules live in feeds.py)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def _actions(self, env: Envelope, message: Message) -> list[feeds.Action]:
        try:
            return feeds.actions_for(message, env.dedup_key, self.registry.catalog)
        except StopIteration:
            raise Rejected("issuer", "no issuer in the catalog may issue this type") from None

    def _actor(self, env: Envelope, actions: list[feeds.Action]) -> common.Actor:
        return common.Actor(
            kind=common.ACTOR_KIND_SYSTEM,
            system_id=env.source,
            on_behalf_of=common.Party(
                kind=common.PARTY_KIND_DEPARTMENT,
                id=self._issuer_of(actions) or "",
                name=env.source.rsplit("/", 1)[-1],
            ),
        )

    @staticmethod
    def _attribution(env: Envelope) -> Attribution:
        """A change a feed event caused is the feed's: its actor (or its source system),
        its department (else the issuer's, see Registry), its case."""
        return {
            "actor": env.actor or f"system:{env.source}",
            "department": env.department,
            "case_id": env.case_id,
        }

    async def _data_use(self, env: Envelope, message: Message) -> None:
        """Another department used holders' data: into their access logs."""
        try:
            await self.registry.record_department_use(message, env, self._attribution(env))
        except ValueError as error:
            raise Rejected("use", str(error)) from None

    async def __call__(self, env: Envelope, message: Message) -> None:
        if isinstance(message, feeds.DATA_USE_EVENTS):
            await self._data_use(env, message)
            return
        actions = self._actions(env, message)
        actor = self._actor(env, actions)
        cause = common.EventRef(source=env.source, id=env.id, type=env.type)
        try:
            for action in actions:
                await self._apply(action, actor, cause, env)
        except DomainError as error:
            raise Rejected(error.field, error.reason) from None

    async def batch(self, items: Sequence[Accepted]) -> None:
        """A batch of feed events: issuing is signed in bulk, in event order; an event
        that also revokes or supersedes is handled alone, after what came before it."""
        issuing = self.registry.issue_batch()
        for item in items:
            env = item.env
            try:
                if isinstance(item.message, feeds.DATA_USE_EVENTS):
                    await self._data_use(env, item.message)
                    continue
                actions = self._actions(env, item.message)
                # Most of a department's events ask nothing of the registry: applied
                # again they change nothing again, so they need no applied mark.
                item.changed = bool(actions)
                if all(isinstance(a, IssueCommand) for a in actions):
                    actor = self._actor(env, actions)
                    cause = common.EventRef(source=env.source, id=env.id, type=env.type)
                    for action in actions:
                        assert isinstance(action, IssueCommand)
                        await issuing.add(
                            action,
                            actor=actor,
                            caused_by=cause,
                            attribution=self._attribution(env),
                        )
                else:
                    await issuing.flush()
                    await self(env, item.message)
            except Rejected as exc:
                item.reject(exc.field, exc.reason)
            except DomainError as error:
                item.reject(error.field, error.reason)
        await issuing.flush()

    def _issuer_of(self, actions: list[feeds.Action]) -> str | None:
        return next((a.issuer_uscc for a in actions if isinstance(a, IssueCommand)), None)

    async def _apply(
        self, action: feeds.Action, actor: common.Actor, cause: common.EventRef, env: Envelope
    ) -> None:
        registry = self.registry
        if isinstance(action, IssueCommand):
            # Not waiting: this agent is also what applies our own events downstream.
            await registry.issue(
                action,
                actor=actor,
                department=None,
                caused_by=cause,
                wait=False,
                attribution=self._attribution(env),
            )
            return
        await self._request_change(action, actor, cause, env)

    async def _request_change(
        self,
        action: feeds.Revoke | feeds.Supersede,
        actor: common.Actor,
        cause: common.EventRef,
        env: Envelope,
    ) -> None:
        """A revocation or a new version needs the holder's dossier, which lives on the
        worker owning the holder's partition, and the feed is keyed otherwise (a unit
        code): the change is re-keyed by holder onto our own topic and made there
        (`make_change`), in order with the holder's other events."""
        request = ev.HolderChangeRequested(
            holder_id=action.holder_id,
            type_key=action.type_key,
            field=action.field,
            value=action.value,
            caused_by=cause,
            requested_by=actor,
            request_id=env.dedup_key,
            department=env.department or "",
        )
        if isinstance(action, feeds.Revoke):
            request.revocation_reason = action.reason  # type: ignore[assignment]
            request.detail = action.detail
        else:
            request.superseding_fields.update(action.fields)
        attribution = self._attribution(env)
        what = f"holder-change|{action.holder_id}|{action.type_key}|{action.field}|{action.value}"
        await self.registry.runtime.bus.publish(
            request,
            subject=action.holder_id,
            event_id=derived_id(env.dedup_key, what),
            actor=attribution["actor"],
            # who asked, for the audit trail; the change itself is the issuer's unless the
            # cause named a department (request.department)
            department=env.department or env.source.rsplit("/", 1)[-1],
            case_id=attribution["case_id"],
        )

    async def make_change(self, env: Envelope, request: ev.HolderChangeRequested) -> None:
        """On the holder's worker: revoke or supersede the holder's current certificates
        the request names (as the department's event asked: `_request_change`)."""
        registry = self.registry
        attribution = {**self._attribution(env), "department": request.department or None}
        type_code = registry.catalog.type_by_key(request.type_key).code
        targets = [
            c
            for c in registry.dossier(request.holder_id).current(type_code)
            if not request.field or c.fields.get(request.field) == request.value
        ]
        for cert in targets:
            if request.revocation_reason:
                await registry.change_status(
                    cert.id,
                    "revoke",
                    actor=request.requested_by,
                    department=None,
                    reason=request.detail,
                    revocation_reason=request.revocation_reason,
                    caused_by=request.caused_by,
                    wait=False,
                    attribution=attribution,
                )
            else:
                await registry.supersede(
                    cert.id,
                    request.request_id,
                    actor=request.requested_by,
                    department=None,
                    valid_from=None,
                    valid_until=None,
                    fields=dict(request.superseding_fields),
                    wait=False,
                    attribution=attribution,
                )


def build(settings: Settings | None = None) -> ServiceRuntime:
    settings = settings or load_settings()
    runtime = ServiceRuntime(NAME, settings)
    rules = catalog.load()
    metrics.preinitialise(rules)
    registry = Registry(
        runtime, rules, KeyStore(Path(settings.keys_dir)), Suite(settings.signature_suite)
    )
    # Batched: bulk feeds (a province's licences) are signed in parallel and produced
    # with one round trip per batch; our own events are applied a dossier at a time.
    handler = FeedHandler(registry)

    async def own_events(items: Sequence[Accepted]) -> None:
        """Our own events in log order; a change a feed asked for (re-keyed by holder)
        is made against the dossier as the events before it left it."""
        run: list[Accepted] = []
        for item in items:
            if not isinstance(item.message, ev.HolderChangeRequested):
                run.append(item)
                continue
            if run:
                await registry.on_certificate_events(run)
                run = []
            item.changed = True  # marked applied: a redelivery asks nothing again
            with table_scope(item.delivery):  # the holder's partition (see Registry)
                await handler.make_change(item.env, item.message)
        if run:
            await registry.on_certificate_events(run)

    runtime.consume_batch("certificates.v1.events", own_events)
    runtime.consume("certificates.v1.access-log", registry.on_access_event, dedup=False)
    for topic in FEED_TOPICS:
        # Nobody waits on a feed event: larger batches, fewer round trips.
        runtime.consume_batch(topic, handler.batch, max_events=1000)

    def register(server: grpc.aio.Server) -> list[str]:
        certificates_service_pb2_grpc.add_CertificateServiceServicer_to_server(  # type: ignore[no-untyped-call]
            CertificateServicer(registry), server
        )
        return [
            certificates_service_pb2.DESCRIPTOR.services_by_name["CertificateService"].full_name
        ]

    horizon = min(settings.access_log_retention_s, settings.access_log_unknown_holder_s)

    @every(runtime, max(30.0, horizon / 10))
    async def expire_access_log() -> None:
        consumer = runtime.faust.consumer
        owned = {tp.partition for tp in consumer.assignment() if tp.topic.endswith("access-log")}
        await registry.expire_access_log(owned, time.time())

    runtime.add_grpc(register)
    provide(runtime.api, registry)
    runtime.api.include_router(api.router)
    forward_to_holders(runtime, registry)
    return runtime


def forward_to_holders(runtime: ServiceRuntime, registry: Registry) -> None:
    """With N workers, a holder's dossier and access log live on the worker owning the
    holder's partition: calls naming the holder go there; a certificate id does not name
    its holder, so calls by id are answered by whichever worker holds it."""
    by_id = Anywhere(lambda request: request.certificate_id in registry.index)
    service = "/govshare.certificates.v1.CertificateService/"
    runtime.forward_grpc(
        {
            service + "IssueCertificate": ByKey(lambda request: request.holder.id),
            service + "ListDossier": ByKey(lambda request: request.holder_id),
            service + "ResolveEvidence": ByKey(lambda request: request.holder_id),
            **{
                service + method: by_id
                for method in (
                    "GetCertificate",
                    "VerifyCertificate",
                    "RevokeCertificate",
                    "SuspendCertificate",
                    "ReinstateCertificate",
                    "SupersedeCertificate",
                )
            },
        }
    )
    runtime.forward_by_key(
        Gathered("/v1/me/certificates", "certificates"),  # the holder's worker has them all
        Gathered("/v1/me/access-log", "entries"),
        Found("/v1/certificates/{certificate_id}"),  # and its /verification
    )

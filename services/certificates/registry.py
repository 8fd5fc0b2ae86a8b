"""The certificate registry's state and commands, on Faust tables (thin: domain does the rules).

Commands (from gRPC and from department feeds) validate against current state, sign, and
produce events; the agent on `certificates.v1.events` applies them to the tables. A command
waits until its event is applied, so the caller reads its own write.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import uuid
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from google.protobuf import json_format
from google.protobuf.message import Message
from govshare.certificates.v1 import access_log_pb2 as log_pb
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import events_pb2 as ev
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common

from services.certificates import canonical, domain, feeds, retention
from services.certificates.catalog import Catalog
from services.certificates.domain import DomainError, Dossier, IssueCommand
from services.certificates.keystore import KeyStore
from services.certificates.metrics import ACCESS_DECISIONS, CERTIFICATES_ISSUED
from services.certificates.signatures import SigningKey, Suite
from services.kit import identifiers
from services.kit.clock import SYSTEM, Clock
from services.kit.consumer import Accepted, table_scope
from services.kit.envelope import Envelope
from services.kit.errors import forbidden, not_found
from services.kit.idempotency import current_partition, rewrite
from services.kit.runtime import ServiceRuntime
from services.kit.waiters import Waiters, derived_id

log = logging.getLogger(__name__)

ACCESS_LOG_LIMIT = 1000  # newest entries kept per holder in the table

# Every command names its request (the idempotency key of the gRPC requests): a command
# not applied in time is retried with the same one (kit/waiters.py).
RETRY_FIELD = "request_id"

# Event attributes that make a change attributable (`actor`, `department`, `case_id`; see
# services/kit/audit.py): from the caller's token, or from the headers of the feed event
# that caused the change.
Attribution = Mapping[str, str | None]

_ACTIONS: dict[type[Message], str] = {
    ev.CertificateRevoked: "revoke",
    ev.CertificateSuspended: "suspend",
    ev.CertificateReinstated: "reinstate",
    ev.CertificateSuperseded: "supersede",
}


def _response(result: domain.Verification, status: int = 0) -> svc.VerifyCertificateResponse:
    reply = svc.VerifyCertificateResponse(valid=result.valid, details=result.details)
    reply.problems.extend(result.problems)  # type: ignore[arg-type]  # enum ints
    reply.status = status  # type: ignore[assignment]
    return reply


class Registry:
    def __init__(
        self,
        runtime: ServiceRuntime,
        catalog: Catalog,
        keys: KeyStore,
        suite: Suite,
        clock: Clock = SYSTEM,
    ) -> None:
        self.runtime = runtime
        self.clock = clock
        self.catalog = catalog
        self.keys = keys
        self.suite = suite
        app = runtime.faust
        # Tables serialise values as JSON; a dossier is its protobuf bytes in base64.
        self.dossiers = app.Table("dossiers", key_type=str, value_type=str)
        self.index = app.Table("certificate-index", key_type=str, value_type=str)
        # value_type=None: plain JSON (Faust cannot restore a `list` value type).
        self.access_log = app.Table("access-log", key_type=str, value_type=None)
        self.waiters = Waiters(runtime.bus)

    # --- state ----------------------------------------------------------------------------

    def dossier(self, holder_id: str) -> Dossier:
        raw = self.dossiers.get(holder_id)
        if not raw:
            return Dossier()
        decoded = base64.b64decode(raw)
        return Dossier(list(svc.ListDossierResponse.FromString(decoded).certificates))

    def _store(self, holder_id: str, dossier: Dossier) -> None:
        raw = svc.ListDossierResponse(certificates=dossier.certificates).SerializeToString()
        self.dossiers[holder_id] = base64.b64encode(raw).decode()

    def find(self, certificate_id: str) -> t.Certificate:
        holder = self.index.get(certificate_id)
        cert = self.dossier(holder).find(certificate_id) if holder else None
        if cert is None:
            raise not_found("certificate_id", f"{certificate_id} is not in the registry")
        return cert

    def public_key(self, key_id: str) -> t.SigningKey | None:
        stored = self.keys.get(key_id)
        return stored.public() if stored else None

    # --- applying events (agent side) -----------------------------------------------------

    async def on_certificate_events(self, items: Sequence[Accepted]) -> None:
        """Apply a batch of our own events: each holder's dossier is read and stored once."""
        by_holder: dict[str, list[Accepted]] = {}
        for item in items:
            holder = getattr(item.message, "holder_id", "")  # key events have none
            if holder:
                by_holder.setdefault(holder, []).append(item)
            # An issue applied again finds its certificate there and changes nothing, so
            # it needs no applied mark (a record each); a status change does: a
            # redelivered suspension would undo a later reinstatement.
            item.changed = bool(holder) and not isinstance(item.message, ev.CertificateIssued)
        for holder, mine in by_holder.items():
            # Read in the holder's own partition: inside an event, Faust's RocksDB store
            # looks only in the current event's partition database, and a batch mixes
            # partitions (read elsewhere, a dossier came back empty and was overwritten).
            with table_scope(mine[-1].delivery):
                dossier = self.dossier(holder)
            changed = False
            added: list[str] = []
            for item in mine:
                message = item.message
                if isinstance(message, ev.CertificateIssued):
                    if domain.apply_issued(dossier, message.certificate):
                        changed = True
                        added.append(message.certificate.id)
                        CERTIFICATES_ISSUED.labels(message.certificate.type_code).inc()
                elif type(message) in _ACTIONS:
                    cert_id = message.certificate.certificate_id  # type: ignore[attr-defined]
                    changed |= domain.apply_status(dossier, cert_id, _ACTIONS[type(message)])
            if changed:
                # One holder's events share a partition: the writes go to its changelog.
                with table_scope(mine[-1].delivery):
                    self._store(holder, dossier)
                    for cert_id in added:
                        self.index[cert_id] = holder
        for item in items:
            self.waiters.wake(item.env.id)

    async def on_access_event(self, env: Envelope, message: Message) -> None:
        """Idempotent by the entry's id, so the access log needs no applied marks (a
        redelivery comes within the last entries, far inside ACCESS_LOG_LIMIT)."""
        holder = message.holder_id  # type: ignore[attr-defined]
        entries = list(self.access_log.get(holder) or [])
        if any(entry.get("id") == env.id for entry in entries):
            return
        data = json_format.MessageToDict(message)
        # p: the changelog partition, so that expiry (retention.py) can rewrite the key
        entries.append({"type": env.type, "id": env.id, "data": data, "p": current_partition()})
        self.access_log[holder] = entries[-ACCESS_LOG_LIMIT:]

    async def expire_access_log(self, owned: Collection[int], now: float) -> int:
        """Drop access-log entries past their horizon (retention.py); returns how many."""
        settings = self.runtime.settings
        holders = list(self.access_log.keys())
        dropped = 0
        for start in range(0, len(holders), 100):
            dropped += retention.sweep(
                holders[start : start + 100],
                lambda h: list(self.access_log.get(h) or []),
                lambda h: bool(self.dossiers.get(h)),
                owned,
                now=now,
                retention_s=settings.access_log_retention_s,
                unknown_holder_s=settings.access_log_unknown_holder_s,
                write=lambda h, entries, p: rewrite(self.access_log, h, entries, p),
            )
            # at most 100 rewrites waiting: the handlers' writes share the producer buffer
            await self.runtime.applied.writes_durable()
        return dropped

    # --- commands -------------------------------------------------------------------------

    async def issue(
        self,
        cmd: IssueCommand,
        *,
        actor: common.Actor,
        department: str | None,
        caused_by: common.EventRef | None = None,
        suite: Suite | None = None,
        wait: bool = True,
        attribution: Attribution | None = None,
    ) -> t.Certificate:
        """Sign and issue; a repeated request returns the certificate already issued."""
        draft = await self._draft(
            cmd,
            actor=actor,
            department=department,
            caused_by=caused_by,
            suite=suite,
            attribution=attribution,
        )
        if isinstance(draft, t.Certificate):
            return draft
        return await self._emit_issued(draft, draft.key.sign(draft.data), wait=wait)

    def issue_batch(self) -> IssueBatch:
        """Issue many certificates with signing off the event loop (see IssueBatch)."""
        return IssueBatch(self)

    async def _draft(
        self,
        cmd: IssueCommand,
        *,
        actor: common.Actor,
        department: str | None,
        caused_by: common.EventRef | None,
        suite: Suite | None,
        attribution: Attribution | None = None,
    ) -> t.Certificate | _Draft:
        """Check the command and make the certificate to sign, or return the certificate
        this request already issued."""
        domain.check_issue(cmd, self.catalog, department=department)
        serial = cmd.serial or domain.serial_for(cmd.issuer_uscc, cmd.type_code, cmd.request_id)
        cert_id = identifiers.make_cert_id(cmd.type_code, cmd.issuer_uscc, serial, cmd.version)
        existing = self.dossier(cmd.holder.id).find(cert_id)
        if existing is not None:
            return existing
        chosen = suite or self.suite
        stored, created = self.keys.active(cmd.issuer_uscc, chosen)
        if created:
            await self.runtime.bus.publish(
                ev.SigningKeyPublished(
                    issuer_uscc=cmd.issuer_uscc,
                    key=stored.public(),
                    published_at=domain.timestamp(stored.active_from),
                ),
                subject=cmd.issuer_uscc,
            )
        cert = domain.draft(
            cmd,
            self.catalog,
            issued_at=self.clock.now(),
            suite=chosen.proto_value,
            key_id=stored.key.key_id,
        )
        attrs = self._attributed(attribution, cmd.issuer_uscc)
        data = canonical.certificate_bytes(cert)
        return _Draft(cert, data, stored.key, cmd, actor, caused_by, attrs)

    async def _emit_issued(self, draft: _Draft, signature: bytes, *, wait: bool) -> t.Certificate:
        cert = draft.cert
        cert.signature.value = signature
        event = ev.CertificateIssued(
            holder_id=draft.cmd.holder.id,
            certificate=cert,
            request_id=draft.cmd.request_id,
            issued_by=draft.actor,
        )
        if draft.caused_by is not None:
            event.caused_by.CopyFrom(draft.caused_by)
        await self.waiters.emit(
            event,
            subject=draft.cmd.holder.id,
            wait=wait,
            retry_field=RETRY_FIELD,
            **draft.attrs,
        )
        return cert

    async def change_status(
        self,
        certificate_id: str,
        action: str,
        *,
        actor: common.Actor,
        department: str | None,
        reason: str = "",
        revocation_reason: int = 0,
        caused_by: common.EventRef | None = None,
        wait: bool = True,
        attribution: Attribution | None = None,
    ) -> t.Certificate:
        cert = self.find(certificate_id)
        self._check_department(cert, department)
        domain.check_transition(cert, action)
        now = self.clock.stamp()
        holder = cert.holder.id
        message: Message
        if action == "revoke":
            message = ev.CertificateRevoked(
                holder_id=holder,
                certificate=domain.ref(cert),
                reason=revocation_reason or t.REVOCATION_REASON_OTHER,  # type: ignore[arg-type]
                detail=reason,
                revoked_at=now,
                revoked_by=actor,
            )
            if caused_by is not None:
                message.caused_by.CopyFrom(caused_by)
        elif action == "suspend":
            if not reason:
                raise domain.invalid("reason", "a suspension must say why")
            message = ev.CertificateSuspended(
                holder_id=holder,
                certificate=domain.ref(cert),
                reason=reason,
                suspended_at=now,
                suspended_by=actor,
            )
        else:
            message = ev.CertificateReinstated(
                holder_id=holder,
                certificate=domain.ref(cert),
                reason=reason,
                reinstated_at=now,
                reinstated_by=actor,
            )
        attrs = self._attributed(attribution, cert.issuer_uscc)
        await self.waiters.emit(
            message, subject=holder, wait=wait, retry_field=RETRY_FIELD, **attrs
        )
        return self.find(certificate_id)

    async def supersede(
        self,
        certificate_id: str,
        request_id: str,
        *,
        actor: common.Actor,
        department: str | None,
        valid_from: date | None,
        valid_until: date | None,
        fields: dict[str, str],
        wait: bool = True,
        attribution: Attribution | None = None,
    ) -> tuple[t.Certificate, t.Certificate]:
        current = self.find(certificate_id)
        self._check_department(current, department)
        cmd = domain.successor(
            current, request_id, valid_from=valid_from, valid_until=valid_until, fields=fields
        )
        replacement = await self.issue(
            cmd, actor=actor, department=department, wait=wait, attribution=attribution
        )
        if self.find(certificate_id).status != domain.SUPERSEDED:
            await self.waiters.emit(
                ev.CertificateSuperseded(
                    holder_id=current.holder.id,
                    certificate=domain.ref(current),
                    replacement=domain.ref(replacement),
                    superseded_at=self.clock.stamp(),
                    superseded_by=actor,
                ),
                subject=current.holder.id,
                wait=wait,
                retry_field=RETRY_FIELD,
                **self._attributed(attribution, current.issuer_uscc),
            )
        return replacement, self.find(certificate_id)

    async def rotate_key(self, issuer_uscc: str, suite: Suite) -> t.SigningKey:
        """Retire the issuer's active key (what it signed still verifies) and start a new one."""
        if issuer_uscc not in self.catalog.issuers:
            raise not_found("issuer_uscc", f"{issuer_uscc} is not an issuer")
        new, retired = self.keys.rotate(issuer_uscc, suite)
        if retired is not None and retired.retired_at is not None:
            await self.runtime.bus.publish(
                ev.SigningKeyRetired(
                    issuer_uscc=issuer_uscc,
                    key_id=retired.key.key_id,
                    reason=t.KEY_RETIREMENT_REASON_ROTATED,
                    retired_at=domain.timestamp(retired.retired_at),
                ),
                subject=issuer_uscc,
            )
        await self.runtime.bus.publish(
            ev.SigningKeyPublished(
                issuer_uscc=issuer_uscc,
                key=new.public(),
                replaces_key_id=retired.key.key_id if retired else "",
                published_at=domain.timestamp(new.active_from),
            ),
            subject=issuer_uscc,
        )
        return new.public()

    def _attributed(self, given: Attribution | None, issuer_uscc: str) -> dict[str, str | None]:
        """The event attributes of a certificate change: who asked (`actor`), the case it
        belongs to (`case_id`) and the accountable department, which is the issuer's
        department unless the caller says otherwise."""
        attrs = {k: v for k, v in (given or {}).items() if v}
        issuer = self.catalog.issuers.get(issuer_uscc)
        if "department" not in attrs and issuer is not None:
            attrs["department"] = issuer.department
        return dict(attrs)

    def _check_department(self, cert: t.Certificate, department: str | None) -> None:
        issuer = self.catalog.issuers.get(cert.issuer_uscc)
        if department is not None and (issuer is None or issuer.department != department):
            raise forbidden(
                "certificate_id",
                f"only the issuing department may change {cert.id}",
            )

    def verify(
        self, cert: t.Certificate | None, certificate_id: str, on: date
    ) -> svc.VerifyCertificateResponse:
        result = domain.Verification()
        wanted = cert.id if cert is not None else certificate_id
        verdict = identifiers.check_cert_id(wanted, legacy=True)
        if not verdict.valid:
            result.add(svc.VERIFICATION_PROBLEM_MALFORMED_ID, verdict.reason or "malformed id")
            return _response(result)
        try:
            stored: t.Certificate | None = self.find(wanted)
        except DomainError:
            stored = None
        subject = cert if cert is not None else stored
        if stored is None:
            result.add(
                svc.VERIFICATION_PROBLEM_UNKNOWN_CERTIFICATE, f"{wanted} is not in the registry"
            )
        if subject is None:
            return _response(result)
        if (
            cert is not None
            and stored is not None
            and (
                canonical.certificate_bytes(cert) != canonical.certificate_bytes(stored)
                or cert.signature.value != stored.signature.value
            )
        ):
            result.add(
                svc.VERIFICATION_PROBLEM_CONTENT_MISMATCH,
                "the presented content differs from what the registry issued",
            )
        domain.check_signature(subject, self.public_key(subject.signature.key_id), result)
        domain.check_validity(subject, on, result)
        if stored is not None:
            domain.check_status(stored.status, result)
        return _response(result, stored.status if stored is not None else 0)

    async def record_department_use(
        self, message: Message, env: Envelope, attribution: Attribution
    ) -> None:
        """Another department (realestate, tax) used holders' data and said so on its own
        topic: each holder's access log gets the entry. Ids derive from the cause, so a
        redelivered use logs nothing twice."""
        assert isinstance(message, feeds.DATA_USE_EVENTS)
        access_ids = {h: derived_id(env.dedup_key, h) for h in message.holder_ids}
        for event in feeds.personal_data_used(message, access_ids):
            await self.runtime.bus.publish(
                event,
                subject=event.holder_id,
                event_id=derived_id(env.dedup_key, "used:" + event.holder_id),
                **{
                    **attribution,
                    "department": attribution.get("department") or event.user.id,
                    "case_id": event.case_id or None,
                    "purpose": t.DataUse.Name(event.use),
                },
            )

    async def record_use(
        self,
        holder_id: str,
        use: int,
        certs: Sequence[t.Certificate],
        *,
        user: common.Party,
        actor: common.Actor,
        purpose: str = "",
        case_id: str = "",
        attribution: Attribution | None = None,
    ) -> str:
        """Log an issuing department's own read of a holder's data in the holder's access
        log (PersonalDataUsed); returns the access id. Published before the data is
        returned: a read that cannot be logged is not answered."""
        default_purpose, legal_basis = domain.issuer_use_basis(self.catalog, use, certs)
        access_id = str(uuid.uuid4())
        event = log_pb.PersonalDataUsed(
            holder_id=holder_id,
            access_id=access_id,
            user=user,
            used_by=actor,
            use=use,  # type: ignore[arg-type]
            purpose=purpose or default_purpose,
            legal_basis=legal_basis,
            case_id=case_id,
            certificates=[domain.ref(c) for c in certs],
            occurred_at=self.clock.stamp(),
        )
        attrs = {
            "department": user.id,
            **(attribution or {}),
            "case_id": case_id or None,
            "purpose": t.DataUse.Name(use),
        }
        await self.runtime.bus.publish(event, subject=holder_id, **attrs)
        return access_id

    async def resolve(
        self,
        request: svc.ResolveEvidenceRequest,
        *,
        caller_id: str,
        attribution: Attribution | None = None,
    ) -> tuple[domain.Resolution, str]:
        """Purpose-bound evidence resolution; every grant and denial goes to the access log.

        The request is decided before the holder's dossier is read (`domain.admit`), and a
        denial is published the same way whether or not the registry knows the holder:
        the requester cannot tell the two apart by the answer, its timing or what it
        causes, while the holder (anyone who logs in with that identity) reads the denial
        in their access log. The log event does not say whether the holder was known,
        since the Merkle log and its witnesses see every event.
        """
        access_id = str(uuid.uuid4())
        resolution = domain.admit(
            self.catalog,
            caller_id=caller_id,
            requester_id=request.requester.id,
            case_id=request.case_id,
            matter=request.matter_code,
            type_codes=request.type_codes,
        )
        if resolution.granted:
            resolution = domain.resolve(
                self.catalog,
                requester_id=request.requester.id,
                matter=request.matter_code,
                type_codes=request.type_codes,
                dossier=self.dossier(request.holder_id),
                on=self.clock.today(),
                object_id=request.object_id,
                every_current=request.every_current,
            )
        now = self.clock.stamp()
        attrs = {
            "department": request.requester.id,
            **(attribution or {}),
            "case_id": request.case_id or None,
            "purpose": request.matter_code or None,
        }
        if resolution.granted:
            assert resolution.entry is not None
            entry = log_pb.EvidenceAccessGranted(
                holder_id=request.holder_id,
                access_id=access_id,
                requester=request.requester,
                requested_by=request.requested_by,
                matter_code=request.matter_code,
                purpose=request.purpose or resolution.entry.purpose,
                legal_basis=resolution.entry.legal_basis,
                case_id=request.case_id,
                requested_type_codes=request.type_codes,
                released=resolution.released,
                occurred_at=now,
            )
        else:
            entry = log_pb.EvidenceAccessDenied(  # type: ignore[assignment]
                holder_id=request.holder_id,
                access_id=access_id,
                requester=request.requester,
                requested_by=request.requested_by,
                matter_code=request.matter_code,
                purpose=request.purpose,
                case_id=request.case_id,
                requested_type_codes=request.type_codes,
                reason=resolution.denial,  # type: ignore[arg-type]
                detail=resolution.detail,
                occurred_at=now,
            )
        await self.runtime.bus.publish(entry, subject=request.holder_id, **attrs)
        listed = any(request.matter_code in e.matters for e in self.catalog.sharing)
        ACCESS_DECISIONS.labels(
            "granted" if resolution.granted else "denied",
            request.matter_code if listed else "unlisted",
        ).inc()
        if not resolution.granted:
            # For the operators (counted above): who was refused what, and the access id
            # that finds the entry; the holder is named only in their own access log.
            log.warning(
                "evidence request %s refused: %s asked for %r (%s)",
                access_id,
                request.requester.id,
                request.matter_code,
                t.AccessDenialReason.Name(resolution.denial),
            )
        return resolution, access_id


@dataclass
class _Draft:
    """A certificate ready to sign: its canonical bytes and the key that signs them."""

    cert: t.Certificate
    data: bytes
    key: SigningKey
    cmd: IssueCommand
    actor: common.Actor
    caused_by: common.EventRef | None
    attrs: dict[str, str | None]


def _sign_all(work: list[tuple[SigningKey, bytes]]) -> list[bytes]:
    return [key.sign(data) for key, data in work]


# One thread per core: SM2 (libcrypto through ctypes) and Ed25519 (cryptography) both
# release the GIL while they sign, so signing runs on the other core while the loop works.
# (They retake the GIL between calls, so a busy loop slows them: docs/performance.md.)
_SIGNERS = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="sign")


class IssueBatch:
    """Issue many certificates from an agent (never waiting for them to be applied).

    Drafts are made on the event loop; every `chunk` of them is signed in the thread pool
    while the next drafts are made; `flush` publishes their events in the order they
    were added. Anything else a caller publishes for the same holder must come after a
    `flush`, so that the holder's events keep their order.
    """

    def __init__(self, registry: Registry, chunk: int = 32) -> None:
        self.registry = registry
        self.chunk = chunk
        self._ids: set[str] = set()
        self._drafts: list[_Draft] = []
        self._signing: list[tuple[list[_Draft], asyncio.Future[list[bytes]]]] = []

    async def add(
        self,
        cmd: IssueCommand,
        *,
        actor: common.Actor,
        caused_by: common.EventRef | None,
        attribution: Attribution | None = None,
    ) -> None:
        """Check and draft (raises DomainError); signed and published at `flush`."""
        draft = await self.registry._draft(
            cmd,
            actor=actor,
            department=None,
            caused_by=caused_by,
            suite=None,
            attribution=attribution,
        )
        if isinstance(draft, t.Certificate):
            return  # issued before: a redelivered request changes nothing
        if draft.cert.id in self._ids:
            return  # the same certificate asked for twice in this batch
        self._ids.add(draft.cert.id)
        self._drafts.append(draft)
        if len(self._drafts) >= self.chunk:
            self._submit()

    def _submit(self) -> None:
        drafts, self._drafts = self._drafts, []
        work = [(d.key, d.data) for d in drafts]
        future = asyncio.get_running_loop().run_in_executor(_SIGNERS, _sign_all, work)
        self._signing.append((drafts, future))

    async def flush(self) -> None:
        if self._drafts:
            self._submit()
        signing, self._signing = self._signing, []
        for drafts, future in signing:
            for draft, signature in zip(drafts, await future, strict=True):
                await self.registry._emit_issued(draft, signature, wait=False)

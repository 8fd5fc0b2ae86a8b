"""Other departments' events as the realestate service sees them: court seals (review),
tax progress (re-keyed by unit onto `realestate.v1.events`), and everything that belongs
in a unit's history (一码关联): land supply, planning, projects, certificates."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from govshare.certificates.v1 import events_pb2 as cert_events
from govshare.certificates.v1 import types_pb2 as cert_types
from govshare.common.v1 import types_pb2 as common
from govshare.courts.v1 import events_pb2 as courts
from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t
from govshare.tax.v1 import events_pb2 as tax

from services.kit.clock import SYSTEM, Clock
from services.kit.consumer import Rejected
from services.kit.dispatch import Dispatch
from services.kit.envelope import Envelope
from services.kit.runtime import ServiceRuntime
from services.kit.waiters import derived_id
from services.realestate import history
from services.realestate.cases import iso
from services.realestate.evidence import PROPERTY_CERTIFICATE
from services.realestate.store import UnitStore


def _date(value: common.Date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _date_of(value: common.Date) -> date:
    return date(value.year, value.month, value.day)


_TitleChange = (
    cert_events.CertificateRevoked
    | cert_events.CertificateSuspended
    | cert_events.CertificateSuperseded
)


class Feeds:
    def __init__(self, runtime: ServiceRuntime, store: UnitStore, clock: Clock = SYSTEM) -> None:
        self.runtime = runtime
        self.store = store
        self.clock = clock

    # --- courts.v1.events: seals, in the unit's history and its title ----------------------

    async def on_court_event(self, env: Envelope, message: Message) -> None:
        handler = COURT_EVENTS.get(message)
        if handler is not None:
            await handler(self, message, env)

    async def _sealed(self, message: courts.PropertySealed, env: Envelope) -> None:
        self.store.put_seal(
            message.unit_code,
            {
                "seal_id": message.seal_id,
                "case_number": message.case_number,
                "sealed_until": _date(message.sealed_until),
                "lifted": False,
            },
        )
        self._record_court(message, env)
        if _date_of(message.sealed_until) >= self.clock.today():
            await self._title_changed(
                env,
                ev.TitleChangeRecorded(
                    unit_code=message.unit_code,
                    change=t.TITLE_CHANGE_UNIT_SEALED,
                    detail=f"{message.court.name} {message.case_number}, "
                    f"期限至 {_date(message.sealed_until)}",
                    occurred_at=message.recorded_at,
                ),
            )

    async def _unsealed(self, message: courts.PropertyUnsealed, env: Envelope) -> None:
        self.store.lift_seal(message.unit_code, message.seal_id)
        self._record_court(message, env)

    def _record_court(
        self, message: courts.PropertySealed | courts.PropertyUnsealed, env: Envelope
    ) -> None:
        entry = history.of_court(message)
        if entry is not None:
            self.store.record_unit(message.unit_code, entry, env.dedup_key)

    # --- tax.v1.events: a case's tax progress, re-keyed by unit -----------------------------

    async def on_tax_event(self, env: Envelope, message: Message) -> None:
        """Tax events are keyed by case id; the case's state is keyed by unit. Re-key the
        fact onto our own topic, where the unit's partition owner applies it in order."""
        handler = TAX_EVENTS.get(message)
        if handler is not None:
            await handler(self, message, env)

    async def _assessed(self, message: tax.AssessmentIssued, env: Envelope) -> None:
        progress = ev.TaxProgressRecorded(
            unit_code=message.unit_code,
            case_id=message.case_id,
            stage=t.TAX_STAGE_ASSESSED,
            assessment_id=message.assessment_id,
            total=message.total,
            occurred_at=message.issued_at,
            assessed_by=message.assessed_by,
        )
        if message.legal_basis:  # assessed by hand: its basis and reviewer
            progress.detail = (
                f"人工核定, 依据 {message.legal_basis}, 复核 {message.reviewed_by.person_name}"
            )
        await self._progress(env, progress)

    async def _manual_required(self, message: tax.ManualAssessmentRequired, env: Envelope) -> None:
        await self._progress(
            env,
            ev.TaxProgressRecorded(
                unit_code=message.unit_code,
                case_id=message.case_id,
                stage=t.TAX_STAGE_MANUAL_ASSESSMENT_PENDING,
                detail=f"税费无法自动计算, 待税务窗口人工核定: {message.field}: {message.reason}",
                occurred_at=message.required_at,
            ),
        )

    async def _paid(self, message: tax.PaymentCleared, env: Envelope) -> None:
        await self._progress(
            env,
            ev.TaxProgressRecorded(
                unit_code=message.unit_code,
                case_id=message.case_id,
                stage=t.TAX_STAGE_PAID,
                assessment_id=message.assessment_id,
                total=message.amount,
                payment_id=message.payment_id,
                occurred_at=message.cleared_at,
            ),
        )

    async def _cancelled(self, message: tax.AssessmentCancelled, env: Envelope) -> None:
        await self._progress(
            env,
            ev.TaxProgressRecorded(
                unit_code=message.unit_code,
                case_id=message.case_id,
                stage=t.TAX_STAGE_CANCELLED,
                occurred_at=message.cancelled_at,
            ),
        )

    async def _progress(self, env: Envelope, progress: ev.TaxProgressRecorded) -> None:
        if not progress.unit_code:
            progress.unit_code = self.store.case_index.get(progress.case_id, "")
        if not progress.unit_code:
            raise Rejected("unit_code", f"case {progress.case_id} is not known here")
        progress.caused_by.CopyFrom(_cause(env))
        await self.runtime.bus.publish(
            progress,
            subject=progress.unit_code,
            event_id=derived_id(env.dedup_key, "tax-progress"),
            case_id=progress.case_id,
        )

    # --- land supply and projects: the parcel's history -----------------------------------

    async def on_land_event(self, env: Envelope, message: Message) -> None:
        entry = history.of_land(message)
        if entry is not None:
            self.store.record_parcel(message.parcel_code, entry, env.dedup_key)  # type: ignore[attr-defined]

    async def on_project_event(self, env: Envelope, message: Message) -> None:
        entry = history.of_project(message)
        if entry is not None:
            parcels = list(message.parcel_codes)  # type: ignore[attr-defined]
            self.store.record_project(message.project_code, parcels, entry, env.dedup_key)  # type: ignore[attr-defined]

    # --- certificates.v1.events: property certificates -------------------------------------

    async def on_certificate_event(self, env: Envelope, message: Message) -> None:
        """Property certificates issued, revoked or superseded: a unit's certificate history
        and the last step of a case's timeline (the buyer's new certificate)."""
        handler = CERTIFICATE_EVENTS.get(message)
        if handler is not None:
            await handler(self, message, env)

    async def _certificate_issued(
        self, message: cert_events.CertificateIssued, env: Envelope
    ) -> None:
        """This runs on the holder's partition; the unit's history and its case are on the
        unit's, maybe on another worker: the issuance is re-keyed by unit onto our own
        topic, where the unit's owner records it (Registrar). The holder's partition keeps
        the certificate's unit, for its later changes, which name only the certificate.
        One id per certificate: however often its issuance arrives, one line."""
        recorded = issuance(message, _cause(env))
        if recorded is None:
            return
        certificate_id = recorded.certificate.certificate_id
        self.store.learn_certificate(message.holder_id, certificate_id, recorded.unit_code)
        await self.runtime.bus.publish(
            recorded,
            subject=recorded.unit_code,
            event_id=derived_id(certificate_id, "issuance-recorded"),
            case_id=recorded.case_id or env.case_id,
        )

    async def _certificate_revoked(
        self, message: cert_events.CertificateRevoked, env: Envelope
    ) -> None:
        if message.certificate.type_code != PROPERTY_CERTIFICATE:
            return
        reason = cert_types.RevocationReason.Name(message.reason).removeprefix("REVOCATION_REASON_")
        why = f"{reason}: {message.detail}" if message.detail else reason
        await self._title_change(
            env, message, t.TITLE_CHANGE_CERTIFICATE_REVOKED, "注销", message.revoked_at, why
        )

    async def _certificate_suspended(
        self, message: cert_events.CertificateSuspended, env: Envelope
    ) -> None:
        if message.certificate.type_code != PROPERTY_CERTIFICATE:
            return
        await self._title_change(
            env,
            message,
            t.TITLE_CHANGE_CERTIFICATE_SUSPENDED,
            "暂停使用",
            message.suspended_at,
            message.reason,
        )

    async def _certificate_superseded(
        self, message: cert_events.CertificateSuperseded, env: Envelope
    ) -> None:
        if message.certificate.type_code != PROPERTY_CERTIFICATE:
            return
        why = f"新版本 {message.replacement.certificate_id} 第 {message.replacement.version} 版"
        await self._title_change(
            env,
            message,
            t.TITLE_CHANGE_CERTIFICATE_SUPERSEDED,
            "更新 (旧版本失效)",
            message.superseded_at,
            why,
        )

    async def _title_change(
        self,
        env: Envelope,
        message: _TitleChange,
        kind: t.TitleChange,
        text: str,
        stamp: Timestamp,
        detail: str,
    ) -> None:
        """A property certificate's change of `kind`: its history `text`, when, and why
        (for the window staff); onto the unit's title when the certificate names a unit."""
        ref = message.certificate
        summary = f"不动产权证书{text}: {ref.certificate_id}"
        entry = history.entry(history.CERTIFICATE, iso(stamp), message, summary)
        self.store.record_certificate(message.holder_id, ref.certificate_id, entry, env.dedup_key)
        unit_code = self.store.unit_of_certificate(message.holder_id, ref.certificate_id)
        if unit_code:
            change = ev.TitleChangeRecorded(
                unit_code=unit_code,
                change=kind,
                holder_id=message.holder_id,
                certificate=ref,
                detail=detail or text,
                occurred_at=stamp,
            )
            await self._title_changed(env, change)

    async def _title_changed(self, env: Envelope, change: ev.TitleChangeRecorded) -> None:
        """Re-key a change of a unit's title onto our own topic, where the unit's partition
        owner re-checks its open case in order with the case's events (titles.py)."""
        change.caused_by.CopyFrom(_cause(env))
        await self.runtime.bus.publish(
            change,
            subject=change.unit_code,
            event_id=derived_id(env.dedup_key, "title-change"),
            case_id=env.case_id,  # the case that caused the change, if any (audit trail)
        )


def _cause(env: Envelope) -> common.EventRef:
    return common.EventRef(source=env.source, id=env.id, type=env.type)


def issuance(
    message: cert_events.CertificateIssued, cause: common.EventRef
) -> ev.CertificateIssuanceRecorded | None:
    """The issuance of a property certificate naming a unit, keyed by the unit; None for
    any other certificate (they are not a unit's history)."""
    cert = message.certificate
    unit_code = cert.fields.get("unit_code", "")
    if cert.type_code != PROPERTY_CERTIFICATE or not unit_code:
        return None
    return ev.CertificateIssuanceRecorded(
        unit_code=unit_code,
        case_id=cert.fields.get("case_id", ""),
        holder=cert.holder,
        certificate=common.CertificateRef(
            certificate_id=cert.id, type_code=cert.type_code, version=cert.version
        ),
        caused_by=cause,
        issued_at=cert.issued_at,
    )


# --- which handler each topic's event types go to ------------------------------------------

COURT_EVENTS = (
    Dispatch[Feeds, [Envelope], Awaitable[None]]()
    .add(courts.PropertySealed, Feeds._sealed)
    .add(courts.PropertyUnsealed, Feeds._unsealed)
)

# The tax events that move a case on; the rest are tax's own business.
TAX_EVENTS = (
    Dispatch[Feeds, [Envelope], Awaitable[None]]()
    .add(tax.AssessmentIssued, Feeds._assessed)
    .add(tax.ManualAssessmentRequired, Feeds._manual_required)
    .add(tax.PaymentCleared, Feeds._paid)
    .add(tax.AssessmentCancelled, Feeds._cancelled)
    .ignore(
        tax.DataUseRecorded,
        tax.LedgerEntriesPosted,
        tax.PaymentOrderOpened,
        tax.PaymentOrderExpired,
        tax.PaymentOrderFailed,
        tax.PaymentReceived,
        tax.PaymentRefused,
        tax.RefundOrdered,
        tax.PaymentRefunded,
        tax.StatementReconciled,
        tax.StatementShareRequested,
        tax.StatementShareReconciled,
    )
)

CERTIFICATE_EVENTS = (
    Dispatch[Feeds, [Envelope], Awaitable[None]]()
    .add(cert_events.CertificateIssued, Feeds._certificate_issued)
    .add(cert_events.CertificateRevoked, Feeds._certificate_revoked)
    .add(cert_events.CertificateSuspended, Feeds._certificate_suspended)
    .add(cert_events.CertificateSuperseded, Feeds._certificate_superseded)
    .ignore(
        cert_events.CertificateReinstated,
        cert_events.SigningKeyPublished,
        cert_events.SigningKeyRetired,
        cert_events.HolderChangeRequested,  # the change it asks for comes as its own event
    )
)

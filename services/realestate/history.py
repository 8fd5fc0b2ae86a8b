"""The history of a unit (一码关联): one entry per event about the unit or its parcel,
from every department's feed, findable by the unit code. Pure: event in, entry out.

Entries name parties by name only: identifiers stay in the events themselves. Which event
types have an entry, and how it reads: a table per topic read, at the end (every type of
the topic has an entry or is ignored there; tests/unit/realestate/test_history.py).
"""

from __future__ import annotations

from typing import Any

from google.protobuf.message import Message
from govshare.courts.v1 import events_pb2 as courts
from govshare.landsupply.v1 import events_pb2 as land
from govshare.projects.v1 import events_pb2 as projects
from govshare.realestate.v1 import events_pb2 as realestate
from govshare.realestate.v1 import types_pb2 as re_types

from services.kit.dispatch import Dispatch
from services.realestate.cases import iso

LAND_SUPPLY = "land_supply"
PLANNING = "planning"
PROJECT = "project"
TRANSFER = "transfer"
ASSESSMENT = "assessment"
REGISTRATION = "registration"
SEIZURE = "seizure"
CERTIFICATE = "certificate"

Entry = dict[str, Any]


def _date(value: Any) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def entry(kind: str, at: str, event: Message, summary: str, case_id: str = "") -> Entry:
    return {
        "kind": kind,
        "at": at,
        "event": event.DESCRIPTOR.name,
        "summary": summary,
        "case_id": case_id,
    }


def of_realestate(m: Message) -> Entry | None:
    """Entries for the unit's own transfer events, and for the property certificates
    issued for the unit (re-keyed onto its topic: feeds.py)."""
    return _entry(REALESTATE_ENTRIES, m)


def of_court(m: Message) -> Entry | None:
    return _entry(COURT_ENTRIES, m)


def of_land(m: Message) -> Entry | None:
    return _entry(LAND_ENTRIES, m)


def of_project(m: Message) -> Entry | None:
    return _entry(PROJECT_ENTRIES, m)


def issued_for(entries: list[Entry], case_id: str) -> list[Entry]:
    """The certificates issued for the case (the buyer's new one), among its unit's
    entries: the last steps of the case's timeline."""
    return [e for e in entries if e["kind"] == CERTIFICATE and e.get("case_id") == case_id]


def in_order(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e["at"])


# --- the entry of each event type ------------------------------------------------------------
# An entry depends on its event alone: the handlers of these tables have no owner (None).

Entries = Dispatch[None, [], Entry]


def _entry(table: Entries, m: Message) -> Entry | None:
    handler = table.get(m)
    return handler(None, m) if handler is not None else None


def _transfer_applied(_: None, m: realestate.TransferApplied) -> Entry:
    return entry(
        TRANSFER,
        iso(m.applied_at),
        m,
        f"转移登记申请: {m.seller.name} → {m.buyer.name}, 成交价 {m.price.fen} 分",
        m.case_id,
    )


def _transfer_confirmed(_: None, m: realestate.TransferConfirmed) -> Entry:
    return entry(TRANSFER, iso(m.confirmed_at), m, "双方确认申请", m.case_id)


def _transfer_withdrawn(_: None, m: realestate.TransferWithdrawn) -> Entry:
    return entry(TRANSFER, iso(m.withdrawn_at), m, f"申请撤回: {m.reason}", m.case_id)


def _review_passed(_: None, m: realestate.ReviewPassed) -> Entry:
    return entry(TRANSFER, iso(m.passed_at), m, "审核通过", m.case_id)


def _review_rejected(_: None, m: realestate.ReviewRejected) -> Entry:
    why = "; ".join(f.detail for f in m.findings)
    return entry(TRANSFER, iso(m.rejected_at), m, f"不予登记: {why}", m.case_id)


def _review_referred(_: None, m: realestate.ReviewReferred) -> Entry:
    why = "; ".join(f.detail for f in m.findings)
    return entry(TRANSFER, iso(m.referred_at), m, f"转人工审核: {why}", m.case_id)


def _case_claimed(_: None, m: realestate.CaseClaimed) -> Entry:
    return entry(TRANSFER, iso(m.claimed_at), m, "窗口人员受理", m.case_id)


def _tax_progress(_: None, m: realestate.TaxProgressRecorded) -> Entry:
    stage = re_types.TaxStage.Name(m.stage).removeprefix("TAX_STAGE_").lower()
    if stage == "manual_assessment_pending":
        return entry(ASSESSMENT, iso(m.occurred_at), m, f"待人工核定: {m.detail}", m.case_id)
    text = {"assessed": "税费核定", "paid": "税费缴清", "cancelled": "税费单作废"}[stage]
    note = f" ({m.detail})" if m.detail else ""
    return entry(
        ASSESSMENT,
        iso(m.occurred_at),
        m,
        f"{text}: {m.assessment_id}, {m.total.fen} 分{note}",
        m.case_id,
    )


def _registration_completed(_: None, m: realestate.RegistrationCompleted) -> Entry:
    return entry(
        REGISTRATION,
        iso(m.registered_at),
        m,
        f"转移登记完成 {m.registration_number}: 权利人 {m.buyer.name}",
        m.case_id,
    )


def _certificate_issuance(_: None, m: realestate.CertificateIssuanceRecorded) -> Entry:
    return entry(
        CERTIFICATE,
        iso(m.issued_at),
        m,
        f"不动产权证书签发: 权利人 {m.holder.name}, 证书 {m.certificate.certificate_id}",
        m.case_id,
    )


def _property_sealed(_: None, m: courts.PropertySealed) -> Entry:
    return entry(
        SEIZURE,
        iso(m.recorded_at),
        m,
        f"{m.court.name} 查封 {m.case_number}, {_date(m.sealed_from)} 至 {_date(m.sealed_until)}",
    )


def _property_unsealed(_: None, m: courts.PropertyUnsealed) -> Entry:
    return entry(SEIZURE, iso(m.recorded_at), m, f"{m.court.name} 解除查封 {m.case_number}")


def _land_supplied(_: None, m: land.LandSupplied) -> Entry:
    return entry(
        LAND_SUPPLY,
        iso(m.recorded_at),
        m,
        f"土地供应 {m.supply_number}: {m.land_use_name or m.land_use_code}, "
        f"受让人 {m.grantee.name}",
    )


def _planning_permit(_: None, m: land.PlanningPermitIssued) -> Entry:
    return entry(PLANNING, iso(m.recorded_at), m, f"规划许可 {m.permit_number}: {m.project_name}")


def _project_approved(_: None, m: projects.ProjectApproved) -> Entry:
    return entry(PROJECT, iso(m.recorded_at), m, f"项目审批 {m.document_number}: {m.project_name}")


def _construction_permit(_: None, m: projects.ConstructionPermitIssued) -> Entry:
    return entry(PROJECT, iso(m.recorded_at), m, f"施工许可 {m.permit_number}: {m.project_name}")


REALESTATE_ENTRIES = (
    Entries()
    .add(realestate.TransferApplied, _transfer_applied)
    .add(realestate.TransferConfirmed, _transfer_confirmed)
    .add(realestate.TransferWithdrawn, _transfer_withdrawn)
    .add(realestate.ReviewPassed, _review_passed)
    .add(realestate.ReviewRejected, _review_rejected)
    .add(realestate.ReviewReferred, _review_referred)
    .add(realestate.CaseClaimed, _case_claimed)
    .add(realestate.TaxProgressRecorded, _tax_progress)
    .add(realestate.RegistrationCompleted, _registration_completed)
    .add(realestate.CertificateIssuanceRecorded, _certificate_issuance)
    .ignore(
        # The certificate's change is in its holder's entries (store.record_certificate),
        # a seal in the court's: the change of the unit's title repeats them.
        realestate.TitleChangeRecorded,
        realestate.DataUseRecorded,  # a read of people's data: their access logs
        # After the registration, in the case's own timeline only.
        realestate.CaseEvaluated,
        realestate.CaseRectificationOpened,
        realestate.CaseRectificationCompleted,
        realestate.CaseRectificationFollowedUp,
    )
)

COURT_ENTRIES = (
    Entries()
    .add(courts.PropertySealed, _property_sealed)
    .add(courts.PropertyUnsealed, _property_unsealed)
)

LAND_ENTRIES = (
    Entries()
    .add(land.LandSupplied, _land_supplied)
    .add(land.PlanningPermitIssued, _planning_permit)
)

PROJECT_ENTRIES = (
    Entries()
    .add(projects.ProjectApproved, _project_approved)
    .add(projects.ConstructionPermitIssued, _construction_permit)
)

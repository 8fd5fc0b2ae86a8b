"""What department feeds mean for the registry (pure): which certificate to issue,
supersede or revoke when a licence is registered, a permit granted, a property
transferred or a tax paid. The request id is the feed event's `(ce_source, ce_id)`, so a
redelivered feed event names the same certificate and is issued once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from google.protobuf.message import Message
from govshare.certificates.v1 import access_log_pb2 as log_pb
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common
from govshare.landsupply.v1 import events_pb2 as land
from govshare.landsupply.v1 import types_pb2 as land_types
from govshare.marketreg.v1 import events_pb2 as market
from govshare.marketreg.v1 import types_pb2 as market_types
from govshare.projects.v1 import events_pb2 as projects
from govshare.realestate.v1 import events_pb2 as realestate
from govshare.realestate.v1 import types_pb2 as realestate_types
from govshare.tax.v1 import events_pb2 as tax
from govshare.tax.v1 import types_pb2 as tax_types

from services.certificates.catalog import Catalog
from services.certificates.domain import IssueCommand, to_date
from services.kit.clock import business_date, instant
from services.kit.dispatch import Dispatch

BUSINESS_LICENCE = "business_licence"

# Lines of a cleared payment that are not tax: the registration fee and the fee per extra
# certificate are non-tax revenue of the registration agency (发改价格规〔2016〕2559号),
# collected with the taxes in one payment (plan item 37) but vouched for by the non-tax
# payment platform's own receipt. The tax payment certificate (完税证明, 《税收征收管理法
# 实施细则》第四十五条) attests tax collected by the tax authority, so they never count in
# its total (shared/DOMAIN.md; issue 15, errors of record).
NON_TAX_LINES = frozenset(
    {tax_types.LINE_KIND_REGISTRATION_FEE, tax_types.LINE_KIND_EXTRA_CERTIFICATE_FEE}
)


@dataclass(frozen=True)
class Revoke:
    """Revoke the holder's current certificates of a type (optionally one object's)."""

    holder_id: str
    type_key: str
    reason: int
    detail: str
    field: str = ""
    value: str = ""


@dataclass(frozen=True)
class Supersede:
    """Issue the next version of the holder's current certificate of a type."""

    holder_id: str
    type_key: str
    fields: dict[str, str]
    field: str = ""
    value: str = ""


Action = IssueCommand | Revoke | Supersede


def _d(value: common.Date) -> str:
    return to_date(value).isoformat() if value.year else ""


def _issuer(catalog: Catalog, authority_id: str, department: str, type_key: str) -> str:
    """The authority named in the feed when it may issue this type, else the catalog's."""
    code = catalog.type_by_key(type_key).code
    known = catalog.issuers.get(authority_id)
    if known is not None and code in known.types:
        return authority_id
    return catalog.issuer_for(department, code).uscc


def _cmd(
    catalog: Catalog,
    request_id: str,
    type_key: str,
    holder: common.Party,
    issuer: str,
    valid_from: date,
    fields: dict[str, str],
    valid_until: date | None = None,
) -> IssueCommand:
    kind = catalog.type_by_key(type_key)
    if valid_until is None and kind.validity_years:
        valid_until = valid_from.replace(year=valid_from.year + kind.validity_years)
    return IssueCommand(
        request_id=request_id,
        type_code=kind.code,
        holder=holder,
        issuer_uscc=issuer,
        valid_from=valid_from,
        valid_until=valid_until,
        fields={k: v for k, v in fields.items() if v},
    )


def _licence_fields(licence: market_types.BusinessLicence) -> dict[str, str]:
    return {
        "name": licence.name,
        "entity_type": licence.entity_type,
        "legal_representative": licence.legal_representative.name,
        "address": licence.address.text,
        "established_on": _d(licence.established_on),
        "registered_capital_fen": str(licence.registered_capital.fen)
        if licence.HasField("registered_capital")
        else "",
        "term_from": _d(licence.term_from),
        "term_until": _d(licence.term_until),
        "business_scope": licence.business_scope,
    }


def actions_for(message: Message, request_id: str, catalog: Catalog) -> list[Action]:
    """The registry's reaction to one feed event (empty when none is needed)."""
    handler = FEEDS.get(message)
    return handler(catalog, message, request_id) if handler is not None else []


def _licence_registered(
    catalog: Catalog, message: market.BusinessLicenceRegistered, request_id: str
) -> list[Action]:
    lic = message.licence
    holder = common.Party(kind=common.PARTY_KIND_ENTERPRISE, id=message.uscc, name=lic.name)
    issuer = _issuer(catalog, lic.registration_authority.id, "marketreg", BUSINESS_LICENCE)
    return [
        _cmd(
            catalog,
            request_id,
            BUSINESS_LICENCE,
            holder,
            issuer,
            to_date(message.issued_on),
            _licence_fields(lic),
            to_date(lic.term_until) if lic.HasField("term_until") else None,
        )
    ]


def _licence_changed(
    catalog: Catalog, message: market.BusinessLicenceChanged, request_id: str
) -> list[Action]:
    return [Supersede(message.uscc, BUSINESS_LICENCE, _licence_fields(message.licence))]


def _licence_cancelled(
    catalog: Catalog, message: market.BusinessLicenceCancelled, request_id: str
) -> list[Action]:
    return [
        Revoke(
            message.uscc,
            BUSINESS_LICENCE,
            t.REVOCATION_REASON_HOLDER_DEREGISTERED,
            f"licence cancelled on {_d(message.cancelled_on)}: {message.reason}",
        )
    ]


def _planning_permit(
    catalog: Catalog, message: land.PlanningPermitIssued, request_id: str
) -> list[Action]:
    key = (
        "land_planning_permit"
        if message.kind == land_types.PERMIT_KIND_LAND_USE
        else "project_planning_permit"
    )
    fields = {
        "parcel_code": message.parcel_code,
        "permit_number": message.permit_number,
        "project_name": message.project_name,
        "location": message.location.text,
    }
    if key == "land_planning_permit":
        fields["land_use"] = message.project_name
        fields["area_hundredths_m2"] = str(message.land_area_hundredths_m2)
        fields["project_name"] = message.project_name
    else:
        fields["building_area_hundredths_m2"] = str(message.floor_area_hundredths_m2)
    issuer = _issuer(catalog, message.authority.id, "landsupply", key)
    return [
        _cmd(catalog, request_id, key, message.holder, issuer, to_date(message.issued_on), fields)
    ]


def _project_approved(
    catalog: Catalog, message: projects.ProjectApproved, request_id: str
) -> list[Action]:
    fields = {
        "project_code": message.project_code,
        "project_name": message.project_name,
        "parcel_code": ",".join(message.parcel_codes),
        "planned_load_w": str(message.planned_load_w),
        "approval_kind": str(message.kind),
    }
    issuer = _issuer(catalog, message.authority.id, "projects", "project_approval")
    return [
        _cmd(
            catalog,
            request_id,
            "project_approval",
            message.owner,
            issuer,
            to_date(message.approved_on),
            fields,
        )
    ]


def _construction_permit(
    catalog: Catalog, message: projects.ConstructionPermitIssued, request_id: str
) -> list[Action]:
    fields = {
        "project_code": message.project_code,
        "permit_number": message.permit_number,
        "project_name": message.project_name,
        "parcel_code": ",".join(message.parcel_codes),
    }
    issuer = _issuer(catalog, message.authority.id, "projects", "construction_permit")
    return [
        _cmd(
            catalog,
            request_id,
            "construction_permit",
            message.owner,
            issuer,
            to_date(message.issued_on),
            fields,
        )
    ]


def _registration_completed(
    catalog: Catalog, message: realestate.RegistrationCompleted, request_id: str
) -> list[Action]:
    when = business_date(instant(message.registered_at))
    usage = "住宅" if message.usage == realestate_types.USAGE_RESIDENTIAL else "非住宅"
    fields = {
        "unit_code": message.unit_code,
        "right_holder": message.buyer.name or message.buyer.id,
        "location": message.location.text,
        "usage": usage,
        "area_hundredths_m2": str(message.area_hundredths_m2),
        "right_type": message.right_type,
        "registration_number": message.registration_number,
        "case_id": message.case_id,
    }
    issuer = _issuer(catalog, message.registrar.id, "realestate", "property_certificate")
    return [
        _cmd(catalog, request_id, "property_certificate", message.buyer, issuer, when, fields),
        Revoke(
            message.seller.id,
            "property_certificate",
            t.REVOCATION_REASON_RIGHT_TRANSFERRED,
            f"transferred to a new holder in case {message.case_id}",
            "unit_code",
            message.unit_code,
        ),
    ]


def _payment_cleared(
    catalog: Catalog, message: tax.PaymentCleared, request_id: str
) -> list[Action]:
    when = business_date(instant(message.cleared_at))
    by_payer: dict[str, tuple[common.Party, int]] = {}
    for line in message.lines:
        if line.kind in NON_TAX_LINES:
            continue
        party, total = by_payer.get(line.payer.id, (line.payer, 0))
        by_payer[line.payer.id] = (party, total + line.amount.fen)
    issuer = _issuer(catalog, message.tax_authority.id, "tax", "tax_payment_certificate")
    return [
        _cmd(
            catalog,
            f"{request_id}#{payer_id}",
            "tax_payment_certificate",
            party,
            issuer,
            when,
            {
                "case_id": message.case_id,
                "payment_id": message.payment_id,
                "total_tax_fen": str(total),
                "unit_code": message.unit_code,  # empty values are dropped by _cmd
            },
        )
        for payer_id, (party, total) in sorted(by_payer.items())
    ]


# The feed events that ask something of the registry; every other event of the feed
# topics asks nothing (the data-use events go to the access log: FeedHandler).
FEEDS = (
    Dispatch[Catalog, [str], list[Action]]()
    .add(market.BusinessLicenceRegistered, _licence_registered)
    .add(market.BusinessLicenceChanged, _licence_changed)
    .add(market.BusinessLicenceCancelled, _licence_cancelled)
    .add(land.PlanningPermitIssued, _planning_permit)
    .add(projects.ProjectApproved, _project_approved)
    .add(projects.ConstructionPermitIssued, _construction_permit)
    .add(realestate.RegistrationCompleted, _registration_completed)
    .add(tax.PaymentCleared, _payment_cleared)
    .ignore(
        land.LandSupplied,
        realestate.TransferApplied,
        realestate.TransferConfirmed,
        realestate.TransferWithdrawn,
        realestate.ReviewPassed,
        realestate.ReviewRejected,
        realestate.ReviewReferred,
        realestate.CaseClaimed,
        realestate.CaseEvaluated,
        realestate.CaseRectificationOpened,
        realestate.CaseRectificationCompleted,
        realestate.CaseRectificationFollowedUp,
        realestate.TaxProgressRecorded,
        realestate.TitleChangeRecorded,
        realestate.CertificateIssuanceRecorded,
        realestate.DataUseRecorded,
        tax.AssessmentIssued,
        tax.ManualAssessmentRequired,
        tax.AssessmentCancelled,
        tax.PaymentOrderOpened,
        tax.PaymentOrderExpired,
        tax.PaymentOrderFailed,
        tax.PaymentReceived,
        tax.PaymentRefused,
        tax.LedgerEntriesPosted,
        tax.RefundOrdered,
        tax.PaymentRefunded,
        tax.StatementReconciled,
        tax.StatementShareRequested,
        tax.StatementShareReconciled,
        tax.DataUseRecorded,
    )
)


# --- other departments' uses of people's data, into the holders' access logs --------------

DATA_USE_EVENTS = (realestate.DataUseRecorded, tax.DataUseRecorded)


def data_use(code: str) -> int:
    """The access log's DataUse for a department's use code ("case-read" -> CASE_READ);
    ValueError for a use the access log does not know."""
    return t.DataUse.Value("DATA_USE_" + code.upper().replace("-", "_"))


def personal_data_used(
    message: realestate.DataUseRecorded | tax.DataUseRecorded, access_id_of: dict[str, str]
) -> list[log_pb.PersonalDataUsed]:
    """One access-log entry per holder whose data a department used (`access_id_of`: the
    access id of each holder's entry, derived from the cause so a replay repeats it)."""
    use = data_use(message.use)
    return [
        log_pb.PersonalDataUsed(
            holder_id=holder,
            access_id=access_id_of[holder],
            user=message.user,
            used_by=message.used_by,
            use=use,  # type: ignore[arg-type]
            purpose=message.purpose,
            legal_basis=message.legal_basis,
            case_id=message.case_id,
            occurred_at=message.occurred_at,
            data_described=message.data_described,
        )
        for holder in message.holder_ids
    ]

"""REST of the tax service: the quote calculator (anyone), a case's bill and its payment
orders (the parties), the clearing ledger (tax staff). No route clears a bill: only the
payment channel's confirmation on its own topic does (office.on_channel_event)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import quote as url_quote

from fastapi import APIRouter, Body, Depends
from google.protobuf import json_format
from govshare.common.v1 import types_pb2 as common
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from services.kit import audit, pages, problems
from services.kit.auth import CurrentPrincipal, Principal
from services.kit.errors import DomainError, conflict, forbidden, invalid, not_found
from services.kit.provided import provided
from services.tax import assessments, ledger, payments, schemas
from services.tax.office import TaxOffice
from services.tax.payments import TaxCase
from services.tax.quote import QuoteRequest, bill_json, quote

STAFF_DEPARTMENTS = ("tax", "realestate")  # window staff of the joint case (一窗办事)
WINDOW_ROLE = "window"  # tax window staff (窗口人员) assess by hand


class ManualLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(min_length=1, max_length=40, description="bill line kind, e.g. deed_tax")
    payer: Literal["buyer", "seller"]
    amount_fen: StrictInt = Field(ge=0, le=10**13)
    base_fen: StrictInt | None = Field(default=None, ge=0, le=10**13)
    rate_ppm: StrictInt | None = Field(default=None, ge=0, le=1_000_000)
    legal_source: str = Field(default="", max_length=200, description="else the legal basis")
    explanation: str = Field(default="", max_length=200)


class StaffMember(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=64)


class ManualAssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lines: list[ManualLineIn] = Field(min_length=1, max_length=20)
    legal_basis: str = Field(min_length=1, max_length=300, description="the law it rests on")
    reviewer: StaffMember = Field(description="the second staff member who reviewed it")


def _staff_actor(staff_id: str, name: str, authority: common.Party) -> common.Actor:
    return common.Actor(
        kind=common.ACTOR_KIND_PERSON,
        person_name=f"{name} ({staff_id})" if name else staff_id,
        on_behalf_of=authority,
        role="staff:tax",
    )


def _forbidden(reason: str) -> DomainError:
    return forbidden("token", reason)


def _staff_covers(principal: Principal, case: TaxCase, departments: tuple[str, ...]) -> bool:
    return (
        principal.kind == "staff"
        and principal.department in departments
        and principal.covers_region(case.unit_code[:6])
    )


def _party_of(principal: Principal, case: TaxCase) -> bool:
    return principal.kind in ("citizen", "enterprise") and principal.subject in case.parties


def _may_see(principal: Principal, case: TaxCase) -> bool:
    return _party_of(principal, case) or _staff_covers(principal, case, STAFF_DEPARTMENTS)


def _found(office: TaxOffice, case_id: str, principal: Principal) -> TaxCase:
    """The case, if `principal` may see it (a party, window staff of its region); anyone
    else is told there is none, as for an unknown id, so that case
    ids cannot be probed."""
    case = office.case(case_id)
    if case is None or not case.assessment_id or not _may_see(principal, case):
        raise not_found("case_id", "no assessment for this case")
    return case


def _ledger_view(case: TaxCase) -> dict[str, Any]:
    postings = [ledger.Posting(**p) for entries in case.journals.values() for p in entries]
    debits, credits = ledger.totals(postings)
    return {
        "case_id": case.case_id,
        "journals": case.journals,
        "debits_fen": debits,
        "credits_fen": credits,
        "balanced": debits == credits,
    }


async def _record_read(office: TaxOffice, case: TaxCase, principal: Principal) -> None:
    """A staff read of the parties' data, in their access logs (before it is answered).
    Realestate staff read the bill for their own department."""
    department = principal.department or ""
    actor = _staff_actor(principal.subject, principal.name or "", office.authority)
    actor.role = f"staff:{department}"
    await office.record_staff_read(case, actor, by=audit.attribution(principal, "tax"))


@dataclass(frozen=True)
class Cashier:
    """Where a payer pays an order: the payment channel's cashier page."""

    url: str = ""


router = APIRouter(prefix="/v1", tags=["tax"], responses=problems.RESPONSES)

Office = Annotated[TaxOffice, Depends(provided(TaxOffice))]
Cashiers = Annotated[Cashier, Depends(provided(Cashier))]
Paged = Annotated[pages.Paging, Depends(pages.query())]


# The orders the lists are paged in, and (kit/forwarding.py) merged across workers in.
MANUAL_ORDER = pages.by("required_at", "case_id")
RECONCILIATION_ORDER = pages.by("date", "statement_id")


@router.post(
    "/quotes",
    response_model=schemas.Bill,
    response_model_exclude_unset=True,
    summary="Quote the taxes and fees of a transfer (anyone; nothing kept)",
)
async def post_quote(request: Annotated[QuoteRequest, Body()], office: Office) -> dict[str, Any]:
    return bill_json(quote(request, office.book))  # FactsError: 422 problem details


@router.get(
    "/cases/{case_id}/assessment",
    response_model=schemas.CaseAssessment,
    response_model_exclude_unset=True,
    summary="The case's bill, payments and status (its parties; tax and realestate staff)",
)
async def get_assessment(
    case_id: str, principal: CurrentPrincipal, office: Office
) -> dict[str, Any]:
    case = _found(office, case_id, principal)
    if not (_party_of(principal, case) or _staff_covers(principal, case, STAFF_DEPARTMENTS)):
        raise _forbidden("only the parties and the case's window staff may see the bill")
    if principal.kind == "staff":
        await _record_read(office, case, principal)
    assessment = office.assessment(case)
    return {
        "case_id": case.case_id,
        "unit_code": case.unit_code,
        "status": case.status,
        "assessment": json_format.MessageToDict(assessment) if assessment else None,
        "total_fen": case.total_fen,
        "payments": payments.payments_shown(case),
        "cleared_payment_id": case.cleared_payment_id,
        "orders": case.orders,
        "refunds": case.refunds,
    }


@router.post(
    "/cases/{case_id}/payment-orders",
    response_model=schemas.OpenedOrder,
    summary="Open a payment order for the whole bill (a party of the case); pay it at "
    "the payment channel's cashier page",
)
async def post_payment_order(
    case_id: str, principal: CurrentPrincipal, office: Office, cashier: Cashiers
) -> dict[str, Any]:
    case = _found(office, case_id, principal)
    if not _party_of(principal, case):
        raise _forbidden("only a party of the case may open a payment order")
    order = await office.open_order(  # OrderRefused: 409 problem details
        case,
        common.Party(**case.parties[principal.subject]),
        by=audit.attribution(principal, "tax"),
    )
    order_id = order["order_id"]
    return {
        **order,
        "cashier_url": f"{cashier.url.rstrip('/')}/orders/{url_quote(order_id)}",
    }


@router.get(
    "/cases/{case_id}/ledger",
    response_model=schemas.CaseLedger,
    summary="The case's journal entries (tax staff)",
)
async def get_case_ledger(
    case_id: str, principal: CurrentPrincipal, office: Office
) -> dict[str, Any]:
    case = _found(office, case_id, principal)
    if not _staff_covers(principal, case, ("tax",)):
        raise _forbidden("tax staff of the unit's region only")
    await _record_read(office, case, principal)
    assessment = office.assessment(case)
    return {
        **_ledger_view(case),
        "assessment": {
            "assessment_id": case.assessment_id,
            "rule_set": assessment.rule_set if assessment else "",
            "legal_basis": assessment.legal_basis if assessment else "",
            "assessed_by": assessment.assessed_by.person_name if assessment else "",
            "reviewed_by": assessment.reviewed_by.person_name if assessment else "",
        },
    }


@router.get(
    "/manual-assessments",
    response_model=schemas.ManualAssessments,
    summary="Cases whose bill the engine could not compute, waiting to be assessed by "
    "hand, longest waiting first (tax staff of their region)",
)
async def get_manual_assessments(
    principal: CurrentPrincipal, office: Office, paging: Paged
) -> dict[str, Any]:
    if principal.kind != "staff" or principal.department != "tax":
        raise _forbidden("tax staff only")
    waiting = [
        {"case_id": c.case_id, "unit_code": c.unit_code}
        | {k: v for k, v in (c.manual or {}).items() if k != "event"}
        for c in office.pending_manual()
        if principal.covers_region(c.unit_code[:6])
    ]
    shown, cursor = paging.take(waiting, MANUAL_ORDER)
    return {"cases": shown, "count": len(waiting), "next_cursor": cursor}


@router.post(
    "/cases/{case_id}/manual-assessment",
    response_model=schemas.ManualAssessed,
    response_model_exclude_unset=True,
    summary="Assess by hand a case the engine could not compute (tax window staff; with "
    "the legal basis and a second staff member as reviewer)",
)
async def post_manual_assessment(
    case_id: str,
    body: Annotated[ManualAssessmentIn, Body()],
    principal: CurrentPrincipal,
    office: Office,
) -> dict[str, Any]:
    case = office.case(case_id)
    if case is None or not case.manual or not _staff_covers(principal, case, ("tax",)):
        raise not_found("case_id", "no case awaiting a manual assessment")
    if not principal.has_role(WINDOW_ROLE):
        raise _forbidden(f"role {WINDOW_ROLE!r} required")
    lines = [assessments.ManualLine(**line.model_dump()) for line in body.lines]
    try:
        after = await office.assess_by_hand(
            case,
            lines,
            legal_basis=body.legal_basis,
            assessor=(
                principal.subject,
                _staff_actor(principal.subject, principal.name or "", office.authority),
            ),
            reviewer=(
                body.reviewer.id,
                _staff_actor(body.reviewer.id, body.reviewer.name, office.authority),
            ),
            by=audit.attribution(principal, "tax"),
        )
    except assessments.ManualError as error:
        refusal = conflict if error.field == "case_id" else invalid
        raise refusal(error.field, error.reason) from None
    assessment = office.assessment(after)
    return {
        "case_id": after.case_id,
        "status": after.status,
        "assessment": json_format.MessageToDict(assessment) if assessment else None,
        "total_fen": after.total_fen,
    }


@router.get(
    "/reconciliations",
    response_model=schemas.Reconciliations,
    summary="The payment channels' daily statements reconciled against the ledger, with "
    "every mismatch flagged, by statement date (tax staff)",
)
async def get_reconciliations(
    principal: CurrentPrincipal, office: Office, paging: Paged
) -> dict[str, Any]:
    if principal.kind != "staff" or principal.department != "tax":
        raise _forbidden("tax staff only")
    found = office.all_reconciliations()
    shown, cursor = paging.take(found, RECONCILIATION_ORDER)
    return {"reconciliations": shown, "next_cursor": cursor}


@router.get(
    "/reconciliations/{statement_id}",
    response_model=schemas.Reconciliation,
    summary="One statement's reconciliation (tax staff)",
)
async def get_reconciliation(
    statement_id: str, principal: CurrentPrincipal, office: Office
) -> dict[str, Any]:
    if principal.kind != "staff" or principal.department != "tax":
        raise _forbidden("tax staff only")
    found = office.reconciliation(statement_id)
    if found is None:
        raise not_found("statement_id", "no such statement reconciled")
    return found


@router.get(
    "/ledger",
    response_model=schemas.Ledger,
    summary="Balances per account over every journal (tax staff)",
)
async def get_ledger(principal: CurrentPrincipal, office: Office) -> dict[str, Any]:
    if principal.kind != "staff" or principal.department != "tax":
        raise _forbidden("tax staff only")
    accounts = office.ledger_balances(principal.covers_region)  # running sums
    return ledger_totals([{"accounts": accounts}])


def ledger_totals(answers: list[dict[str, Any]]) -> dict[str, Any]:
    """The ledger answer from debit and credit totals per account: this worker's
    (`get_ledger`), or every worker's answer, each over the journals of its partitions
    (kit/forwarding.py merges them with this): the platform's are their sums."""
    accounts: dict[str, dict[str, int]] = {}
    for answer in answers:
        for account, sides in answer["accounts"].items():
            into = accounts.setdefault(account, {ledger.DEBIT: 0, ledger.CREDIT: 0})
            for side, fen in sides.items():
                into[side] = into.get(side, 0) + fen
    debits = sum(a[ledger.DEBIT] for a in accounts.values())
    credits = sum(a[ledger.CREDIT] for a in accounts.values())
    return {
        "accounts": dict(sorted(accounts.items())),
        "debits_fen": debits,
        "credits_fen": credits,
        "balanced": debits == credits,
    }

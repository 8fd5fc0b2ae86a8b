"""REST of the tax service: the quote calculator (anyone), a case's bill and its payment
orders (the parties), the clearing ledger (tax staff). No route clears a bill: only the
payment channel's confirmation on its own topic does (office.on_channel_event)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote as url_quote

from fastapi import APIRouter, Body, HTTPException
from google.protobuf import json_format
from govshare.common.v1 import types_pb2 as common

from services.kit import audit, problems
from services.kit.auth import CurrentPrincipal, Principal
from services.tax import ledger
from services.tax.engine import FactsError
from services.tax.office import TaxOffice
from services.tax.payments import OrderRefused, TaxCase
from services.tax.quote import QuoteRequest, bill_json, quote

STAFF_DEPARTMENTS = ("tax", "realestate")  # window staff of the joint case (一窗办事)


def _forbidden(reason: str) -> HTTPException:
    return HTTPException(403, {"field": "token", "reason": reason})


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
        raise HTTPException(404, {"field": "case_id", "reason": "no assessment for this case"})
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


def router(office: TaxOffice, *, cashier_url: str = "") -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["tax"], responses=problems.RESPONSES)

    @api.post("/quotes", summary="Quote the taxes and fees of a transfer (anyone; nothing kept)")
    async def post_quote(request: Annotated[QuoteRequest, Body()]) -> dict[str, Any]:
        try:
            return bill_json(quote(request, office.book))
        except FactsError as error:
            raise HTTPException(422, {"field": error.field, "reason": error.reason}) from None

    @api.get(
        "/cases/{case_id}/assessment",
        summary="The case's bill, payments and status (its parties; tax and realestate staff)",
    )
    async def get_assessment(case_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
        case = _found(office, case_id, principal)
        if not (_party_of(principal, case) or _staff_covers(principal, case, STAFF_DEPARTMENTS)):
            raise _forbidden("only the parties and the case's window staff may see the bill")
        assessment = office.assessment(case)
        return {
            "case_id": case.case_id,
            "unit_code": case.unit_code,
            "status": case.status,
            "assessment": json_format.MessageToDict(assessment) if assessment else None,
            "total_fen": case.total_fen,
            "payments": case.payments,
            "cleared_payment_id": case.cleared_payment_id,
            "orders": case.orders,
            "refunds": case.refunds,
        }

    @api.post(
        "/cases/{case_id}/payment-orders",
        summary="Open a payment order for the whole bill (a party of the case); pay it at "
        "the payment channel's cashier page",
    )
    async def post_payment_order(case_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
        case = _found(office, case_id, principal)
        if not _party_of(principal, case):
            raise _forbidden("only a party of the case may open a payment order")
        try:
            order = await office.open_order(
                case,
                common.Party(**case.parties[principal.subject]),
                by=audit.attribution(principal, "tax"),
            )
        except OrderRefused as refused:
            raise HTTPException(409, {"field": refused.field, "reason": refused.reason}) from None
        except TimeoutError:
            raise HTTPException(
                503, {"field": "order", "reason": "not applied in time; retry"}
            ) from None
        order_id = order["order_id"]
        return {
            **order,
            "cashier_url": f"{cashier_url.rstrip('/')}/orders/{url_quote(order_id)}",
        }

    @api.get("/cases/{case_id}/ledger", summary="The case's journal entries (tax staff)")
    async def get_case_ledger(case_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
        case = _found(office, case_id, principal)
        if not _staff_covers(principal, case, ("tax",)):
            raise _forbidden("tax staff of the unit's region only")
        return _ledger_view(case)

    @api.get(
        "/reconciliations",
        summary="The payment channels' daily statements reconciled against the ledger, with "
        "every mismatch flagged (tax staff)",
    )
    async def get_reconciliations(principal: CurrentPrincipal) -> dict[str, Any]:
        if principal.kind != "staff" or principal.department != "tax":
            raise _forbidden("tax staff only")
        return {"reconciliations": office.all_reconciliations()}

    @api.get(
        "/reconciliations/{statement_id}", summary="One statement's reconciliation (tax staff)"
    )
    async def get_reconciliation(statement_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
        if principal.kind != "staff" or principal.department != "tax":
            raise _forbidden("tax staff only")
        found = office.reconciliation(statement_id)
        if found is None:
            raise HTTPException(
                404, {"field": "statement_id", "reason": "no such statement reconciled"}
            )
        return found

    @api.get("/ledger", summary="Balances per account over every journal (tax staff)")
    async def get_ledger(principal: CurrentPrincipal) -> dict[str, Any]:
        if principal.kind != "staff" or principal.department != "tax":
            raise _forbidden("tax staff only")
        accounts = office.ledger_balances(principal.covers_region)  # running sums
        debits = sum(a[ledger.DEBIT] for a in accounts.values())
        credits = sum(a[ledger.CREDIT] for a in accounts.values())
        return {
            "accounts": accounts,
            "debits_fen": debits,
            "credits_fen": credits,
            "balanced": debits == credits,
        }

    return api

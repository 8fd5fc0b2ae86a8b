"""REST of the tax service: the quote calculator (anyone), a case's bill and its single
payment (the parties; a payment channel acting for the tax department), the clearing
ledger (tax staff)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from google.protobuf import json_format
from govshare.common.v1 import types_pb2 as common
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from services.kit import audit, problems
from services.kit.auth import CurrentPrincipal, Principal
from services.tax import ledger
from services.tax.engine import FactsError
from services.tax.office import TaxOffice
from services.tax.payments import CLEARED, TaxCase
from services.tax.quote import MAX_FEN, QuoteRequest, bill_json, quote

STAFF_DEPARTMENTS = ("tax", "realestate")  # window staff of the joint case (一窗办事)


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payment_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
    assessment_id: str = Field(min_length=1, max_length=64)
    amount_fen: StrictInt = Field(ge=0, le=MAX_FEN)
    channel: str = Field(min_length=1, max_length=32, description="e.g. unionpay, wechat")
    payer_id: str = Field(
        default="", description="The paying party; only a payment channel (department) sets it"
    )


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
    channel = principal.kind == "department" and principal.department == "tax"
    return (
        _party_of(principal, case) or channel or _staff_covers(principal, case, STAFF_DEPARTMENTS)
    )


def _found(office: TaxOffice, case_id: str, principal: Principal) -> TaxCase:
    """The case, if `principal` may see it (a party, a payment channel, window staff of
    its region); anyone else is told there is none, as for an unknown id, so that case
    ids cannot be probed."""
    case = office.case(case_id)
    if case is None or not case.assessment_id or not _may_see(principal, case):
        raise HTTPException(404, {"field": "case_id", "reason": "no assessment for this case"})
    return case


def _payer(principal: Principal, case: TaxCase, body: PaymentIn) -> common.Party:
    if _party_of(principal, case):
        return common.Party(**case.parties[principal.subject])
    if principal.kind == "department" and principal.department == "tax":
        # A payment channel (bank, TIPS) reports a payment made by one of the parties.
        if body.payer_id not in case.parties:
            raise HTTPException(
                422, {"field": "payer_id", "reason": "the payer must be a party of the case"}
            )
        return common.Party(**case.parties[body.payer_id])
    raise _forbidden("only a party of the case or a payment channel may pay")


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


def router(office: TaxOffice) -> APIRouter:
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
        }

    @api.post(
        "/cases/{case_id}/payments",
        summary="Pay the whole bill at once (a party of the case, or a payment channel)",
    )
    async def post_payment(
        case_id: str, body: Annotated[PaymentIn, Body()], principal: CurrentPrincipal
    ) -> dict[str, Any]:
        case = _found(office, case_id, principal)
        payer = _payer(principal, case, body)
        try:
            decision, repeated = await office.pay(
                case_id,
                payment_id=body.payment_id,
                assessment_id=body.assessment_id,
                amount_fen=body.amount_fen,
                payer=payer,
                channel=body.channel,
                by=audit.attribution(principal, "tax"),
            )
        except TimeoutError:
            raise HTTPException(
                503, {"field": "payment", "reason": "not applied in time; retry"}
            ) from None
        answer = {
            "payment_id": body.payment_id,
            "outcome": decision.outcome,
            "repeated_delivery": repeated,
        }
        if decision.outcome == CLEARED:
            return answer
        raise HTTPException(
            409,
            {
                **answer,
                "field": "amount_fen" if decision.reason == "AMOUNT_MISMATCH" else "assessment_id",
                "reason": decision.reason,
                "expected_fen": decision.expected_fen,
                "detail": decision.detail,
            },
        )

    @api.get("/cases/{case_id}/ledger", summary="The case's journal entries (tax staff)")
    async def get_case_ledger(case_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
        case = _found(office, case_id, principal)
        if not _staff_covers(principal, case, ("tax",)):
            raise _forbidden("tax staff of the unit's region only")
        return _ledger_view(case)

    @api.get("/ledger", summary="Balances per account over every journal (tax staff)")
    async def get_ledger(principal: CurrentPrincipal) -> dict[str, Any]:
        if principal.kind != "staff" or principal.department != "tax":
            raise _forbidden("tax staff only")
        postings = [
            ledger.Posting(**p)
            for case in office.all_cases()
            if principal.covers_region(case.unit_code[:6])
            for entries in case.journals.values()
            for p in entries
        ]
        debits, credits = ledger.totals(postings)
        return {
            "accounts": ledger.balances(postings),
            "debits_fen": debits,
            "credits_fen": credits,
            "balanced": debits == credits,
        }

    return api

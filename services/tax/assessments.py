"""Between the contracts and the engine: a transfer application's facts in, an
AssessmentIssued (or a PaymentCleared's lines, a ledger journal) out. Pure."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from importlib import resources

from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as re_events
from govshare.realestate.v1 import types_pb2 as re_types
from govshare.tax.v1 import events_pb2 as tax_events
from govshare.tax.v1 import types_pb2 as t

from services.kit.clock import timestamp as timestamp
from services.tax import engine, ledger
from services.tax.engine import Bill, Line, TransferFacts

_CALCULATION = {
    engine.RATE: t.CALCULATION_RATE,
    engine.FIXED: t.CALCULATION_FIXED,
    engine.EXEMPT: t.CALCULATION_EXEMPT,
}


def to_date(value: common.Date) -> date:
    return date(value.year, value.month, value.day)


def urban_area_of(unit_code: str) -> tuple[str, str]:
    """Where the unit lies for the urban maintenance tax rate, from its county code
    (GB/T 2260: 01-20 districts and 81-99 county-level cities are 市区; 21-80 counties),
    and the note every such inferred rate carries: the code cannot tell a county town
    from the countryside (1%), nor a district's rural part."""
    county = unit_code[4:6]
    area = engine.COUNTY_TOWN if county.isdigit() and 21 <= int(county) <= 80 else engine.CITY
    note = (
        f"the urban maintenance tax rate follows where the unit lies, inferred from its county "
        f"code {unit_code[:6]} (GB/T 2260) as {area}; a unit outside any city, county town "
        "or town pays 1%: tax staff to confirm"
    )
    return area, note


def facts_of(
    applied: re_events.TransferApplied, checked: re_types.CheckedReliefs | None = None
) -> TransferFacts:
    """The engine's facts from the application the parties filed (and confirmed), with
    the relief figures review checked against the registry in place of the declared ones."""
    facts = applied.tax_facts
    homes = facts.buyer_family_existing_homes
    only_home = facts.seller_only_home
    if checked is not None:
        homes, only_home = checked.buyer_family_existing_homes, checked.seller_only_home
    exemption = None
    if facts.fee_exemption != re_types.FEE_EXEMPTION_UNSPECIFIED:
        name = re_types.FeeExemption.Name(facts.fee_exemption)
        exemption = name.removeprefix("FEE_EXEMPTION_").lower()
    area, area_note = urban_area_of(applied.unit_code)
    return TransferFacts(
        contract_date=to_date(applied.contract_date),
        price_fen=applied.price.fen,
        area_hundredths_m2=applied.area_hundredths_m2,
        residential=applied.usage == re_types.USAGE_RESIDENTIAL,
        buyer_is_individual=applied.buyer.kind == common.PARTY_KIND_CITIZEN,
        seller_is_individual=applied.seller.kind == common.PARTY_KIND_CITIZEN,
        buyer_family_existing_homes=homes,
        seller_acquisition_date=to_date(facts.seller_acquisition_date),
        seller_only_home=only_home,
        original_cost_fen=facts.original_cost.fen if facts.original_cost_proven else None,
        deductible_expenses_fen=facts.deductible_expenses.fen,
        certificate_count=facts.certificate_count,
        fee_exemption=exemption,
        fee_exemption_detail=facts.fee_exemption_detail,
        urban_area=area,
        urban_area_unconfirmed=area_note,
    )


def line_kind(kind: str) -> int:
    return t.LineKind.Value("LINE_KIND_" + kind.upper())


def kind_of(value: int) -> str:
    return t.LineKind.Name(value).removeprefix("LINE_KIND_").lower()


def to_proto(line: Line, buyer: common.Party, seller: common.Party) -> t.AssessmentLine:
    out = t.AssessmentLine(
        kind=line_kind(line.kind),  # type: ignore[arg-type]
        payer=buyer if line.payer == engine.BUYER else seller,
        calculation=_CALCULATION[line.calculation],
        amount=common.Money(fen=line.amount_fen),
        legal_source=line.legal_source,
        explanation=line.explanation
        + (f" [税率待确认: {line.unconfirmed}]" if line.unconfirmed else ""),
    )
    if line.base_fen is not None:
        out.base.fen = line.base_fen
    if line.rate_ppm is not None:
        out.rate_ppm = line.rate_ppm
    if line.quantity is not None:
        out.quantity = line.quantity
        out.unit_amount.fen = line.unit_amount_fen or 0
    return out


def assessment_id_for(case_id: str, cause_key: str) -> str:
    """Deterministic: the same cause (a redelivered confirmation) names the same bill."""
    digest = hashlib.sha256(f"{case_id}|{cause_key}".encode()).hexdigest()[:8].upper()
    return f"TA-{case_id.removeprefix('RE-')}-{digest}"


def system_actor(tax_authority: common.Party) -> common.Actor:
    """The tax office's rules engine, acting for the authority."""
    return common.Actor(
        kind=common.ACTOR_KIND_SYSTEM,
        system_id="/govshare/tax",
        on_behalf_of=tax_authority,
        role="system",
    )


def assessment_event(
    bill: Bill,
    applied: re_events.TransferApplied,
    *,
    assessment_id: str,
    tax_authority: common.Party,
    caused_by: common.EventRef,
    issued_at: datetime,
) -> tax_events.AssessmentIssued:
    return tax_events.AssessmentIssued(
        case_id=applied.case_id,
        assessment_id=assessment_id,
        unit_code=applied.unit_code,
        contract_date=applied.contract_date,
        rule_set=bill.rule_set,
        lines=[to_proto(line, applied.buyer, applied.seller) for line in bill.lines],
        total=common.Money(fen=bill.total_fen),
        tax_authority=tax_authority,
        assessed_by=system_actor(tax_authority),
        caused_by=caused_by,
        issued_at=timestamp(issued_at),
    )


# --- assessed by hand (when the engine cannot) ----------------------------------------------

MANUAL_RULE_SET = "manual"


class ManualError(ValueError):
    """A manual assessment refused, with the field at fault and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ManualLine:
    """One line tax staff assessed: a line kind (engine name, e.g. "deed_tax"), who pays
    it, the amount; with a base and rate when it was computed as a rate of a base."""

    kind: str
    payer: str  # "buyer" or "seller"
    amount_fen: int
    legal_source: str = ""
    explanation: str = ""
    base_fen: int | None = None
    rate_ppm: int | None = None


def manual_required_event(
    applied: re_events.TransferApplied,
    error: engine.FactsError,
    *,
    caused_by: common.EventRef,
    required_at: datetime,
) -> tax_events.ManualAssessmentRequired:
    return tax_events.ManualAssessmentRequired(
        case_id=applied.case_id,
        unit_code=applied.unit_code,
        field=error.field,
        reason=error.reason,
        buyer=applied.buyer,
        seller=applied.seller,
        contract_date=applied.contract_date,
        caused_by=caused_by,
        required_at=timestamp(required_at),
    )


def _manual_line(line: ManualLine, party: common.Party, legal_basis: str) -> t.AssessmentLine:
    out = t.AssessmentLine(
        kind=line_kind(line.kind),  # type: ignore[arg-type]
        payer=party,
        amount=common.Money(fen=line.amount_fen),
        legal_source=line.legal_source or legal_basis,
        explanation=f"人工核定: {line.explanation}" if line.explanation else "人工核定",
    )
    if line.amount_fen == 0:
        out.calculation = t.CALCULATION_EXEMPT
    elif line.base_fen is not None and line.rate_ppm is not None:
        out.calculation = t.CALCULATION_RATE
    else:
        out.calculation = t.CALCULATION_FIXED
        out.quantity = 1
        out.unit_amount.fen = line.amount_fen
    if line.base_fen is not None:
        out.base.fen = line.base_fen
    if line.rate_ppm is not None:
        out.rate_ppm = line.rate_ppm
    return out


def manual_assessment_event(
    required: tax_events.ManualAssessmentRequired,
    lines: list[ManualLine],
    *,
    legal_basis: str,
    assessor: tuple[str, common.Actor],
    reviewer: tuple[str, common.Actor],
    chart: ledger.Chart,
    assessment_id: str,
    tax_authority: common.Party,
    issued_at: datetime,
) -> tax_events.AssessmentIssued:
    """The bill tax staff assessed by hand for a case the engine could not compute: every
    line with its payer and legal source, the legal basis, who assessed it and the second
    staff member who reviewed it (`assessor`, `reviewer`: (staff id, actor)). Refuses a
    bill the ledger could not split, and a reviewer who is the assessor."""
    if not legal_basis.strip():
        raise ManualError("legal_basis", "say which law the assessment rests on")
    if reviewer[0] == assessor[0]:
        raise ManualError("reviewer.id", "the reviewer must be a second staff member")
    if not lines:
        raise ManualError("lines", "at least one line")
    parties = {engine.BUYER: required.buyer, engine.SELLER: required.seller}
    out = []
    for index, line in enumerate(lines):
        if line.payer not in parties:
            raise ManualError(f"lines[{index}].payer", "buyer or seller")
        if line.amount_fen < 0:
            raise ManualError(f"lines[{index}].amount_fen", "cannot be negative")
        try:
            line_kind(line.kind)
            chart.account_for(line.kind)
        except (ValueError, ledger.LedgerError):
            raise ManualError(f"lines[{index}].kind", f"no bill line kind {line.kind!r}") from None
        out.append(_manual_line(line, parties[line.payer], legal_basis))
    return tax_events.AssessmentIssued(
        case_id=required.case_id,
        assessment_id=assessment_id,
        unit_code=required.unit_code,
        contract_date=required.contract_date,
        rule_set=MANUAL_RULE_SET,
        lines=out,
        total=common.Money(fen=sum(line.amount_fen for line in lines)),
        tax_authority=tax_authority,
        assessed_by=assessor[1],
        issued_at=timestamp(issued_at),
        legal_basis=legal_basis,
        reviewed_by=reviewer[1],
    )


# --- the parties' data, used (each use in their access logs) --------------------------------

TRANSFER_ASSESSED = "transfer-assessed"
CASE_READ = "case-read"  # staff read a case's bill or ledger


@cache
def data_uses() -> dict[str, dict[str, str]]:
    raw = json.loads(
        resources.files(__package__).joinpath("data", "data_uses.json").read_text("utf-8")
    )
    return dict(raw["uses"])


def data_use_event(
    case_id: str,
    unit_code: str,
    parties: list[common.Party],
    *,
    user: common.Party,
    used_by: common.Actor,
    at: datetime,
    use: str = TRANSFER_ASSESSED,
) -> tax_events.DataUseRecorded:
    """The tax office used the parties' transfer data (assessing the bill)."""
    known = data_uses()[use]
    return tax_events.DataUseRecorded(
        case_id=case_id,
        unit_code=unit_code,
        holder_ids=list(dict.fromkeys(p.id for p in parties)),
        user=user,
        used_by=used_by,
        use=use,
        purpose=known["purpose"],
        legal_basis=known["legal_basis"],
        data_described=f"{known['described']} ({case_id})",
        occurred_at=timestamp(at),
    )


def manual_memo(assessment: tax_events.AssessmentIssued) -> str:
    """What a journal of a bill assessed by hand says of it ("" for the engine's bills)."""
    if assessment.rule_set != MANUAL_RULE_SET:
        return ""
    return (
        f"人工核定 依据: {assessment.legal_basis}; 核定: {assessment.assessed_by.person_name};"
        f" 复核: {assessment.reviewed_by.person_name}"
    )


def journal(chart: ledger.Chart, assessment: tax_events.AssessmentIssued) -> list[ledger.Posting]:
    """The balanced split of a payment that cleared `assessment`."""
    lines = [(kind_of(line.kind), line.amount.fen) for line in assessment.lines]
    postings = ledger.split(chart, lines, assessment.total.fen)
    memo = manual_memo(assessment)
    if memo:
        postings = [replace(p, memo=f"{p.memo} {memo}".strip()) for p in postings]
    return postings


def posting_to_proto(posting: ledger.Posting) -> t.Posting:
    out = t.Posting(
        account=posting.account,
        side=t.SIDE_DEBIT if posting.side == ledger.DEBIT else t.SIDE_CREDIT,
        amount=common.Money(fen=posting.amount_fen),
        memo=posting.memo,
    )
    if posting.line_kind:
        out.line_kind = line_kind(posting.line_kind)  # type: ignore[assignment]
    return out


def posting_from_proto(posting: t.Posting) -> ledger.Posting:
    return ledger.Posting(
        account=posting.account,
        side=ledger.DEBIT if posting.side == t.SIDE_DEBIT else ledger.CREDIT,
        amount_fen=posting.amount.fen,
        line_kind=kind_of(posting.line_kind) if posting.line_kind else "",
        memo=posting.memo,
    )

"""The offline quote: JSON facts in, a bill out, with the engine that assesses joint cases.

One input model serves the CLI (`govshare tax quote FILE`) and `POST /v1/quotes`.
Amounts are integers (fen, 0.01 m², ppm); a float anywhere is refused, not rounded.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from services.tax import engine
from services.tax.engine import Bill, Line, TransferFacts
from services.tax.rules import RuleBook

PartyKind = Literal["citizen", "enterprise"]


# Upper bounds: amounts and areas travel as int64 in the contracts and the engine sums
# and multiplies them; far above any real transfer, far below an overflow.
MAX_FEN = 10**15  # 10 trillion yuan
MAX_AREA = 10**12  # 0.01 m² units: 10,000 km²


class QuoteRequest(BaseModel):
    """The facts of a transfer, as a citizen or an agent would state them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    contract_date: date = Field(description="Date the sale contract was signed (selects the rules)")
    price_fen: StrictInt = Field(
        gt=0, le=MAX_FEN, description="Contract price in fen, VAT included"
    )
    area_hundredths_m2: StrictInt = Field(
        gt=0, le=MAX_AREA, description="Floor area in 0.01 m² (12000 = 120 m²)"
    )
    usage: Literal["residential", "non_residential"]
    buyer_kind: PartyKind = "citizen"
    seller_kind: PartyKind = "citizen"
    buyer_family_existing_homes: StrictInt = Field(
        ge=0, le=99, description="Homes the buyer's family already owns (0: this is the only home)"
    )
    seller_acquisition_date: date = Field(
        description="Earlier of the title certificate date and the deed-tax receipt date"
    )
    seller_only_home: StrictBool = Field(description="The seller family's only home")
    original_cost_fen: StrictInt | None = Field(
        default=None,
        ge=0,
        le=MAX_FEN,
        description="Proven original cost in fen; absent: not proven",
    )
    deductible_expenses_fen: StrictInt = Field(default=0, ge=0, le=MAX_FEN)
    certificate_count: StrictInt = Field(default=1, ge=1, le=99)
    fee_exemption: (
        Literal["small_micro_enterprise", "public_or_resettlement_housing", "other"] | None
    ) = None
    fee_exemption_detail: str = ""
    urban_area: Literal["city", "county_town", "other"] = Field(
        default="city",
        description="Where the unit lies, for the urban maintenance tax (城市维护建设税法 "
        "第四条): city 市区 7%, county_town 县城、镇 5%, other 1%",
    )
    ordinary_housing: StrictBool | None = Field(
        default=None,
        description="Ordinary housing (普通住房); matters only for business tax, on contracts "
        "before 2016-05-01. Absent: taken as ordinary, and the line says so",
    )

    def facts(self) -> TransferFacts:
        return TransferFacts(
            contract_date=self.contract_date,
            price_fen=self.price_fen,
            area_hundredths_m2=self.area_hundredths_m2,
            residential=self.usage == "residential",
            buyer_is_individual=self.buyer_kind == "citizen",
            seller_is_individual=self.seller_kind == "citizen",
            buyer_family_existing_homes=self.buyer_family_existing_homes,
            seller_acquisition_date=self.seller_acquisition_date,
            seller_only_home=self.seller_only_home,
            original_cost_fen=self.original_cost_fen,
            deductible_expenses_fen=self.deductible_expenses_fen,
            certificate_count=self.certificate_count,
            fee_exemption=self.fee_exemption,
            fee_exemption_detail=self.fee_exemption_detail,
            urban_area=self.urban_area,
            ordinary_housing=self.ordinary_housing,
        )


def yuan(fen: int) -> str:
    """Fen as a yuan string with two decimals (display only; amounts stay integers)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def line_json(line: Line) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": line.kind,
        "payer": line.payer,
        "calculation": line.calculation,
        "amount_fen": line.amount_fen,
        "amount_yuan": yuan(line.amount_fen),
        "legal_source": line.legal_source,
        "explanation": line.explanation,
    }
    if line.base_fen is not None:
        out["base_fen"] = line.base_fen
    if line.rate_ppm is not None:
        out["rate_ppm"] = line.rate_ppm
        out["rate"] = engine.percent(line.rate_ppm)
    if line.quantity is not None:
        out["quantity"] = line.quantity
        out["unit_amount_fen"] = line.unit_amount_fen
    if line.unconfirmed:
        out["unconfirmed"] = line.unconfirmed
    return out


def bill_json(bill: Bill) -> dict[str, Any]:
    return {
        "rule_set": bill.rule_set,
        "contract_date": bill.contract_date.isoformat(),
        "lines": [line_json(line) for line in bill.lines],
        "total_fen": bill.total_fen,
        "total_yuan": yuan(bill.total_fen),
        "buyer_pays_fen": bill.total_for(engine.BUYER),
        "seller_pays_fen": bill.total_for(engine.SELLER),
        "rounding": bill.rounding,
    }


def quote(request: QuoteRequest, book: RuleBook) -> Bill:
    """The bill for the facts (FactsError when they cannot be assessed)."""
    return engine.assess(request.facts(), book)

"""A transfer application as filed over REST: its shape, its checks, its event.

Identifiers are checked here, before anything is produced: an event with an invalid id
would be refused by every consumer, so the applicant hears the reason at once instead.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Literal

from google.protobuf.timestamp_pb2 import Timestamp
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from services.kit import identifiers

_KINDS = {"citizen": common.PARTY_KIND_CITIZEN, "enterprise": common.PARTY_KIND_ENTERPRISE}
_EXEMPTIONS = {
    "small_micro_enterprise": t.FEE_EXEMPTION_SMALL_MICRO_ENTERPRISE,
    "public_or_resettlement_housing": t.FEE_EXEMPTION_PUBLIC_OR_RESETTLEMENT_HOUSING,
    "other": t.FEE_EXEMPTION_OTHER,
}


# Upper bounds: amounts and areas travel as int64 in the contracts, and the tax engine
# sums and multiplies them; far above any real transfer, far below an overflow.
MAX_FEN = 10**15  # 10 trillion yuan
MAX_AREA = 10**12  # 0.01 m² units: 10,000 km²


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["citizen", "enterprise"] = "citizen"
    id: str = Field(description="Resident identity number, or USCC of an enterprise")
    name: str = Field(min_length=1, max_length=100)


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    division_code: str = Field(pattern=r"^\d{6}$")
    text: str = Field(min_length=1, max_length=200)
    postal_code: str = Field(default="", pattern=r"^(\d{6})?$")


class TaxFactsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    buyer_family_existing_homes: StrictInt = Field(ge=0, le=99)
    seller_acquisition_date: date
    seller_only_home: StrictBool
    original_cost_fen: StrictInt | None = Field(
        default=None, ge=0, le=MAX_FEN, description="absent: not proven"
    )
    deductible_expenses_fen: StrictInt = Field(default=0, ge=0, le=MAX_FEN)
    certificate_count: StrictInt = Field(default=1, ge=1, le=99)
    fee_exemption: (
        Literal["small_micro_enterprise", "public_or_resettlement_housing", "other"] | None
    ) = None
    fee_exemption_detail: str = Field(default="", max_length=200)
    buyer_spouse: PartyIn | None = Field(
        default=None,
        description="The buyer's spouse (a citizen): the family's existing homes are counted "
        "from the registry for the buyer and the spouse",
    )


class TransferForm(BaseModel):
    """What buyer or seller files (the other confirms)."""

    model_config = ConfigDict(extra="forbid")

    unit_code: str
    seller: PartyIn
    buyer: PartyIn
    price_fen: StrictInt = Field(
        gt=0, le=MAX_FEN, description="Contract price in fen, VAT included"
    )
    area_hundredths_m2: StrictInt = Field(gt=0, le=MAX_AREA, description="Floor area in 0.01 m²")
    usage: Literal["residential", "non_residential"]
    contract_date: date
    contract_number: str = Field(default="", max_length=64)
    location: AddressIn
    tax_facts: TaxFactsIn


def problems(form: TransferForm, today: date) -> list[tuple[str, str]]:
    """Every (field, reason) that makes the application unacceptable."""
    found: list[tuple[str, str]] = []
    verdict = identifiers.check_unit_code(form.unit_code)
    if not verdict.valid:
        found.append(("unit_code", verdict.reason or "invalid unit code"))
    for role in ("seller", "buyer"):
        party: PartyIn = getattr(form, role)
        if party.kind == "citizen":
            verdict = identifiers.check_resident_id(party.id)
        else:
            verdict = identifiers.check_uscc(party.id)
        if not verdict.valid:
            found.append((f"{role}.id", verdict.reason or "invalid identifier"))
    if form.seller.id == form.buyer.id:
        found.append(("buyer.id", "buyer and seller are the same party"))
    spouse = form.tax_facts.buyer_spouse
    if spouse is not None:
        verdict = identifiers.check_resident_id(spouse.id)
        if spouse.kind != "citizen" or form.buyer.kind != "citizen":
            found.append(("tax_facts.buyer_spouse", "a spouse is declared for a citizen buyer"))
        elif not verdict.valid:
            found.append(("tax_facts.buyer_spouse.id", verdict.reason or "invalid identifier"))
        elif spouse.id in (form.buyer.id, form.seller.id):
            found.append(("tax_facts.buyer_spouse.id", "is the buyer or the seller"))
    if form.contract_date > today:
        found.append(("contract_date", "is in the future"))
    facts = form.tax_facts
    if facts.seller_acquisition_date > form.contract_date:
        found.append(("tax_facts.seller_acquisition_date", "is after the contract date"))
    # Fee exemptions the tax side would refuse (and leave the case stuck) are refused now.
    if facts.fee_exemption == "small_micro_enterprise" and form.buyer.kind != "enterprise":
        found.append(
            (
                "tax_facts.fee_exemption",
                "the small/micro enterprise exemption needs an enterprise buyer",
            )
        )
    if facts.fee_exemption == "other" and not facts.fee_exemption_detail.strip():
        found.append(("tax_facts.fee_exemption_detail", "say which exemption of 2559号 applies"))
    return found


def new_case_id(unit_code: str, now: datetime) -> str:
    return f"RE-{unit_code[:6]}-{now:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


def _date(value: date) -> common.Date:
    return common.Date(year=value.year, month=value.month, day=value.day)


def _party(party: PartyIn) -> common.Party:
    return common.Party(kind=_KINDS[party.kind], id=party.id, name=party.name)


def to_event(
    form: TransferForm, *, case_id: str, applied_by: common.Actor, now: datetime
) -> ev.TransferApplied:
    facts = form.tax_facts
    applied_at = Timestamp()
    applied_at.FromDatetime(now.astimezone(UTC))
    tax_facts = t.TaxFacts(
        buyer_family_existing_homes=facts.buyer_family_existing_homes,
        seller_acquisition_date=_date(facts.seller_acquisition_date),
        seller_only_home=facts.seller_only_home,
        original_cost_proven=facts.original_cost_fen is not None,
        certificate_count=facts.certificate_count,
        fee_exemption_detail=facts.fee_exemption_detail,
    )
    if facts.original_cost_fen is not None:
        tax_facts.original_cost.fen = facts.original_cost_fen
    if facts.deductible_expenses_fen:
        tax_facts.deductible_expenses.fen = facts.deductible_expenses_fen
    if facts.fee_exemption is not None:
        tax_facts.fee_exemption = _EXEMPTIONS[facts.fee_exemption]
    if facts.buyer_spouse is not None:
        tax_facts.buyer_spouse.CopyFrom(_party(facts.buyer_spouse))
    return ev.TransferApplied(
        unit_code=form.unit_code,
        case_id=case_id,
        applied_by=applied_by,
        seller=_party(form.seller),
        buyer=_party(form.buyer),
        price=common.Money(fen=form.price_fen),
        area_hundredths_m2=form.area_hundredths_m2,
        usage=t.USAGE_RESIDENTIAL if form.usage == "residential" else t.USAGE_NON_RESIDENTIAL,
        contract_date=_date(form.contract_date),
        tax_facts=tax_facts,
        location=common.Address(**form.location.model_dump()),
        contract_number=form.contract_number,
        applied_at=applied_at,
    )

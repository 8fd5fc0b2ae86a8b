"""Transfer tax rules as data: effective-dated rule sets loaded from `data/transfer_rules.json`
(or the file named by GOVSHARE_TAX_RULES_FILE), each value with its legal source.

Immutable once loaded; the engine (engine.py) only reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any


class RulesError(ValueError):
    """The rules file is unusable (the process must not start with it)."""


@dataclass(frozen=True)
class DeedTaxRules:
    general_rate_ppm: int
    general_source: str
    general_unconfirmed: str
    relief_source: str
    relief_area_threshold_hundredths_m2: int
    only_home_at_or_below_ppm: int
    only_home_above_ppm: int
    second_home_at_or_below_ppm: int
    second_home_above_ppm: int


@dataclass(frozen=True)
class VatRules:
    rate_ppm: int
    housing_exempt_after_years: int
    housing_source: str
    other_source: str


@dataclass(frozen=True)
class BusinessTaxRules:
    """营业税, the turnover tax on a sale of real estate before VAT replaced it (2016-05-01)."""

    rate_ppm: int
    housing_exempt_after_years: int
    housing_source: str
    non_ordinary_source: str
    ordinary_unconfirmed: str
    other_source: str


@dataclass(frozen=True)
class SurchargeRelief:
    """A reduction of the surcharges in force for a window of contract dates (六税两费)."""

    effective_from: date
    effective_until: date
    reduction_ppm: int  # 500 000: halved
    source: str
    unconfirmed: str

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day <= self.effective_until


@dataclass(frozen=True)
class SurchargeRules:
    """附加税费: levied on the VAT (business tax) paid, by the seller."""

    urban_maintenance_city_ppm: int
    urban_maintenance_county_town_ppm: int
    urban_maintenance_other_ppm: int
    urban_maintenance_source: str
    education_ppm: int
    education_source: str
    local_education_ppm: int
    local_education_source: str
    local_education_unconfirmed: str
    relief_for_individuals: bool
    relief_individuals_unconfirmed: str
    reliefs: tuple[SurchargeRelief, ...]

    def relief_on(self, day: date) -> SurchargeRelief | None:
        return next((r for r in self.reliefs if r.in_force_on(day)), None)


@dataclass(frozen=True)
class IncomeTaxRules:
    gain_rate_ppm: int
    exempt_after_years: int
    source: str
    deemed_rate_ppm: int
    deemed_source: str
    deemed_unconfirmed: str


@dataclass(frozen=True)
class LandVatRules:
    housing_exempt_source: str
    deemed_rate_ppm: int
    deemed_source: str
    deemed_unconfirmed: str


@dataclass(frozen=True)
class StampDutyRules:
    rate_ppm: int
    source: str
    housing_exempt_source: str


@dataclass(frozen=True)
class FeeExemption:
    source: str
    label: str
    enterprise_buyer_only: bool


@dataclass(frozen=True)
class RegistrationFeeRules:
    residential_fen: int
    non_residential_fen: int
    extra_certificate_fen: int
    source: str
    exemptions: dict[str, FeeExemption]


@dataclass(frozen=True)
class RuleSet:
    id: str
    effective_from: date
    effective_until: date | None
    deed_tax: DeedTaxRules
    # Exactly one turnover tax: VAT from 2016-05-01 (营改增), business tax before.
    vat: VatRules | None
    business_tax: BusinessTaxRules | None
    surcharges: SurchargeRules
    income_tax: IncomeTaxRules
    land_vat: LandVatRules
    stamp_duty: StampDutyRules
    registration_fee: RegistrationFeeRules

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )


@dataclass(frozen=True)
class RuleBook:
    rule_sets: tuple[RuleSet, ...]
    rounding: str
    holding_period: str

    def for_date(self, day: date) -> RuleSet | None:
        """The rule set in force on `day` (the contract date), if any."""
        return next((r for r in self.rule_sets if r.in_force_on(day)), None)


def _section(cls: type[Any], raw: dict[str, Any], where: str) -> Any:
    try:
        return cls(**raw)
    except TypeError as exc:
        raise RulesError(f"{where}: {exc}") from None


def _rule_set(raw: dict[str, Any]) -> RuleSet:
    where = f"rule set {raw.get('id')!r}"
    fee = dict(raw["registration_fee"])
    fee["exemptions"] = {
        code: _section(FeeExemption, entry, f"{where} exemption {code}")
        for code, entry in fee["exemptions"].items()
    }
    until = raw.get("effective_until")
    vat, business = raw.get("vat"), raw.get("business_tax")
    if (vat is None) == (business is None):
        raise RulesError(f"{where}: give exactly one of vat and business_tax")
    surcharges = dict(raw["surcharges"])
    surcharges["reliefs"] = tuple(
        _section(
            SurchargeRelief,
            {
                **r,
                "effective_from": date.fromisoformat(r["effective_from"]),
                "effective_until": date.fromisoformat(r["effective_until"]),
            },
            f"{where} surcharge relief",
        )
        for r in surcharges["reliefs"]
    )
    return RuleSet(
        id=raw["id"],
        effective_from=date.fromisoformat(raw["effective_from"]),
        effective_until=date.fromisoformat(until) if until else None,
        deed_tax=_section(DeedTaxRules, raw["deed_tax"], f"{where} deed_tax"),
        vat=_section(VatRules, vat, f"{where} vat") if vat is not None else None,
        business_tax=(
            _section(BusinessTaxRules, business, f"{where} business_tax")
            if business is not None
            else None
        ),
        surcharges=_section(SurchargeRules, surcharges, f"{where} surcharges"),
        income_tax=_section(
            IncomeTaxRules, raw["individual_income_tax"], f"{where} individual_income_tax"
        ),
        land_vat=_section(LandVatRules, raw["land_vat"], f"{where} land_vat"),
        stamp_duty=_section(StampDutyRules, raw["stamp_duty"], f"{where} stamp_duty"),
        registration_fee=_section(RegistrationFeeRules, fee, f"{where} registration_fee"),
    )


def parse(raw: dict[str, Any]) -> RuleBook:
    try:
        sets = tuple(
            sorted((_rule_set(r) for r in raw["rule_sets"]), key=lambda r: r.effective_from)
        )
    except (KeyError, ValueError) as exc:
        raise RulesError(f"rules file: {exc!r}") from None
    for earlier, later in pairwise(sets):
        if earlier.effective_until is None or earlier.effective_until >= later.effective_from:
            raise RulesError(f"rule sets {earlier.id} and {later.id} overlap")
    for rule_set in sets:
        reliefs = sorted(rule_set.surcharges.reliefs, key=lambda r: r.effective_from)
        for relief in reliefs:
            if not 0 < relief.reduction_ppm <= 1_000_000:
                raise RulesError(f"rule set {rule_set.id}: a relief must reduce by 1..1000000 ppm")
            if relief.effective_until < relief.effective_from:
                raise RulesError(f"rule set {rule_set.id}: a relief ends before it starts")
        for earlier_relief, later_relief in pairwise(reliefs):
            if earlier_relief.effective_until >= later_relief.effective_from:
                raise RulesError(f"rule set {rule_set.id}: surcharge reliefs overlap")
    return RuleBook(sets, raw["rounding"], raw["holding_period"])


def load(path: str = "") -> RuleBook:
    """The packaged rules, or those of `path` (a configured, edited copy)."""
    if path:
        text = Path(path).read_text("utf-8")
    else:
        text = (
            resources.files(__package__).joinpath("data", "transfer_rules.json").read_text("utf-8")
        )
    return parse(json.loads(text))

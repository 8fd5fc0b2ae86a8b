"""The transfer tax engine: facts of a second-hand transfer -> a bill of tax and fee lines.

Pure and deterministic: integer fen, integer ppm rates, dates; the same engine serves the
assessment of a joint case, the offline quote (`govshare tax quote`) and the REST quote.
Rules and their legal sources come from the rule book (rules.py); nothing here is a rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.kit.errors import DomainError, Kind
from services.tax.rules import BusinessTaxRules, RuleBook, RuleSet

PPM = 1_000_000
BUYER = "buyer"
SELLER = "seller"

# Line kinds (mapped to the contract's LineKind by the adapters).
DEED_TAX = "deed_tax"
VAT = "vat"
INCOME_TAX = "individual_income_tax"
LAND_VAT = "land_vat"
STAMP_DUTY = "stamp_duty"
REGISTRATION_FEE = "registration_fee"
EXTRA_CERTIFICATE_FEE = "extra_certificate_fee"
BUSINESS_TAX = "business_tax"
URBAN_MAINTENANCE_TAX = "urban_maintenance_tax"
EDUCATION_SURCHARGE = "education_surcharge"
LOCAL_EDUCATION_SURCHARGE = "local_education_surcharge"

# Where the unit lies, for the urban maintenance tax rate (城市维护建设税法 第四条).
CITY = "city"  # 市区
COUNTY_TOWN = "county_town"  # 县城、镇
OTHER_AREA = "other"  # 不在市区、县城或者镇

RATE = "rate"
FIXED = "fixed"
EXEMPT = "exempt"


class FactsError(DomainError, ValueError):
    """The facts cannot be assessed; `field` names the one at fault (invalid input)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(Kind.INVALID, field, reason)


@dataclass(frozen=True)
class TransferFacts:
    """What the rules need to know about one transfer."""

    contract_date: date
    price_fen: int  # as contracted, VAT included
    area_hundredths_m2: int
    residential: bool
    buyer_is_individual: bool
    seller_is_individual: bool
    buyer_family_existing_homes: int  # 0: this becomes the family's only home
    seller_acquisition_date: date
    seller_only_home: bool
    original_cost_fen: int | None  # None: the original cost is not proven
    deductible_expenses_fen: int = 0
    certificate_count: int = 1
    fee_exemption: str | None = None  # a key of the rule set's fee exemptions
    fee_exemption_detail: str = ""
    urban_area: str = CITY  # CITY, COUNTY_TOWN or OTHER_AREA: where the unit lies
    urban_area_unconfirmed: str = ""  # set when the area was inferred, not stated
    ordinary_housing: bool | None = None  # 普通住房 (business tax only); None: not stated


@dataclass(frozen=True)
class Line:
    kind: str
    payer: str  # BUYER or SELLER
    calculation: str  # RATE, FIXED or EXEMPT
    amount_fen: int
    legal_source: str
    explanation: str
    base_fen: int | None = None
    rate_ppm: int | None = None
    quantity: int | None = None
    unit_amount_fen: int | None = None
    unconfirmed: str = ""  # set when the rate is a local value not confirmed


@dataclass(frozen=True)
class Bill:
    rule_set: str
    contract_date: date
    lines: tuple[Line, ...]
    rounding: str

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    def total_for(self, payer: str) -> int:
        return sum(line.amount_fen for line in self.lines if line.payer == payer)


# --- arithmetic ---------------------------------------------------------------------------


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def apply_rate(base_fen: int, rate_ppm: int) -> int:
    """base x rate, rounded half up to the fen (the contract's CALCULATION_RATE rule)."""
    return round_half_up(base_fen * rate_ppm, PPM)


def excluding_vat(amount_fen: int, vat_rate_ppm: int) -> int:
    """The part of a VAT-inclusive amount that is not VAT, rounded half up to the fen."""
    return round_half_up(amount_fen * PPM, PPM + vat_rate_ppm)


def percent(rate_ppm: int) -> str:
    whole, rest = divmod(rate_ppm, 10_000)
    return f"{whole}%" if not rest else f"{whole}.{rest:04d}".rstrip("0") + "%"


def area_text(hundredths_m2: int) -> str:
    return f"{hundredths_m2 // 100}.{hundredths_m2 % 100:02d} m²"


def anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def held_at_least(facts: TransferFacts, years: int) -> bool:
    return facts.contract_date >= anniversary(facts.seller_acquisition_date, years)


# --- validation ---------------------------------------------------------------------------


def check(facts: TransferFacts, book: RuleBook) -> RuleSet:
    """The rule set for the facts, or FactsError naming the first field at fault."""
    if facts.price_fen <= 0:
        raise FactsError("price_fen", "must be a positive number of fen")
    if facts.area_hundredths_m2 <= 0:
        raise FactsError("area_hundredths_m2", "must be positive (0.01 m² units)")
    if facts.buyer_family_existing_homes < 0:
        raise FactsError("buyer_family_existing_homes", "cannot be negative")
    if facts.original_cost_fen is not None and facts.original_cost_fen < 0:
        raise FactsError("original_cost_fen", "cannot be negative")
    if facts.deductible_expenses_fen < 0:
        raise FactsError("deductible_expenses_fen", "cannot be negative")
    if not 1 <= facts.certificate_count <= 99:
        raise FactsError("certificate_count", "must be 1..99 (the first certificate is free)")
    if facts.seller_acquisition_date > facts.contract_date:
        raise FactsError("seller_acquisition_date", "is after the contract date")
    if facts.urban_area not in (CITY, COUNTY_TOWN, OTHER_AREA):
        raise FactsError("urban_area", f"must be {CITY}, {COUNTY_TOWN} or {OTHER_AREA}")
    rules = book.for_date(facts.contract_date)
    if rules is None:
        raise FactsError(
            "contract_date", f"no rule set of the rules file is in force on {facts.contract_date}"
        )
    if facts.fee_exemption is not None:
        exemption = rules.registration_fee.exemptions.get(facts.fee_exemption)
        if exemption is None:
            known = ", ".join(sorted(rules.registration_fee.exemptions))
            raise FactsError("fee_exemption", f"unknown exemption (known: {known})")
        if exemption.enterprise_buyer_only and facts.buyer_is_individual:
            raise FactsError("fee_exemption", f"{exemption.label}: the buyer must be an enterprise")
        if facts.fee_exemption == "other" and not facts.fee_exemption_detail.strip():
            raise FactsError("fee_exemption_detail", "say which exemption of 2559号 applies")
    return rules


# --- the lines ----------------------------------------------------------------------------


def _housing_of_individual(facts: TransferFacts) -> bool:
    return facts.residential and facts.seller_is_individual


def turnover_tax_line(facts: TransferFacts, rules: RuleSet) -> Line:
    """VAT, or business tax on contracts before VAT reached real estate (2016-05-01)."""
    if rules.business_tax is not None:
        return business_tax_line(facts, rules.business_tax)
    return vat_line(facts, rules)


def business_tax_line(facts: TransferFacts, bt: BusinessTaxRules) -> Line:
    # Business tax is part of the price (营业额 = the price received), unlike VAT: nothing
    # is divided out, and the deed-tax base stays the full price.
    years = bt.housing_exempt_after_years
    cost = facts.original_cost_fen
    if _housing_of_individual(facts):
        if not held_at_least(facts, years):
            return Line(
                BUSINESS_TAX,
                SELLER,
                RATE,
                apply_rate(facts.price_fen, bt.rate_ppm),
                bt.housing_source,
                f"个人将购买不足 {years} 年的住房对外销售, "
                f"按 {percent(bt.rate_ppm)} 全额征收营业税",
                base_fen=facts.price_fen,
                rate_ppm=bt.rate_ppm,
            )
        if facts.ordinary_housing is False:
            base = max(facts.price_fen - cost, 0) if cost is not None else facts.price_fen
            how = "差额 (售价 - 购买价款)" if cost is not None else "全额 (购买价款未证明)"
            return Line(
                BUSINESS_TAX,
                SELLER,
                RATE,
                apply_rate(base, bt.rate_ppm),
                bt.non_ordinary_source,
                f"个人将购买 {years} 年以上 (含 {years} 年) 的非普通住房对外销售, "
                f"按{how}征收营业税 {percent(bt.rate_ppm)}",
                base_fen=base,
                rate_ppm=bt.rate_ppm,
            )
        return Line(
            BUSINESS_TAX,
            SELLER,
            EXEMPT,
            0,
            bt.housing_source,
            f"个人将购买 {years} 年以上 (含 {years} 年) 的普通住房对外销售, 免征营业税",
            base_fen=facts.price_fen,
            unconfirmed=bt.ordinary_unconfirmed if facts.ordinary_housing is None else "",
        )
    base = max(facts.price_fen - cost, 0) if cost is not None else facts.price_fen
    how = "差额 (售价 - 购置原价)" if cost is not None else "全额 (购置原价未证明)"
    return Line(
        BUSINESS_TAX,
        SELLER,
        RATE,
        apply_rate(base, bt.rate_ppm),
        bt.other_source,
        f"转让购置的不动产, 按{how}征收营业税 {percent(bt.rate_ppm)}",
        base_fen=base,
        rate_ppm=bt.rate_ppm,
    )


def vat_line(facts: TransferFacts, rules: RuleSet) -> Line:
    vat = rules.vat
    assert vat is not None  # turnover_tax_line chose VAT
    years = vat.housing_exempt_after_years
    if _housing_of_individual(facts):
        if held_at_least(facts, years):
            return Line(
                VAT,
                SELLER,
                EXEMPT,
                0,
                vat.housing_source,
                f"个人销售购买 {years} 年以上 (含 {years} 年) 的住房, 免征增值税",
                base_fen=facts.price_fen,
            )
        base = excluding_vat(facts.price_fen, vat.rate_ppm)
        return Line(
            VAT,
            SELLER,
            RATE,
            apply_rate(base, vat.rate_ppm),
            vat.housing_source,
            f"个人销售购买不足 {years} 年的住房, 按 {percent(vat.rate_ppm)} 征收率全额缴纳 "
            "(不含税销售额 = 含税价 ÷ (1 + 征收率))",
            base_fen=base,
            rate_ppm=vat.rate_ppm,
        )
    # Non-residential units, or enterprise sellers: simple levy on the price, or on the
    # price minus the proven purchase cost (差额), both excluding VAT.
    cost = facts.original_cost_fen
    levied_on = facts.price_fen - cost if cost is not None else facts.price_fen
    base = excluding_vat(max(levied_on, 0), vat.rate_ppm)
    how = "差额 (售价 - 购置原价)" if cost is not None else "全额 (购置原价未证明)"
    return Line(
        VAT,
        SELLER,
        RATE,
        apply_rate(base, vat.rate_ppm),
        vat.other_source,
        f"转让非住房不动产, 按 {percent(vat.rate_ppm)} 征收率就{how}计税 (不含税)",
        base_fen=base,
        rate_ppm=vat.rate_ppm,
    )


_AREA_TEXT = {CITY: "市区", COUNTY_TOWN: "县城、镇", OTHER_AREA: "不在市区、县城或者镇"}


def surcharge_lines(facts: TransferFacts, rules: RuleSet, turnover: Line) -> list[Line]:
    """附加税费 on the VAT (business tax) the seller pays: none when none is paid."""
    if turnover.amount_fen == 0:
        return []
    sur = rules.surcharges
    urban_rate = {
        CITY: sur.urban_maintenance_city_ppm,
        COUNTY_TOWN: sur.urban_maintenance_county_town_ppm,
        OTHER_AREA: sur.urban_maintenance_other_ppm,
    }[facts.urban_area]
    relief = sur.relief_on(facts.contract_date)
    # An individual is a small-scale VAT taxpayer (实施细则 第二十九条); whether an enterprise
    # seller is one (or a 小型微利企业) the facts do not say: it pays in full here, and
    # claims the relief with tax staff (the rules file's not_covered).
    relieved = relief is not None and facts.seller_is_individual and sur.relief_for_individuals
    paid_on = "增值税" if turnover.kind == VAT else "营业税"
    area = _AREA_TEXT[facts.urban_area]
    items = [
        (
            URBAN_MAINTENANCE_TAX,
            "城市维护建设税",
            urban_rate,
            sur.urban_maintenance_source,
            f" (不动产所在地: {area})",
            facts.urban_area_unconfirmed,
        ),
        (EDUCATION_SURCHARGE, "教育费附加", sur.education_ppm, sur.education_source, "", ""),
        (
            LOCAL_EDUCATION_SURCHARGE,
            "地方教育附加",
            sur.local_education_ppm,
            sur.local_education_source,
            "",
            sur.local_education_unconfirmed,
        ),
    ]
    lines = []
    for kind, name, rate, source, where, unconfirmed in items:
        explanation = f"{name}: 实际缴纳的{paid_on} × {percent(rate)}{where}"
        notes = [unconfirmed]
        if relieved:
            assert relief is not None
            reduced = round_half_up(rate * (PPM - relief.reduction_ppm), PPM)
            explanation += f", 减征 {percent(relief.reduction_ppm)} 后 {percent(reduced)}"
            source = f"{source}; {relief.source}"
            notes += [relief.unconfirmed, sur.relief_individuals_unconfirmed]
            rate = reduced
        lines.append(
            Line(
                kind,
                SELLER,
                RATE,
                apply_rate(turnover.amount_fen, rate),
                source,
                explanation,
                base_fen=turnover.amount_fen,
                rate_ppm=rate,
                unconfirmed="; ".join(n for n in notes if n),
            )
        )
    return lines


def deed_tax_line(facts: TransferFacts, rules: RuleSet, vat_fen: int) -> Line:
    deed = rules.deed_tax
    base = facts.price_fen - vat_fen  # the deed-tax base excludes VAT
    area = area_text(facts.area_hundredths_m2)
    limit = area_text(deed.relief_area_threshold_hundredths_m2)
    small = facts.area_hundredths_m2 <= deed.relief_area_threshold_hundredths_m2
    homes = facts.buyer_family_existing_homes
    if facts.residential and facts.buyer_is_individual and homes <= 1:
        if homes == 0:
            rate = deed.only_home_at_or_below_ppm if small else deed.only_home_above_ppm
            which = "家庭唯一住房"
        else:
            rate = deed.second_home_at_or_below_ppm if small else deed.second_home_above_ppm
            which = "家庭第二套改善性住房"
        relation = "≤" if small else ">"
        return Line(
            DEED_TAX,
            BUYER,
            RATE,
            apply_rate(base, rate),
            deed.relief_source,
            f"{which}, 面积 {area} {relation} {limit}, 税率 {percent(rate)}",
            base_fen=base,
            rate_ppm=rate,
        )
    if not facts.residential:
        why = "非住房"
    elif not facts.buyer_is_individual:
        why = "单位购买住房"
    else:
        why = f"家庭第 {homes + 1} 套住房"
    rate = deed.general_rate_ppm
    return Line(
        DEED_TAX,
        BUYER,
        RATE,
        apply_rate(base, rate),
        deed.general_source,
        f"{why}, 不适用个人住房优惠, 适用税率 {percent(rate)}",
        base_fen=base,
        rate_ppm=rate,
        unconfirmed=deed.general_unconfirmed,
    )


def land_vat_line(facts: TransferFacts, rules: RuleSet, vat_fen: int) -> Line:
    land = rules.land_vat
    if _housing_of_individual(facts):
        return Line(
            LAND_VAT,
            SELLER,
            EXEMPT,
            0,
            land.housing_exempt_source,
            "个人销售住房, 暂免征收土地增值税",
        )
    base = facts.price_fen - vat_fen
    return Line(
        LAND_VAT,
        SELLER,
        RATE,
        apply_rate(base, land.deemed_rate_ppm),
        land.deemed_source,
        f"转让非住房, 按转让收入 (不含增值税) 的 {percent(land.deemed_rate_ppm)} 核定征收",
        base_fen=base,
        rate_ppm=land.deemed_rate_ppm,
        unconfirmed=land.deemed_unconfirmed,
    )


def stamp_duty_line(facts: TransferFacts, rules: RuleSet, vat_fen: int, payer: str) -> Line:
    stamp = rules.stamp_duty
    individual = facts.buyer_is_individual if payer == BUYER else facts.seller_is_individual
    if facts.residential and individual:
        verb = "购买" if payer == BUYER else "销售"
        return Line(
            STAMP_DUTY,
            payer,
            EXEMPT,
            0,
            stamp.housing_exempt_source,
            f"个人{verb}住房, 暂免征收印花税",
        )
    base = facts.price_fen - vat_fen  # the contract amount, excluding the VAT it states
    return Line(
        STAMP_DUTY,
        payer,
        RATE,
        apply_rate(base, stamp.rate_ppm),
        stamp.source,
        f"产权转移书据, 按合同金额 (不含增值税) 的 {percent(stamp.rate_ppm)} 贴花",
        base_fen=base,
        rate_ppm=stamp.rate_ppm,
    )


def income_tax_line(
    facts: TransferFacts, rules: RuleSet, vat_fen: int, other_seller_taxes_fen: int
) -> Line:
    iit = rules.income_tax
    years = iit.exempt_after_years
    income = facts.price_fen - vat_fen  # taxable income excludes VAT
    cost = facts.original_cost_fen
    gain = None
    if cost is not None:
        gain = max(income - cost - facts.deductible_expenses_fen - other_seller_taxes_fen, 0)
    if facts.residential and facts.seller_only_home and held_at_least(facts, years):
        return Line(
            INCOME_TAX,
            SELLER,
            EXEMPT,
            0,
            iit.source,
            f"个人转让自用 {years} 年以上并且是家庭唯一生活用房, 免征个人所得税",
            base_fen=gain if gain is not None else income,
        )
    if gain is not None:
        return Line(
            INCOME_TAX,
            SELLER,
            RATE,
            apply_rate(gain, iit.gain_rate_ppm),
            iit.source,
            f"财产转让所得 = 转让收入 (不含增值税) - 原值 - 合理费用 - 转让税金, "
            f"税率 {percent(iit.gain_rate_ppm)}",
            base_fen=gain,
            rate_ppm=iit.gain_rate_ppm,
        )
    return Line(
        INCOME_TAX,
        SELLER,
        RATE,
        apply_rate(income, iit.deemed_rate_ppm),
        iit.deemed_source,
        f"未能提供房屋原值凭证, 按转让收入 (不含增值税) 的 {percent(iit.deemed_rate_ppm)} 核定征收",
        base_fen=income,
        rate_ppm=iit.deemed_rate_ppm,
        unconfirmed=iit.deemed_unconfirmed,
    )


def fee_lines(facts: TransferFacts, rules: RuleSet) -> list[Line]:
    fee = rules.registration_fee
    per_case = fee.residential_fen if facts.residential else fee.non_residential_fen
    kind_text = "住宅类" if facts.residential else "非住宅类"
    if facts.fee_exemption is not None:
        exemption = fee.exemptions[facts.fee_exemption]
        detail = f" ({facts.fee_exemption_detail})" if facts.fee_exemption_detail else ""
        lines = [
            Line(
                REGISTRATION_FEE,
                BUYER,
                EXEMPT,
                0,
                exemption.source,
                f"{exemption.label}{detail}",
                quantity=1,
                unit_amount_fen=per_case,
            )
        ]
    else:
        lines = [
            Line(
                REGISTRATION_FEE,
                BUYER,
                FIXED,
                per_case,
                fee.source,
                f"{kind_text}不动产登记费 每件 {per_case // 100} 元, 含第一本证书",
                quantity=1,
                unit_amount_fen=per_case,
            )
        ]
    extra = facts.certificate_count - 1
    if extra > 0:
        lines.append(
            Line(
                EXTRA_CERTIFICATE_FEE,
                BUYER,
                FIXED,
                extra * fee.extra_certificate_fen,
                fee.source,
                f"每增加一本证书加收工本费 {fee.extra_certificate_fen // 100} 元, 共 {extra} 本",
                quantity=extra,
                unit_amount_fen=fee.extra_certificate_fen,
            )
        )
    return lines


def assess(facts: TransferFacts, book: RuleBook) -> Bill:
    """Every tax line (exempt ones included, so the payer sees why nothing is due) and
    the registration fee, under the rule set in force on the contract date."""
    rules = check(facts, book)
    turnover = turnover_tax_line(facts, rules)
    surcharges = surcharge_lines(facts, rules, turnover)
    # VAT is outside the price the other taxes are levied on (财税〔2016〕43号); business
    # tax is inside it, and deducted from the income-tax gain like the other taxes.
    vat_fen = turnover.amount_fen if turnover.kind == VAT else 0
    land = land_vat_line(facts, rules, vat_fen)
    seller_stamp = stamp_duty_line(facts, rules, vat_fen, SELLER)
    seller_taxes = (
        land.amount_fen
        + seller_stamp.amount_fen
        + sum(x.amount_fen for x in surcharges)
        + (turnover.amount_fen if turnover.kind == BUSINESS_TAX else 0)
    )
    lines = [
        deed_tax_line(facts, rules, vat_fen),
        turnover,
        *surcharges,
        # Taxes the seller pays on the transfer are deductible from the income-tax gain.
        income_tax_line(facts, rules, vat_fen, seller_taxes),
        land,
        stamp_duty_line(facts, rules, vat_fen, BUYER),
        seller_stamp,
        *fee_lines(facts, rules),
    ]
    if not facts.seller_is_individual:
        # An enterprise seller owes enterprise income tax in its own return, not here.
        lines = [line for line in lines if line.kind != INCOME_TAX]
    return Bill(rules.id, facts.contract_date, tuple(lines), book.rounding)

"""The transfer tax engine against hand-computed bills, under both rule sets.

Every expected amount below was worked out by hand from shared/DOMAIN.md (integer fen,
rounded half up); the comments show the arithmetic.
"""

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from services.tax import engine, rules
from services.tax.engine import FactsError, TransferFacts

BOOK = rules.load()
BOOK_RAW = json.loads(
    (Path(rules.__file__).parent / "data" / "transfer_rules.json").read_text("utf-8")
)

# A 120 m² flat sold for 2 350 000 yuan by its owner of nearly nine years (only home,
# cost proven), bought as the buyer family's only home: the contract samples' story.
FLAT = TransferFacts(
    contract_date=date(2025, 6, 1),
    price_fen=235_000_000,
    area_hundredths_m2=12_000,
    residential=True,
    buyer_is_individual=True,
    seller_is_individual=True,
    buyer_family_existing_homes=0,
    seller_acquisition_date=date(2016, 8, 20),
    seller_only_home=True,
    original_cost_fen=128_000_000,
)


def amounts(facts: TransferFacts) -> dict[tuple[str, str], int]:
    bill = engine.assess(facts, BOOK)
    return {(line.kind, line.payer): line.amount_fen for line in bill.lines}


def line(facts: TransferFacts, kind: str, payer: str = "") -> engine.Line:
    bill = engine.assess(facts, BOOK)
    return next(x for x in bill.lines if x.kind == kind and (not payer or x.payer == payer))


def test_only_home_120_m2_pays_1_5_percent_in_2024_and_1_percent_in_2025():
    before = replace(FLAT, contract_date=date(2024, 6, 1))
    old = line(before, engine.DEED_TAX)
    new = line(FLAT, engine.DEED_TAX)
    assert engine.assess(before, BOOK).rule_set == "transfer-2021-09-01"
    assert engine.assess(FLAT, BOOK).rule_set == "transfer-2024-12-01"
    assert (old.rate_ppm, old.amount_fen) == (15_000, 3_525_000)  # 235 000 000 x 1.5 %
    assert (new.rate_ppm, new.amount_fen) == (10_000, 2_350_000)  # 235 000 000 x 1 %
    assert old.legal_source.startswith("财税〔2016〕23号")
    assert new.legal_source == "财政部 税务总局 住房城乡建设部公告2024年第16号"


def test_the_sample_bill_exempts_everything_but_deed_tax_and_the_fee():
    bill = engine.assess(FLAT, BOOK)
    assert amounts(FLAT) == {
        ("deed_tax", "buyer"): 2_350_000,
        ("vat", "seller"): 0,  # held >= 2 years
        ("individual_income_tax", "seller"): 0,  # held >= 5 years, only home
        ("land_vat", "seller"): 0,
        ("stamp_duty", "buyer"): 0,
        ("stamp_duty", "seller"): 0,
        ("registration_fee", "buyer"): 8_000,
    }
    assert bill.total_fen == 2_358_000
    iit = line(FLAT, engine.INCOME_TAX)
    assert iit.calculation == engine.EXEMPT and iit.base_fen == 107_000_000  # the gain shown
    assert all(x.legal_source for x in bill.lines)


@pytest.mark.parametrize(
    ("contract", "area", "homes", "rate"),
    [
        # 2016 rules (财税〔2016〕23号): threshold 90 m²
        (date(2024, 11, 30), 9_000, 0, 10_000),  # only home, exactly 90 m²: 1 %
        (date(2024, 11, 30), 9_001, 0, 15_000),  # only home, > 90 m²: 1.5 %
        (date(2020, 1, 1), 8_000, 1, 10_000),  # second home <= 90 m²: 1 %
        (date(2020, 1, 1), 10_000, 1, 20_000),  # second home > 90 m²: 2 %
        (date(2020, 1, 1), 8_000, 2, 30_000),  # third home: the general 3 %
        # 2024-12-01 rules (公告2024年第16号): threshold 140 m²
        (date(2024, 12, 1), 14_000, 0, 10_000),  # only home, exactly 140 m²: 1 %
        (date(2025, 6, 1), 14_001, 0, 15_000),  # only home > 140 m²: 1.5 %
        (date(2025, 6, 1), 10_000, 1, 10_000),  # second home 100 m²: 1 % (was 2 %)
        (date(2025, 6, 1), 15_000, 1, 20_000),  # second home > 140 m²: 2 %
        (date(2025, 6, 1), 8_000, 3, 30_000),  # fourth home: 3 %
    ],
)
def test_deed_tax_relief_by_home_count_and_area(contract, area, homes, rate):
    facts = replace(
        FLAT, contract_date=contract, area_hundredths_m2=area, buyer_family_existing_homes=homes
    )
    deed = line(facts, engine.DEED_TAX)
    assert deed.rate_ppm == rate
    assert deed.amount_fen == 235_000_000 * rate // 1_000_000  # exact: no rounding needed
    assert bool(deed.unconfirmed) == (rate == 30_000)  # Shandong's 3 % is marked


def test_vat_under_two_years_is_levied_and_excluded_from_the_deed_tax_base():
    facts = replace(
        FLAT,
        seller_acquisition_date=date(2023, 6, 2),  # one day short of two years
        seller_only_home=False,
        original_cost_fen=200_000_000,
        certificate_count=2,
    )
    bill = engine.assess(facts, BOOK)
    vat = line(facts, engine.VAT)
    # base = 235 000 000 / 1.05 = 223 809 523.8 -> 223 809 524; x 5 % = 11 190 476.2
    assert (vat.base_fen, vat.rate_ppm, vat.amount_fen) == (223_809_524, 50_000, 11_190_476)
    deed = line(facts, engine.DEED_TAX)
    # base 235 000 000 - 11 190 476 = 223 809 524; x 1 % = 2 238 095.24
    assert (deed.base_fen, deed.amount_fen) == (223_809_524, 2_238_095)
    # Surcharges on the VAT, halved for an individual (公告2023年第12号): 3.5 %, 1.5 %, 1 %
    # 11 190 476 x 3.5 % = 391 666.66; x 1.5 % = 167 857.14; x 1 % = 111 904.76
    surcharges = [x for x in bill.lines if x.base_fen == 11_190_476 and x.kind != engine.VAT]
    assert [(x.rate_ppm, x.amount_fen) for x in surcharges] == [
        (35_000, 391_667),
        (15_000, 167_857),
        (10_000, 111_905),
    ]
    iit = line(facts, engine.INCOME_TAX)
    # gain 223 809 524 - 200 000 000 - 671 429 (the surcharges, 国税发〔2006〕108号)
    # = 23 138 095; x 20 % = 4 627 619
    assert (iit.base_fen, iit.rate_ppm, iit.amount_fen) == (23_138_095, 200_000, 4_627_619)
    extra = line(facts, engine.EXTRA_CERTIFICATE_FEE)
    assert (extra.quantity, extra.unit_amount_fen, extra.amount_fen) == (1, 1_000, 1_000)
    assert bill.total_fen == 2_238_095 + 11_190_476 + 671_429 + 4_627_619 + 8_000 + 1_000


def test_vat_exempt_from_the_second_anniversary():
    facts = replace(FLAT, seller_acquisition_date=date(2023, 6, 1))
    assert line(facts, engine.VAT).calculation == engine.EXEMPT
    leap = replace(FLAT, seller_acquisition_date=date(2020, 2, 29), contract_date=date(2022, 2, 28))
    assert line(leap, engine.VAT).calculation == engine.EXEMPT  # 29 Feb -> 28 Feb


def test_income_tax_twenty_percent_of_the_gain_when_not_the_only_home():
    facts = replace(FLAT, seller_only_home=False)
    iit = line(facts, engine.INCOME_TAX)
    # held >= 5 years but not the only home: (235 000 000 - 128 000 000) x 20 %
    assert (iit.base_fen, iit.amount_fen) == (107_000_000, 21_400_000)
    with_expenses = replace(facts, deductible_expenses_fen=7_000_000)
    assert line(with_expenses, engine.INCOME_TAX).amount_fen == 20_000_000


def test_income_tax_deemed_one_percent_without_a_proven_cost():
    facts = replace(FLAT, seller_acquisition_date=date(2022, 1, 1), original_cost_fen=None)
    iit = line(facts, engine.INCOME_TAX)
    # held 3 years (VAT exempt, no 满五唯一): 235 000 000 x 1 % deemed
    assert (iit.base_fen, iit.rate_ppm, iit.amount_fen) == (235_000_000, 10_000, 2_350_000)
    assert iit.unconfirmed  # the local deemed rate is marked unconfirmed


def test_income_tax_exempt_needs_five_years_and_only_home():
    four_years = replace(FLAT, seller_acquisition_date=date(2021, 6, 2))
    assert line(four_years, engine.INCOME_TAX).amount_fen == 21_400_000  # 107 000 000 x 20 %
    five_years = replace(FLAT, seller_acquisition_date=date(2020, 6, 1))
    assert line(five_years, engine.INCOME_TAX).calculation == engine.EXEMPT


def test_a_gain_below_zero_owes_nothing():
    facts = replace(FLAT, seller_only_home=False, original_cost_fen=300_000_000)
    iit = line(facts, engine.INCOME_TAX)
    assert (iit.calculation, iit.base_fen, iit.amount_fen) == (engine.RATE, 0, 0)


def test_non_residential_bill():
    shop = replace(
        FLAT,
        price_fen=100_000_000,
        area_hundredths_m2=5_000,
        residential=False,
        seller_acquisition_date=date(2020, 1, 1),
        seller_only_home=False,
        original_cost_fen=80_000_000,
    )
    bill = engine.assess(shop, BOOK)
    # VAT on the difference: 20 000 000 / 1.05 = 19 047 619.05 -> 19 047 619; x 5 % = 952 380.95
    # deed-tax base 100 000 000 - 952 381 = 99 047 619; x 3 % = 2 971 428.57
    # land VAT deemed 5 % of 99 047 619 = 4 952 380.95; stamp duty 0.05 % = 49 523.81 each
    # surcharges on 952 381, halved for an individual: x 3.5 % = 33 333.34; x 1.5 % =
    # 14 285.72; x 1 % = 9 523.81 (together 57 143)
    # income: 99 047 619 - 80 000 000 - 4 952 381 - 49 524 - 57 143 = 13 988 571;
    # x 20 % = 2 797 714.2
    assert amounts(shop) == {
        ("deed_tax", "buyer"): 2_971_429,
        ("vat", "seller"): 952_381,
        ("urban_maintenance_tax", "seller"): 33_333,
        ("education_surcharge", "seller"): 14_286,
        ("local_education_surcharge", "seller"): 9_524,
        ("individual_income_tax", "seller"): 2_797_714,
        ("land_vat", "seller"): 4_952_381,
        ("stamp_duty", "buyer"): 49_524,
        ("stamp_duty", "seller"): 49_524,
        ("registration_fee", "buyer"): 55_000,  # 550 yuan per non-residential case
    }
    assert bill.total_fen == 11_839_382 + 57_143 - (2_809_143 - 2_797_714)


def test_registration_fee_exemptions():
    enterprise = replace(
        FLAT, buyer_is_individual=False, fee_exemption="small_micro_enterprise", certificate_count=3
    )
    fee = line(enterprise, engine.REGISTRATION_FEE)
    assert (fee.calculation, fee.amount_fen, fee.legal_source) == (
        engine.EXEMPT,
        0,
        "财税〔2016〕79号",
    )
    assert line(enterprise, engine.EXTRA_CERTIFICATE_FEE).amount_fen == 2_000  # still due
    # An enterprise buyer gets no individual deed-tax relief.
    assert line(enterprise, engine.DEED_TAX).rate_ppm == 30_000
    with pytest.raises(FactsError) as citizen:
        engine.assess(replace(FLAT, fee_exemption="small_micro_enterprise"), BOOK)
    assert citizen.value.field == "fee_exemption"
    with pytest.raises(FactsError) as vague:
        engine.assess(replace(FLAT, fee_exemption="other"), BOOK)
    assert vague.value.field == "fee_exemption_detail"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (  # before any rule set
            {"contract_date": date(2016, 2, 21), "seller_acquisition_date": date(2010, 1, 1)},
            "contract_date",
        ),
        ({"price_fen": 0}, "price_fen"),
        ({"area_hundredths_m2": -1}, "area_hundredths_m2"),
        ({"certificate_count": 0}, "certificate_count"),
        ({"seller_acquisition_date": date(2025, 6, 2)}, "seller_acquisition_date"),
    ],
)
def test_facts_that_cannot_be_assessed_name_their_field(change, field):
    with pytest.raises(FactsError) as caught:
        engine.assess(replace(FLAT, **change), BOOK)
    assert caught.value.field == field


def test_rounding_is_half_up_in_integers():
    assert engine.apply_rate(50, 10_000) == 1  # 0.5 fen -> 1
    assert engine.apply_rate(49, 10_000) == 0
    assert engine.excluding_vat(105, 50_000) == 100
    assert engine.percent(15_000) == "1.5%" and engine.percent(500) == "0.05%"


def test_overlapping_rule_sets_are_refused():
    raw = {
        "rounding": "",
        "holding_period": "",
        "rule_sets": [
            {**BOOK_RAW["rule_sets"][0], "effective_until": "2025-01-01"},
            BOOK_RAW["rule_sets"][1],
        ],
    }
    with pytest.raises(rules.RulesError):
        rules.parse(raw)

"""Errors of record in the transfer rules (issue 15), each against the rule it breaks.

Every expected amount is worked out by hand (integer fen, rounded half up); the
comments show the arithmetic. The facts are the engine tests' flat (235 000 000 fen,
120 m², the buyer family's only home) sold by an individual who bought it for
200 000 000 fen a year before, and whose only home it is not.
"""

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from services.tax import assessments, engine, ledger, rules
from services.tax.engine import TransferFacts

BOOK = rules.load()

RECENT = TransferFacts(
    contract_date=date(2025, 6, 1),
    price_fen=235_000_000,
    area_hundredths_m2=12_000,
    residential=True,
    buyer_is_individual=True,
    seller_is_individual=True,
    buyer_family_existing_homes=0,
    seller_acquisition_date=date(2015, 6, 1),
    seller_only_home=False,
    original_cost_fen=200_000_000,
)


def on(day: date, **change: object) -> TransferFacts:
    """The sale on `day`, by a seller who bought the flat a year before (unless changed)."""
    bought = day.replace(year=day.year - 1)
    return replace(RECENT, contract_date=day, **{"seller_acquisition_date": bought, **change})  # type: ignore[arg-type]


def lines(facts: TransferFacts) -> dict[str, engine.Line]:
    return {x.kind: x for x in engine.assess(facts, BOOK).lines if x.payer == engine.SELLER}


# --- VAT on housing from 2016-05-01; business tax before ------------------------------


def test_a_contract_before_2016_05_01_pays_business_tax_not_vat():
    """营改增: VAT replaced business tax on sales of real estate from 2016-05-01
    (财税〔2016〕36号 附件1 第一条, 附件3); before, business tax 5% on the full price of a
    home held under two years (营业税暂行条例; 财税〔2015〕39号), and the deed-tax base is
    the full price (DOMAIN.md)."""
    facts = on(date(2016, 4, 30))
    bill = engine.assess(facts, BOOK)
    assert bill.rule_set == "transfer-2016-02-22"
    seller = lines(facts)
    assert engine.VAT not in seller
    bt = seller[engine.BUSINESS_TAX]
    # 235 000 000 x 5 % = 11 750 000, nothing divided out: business tax is in the price
    assert (bt.base_fen, bt.rate_ppm, bt.amount_fen) == (235_000_000, 50_000, 11_750_000)
    assert "财税〔2015〕39号" in bt.legal_source and "营业税暂行条例" in bt.legal_source
    deed = next(x for x in bill.lines if x.kind == engine.DEED_TAX)
    # full price x 1.5 % (only home > 90 m², 财税〔2016〕23号) = 3 525 000
    assert (deed.base_fen, deed.amount_fen) == (235_000_000, 3_525_000)
    # surcharges on the business tax, no relief in 2016: 7 % 822 500, 3 % 352 500, 2 % 235 000
    assert [seller[k].amount_fen for k in SURCHARGES] == [822_500, 352_500, 235_000]
    # gain: 235 000 000 - 200 000 000 - 11 750 000 - 1 410 000 = 21 840 000; x 20 %
    # (taxes paid on the transfer are deductible: 国税发〔2006〕108号)
    assert seller[engine.INCOME_TAX].amount_fen == 4_368_000
    assert bill.total_fen == 3_525_000 + 11_750_000 + 1_410_000 + 4_368_000 + 8_000


def test_from_2016_05_01_the_same_sale_pays_vat():
    facts = on(date(2016, 5, 1))
    assert engine.assess(facts, BOOK).rule_set == "transfer-2016-05-01"
    seller = lines(facts)
    assert engine.BUSINESS_TAX not in seller
    vat = seller[engine.VAT]
    # 235 000 000 / 1.05 = 223 809 523.8 -> 223 809 524; x 5 % = 11 190 476.2
    assert (vat.base_fen, vat.amount_fen) == (223_809_524, 11_190_476)
    assert vat.legal_source.startswith("财税〔2016〕36号")


def test_a_home_held_two_years_paid_no_business_tax_if_ordinary():
    held = on(date(2016, 4, 1), seller_acquisition_date=date(2014, 4, 1))
    line = lines(held)[engine.BUSINESS_TAX]
    assert (line.calculation, line.amount_fen) == (engine.EXEMPT, 0)
    assert line.unconfirmed  # ordinary housing was not stated: the line says so
    assert not any(k in lines(held) for k in SURCHARGES)  # no tax paid, no surcharge
    luxury = replace(held, ordinary_housing=False)
    line = lines(luxury)[engine.BUSINESS_TAX]
    # 财税〔2015〕39号: a non-ordinary home held >= 2 years pays on the difference:
    # (235 000 000 - 200 000 000) x 5 % = 1 750 000
    assert (line.base_fen, line.amount_fen, line.unconfirmed) == (35_000_000, 1_750_000, "")


# --- the Deed Tax Law from 2021-09-01; the 1997 interim regulations before -------------


@pytest.mark.parametrize(
    ("day", "cited", "not_cited"),
    [
        (date(2016, 4, 30), "契税暂行条例", "契税法"),
        (date(2021, 8, 31), "契税暂行条例", "契税法"),
        (date(2021, 9, 1), "契税法", "契税暂行条例"),
        (date(2025, 6, 1), "契税法", "契税暂行条例"),
    ],
)
def test_the_deed_tax_law_is_cited_only_from_2021_09_01(day, cited, not_cited):
    """《中华人民共和国契税法》art. 16: in force from 2021-09-01, when the 1997 interim
    regulations (国务院令第224号) were repealed. A third home pays the general rate."""
    third = on(day, buyer_family_existing_homes=2)
    deed = next(x for x in engine.assess(third, BOOK).lines if x.kind == engine.DEED_TAX)
    assert deed.rate_ppm == 30_000
    assert cited in deed.legal_source and not_cited not in deed.legal_source


def test_no_rule_set_before_2021_09_01_cites_a_law_not_yet_in_force():
    for rule_set in BOOK.rule_sets:
        if rule_set.effective_from < date(2021, 9, 1):
            deed = rule_set.deed_tax
            assert "契税法" not in deed.general_source + deed.relief_source, rule_set.id
            assert "城市维护建设税法" not in rule_set.surcharges.urban_maintenance_source
        if rule_set.effective_from < date(2016, 5, 1):
            assert rule_set.vat is None and rule_set.business_tax is not None, rule_set.id
        else:
            assert rule_set.vat is not None and rule_set.business_tax is None, rule_set.id


# --- VAT surcharges --------------------------------------------------------------------

SURCHARGES = (
    engine.URBAN_MAINTENANCE_TAX,
    engine.EDUCATION_SURCHARGE,
    engine.LOCAL_EDUCATION_SURCHARGE,
)
VAT_FEN = 11_190_476  # the VAT of the sale from 2016-05-01 (above)


def _surcharges(facts: TransferFacts) -> list[tuple[int, int]]:
    seller = lines(facts)
    assert seller[engine.VAT].amount_fen == VAT_FEN
    assert all(seller[k].base_fen == VAT_FEN for k in SURCHARGES)
    return [(seller[k].rate_ppm or 0, seller[k].amount_fen) for k in SURCHARGES]


def test_vat_carries_the_surcharges_at_full_rate_before_any_relief():
    """城市维护建设税暂行条例 (1985) 第三条、第四条 (市区 7%); 征收教育费附加的暂行规定
    第三条 (3%); 财综〔2010〕98号 (地方教育附加 2%): all levied on the VAT paid."""
    # 11 190 476 x 7 % = 783 333.32; x 3 % = 335 714.28; x 2 % = 223 809.52
    expected = [(70_000, 783_333), (30_000, 335_714), (20_000, 223_810)]
    assert _surcharges(on(date(2018, 6, 1))) == expected
    urban = lines(on(date(2018, 6, 1)))[engine.URBAN_MAINTENANCE_TAX]
    assert "城市维护建设税暂行条例" in urban.legal_source


@pytest.mark.parametrize(
    ("day", "source"),
    [
        (date(2019, 1, 1), "财税〔2019〕13号"),
        (date(2021, 12, 31), "财税〔2019〕13号"),
        (date(2022, 1, 1), "财政部 税务总局公告2022年第10号"),
        (date(2023, 1, 1), "财政部 税务总局公告2023年第12号"),
        (date(2025, 6, 1), "财政部 税务总局公告2023年第12号"),
        (date(2027, 12, 31), "财政部 税务总局公告2023年第12号"),
    ],
)
def test_an_individual_pays_half_the_surcharges_while_a_relief_is_in_force(day, source):
    """六税两费 relief for small-scale VAT taxpayers, which an individual seller is
    (增值税暂行条例实施细则 第二十九条): 财税〔2019〕13号 (2019-2021), 公告2022年第10号
    (2022), 公告2023年第12号 (2023-01-01 .. 2027-12-31)."""
    # 11 190 476 x 3.5 % = 391 666.66; x 1.5 % = 167 857.14; x 1 % = 111 904.76
    assert _surcharges(on(day)) == [(35_000, 391_667), (15_000, 167_857), (10_000, 111_905)]
    seller = lines(on(day))
    assert all(source in seller[k].legal_source for k in SURCHARGES)
    assert seller[engine.URBAN_MAINTENANCE_TAX].unconfirmed  # individuals: local practice


def test_no_relief_outside_its_window_nor_for_an_enterprise_seller():
    full = [(70_000, 783_333), (30_000, 335_714), (20_000, 223_810)]
    assert _surcharges(on(date(2018, 12, 31))) == full
    assert _surcharges(on(date(2028, 1, 1))) == full  # 公告2023年第12号 ends 2027-12-31
    enterprise = on(date(2025, 6, 1), seller_is_individual=False)
    seller = lines(enterprise)
    assert [seller[k].rate_ppm for k in SURCHARGES] == [70_000, 30_000, 20_000]


def test_the_urban_maintenance_rate_follows_where_the_unit_lies():
    """城市维护建设税法 第四条: 市区 7%, 县城、镇 5%, elsewhere 1% (halved from 2023)."""
    county = lines(on(date(2025, 6, 1), urban_area=engine.COUNTY_TOWN))
    # 11 190 476 x 2.5 % = 279 761.9
    assert county[engine.URBAN_MAINTENANCE_TAX].amount_fen == 279_762
    assert "城市维护建设税法" in county[engine.URBAN_MAINTENANCE_TAX].legal_source
    village = lines(on(date(2025, 6, 1), urban_area=engine.OTHER_AREA))
    # 11 190 476 x 0.5 % = 55 952.38
    assert village[engine.URBAN_MAINTENANCE_TAX].amount_fen == 55_952
    assert assessments.urban_area_of("370105012002GB00001F00010751")[0] == engine.CITY
    assert assessments.urban_area_of("370124012002GB00001F00010751")[0] == engine.COUNTY_TOWN
    assert assessments.urban_area_of("370181012002GB00001F00010751")[0] == engine.CITY


def test_no_vat_no_surcharge_line():
    held = on(date(2025, 6, 1), seller_acquisition_date=date(2023, 6, 1))  # two years
    assert lines(held)[engine.VAT].amount_fen == 0
    assert not any(k in lines(held) for k in SURCHARGES)


def test_the_surcharges_go_to_their_own_treasury_accounts_and_the_split_balances():
    bill = engine.assess(on(date(2025, 6, 1)), BOOK)
    chart = ledger.load()
    postings = ledger.split(chart, [(x.kind, x.amount_fen) for x in bill.lines], bill.total_fen)
    credited = {p.line_kind: p.account for p in postings if p.side == ledger.CREDIT}
    assert credited[engine.URBAN_MAINTENANCE_TAX] == "treasury.urban-maintenance-tax"
    assert credited[engine.EDUCATION_SURCHARGE] == "treasury.education-surcharge"
    assert credited[engine.LOCAL_EDUCATION_SURCHARGE] == "treasury.local-education-surcharge"
    assert ledger.totals(postings) == (bill.total_fen, bill.total_fen)
    old = engine.assess(on(date(2016, 4, 1)), BOOK)
    split = ledger.split(chart, [(x.kind, x.amount_fen) for x in old.lines], old.total_fen)
    assert {p.account for p in split} >= {"treasury.business-tax"}


# --- choosing the rule set by date -----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "rule_set"),
    [
        (date(2016, 2, 22), "transfer-2016-02-22"),
        (date(2016, 4, 30), "transfer-2016-02-22"),
        (date(2016, 5, 1), "transfer-2016-05-01"),
        (date(2021, 8, 31), "transfer-2016-05-01"),
        (date(2021, 9, 1), "transfer-2021-09-01"),
        (date(2024, 11, 30), "transfer-2021-09-01"),
        (date(2024, 12, 1), "transfer-2024-12-01"),
    ],
)
def test_the_contract_date_chooses_one_rule_set(day, rule_set):
    chosen = BOOK.for_date(day)
    assert chosen is not None and chosen.id == rule_set


def test_the_rule_sets_leave_no_gap_from_the_first_to_today():
    for earlier, later in zip(BOOK.rule_sets, BOOK.rule_sets[1:], strict=False):
        assert earlier.effective_until is not None
        assert (later.effective_from - earlier.effective_until).days == 1, later.id
    assert BOOK.for_date(date(2016, 2, 21)) is None  # before 财税〔2016〕23号: not covered


def test_overlapping_surcharge_reliefs_are_refused():
    raw = json.loads((Path(rules.__file__).parent / "data" / "transfer_rules.json").read_text())
    reliefs = raw["rule_sets"][-1]["surcharges"]["reliefs"]
    reliefs.append({**reliefs[0], "effective_from": "2027-06-01", "effective_until": "2028-12-31"})
    with pytest.raises(rules.RulesError, match="reliefs overlap"):
        rules.parse(raw)
    reliefs[-1]["effective_from"] = "2028-01-01"  # a later renewal, back to back: fine
    assert rules.parse(raw).for_date(date(2028, 6, 1)) is not None

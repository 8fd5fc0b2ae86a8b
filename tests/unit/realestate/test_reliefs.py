"""The reliefs a transfer claims, checked against the registry's count of homes: the buyer
family's existing homes (buyer and declared spouse, 财税〔2016〕23号; 公告2024年第16号) and
the seller's only home (满五唯一, 财税字〔1999〕278号). A mismatch, either way, goes to tax
window staff with both figures; the tax bill uses the checked figures."""

from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import types_pb2 as t

from services.realestate import cases, reliefs
from services.realestate.reliefs import COUNTED, UNAVAILABLE, Holdings
from tests.unit.realestate import events as e

HOME = "住宅"
OTHER_HOME = "370105012002GB00001F00020001"
SHOP = "370105012002GB00001F00030001"
SPOUSE = common.Party(kind=common.PARTY_KIND_CITIZEN, id="370102199001011234", name="王芳")
NONE = Holdings(COUNTED)


def case(homes: int = 0, only_home: bool = True, spouse: bool = False) -> cases.Case:
    applied = e.applied()
    applied.tax_facts.buyer_family_existing_homes = homes
    applied.tax_facts.seller_only_home = only_home
    if spouse:
        applied.tax_facts.buyer_spouse.CopyFrom(SPOUSE)
    return cases.open_case(applied)


def holds(*units: tuple[str, str], access: str = "") -> Holdings:
    return Holdings(COUNTED, units, access_id=access)


SELLER_ONLY = holds((e.UNIT, HOME))  # the unit sold and nothing else


def test_declarations_that_agree_with_the_registry_pass_with_the_counted_figures():
    checked = reliefs.check(case(), NONE, None, holds((e.UNIT, HOME), access="AX-2"))
    assert checked.findings == []
    assert checked.reliefs is not None
    assert (checked.reliefs.buyer_family_existing_homes, checked.reliefs.seller_only_home) == (
        0,
        True,
    )
    assert checked.reliefs.access_ids == ("AX-2",)
    assert "买方现有住房 0 套" in checked.reliefs.basis


def test_homes_the_buyer_did_not_declare_go_to_tax_staff_with_both_figures():
    checked = reliefs.check(case(homes=0), holds((OTHER_HOME, HOME)), None, SELLER_ONLY)
    (finding,) = checked.findings
    assert finding.check == "RELIEFS_MATCH_REGISTRY" and finding.department == "tax"
    assert "申报 0 套" in finding.detail and "不动产登记信息 1 套" in finding.detail
    assert checked.reliefs is not None and checked.reliefs.buyer_family_existing_homes == 1


def test_more_homes_declared_than_registered_is_a_mismatch_too():
    # The registry may not see homes registered elsewhere; staff ask, rather than the
    # count silently lowering (or the declaration silently raising) the tax.
    (finding,) = reliefs.check(case(homes=2), NONE, None, SELLER_ONLY).findings
    assert "申报 2 套" in finding.detail and "不动产登记信息 0 套" in finding.detail


def test_the_declared_spouses_homes_count_once_per_unit_and_shops_do_not_count():
    buyer = holds((OTHER_HOME, HOME), (SHOP, "商业"))
    spouse = holds((OTHER_HOME, HOME))  # the same home, registered to both
    checked = reliefs.check(case(homes=1, spouse=True), buyer, spouse, SELLER_ONLY)
    assert checked.findings == []
    assert checked.reliefs is not None and checked.reliefs.buyer_family_existing_homes == 1
    assert "买方及配偶现有住房 1 套" in checked.reliefs.basis
    (finding,) = reliefs.check(
        case(homes=0, spouse=True), NONE, holds((OTHER_HOME, HOME)), SELLER_ONLY
    ).findings
    assert "买方及配偶" in finding.detail


def test_a_seller_with_another_home_does_not_have_an_only_home():
    seller = holds((e.UNIT, HOME), (OTHER_HOME, HOME))
    checked = reliefs.check(case(only_home=True), NONE, None, seller)
    (finding,) = checked.findings
    assert "申报 是" in finding.detail and "不动产登记信息 否" in finding.detail
    assert "另有住房 1 套" in finding.detail
    assert checked.reliefs is not None and checked.reliefs.seller_only_home is False
    # A shop is not a home; the unit being sold is not "another" home.
    assert not reliefs.check(case(), NONE, None, holds((e.UNIT, HOME), (SHOP, "商业"))).findings


def test_figures_the_registry_could_not_give_are_doubts_and_the_declaration_stands():
    down = Holdings(UNAVAILABLE, detail="UNAVAILABLE: connection refused")
    checked = reliefs.check(case(homes=0), down, None, down)
    assert [f.check for f in checked.findings] == ["RELIEFS_MATCH_REGISTRY"] * 2
    assert all("connection refused" in f.detail for f in checked.findings)
    assert checked.reliefs is not None
    assert (checked.reliefs.buyer_family_existing_homes, checked.reliefs.seller_only_home) == (
        0,
        True,
    )


def test_reliefs_are_checked_only_where_they_apply():
    shop = e.applied()
    shop.usage = t.USAGE_NON_RESIDENTIAL
    assert not reliefs.checks_buyer(cases.open_case(shop))
    assert not reliefs.checks_seller(cases.open_case(shop))
    company = e.applied()
    company.buyer.kind = common.PARTY_KIND_ENTERPRISE
    assert not reliefs.checks_buyer(cases.open_case(company))
    assert reliefs.checks_seller(cases.open_case(company))
    checked = reliefs.check(cases.open_case(shop), None, None, None)
    assert checked.findings == [] and checked.reliefs is not None
    assert checked.reliefs.basis == "不适用住房优惠核验"


def test_staff_figures_win_over_the_count_and_the_count_holds_otherwise():
    counted = reliefs.Reliefs(1, False, "不动产登记信息核验: 买方现有住房 1 套", ("AX-1",))
    confirmed = reliefs.decided(counted, None, None, "核实无误")
    assert (confirmed.buyer_family_existing_homes, confirmed.seller_only_home) == (1, False)
    assert "窗口确认" in confirmed.basis and confirmed.access_ids == ("AX-1",)
    set_by_staff = reliefs.decided(counted, 0, None, "该套住房已于2025-05转让, 登记未更新")
    assert (set_by_staff.buyer_family_existing_homes, set_by_staff.seller_only_home) == (0, False)
    assert set_by_staff.basis.startswith("窗口核定")


def test_the_case_keeps_the_declared_reliefs_and_the_spouse():
    opened = case(homes=1, only_home=False, spouse=True)
    assert (opened.declared_family_homes, opened.declared_seller_only_home) == (1, False)
    assert opened.buyer_spouse == {"kind": 1, "id": SPOUSE.id, "name": "王芳"}
    # A case stored before these fields existed still loads.
    old = opened.to_json()
    for key in ("declared_family_homes", "declared_seller_only_home", "buyer_spouse"):
        del old[key]
    assert cases.Case.from_json(old).buyer_spouse is None


def test_a_pass_reopens_the_bill_only_when_it_must():
    figures = reliefs.Reliefs(0, True, "不动产登记信息核验")
    first = case()
    assert reliefs.needs_assessment(first, figures)  # no bill yet
    billed = case()
    billed.tax, billed.checked_reliefs = cases.TAX_ASSESSED, {
        "buyer_family_existing_homes": 0, "seller_only_home": True, "basis": "",
    }  # fmt: skip
    # Passed again after a title re-check, on the same figures: the bill stands.
    assert not reliefs.needs_assessment(billed, figures)
    assert reliefs.needs_assessment(billed, reliefs.Reliefs(1, True, "窗口核定"))
    billed.tax = cases.TAX_PAID  # a paid bill is never silently replaced
    assert not reliefs.needs_assessment(billed, reliefs.Reliefs(1, True, "窗口核定"))

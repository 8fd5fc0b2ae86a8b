"""The tax reliefs a transfer claims, checked against the registry (涉税优惠核验). Pure.

The deed-tax relief depends on how many homes the buyer's family already holds
(财税〔2016〕23号; 公告2024年第16号) and the income-tax exemption on the unit being the
seller family's only home (满五唯一, 财税字〔1999〕278号). The form declares both; the
registry holds the certificates that count them, and 23号 has the housing authority query
the family's homes and pass the result to tax. So review counts the current residential
property certificates of the buyer and the declared spouse (distinct units), and of the
seller other than the unit sold, and the tax bill uses the checked figures.

The registry is a lower bound: it knows only what it registered (not homes registered
elsewhere, nor those of minor children, nor the seller's spouse, whom the form does not
name). So a figure that differs from the declaration, either way, is not silently
replaced: the case goes to tax window staff with both figures, who decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import types_pb2 as t

from services.realestate.cases import TAX, TAX_ASSESSED, TAX_PAID, Case
from services.realestate.review import Finding

RELIEFS_MATCH_REGISTRY = "RELIEFS_MATCH_REGISTRY"
RESIDENTIAL = "住宅"  # the usage text on a property certificate
COUNTED = "counted"
UNAVAILABLE = "unavailable"  # the registry did not answer, or refused


@dataclass(frozen=True)
class Holdings:
    """A person's current property certificates as the registry released them: the unit
    and the usage of each (nothing else is needed to count homes)."""

    status: str
    units: tuple[tuple[str, str], ...] = ()  # (unit code, usage)
    detail: str = ""
    access_id: str = ""

    def homes(self, excluding: str = "") -> set[str]:
        return {unit for unit, usage in self.units if usage == RESIDENTIAL and unit != excluding}


@dataclass(frozen=True)
class Reliefs:
    """The figures the tax assessment uses (ReviewPassed.checked_reliefs)."""

    buyer_family_existing_homes: int
    seller_only_home: bool
    basis: str
    access_ids: tuple[str, ...] = ()


@dataclass
class Check:
    findings: list[Finding] = field(default_factory=list)
    reliefs: Reliefs | None = None


def checks_buyer(case: Case) -> bool:
    """The family-homes relief is for individuals buying housing."""
    return case.usage == t.USAGE_RESIDENTIAL and case.buyer["kind"] == common.PARTY_KIND_CITIZEN


def checks_seller(case: Case) -> bool:
    """The only-home exemption is for individuals selling housing."""
    return case.usage == t.USAGE_RESIDENTIAL and case.seller["kind"] == common.PARTY_KIND_CITIZEN


def _doubt(detail: str) -> Finding:
    return Finding(RELIEFS_MATCH_REGISTRY, detail, department=TAX)


def _yes(value: bool) -> str:
    return "是" if value else "否"


def check(
    case: Case,
    buyer: Holdings | None,
    spouse: Holdings | None,
    seller: Holdings | None,
) -> Check:
    """Compare the declared reliefs with the registry's count. `buyer` / `seller` are None
    when the relief does not apply (checks_buyer / checks_seller); `spouse` when none is
    declared. The result carries the counted figures where they could be counted, the
    declared ones otherwise (then with a finding)."""
    out = Check()
    homes = case.declared_family_homes
    only_home = case.declared_seller_only_home
    notes: list[str] = []
    access = [h.access_id for h in (buyer, spouse, seller) if h is not None and h.access_id]

    family = [h for h in (buyer, spouse) if h is not None]
    if buyer is not None:
        unanswered = [h for h in family if h.status != COUNTED]
        if unanswered:
            why = "; ".join(h.detail for h in unanswered)
            out.findings.append(_doubt(f"无法按登记信息核验买方家庭住房套数 ({why})"))
        else:
            counted_units: set[str] = set()
            for holdings in family:
                counted_units |= holdings.homes(excluding=case.unit_code)
            counted = len(counted_units)
            who = "买方及配偶" if spouse is not None else "买方"
            notes.append(f"{who}现有住房 {counted} 套")
            if counted != homes:
                out.findings.append(
                    _doubt(
                        f"买方家庭现有住房套数: 申报 {homes} 套, 不动产登记信息 {counted} 套 "
                        f"({who}名下现行有效的住宅不动产权证书)"
                    )
                )
            homes = counted

    if seller is not None:
        if seller.status != COUNTED:
            out.findings.append(_doubt(f"无法按登记信息核验卖方家庭唯一住房 ({seller.detail})"))
        else:
            others = len(seller.homes(excluding=case.unit_code))
            counted_only = others == 0
            notes.append(f"卖方名下其他住房 {others} 套")
            if counted_only != only_home:
                out.findings.append(
                    _doubt(
                        f"卖方家庭唯一住房: 申报 {_yes(only_home)}, 不动产登记信息 "
                        f"{_yes(counted_only)} (卖方名下另有住房 {others} 套)"
                    )
                )
            only_home = counted_only

    basis = "不动产登记信息核验: " + "; ".join(notes) if notes else "不适用住房优惠核验"
    out.reliefs = Reliefs(homes, only_home, basis, tuple(access))
    return out


def decided(counted: Reliefs, homes: int | None, only_home: bool | None, note: str) -> Reliefs:
    """What window staff decide on a referred case: their figures where they give them,
    the registry's count otherwise."""
    if homes is None and only_home is None:
        return Reliefs(
            counted.buyer_family_existing_homes,
            counted.seller_only_home,
            f"窗口确认 ({note}); {counted.basis}",
            counted.access_ids,
        )
    return Reliefs(
        counted.buyer_family_existing_homes if homes is None else homes,
        counted.seller_only_home if only_home is None else only_home,
        f"窗口核定: {note}",
        counted.access_ids,
    )


def needs_assessment(case: Case, checked: Reliefs) -> bool:
    """Whether a pass should (re)open the bill with these figures: the first pass does; a
    pass again after a title re-check only if the figures changed while the bill is
    unpaid. A paid bill is never silently replaced (tax would refuse the new one)."""
    if case.tax == TAX_PAID:
        return False
    if case.tax != TAX_ASSESSED or case.checked_reliefs is None:
        return True
    before = (
        case.checked_reliefs["buyer_family_existing_homes"],
        case.checked_reliefs["seller_only_home"],
    )
    return before != (checked.buyer_family_existing_homes, checked.seller_only_home)

"""Smart review (智能审核) of a confirmed transfer from shared data. Pure.

Every check runs, so a rejection lists every reason. A failed check rejects; a doubtful
one (data that disagree, or that could not be obtained) refers the case to window staff
of the department that can resolve it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import types_pb2 as t

from services.kit import identifiers
from services.realestate.cases import REALESTATE, TAX, Case

FOUND = "found"
MISSING = "missing"
NOT_CURRENT = "not_current"
AMBIGUOUS = "ambiguous"
UNAVAILABLE = "unavailable"  # the registry did not answer
DENIED = "denied"  # the sharing catalog refused: a configuration problem, not the seller's

USAGE_TEXT: dict[int, str] = {t.USAGE_RESIDENTIAL: "住宅", t.USAGE_NON_RESIDENTIAL: "非住宅"}

SELLER_HOLDS_CERTIFICATE = "SELLER_HOLDS_CERTIFICATE"
UNIT_NOT_SEALED = "UNIT_NOT_SEALED"
NO_OTHER_OPEN_CASE = "NO_OTHER_OPEN_CASE"
IDENTITIES_VALID = "IDENTITIES_VALID"
FACTS_MATCH_CERTIFICATE = "FACTS_MATCH_CERTIFICATE"
BOTH_PARTIES_CONFIRMED = "BOTH_PARTIES_CONFIRMED"
STAFF_JUDGEMENT = "STAFF_JUDGEMENT"
AUTOMATIC_CHECKS = (
    SELLER_HOLDS_CERTIFICATE,
    UNIT_NOT_SEALED,
    NO_OTHER_OPEN_CASE,
    IDENTITIES_VALID,
    FACTS_MATCH_CERTIFICATE,
    BOTH_PARTIES_CONFIRMED,
)


@dataclass(frozen=True)
class Evidence:
    """What the certificate registry said about the seller's certificate for the unit."""

    status: str
    detail: str = ""
    certificate: dict[str, Any] | None = None  # certificate_id, type_code, version
    fields: dict[str, str] = field(default_factory=dict)
    valid_from: date | None = None
    access_id: str = ""


@dataclass(frozen=True)
class Seal:
    seal_id: str
    case_number: str
    sealed_until: date
    lifted: bool = False

    def blocks_on(self, day: date) -> bool:
        # A seal blocks from its recording (also waiting and pre-seizures) until lifted or
        # expired; a seal recorded ahead of its first day blocks already.
        return not self.lifted and day <= self.sealed_until


@dataclass(frozen=True)
class Finding:
    check: str
    detail: str
    department: str = REALESTATE  # whose staff can resolve a doubt


@dataclass
class Outcome:
    rejections: list[Finding] = field(default_factory=list)
    doubts: list[Finding] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.rejections:
            return "rejected"
        return "referred" if self.doubts else "passed"

    @property
    def passed(self) -> list[str]:
        failed = {f.check for f in self.rejections + self.doubts}
        return [c for c in AUTOMATIC_CHECKS if c not in failed]

    @property
    def waiting_on(self) -> str:
        """Realestate staff first when both departments have doubts: they see the case
        whole, and tax doubts are about facts the tax side re-checks at assessment."""
        if any(d.department == REALESTATE for d in self.doubts):
            return REALESTATE
        return TAX


def anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _identity_problem(party: dict[str, Any], role: str) -> str | None:
    if party["kind"] == common.PARTY_KIND_CITIZEN:
        verdict = identifiers.check_resident_id(party["id"])
    else:
        verdict = identifiers.check_uscc(party["id"])
    return None if verdict.valid else f"{role}: {verdict.reason}"


def check_identities(case: Case, evidence: Evidence, out: Outcome) -> None:
    problems = [
        p
        for p in (
            _identity_problem(case.seller, "卖方身份证件号码无效"),
            _identity_problem(case.buyer, "买方身份证件号码无效"),
        )
        if p
    ]
    if case.seller["id"] == case.buyer["id"]:
        problems.append("买卖双方为同一人")
    for problem in problems:
        out.rejections.append(Finding(IDENTITIES_VALID, problem))
    holder = evidence.fields.get("right_holder", "")
    if evidence.status == FOUND and holder and holder != case.seller["name"]:
        out.doubts.append(
            Finding(
                IDENTITIES_VALID, f"申请人姓名 {case.seller['name']} 与证载权利人 {holder} 不一致"
            )
        )


def check_certificate(evidence: Evidence, out: Outcome) -> None:
    if evidence.status == FOUND:
        return
    if evidence.status in (MISSING, NOT_CURRENT):
        detail = "卖方名下无该单元现行有效的不动产权证书"
        out.rejections.append(
            Finding(
                SELLER_HOLDS_CERTIFICATE,
                f"{detail} ({evidence.detail})" if evidence.detail else detail,
            )
        )
    else:
        out.doubts.append(
            Finding(SELLER_HOLDS_CERTIFICATE, f"无法自动核验卖方不动产权证书: {evidence.detail}")
        )


def check_seals(seals: list[Seal], today: date, out: Outcome) -> None:
    for seal in seals:
        if seal.blocks_on(today):
            out.rejections.append(
                Finding(
                    UNIT_NOT_SEALED, f"单元已被 {seal.case_number} 查封, 期限至 {seal.sealed_until}"
                )
            )


def check_open_case(case: Case, open_case: str, out: Outcome) -> None:
    if open_case and open_case != case.case_id:
        out.rejections.append(
            Finding(NO_OTHER_OPEN_CASE, f"该单元已有未办结的转移登记案件 {open_case}")
        )


def check_facts(case: Case, evidence: Evidence, out: Outcome) -> None:
    if evidence.status != FOUND:
        return
    declared = case.area_hundredths_m2
    registered = evidence.fields.get("area_hundredths_m2", "")
    if registered.isdigit() and int(registered) != declared:
        out.doubts.append(
            Finding(
                FACTS_MATCH_CERTIFICATE,
                f"申报面积 {declared / 100:.2f} m², 证载面积 {int(registered) / 100:.2f} m²",
            )
        )
    usage = evidence.fields.get("usage", "")
    if usage and usage != USAGE_TEXT.get(case.usage, ""):
        out.doubts.append(
            Finding(
                FACTS_MATCH_CERTIFICATE, f"申报用途 {USAGE_TEXT.get(case.usage)}, 证载用途 {usage}"
            )
        )
    check_acquisition_date(case, evidence, out)


def check_acquisition_date(case: Case, evidence: Evidence, out: Outcome) -> None:
    """A declared acquisition date earlier than the registered one is legitimate when the
    deed-tax receipt came first, but when it alone earns the 2- or 5-year relief, tax staff
    check the receipt."""
    if evidence.valid_from is None:
        return
    declared = date.fromisoformat(case.seller_acquisition_date)
    registered = evidence.valid_from
    contract = date.fromisoformat(case.contract_date)
    if declared >= registered:
        return
    for years in (2, 5):
        if anniversary(declared, years) <= contract < anniversary(registered, years):
            out.doubts.append(
                Finding(
                    FACTS_MATCH_CERTIFICATE,
                    f"申报取得日期 {declared} 早于证书登记日期 {registered}, 据此满 {years} 年; "
                    "请核验契税完税凭证",
                    department=TAX,
                )
            )
            return


def review(
    case: Case, evidence: Evidence, seals: list[Seal], open_case: str, today: date
) -> Outcome:
    """Every automatic check on a confirmed case."""
    out = Outcome()
    check_certificate(evidence, out)
    check_seals(seals, today, out)
    check_open_case(case, open_case, out)
    check_identities(case, evidence, out)
    check_facts(case, evidence, out)
    return out


def hard_checks(
    case: Case, evidence: Evidence, seals: list[Seal], open_case: str, today: date
) -> Outcome:
    """What staff judgement cannot override: the certificate, seals, the one open case."""
    out = Outcome()
    check_certificate(evidence, out)
    if evidence.status != FOUND and not out.rejections:
        out.rejections.append(
            Finding(SELLER_HOLDS_CERTIFICATE, f"卖方不动产权证书仍无法核验: {evidence.detail}")
        )
    check_seals(seals, today, out)
    check_open_case(case, open_case, out)
    return out

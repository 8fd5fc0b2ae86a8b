"""The title re-check (权属复核) of an open case. Pure.

Review checks the seller's certificate and the unit's seals once, at confirmation; a case
then waits (for the other party, the bill, the payment) while the title can still change.
So the title is checked again before registration, and whenever the registry or a court
says it changed: a case whose title no longer holds stops and is referred to the window
with the reason, where staff reject it or, if the title holds again (a new version of
the certificate, a lifted seal), pass it on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.realestate.cases import PASSED, PENDING, REFERRED, Case
from services.realestate.review import (
    FOUND,
    MISSING,
    NOT_CURRENT,
    SELLER_HOLDS_CERTIFICATE,
    UNIT_NOT_SEALED,
    Evidence,
    Finding,
    Outcome,
    Seal,
    check_seals,
)

# Kinds of change (the TitleChange enum of the contract, without its prefix).
CERTIFICATE_REVOKED = "CERTIFICATE_REVOKED"
CERTIFICATE_SUSPENDED = "CERTIFICATE_SUSPENDED"
CERTIFICATE_SUPERSEDED = "CERTIFICATE_SUPERSEDED"
UNIT_SEALED = "UNIT_SEALED"

_CHANGE_TEXT = {
    CERTIFICATE_REVOKED: "卖方不动产权证书已注销",
    CERTIFICATE_SUSPENDED: "卖方不动产权证书已暂停使用",
    CERTIFICATE_SUPERSEDED: "卖方不动产权证书已更新为新版本, 审核所依据的版本失效",
    UNIT_SEALED: "单元已被法院查封",
}


@dataclass(frozen=True)
class TitleChange:
    kind: str
    detail: str
    holder_id: str = ""  # for a certificate change
    certificate_id: str = ""


def before_registration(case: Case, evidence: Evidence, seals: list[Seal], today: date) -> Outcome:
    """Does the title review relied on still hold? Every problem is a doubt for
    realestate window staff (never a silent registration, never a silent rejection)."""
    out = Outcome()
    reviewed = case.seller_certificate or {}
    if evidence.status in (MISSING, NOT_CURRENT):
        detail = f"登簿前复核: 卖方名下无该单元现行有效的不动产权证书 ({evidence.detail})"
        out.doubts.append(Finding(SELLER_HOLDS_CERTIFICATE, detail))
    elif evidence.status != FOUND or evidence.certificate is None:
        detail = f"登簿前复核: 无法核验卖方不动产权证书 ({evidence.status}: {evidence.detail})"
        out.doubts.append(Finding(SELLER_HOLDS_CERTIFICATE, detail))
    elif (evidence.certificate["certificate_id"], evidence.certificate["version"]) != (
        reviewed.get("certificate_id"),
        reviewed.get("version"),
    ):
        detail = (
            f"登簿前复核: 卖方不动产权证书已变更 (审核依据 {reviewed.get('certificate_id')} "
            f"第 {reviewed.get('version')} 版, 现为 {evidence.certificate['certificate_id']} "
            f"第 {evidence.certificate['version']} 版)"
        )
        out.doubts.append(Finding(SELLER_HOLDS_CERTIFICATE, detail))
    sealed = Outcome()
    check_seals(seals, today, sealed)
    out.doubts += [Finding(f.check, f"登簿前复核: {f.detail}") for f in sealed.rejections]
    return out


def affects(case: Case, change: TitleChange) -> bool:
    """Whether a change of the unit's title stops this case. A case not yet confirmed is
    reviewed later on current data anyway; a closed one is past stopping. A certificate
    change matters only for the seller's certificate (and, once review passed, only for
    the certificate review relied on)."""
    if case.closed or not case.confirmed or case.review not in (PENDING, PASSED, REFERRED):
        return False
    if change.kind == UNIT_SEALED:
        return True
    if change.holder_id != case.seller["id"]:
        return False
    reviewed = case.seller_certificate
    return reviewed is None or reviewed["certificate_id"] == change.certificate_id


def finding(change: TitleChange) -> Finding:
    check = UNIT_NOT_SEALED if change.kind == UNIT_SEALED else SELLER_HOLDS_CERTIFICATE
    text = _CHANGE_TEXT.get(change.kind, "权属发生变化")
    return Finding(check, f"办理中权属变化: {text} ({change.detail})")

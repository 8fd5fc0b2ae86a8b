"""REST of joint transfer cases: the parties file, confirm, withdraw and follow their case
step by step; window staff of both departments work the shared queue and read a unit's
history. Deny by default: every route says who may call it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from govshare.common.v1 import types_pb2 as common
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from services.kit import audit, identifiers, pages, problems
from services.kit.auth import CurrentPrincipal, Principal
from services.kit.errors import DomainError, forbidden, invalid, not_found
from services.kit.provided import provided
from services.realestate import applications, cases, queue, rectifications, schemas, uses
from services.realestate.applications import TransferForm
from services.realestate.cases import Case
from services.realestate.registrar import Registrar

STAFF_DEPARTMENTS = (cases.REALESTATE, cases.TAX)
# Window staff (窗口人员) may claim and decide referred cases; other staff only read.
WINDOW_ROLE = "window"


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=200)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["pass", "reject"]
    note: str = Field(min_length=1, max_length=500, description="why; shown in the timeline")
    # Tax window staff may set the relief figures when passing a case referred because the
    # declaration and the registry's count disagree; otherwise the count holds.
    buyer_family_existing_homes: StrictInt | None = Field(
        default=None, ge=0, le=99, description="the family's existing homes, as staff found"
    )
    seller_only_home: StrictBool | None = Field(
        default=None, description="whether the unit is the seller family's only home"
    )


class Evaluation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grade: Literal[
        "very-satisfied", "satisfied", "basically-satisfied", "dissatisfied", "very-dissatisfied"
    ]
    comment: str = Field(default="", max_length=500)


class RectificationDone(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str = Field(min_length=1, max_length=500, description="what was done (整改措施)")


class FollowUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    party_satisfied: StrictBool = Field(description="whether the party accepts the rectification")
    note: str = Field(min_length=1, max_length=500, description="what the party said (回访)")


def _by(principal: Principal) -> dict[str, str]:
    """Who asked, for the event headers (ce_actor, ce_department)."""
    return audit.attribution(principal, cases.REALESTATE)


def _forbidden(reason: str) -> DomainError:
    return forbidden("token", reason)


def _party_kind(principal: Principal) -> int:
    if principal.kind == "citizen":
        return common.PARTY_KIND_CITIZEN
    return common.PARTY_KIND_ENTERPRISE


def party_actor(principal: Principal, name: str) -> common.Actor:
    """A citizen acting for themself, or an enterprise's agent acting for it."""
    actor = common.Actor(
        kind=common.ACTOR_KIND_PERSON,
        person_name=principal.name or name,
        on_behalf_of=common.Party(kind=_party_kind(principal), id=principal.subject, name=name),  # type: ignore[arg-type]
        role=principal.kind,
    )
    if principal.kind == "citizen":
        actor.person_id = principal.subject
    return actor


def staff_label(principal: Principal) -> str:
    """How a staff member is named on events (staff ids are not resident ids)."""
    return f"{principal.name} ({principal.subject})" if principal.name else principal.subject


def staff_actor(principal: Principal, registrar: Registrar) -> common.Actor:
    department = principal.department or ""
    return common.Actor(
        kind=common.ACTOR_KIND_PERSON,
        person_name=staff_label(principal),
        on_behalf_of=registrar.department_party(department),
        role=f"staff:{department}",
    )


def may_see(principal: Principal, case: Case) -> bool:
    is_party = principal.kind in ("citizen", "enterprise") and case.party_role(principal.subject)
    return bool(is_party) or is_staff_for(principal, case)


def is_staff_for(principal: Principal, case: Case) -> bool:
    return (
        principal.kind == "staff"
        and principal.department in STAFF_DEPARTMENTS
        and principal.covers_region(case.unit_code[:6])
    )


def _masked(party: dict[str, Any], viewer: Principal) -> dict[str, Any]:
    shown = party["id"] if viewer.kind == "staff" or viewer.subject == party["id"] else None
    return {
        "kind": "citizen" if party["kind"] == common.PARTY_KIND_CITIZEN else "enterprise",
        "id": shown or identifiers.mask(party["id"]),
        "name": party["name"],
    }


def case_view(case: Case, registrar: Registrar, viewer: Principal) -> dict[str, Any]:
    timeline = list(case.timeline)
    for entry in registrar.store.certificates_of_case(case):
        timeline.append(
            {"step": "certificate_issued", "at": entry["at"], "by": "system: certificates",
             "detail": entry["summary"]}
        )  # fmt: skip
    return {
        "case_id": case.case_id,
        "unit_code": case.unit_code,
        "stage": cases.current_stage(case),
        "waiting_on": cases.waiting_on(case),
        "waiting_since": case.stage_since,
        "applied_at": case.applied_at,
        "applied_by": case.applied_by,
        "seller": _masked(case.seller, viewer),
        "buyer": _masked(case.buyer, viewer),
        "price_fen": case.price_fen,
        "area_hundredths_m2": case.area_hundredths_m2,
        "contract_date": case.contract_date,
        "review": case.review,
        "findings": case.findings,
        "referred_to": case.referred_to,
        "claimed_by": case.claimed_by,
        "seller_certificate": case.seller_certificate,
        "checked_reliefs": case.checked_reliefs,
        "tax": case.tax,
        "tax_note": case.tax_note,
        "assessment_id": case.assessment_id,
        "total_fen": case.total_fen,
        "payment_id": case.payment_id,
        "registration_number": case.registration_number,
        "evaluations": case.evaluations,
        "rectifications": case.rectifications,
        "timeline": sorted(timeline, key=lambda s: s["at"]),
    }


router = APIRouter(prefix="/v1", tags=["realestate"], responses=problems.RESPONSES)

Reg = Annotated[Registrar, Depends(provided(Registrar))]
Paged = Annotated[pages.Paging, Depends(pages.query())]
# Routes answering a case: its parts keep only the members they have (schemas.py).
AS_CASE: dict[str, Any] = {"response_model": schemas.CaseView, "response_model_exclude_unset": True}


def _found(registrar: Registrar, case_id: str, principal: Principal) -> Case:
    """The case, if `principal` may see it (a party; window staff of its region).
    Anyone else is told it does not exist, exactly as for an unknown id: a 403 would
    confirm that a guessed case id is real (and so that a transfer is under way)."""
    case = registrar.store.find_case(case_id)
    if case is None or not may_see(principal, case):
        raise not_found("case_id", "no such case")
    return case


def _as_party(
    registrar: Registrar, case_id: str, principal: Principal
) -> tuple[Case, str, common.Actor]:
    """The case (`_found`), the caller's role in it ("seller" or "buyer") and the actor
    they act as, for a command only its parties give."""
    case = _found(registrar, case_id, principal)
    role = case.party_role(principal.subject) if principal.kind != "staff" else None
    if principal.kind not in ("citizen", "enterprise") or role is None:
        raise _forbidden("only the buyer and the seller of the case may do this")
    name = case.seller["name"] if role == "seller" else case.buyer["name"]
    return case, role, party_actor(principal, name)


# The orders the lists are paged in, and (kit/forwarding.py) merged across workers in:
# the item members, the last one an id (a history entry has none: its whole content).
MY_CASES_ORDER = pages.by("applied_at", "case_id")
QUEUE_ORDER = pages.by("waiting_since", "case_id")
HISTORY_ORDER = pages.by("at", "kind", "event", "case_id", "summary")


@router.post(
    "/transfers",
    status_code=201,
    **AS_CASE,
    summary="File a transfer application (the buyer or the seller; the other confirms)",
)
async def file_transfer(
    form: Annotated[TransferForm, Body()], principal: CurrentPrincipal, registrar: Reg
) -> dict[str, Any]:
    if principal.kind not in ("citizen", "enterprise"):
        raise _forbidden("only the buyer or the seller may file")
    if principal.subject not in (form.seller.id, form.buyer.id):
        raise _forbidden("the applicant must be the buyer or the seller")
    problems = applications.problems(form, registrar.clock.today())
    if problems:
        field, reason = problems[0]
        found_all = [{"field": f, "reason": r} for f, r in problems]
        raise invalid(field, reason, problems=found_all)
    name = form.seller.name if principal.subject == form.seller.id else form.buyer.name
    now = registrar.clock.now()
    applied = applications.to_event(
        form,
        case_id=registrar.new_case_id(form.unit_code, now),
        applied_by=party_actor(principal, name),
        now=now,
    )
    case = await registrar.file(applied, by=_by(principal))
    return case_view(case, registrar, principal)


@router.get(
    "/cases/{case_id}",
    **AS_CASE,
    summary="A case step by step (its parties; window staff)",
)
async def get_case(case_id: str, principal: CurrentPrincipal, registrar: Reg) -> dict[str, Any]:
    case = _found(registrar, case_id, principal)
    if principal.kind == "staff":  # a use of the parties' data, in their access logs
        actor = staff_actor(principal, registrar)
        await registrar.record_use(
            uses.CASE_READ,
            case.unit_code,
            [case],
            actor,
            principal.department or "",
            case_id=case.case_id,
            by=_by(principal),
        )
    return case_view(case, registrar, principal)


@router.post(
    "/cases/{case_id}/confirmation",
    **AS_CASE,
    summary="Confirm an application (the other party)",
)
async def confirm(case_id: str, principal: CurrentPrincipal, registrar: Reg) -> dict[str, Any]:
    case, role, actor = _as_party(registrar, case_id, principal)
    if role != case.other_party:
        raise _forbidden(f"the {case.other_party} confirms what the {case.applied_by} filed")
    case = await registrar.confirm(case, actor, by=_by(principal))
    return case_view(case, registrar, principal)


@router.post(
    "/cases/{case_id}/withdrawal",
    **AS_CASE,
    summary="Withdraw before registration (a party)",
)
async def withdraw(
    case_id: str, body: Annotated[Withdrawal, Body()], principal: CurrentPrincipal, registrar: Reg
) -> dict[str, Any]:
    case, _, actor = _as_party(registrar, case_id, principal)
    case = await registrar.withdraw(case, actor, body.reason, by=_by(principal))
    return case_view(case, registrar, principal)


@router.post(
    "/cases/{case_id}/evaluation",
    **AS_CASE,
    summary="Rate a completed case (好差评, each party once); a bad grade opens a rectification",
)
async def evaluate(
    case_id: str, body: Annotated[Evaluation, Body()], principal: CurrentPrincipal, registrar: Reg
) -> dict[str, Any]:
    case, role, actor = _as_party(registrar, case_id, principal)
    case = await registrar.evaluate(case, role, body.grade, body.comment, actor, by=_by(principal))
    return case_view(case, registrar, principal)


@router.get(
    "/me/cases",
    response_model=schemas.MyCases,
    response_model_exclude_unset=True,
    summary="My cases, in the order they were filed (a citizen or an enterprise)",
)
async def my_cases(principal: CurrentPrincipal, registrar: Reg, paging: Paged) -> dict[str, Any]:
    if principal.kind not in ("citizen", "enterprise"):
        raise _forbidden("citizens and enterprises only")
    mine = registrar.store.cases_of(principal.subject)  # the index: no other case is read
    views = [case_view(c, registrar, principal) for c in mine]
    shown, cursor = paging.take(views, MY_CASES_ORDER)
    return {"cases": shown, "next_cursor": cursor}


@router.get(
    "/queue",
    response_model=schemas.Queue,
    response_model_exclude_unset=True,
    summary="The shared queue of open joint cases, longest waiting first (window staff)",
)
async def get_queue(
    principal: CurrentPrincipal,
    registrar: Reg,
    paging: Paged,
    department: Annotated[Literal["realestate", "tax", "citizen"] | None, Query()] = None,
    city: Annotated[str | None, Query(pattern=r"^\d{4}00$")] = None,
    stage: Annotated[Literal[cases.OPEN_STAGES] | None, Query()] = None,  # type: ignore[valid-type]
) -> dict[str, Any]:
    if principal.kind != "staff" or principal.department not in STAFF_DEPARTMENTS:
        raise _forbidden("window staff of realestate or tax only")
    entries = list(registrar.store.open_entries(principal.covers_region))  # the index of open cases
    items = queue.queue(
        entries,
        registrar.clock.now(),
        visible=principal.covers_region,
        department=department,
        city=city,
        stage=stage,
    )
    # Longest waiting first, by when the wait began: a cursor stays put as time passes.
    page, cursor = paging.take(items, QUEUE_ORDER)
    # A use of the data of every listed case's parties, in their access logs.
    shown = {i["case_id"] for i in page}
    listed = [e for e in entries if e["case_id"] in shown]
    actor = staff_actor(principal, registrar)
    department_of = principal.department or ""
    await registrar.record_queue_read(listed, actor, department_of, by=_by(principal))
    return {"cases": page, "count": len(items), "next_cursor": cursor}


def _window_staff(principal: Principal, case: Case) -> None:
    if not is_staff_for(principal, case):
        raise _forbidden("window staff of the unit's region only")
    if not principal.has_role(WINDOW_ROLE):
        raise _forbidden(f"role {WINDOW_ROLE!r} required")
    if case.referred_to and principal.department != case.referred_to:
        raise _forbidden(f"the case waits on {case.referred_to} staff")


@router.post(
    "/cases/{case_id}/claim",
    **AS_CASE,
    summary="Claim a referred case (its department's staff)",
)
async def claim(case_id: str, principal: CurrentPrincipal, registrar: Reg) -> dict[str, Any]:
    case = _found(registrar, case_id, principal)
    _window_staff(principal, case)
    actor = staff_actor(principal, registrar)
    case = await registrar.claim(case, actor, principal.department or "", by=_by(principal))
    return case_view(case, registrar, principal)


@router.post(
    "/cases/{case_id}/decision",
    **AS_CASE,
    summary="Decide a claimed case (who claimed it)",
)
async def decide(
    case_id: str, body: Annotated[Decision, Body()], principal: CurrentPrincipal, registrar: Reg
) -> dict[str, Any]:
    case = _found(registrar, case_id, principal)
    _window_staff(principal, case)
    actor = staff_actor(principal, registrar)
    approve = body.decision == "pass"
    figures = (body.buyer_family_existing_homes, body.seller_only_home)
    if figures != (None, None) and (not approve or principal.department != "tax"):
        raise invalid(
            "buyer_family_existing_homes", "only tax window staff passing a case set them"
        )
    case = await registrar.decide(
        case,
        actor,
        approve=approve,
        note=body.note,
        by=_by(principal),
        family_homes=body.buyer_family_existing_homes,
        seller_only_home=body.seller_only_home,
    )
    return case_view(case, registrar, principal)


async def _rectifying(
    registrar: Registrar,
    case_id: str,
    principal: Principal,
    command: Callable[[Case, common.Actor], Any],
) -> dict[str, Any]:
    """A step of a rectification, by window staff of the unit's region."""
    case = _found(registrar, case_id, principal)
    if not is_staff_for(principal, case):
        raise _forbidden("window staff of the unit's region only")
    if not principal.has_role(WINDOW_ROLE):
        raise _forbidden(f"role {WINDOW_ROLE!r} required")
    case = await command(case, staff_actor(principal, registrar))
    return case_view(case, registrar, principal)


@router.post(
    "/cases/{case_id}/rectifications/{rectification_id}/completion",
    **AS_CASE,
    summary="Complete the rectification a bad grade opened (window staff)",
)
async def rectified(
    case_id: str,
    rectification_id: str,
    body: Annotated[RectificationDone, Body()],
    principal: CurrentPrincipal,
    registrar: Reg,
) -> dict[str, Any]:
    return await _rectifying(
        registrar,
        case_id,
        principal,
        lambda case, actor: registrar.complete_rectification(
            case, rectification_id, body.action, actor, by=_by(principal)
        ),
    )


@router.post(
    "/cases/{case_id}/rectifications/{rectification_id}/follow-up",
    **AS_CASE,
    summary="Record the follow-up (回访) with the party after the rectification (window "
    "staff); it closes the rectification",
)
async def followed_up(
    case_id: str,
    rectification_id: str,
    body: Annotated[FollowUp, Body()],
    principal: CurrentPrincipal,
    registrar: Reg,
) -> dict[str, Any]:
    return await _rectifying(
        registrar,
        case_id,
        principal,
        lambda case, actor: registrar.follow_up(
            case, rectification_id, body.party_satisfied, body.note, actor, by=_by(principal)
        ),
    )


@router.get(
    "/rectifications",
    response_model=schemas.Rectifications,
    response_model_exclude_unset=True,
    summary="Rectifications of my region not yet followed up, earliest due first (window staff)",
)
async def open_rectifications(
    principal: CurrentPrincipal,
    registrar: Reg,
    paging: Paged,
    overdue: Annotated[bool, Query(description="only those late in their phase")] = False,
) -> dict[str, Any]:
    if principal.kind != "staff" or principal.department not in STAFF_DEPARTMENTS:
        raise _forbidden("window staff of realestate or tax only")
    today = registrar.clock.today()
    items = [
        {**item, "late_in": rectifications.phase(item, today)}
        for item in registrar.store.open_rectifications(principal.covers_region)  # the index
    ]
    picked = [i for i in items if not overdue or i["late_in"]]
    shown, cursor = paging.take(picked, due_order)
    return {"rectifications": shown, "count": len(picked), "next_cursor": cursor}


def due_order(item: dict[str, Any]) -> pages.Key:
    """The date the rectification's current phase is due, then which it is."""
    due = item.get("follow_up_due_date") or item["due_date"]
    return (due, item["case_id"], item["rectification_id"])


@router.get(
    "/units/{code}/history",
    response_model=schemas.UnitHistory,
    response_model_exclude_unset=True,
    summary="Everything about a unit or a parcel (一码关联), in order (window staff)",
)
async def unit_history(
    code: str, principal: CurrentPrincipal, registrar: Reg, paging: Paged
) -> dict[str, Any]:
    verdict = (
        identifiers.check_parcel_code(code)
        if len(code) == 19
        else identifiers.check_unit_code(code)
    )
    if not verdict.valid:
        raise invalid("code", verdict.reason or "not a unit or parcel code")
    if principal.kind != "staff" or principal.department not in STAFF_DEPARTMENTS:
        raise _forbidden("window staff of realestate or tax only")
    if not principal.covers_region(code[:6]):
        raise _forbidden("outside the staff member's region")
    entries, cursor = paging.take(registrar.store.unit_history(code), HISTORY_ORDER)
    # A use of the data of everyone whose transfers on the unit(s) the page shows.
    units = {e["unit_code"] for e in entries if e.get("unit_code")} | (
        {code} if len(code) == 28 else set()
    )
    actor = staff_actor(principal, registrar)
    for unit_code in sorted(units):
        unit = registrar.store.unit(unit_code)
        await registrar.record_use(
            uses.UNIT_HISTORY_READ,
            unit_code,
            [c for c in map(unit.case, unit.cases) if c is not None],
            actor,
            principal.department or "",
            by=_by(principal),
        )
    return {"code": code, "entries": entries, "next_cursor": cursor}

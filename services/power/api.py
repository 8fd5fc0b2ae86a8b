"""REST for applicants and power-company staff (thin: auth, translate, call commands).

Deny by default: applicants see and act on their own applications only (anyone else is
told there is no such application); staff of department `power` see the applications
of their region, and those with role `operator` move steps.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from govshare.common.v1 import types_pb2 as common
from pydantic import BaseModel, ConfigDict, Field

from services.kit import audit, pages, problems
from services.kit.auth import CurrentPrincipal, Principal, require
from services.kit.errors import forbidden, not_found, unavailable
from services.kit.forwarding import Gathered
from services.kit.provided import provided
from services.power import actors, listing, schemas, views
from services.power.commands import Commands
from services.power.domain import OPEN, Application, DomainError
from services.power.evidence import EvidenceUnavailable
from services.power.registry import Registry
from services.power.rules import ApplicationRequest

STAFF_DEPARTMENT = "power"
OPERATOR_ROLES = frozenset({"operator"})

Applicant = Annotated[Principal, Depends(require(kind={"citizen", "enterprise"}))]
Staff = Annotated[Principal, Depends(require(kind="staff", department=STAFF_DEPARTMENT))]
Operator = Annotated[
    Principal,
    Depends(require(kind="staff", department=STAFF_DEPARTMENT, roles=OPERATOR_ROLES)),
]


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    division_code: str = Field(pattern=r"^[0-9]{6}$", description="GB/T 2260 county code")
    text: str = Field(min_length=1, max_length=200)
    postal_code: str = Field(default="", pattern=r"^([0-9]{6})?$")


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(pattern=r"^\+?[0-9][0-9-]{4,19}$")


class ApplicationIn(BaseModel):
    """An evidence-free application: the matter, the site, the capacity; nothing else."""

    model_config = ConfigDict(extra="forbid")
    matter_code: str = Field(max_length=64, examples=["lv-nonresident-new"])
    requested_capacity_w: int = Field(description="watts, e.g. 60 kW = 60000")
    unit_code: str = Field(default="", max_length=64, description="GB/T 37346 unit code")
    address: AddressIn | None = None
    contact: ContactIn | None = None
    applicant_id: str = Field(
        default="", max_length=32, description="optional; must be the caller's own id"
    )
    applicant_name: str = Field(default="", max_length=128)
    channel: Literal["online-portal", "app", "window"] = "online-portal"
    request_id: str = Field(
        default="",
        pattern=r"^[A-Za-z0-9._:-]{0,64}$",
        description="idempotency key: a retry with the same key returns the same application",
    )


class UploadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type_code: str = Field(max_length=32, description="one of the requested or flagged types")
    upload_ref: str = Field(max_length=256, description="object-store key of the upload")
    content_sha256: str = Field(default="", max_length=64)


class EvaluationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grade: Literal[
        "very-satisfied", "satisfied", "basically-satisfied", "dissatisfied", "very-dissatisfied"
    ]
    comment: str = Field(default="", max_length=500)


class AdvanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_step: str = Field(
        max_length=32, description="the step being finished (guards against double clicks)"
    )


class RectificationDoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str = Field(min_length=1, max_length=500, description="what was done (整改措施)")


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    applicant_satisfied: bool = Field(description="whether the applicant accepts the rectification")
    note: str = Field(min_length=1, max_length=500, description="what the applicant said (回访)")


def _not_found() -> DomainError:
    return not_found("application_id", "no such application")


router = APIRouter(prefix="/v1", tags=["power"], responses=problems.RESPONSES)

Reg = Annotated[Registry, Depends(provided(Registry))]
Cmds = Annotated[Commands, Depends(provided(Commands))]
Paged = Annotated[pages.Paging, Depends(pages.query())]


def _staff_sees(principal: Principal, app: Application) -> bool:
    return (
        principal.kind == "staff"
        and principal.department == STAFF_DEPARTMENT
        and principal.covers_region(app.division)
    )


def _visible(registry: Registry, app_id: str, principal: Principal) -> Application:
    app = registry.get(app_id)
    if app is None or not (principal.is_holder(app.applicant.id) or _staff_sees(principal, app)):
        raise _not_found()  # a stranger learns nothing, not even that it exists
    return app


def _own(registry: Registry, app_id: str, principal: Principal) -> Application:
    app = registry.get(app_id)
    if app is None or not principal.is_holder(app.applicant.id):
        raise _not_found()
    return app


def _in_region(registry: Registry, application_id: str, principal: Principal) -> Application:
    app = registry.get(application_id)
    if app is None:
        raise _not_found()
    if not principal.covers_region(app.division):
        raise forbidden("application_id", "outside your region")
    return app


async def _run(registry: Registry, coro: Any) -> dict[str, Any]:
    try:  # a DomainError is answered as problem details (kit/problems.py)
        app: Application = await coro
    except EvidenceUnavailable as error:
        raise unavailable("evidence", str(error)) from None
    return views.application(app, registry.catalog, registry.now())


def _who(principal: Principal, app: Application) -> common.Actor:
    return actors.applicant_actor(principal, app.applicant)


# How the lists page (and kit/forwarding.py merges the workers' pages): by these members.
BY_SUBMISSION = ("submitted_at", "application_id")
BY_DUE_DATE = ("due_date", "application_id")

# The lists every worker answers in part, merged by kit/forwarding.py (app.py declares
# them): each route pages its answer by its own declaration (`_page`), so the field and
# the order a worker pages by are the ones the merge reads.
MINE = Gathered("/v1/me/applications", "applications", BY_SUBMISSION, newest_first=True)
QUEUE = Gathered("/v1/staff/applications", "applications", BY_SUBMISSION)
RECTIFICATIONS = Gathered("/v1/staff/rectifications", "rectifications", BY_DUE_DATE)
GATHERED = (MINE, QUEUE, RECTIFICATIONS)


def _page(paging: pages.Paging, items: list[dict[str, Any]], listed: Gathered) -> dict[str, Any]:
    """A list answer: this page of `items`, by the members `listed` orders by, under its
    field, and the cursor of the next page."""
    assert isinstance(listed.order_by, tuple)  # members, not a key function
    order = pages.by(*listed.order_by)
    shown, cursor = paging.take(items, order, newest_first=listed.newest_first)
    return {listed.field: shown, "next_cursor": cursor}


@router.get(
    "/matters",
    response_model=schemas.Matters,
    summary="The power matters: who applies, evidence, steps, limits",
)
async def matters(registry: Reg) -> dict[str, Any]:
    catalog = registry.catalog
    return {
        "matters": [
            {
                "code": m.code,
                "name": m.name,
                "applicants": sorted(m.applicants),
                "capacity_w": [m.min_capacity_w, m.max_capacity_w],
                "evidence": [
                    {"type_code": t.code, "type_name": t.name, "for": sorted(who)}
                    for t, who in m.evidence
                ],
                "steps": [
                    {"step_code": s.code, "step_name": s.name, "limit": s.limit_working_days}
                    for s in m.steps
                ],
                "source": m.source,
            }
            for m in catalog.matters.values()
        ],
        "sources": catalog.sources,
    }


@router.post(
    "/applications",
    status_code=201,
    response_model=schemas.ApplicationView,
    response_model_exclude_unset=True,
    summary="Apply without uploading certificates (citizen or enterprise)",
    description="Evidence is resolved from shared data; the answer lists exactly what is "
    "missing, if anything, and only that may then be uploaded.",
)
async def apply(
    body: ApplicationIn, principal: Applicant, registry: Reg, commands: Cmds
) -> dict[str, Any]:
    party = actors.applicant_party(principal, body.applicant_name)
    request = ApplicationRequest(
        applicant=party,
        matter_code=body.matter_code,
        capacity_w=body.requested_capacity_w,
        unit_code=body.unit_code,
        address=common.Address(**body.address.model_dump()) if body.address else None,
        claimed_applicant_id=body.applicant_id,
    )
    contact = common.Contact(**body.contact.model_dump()) if body.contact else None
    return await _run(
        registry,
        commands.submit(
            request,
            actors.applicant_actor(principal, party),
            request_id=body.request_id,
            contact=contact,
            channel=body.channel,
        ),
    )


@router.get(
    MINE.path.removeprefix(router.prefix),
    response_model=schemas.MyApplications,
    response_model_exclude_unset=True,
    summary="My applications, newest first",
)
async def mine(principal: Applicant, registry: Reg, paging: Paged) -> dict[str, Any]:
    now = registry.now()
    shown = [
        views.application(a, registry.catalog, now) for a in registry.of_holder(principal.subject)
    ]
    return _page(paging, shown, MINE)


@router.get(
    "/applications/{application_id}",
    response_model=schemas.ApplicationView,
    response_model_exclude_unset=True,
    summary="One application (applicant or staff)",
)
async def one(application_id: str, principal: CurrentPrincipal, registry: Reg) -> dict[str, Any]:
    app = _visible(registry, application_id, principal)
    return views.application(app, registry.catalog, registry.now())


@router.get(
    "/applications/{application_id}/timeline",
    response_model=schemas.Timeline,
    response_model_exclude_unset=True,
    summary="Progress like a parcel: every step with its time, actor and deadline",
)
async def timeline(
    application_id: str, principal: CurrentPrincipal, registry: Reg
) -> dict[str, Any]:
    app = _visible(registry, application_id, principal)
    return views.timeline(app, registry.events(app.id), registry.catalog, registry.now())


@router.post(
    "/applications/{application_id}/evidence",
    response_model=schemas.ApplicationView,
    response_model_exclude_unset=True,
    summary="Upload one requested (or flagged) piece of evidence (applicant)",
)
async def upload(
    application_id: str, body: UploadIn, principal: Applicant, registry: Reg, commands: Cmds
) -> dict[str, Any]:
    app = _own(registry, application_id, principal)
    return await _run(
        registry,
        commands.supply(
            app, body.type_code, body.upload_ref, body.content_sha256, _who(principal, app)
        ),
    )


@router.post(
    "/applications/{application_id}/evidence/refresh",
    response_model=schemas.ApplicationView,
    response_model_exclude_unset=True,
    summary="Resolve missing or flagged evidence again from shared data (applicant)",
)
async def refresh(
    application_id: str, principal: Applicant, registry: Reg, commands: Cmds
) -> dict[str, Any]:
    app = _own(registry, application_id, principal)
    return await _run(registry, commands.refresh(app, _who(principal, app)))


@router.post(
    "/applications/{application_id}/evaluation",
    response_model=schemas.ApplicationView,
    response_model_exclude_unset=True,
    summary="Rate a connected application (好差评, applicant, once)",
)
async def evaluate(
    application_id: str, body: EvaluationIn, principal: Applicant, registry: Reg, commands: Cmds
) -> dict[str, Any]:
    app = _own(registry, application_id, principal)
    return await _run(
        registry, commands.evaluate(app, body.grade, body.comment, _who(principal, app))
    )


@router.post(
    "/applications/{application_id}/advance",
    response_model=schemas.ApplicationView,
    response_model_exclude_unset=True,
    summary="Finish the current step: enter the next one or connect (staff, operator)",
)
async def advance(
    application_id: str, body: AdvanceIn, principal: Operator, registry: Reg, commands: Cmds
) -> dict[str, Any]:
    app = _in_region(registry, application_id, principal)
    actor = actors.staff_actor(principal, registry.company)
    who = audit.actor_header(principal)
    return await _run(registry, commands.advance(app, body.current_step, actor, who))


@router.post(
    "/applications/{application_id}/rectification/completion",
    response_model=schemas.ApplicationView,
    response_model_exclude_unset=True,
    summary="Complete the rectification a bad grade opened (staff, operator)",
)
async def rectified(
    application_id: str,
    body: RectificationDoneIn,
    principal: Operator,
    registry: Reg,
    commands: Cmds,
) -> dict[str, Any]:
    app = _in_region(registry, application_id, principal)
    actor = actors.staff_actor(principal, registry.company)
    who = audit.actor_header(principal)
    return await _run(registry, commands.complete_rectification(app, body.action, actor, who))


@router.post(
    "/applications/{application_id}/rectification/follow-up",
    response_model=schemas.ApplicationView,
    response_model_exclude_unset=True,
    summary="Record the follow-up (回访) with the applicant after the rectification "
    "(staff, operator)",
)
async def followed_up(
    application_id: str, body: FollowUpIn, principal: Operator, registry: Reg, commands: Cmds
) -> dict[str, Any]:
    app = _in_region(registry, application_id, principal)
    actor = actors.staff_actor(principal, registry.company)
    who = audit.actor_header(principal)
    return await _run(
        registry, commands.follow_up(app, body.applicant_satisfied, body.note, actor, who)
    )


@router.get(
    RECTIFICATIONS.path.removeprefix(router.prefix),
    response_model=schemas.Rectifications,
    summary="Rectifications of my region, by due date (staff)",
)
async def rectifications(
    principal: Staff,
    registry: Reg,
    paging: Paged,
    overdue: bool = Query(False, description="only those late (rectification or follow-up)"),
) -> dict[str, Any]:
    now = registry.now()
    items = [
        {"application_id": a.id, "matter_code": a.matter_code}
        | (views.application(a, registry.catalog, now)["rectification"] or {})
        for a in registry.listed(principal.covers_region, {listing.RECTIFYING})
    ]
    picked = [i for i in items if not overdue or i["overdue"]]
    return _page(paging, picked, RECTIFICATIONS)


@router.get(
    QUEUE.path.removeprefix(router.prefix),
    response_model=schemas.Queue,
    response_model_exclude_unset=True,
    summary="Applications of my region, oldest first (staff)",
)
async def queue(
    principal: Staff,
    registry: Reg,
    paging: Annotated[pages.Paging, Depends(pages.query(maximum=1000))],
    status: str | None = Query(None, description="submitted, evidence-requested, ..."),
    overdue: bool = Query(False, description="only those with an overdue step"),
) -> dict[str, Any]:
    now = registry.now()
    wanted = None if status is None else {status}
    shown = (
        views.application(a, registry.catalog, now)
        for a in registry.listed(principal.covers_region, wanted)  # the division index
    )
    picked = [v for v in shown if not overdue or any(s.get("overdue") for s in v["steps"])]
    return _page(paging, picked, QUEUE) | {"open_statuses": sorted(OPEN)}


@router.get(
    "/preparations/{parcel_code}",
    response_model=schemas.Preparation,
    summary="Early preparation of a parcel (staff)",
)
async def prepared(parcel_code: str, principal: Staff, registry: Reg) -> dict[str, Any]:
    found = registry.preparation(parcel_code)
    if found is None or not principal.covers_region(parcel_code[:6]):
        raise not_found("parcel_code", "no preparation")
    return views.preparation(found)

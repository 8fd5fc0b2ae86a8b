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

from services.kit import audit, problems
from services.kit.auth import CurrentPrincipal, Principal, require
from services.kit.errors import forbidden, not_found, unavailable
from services.power import actors, listing, views
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


def router(registry: Registry, commands: Commands) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["power"], responses=problems.RESPONSES)
    catalog = registry.catalog

    def staff_sees(principal: Principal, app: Application) -> bool:
        return (
            principal.kind == "staff"
            and principal.department == STAFF_DEPARTMENT
            and principal.covers_region(app.division)
        )

    def visible(app_id: str, principal: Principal) -> Application:
        app = registry.get(app_id)
        if app is None or not (principal.is_holder(app.applicant.id) or staff_sees(principal, app)):
            raise _not_found()  # a stranger learns nothing, not even that it exists
        return app

    def own(app_id: str, principal: Principal) -> Application:
        app = registry.get(app_id)
        if app is None or not principal.is_holder(app.applicant.id):
            raise _not_found()
        return app

    async def run(coro: Any) -> dict[str, Any]:
        try:  # a DomainError is answered as problem details (kit/problems.py)
            app: Application = await coro
        except EvidenceUnavailable as error:
            raise unavailable("evidence", str(error)) from None
        except TimeoutError:
            raise unavailable("application_id", "recorded but not yet applied; retry") from None
        return views.application(app, catalog, registry.now())

    def who(principal: Principal, app: Application) -> common.Actor:
        return actors.applicant_actor(principal, app.applicant)

    @api.get("/matters", summary="The power matters: who applies, evidence, steps, limits")
    async def matters() -> dict[str, Any]:
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

    @api.post(
        "/applications",
        status_code=201,
        summary="Apply without uploading certificates (citizen or enterprise)",
        description="Evidence is resolved from shared data; the answer lists exactly what is "
        "missing, if anything, and only that may then be uploaded.",
    )
    async def apply(body: ApplicationIn, principal: Applicant) -> dict[str, Any]:
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
        return await run(
            commands.submit(
                request,
                actors.applicant_actor(principal, party),
                request_id=body.request_id,
                contact=contact,
                channel=body.channel,
            )
        )

    @api.get("/me/applications", summary="My applications, newest first")
    async def mine(principal: Applicant) -> dict[str, Any]:
        apps = sorted(registry.of_holder(principal.subject), key=lambda a: a.submitted_at)
        now = registry.now()
        return {"applications": [views.application(a, catalog, now) for a in reversed(apps)]}

    @api.get("/applications/{application_id}", summary="One application (applicant or staff)")
    async def one(application_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
        return views.application(visible(application_id, principal), catalog, registry.now())

    @api.get(
        "/applications/{application_id}/timeline",
        summary="Progress like a parcel: every step with its time, actor and deadline",
    )
    async def timeline(application_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
        app = visible(application_id, principal)
        return views.timeline(app, registry.events(app.id), catalog, registry.now())

    @api.post(
        "/applications/{application_id}/evidence",
        summary="Upload one requested (or flagged) piece of evidence (applicant)",
    )
    async def upload(application_id: str, body: UploadIn, principal: Applicant) -> dict[str, Any]:
        app = own(application_id, principal)
        return await run(
            commands.supply(
                app, body.type_code, body.upload_ref, body.content_sha256, who(principal, app)
            )
        )

    @api.post(
        "/applications/{application_id}/evidence/refresh",
        summary="Resolve missing or flagged evidence again from shared data (applicant)",
    )
    async def refresh(application_id: str, principal: Applicant) -> dict[str, Any]:
        app = own(application_id, principal)
        return await run(commands.refresh(app, who(principal, app)))

    @api.post(
        "/applications/{application_id}/evaluation",
        summary="Rate a connected application (好差评, applicant, once)",
    )
    async def evaluate(
        application_id: str, body: EvaluationIn, principal: Applicant
    ) -> dict[str, Any]:
        app = own(application_id, principal)
        return await run(commands.evaluate(app, body.grade, body.comment, who(principal, app)))

    def in_region(application_id: str, principal: Principal) -> Application:
        app = registry.get(application_id)
        if app is None:
            raise _not_found()
        if not principal.covers_region(app.division):
            raise forbidden("application_id", "outside your region")
        return app

    @api.post(
        "/applications/{application_id}/advance",
        summary="Finish the current step: enter the next one or connect (staff, operator)",
    )
    async def advance(application_id: str, body: AdvanceIn, principal: Operator) -> dict[str, Any]:
        app = in_region(application_id, principal)
        actor = actors.staff_actor(principal, registry.company)
        who = audit.actor_header(principal)
        return await run(commands.advance(app, body.current_step, actor, who))

    @api.post(
        "/applications/{application_id}/rectification/completion",
        summary="Complete the rectification a bad grade opened (staff, operator)",
    )
    async def rectified(
        application_id: str, body: RectificationDoneIn, principal: Operator
    ) -> dict[str, Any]:
        app = in_region(application_id, principal)
        actor = actors.staff_actor(principal, registry.company)
        who = audit.actor_header(principal)
        return await run(commands.complete_rectification(app, body.action, actor, who))

    @api.post(
        "/applications/{application_id}/rectification/follow-up",
        summary="Record the follow-up (回访) with the applicant after the rectification "
        "(staff, operator)",
    )
    async def followed_up(
        application_id: str, body: FollowUpIn, principal: Operator
    ) -> dict[str, Any]:
        app = in_region(application_id, principal)
        actor = actors.staff_actor(principal, registry.company)
        who = audit.actor_header(principal)
        return await run(commands.follow_up(app, body.applicant_satisfied, body.note, actor, who))

    @api.get("/staff/rectifications", summary="Rectifications of my region (staff)")
    async def rectifications(
        principal: Staff,
        overdue: bool = Query(False, description="only those late (rectification or follow-up)"),
    ) -> dict[str, Any]:
        now = registry.now()
        items = [
            {"application_id": a.id, "matter_code": a.matter_code}
            | (views.application(a, catalog, now)["rectification"] or {})
            for a in registry.listed(principal.covers_region, {listing.RECTIFYING})
        ]
        picked = [i for i in items if not overdue or i["overdue"]]
        picked.sort(key=lambda i: i["due_date"])
        return {"rectifications": picked}

    @api.get("/staff/applications", summary="Applications of my region (staff)")
    async def queue(
        principal: Staff,
        status: str | None = Query(None, description="submitted, evidence-requested, ..."),
        overdue: bool = Query(False, description="only those with an overdue step"),
        limit: int = Query(100, ge=1, le=1000),
    ) -> dict[str, Any]:
        now = registry.now()
        wanted = None if status is None else {status}
        shown = (
            views.application(a, catalog, now)
            for a in registry.listed(principal.covers_region, wanted)  # the division index
        )
        picked = [v for v in shown if not overdue or any(s.get("overdue") for s in v["steps"])]
        picked.sort(key=lambda v: v["submitted_at"] or "")
        return {"applications": picked[:limit], "open_statuses": sorted(OPEN)}

    @api.get("/preparations/{parcel_code}", summary="Early preparation of a parcel (staff)")
    async def prepared(parcel_code: str, principal: Staff) -> dict[str, Any]:
        found = registry.preparation(parcel_code)
        if found is None or not principal.covers_region(parcel_code[:6]):
            raise not_found("parcel_code", "no preparation")
        return views.preparation(found)

    return api

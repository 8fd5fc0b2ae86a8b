"""Power's REST routes over the application class on the fake runtime: answers keep
their shape through the response models, the lists page with cursors, and a submission
not applied in time is a 503 naming what to retry with."""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from services.kit import problems, waiters
from services.kit.auth import install_verifier, mint_dev_token, verifier_from_settings
from services.kit.clock import FixedClock
from services.kit.provided import provide
from services.power import api
from services.power.commands import Commands
from services.power.evidence import Resolution
from services.power.registry import Registry
from tests.unit.fakes import FakeRuntime
from tests.unit.power.support import (
    CATALOG,
    COMPANY,
    ENTERPRISE,
    LICENCE,
    PROPERTY,
    T0,
    found,
    missing,
)
from tests.unit.power.test_commands import FoundEverything

APPLICATIONS = 7


def _bearer(kind: str, subject: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_dev_token(kind, subject, **claims)}"}


ME = _bearer("enterprise", ENTERPRISE.id, name=ENTERPRISE.name)
STAFF = _bearer("staff", "pw-01", department="power", region="370100", name="周涛")


class PropertyMissing:
    async def resolve(self, **kwargs: Any) -> Resolution:
        return Resolution([found(LICENCE), missing(PROPERTY)], ["AX-1"])


def _body(n: int) -> dict[str, Any]:
    return {
        "matter_code": "lv-nonresident-new",
        "requested_capacity_w": 60000,
        "unit_code": f"370105012002GB00001F0001{n:04d}",
        "request_id": f"req-{n}",
    }


@asynccontextmanager
async def _power(
    evidence: object, runtime: FakeRuntime | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    runtime = runtime or FakeRuntime("power", clock=FixedClock(T0))
    registry = Registry(runtime, CATALOG, evidence, COMPANY, runtime.clock)  # type: ignore[arg-type]
    runtime.consume("power.v1.events", registry.on_power_event)
    app = FastAPI()
    problems.install(app)
    install_verifier(app, verifier_from_settings("test"))
    provide(app, registry, Commands(registry))
    app.include_router(api.router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://power") as http:
        yield http


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with _power(FoundEverything()) as http:
        for n in range(APPLICATIONS):
            reply = await http.post("/v1/applications", json=_body(n), headers=ME)
            assert reply.status_code == 201, reply.text
        yield http


async def _all_pages(http: httpx.AsyncClient, path: str, field: str, **headers: str) -> list[Any]:
    seen: list[Any] = []
    cursor: str | None = None
    for _ in range(APPLICATIONS + 1):
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        reply = await http.get(path, params=params, headers=headers)
        assert reply.status_code == 200, reply.text
        page = reply.json()
        assert len(page[field]) <= 3
        seen += page[field]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the pages never ended")


async def test_my_applications_page_through_every_one_once_in_order(client: httpx.AsyncClient):
    whole = (await client.get("/v1/me/applications", headers=ME)).json()
    assert whole["next_cursor"] is None and len(whole["applications"]) == APPLICATIONS
    paged = await _all_pages(client, "/v1/me/applications", "applications", **ME)
    assert paged == whole["applications"]


async def test_the_staff_queue_pages_and_keeps_its_other_members(client: httpx.AsyncClient):
    whole = (await client.get("/v1/staff/applications", headers=STAFF)).json()
    assert len(whole["applications"]) == APPLICATIONS and whole["open_statuses"]
    paged = await _all_pages(client, "/v1/staff/applications", "applications", **STAFF)
    assert [a["application_id"] for a in paged] == [
        a["application_id"] for a in whole["applications"]
    ]


async def test_an_application_answers_as_the_view_builds_it(client: httpx.AsyncClient):
    (first, *_) = (await client.get("/v1/me/applications", headers=ME)).json()["applications"]
    reply = await client.get(f"/v1/applications/{first['application_id']}", headers=ME)
    assert reply.json() == first
    step = first["steps"][-1]
    assert step["state"] == "pending" and "deadline" not in step  # absent keys stay absent
    assert first["evaluation"] is None and first["rectification"] is None  # nulls stay


async def test_an_application_waiting_for_evidence_answers_with_its_nulls():
    async with _power(PropertyMissing()) as http:
        reply = await http.post("/v1/applications", json=_body(0), headers=ME)
        assert reply.status_code == 201, reply.text
        view = reply.json()
        assert view["status"] == "evidence-requested" and view["evidence_free"] is None
        assert [m["type_code"] for m in view["missing_evidence"]] == [PROPERTY]
        assert view["current_step"] is None and view["completed_at"] is None


async def test_a_submission_not_applied_in_time_is_a_503_naming_the_request_id_to_retry_with(
    monkeypatch: pytest.MonkeyPatch,
):
    runtime = FakeRuntime("power", clock=FixedClock(T0))
    async with _power(FoundEverything(), runtime) as http:
        monkeypatch.setattr(waiters, "APPLY_TIMEOUT_S", 0)  # the wait ends before the agent
        reply = await http.post("/v1/applications", json=_body(0), headers=ME)
        assert reply.status_code == 503, reply.text
        assert reply.headers["content-type"] == problems.MEDIA_TYPE
        problem = reply.json()
        assert problem["field"] == "request_id"
        assert problem["reason"] == "not applied in time; retry with the same request_id"
        await runtime.settle()  # the agent applies it after all
        retry = await http.post("/v1/applications", json=_body(0), headers=ME)
        assert retry.status_code == 201, retry.text
        mine = (await http.get("/v1/me/applications", headers=ME)).json()["applications"]
        assert [a["application_id"] for a in mine] == [retry.json()["application_id"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
    ],
)
async def test_a_bad_page_is_a_problem_naming_the_field(
    client: httpx.AsyncClient, params: dict[str, Any], field: str
):
    reply = await client.get("/v1/staff/applications", params=params, headers=STAFF)
    assert reply.status_code == 422
    assert reply.headers["content-type"] == problems.MEDIA_TYPE
    assert reply.json()["field"] == field


@pytest.mark.parametrize("listed", api.GATHERED, ids=lambda g: g.path)
def test_each_list_the_workers_merge_is_a_route_answering_its_field_in_its_order(listed):
    """kit/forwarding.py merges the workers' pages under `listed.field`, by the members
    `listed.order_by` names: the route's answer must have both."""
    (route,) = [
        r
        for r in api.router.routes
        if isinstance(r, APIRoute) and r.path == listed.path and "GET" in r.methods
    ]
    (item,) = typing.get_args(route.response_model.model_fields[listed.field].annotation)
    assert set(listed.order_by) <= set(item.model_fields), item.model_fields.keys()

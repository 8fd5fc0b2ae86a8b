"""Every error answer over HTTP is RFC 9457 problem details (kit/problems.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI, HTTPException
from pydantic import BaseModel

from services.kit import errors, problems


class Body(BaseModel):
    name: str
    count: int


def app() -> FastAPI:
    api = FastAPI()
    problems.install(api)
    router = APIRouter(responses=problems.RESPONSES)

    @router.post("/things")
    async def post_thing(body: Body) -> dict[str, str]:
        if body.count < 0:
            raise errors.invalid("count", "cannot be negative")
        if body.name == "taken":
            raise errors.conflict("name", "already taken", open_case="RE-1")
        return {"name": body.name}

    @router.get("/private")
    async def private() -> None:
        raise HTTPException(401, "no bearer token", headers={"WWW-Authenticate": "Bearer"})

    @router.get("/legacy")
    async def legacy() -> None:
        raise HTTPException(403, {"field": "token", "reason": "staff only"})

    api.include_router(router)
    return api


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as opened:
        yield opened


def problem(reply: httpx.Response, status: int) -> dict:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    body = reply.json()
    assert body["type"] == "about:blank" and body["status"] == status and body["title"]
    return body


async def test_a_domain_refusal_names_the_field_and_why(client):
    body = problem(await client.post("/things", json={"name": "a", "count": -1}), 422)
    assert (body["field"], body["reason"]) == ("count", "cannot be negative")
    assert body["detail"] == "count: cannot be negative"
    body = problem(await client.post("/things", json={"name": "taken", "count": 1}), 409)
    assert (body["field"], body["open_case"], body["title"]) == ("name", "RE-1", "Conflict")


async def test_request_validation_is_422_with_the_first_field_and_every_problem(client):
    body = problem(await client.post("/things", json={"name": "a", "count": "x"}), 422)
    assert body["field"] == "count" and body["reason"]
    assert [p["field"] for p in body["problems"]] == ["count"]
    body = problem(await client.post("/things", json={}), 422)
    assert {p["field"] for p in body["problems"]} == {"name", "count"}


async def test_http_exceptions_keep_their_reason_and_headers(client):
    reply = await client.get("/private")
    body = problem(reply, 401)
    assert body["detail"] == "no bearer token" and "field" not in body
    assert reply.headers["WWW-Authenticate"] == "Bearer"
    body = problem(await client.get("/legacy"), 403)
    assert (body["field"], body["reason"]) == ("token", "staff only")
    problem(await client.get("/nowhere"), 404)


def test_the_openapi_documents_errors_as_problem_json():
    schema = app().openapi()
    responses = schema["paths"]["/things"]["post"]["responses"]
    for status in ("401", "403", "404", "409", "422", "503"):
        assert list(responses[status]["content"]) == ["application/problem+json"], status
    assert responses["200"]["content"].keys() == {"application/json"}
    documented = schema["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "field", "reason"} <= documented.keys()

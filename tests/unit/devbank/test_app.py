"""The development payment channel answers errors as problem details, like every service
(RFC 9457, with `field` and `reason` members: issue 16)."""

from __future__ import annotations

import httpx

from services.devbank.app import build
from services.kit.settings import load_settings


async def test_an_unknown_action_is_a_problem_naming_the_field():
    app = build(load_settings(env="test", kafka_bootstrap="127.0.0.1:1"))
    transport = httpx.ASGITransport(app=app)  # no lifespan: nothing connects
    async with httpx.AsyncClient(transport=transport, base_url="http://devbank") as client:
        reply = await client.post("/v1/orders/DB-1/refund")
    assert reply.status_code == 404
    assert reply.headers["content-type"].startswith("application/problem+json")
    problem = reply.json()
    assert (problem["status"], problem["field"]) == (404, "action")
    assert problem["reason"] == "pay, cancel or decline"

"""Every service answers every error with RFC 9457 problem details
(`application/problem+json`: type, title, status, detail, and `field` / `reason` where a
field is at fault): domain refusals, request validation, authentication, unknown ids.
In-process: each service as built (tests/security/wiring.py), nothing started."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.kit.auth import mint_dev_token
from tests.integration.realestate.support import Party, transfer_form
from tests.security.wiring import runtime
from tests.unit.tax.test_quote import FACTS as QUOTE

CITIZEN = mint_dev_token("citizen", Party().id)
STAFF = mint_dev_token("staff", "tax-1", department="tax", region="370000", roles=("window",))
FORM = transfer_form(Party(), Party(), "370105012002GB00001F00010751")
FACTS = QUOTE | {"seller_acquisition_date": "2026-01-01"}  # after the contract

# service, method, path, token, body, status, field at fault (None: no field, e.g. 401)
CASES: list[tuple[str, str, str, str | None, Any, int, str | None]] = [
    ("certificates", "GET", "/v1/me/certificates", None, None, 401, None),
    ("certificates", "GET", "/v1/me/access-log", STAFF, None, 403, "token"),
    ("certificates", "POST", "/v1/verifications", None, {"bogus": 1}, 422, "certificate"),
    ("certificates", "POST", "/v1/issuers/X/key-rotations", CITIZEN, None, 403, "issuer_uscc"),
    ("power", "GET", "/v1/me/applications", None, None, 401, None),
    ("power", "POST", "/v1/applications", CITIZEN, {"matter_code": 1}, 422, "matter_code"),
    ("power", "GET", "/v1/applications/PW-nope", CITIZEN, None, 404, "application_id"),
    ("realestate", "GET", "/v1/cases/RE-nope", CITIZEN, None, 404, "case_id"),
    ("realestate", "POST", "/v1/transfers", STAFF, {}, 422, "unit_code"),
    ("realestate", "POST", "/v1/transfers", STAFF, FORM, 403, "token"),
    ("realestate", "GET", "/v1/units/nope/history", STAFF, None, 422, "code"),
    ("tax", "POST", "/v1/quotes", None, FACTS, 422, "seller_acquisition_date"),
    ("tax", "POST", "/v1/quotes", None, {**FACTS, "colour": "red"}, 422, "colour"),
    ("tax", "GET", "/v1/ledger", CITIZEN, None, 403, "token"),
    ("tax", "GET", "/v1/cases/RE-nope/assessment", CITIZEN, None, 404, "case_id"),
    ("tax", "GET", "/v1/nowhere", None, None, 404, None),
]


@pytest.mark.parametrize(
    ("service", "method", "path", "token", "body", "status", "field"),
    CASES,
    ids=[f"{c[0]} {c[1]} {c[2]} {c[5]}" for c in CASES],
)
async def test_errors_are_problem_details(service, method, path, token, body, status, field):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=runtime(service).api)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        reply = await client.request(method, path, json=body, headers=headers)
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    problem = reply.json()
    assert problem["type"] == "about:blank"
    assert problem["status"] == status and problem["title"]
    assert isinstance(problem["detail"], str) and problem["detail"]
    if field is None:
        assert "field" not in problem
    else:
        assert problem["field"] == field and problem["reason"]


@pytest.mark.parametrize("service", ["certificates", "power", "realestate", "tax"])
def test_the_openapi_documents_problem_json_for_every_error(service):
    schema = runtime(service).api.openapi()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    content = list(response.get("content", {}))
                    assert content == ["application/problem+json"], (method, path, status)

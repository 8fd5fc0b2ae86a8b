"""Every REST operation of every service documents its success answer, and every list
answer pages (`limit`, `cursor`, `next_cursor`). The documents come from the services as
built (tests/security/wiring.py), so a new route without a response model fails here."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI

from services.devbank.app import router as devbank
from tests.security.wiring import runtime

# The list answers that page, per service (method, path): the ones that grow with use.
PAGED = {
    "power": {
        ("get", "/v1/me/applications"),
        ("get", "/v1/staff/applications"),
        ("get", "/v1/staff/rectifications"),
    },
    "tax": {("get", "/v1/manual-assessments"), ("get", "/v1/reconciliations")},
    "certificates": {("get", "/v1/me/certificates"), ("get", "/v1/me/access-log")},
    "realestate": {
        ("get", "/v1/me/cases"),
        ("get", "/v1/queue"),
        ("get", "/v1/rectifications"),
        ("get", "/v1/units/{code}/history"),
    },
    "devbank": set(),
}
SERVICES = tuple(PAGED)


@cache
def _document(name: str) -> dict[str, Any]:
    if name == "devbank":  # a development stand-in, not a ServiceRuntime
        app = FastAPI()
        app.include_router(devbank)
        return app.openapi()
    return runtime(name).api.openapi()


def _operations(name: str) -> list[tuple[str, str, dict[str, Any]]]:
    document = _document(name)
    return [
        (method, path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def _success_schema(name: str, operation: dict[str, Any]) -> dict[str, Any]:
    document = _document(name)
    (status,) = [s for s in operation["responses"] if s.startswith("2")]
    content = operation["responses"][status].get("content", {})
    if "text/html" in content:  # a page for people (the devbank cashier), not an answer
        return {"properties": {"(an HTML page)": content["text/html"]}}
    assert "application/json" in content, f"status {status} documents no JSON answer"
    return _resolve(content["application/json"].get("schema", {}), document)


@pytest.mark.parametrize("name", SERVICES)
def test_every_operation_documents_its_success_answer(name: str):
    undocumented = []
    for method, path, operation in _operations(name):
        schema = _success_schema(name, operation)
        if not schema.get("properties"):  # an object with named members, never `{}`
            undocumented.append(f"{method.upper()} {path}: {schema}")
    assert not undocumented, "\n".join(undocumented)


@pytest.mark.parametrize("name", SERVICES)
def test_every_list_answer_pages_and_nothing_else_claims_to(name: str):
    paged = set()
    for method, path, operation in _operations(name):
        schema = _success_schema(name, operation)
        parameters = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        if "next_cursor" in schema.get("properties", {}):
            paged.add((method, path))
            assert {"limit", "cursor"} <= set(parameters), f"{method} {path}"
            limit = parameters["limit"]["schema"]
            assert limit["minimum"] == 1 and limit["maximum"] >= limit["default"] >= 100
    assert paged == PAGED[name]

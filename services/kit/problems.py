"""Every error answer over HTTP: RFC 9457 problem details (`application/problem+json`).

One shape for every refusal of every service: `type` (always `about:blank`: the status
says what happened), `title` (the status phrase), `status`, `detail` (a human-readable
sentence), and the members clients read: `field` (the field, header, `token`, `broker` …
at fault) and `reason` (why). Some answers add context (`open_case`, `expected_fen`,
`problems`: every field at fault, `findings`). Authentication refusals (RFC 6750) have no
field: `detail` says why, and `WWW-Authenticate` too.

`install(app)` makes a FastAPI app answer so: a `DomainError` (kit/errors.py), an
`HTTPException` (authentication, unknown routes) and FastAPI's request validation all
become problem details, and the OpenAPI document says so (clients and the schema-driven
fuzz tests check answers against it).

Invalid input is 422 everywhere, whether pydantic or a domain rule finds it: the request
was well-formed (it parsed) but its content is wrong (RFC 9110 §15.5.21), and a field's
error then has one status whichever layer catches it. 400 is left for what does not parse.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.kit.errors import DomainError, Kind

MEDIA_TYPE: Final = "application/problem+json"

STATUS: Final = {
    Kind.INVALID: 422,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.FORBIDDEN: 403,
    Kind.UNAVAILABLE: 503,
}

_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


class FieldProblem(BaseModel):
    field: str
    reason: str


class Problem(BaseModel):
    """RFC 9457 problem details, with the field at fault and why."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(default="about:blank", description="about:blank: the status says it")
    title: str = Field(description="the HTTP status phrase")
    status: int
    detail: str | None = Field(default=None, description="what went wrong, for a person")
    field: str | None = Field(default=None, description="the field (or header, token …) at fault")
    reason: str | None = Field(default=None, description="why it is at fault")
    problems: list[FieldProblem] | None = Field(
        default=None, description="every field at fault, when there are several"
    )


def answer(
    status: int,
    field: str | None = None,
    reason: str | None = None,
    *,
    detail: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """A problem-details answer; `extra` members never replace the standard ones."""
    body: dict[str, Any] = dict(jsonable_encoder(extra or {}))
    body.update(type="about:blank", title=_title(status), status=status)
    if field is not None:
        body.update(field=field, reason=reason or "")
    if detail is None and field is not None:
        detail = f"{field}: {reason}"
    if detail is not None:
        body["detail"] = detail
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=MEDIA_TYPE
    )


def for_error(error: DomainError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return answer(STATUS[error.kind], error.field, error.reason, headers=headers, extra=error.extra)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return for_error(exc)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = exc.headers
    detail: Any = exc.detail
    if isinstance(detail, Mapping) and "field" in detail:
        extra = {k: v for k, v in detail.items() if k not in ("field", "reason")}
        reason = str(detail.get("reason", ""))
        return answer(exc.status_code, str(detail["field"]), reason, headers=headers, extra=extra)
    if isinstance(detail, str):
        return answer(exc.status_code, detail=detail, headers=headers)
    return answer(exc.status_code, headers=headers)


def _field_of(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in location]
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    found = [
        {"field": _field_of(e.get("loc", ())), "reason": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    first = found[0] if found else {"field": "body", "reason": "invalid"}
    return answer(422, first["field"], first["reason"], extra={"problems": found})


def _problem_json_in_openapi(schema: dict[str, Any]) -> None:
    """Error answers are documented as `application/problem+json`, not FastAPI's default."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status.isdigit() and int(status) >= 400 and "application/json" in content:
                    ref = content["application/json"].get("schema", {}).get("$ref", "")
                    if ref.endswith("/Problem"):
                        response["content"] = {MEDIA_TYPE: content["application/json"]}


def install(app: FastAPI) -> None:
    """Answer every error of `app` with problem details, and document them so."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _problem_json_in_openapi(build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


_MEANING: Final = {
    400: "The body could not be parsed (not JSON, not UTF-8)",
    401: "No valid bearer token (why: `detail` and `WWW-Authenticate`)",
    403: "Authenticated, but not allowed to do this",
    404: "Not found, or not visible to the caller",
    409: "Refused in the current state (with the reason)",
    422: "Invalid input (the field at fault and why; `problems`: every one)",
    503: "The event log (broker) or a service this one depends on is unavailable; retry",
}

# For `APIRouter(responses=...)`: the errors any route of a router may answer with.
RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    status: {"model": Problem, "description": text} for status, text in _MEANING.items()
}

"""What an error answer looks like, for the OpenAPI documents.

Every refusal is `{"detail": ...}`: a reason string (authentication, RFC 6750), an object
naming the field at fault and why (every service refusal, and 503 when the broker is
away), or FastAPI's list of validation errors. Documenting them keeps the published
schema true (clients and the schema-driven fuzz tests check answers against it).
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict


class FieldProblem(BaseModel):
    """The field (or header, or `broker`) at fault and why; some answers add context."""

    model_config = ConfigDict(extra="allow")
    field: str
    reason: str


class Problem(BaseModel):
    detail: str | FieldProblem | list[dict[str, Any]]


_MEANING: Final = {
    400: "The body could not be parsed (not JSON, not UTF-8)",
    401: "No valid bearer token (the reason is in `detail` and `WWW-Authenticate`)",
    403: "Authenticated, but not allowed to do this",
    404: "Not found, or not visible to the caller",
    409: "Refused in the current state (with the reason)",
    422: "Invalid input (the field at fault and why)",
    503: "The event log (broker) or a service this one depends on is unavailable; retry",
}

# For `APIRouter(responses=...)`: the errors any route of a router may answer with.
RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    status: {"model": Problem, "description": text} for status, text in _MEANING.items()
}

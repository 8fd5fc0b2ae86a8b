"""The one error a command or a query refuses with: what kind of refusal, the field at
fault, and why.

Pure (no framework): domain and rule modules raise it; `kit/problems.py` answers it over
HTTP as RFC 9457 problem details, `kit/grpc_errors.py` over gRPC as `google.rpc.Status`
with a `BadRequest` field violation. The kind says which status; nothing here knows one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Kind(StrEnum):
    INVALID = "invalid"  # the input is well-formed but wrong (HTTP 422, INVALID_ARGUMENT)
    NOT_FOUND = "not_found"  # absent, or not visible to the caller (404, NOT_FOUND)
    CONFLICT = "conflict"  # refused in the current state (409, FAILED_PRECONDITION)
    FORBIDDEN = "forbidden"  # the caller may not do this (403, PERMISSION_DENIED)
    UNAVAILABLE = "unavailable"  # a dependency is away; retry (503, UNAVAILABLE)


# The gRPC status names the earlier per-service error classes took, so code written
# against them still reads right: DomainError("FAILED_PRECONDITION", ...) is a conflict.
_GRPC_NAMES: Final = {
    "INVALID_ARGUMENT": Kind.INVALID,
    "NOT_FOUND": Kind.NOT_FOUND,
    "FAILED_PRECONDITION": Kind.CONFLICT,
    "PERMISSION_DENIED": Kind.FORBIDDEN,
    "UNAVAILABLE": Kind.UNAVAILABLE,
}
GRPC_CODE: Final = {kind: name for name, kind in _GRPC_NAMES.items()}


class DomainError(Exception):
    """A refusal: its kind, the field (or header, or `broker`) at fault, and why.

    `extra` carries context an answer adds as members (e.g. `open_case`, `problems`)."""

    def __init__(self, kind: Kind | str, field: str, reason: str, **extra: object) -> None:
        super().__init__(f"{field}: {reason}")
        self.kind = kind if isinstance(kind, Kind) else _GRPC_NAMES.get(kind) or Kind(kind)
        self.field = field
        self.reason = reason
        self.extra = extra

    @property
    def code(self) -> str:
        """The gRPC status name (metrics labels, the gRPC answer)."""
        return GRPC_CODE[self.kind]


def invalid(field: str, reason: str, **extra: object) -> DomainError:
    return DomainError(Kind.INVALID, field, reason, **extra)


def not_found(field: str, reason: str, **extra: object) -> DomainError:
    return DomainError(Kind.NOT_FOUND, field, reason, **extra)


def conflict(field: str, reason: str, **extra: object) -> DomainError:
    return DomainError(Kind.CONFLICT, field, reason, **extra)


def forbidden(field: str, reason: str, **extra: object) -> DomainError:
    return DomainError(Kind.FORBIDDEN, field, reason, **extra)


def unavailable(field: str, reason: str, **extra: object) -> DomainError:
    return DomainError(Kind.UNAVAILABLE, field, reason, **extra)

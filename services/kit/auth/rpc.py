"""Bearer tokens on gRPC calls.

A servicer: ``principal = await grpc_principal(context, verifier, kind="department")``
aborts the call with UNAUTHENTICATED / PERMISSION_DENIED and the reason.  Clients send
:func:`bearer_metadata` (``authorization: Bearer <jwt>``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, NoReturn

import grpc

from services.kit.auth.errors import AuthError, unauthenticated
from services.kit.auth.principals import Principal, check_access
from services.kit.auth.verifier import TokenVerifier, bearer_token

GrpcMetadata = Iterable[tuple[str, str | bytes]]


def bearer_metadata(token: str) -> tuple[tuple[str, str], ...]:
    """Call metadata carrying *token* (``metadata=bearer_metadata(token)`` on a stub call)."""
    return (("authorization", f"Bearer {token}"),)


def principal_from_grpc_metadata(
    metadata: GrpcMetadata | None, verifier: TokenVerifier
) -> Principal:
    """The principal of the call's ``authorization`` metadata (Bearer JWT), or AuthError."""
    values = [v for k, v in (metadata or ()) if k.lower() == "authorization"]
    if len(values) > 1:
        raise unauthenticated("more than one authorization metadata entry")
    if not values:
        raise unauthenticated("missing bearer token")
    value = values[0]
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            raise unauthenticated("malformed authorization metadata: not ASCII") from None
    return verifier.verify(bearer_token(value))


async def _abort(context: grpc.aio.ServicerContext[Any, Any], error: AuthError) -> NoReturn:
    if error.status == 401:
        code = grpc.StatusCode.UNAUTHENTICATED
    else:
        code = grpc.StatusCode.PERMISSION_DENIED
    await context.abort(code, error.reason)


async def grpc_principal(
    context: grpc.aio.ServicerContext[Any, Any],
    verifier: TokenVerifier,
    *,
    kind: str | Collection[str] | None = None,
    roles: Collection[str] = (),
    department: str | None = None,
) -> Principal:
    """The caller of a gRPC method; aborts the call with UNAUTHENTICATED (no or bad token)
    or PERMISSION_DENIED (wrong kind, role or department) and the reason.

    Department-to-department calls: ``await grpc_principal(context, verifier,
    kind="department")``; the token's ``sub`` is the department's USCC, ``dept`` its code.
    """
    try:
        principal = principal_from_grpc_metadata(context.invocation_metadata(), verifier)
        return check_access(principal, kind=kind, roles=roles, department=department)
    except AuthError as err:
        await _abort(context, err)

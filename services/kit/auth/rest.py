"""Bearer tokens on FastAPI routes, deny by default.

``install_verifier(app, verifier)`` once, then ``principal: CurrentPrincipal`` (any
authenticated caller) or ``Depends(require(kind="staff", roles={"reviewer"}))`` on a route
or a router (``dependencies=[...]``).  An explicit verifier also works:
``auth = principal_dependency(verifier)``, ``Depends(auth)``, ``auth.require(...)``.
Failures are 401 with ``WWW-Authenticate: Bearer ...`` (RFC 6750) or 403 with a reason.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Collection
from typing import Annotated, Final

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.kit.auth.claims import AUDIENCE
from services.kit.auth.errors import AuthError
from services.kit.auth.principals import Principal, check_access, kinds_of
from services.kit.auth.verifier import TokenVerifier, bearer_token

# Declares the bearer scheme in the OpenAPI document (docs, schema-driven fuzzing); the
# header itself is parsed below so every failure gets its own reason.
_bearer_scheme = HTTPBearer(auto_error=False, bearerFormat="JWT")
_DESCRIPTION_UNSAFE = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e]")


def _challenge(error: AuthError) -> str:
    if error.reason == "missing bearer token":  # RFC 6750 3.1: no error code then
        return f'Bearer realm="{AUDIENCE}"'
    description = _DESCRIPTION_UNSAFE.sub("?", error.reason)[:200]
    return f'Bearer realm="{AUDIENCE}", error="invalid_token", error_description="{description}"'


def http_error(error: AuthError) -> HTTPException:
    """The HTTP answer for *error*: 401 with a Bearer challenge, or 403."""
    if error.status == 401:
        return HTTPException(401, error.reason, headers={"WWW-Authenticate": _challenge(error)})
    return HTTPException(error.status, error.reason)


_STATE_KEY: Final = "govshare_token_verifier"


def install_verifier(app: FastAPI, verifier: TokenVerifier) -> None:
    """Make *verifier* the one :data:`current_principal` and :func:`require` use in *app*."""
    setattr(app.state, _STATE_KEY, verifier)


class PrincipalDependency:
    """``Depends(auth)``: the authenticated principal of the request, or 401.

    With a *verifier* it uses that one; without (:data:`current_principal`) it uses the
    verifier :func:`install_verifier` put on the application.
    """

    def __init__(self, verifier: TokenVerifier | None = None) -> None:
        self.verifier = verifier

    def _verifier_of(self, request: Request) -> TokenVerifier:
        if self.verifier is not None:
            return self.verifier
        verifier = getattr(request.app.state, _STATE_KEY, None)
        if not isinstance(verifier, TokenVerifier):
            # A wiring bug, not the caller's fault: a 500 that says what is missing.
            raise RuntimeError(
                "no token verifier on this app: call services.kit.auth.install_verifier"
            )
        return verifier

    async def __call__(
        self,
        request: Request,
        _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
    ) -> Principal:
        verifier = self._verifier_of(request)
        try:
            return verifier.verify(bearer_token(request.headers.get("authorization")))
        except AuthError as err:
            raise http_error(err) from None

    def require(
        self,
        *,
        kind: str | Collection[str] | None = None,
        roles: Collection[str] = (),
        department: str | None = None,
    ) -> Callable[..., Awaitable[Principal]]:
        """A dependency: the principal if it is of *kind* (one of, if several), has one of
        *roles* (if given) and belongs to *department* (if given); 401 when not
        authenticated, 403 with a reason when not allowed."""
        kinds_of(kind)  # a misspelt kind fails when the route is declared, not per request

        async def dependency(principal: Principal) -> Principal:
            try:
                return check_access(principal, kind=kind, roles=roles, department=department)
            except AuthError as err:
                raise http_error(err) from None

        # The parameter depends on *self*: annotations are strings in this module
        # (postponed evaluation) and FastAPI resolves them in module globals only, so the
        # signature is given as objects.
        dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [
                inspect.Parameter(
                    "principal",
                    inspect.Parameter.POSITIONAL_OR_KEYWORD,
                    annotation=Annotated[Principal, Depends(self)],
                )
            ],
            return_annotation=Principal,
        )
        return dependency


def principal_dependency(verifier: TokenVerifier) -> PrincipalDependency:
    """A FastAPI dependency returning the caller's :class:`Principal` (401 otherwise),
    verified by *verifier*; ``auth.require(...)`` narrows it like :func:`require`."""
    return PrincipalDependency(verifier)


# The principal of a request to an app that :func:`install_verifier` was called on.
current_principal: Final = PrincipalDependency()
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(
    *,
    kind: str | Collection[str] | None = None,
    roles: Collection[str] = (),
    department: str | None = None,
) -> Callable[..., Awaitable[Principal]]:
    """:data:`current_principal`, narrowed: ``Depends(require(kind="citizen"))``,
    ``Depends(require(kind="staff", roles={"reviewer"}, department="tax"))``.
    401 when not authenticated, 403 with a reason when not allowed."""
    return current_principal.require(kind=kind, roles=roles, department=department)

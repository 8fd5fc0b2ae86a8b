"""Development tokens: :func:`mint_dev_token` signs a token for any principal, with the
published development key by default (``govshare token``, the portal's development
sign-in, the tests and the departments' development credentials)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.kit.auth.claims import AUDIENCE, DEV_ISSUER, principal_of
from services.kit.auth.errors import AuthError
from services.kit.auth.keys import DEV_KEY_ID, dev_private_key, encode_token

DEFAULT_TTL_S: Final = 3600


def mint_dev_token(
    kind: str,
    subject: str,
    *,
    department: str | None = None,
    roles: Iterable[str] = (),
    region: str | None = None,
    name: str | None = None,
    ttl_s: int = DEFAULT_TTL_S,
    key: Ed25519PrivateKey | None = None,
    kid: str = DEV_KEY_ID,
    issuer: str = DEV_ISSUER,
    audience: str = AUDIENCE,
    now: float | None = None,
) -> str:
    """A signed token for a development principal (the development key by default).

    The claims are checked exactly as the verifier checks them, so a bad subject, a staff
    token without region, ... fail here with the verifier's reason (ValueError), not later
    as a 401.
    """
    if ttl_s <= 0:
        raise ValueError(f"ttl_s must be positive, got {ttl_s}")
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_s,
        "kind": kind,
        "roles": sorted(set(roles)),
    }
    for claim, value in (("dept", department), ("region", region), ("name", name)):
        if value is not None:
            claims[claim] = value
    try:
        principal_of(claims)
    except AuthError as err:
        raise ValueError(err.reason) from None
    return encode_token(claims, key=key or dev_private_key(), kid=kid)

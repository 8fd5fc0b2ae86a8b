"""Whether a bearer token is good: :class:`TokenVerifier` (by key id, deny by default) and
the verifier a process builds from its settings (:func:`verifier_from_settings`).

Tokens are compact JWS, ``alg`` EdDSA (Ed25519 keys), a ``kid`` header naming the
verifying key; their claims are checked by :mod:`services.kit.auth.claims`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from services.kit.auth.claims import (
    AUDIENCE,
    DEV_ISSUER,
    PRODUCTION_ISSUER,
    REQUIRED_CLAIMS,
    principal_of,
)
from services.kit.auth.errors import AuthConfigError, show, unauthenticated
from services.kit.auth.keys import ALGORITHM, DEV_KEY_ID, dev_public_key, load_public_keys, raw
from services.kit.auth.principals import Principal
from services.kit.settings import Environment

# Hostile input: a token larger than this is refused before it is parsed.
MAX_TOKEN_BYTES: Final = 8192
DEFAULT_LEEWAY_S: Final = 30.0

_COMPACT_JWS_RE: Final = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


class TokenVerifier:
    """Verifies bearer tokens against trusted Ed25519 public keys, by key id."""

    def __init__(
        self,
        public_keys: Mapping[str, Ed25519PublicKey],
        audience: str = AUDIENCE,
        issuers: Iterable[str] = (DEV_ISSUER,),
        *,
        leeway_s: float = DEFAULT_LEEWAY_S,
    ) -> None:
        self.public_keys = dict(public_keys)
        self.audience = audience
        self.issuers = frozenset(issuers)
        self.leeway_s = leeway_s
        if not self.public_keys:
            raise AuthConfigError("a token verifier needs at least one public key")
        if not self.issuers:
            raise AuthConfigError("a token verifier needs at least one trusted issuer")
        for kid, key in self.public_keys.items():
            if not isinstance(key, Ed25519PublicKey):
                raise AuthConfigError(f"key {kid!r} is not an Ed25519 public key")

    @property
    def trusts_dev_key(self) -> bool:
        dev = raw(dev_public_key())
        return DEV_KEY_ID in self.public_keys or any(
            raw(k) == dev for k in self.public_keys.values()
        )

    def verify(self, token: str | None) -> Principal:
        """The principal of *token*, or AuthError(401, reason)."""
        if token is None or not token.strip():
            raise unauthenticated("missing bearer token")
        token = token.strip()
        if len(token) > MAX_TOKEN_BYTES:
            raise unauthenticated(f"malformed token: longer than {MAX_TOKEN_BYTES} bytes")
        if not _COMPACT_JWS_RE.fullmatch(token):
            raise unauthenticated("malformed token: not three base64url parts joined by '.'")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as err:
            raise unauthenticated(f"malformed token: {err}") from None
        alg = header.get("alg")
        if alg != ALGORITHM:
            raise unauthenticated(f"algorithm {show(alg)} not allowed (only {ALGORITHM})")
        if "crit" in header:
            raise unauthenticated("malformed token: critical header extensions not supported")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise unauthenticated("key id (kid) missing from the token header")
        key = self.public_keys.get(kid)
        if key is None:
            raise unauthenticated(f"unknown key id {show(kid)}")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuers,
                leeway=self.leeway_s,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.InvalidSignatureError:
            raise unauthenticated("bad signature") from None
        except jwt.ExpiredSignatureError:
            raise unauthenticated("token expired") from None
        except jwt.ImmatureSignatureError:
            raise unauthenticated("token not yet valid (nbf or iat in the future)") from None
        except jwt.InvalidAudienceError:
            raise unauthenticated(f"wrong audience (expected {self.audience!r})") from None
        except jwt.InvalidIssuerError:
            raise unauthenticated("untrusted issuer") from None
        except jwt.MissingRequiredClaimError as err:
            raise unauthenticated(f"claim {err.claim} missing") from None
        except jwt.InvalidIssuedAtError:
            raise unauthenticated("claim iat invalid: not a number") from None
        except jwt.exceptions.InvalidSubjectError:
            raise unauthenticated("claim sub invalid: not a string") from None
        except jwt.DecodeError as err:
            raise unauthenticated(f"malformed token: {err}") from None
        except jwt.InvalidTokenError as err:  # any other claim check of the JWT layer
            raise unauthenticated(f"invalid token: {err}") from None
        return principal_of(claims)


def verifier_from_settings(
    env: str | Environment,
    public_keys: str | Sequence[str] = "",
    *,
    issuers: str | Iterable[str] = "",
    audience: str = AUDIENCE,
    leeway_s: float = DEFAULT_LEEWAY_S,
) -> TokenVerifier:
    """The verifier a process uses, from its settings.

    *public_keys*: a JWKS JSON string, or PEM/JWKS file paths (comma-separated or a list).
    *issuers*: trusted ``iss`` values (comma-separated or a list); default
    ``"govshare"``.  Production raises :class:`AuthConfigError` (the process must not
    start) when no key is configured or when the development key or issuer is among them.
    Development and test trust the development key and issuer as well.
    """
    environment = Environment(env)
    keys = load_public_keys(public_keys)
    if isinstance(issuers, str):
        issuers = [i.strip() for i in issuers.split(",")]
    trusted = {i for i in issuers if i} or {PRODUCTION_ISSUER}
    if environment is Environment.PRODUCTION:
        if not keys:
            raise AuthConfigError(
                "production needs token verification keys: set GOVSHARE_AUTH_PUBLIC_KEYS "
                "to PEM public key files or a JWKS"
            )
        dev = raw(dev_public_key())
        for kid, key in keys.items():
            if kid == DEV_KEY_ID or raw(key) == dev:
                raise AuthConfigError(
                    f"key {kid!r} is the published development key; production refuses it "
                    "(anyone can sign with it)"
                )
        if DEV_ISSUER in trusted:
            raise AuthConfigError(
                f"issuer {DEV_ISSUER!r} is the development issuer; production refuses it"
            )
    else:
        if DEV_KEY_ID in keys and raw(keys[DEV_KEY_ID]) != raw(dev_public_key()):
            raise AuthConfigError(f"key id {DEV_KEY_ID!r} is reserved for the development key")
        keys[DEV_KEY_ID] = dev_public_key()
        trusted.add(DEV_ISSUER)
    return TokenVerifier(keys, audience, trusted, leeway_s=leeway_s)


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <jwt>`` value, or AuthError(401)."""
    if authorization is None or not authorization.strip():
        raise unauthenticated("missing bearer token")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise unauthenticated(f"authorization scheme {show(scheme, 20)} not supported (Bearer)")
    if not token.strip():
        raise unauthenticated("missing bearer token")
    return token.strip()

"""Who is calling: bearer JWTs (EdDSA / Ed25519) for REST and gRPC, deny by default.

Tokens
    Compact JWS, ``alg`` EdDSA (Ed25519 keys), a ``kid`` header naming the verifying key.
    Claims: ``iss``, ``aud`` ("govshare"), ``sub``, ``exp``, ``iat``, ``nbf`` and the
    govshare claims ``kind`` (citizen | enterprise | staff | department), ``dept``,
    ``roles``, ``region``, ``name``.  ``sub`` is the resident id of a citizen, the USCC of
    an enterprise or a department, the staff id of a staff member.  Staff carry ``dept``
    and a 6-digit ``region`` (GB/T 2260 division); departments carry ``dept``; citizens
    and enterprises carry neither.

Keys
    Production verifies against configured public keys (PEM files or a JWKS) and refuses
    to start without any, or with the development key among them.  Development and test
    also trust the development key: it is derived from :data:`DEV_SEED`, a seed published
    in this file, so that ``govshare token`` in one process mints tokens that a service in
    another process accepts.  Anyone can mint with it: it proves nothing outside a
    developer's machine.

Interfaces
    REST: ``install_verifier(app, verifier)`` once, then ``principal: CurrentPrincipal``
    (any authenticated caller) or ``Depends(require(kind="staff", roles={"reviewer"}))``
    on a route or a router (``dependencies=[...]``).  An explicit verifier also works:
    ``auth = principal_dependency(verifier)``, ``Depends(auth)``, ``auth.require(...)``.
    Failures are 401 with ``WWW-Authenticate: Bearer ...`` (RFC 6750) or 403 with a reason.
    gRPC: ``principal = await grpc_principal(context, verifier, kind="department")``
    aborts with UNAUTHENTICATED / PERMISSION_DENIED and the reason.  Clients send
    :func:`bearer_metadata` (``authorization: Bearer <jwt>``).
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import re
import time
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Final, Literal, NoReturn, get_args

import grpc
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.kit.identifiers import PROVINCE_CODES, check_resident_id, check_uscc, mask
from services.kit.settings import Environment

__all__ = [
    "ALGORITHM",
    "AUDIENCE",
    "DEV_ISSUER",
    "DEV_KEY_ID",
    "DEV_SEED",
    "KINDS",
    "PRODUCTION_ISSUER",
    "AuthConfigError",
    "AuthError",
    "CurrentPrincipal",
    "Kind",
    "Principal",
    "PrincipalDependency",
    "TokenVerifier",
    "bearer_metadata",
    "bearer_token",
    "check_access",
    "current_principal",
    "dev_private_key",
    "dev_public_key",
    "encode_token",
    "grpc_principal",
    "http_error",
    "install_verifier",
    "load_public_keys",
    "mint_dev_token",
    "principal_dependency",
    "principal_from_grpc_metadata",
    "public_jwks",
    "require",
    "require_role",
    "verifier_from_settings",
]

Kind = Literal["citizen", "enterprise", "staff", "department"]
KINDS: Final[frozenset[str]] = frozenset(get_args(Kind))

ALGORITHM: Final = "EdDSA"
AUDIENCE: Final = "govshare"
DEV_ISSUER: Final = "govshare-dev"
# The issuer production expects when GOVSHARE_AUTH_ISSUERS is not set.
PRODUCTION_ISSUER: Final = "govshare"
DEV_KEY_ID: Final = "govshare-dev"

# DEVELOPMENT ONLY.  This seed is public (it is in the source), so the private key derived
# from it is known to everyone: tokens it signs authenticate nobody.  Development and test
# trust it so that `govshare token` needs no shared state; production refuses to start when
# its public key is configured.
DEV_SEED: Final = b"govshare development signing key - published, never trust in production"

# Hostile input: a token larger than this is refused before it is parsed.
MAX_TOKEN_BYTES: Final = 8192
DEFAULT_TTL_S: Final = 3600
DEFAULT_LEEWAY_S: Final = 30.0
_REQUIRED_CLAIMS: Final = ("iss", "aud", "sub", "exp", "iat", "nbf", "kind")

_COMPACT_JWS_RE: Final = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_DEPT_RE: Final = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
_STAFF_ID_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_ROLE_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_REGION_RE: Final = re.compile(r"^[0-9]{6}$")
_MAX_ROLES: Final = 64
_MAX_NAME: Final = 128


# --- errors -------------------------------------------------------------------------------


class AuthError(Exception):
    """Authentication (``status`` 401) or authorization (403) failed, with a reason.

    Reasons never contain the token or an unmasked personal identifier.
    """

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def __repr__(self) -> str:
        return f"AuthError({self.status}, {self.reason!r})"


def _unauthenticated(reason: str) -> AuthError:
    return AuthError(401, reason)


def _forbidden(reason: str) -> AuthError:
    return AuthError(403, reason)


class AuthConfigError(ValueError):
    """The key/issuer configuration is unusable; the process must not start."""


# --- principals ---------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Principal:
    """An authenticated caller.

    ``subject``: resident id (citizen), USCC (enterprise, department) or staff id (staff).
    ``department``: department code for staff and departments ("realestate", "tax", ...).
    ``region``: 6-digit GB/T 2260 division code of a staff member's jurisdiction.
    """

    kind: Kind
    subject: str
    department: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    region: str | None = None
    name: str | None = None

    def is_holder(self, holder_id: str) -> bool:
        """True if this caller is the holder *holder_id* itself (a citizen or enterprise).

        Staff and departments act for a department and are never the holder, even when a
        department's USCC holds a certificate: that is read by the department's own
        enterprise-kind login, not by a service credential.
        """
        if self.kind not in ("citizen", "enterprise"):
            return False
        return holder_id.strip() == self.subject

    def has_role(self, *roles: str) -> bool:
        """True if the principal has at least one of *roles*."""
        return any(role in self.roles for role in roles)

    def covers_region(self, division: str) -> bool:
        """True if a staff member's region contains the 6-digit *division* code.

        ``370000`` (province) covers ``3701xx``; ``370100`` (city) covers ``370102``;
        ``370102`` covers only itself.  Principals without a region cover nothing.
        """
        if self.region is None or not _REGION_RE.fullmatch(division):
            return False
        prefix = self.region
        for _ in range(2):
            if prefix.endswith("00"):
                prefix = prefix[:-2]
        return division.startswith(prefix)

    @property
    def masked_subject(self) -> str:
        """The subject as it may appear in logs (resident ids masked)."""
        return mask(self.subject) if self.kind == "citizen" else self.subject

    def __repr__(self) -> str:  # never the unmasked resident id, even in a traceback
        return (
            f"Principal(kind={self.kind!r}, subject={self.masked_subject!r}, "
            f"department={self.department!r}, roles={sorted(self.roles)!r}, "
            f"region={self.region!r})"
        )


def require_role(principal: Principal, *roles: str) -> Principal:
    """Raise AuthError(403) unless *principal* has at least one of *roles*."""
    if not roles:
        raise ValueError("require_role needs at least one role")
    if not principal.has_role(*roles):
        wanted = " or ".join(repr(r) for r in roles)
        raise _forbidden(f"role {wanted} required")
    return principal


def _kinds(kind: str | Collection[str] | None) -> frozenset[str] | None:
    if kind is None:
        return None
    kinds = frozenset({kind} if isinstance(kind, str) else kind)
    unknown = kinds - KINDS
    if unknown or not kinds:
        raise ValueError(f"unknown principal kind(s) {sorted(unknown)}; expected {sorted(KINDS)}")
    return kinds


def check_access(
    principal: Principal,
    *,
    kind: str | Collection[str] | None = None,
    roles: Collection[str] = (),
    department: str | None = None,
) -> Principal:
    """Raise AuthError(403) unless *principal* is of *kind* (one of, if several), has one
    of *roles* (if any are given) and belongs to *department* (if given)."""
    kinds = _kinds(kind)
    if kinds is not None and principal.kind not in kinds:
        allowed = " or ".join(sorted(kinds))
        raise _forbidden(f"only {allowed} callers may do this (caller is {principal.kind})")
    if department is not None and principal.department != department:
        raise _forbidden(f"only department {department!r} may do this")
    if roles:
        require_role(principal, *sorted(roles))
    return principal


# --- keys ---------------------------------------------------------------------------------


def dev_private_key() -> Ed25519PrivateKey:
    """The DEVELOPMENT signing key, derived from the published :data:`DEV_SEED`."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(DEV_SEED).digest())


def dev_public_key() -> Ed25519PublicKey:
    return dev_private_key().public_key()


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_jwks(keys: Mapping[str, Ed25519PublicKey]) -> dict[str, Any]:
    """A JWKS (RFC 7517 / RFC 8037 OKP keys) of *keys*, e.g. to publish or configure."""
    return {
        "keys": [
            {"kty": "OKP", "crv": "Ed25519", "alg": ALGORITHM, "use": "sig", "kid": kid,
             "x": _b64url(_raw(key))}
            for kid, key in keys.items()
        ]
    }  # fmt: skip


def _keys_from_jwks(text: str, origin: str) -> dict[str, Ed25519PublicKey]:
    try:
        doc = json.loads(text)
    except ValueError as err:
        raise AuthConfigError(f"{origin}: not valid JSON ({err})") from None
    entries = doc.get("keys") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise AuthConfigError(f'{origin}: a JWKS is an object with a "keys" list')
    keys: dict[str, Ed25519PublicKey] = {}
    for i, entry in enumerate(entries):
        where = f"{origin} key #{i}"
        if not isinstance(entry, dict):
            raise AuthConfigError(f"{where}: not an object")
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthConfigError(f'{where}: "kid" missing')
        where = f"{origin} key {kid!r}"
        if "d" in entry:
            raise AuthConfigError(f"{where}: holds a private key; configure public keys only")
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            raise AuthConfigError(
                f"{where}: kty/crv is {entry.get('kty')!r}/{entry.get('crv')!r}; "
                "only OKP/Ed25519 keys are accepted"
            )
        if entry.get("alg", ALGORITHM) != ALGORITHM or entry.get("use", "sig") != "sig":
            raise AuthConfigError(f'{where}: must be alg "EdDSA", use "sig"')
        x = entry.get("x")
        try:
            raw = _b64url_decode(x) if isinstance(x, str) else b""
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise AuthConfigError(f'{where}: "x" is not a base64url 32-byte Ed25519 key')
        if kid in keys:
            raise AuthConfigError(f"{where}: key id used twice")
        keys[kid] = Ed25519PublicKey.from_public_bytes(raw)
    return keys


def _key_from_pem(path: Path) -> Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise AuthConfigError(f"public key file {path}: {err.strerror or err}") from None
    if b"PRIVATE KEY" in data:
        raise AuthConfigError(f"{path}: holds a private key; configure public keys only")
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as err:
        raise AuthConfigError(f"{path}: not a PEM public key ({err})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AuthConfigError(f"{path}: {type(key).__name__} is not an Ed25519 public key")
    return key


def load_public_keys(source: str | Sequence[str]) -> dict[str, Ed25519PublicKey]:
    """Keys from a JWKS JSON string, or from files (comma-separated string or a list).

    A file holding JSON is read as a JWKS (key ids from the JWKS); any other file is a PEM
    ``PUBLIC KEY`` whose key id is the file name without its extension
    (``/etc/govshare/keys/idp-2026.pem`` -> ``idp-2026``).
    """
    if isinstance(source, str):
        if source.lstrip().startswith("{"):
            return _keys_from_jwks(source, "JWKS")
        paths = [p.strip() for p in source.split(",") if p.strip()]
    else:
        paths = [p.strip() for p in source if p.strip()]
    keys: dict[str, Ed25519PublicKey] = {}
    for name in paths:
        path = Path(name)
        try:
            head = path.read_bytes()[:64].lstrip()
        except OSError as err:
            raise AuthConfigError(f"public key file {path}: {err.strerror or err}") from None
        found = (
            _keys_from_jwks(path.read_text(encoding="utf-8"), str(path))
            if head.startswith(b"{")
            else {path.stem: _key_from_pem(path)}
        )
        for kid, key in found.items():
            if kid in keys:
                raise AuthConfigError(f"key id {kid!r} ({path}) is configured twice")
            keys[kid] = key
    return keys


# --- minting ------------------------------------------------------------------------------


def encode_token(
    claims: Mapping[str, Any],
    *,
    key: Ed25519PrivateKey,
    kid: str,
    headers: Mapping[str, Any] | None = None,
) -> str:
    """Sign *claims* as they are (no checks): the primitive under :func:`mint_dev_token`,
    also for tests and for a test identity provider."""
    return jwt.encode(
        dict(claims), key, algorithm=ALGORITHM, headers={"kid": kid, **(headers or {})}
    )


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
        _principal_of(claims)
    except AuthError as err:
        raise ValueError(err.reason) from None
    return encode_token(claims, key=key or dev_private_key(), kid=kid)


# --- verification -------------------------------------------------------------------------


def _show(value: object, limit: int = 40) -> str:
    """A caller-supplied value, clipped and ASCII-escaped, for a reason."""
    text = ascii(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _optional_str(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _unauthenticated(f"claim {name} invalid: not a string")
    return value


def _principal_of(claims: Mapping[str, Any]) -> Principal:
    """Check the govshare claims and build the principal (registered claims are checked
    by the JWT layer)."""
    kind = claims.get("kind")
    if kind is None:
        raise _unauthenticated("claim kind missing")
    if kind not in KINDS:
        raise _unauthenticated(
            f"claim kind invalid: {_show(kind)} is not one of {', '.join(sorted(KINDS))}"
        )
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise _unauthenticated("claim sub missing")

    if kind == "citizen":
        verdict = check_resident_id(subject)
        if not verdict.valid:
            raise _unauthenticated(f"subject is not a valid resident id: {verdict.reason}")
    elif kind in ("enterprise", "department"):
        verdict = check_uscc(subject)
        if not verdict.valid:
            raise _unauthenticated(f"subject is not a valid USCC: {verdict.reason}")
    elif not _STAFF_ID_RE.fullmatch(subject):
        raise _unauthenticated(
            "subject is not a valid staff id (1-64 letters, digits, '.', '_', '-')"
        )

    department = _optional_str(claims, "dept")
    region = _optional_str(claims, "region")
    name = _optional_str(claims, "name")
    if kind in ("staff", "department"):
        if department is None:
            raise _unauthenticated(f"claim dept missing (required for kind {kind})")
        if not _DEPT_RE.fullmatch(department):
            raise _unauthenticated(
                f"claim dept invalid: {_show(department)} is not a department code "
                "(lowercase letters, digits, '-')"
            )
    elif department is not None:
        raise _unauthenticated(f"claim dept not allowed for kind {kind}")

    if kind == "staff" and region is None:
        raise _unauthenticated("claim region missing (required for kind staff)")
    if region is not None:
        if kind in ("citizen", "enterprise"):
            raise _unauthenticated(f"claim region not allowed for kind {kind}")
        if not _REGION_RE.fullmatch(region) or region[:2] not in PROVINCE_CODES:
            raise _unauthenticated(
                f"claim region invalid: {_show(region)} is not a 6-digit GB/T 2260 division code"
            )

    raw_roles = claims.get("roles", [])
    if raw_roles is None:
        raw_roles = []
    if not isinstance(raw_roles, list) or not all(isinstance(r, str) for r in raw_roles):
        raise _unauthenticated("claim roles invalid: not a list of strings")
    if len(raw_roles) > _MAX_ROLES:
        raise _unauthenticated(f"claim roles invalid: more than {_MAX_ROLES} roles")
    bad = [r for r in raw_roles if not _ROLE_RE.fullmatch(r)]
    if bad:
        raise _unauthenticated(f"claim roles invalid: {_show(bad[0])} is not a role name")

    if name is not None and len(name) > _MAX_NAME:
        raise _unauthenticated(f"claim name invalid: longer than {_MAX_NAME} characters")

    return Principal(
        kind=kind,
        subject=subject,
        department=department,
        roles=frozenset(raw_roles),
        region=region,
        name=name,
    )


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
        dev = _raw(dev_public_key())
        return DEV_KEY_ID in self.public_keys or any(
            _raw(k) == dev for k in self.public_keys.values()
        )

    def verify(self, token: str | None) -> Principal:
        """The principal of *token*, or AuthError(401, reason)."""
        if token is None or not token.strip():
            raise _unauthenticated("missing bearer token")
        token = token.strip()
        if len(token) > MAX_TOKEN_BYTES:
            raise _unauthenticated(f"malformed token: longer than {MAX_TOKEN_BYTES} bytes")
        if not _COMPACT_JWS_RE.fullmatch(token):
            raise _unauthenticated("malformed token: not three base64url parts joined by '.'")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as err:
            raise _unauthenticated(f"malformed token: {err}") from None
        alg = header.get("alg")
        if alg != ALGORITHM:
            raise _unauthenticated(f"algorithm {_show(alg)} not allowed (only {ALGORITHM})")
        if "crit" in header:
            raise _unauthenticated("malformed token: critical header extensions not supported")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _unauthenticated("key id (kid) missing from the token header")
        key = self.public_keys.get(kid)
        if key is None:
            raise _unauthenticated(f"unknown key id {_show(kid)}")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuers,
                leeway=self.leeway_s,
                options={"require": list(_REQUIRED_CLAIMS)},
            )
        except jwt.InvalidSignatureError:
            raise _unauthenticated("bad signature") from None
        except jwt.ExpiredSignatureError:
            raise _unauthenticated("token expired") from None
        except jwt.ImmatureSignatureError:
            raise _unauthenticated("token not yet valid (nbf or iat in the future)") from None
        except jwt.InvalidAudienceError:
            raise _unauthenticated(f"wrong audience (expected {self.audience!r})") from None
        except jwt.InvalidIssuerError:
            raise _unauthenticated("untrusted issuer") from None
        except jwt.MissingRequiredClaimError as err:
            raise _unauthenticated(f"claim {err.claim} missing") from None
        except jwt.InvalidIssuedAtError:
            raise _unauthenticated("claim iat invalid: not a number") from None
        except jwt.exceptions.InvalidSubjectError:
            raise _unauthenticated("claim sub invalid: not a string") from None
        except jwt.DecodeError as err:
            raise _unauthenticated(f"malformed token: {err}") from None
        except jwt.InvalidTokenError as err:  # any other claim check of the JWT layer
            raise _unauthenticated(f"invalid token: {err}") from None
        return _principal_of(claims)


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
        dev = _raw(dev_public_key())
        for kid, key in keys.items():
            if kid == DEV_KEY_ID or _raw(key) == dev:
                raise AuthConfigError(
                    f"key {kid!r} is the published development key; production refuses it "
                    "(anyone can sign with it)"
                )
        if DEV_ISSUER in trusted:
            raise AuthConfigError(
                f"issuer {DEV_ISSUER!r} is the development issuer; production refuses it"
            )
    else:
        if DEV_KEY_ID in keys and _raw(keys[DEV_KEY_ID]) != _raw(dev_public_key()):
            raise AuthConfigError(f"key id {DEV_KEY_ID!r} is reserved for the development key")
        keys[DEV_KEY_ID] = dev_public_key()
        trusted.add(DEV_ISSUER)
    return TokenVerifier(keys, audience, trusted, leeway_s=leeway_s)


# --- FastAPI ------------------------------------------------------------------------------

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


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <jwt>`` value, or AuthError(401)."""
    if authorization is None or not authorization.strip():
        raise _unauthenticated("missing bearer token")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise _unauthenticated(f"authorization scheme {_show(scheme, 20)} not supported (Bearer)")
    if not token.strip():
        raise _unauthenticated("missing bearer token")
    return token.strip()


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
        _kinds(kind)  # a misspelt kind fails when the route is declared, not per request

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


# --- gRPC ---------------------------------------------------------------------------------

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
        raise _unauthenticated("more than one authorization metadata entry")
    if not values:
        raise _unauthenticated("missing bearer token")
    value = values[0]
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            raise _unauthenticated("malformed authorization metadata: not ASCII") from None
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

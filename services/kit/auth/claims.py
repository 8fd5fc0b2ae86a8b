"""What a token says: its claims, and the principal they make once checked.

Claims: ``iss``, ``aud`` ("govshare"), ``sub``, ``exp``, ``iat``, ``nbf`` and the govshare
claims ``kind`` (citizen | enterprise | staff | department), ``dept``, ``roles``,
``region``, ``name``.  ``sub`` is the resident id of a citizen, the USCC of an enterprise
or a department, the staff id of a staff member.  Staff carry ``dept`` and a 6-digit
``region`` (GB/T 2260 division); departments carry ``dept``; citizens and enterprises
carry neither.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from services.kit.auth.errors import show, unauthenticated
from services.kit.auth.principals import KINDS, REGION_RE, Principal
from services.kit.identifiers import PROVINCE_CODES, check_resident_id, check_uscc

AUDIENCE: Final = "govshare"
DEV_ISSUER: Final = "govshare-dev"
# The issuer production expects when GOVSHARE_AUTH_ISSUERS is not set.
PRODUCTION_ISSUER: Final = "govshare"
# Registered claims the JWT layer requires; the govshare ones are checked below.
REQUIRED_CLAIMS: Final = ("iss", "aud", "sub", "exp", "iat", "nbf", "kind")

_DEPT_RE: Final = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
_STAFF_ID_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_ROLE_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_MAX_ROLES: Final = 64
_MAX_NAME: Final = 128


def _optional_str(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise unauthenticated(f"claim {name} invalid: not a string")
    return value


def principal_of(claims: Mapping[str, Any]) -> Principal:
    """Check the govshare claims and build the principal (registered claims are checked
    by the JWT layer)."""
    kind = claims.get("kind")
    if kind is None:
        raise unauthenticated("claim kind missing")
    if kind not in KINDS:
        raise unauthenticated(
            f"claim kind invalid: {show(kind)} is not one of {', '.join(sorted(KINDS))}"
        )
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise unauthenticated("claim sub missing")

    if kind == "citizen":
        verdict = check_resident_id(subject)
        if not verdict.valid:
            raise unauthenticated(f"subject is not a valid resident id: {verdict.reason}")
    elif kind in ("enterprise", "department"):
        verdict = check_uscc(subject)
        if not verdict.valid:
            raise unauthenticated(f"subject is not a valid USCC: {verdict.reason}")
    elif not _STAFF_ID_RE.fullmatch(subject):
        raise unauthenticated(
            "subject is not a valid staff id (1-64 letters, digits, '.', '_', '-')"
        )

    department = _optional_str(claims, "dept")
    region = _optional_str(claims, "region")
    name = _optional_str(claims, "name")
    if kind in ("staff", "department"):
        if department is None:
            raise unauthenticated(f"claim dept missing (required for kind {kind})")
        if not _DEPT_RE.fullmatch(department):
            raise unauthenticated(
                f"claim dept invalid: {show(department)} is not a department code "
                "(lowercase letters, digits, '-')"
            )
    elif department is not None:
        raise unauthenticated(f"claim dept not allowed for kind {kind}")

    if kind == "staff" and region is None:
        raise unauthenticated("claim region missing (required for kind staff)")
    if region is not None:
        if kind in ("citizen", "enterprise"):
            raise unauthenticated(f"claim region not allowed for kind {kind}")
        if not REGION_RE.fullmatch(region) or region[:2] not in PROVINCE_CODES:
            raise unauthenticated(
                f"claim region invalid: {show(region)} is not a 6-digit GB/T 2260 division code"
            )

    raw_roles = claims.get("roles", [])
    if raw_roles is None:
        raw_roles = []
    if not isinstance(raw_roles, list) or not all(isinstance(r, str) for r in raw_roles):
        raise unauthenticated("claim roles invalid: not a list of strings")
    if len(raw_roles) > _MAX_ROLES:
        raise unauthenticated(f"claim roles invalid: more than {_MAX_ROLES} roles")
    bad = [r for r in raw_roles if not _ROLE_RE.fullmatch(r)]
    if bad:
        raise unauthenticated(f"claim roles invalid: {show(bad[0])} is not a role name")

    if name is not None and len(name) > _MAX_NAME:
        raise unauthenticated(f"claim name invalid: longer than {_MAX_NAME} characters")

    return Principal(
        kind=kind,
        subject=subject,
        department=department,
        roles=frozenset(raw_roles),
        region=region,
        name=name,
    )

"""Who the caller is (:class:`Principal`) and what it may do (:func:`check_access`)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

from services.kit.auth.errors import forbidden
from services.kit.identifiers import mask

Kind = Literal["citizen", "enterprise", "staff", "department"]
KINDS: Final[frozenset[str]] = frozenset(get_args(Kind))

# A 6-digit GB/T 2260 division code: a staff member's region, a division it covers.
REGION_RE: Final = re.compile(r"^[0-9]{6}$")


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
        if self.region is None or not REGION_RE.fullmatch(division):
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
        raise forbidden(f"role {wanted} required")
    return principal


def kinds_of(kind: str | Collection[str] | None) -> frozenset[str] | None:
    """The kinds *kind* names (None: any), or ValueError for a misspelt one."""
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
    kinds = kinds_of(kind)
    if kinds is not None and principal.kind not in kinds:
        allowed = " or ".join(sorted(kinds))
        raise forbidden(f"only {allowed} callers may do this (caller is {principal.kind})")
    if department is not None and principal.department != department:
        raise forbidden(f"only department {department!r} may do this")
    if roles:
        require_role(principal, *sorted(roles))
    return principal

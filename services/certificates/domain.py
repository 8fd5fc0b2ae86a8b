"""Certificate registry rules: issuance, lifecycle, verification, evidence resolution.

Pure: no I/O, no framework imports. Inputs and outputs are the contract's protobuf
messages (plain data here) and small dataclasses; signing keys are passed in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common

from services.certificates import canonical, signatures
from services.certificates.catalog import Catalog, CertificateType, SharingEntry
from services.kit import identifiers
from services.kit.clock import timestamp as timestamp

# The one refusal (kit/errors.py), re-exported: the adapters and the registry catch it here.
from services.kit.errors import DomainError as DomainError
from services.kit.errors import conflict, forbidden
from services.kit.errors import invalid as invalid

ACTIVE = t.CERTIFICATE_STATUS_ACTIVE
SUSPENDED = t.CERTIFICATE_STATUS_SUSPENDED
REVOKED = t.CERTIFICATE_STATUS_REVOKED
SUPERSEDED = t.CERTIFICATE_STATUS_SUPERSEDED
MAX_VERSION = 999
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --- dates -----------------------------------------------------------------------------


def to_date(value: common.Date) -> date:
    return date(value.year, value.month, value.day)


def from_date(value: date) -> common.Date:
    return common.Date(year=value.year, month=value.month, day=value.day)


# --- issuance --------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueCommand:
    """What an issuing department asks for; `request_id` makes a retry harmless."""

    request_id: str
    type_code: str
    holder: common.Party
    issuer_uscc: str
    valid_from: date
    valid_until: date | None
    fields: Mapping[str, str]
    serial: str = ""
    version: int = 1
    supersedes_id: str = ""


def serial_for(issuer_uscc: str, type_code: str, request_id: str) -> str:
    """A deterministic serial: the same request always names the same certificate, so
    a redelivered issuing event cannot create a second one."""
    digest = int.from_bytes(
        hashlib.sha256(f"{issuer_uscc}|{type_code}|{request_id}".encode()).digest()[:10], "big"
    )
    out = ""
    while digest:
        digest, rest = divmod(digest, 36)
        out = _BASE36[rest] + out
    return out.rjust(16, "0")


def check_issue(cmd: IssueCommand, catalog: Catalog, *, department: str | None) -> CertificateType:
    """Validate a command; every problem names its field."""
    if not cmd.request_id:
        raise invalid("request_id", "required: it makes retries harmless")
    kind = catalog.types.get(cmd.type_code)
    if kind is None:
        raise invalid("type_code", f"{cmd.type_code!r} is not a certificate type of the catalog")
    verdict = identifiers.check_uscc(cmd.issuer_uscc)
    if not verdict.valid:
        raise invalid("issuer_uscc", verdict.reason or "invalid USCC")
    issuer = catalog.issuers.get(cmd.issuer_uscc)
    if issuer is None or cmd.type_code not in issuer.types:
        raise forbidden(
            "issuer_uscc",
            f"{cmd.issuer_uscc} may not issue {kind.name} ({cmd.type_code})",
        )
    if department is not None and issuer.department != department:
        raise forbidden(
            "issuer_uscc",
            f"department {department!r} does not act for {issuer.name}",
        )
    _check_holder(cmd.holder)
    if cmd.valid_until is not None and cmd.valid_until < cmd.valid_from:
        raise invalid("valid_until", f"{cmd.valid_until} is before valid_from {cmd.valid_from}")
    missing = [f for f in kind.required_fields if not cmd.fields.get(f)]
    if missing:
        raise invalid(f"fields.{missing[0]}", f"required for {kind.name}: {', '.join(missing)}")
    unknown = sorted(set(cmd.fields) - kind.allowed_fields)
    if unknown:
        raise invalid(f"fields.{unknown[0]}", f"not a field of {kind.name}")
    if cmd.serial and not all(c in _BASE36 for c in cmd.serial):
        raise invalid("serial", "only 0-9 and A-Z are allowed (GB/T 36904)")
    if not 1 <= cmd.version <= MAX_VERSION:
        raise invalid("version", f"must be 1..{MAX_VERSION}")
    return kind


def _check_holder(holder: common.Party) -> None:
    if holder.kind == common.PARTY_KIND_CITIZEN:
        verdict = identifiers.check_resident_id(holder.id)
    elif holder.kind in (common.PARTY_KIND_ENTERPRISE, common.PARTY_KIND_DEPARTMENT):
        verdict = identifiers.check_uscc(holder.id)
    else:
        raise invalid("holder.kind", "must be CITIZEN, ENTERPRISE or DEPARTMENT")
    if not verdict.valid:
        raise invalid("holder.id", verdict.reason or "invalid identifier")


def draft(
    cmd: IssueCommand, catalog: Catalog, *, issued_at: datetime, suite: int, key_id: str
) -> t.Certificate:
    """The certificate to sign: everything but the signature value."""
    kind = catalog.types[cmd.type_code]
    issuer = catalog.issuers[cmd.issuer_uscc]
    serial = cmd.serial or serial_for(cmd.issuer_uscc, cmd.type_code, cmd.request_id)
    cert = t.Certificate(
        id=identifiers.make_cert_id(cmd.type_code, cmd.issuer_uscc, serial, cmd.version),
        type_code=cmd.type_code,
        type_name=kind.name,
        holder=cmd.holder,
        issuer_uscc=cmd.issuer_uscc,
        issuer_name=issuer.name,
        serial=serial,
        version=cmd.version,
        valid_from=from_date(cmd.valid_from),
        issued_at=timestamp(issued_at),
        supersedes_id=cmd.supersedes_id,
        status=ACTIVE,
        signature=t.Signature(
            suite=suite,  # type: ignore[arg-type]
            key_id=key_id,
            canonicalization=t.CANONICALIZATION_JCS_V1,
        ),
    )
    if cmd.valid_until is not None:
        cert.valid_until.CopyFrom(from_date(cmd.valid_until))
    cert.fields.update(cmd.fields)
    return cert


def successor(
    current: t.Certificate,
    request_id: str,
    *,
    valid_from: date | None,
    valid_until: date | None,
    fields: Mapping[str, str],
) -> IssueCommand:
    """The command for the next version of `current` (更新); it keeps the serial."""
    check_transition(current, "supersede")
    if current.version >= MAX_VERSION:
        raise conflict("certificate_id", "no versions left (999)")
    merged = dict(current.fields)
    merged.update(fields)
    return IssueCommand(
        request_id=request_id,
        type_code=current.type_code,
        holder=current.holder,
        issuer_uscc=current.issuer_uscc,
        valid_from=valid_from or to_date(current.valid_from),
        valid_until=valid_until
        if valid_until is not None
        else (to_date(current.valid_until) if current.HasField("valid_until") else None),
        fields=merged,
        serial=current.serial,
        version=current.version + 1,
        supersedes_id=current.id,
    )


# --- lifecycle -------------------------------------------------------------------------

_ALLOWED_FROM = {
    "revoke": {ACTIVE, SUSPENDED},
    "suspend": {ACTIVE},
    "reinstate": {SUSPENDED},
    "supersede": {ACTIVE, SUSPENDED},
}
_RESULT = {"revoke": REVOKED, "suspend": SUSPENDED, "reinstate": ACTIVE, "supersede": SUPERSEDED}


def status_name(status: int) -> str:
    return t.CertificateStatus.Name(status).removeprefix("CERTIFICATE_STATUS_")


def check_transition(cert: t.Certificate, action: str) -> None:
    if cert.status not in _ALLOWED_FROM[action]:
        allowed = ", ".join(sorted(status_name(s) for s in _ALLOWED_FROM[action]))
        raise conflict(
            "certificate_id",
            f"cannot {action} a {status_name(cert.status)} certificate (only {allowed})",
        )


def ref(cert: t.Certificate) -> common.CertificateRef:
    return common.CertificateRef(
        certificate_id=cert.id, type_code=cert.type_code, version=cert.version
    )


@dataclass
class Dossier:
    """All current and past certificates of one holder (一企一档), in issue order."""

    certificates: list[t.Certificate] = field(default_factory=list)

    def find(self, certificate_id: str) -> t.Certificate | None:
        return next((c for c in self.certificates if c.id == certificate_id), None)

    def issued_for(self, request_id_serial: str, type_code: str, issuer: str) -> bool:
        return any(
            c.serial == request_id_serial and c.type_code == type_code and c.issuer_uscc == issuer
            for c in self.certificates
        )

    def current(self, type_code: str | None = None) -> list[t.Certificate]:
        return [
            c
            for c in self.certificates
            if c.status in (ACTIVE, SUSPENDED) and type_code in (None, c.type_code)
        ]


def apply_issued(dossier: Dossier, cert: t.Certificate) -> bool:
    """Add a certificate; False (no change) when that id is already there."""
    if dossier.find(cert.id) is not None:
        return False
    dossier.certificates.append(cert)
    return True


def apply_status(dossier: Dossier, certificate_id: str, action: str) -> bool:
    """Move a certificate to its next status; False when it is unknown or already there."""
    cert = dossier.find(certificate_id)
    if cert is None or cert.status not in _ALLOWED_FROM[action]:
        return False
    cert.status = _RESULT[action]
    return True


# --- verification ----------------------------------------------------------------------


@dataclass
class Verification:
    problems: list[int] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def add(self, problem: int, detail: str) -> None:
        self.problems.append(problem)
        self.details.append(detail)


def check_validity(cert: t.Certificate, on: date, result: Verification) -> None:
    start = to_date(cert.valid_from)
    if on < start:
        result.add(svc.VERIFICATION_PROBLEM_NOT_YET_VALID, f"valid from {start}, checked on {on}")
    if cert.HasField("valid_until") and on > to_date(cert.valid_until):
        result.add(
            svc.VERIFICATION_PROBLEM_EXPIRED,
            f"expired on {to_date(cert.valid_until)}, checked on {on}",
        )


def check_status(status: int, result: Verification) -> None:
    problem: int | None = {
        SUSPENDED: svc.VERIFICATION_PROBLEM_SUSPENDED,
        REVOKED: svc.VERIFICATION_PROBLEM_REVOKED,
        SUPERSEDED: svc.VERIFICATION_PROBLEM_SUPERSEDED,
    }.get(status)  # type: ignore[call-overload]
    if problem is not None:
        result.add(problem, f"the registry records it as {status_name(status)}")


# --- evidence resolution ---------------------------------------------------------------


@dataclass
class Resolution:
    entry: SharingEntry | None
    denial: int = 0  # AccessDenialReason; 0 = granted
    detail: str = ""
    results: list[svc.ResolvedType] = field(default_factory=list)
    released: list[t.ReleasedEvidence] = field(default_factory=list)

    @property
    def granted(self) -> bool:
        return self.denial == 0


def _matches_object(cert: t.Certificate, object_id: str) -> bool:
    if not object_id:
        return True
    return object_id in (
        cert.fields.get("unit_code"),
        cert.fields.get("parcel_code"),
        cert.fields.get("project_code"),
    ) or cert.fields.get("unit_code", "").startswith(object_id)


def _released(cert: t.Certificate, fields: list[str]) -> svc.ReleasedCertificate:
    released = svc.ReleasedCertificate(
        ref=ref(cert),
        type_name=cert.type_name,
        issuer_uscc=cert.issuer_uscc,
        status=cert.status,
        valid_from=cert.valid_from,
        fields={f: cert.fields[f] for f in fields},
    )
    if cert.HasField("valid_until"):
        released.valid_until.CopyFrom(cert.valid_until)
    return released


def _in_force(cert: t.Certificate, on: date) -> bool:
    check = Verification()
    check_validity(cert, on, check)
    return cert.status == ACTIVE and check.valid


def admit(
    catalog: Catalog,
    *,
    caller_id: str,
    requester_id: str,
    case_id: str,
    matter: str,
    type_codes: Iterable[str],
) -> Resolution:
    """The decision on the request alone, taken before any holder data is read.

    Nothing here depends on the holder, so a denial reads the same (and takes the same
    path) whether or not the registry knows the holder: a department outside the catalog
    learns nothing, not even that the person exists (DESIGN.md, Security).
    """
    if requester_id != caller_id:
        return Resolution(
            None,
            t.ACCESS_DENIAL_REASON_REQUESTER_MISMATCH,
            f"the caller {caller_id} may not ask on behalf of {requester_id}",
        )
    if not case_id:
        return Resolution(
            None, t.ACCESS_DENIAL_REASON_NO_CASE, "every use of evidence must name its case id"
        )
    return _catalog_decision(catalog, requester_id, matter, type_codes)


def _catalog_decision(
    catalog: Catalog, requester_id: str, matter: str, type_codes: Iterable[str]
) -> Resolution:
    """Deny by default: the requester needs an entry for the matter that allows every type."""
    entries = catalog.sharing_entries(requester_id, matter)
    if not entries:
        return Resolution(
            None,
            t.ACCESS_DENIAL_REASON_NOT_IN_CATALOG,
            f"no catalog entry lets {requester_id} obtain evidence for {matter!r}",
        )
    entry = entries[0]
    refused = [code for code in dict.fromkeys(type_codes) if code not in entry.fields_by_type]
    if refused:
        return Resolution(
            entry,
            t.ACCESS_DENIAL_REASON_TYPE_NOT_ALLOWED,
            f"{matter!r} does not allow types {', '.join(refused)}",
        )
    return Resolution(entry)


def resolve(
    catalog: Catalog,
    *,
    requester_id: str,
    matter: str,
    type_codes: Iterable[str],
    dossier: Dossier,
    on: date,
    object_id: str = "",
    every_current: bool = False,
) -> Resolution:
    """Deny by default; otherwise one answer per type: found (only the catalog's fields),
    missing, not current (revoked, suspended, expired) or ambiguous. A holder the registry
    does not know has an empty dossier: every type answers MISSING. With `every_current`
    (a purpose that counts, e.g. a family's homes) an ambiguous answer also releases each
    current certificate, again with only the catalog's fields."""
    wanted = list(dict.fromkeys(type_codes))
    resolution = _catalog_decision(catalog, requester_id, matter, wanted)
    if not resolution.granted:
        return resolution
    entry = resolution.entry
    assert entry is not None
    for code in wanted:
        kind = catalog.types.get(code)
        name = kind.name if kind else code
        of_type = [
            c for c in dossier.certificates if c.type_code == code and _matches_object(c, object_id)
        ]
        usable = [c for c in of_type if _in_force(c, on)]
        result = common.EvidenceResult(type_code=code, type_name=name)
        released_fields: list[str] = []
        resolved = svc.ResolvedType()
        if len(usable) == 1:
            cert = usable[0]
            result.status = common.EVIDENCE_STATUS_FOUND
            result.certificate.CopyFrom(ref(cert))
            released_fields = [f for f in entry.fields_by_type[code] if f in cert.fields]
            resolved.certificate.CopyFrom(_released(cert, released_fields))
        elif len(usable) > 1:
            result.status = common.EVIDENCE_STATUS_AMBIGUOUS
            result.candidates.extend(ref(c) for c in usable)
            result.detail = f"{len(usable)} current {name} certificates; name the object"
            if every_current:
                allowed = entry.fields_by_type[code]
                for cert in usable:
                    fields = [f for f in allowed if f in cert.fields]
                    resolved.candidates.append(_released(cert, fields))
                    released_fields += [f for f in fields if f not in released_fields]
        elif of_type:
            latest = of_type[-1]
            result.status = common.EVIDENCE_STATUS_NOT_CURRENT
            result.candidates.append(ref(latest))
            why = Verification()
            check_status(latest.status, why)
            check_validity(latest, on, why)
            result.detail = "; ".join(why.details) or "not in force"
        else:
            result.status = common.EVIDENCE_STATUS_MISSING
            result.detail = f"the holder has no {name} in the registry"
        resolved.result.CopyFrom(result)
        resolution.results.append(resolved)
        resolution.released.append(
            t.ReleasedEvidence(result=result, released_fields=released_fields)
        )
    return resolution


# --- an issuer's own uses ----------------------------------------------------------------


def issuer_use_basis(catalog: Catalog, use: int, certs: Iterable[t.Certificate]) -> tuple[str, str]:
    """The default purpose and the legal basis logged for an issuing department's read of
    what it issued: the catalog's general basis, then the law each certificate type was
    issued under (its `source`)."""
    uses = catalog.issuer_uses
    sources = dict.fromkeys(
        catalog.types[c.type_code].source for c in certs if c.type_code in catalog.types
    )
    basis = "; ".join([uses.legal_basis, *sources])
    return uses.default_purposes.get(t.DataUse.Name(use), ""), basis


# --- signatures ------------------------------------------------------------------------


def check_signature(cert: t.Certificate, key: t.SigningKey | None, result: Verification) -> None:
    """Check the issuer's signature over the canonical bytes against a published key."""
    if key is None:
        result.add(
            svc.VERIFICATION_PROBLEM_UNKNOWN_KEY,
            f"no published key {cert.signature.key_id!r} of {cert.issuer_uscc}",
        )
        return
    if key.issuer_uscc != cert.issuer_uscc or key.suite != cert.signature.suite:
        result.add(
            svc.VERIFICATION_PROBLEM_UNKNOWN_KEY,
            f"key {key.key_id!r} does not belong to this issuer and suite",
        )
        return
    try:
        data = canonical.certificate_bytes(cert)
    except ValueError as exc:
        result.add(svc.VERIFICATION_PROBLEM_CONTENT_MISMATCH, f"cannot canonicalise: {exc}")
        return
    if not signatures.verify(key.suite, key.public_key, data, cert.signature.value):
        result.add(
            svc.VERIFICATION_PROBLEM_BAD_SIGNATURE,
            "the signature does not match the certificate's content: it was altered "
            "or not signed by this key",
        )
    if key.status == t.SIGNING_KEY_STATUS_COMPROMISED:
        result.add(svc.VERIFICATION_PROBLEM_KEY_COMPROMISED, f"key {key.key_id} is compromised")


def verify_offline(cert: t.Certificate, keys: Iterable[t.SigningKey], on: date) -> Verification:
    """What a relying party can check without the registry: identifier, signature against
    published keys, validity window. Status (revoked?) needs the registry or its events."""
    result = Verification()
    verdict = identifiers.check_cert_id(cert.id)
    if not verdict.valid:
        result.add(svc.VERIFICATION_PROBLEM_MALFORMED_ID, verdict.reason or "malformed id")
    by_id = {k.key_id: k for k in keys}
    check_signature(cert, by_id.get(cert.signature.key_id), result)
    check_validity(cert, on, result)
    return result

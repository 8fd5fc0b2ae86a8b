"""The bytes an issuer signs for a certificate: CANONICALIZATION_JCS_V1 ("govshare-jcs-v1").

Defined at `Canonicalization` in proto/govshare/certificates/v1/types.proto: the UTF-8
bytes of the RFC 8785 (JCS) serialisation of one flat JSON object whose values are all
strings, except "fields", an object of strings. Every key is always present; `status`
and `signature.value` are not covered, so a certificate's status can change (and its
signature be filled in) without changing the bytes.

Any verifier can reproduce the bytes from a certificate alone, without knowing its type.

JCS with string values only: members sorted by their names' UTF-16 code units, no
insignificant whitespace, strings escaped as ECMAScript's JSON.stringify does (`\\"`,
`\\\\`, `\\b \\f \\n \\r \\t`, other controls as lowercase `\\u00xx`, everything else
literal). Python's ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` escapes
exactly that set, and for names without characters beyond U+FFFF (all names here; the
`fields` keys are lower_snake_case ASCII by contract) UTF-16 order is code-point order,
so the result equals ``json.dumps(obj, sort_keys=True, ...)``; the sort below is the JCS
one regardless.

Pure function, no I/O.
"""

from __future__ import annotations

import json
from typing import Final

from govshare.certificates.v1 import types_pb2 as cert_types
from govshare.common.v1 import types_pb2 as common_types

CANONICALIZATION_NAME: Final = "govshare-jcs-v1"


class CanonicalizationError(ValueError):
    """The certificate cannot be canonicalised (a covered field is missing or invalid)."""


def _day(date: common_types.Date) -> str:
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"


def _jcs_key(name: str) -> bytes:
    # RFC 8785 section 3.2.3: sort by UTF-16 code units (big-endian bytes sort the same).
    return name.encode("utf-16-be", "surrogatepass")


def certificate_object(cert: cert_types.Certificate) -> dict[str, object]:
    """The JSON object whose JCS form is signed (for debugging and documentation)."""
    method = cert.signature.canonicalization
    if method not in (cert_types.CANONICALIZATION_UNSPECIFIED, cert_types.CANONICALIZATION_JCS_V1):
        raise CanonicalizationError(
            f"signature.canonicalization is {method}, only CANONICALIZATION_JCS_V1 is known"
        )
    if not cert.HasField("holder"):
        raise CanonicalizationError("holder is missing")
    if not cert.HasField("valid_from"):
        raise CanonicalizationError("valid_from is missing")
    if not cert.HasField("issued_at"):
        raise CanonicalizationError("issued_at is missing")
    if not 1 <= cert.version <= 999:
        raise CanonicalizationError(f"version {cert.version} is outside 1-999")
    try:
        holder_kind = common_types.PartyKind.Name(cert.holder.kind)
        suite = cert_types.SignatureSuite.Name(cert.signature.suite)
        # proto3 JSON form of a Timestamp: RFC 3339, UTC, "Z", 0/3/6/9 fractional digits.
        issued_at = cert.issued_at.ToJsonString()
    except ValueError as exc:
        raise CanonicalizationError(str(exc)) from exc
    return {
        "canonicalization": CANONICALIZATION_NAME,
        "id": cert.id,
        "type_code": cert.type_code,
        "type_name": cert.type_name,
        "holder_kind": holder_kind,
        "holder_id": cert.holder.id,
        "holder_name": cert.holder.name,
        "issuer_uscc": cert.issuer_uscc,
        "issuer_name": cert.issuer_name,
        "serial": cert.serial,
        "version": f"{cert.version:03d}",
        "valid_from": _day(cert.valid_from),
        "valid_until": _day(cert.valid_until) if cert.HasField("valid_until") else "",
        "issued_at": issued_at,
        "supersedes_id": cert.supersedes_id,
        "fields": {k: cert.fields[k] for k in sorted(cert.fields, key=_jcs_key)},
        "suite": suite,
        "key_id": cert.signature.key_id,
    }


def certificate_bytes(cert: cert_types.Certificate) -> bytes:
    """The canonical bytes of `cert` (CANONICALIZATION_JCS_V1), to sign or to verify.

    Covers `signature.suite` and `signature.key_id`, so set those before signing.
    Raises CanonicalizationError when holder, valid_from or issued_at is missing, the
    version is outside 1-999, an enum value has no name, or `signature.canonicalization`
    names a method other than JCS_V1 (UNSPECIFIED is accepted so that bytes can be made
    before the signature is filled in).
    """
    obj = certificate_object(cert)
    top = {k: obj[k] for k in sorted(obj, key=_jcs_key)}
    return json.dumps(top, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

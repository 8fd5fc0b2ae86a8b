"""REST for people: public keys, verification for anyone, and for the holder their
certificates (display, download) and who used their data (access log)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from google.protobuf import json_format
from govshare.certificates.v1 import types_pb2 as t

from services.certificates import domain, retention, schemas
from services.certificates.registry import Registry
from services.certificates.signatures import Suite
from services.kit import identifiers, pages, problems
from services.kit.auth import CurrentPrincipal, Principal
from services.kit.errors import forbidden, invalid
from services.kit.provided import provided


def _as_json(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message)


def _holder_only(principal: Principal, holder_id: str) -> None:
    if not principal.is_holder(holder_id):
        raise forbidden("certificate_id", "only the holder may see this certificate")


router = APIRouter(prefix="/v1", tags=["certificates"], responses=problems.RESPONSES)

Reg = Annotated[Registry, Depends(provided(Registry))]
Paged = Annotated[pages.Paging, Depends(pages.query())]


@router.get(
    "/keys",
    response_model=schemas.Keys,
    response_model_exclude_unset=True,
    summary="Published public keys (for offline verification)",
)
async def keys(
    registry: Reg, issuer_uscc: str = "", include_retired: bool = True
) -> dict[str, Any]:
    listed = registry.keys.public_keys(issuer_uscc, include_retired)
    return {"keys": [_as_json(k) for k in listed]}


@router.get(
    "/certificates/{certificate_id}/verification",
    response_model=schemas.Verification,
    response_model_exclude_unset=True,
    summary="Verify a certificate by id (anyone; no content is disclosed)",
)
async def verify_by_id(certificate_id: str, registry: Reg) -> dict[str, Any]:
    return _as_json(registry.verify(None, certificate_id, registry.clock.today()))


@router.post(
    "/issuers/{issuer_uscc}/key-rotations",
    response_model=schemas.SigningKey,
    response_model_exclude_unset=True,
    summary="Rotate an issuer's signing key (key-admin staff of the issuing department)",
)
async def rotate(
    issuer_uscc: str,
    principal: CurrentPrincipal,
    registry: Reg,
    suite: str = "SIGNATURE_SUITE_SM2_SM3",
) -> dict[str, Any]:
    issuer = registry.catalog.issuers.get(issuer_uscc)
    if (
        principal.kind != "staff"
        or not principal.has_role("key-admin")
        or issuer is None
        or issuer.department != principal.department
    ):
        raise forbidden("issuer_uscc", "only key-admin staff of the issuing department")
    try:
        chosen = Suite(suite)
    except ValueError:
        raise invalid("suite", f"one of {[s.value for s in Suite]}") from None
    return _as_json(await registry.rotate_key(issuer_uscc, chosen))


@router.post(
    "/verifications",
    response_model=schemas.DocumentVerification,
    response_model_exclude_unset=True,
    summary="Verify a downloaded certificate (anyone)",
)
async def verify_document(
    certificate: Annotated[dict[str, Any], Body()], registry: Reg
) -> dict[str, Any]:
    try:
        cert = json_format.ParseDict(certificate, t.Certificate())
    except json_format.ParseError as exc:
        raise invalid("certificate", str(exc)) from None
    result = registry.verify(cert, cert.id, registry.clock.today())
    return _as_json(result) | {"valid": result.valid}


@router.get(
    "/certificates/{certificate_id}",
    response_model=schemas.Certificate,
    response_model_exclude_unset=True,
    summary="Display or download one of my certificates (holder only)",
)
async def get_certificate(
    certificate_id: str, principal: CurrentPrincipal, registry: Reg
) -> dict[str, Any]:
    cert = registry.find(certificate_id)  # DomainError: answered as problem details
    _holder_only(principal, cert.holder.id)
    return _as_json(cert)


@router.get(
    "/me/certificates",
    response_model=schemas.Dossier,
    response_model_exclude_unset=True,
    summary="My dossier (一企一档): current and past certificates, in issue order",
)
async def my_certificates(
    principal: CurrentPrincipal,
    registry: Reg,
    paging: Paged,
    include_history: bool = Query(True),
) -> dict[str, Any]:
    if principal.kind not in ("citizen", "enterprise"):
        raise forbidden("token", "holders only")
    certs = [
        c
        for c in registry.dossier(principal.subject).certificates
        if include_history or c.status in (domain.ACTIVE, domain.SUSPENDED)
    ]
    shown, cursor = paging.take(certs, _issued)
    return {
        "holder_id": principal.subject,
        "certificates": [_as_json(c) for c in shown],
        "next_cursor": cursor,
    }


@router.get(
    "/me/access-log",
    response_model=schemas.AccessLog,
    response_model_exclude_unset=True,
    summary="Who used my data, when, for what purpose and on which legal basis, newest first",
)
async def my_access_log(
    principal: CurrentPrincipal, registry: Reg, paging: Paged
) -> dict[str, Any]:
    if principal.kind not in ("citizen", "enterprise"):
        raise forbidden("token", "holders only")
    items = registry.access_log.get(principal.subject) or []
    shown, cursor = paging.take(items, _logged, newest_first=True)
    return {
        "holder_id": principal.subject,
        "entries": [_log_entry(item) for item in shown],
        "next_cursor": cursor,
    }


def _issued(cert: t.Certificate) -> pages.Key:
    return (cert.issued_at.seconds * 1_000_000_000 + cert.issued_at.nanos, cert.id)


def _logged(item: dict[str, Any]) -> pages.Key:
    """When the entry's event happened (its order in the log), then its event id."""
    at = retention.occurred(item)
    return (0 if at is None else round(at * 1_000_000), str(item.get("id", "")))


def _actor(actor: dict[str, Any]) -> dict[str, Any]:
    """The acting person or system. A staff member is named, and their resident id is
    masked: the holder learns who acted, not the official's own identifier."""
    if "personId" in actor:
        return {**actor, "personId": identifiers.mask(actor["personId"])}
    return actor


def _log_entry(item: dict[str, Any]) -> dict[str, Any]:
    """One access-log event as the holder reads it: who (department and actor), what,
    why (purpose, legal basis, case) and when. Evidence requests are granted or denied;
    a department's other uses (PersonalDataUsed) are `used`."""
    data = item["data"]
    if item["type"].endswith("PersonalDataUsed"):
        return {
            "access_id": data.get("accessId"),
            "outcome": "used",
            "use": data.get("use"),
            "requester": data.get("user", {}),
            "actor": _actor(data.get("usedBy", {})),
            "matter": None,
            "purpose": data.get("purpose", ""),
            "legal_basis": data.get("legalBasis", ""),
            "case_id": data.get("caseId", ""),
            "when": data.get("occurredAt"),
            "certificates": data.get("certificates", []),
            "data_described": data.get("dataDescribed", ""),
            "released": [],
            "denial": None,
            "detail": "",
        }
    return {
        "access_id": data.get("accessId"),
        "outcome": "granted" if item["type"].endswith("Granted") else "denied",
        "requester": data.get("requester", {}),
        "actor": _actor(data.get("requestedBy", {})),
        "matter": data.get("matterCode"),
        "purpose": data.get("purpose", ""),
        "legal_basis": data.get("legalBasis", ""),
        "case_id": data.get("caseId", ""),
        "when": data.get("occurredAt"),
        "released": [
            {
                "type_code": r["result"]["typeCode"],
                "status": r["result"]["status"],
                "fields": r.get("releasedFields", []),
            }
            for r in data.get("released", [])
        ],
        "denial": data.get("reason"),
        "detail": data.get("detail", ""),
    }

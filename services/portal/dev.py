"""Development sign-in and demo data (`/dev/...`); every route is refused in production.

`govshare token` for the browser: a development token for any identity (the services
trust the published development key outside production only), fresh valid identifiers,
and demo certificates issued to the signed-in holder through the certificates service's
gRPC API with the issuing departments' development tokens, exactly as department feeds
would, so that a newcomer can try both flows without other tools.
"""

from __future__ import annotations

import random
from typing import Any, Literal

import grpc
from fastapi import APIRouter, Depends, HTTPException, Request
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.common.v1 import types_pb2 as common
from pydantic import BaseModel, ConfigDict, Field

from services.kit.auth import (
    AuthError,
    Principal,
    TokenVerifier,
    bearer_metadata,
    bearer_token,
    http_error,
    mint_dev_token,
)
from services.kit.identifiers import (
    check_resident_id,
    check_unit_code,
    check_uscc,
    resident_id_check_char,
    uscc_check_char,
)

TOKEN_TTL_S = 8 * 3600
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["citizen", "enterprise", "staff"]
    subject: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=64)
    department: str = Field(default="", max_length=32)
    roles: list[str] = Field(default_factory=list, max_length=8)
    region: str = Field(default="", max_length=6)


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["citizen", "enterprise"]


def fresh_resident_id(rng: random.Random) -> str:
    """A valid resident id of someone born in Jinan (Tianqiao), 1960-1999."""
    while True:
        born = f"{rng.randint(1960, 1999)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        body = f"370105{born}{rng.randint(0, 999):03d}"
        value = body + resident_id_check_char(body)
        if check_resident_id(value).valid:
            return value


def fresh_uscc(rng: random.Random) -> str:
    """A valid USCC of an enterprise registered in Jinan (Tianqiao)."""
    while True:
        org = "".join(str(rng.randint(0, 9)) for _ in range(8))
        c9 = 11 - sum(int(c) * w for c, w in zip(org, _ORG_WEIGHTS, strict=True)) % 11
        body = "91370105" + org + {10: "X", 11: "0"}.get(c9, str(c9))
        value = body + uscc_check_char(body)
        if check_uscc(value).valid:
            return value


def fresh_unit_code(rng: random.Random) -> str:
    """A valid unit code in Jinan Tianqiao (a building 0001-0999, a unit 0001-9999)."""
    value = f"370105012002GB00001F{rng.randint(1, 999):04d}{rng.randint(1, 9999):04d}"
    assert check_unit_code(value).valid
    return value


def router(
    *, development: bool, verifier: TokenVerifier | None, certificates_grpc: str
) -> APIRouter:
    async def development_only() -> None:
        if not development:
            raise HTTPException(
                403, {"field": "env", "reason": "development sign-in is refused in production"}
            )

    api = APIRouter(prefix="/dev", tags=["development"], dependencies=[Depends(development_only)])
    rng = random.SystemRandom()

    def caller(request: Request) -> Principal:
        assert verifier is not None  # built whenever development is on
        try:
            return verifier.verify(bearer_token(request.headers.get("authorization")))
        except AuthError as error:
            raise http_error(error) from None

    @api.post("/token", summary="Mint a development token for a chosen identity")
    async def token(body: TokenIn) -> dict[str, Any]:
        staff = body.kind == "staff"
        try:
            minted = mint_dev_token(
                body.kind,
                body.subject.strip(),
                name=body.name.strip() or None,
                department=(body.department or None) if staff else None,
                roles=body.roles if staff else (),
                region=(body.region or None) if staff else None,
                ttl_s=TOKEN_TTL_S,
            )
        except ValueError as error:
            field = str(error).split(" ")[1] if str(error).startswith("claim ") else "subject"
            raise HTTPException(422, {"field": field, "reason": str(error)}) from None
        principal = {
            "kind": body.kind,
            "subject": body.subject.strip(),
            "name": body.name.strip(),
            "department": body.department if staff else "",
            "roles": sorted(set(body.roles)) if staff else [],
            "region": body.region if staff else "",
        }
        return {"token": minted, "principal": principal, "expires_in": TOKEN_TTL_S}

    @api.post("/identities", summary="A fresh valid resident id or USCC (for trying things)")
    async def identity(body: IdentityIn) -> dict[str, str]:
        value = fresh_resident_id(rng) if body.kind == "citizen" else fresh_uscc(rng)
        return {"kind": body.kind, "id": value}

    @api.post(
        "/demo-certificates",
        summary="Issue demo certificates to the signed-in holder (a property; a licence)",
    )
    async def demo_certificates(request: Request) -> dict[str, Any]:
        principal = caller(request)
        if principal.kind not in ("citizen", "enterprise"):
            raise HTTPException(
                403,
                {"field": "token", "reason": "demo certificates are for citizens and enterprises"},
            )
        # The sample certificates are development tooling (devtools/, not in the production
        # image); this route answers only in development (`development_only` above).
        from devtools.samples import MARKETREG, REGISTRAR, licence_request, property_request

        citizen = principal.kind == "citizen"
        name = principal.name or ("演示居民" if citizen else "演示企业有限公司")
        holder = common.Party(
            kind=common.PARTY_KIND_CITIZEN if citizen else common.PARTY_KIND_ENTERPRISE,
            id=principal.subject,
            name=name,
        )
        unit = fresh_unit_code(rng)
        requests: list[tuple[str, svc.IssueCertificateRequest]] = []
        if not citizen:
            requests.append(
                (
                    mint_dev_token("department", MARKETREG, department="marketreg"),
                    licence_request(holder),
                )
            )
        requests.append(
            (
                mint_dev_token("department", REGISTRAR, department="realestate"),
                property_request(holder, unit, area_hundredths_m2=9000),
            )
        )
        issued = []
        async with grpc.aio.insecure_channel(certificates_grpc) as channel:
            stub = svc_grpc.CertificateServiceStub(channel)  # type: ignore[no-untyped-call]
            for department_token, issue in requests:
                try:
                    reply = await stub.IssueCertificate(
                        issue, metadata=bearer_metadata(department_token), timeout=15
                    )
                except grpc.aio.AioRpcError as error:
                    reason = f"{error.code().name}: {error.details()}"
                    raise HTTPException(502, {"field": "certificates", "reason": reason}) from None
                cert = reply.certificate
                issued.append(
                    {
                        "certificate_id": cert.id,
                        "type_code": cert.type_code,
                        "type_name": cert.type_name,
                        "unit_code": cert.fields.get("unit_code", ""),
                    }
                )
        return {"holder_id": principal.subject, "issued": issued, "unit_code": unit}

    return api

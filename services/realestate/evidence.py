"""The seller's property certificate, asked of the certificate registry over gRPC
(purpose-bound ResolveEvidence: matter `realestate.transfer-review`, logged in the seller's
access log). Turns every answer, including failures, into a review.Evidence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import grpc
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.common.v1 import types_pb2 as common

from services.kit.evidence import EvidenceChannel, department_token
from services.realestate import metrics
from services.realestate.reliefs import COUNTED, Holdings
from services.realestate.review import (
    AMBIGUOUS,
    DENIED,
    FOUND,
    MISSING,
    NOT_CURRENT,
    UNAVAILABLE,
    Evidence,
)
from services.realestate.settings import RealestateSettings

# 不动产权证书: type code from the certificate catalog (GB/T 36904 type code).
PROPERTY_CERTIFICATE = "111000000000193186001"
MATTER = "realestate.transfer-review"
PURPOSE = "不动产转移登记智能审核: 核验出卖人现有不动产权证书"
RECHECK_PURPOSE = "不动产转移登记登簿前复核: 核验出卖人不动产权证书仍现行有效"
# Counting homes for the tax reliefs: a matter of its own in the sharing catalog, releasing
# only each certificate's unit and usage, with its own legal basis (reliefs.py).
RELIEFS_MATTER = "realestate.transfer-reliefs"
RELIEFS_PURPOSE = {
    "buyer": "存量房转移涉税优惠核验: 统计买受人家庭现有住房套数",
    "spouse": "存量房转移涉税优惠核验: 统计买受人家庭 (配偶) 现有住房套数",
    "seller": "存量房转移涉税优惠核验: 核验出卖人家庭唯一住房",
}

_STATUS = {
    common.EVIDENCE_STATUS_FOUND: FOUND,
    common.EVIDENCE_STATUS_MISSING: MISSING,
    common.EVIDENCE_STATUS_NOT_CURRENT: NOT_CURRENT,
    common.EVIDENCE_STATUS_AMBIGUOUS: AMBIGUOUS,
    common.EVIDENCE_STATUS_DENIED: DENIED,
}


def token_source(settings: RealestateSettings) -> Callable[[], str]:
    """The registry's department token: from the configured file in production (read on
    each call, so a rotated token is picked up), a development token otherwise."""
    return department_token(
        settings.realestate_token_file,
        settings.realestate_registrar_uscc,
        "realestate",
        settings.realestate_registrar_name,
    )


class EvidenceClient:
    def __init__(self, settings: RealestateSettings, token: Callable[[], str]) -> None:
        self.channel = EvidenceChannel(
            settings.certificates_grpc,
            token,
            timeout_s=settings.realestate_evidence_timeout_s,
            attempts=settings.realestate_evidence_attempts,
        )
        self.requester = common.Party(
            kind=common.PARTY_KIND_DEPARTMENT,
            id=settings.realestate_registrar_uscc,
            name=settings.realestate_registrar_name,
        )

    async def close(self) -> None:
        await self.channel.close()

    def _request(
        self,
        case_id: str,
        seller_id: str,
        unit_code: str,
        purpose: str,
        matter: str = MATTER,
    ) -> svc.ResolveEvidenceRequest:
        return svc.ResolveEvidenceRequest(
            requester=self.requester,
            requested_by=common.Actor(
                kind=common.ACTOR_KIND_SYSTEM,
                system_id="/govshare/realestate",
                on_behalf_of=self.requester,
                role="system",
            ),
            matter_code=matter,
            purpose=purpose,
            case_id=case_id,
            holder_id=seller_id,
            type_codes=[PROPERTY_CERTIFICATE],
            object_id=unit_code,
        )

    async def seller_certificate(
        self, case_id: str, seller_id: str, unit_code: str, purpose: str = PURPOSE
    ) -> Evidence:
        request = self._request(case_id, seller_id, unit_code, purpose)
        try:
            evidence = _from_reply(await self.channel.resolve(request))
        except grpc.aio.AioRpcError as error:
            evidence = _from_error(error)
        metrics.EVIDENCE_CALLS.labels(evidence.status).inc()
        return evidence

    async def holdings(self, case_id: str, holder_id: str, role: str) -> Holdings:
        """Every current property certificate of a person (unit and usage only), to count
        the homes a relief depends on. Logged in that person's access log."""
        request = self._request(case_id, holder_id, "", RELIEFS_PURPOSE[role], RELIEFS_MATTER)
        request.every_current = True
        try:
            reply = await self.channel.resolve(request)
        except grpc.aio.AioRpcError as error:
            evidence = _from_error(error)
            if evidence.status == MISSING:  # the registry holds nothing at all for them
                return Holdings(COUNTED)
            metrics.EVIDENCE_CALLS.labels(evidence.status).inc()
            return Holdings(UNAVAILABLE, detail=evidence.detail)
        holdings = _holdings(reply)
        metrics.EVIDENCE_CALLS.labels(holdings.status).inc()
        return holdings


def _holdings(reply: svc.ResolveEvidenceResponse) -> Holdings:
    if not reply.results:
        return Holdings(UNAVAILABLE, detail="the registry answered without a result")
    resolved = reply.results[0]
    status = _STATUS.get(resolved.result.status, UNAVAILABLE)
    if status in (MISSING, NOT_CURRENT):
        return Holdings(COUNTED, access_id=reply.access_id)
    if status == FOUND:
        released = [resolved.certificate]
    elif status == AMBIGUOUS and resolved.candidates:
        released = list(resolved.candidates)
    else:
        detail = f"{status}: {resolved.result.detail}"
        return Holdings(UNAVAILABLE, detail=detail, access_id=reply.access_id)
    units = tuple((c.fields.get("unit_code", ""), c.fields.get("usage", "")) for c in released)
    return Holdings(COUNTED, units, access_id=reply.access_id)


def _from_reply(reply: svc.ResolveEvidenceResponse) -> Evidence:
    if not reply.results:
        return Evidence(UNAVAILABLE, "the registry answered without a result")
    resolved = reply.results[0]
    status = _STATUS.get(resolved.result.status, UNAVAILABLE)
    if status != FOUND:
        return Evidence(status, resolved.result.detail, access_id=reply.access_id)
    released = resolved.certificate
    start = released.valid_from
    return Evidence(
        FOUND,
        certificate={
            "certificate_id": released.ref.certificate_id,
            "type_code": released.ref.type_code,
            "version": released.ref.version,
        },
        fields=dict(released.fields),
        valid_from=date(start.year, start.month, start.day) if start.year else None,
        access_id=reply.access_id,
    )


def _from_error(error: grpc.aio.AioRpcError) -> Evidence:
    code = error.code()
    if code == grpc.StatusCode.NOT_FOUND:
        # The registry holds no certificate at all for the seller.
        return Evidence(MISSING, error.details() or "no certificate")
    if code in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED):
        return Evidence(DENIED, f"{code.name}: {error.details()}")
    return Evidence(UNAVAILABLE, f"{code.name}: {error.details()}")

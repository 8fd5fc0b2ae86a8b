"""The seller's property certificate, asked of the certificate registry over gRPC
(purpose-bound ResolveEvidence: matter `realestate.transfer-review`, logged in the seller's
access log). Turns every answer, including failures, into a review.Evidence."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

import grpc
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.common.v1 import types_pb2 as common

from services.kit.auth import bearer_metadata, mint_dev_token
from services.realestate import metrics
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

log = logging.getLogger(__name__)

# 不动产权证书: type code from the certificate catalog (GB/T 36904 type code).
PROPERTY_CERTIFICATE = "111000000000193186001"
MATTER = "realestate.transfer-review"
PURPOSE = "不动产转移登记智能审核: 核验出卖人现有不动产权证书"

_STATUS = {
    common.EVIDENCE_STATUS_FOUND: FOUND,
    common.EVIDENCE_STATUS_MISSING: MISSING,
    common.EVIDENCE_STATUS_NOT_CURRENT: NOT_CURRENT,
    common.EVIDENCE_STATUS_AMBIGUOUS: AMBIGUOUS,
    common.EVIDENCE_STATUS_DENIED: DENIED,
}
_RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def token_source(settings: RealestateSettings) -> Callable[[], str]:
    """The registry's department token: from the configured file in production (read on
    each call, so a rotated token is picked up), a development token otherwise."""
    if settings.realestate_token_file:
        path = Path(settings.realestate_token_file)
        return lambda: path.read_text("utf-8").strip()
    return lambda: mint_dev_token(
        "department",
        settings.realestate_registrar_uscc,
        department="realestate",
        name=settings.realestate_registrar_name,
        ttl_s=300,
    )


class EvidenceClient:
    def __init__(self, settings: RealestateSettings, token: Callable[[], str]) -> None:
        self.address = settings.certificates_grpc
        self.timeout_s = settings.realestate_evidence_timeout_s
        self.attempts = settings.realestate_evidence_attempts
        self.token = token
        self.requester = common.Party(
            kind=common.PARTY_KIND_DEPARTMENT,
            id=settings.realestate_registrar_uscc,
            name=settings.realestate_registrar_name,
        )
        self._channel: grpc.aio.Channel | None = None

    def _stub(self) -> svc_grpc.CertificateServiceStub:
        if self._channel is None:  # created on the running loop, on first use
            self._channel = grpc.aio.insecure_channel(self.address)
        return svc_grpc.CertificateServiceStub(self._channel)  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close(None)

    def _request(self, case_id: str, seller_id: str, unit_code: str) -> svc.ResolveEvidenceRequest:
        return svc.ResolveEvidenceRequest(
            requester=self.requester,
            requested_by=common.Actor(
                kind=common.ACTOR_KIND_SYSTEM,
                system_id="/govshare/realestate",
                on_behalf_of=self.requester,
                role="system",
            ),
            matter_code=MATTER,
            purpose=PURPOSE,
            case_id=case_id,
            holder_id=seller_id,
            type_codes=[PROPERTY_CERTIFICATE],
            object_id=unit_code,
        )

    async def seller_certificate(self, case_id: str, seller_id: str, unit_code: str) -> Evidence:
        request = self._request(case_id, seller_id, unit_code)
        evidence = Evidence(UNAVAILABLE, "the certificate registry did not answer")
        for attempt in range(self.attempts):
            try:
                reply = await self._stub().ResolveEvidence(
                    request, metadata=bearer_metadata(self.token()), timeout=self.timeout_s
                )
                evidence = _from_reply(reply)
                break
            except grpc.aio.AioRpcError as error:
                evidence = _from_error(error)
                if error.code() not in _RETRYABLE:
                    break
                log.warning(
                    "certificate registry unavailable (attempt %d): %s", attempt + 1, error.code()
                )
                await asyncio.sleep(0.5 * (attempt + 1))
        metrics.EVIDENCE_CALLS.labels(evidence.status).inc()
        return evidence


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

"""Client of the certificates service's purpose-bound ResolveEvidence (gRPC).

The power company asks as itself (a department token), for one matter and one case (the
application id), so every release lands in the applicant's access log. Answers that
mean "this applicant has no such evidence" become per-type results; a certificates
service that cannot answer is an error the caller reports (nothing is decided then).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import grpc
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.common.v1 import types_pb2 as common

from services.kit.evidence import EvidenceChannel
from services.power.catalog import Matter
from services.power.metrics import EVIDENCE_CALLS, EVIDENCE_RESULTS
from services.power.rules import EvidenceQuery

log = logging.getLogger(__name__)


class EvidenceUnavailable(Exception):
    """The certificates service could not answer; retry later."""


@dataclass
class Resolution:
    results: list[common.EvidenceResult] = field(default_factory=list)
    access_ids: list[str] = field(default_factory=list)


# Answers about the holder, not failures: every type of the call gets this status.
_AS_STATUS = {
    grpc.StatusCode.NOT_FOUND: common.EVIDENCE_STATUS_MISSING,
    grpc.StatusCode.PERMISSION_DENIED: common.EVIDENCE_STATUS_DENIED,
}


class EvidenceClient:
    def __init__(
        self,
        address: str,
        company: common.Party,
        token: Callable[[], str],
        timeout_s: float,
    ) -> None:
        self.company = company
        self.channel = EvidenceChannel(address, token, timeout_s=timeout_s)

    async def resolve(
        self,
        *,
        case_id: str,
        matter: Matter,
        holder_id: str,
        queries: list[EvidenceQuery],
        requested_by: common.Actor,
    ) -> Resolution:
        out = Resolution()
        for query in queries:
            request = svc.ResolveEvidenceRequest(
                requester=self.company,
                requested_by=requested_by,
                matter_code=matter.sharing_matter,
                purpose=f"{matter.name} 用电申请 证照核验 (零证办电)",
                case_id=case_id,
                holder_id=holder_id,
                type_codes=[t.code for t in query.types],
                object_id=query.object_id,
            )
            try:
                reply = await self.channel.resolve(request)
            except grpc.aio.AioRpcError as error:
                status = _AS_STATUS.get(error.code())
                EVIDENCE_CALLS.labels(error.code().name).inc()
                if status is None:
                    log.error("ResolveEvidence failed: %s %s", error.code().name, error.details())
                    raise EvidenceUnavailable(
                        f"the certificates service did not answer ({error.code().name})"
                    ) from None
                out.results += [
                    common.EvidenceResult(
                        type_code=t.code,
                        type_name=t.name,
                        status=status,
                        detail=error.details() or "",
                    )
                    for t in query.types
                ]
                continue
            EVIDENCE_CALLS.labels("OK").inc()
            out.access_ids.append(reply.access_id)
            out.results += [r.result for r in reply.results]
        for result in out.results:
            name = common.EvidenceStatus.Name(result.status).removeprefix("EVIDENCE_STATUS_")
            EVIDENCE_RESULTS.labels(result.type_code, name.lower()).inc()
        return out

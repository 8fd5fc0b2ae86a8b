"""gRPC `CertificateService` for departments (thin: auth, translate, call the registry).

Every call but ListPublicKeys needs a department bearer token; failures carry a status
code, a message that names the field at fault, and `google.rpc.Status` details with a
`BadRequest` field violation (`kit/grpc_errors.py`; also the deprecated `govshare-field`
trailer, for one release).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, NoReturn, TypeVar

import grpc
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common

from services.certificates import domain
from services.certificates.domain import DomainError, IssueCommand
from services.certificates.registry import Registry
from services.certificates.signatures import Suite
from services.kit import audit, grpc_errors, identifiers
from services.kit.auth import Principal, grpc_principal
from services.kit.bus import BusUnavailable
from services.kit.errors import Kind, unavailable
from services.kit.metrics import GRPC_REQUEST_SECONDS, GRPC_REQUESTS

Context = grpc.aio.ServicerContext[Any, Any]

Reply = TypeVar("Reply")


class EvidenceRefused(DomainError):
    """A refused evidence request. Its access-log id travels in the `govshare-access-id`
    trailer, not the message, so that the message reads the same for every holder."""

    def __init__(self, reason: str, access_id: str) -> None:
        super().__init__(Kind.FORBIDDEN, "matter_code", reason)
        self.access_id = access_id


async def abort(context: Context, error: DomainError) -> NoReturn:
    trailers = []
    if isinstance(error, EvidenceRefused):
        trailers.append(("govshare-access-id", error.access_id))
    await grpc_errors.abort(context, error, trailers)


def _actor(principal: Principal) -> common.Actor:
    return common.Actor(
        kind=common.ACTOR_KIND_SYSTEM,
        system_id=principal.department or principal.subject,
        on_behalf_of=common.Party(
            kind=common.PARTY_KIND_DEPARTMENT, id=principal.subject, name=principal.name or ""
        ),
    )


def _attribution(principal: Principal) -> dict[str, str]:
    return audit.attribution(principal, "certificates")


def _date(value: common.Date) -> date | None:
    return domain.to_date(value) if value.year else None


class CertificateServicer(svc_grpc.CertificateServiceServicer):
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    async def _call(
        self,
        context: Context,
        name: str,
        body: Callable[[Principal], Awaitable[Reply]],
        *,
        kind: str | None = "department",
    ) -> Reply:
        principal = (
            await grpc_principal(context, self.registry.runtime.verifier, kind=kind)
            if kind
            else Principal("department", "anonymous")
        )
        started = time.perf_counter()
        try:
            reply = await body(principal)
        except DomainError as error:  # also a command not applied in time (kit/waiters.py)
            GRPC_REQUESTS.labels(name, error.code).inc()
            await abort(context, error)
        except BusUnavailable as exc:
            GRPC_REQUESTS.labels(name, "UNAVAILABLE").inc()
            await abort(context, unavailable("broker", str(exc)))
        finally:
            GRPC_REQUEST_SECONDS.labels(name).observe(time.perf_counter() - started)
        GRPC_REQUESTS.labels(name, "OK").inc()
        return reply

    async def IssueCertificate(
        self, request: svc.IssueCertificateRequest, context: Context
    ) -> svc.IssueCertificateResponse:
        async def body(p: Principal) -> svc.IssueCertificateResponse:
            start = _date(request.valid_from)
            if start is None:
                raise domain.invalid("valid_from", "required")
            cmd = IssueCommand(
                request_id=request.request_id,
                type_code=request.type_code,
                holder=request.holder,
                issuer_uscc=request.issuer_uscc,
                valid_from=start,
                valid_until=_date(request.valid_until),
                fields=dict(request.fields),
                serial=request.serial,
            )
            suite = Suite.from_proto(request.suite) if request.suite else None
            cert = await self.registry.issue(
                cmd,
                actor=_actor(p),
                department=p.department,
                suite=suite,
                attribution=_attribution(p),
            )
            return svc.IssueCertificateResponse(certificate=cert)

        return await self._call(context, "IssueCertificate", body)

    async def GetCertificate(
        self, request: svc.GetCertificateRequest, context: Context
    ) -> svc.GetCertificateResponse:
        async def body(p: Principal) -> svc.GetCertificateResponse:
            cert = self.registry.find(request.certificate_id)
            self.registry._check_department(cert, p.department)  # others use ResolveEvidence
            # The issuer reading what it issued still uses the holder's data: logged.
            actor = _actor(p)
            await self.registry.record_use(
                cert.holder.id,
                t.DATA_USE_CERTIFICATE_READ,
                [cert],
                user=actor.on_behalf_of,
                actor=actor,
                purpose=request.purpose,
                case_id=request.case_id,
                attribution=_attribution(p),
            )
            return svc.GetCertificateResponse(certificate=cert)

        return await self._call(context, "GetCertificate", body)

    async def VerifyCertificate(
        self, request: svc.VerifyCertificateRequest, context: Context
    ) -> svc.VerifyCertificateResponse:
        async def body(_: Principal) -> svc.VerifyCertificateResponse:
            cert = request.certificate if request.HasField("certificate") else None
            if cert is None and not request.certificate_id:
                raise domain.invalid("certificate_id", "give a certificate id or a certificate")
            on = _date(request.on_date) or self.registry.clock.today()
            return self.registry.verify(cert, request.certificate_id, on)

        return await self._call(context, "VerifyCertificate", body)

    async def _status(
        self, context: Context, name: str, request: Any, action: str, **kwargs: Any
    ) -> Any:
        async def body(p: Principal) -> t.Certificate:
            if not request.request_id:
                raise domain.invalid("request_id", "required: it makes retries harmless")
            if action == "revoke" and not request.reason:
                raise domain.invalid("reason", "say why it is revoked")
            return await self.registry.change_status(
                request.certificate_id,
                action,
                actor=_actor(p),
                department=p.department,
                attribution=_attribution(p),
                **kwargs,
            )

        return await self._call(context, name, body)

    async def RevokeCertificate(
        self, request: svc.RevokeCertificateRequest, context: Context
    ) -> svc.RevokeCertificateResponse:
        # The reason is checked after authentication, with the other arguments.
        cert = await self._status(
            context,
            "RevokeCertificate",
            request,
            "revoke",
            reason=request.detail,
            revocation_reason=request.reason,
        )
        return svc.RevokeCertificateResponse(certificate=cert)

    async def SuspendCertificate(
        self, request: svc.SuspendCertificateRequest, context: Context
    ) -> svc.SuspendCertificateResponse:
        cert = await self._status(
            context, "SuspendCertificate", request, "suspend", reason=request.reason
        )
        return svc.SuspendCertificateResponse(certificate=cert)

    async def ReinstateCertificate(
        self, request: svc.ReinstateCertificateRequest, context: Context
    ) -> svc.ReinstateCertificateResponse:
        cert = await self._status(
            context, "ReinstateCertificate", request, "reinstate", reason=request.reason
        )
        return svc.ReinstateCertificateResponse(certificate=cert)

    async def SupersedeCertificate(
        self, request: svc.SupersedeCertificateRequest, context: Context
    ) -> svc.SupersedeCertificateResponse:
        async def body(p: Principal) -> svc.SupersedeCertificateResponse:
            if not request.request_id:
                raise domain.invalid("request_id", "required: it makes retries harmless")
            new, old = await self.registry.supersede(
                request.certificate_id,
                request.request_id,
                actor=_actor(p),
                department=p.department,
                attribution=_attribution(p),
                valid_from=_date(request.valid_from),
                valid_until=_date(request.valid_until),
                fields=dict(request.fields),
            )
            return svc.SupersedeCertificateResponse(
                certificate=new, superseded_certificate_id=old.id
            )

        return await self._call(context, "SupersedeCertificate", body)

    async def ListDossier(
        self, request: svc.ListDossierRequest, context: Context
    ) -> svc.ListDossierResponse:
        async def body(p: Principal) -> svc.ListDossierResponse:
            # Departments see what their own issuers issued; anything else goes through
            # purpose-bound ResolveEvidence (and the holder's access log).
            own = {
                i.uscc
                for i in self.registry.catalog.issuers.values()
                if i.department == p.department
            }
            verdict = identifiers.check_holder_id(request.holder_id)
            if not verdict.valid:
                raise domain.invalid("holder_id", verdict.reason or "invalid identifier")
            certs = [
                c
                for c in self.registry.dossier(request.holder_id).certificates
                if c.issuer_uscc in own
                and (request.include_history or c.status in (domain.ACTIVE, domain.SUSPENDED))
                and (not request.type_codes or c.type_code in request.type_codes)
            ]
            # Logged whether or not anything matched: asking about a person is a use of
            # their identifier, and the holder sees it either way.
            actor = _actor(p)
            await self.registry.record_use(
                request.holder_id,
                t.DATA_USE_DOSSIER_LISTED,
                certs,
                user=actor.on_behalf_of,
                actor=actor,
                purpose=request.purpose,
                case_id=request.case_id,
                attribution=_attribution(p),
            )
            return svc.ListDossierResponse(certificates=certs)

        return await self._call(context, "ListDossier", body)

    async def ResolveEvidence(
        self, request: svc.ResolveEvidenceRequest, context: Context
    ) -> svc.ResolveEvidenceResponse:
        async def body(p: Principal) -> svc.ResolveEvidenceResponse:
            for name in ("holder_id", "matter_code"):
                if not getattr(request, name):
                    raise domain.invalid(name, "required")
            # Only the form of the id is checked here (anyone can compute a check char);
            # whether the registry knows the holder is never an answer of its own: a
            # department outside the catalog is refused first, and one inside it gets
            # MISSING for every type (DESIGN.md, Security: no probing).
            verdict = identifiers.check_holder_id(request.holder_id)
            if not verdict.valid:
                raise domain.invalid("holder_id", verdict.reason or "invalid identifier")
            if not request.type_codes:
                raise domain.invalid("type_codes", "name at least one certificate type")
            resolution, access_id = await self.registry.resolve(
                request, caller_id=p.subject, attribution=_attribution(p)
            )
            if not resolution.granted:
                reason = t.AccessDenialReason.Name(resolution.denial)
                raise EvidenceRefused(f"{reason}: {resolution.detail}", access_id)
            assert resolution.entry is not None
            return svc.ResolveEvidenceResponse(
                access_id=access_id,
                results=resolution.results,
                legal_basis=resolution.entry.legal_basis,
            )

        return await self._call(context, "ResolveEvidence", body)

    async def ListPublicKeys(
        self, request: svc.ListPublicKeysRequest, context: Context
    ) -> svc.ListPublicKeysResponse:
        async def body(_: Principal) -> svc.ListPublicKeysResponse:
            keys = self.registry.keys.public_keys(request.issuer_uscc, request.include_retired)
            return svc.ListPublicKeysResponse(keys=keys)

        return await self._call(context, "ListPublicKeys", body, kind=None)

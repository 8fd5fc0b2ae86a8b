"""The departments' side of the certificates service's purpose-bound ResolveEvidence.

A department that needs a certificate (power, realestate) asks as itself, with its
department token, for one matter and one case. What it asks and what an answer means
are the department's; this module owns the channel, the token, the deadline and the
retries of an answer that did not come.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path

import grpc
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc

from services.kit import grpc_targets
from services.kit.auth.dev_tokens import mint_dev_token
from services.kit.auth.rpc import bearer_metadata

log = logging.getLogger(__name__)

# No answer yet: the registry is away, or catching up after a start (services/kit/catchup.py).
RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def department_token(
    token_file: str, uscc: str, department: str, name: str = ""
) -> Callable[[], str]:
    """The department's bearer token: from `token_file` when set (production), read on
    every call so a rotated token needs no restart; a development token otherwise."""
    if token_file:
        path = Path(token_file)
        return lambda: path.read_text(encoding="utf-8").strip()
    return _DevToken(uscc, department, name)


class _DevToken:
    """A development token, minted again only when it nears expiry: signing one per call
    was 4 % of realestate's CPU under load (py-spy, docs/performance.md)."""

    TTL_S = 300.0
    RENEW_BEFORE_S = 60.0

    def __init__(self, uscc: str, department: str, name: str) -> None:
        self.uscc, self.department, self.name = uscc, department, name
        self._token = ""
        self._renew_at = 0.0

    def __call__(self) -> str:
        now = time.monotonic()
        if now >= self._renew_at:
            self._token = mint_dev_token(
                "department",
                self.uscc,
                department=self.department,
                name=self.name,
                ttl_s=int(self.TTL_S),
            )
            self._renew_at = now + self.TTL_S - self.RENEW_BEFORE_S
        return self._token


class EvidenceChannel:
    def __init__(
        self,
        address: str,
        token: Callable[[], str],
        *,
        timeout_s: float,
        attempts: int = 1,
        backoff_s: float = 0.5,
    ) -> None:
        self.address = address
        self.token = token
        self.timeout_s = timeout_s
        self.attempts = attempts
        self.backoff_s = backoff_s
        self._channel: grpc.aio.Channel | None = None

    def _stub(self) -> svc_grpc.CertificateServiceStub:
        if self._channel is None:  # an aio channel belongs to the running loop: make it there
            self._channel = grpc_targets.channel(self.address)
        return svc_grpc.CertificateServiceStub(self._channel)  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close(None)

    async def resolve(self, request: svc.ResolveEvidenceRequest) -> svc.ResolveEvidenceResponse:
        """The registry's answer; the last `grpc.aio.AioRpcError` when there is none
        (an error it answered with, or `RETRYABLE` on every attempt)."""
        for attempt in range(1, self.attempts + 1):
            try:
                reply: svc.ResolveEvidenceResponse = await self._stub().ResolveEvidence(
                    request, metadata=bearer_metadata(self.token()), timeout=self.timeout_s
                )
                return reply
            except grpc.aio.AioRpcError as error:
                if error.code() not in RETRYABLE or attempt == self.attempts:
                    raise
                log.warning("certificate registry: %s (attempt %d)", error.code().name, attempt)
                await asyncio.sleep(self.backoff_s * attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

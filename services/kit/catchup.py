"""A service answers only once its state includes everything already in its own log.

Faust's recovery restores the tables from their changelogs, but the events the service
had produced and not yet applied when it stopped (offsets not committed) are delivered
again only after that. A request answered in between reads a state without them: after a
SIGKILL, an applicant's retried application found its evidence resolution missing and
resolved it a second time (tests/reliability/test_crash_restart.py). So after each
assignment the service notes the end offsets of its own topics' partitions, and refuses
requests (HTTP 503, gRPC UNAVAILABLE, with Retry-After) until its consumers have applied
up to them. Feeds from other departments are not waited for: a backlog there is lag, not
an inconsistency of the service's own writes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Protocol

import grpc
from fastapi import FastAPI

from services.kit.asgi import RefusedUntil

log = logging.getLogger(__name__)

REASON = "recovering its state after a start or a rebalance; retry"
RETRY_AFTER_S = 1
MAX_RETRY_S = 5.0  # between attempts to note the end offsets while the broker fails

# Answered even while catching up: probes, metrics and the API's own description.
ALWAYS_ANSWERED_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"})
ALWAYS_ANSWERED_METHODS = ("/grpc.health.v1.Health/", "/grpc.reflection.")


class Progress(Protocol):
    """What a consumer pipeline reports: partition -> (next offset to apply, produced at)."""

    topic: str
    progress: dict[int, tuple[int, float]]


class CatchUp:
    """Whether the consumers of the service's own topics have applied, in the current
    assignment, everything that was in those partitions when it was made."""

    def __init__(self, consumer: Any, processors: Iterable[Progress]) -> None:
        self.consumer = consumer  # Faust's consumer
        self.processors = {p.topic: p for p in processors}
        self.targets: dict[Any, int] = {}
        self.reached = False
        self.generation: int | None = None  # of the assignment the targets belong to

    def reached_in(self, generation: int) -> bool:
        """Reached, and for the current assignment (the watch may not have seen a
        rebalance yet: it looks less often once reached)."""
        return self.reached and self.generation == generation

    async def start_over(self, generation: int | None = None) -> None:
        """A new assignment: note the end offsets of the own partitions now assigned."""
        self.reached = False
        self.generation = generation
        tps = [tp for tp in self.consumer.assignment() if tp.topic in self.processors]
        ends: Mapping[Any, int] = await self.consumer.highwaters(*tps) if tps else {}
        self.targets = {tp: int(ends.get(tp) or 0) for tp in tps}

    def check(self) -> bool:
        if not self.reached:
            self.reached = all(
                applied_up_to(self.processors[tp.topic], self.consumer, tp) >= end
                for tp, end in self.targets.items()
            )
        return self.reached


def applied_up_to(pipeline: Progress, consumer: Any, tp: Any) -> int:
    """The next offset of `tp` still to apply, as far as this process knows: its
    pipeline's progress (kept across assignments: what this process applied is in the
    changelogs it recovered from) or Faust's committed offset (applied by whichever
    worker committed it), the further of the two."""
    processed = pipeline.progress.get(tp.partition, (0, 0.0))[0]
    committed = getattr(consumer, "_committed_offset", {}).get(tp) or 0  # not in the API
    return max(processed, committed)


async def watch(
    catch_up: CatchUp,
    recovered: Callable[[], bool],
    generation: Callable[[], int],
    every_s: float = 0.05,
    settled_every_s: float = 0.5,
) -> None:
    """Keep `catch_up` current: start over after each recovery (each new generation).
    Once reached it only has to notice the next rebalance, and `reached_in` already
    refuses a stale generation, so it looks every `settled_every_s` (an idle service
    spent more CPU here than anywhere else at 0.05 s). Noting the end offsets needs the
    broker: while it fails, retry with backoff and say so once, not on every round."""
    noted: int | None = None
    failures = 0
    while True:
        pause = settled_every_s if catch_up.reached else every_s * 2**failures
        await asyncio.sleep(min(pause, MAX_RETRY_S))
        try:
            if not recovered():
                catch_up.reached, noted = False, None
                continue
            if generation() != noted:
                noted = generation()
                await catch_up.start_over(noted)
            catch_up.check()
            failures = 0
        except Exception:  # readiness stays false meanwhile
            if failures == 0:
                log.warning("cannot check the catch-up yet; retrying", exc_info=True)
            failures = min(failures + 1, 16)
            catch_up.reached, noted = False, None


def refuse_http_until(api: FastAPI, serving: Callable[[], bool]) -> None:
    api.add_middleware(
        RefusedUntil,
        serving=serving,
        always=ALWAYS_ANSWERED_PATHS,
        reason=REASON,
        retry_after_s=RETRY_AFTER_S,
    )


class RefuseGrpcUntil(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]  # generic in the stubs only
    def __init__(self, serving: Callable[[], bool]) -> None:
        self.serving = serving

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any]]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any]:
        method: str = handler_call_details.method
        if self.serving() or method.startswith(ALWAYS_ANSWERED_METHODS):
            return await continuation(handler_call_details)
        return _REFUSED


async def _refuse(_request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> None:
    await context.abort(grpc.StatusCode.UNAVAILABLE, REASON)


_REFUSED = grpc.unary_unary_rpc_method_handler(_refuse)

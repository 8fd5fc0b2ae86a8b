"""Remember which events were applied, so a redelivered event changes nothing.

At-least-once delivery (Tansu has no transactions) means any event may arrive twice.
The dedup key is CloudEvents' `(ce_source, ce_id)`; the marks live in a Faust table,
so they are partitioned like the events and survive restarts through the changelog.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping

from services.kit.envelope import Envelope


class AppliedEvents:
    """`flush` returns once every table write made so far is acknowledged by the broker.

    A mark must not become durable before the writes of the event it marks: a redelivered
    event whose mark survived is skipped, so writes lost with a SIGKILL stay lost. The
    producer does not keep the order of writes across changelog partitions (aiokafka
    sends one batch per partition per request, and outside production every record is
    its own batch), and that is how a power application lost its applicant's index entry
    while its mark and the application itself survived (tests/reliability, CI run of
    3c17339). So the pipelines call `writes_durable` before `mark`: once per event, once
    per batch.
    """

    def __init__(
        self,
        table: MutableMapping[str, float],
        flush: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.table = table
        self.flush = flush

    def seen(self, env: Envelope) -> bool:
        return env.dedup_key in self.table

    async def writes_durable(self) -> None:
        if self.flush is not None:
            await self.flush()

    def mark(self, env: Envelope) -> None:
        self.table[env.dedup_key] = time.time()

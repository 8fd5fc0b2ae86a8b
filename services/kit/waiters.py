"""Read-your-own-write for commands: produce an event, return once the agent applied it.

A command handler (REST, gRPC) publishes and waits; the service's own agent calls `wake`
after applying the event, so the caller's next read sees its write. Agents never wait.
Where the worker may apply the events itself (runtime.ServiceRuntime.apply_here: it owns
the partition and has applied everything before them), it does so at once instead of
waiting for its consumer to fetch them back. A wait that times out is a refusal like any
other (kit/errors.py): UNAVAILABLE, naming the field the caller retries with.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

from google.protobuf.message import Message

from services.kit.bus import EventBus
from services.kit.errors import unavailable

APPLY_TIMEOUT_S = 15.0

# The answer to a command whose events are on the log but were not applied within
# APPLY_TIMEOUT_S: UNAVAILABLE (503), which clients retry; the retry, with the same value
# of the field named, finds what the first attempt produced instead of doing it twice.
NOT_APPLIED = "not applied in time; retry with the same {field}"


class Waiters:
    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self._pending: dict[str, asyncio.Future[None]] = {}

    def wake(self, event_id: str) -> None:
        """Called by an agent once it has applied the event `event_id`."""
        waiter = self._pending.pop(event_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def emit(
        self,
        message: Message,
        *,
        subject: str,
        wait: bool,
        retry_field: str | None = None,
        **attrs: Any,
    ) -> str:
        """Produce `message`; with `wait`, return only once the agent applied it. Agents
        never wait (they would wait on themselves). Returns the event id."""
        return await self.emit_all(
            [message], subject=subject, wait=wait, retry_field=retry_field, **attrs
        )

    async def emit_all(
        self,
        messages: Sequence[Message],
        *,
        subject: str,
        wait: bool,
        retry_field: str | None = None,
        **attrs: Any,
    ) -> str:
        """Produce `messages` in order on one key (`event_id`, if given, names the last);
        with `wait`, return once the agent applied the last, and so all of them. Returns
        the last event's id.

        A wait needs `retry_field`, the request field the caller retries with (its
        idempotency key, or the id of what it acts on): a wait that times out raises
        `unavailable(retry_field, NOT_APPLIED)`, which REST and gRPC answer as 503 /
        UNAVAILABLE naming it, like every other refusal."""
        if wait and not retry_field:  # before producing anything: a caller's bug
            raise TypeError("a command that waits names the field it is retried with")
        last_id = attrs.pop("event_id", None) or str(uuid.uuid4())
        waiter: asyncio.Future[None] | None = None
        if wait:
            waiter = asyncio.get_running_loop().create_future()
            self._pending[last_id] = waiter
        try:
            for message in messages[:-1]:
                await self.bus.publish(message, subject=subject, **attrs)
            await self.bus.publish(messages[-1], subject=subject, event_id=last_id, **attrs)
            if waiter is not None:
                # The bus has them applied here where this worker may (in order, once the
                # broker has them); else the consumer applies them.
                try:
                    await asyncio.wait_for(waiter, APPLY_TIMEOUT_S)
                except TimeoutError:
                    assert retry_field is not None  # required with `wait` (above)
                    reason = NOT_APPLIED.format(field=retry_field)
                    raise unavailable(retry_field, reason) from None
        finally:
            self._pending.pop(last_id, None)
        return last_id


def derived_id(cause: str, purpose: str) -> str:
    """A deterministic event id for an event caused by another: a redelivered cause
    produces the same id, which every consumer deduplicates."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"govshare:{cause}:{purpose}"))

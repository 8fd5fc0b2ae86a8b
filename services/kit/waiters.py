"""Read-your-own-write for commands: produce an event, return once the agent applied it.

A command handler (REST, gRPC) publishes and waits; the service's own agent calls `wake`
after applying the event, so the caller's next read sees its write. Agents never wait.
Where the worker may apply the events itself (runtime.ServiceRuntime.apply_here: it owns
the partition and has applied everything before them), it does so at once instead of
waiting for its consumer to fetch them back.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

from google.protobuf.message import Message

from services.kit.bus import EventBus

APPLY_TIMEOUT_S = 15.0


class Waiters:
    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self._pending: dict[str, asyncio.Future[None]] = {}

    def wake(self, event_id: str) -> None:
        """Called by an agent once it has applied the event `event_id`."""
        waiter = self._pending.pop(event_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def emit(self, message: Message, *, subject: str, wait: bool, **attrs: Any) -> str:
        """Produce `message`; with `wait`, return only once the agent applied it. Agents
        never wait (they would wait on themselves). Returns the event id."""
        return await self.emit_all([message], subject=subject, wait=wait, **attrs)

    async def emit_all(
        self, messages: Sequence[Message], *, subject: str, wait: bool, **attrs: Any
    ) -> str:
        """Produce `messages` in order on one key (`event_id`, if given, names the last);
        with `wait`, return once the agent applied the last, and so all of them. Returns
        the last event's id."""
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
                await asyncio.wait_for(waiter, APPLY_TIMEOUT_S)
        finally:
            self._pending.pop(last_id, None)
        return last_id


def derived_id(cause: str, purpose: str) -> str:
    """A deterministic event id for an event caused by another: a redelivered cause
    produces the same id, which every consumer deduplicates."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"govshare:{cause}:{purpose}"))

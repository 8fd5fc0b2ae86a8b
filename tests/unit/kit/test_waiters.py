"""A command returns once its own agent applied what it produced (services/kit/waiters.py),
or is refused as UNAVAILABLE naming the field to retry with. The bus here records what is
published; the agent is the test calling `wake`."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from govshare.common.v1 import types_pb2 as common

from services.kit import waiters as waiters_module
from services.kit.errors import DomainError, Kind
from services.kit.waiters import Waiters


class RecordingBus:
    def __init__(self) -> None:
        self.published: list[tuple[str, str, dict[str, Any]]] = []

    async def publish(self, message: Any, *, subject: str, **attrs: Any) -> None:
        self.published.append((message.id, subject, attrs))


def party(name: str) -> common.Party:
    return common.Party(id=name)


async def test_several_events_are_produced_in_order_and_the_wait_ends_when_the_last_applies():
    bus = RecordingBus()
    waiters = Waiters(bus)  # type: ignore[arg-type]
    emitting = asyncio.create_task(
        waiters.emit_all(
            [party("a"), party("b")], subject="k", wait=True, retry_field="case_id", actor="x"
        )
    )
    await asyncio.sleep(0.01)
    assert [(m, s) for m, s, _ in bus.published] == [("a", "k"), ("b", "k")]
    last_id = bus.published[-1][2]["event_id"]
    assert "event_id" not in bus.published[0][2]  # only the last one is waited for
    assert all(attrs["actor"] == "x" for _, _, attrs in bus.published)
    assert all("retry_field" not in attrs for _, _, attrs in bus.published)  # not a header
    assert not emitting.done()
    waiters.wake("some other event")
    await asyncio.sleep(0.01)
    assert not emitting.done()
    waiters.wake(last_id)
    assert await emitting == last_id


async def test_without_waiting_it_returns_at_once_and_leaves_nothing_pending():
    bus = RecordingBus()
    waiters = Waiters(bus)  # type: ignore[arg-type]
    event_id = await waiters.emit(party("a"), subject="k", wait=False, event_id="given")
    assert event_id == "given" and bus.published[0][2]["event_id"] == "given"
    assert waiters._pending == {}


async def test_a_wait_never_woken_is_unavailable_naming_the_field_to_retry_with(monkeypatch):
    monkeypatch.setattr(waiters_module, "APPLY_TIMEOUT_S", 0.01)
    waiters = Waiters(RecordingBus())  # type: ignore[arg-type]
    with pytest.raises(DomainError) as refused:
        await waiters.emit(party("a"), subject="k", wait=True, retry_field="request_id")
    assert refused.value.kind is Kind.UNAVAILABLE  # 503 / UNAVAILABLE: clients retry
    assert refused.value.field == "request_id"
    assert refused.value.reason == "not applied in time; retry with the same request_id"
    assert waiters._pending == {}


async def test_a_wait_without_a_field_to_retry_with_is_refused_before_anything_is_produced():
    bus = RecordingBus()
    waiters = Waiters(bus)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await waiters.emit(party("a"), subject="k", wait=True)
    assert bus.published == [] and waiters._pending == {}

"""The fake runtime (tests/unit/fakes.py) fails where production would: a table value the
changelog cannot hold, an event consumers refuse; its table writes count as effects, so
an event that wrote is deduplicated; and a command's wait ends once its own agent
applied the event, as with a broker."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from google.protobuf.message import Message
from govshare.courts.v1 import events_pb2 as courts

from services.kit.envelope import Envelope
from services.kit.waiters import Waiters
from tests.samples import sample_of_topic
from tests.unit.fakes import FakeRuntime
from tests.unit.realestate import events as e


def test_a_table_refuses_what_its_changelog_could_not_restore():
    table = FakeRuntime("unit").faust.Table("things", key_type=str, value_type=None)
    with pytest.raises(TypeError):
        table["k"] = {"at": datetime(2025, 6, 4, tzinfo=UTC)}
    table["k"] = {"ids": ("a", "b")}
    assert table["k"] == {"ids": ["a", "b"]}  # as it comes back after a restart


async def test_an_event_consumers_refuse_fails_the_test_unless_expected():
    runtime = FakeRuntime("realestate")
    seals = runtime.faust.Table("seals", key_type=str, value_type=None)
    applied: list[Message] = []

    async def handler(env: Envelope, message: Message) -> None:
        applied.append(message)
        seals[env.subject] = env.id  # a write: the event is marked applied

    runtime.consume("courts.v1.events", handler)
    incomplete = courts.PropertySealed(unit_code="370105012002GB00001F00010751")
    with pytest.raises(AssertionError, match="dead-lettered"):
        await runtime.deliver(incomplete, subject=incomplete.unit_code)
    with runtime.dead_letters_expected() as letters:
        await runtime.deliver(incomplete, subject=incomplete.unit_code)
    assert len(letters) == 1 and letters[0].topic == "courts.v1.events"
    sealed = sample_of_topic("courts.v1.events")
    await runtime.redeliver(sealed.envelope, sealed.message)
    await runtime.redeliver(sealed.envelope, sealed.message)  # marked: deduplicated
    assert applied == [sealed.message]


async def test_a_command_waits_until_its_own_agent_applied_its_event():
    runtime = FakeRuntime("realestate")
    waiters = Waiters(runtime.bus)
    applied: list[str] = []

    async def agent(env: Envelope, message: Message) -> None:
        applied.append(env.id)
        waiters.wake(env.id)

    runtime.consume("realestate.v1.events", agent)
    event_id = await waiters.emit(e.applied(), subject=e.UNIT, wait=True, retry_field="case_id")
    assert applied == [event_id]
    ((env, message),) = runtime.records()
    assert env.id == event_id and env.source == "/govshare/realestate"
    assert message == e.applied()

"""Commands across a crash: what a SIGKILL between two produces of one command leaves
behind, and what the client's retry (same request id) must make of it."""

from __future__ import annotations

from typing import Any

import pytest
from govshare.power.v1 import events_pb2 as ev

from services.kit.clock import FixedClock
from services.power.commands import Commands
from services.power.evidence import Resolution
from services.power.registry import Registry
from services.power.rules import ApplicationRequest
from tests.unit.fakes import FakeRuntime
from tests.unit.power.support import (
    APPLICANT,
    CATALOG,
    COMPANY,
    ENTERPRISE,
    LICENCE,
    PROPERTY,
    T0,
    UNIT,
    found,
    missing,
)


class Killed(Exception):
    """The process died: nothing after this point happened."""


class FoundEverything:
    def __init__(self) -> None:
        self.calls = 0

    async def resolve(self, **kwargs: Any) -> Resolution:
        self.calls += 1
        return Resolution([found(LICENCE), found(PROPERTY)], [f"AX-{self.calls}"])


def _request() -> ApplicationRequest:
    return ApplicationRequest(
        applicant=ENTERPRISE, matter_code="lv-nonresident-new", capacity_w=60000, unit_code=UNIT
    )


# submit produces ApplicationSubmitted, EvidenceResolved, ApplicationAccepted and the
# first StepAdvanced: a crash after the acceptance leaves it accepted without a step.
@pytest.mark.parametrize(
    ("produced_before_the_crash", "left"),
    [(1, "submitted"), (2, "submitted"), (3, "in-progress")],
)
async def test_a_retry_finishes_an_application_its_first_attempt_left_half_made(
    produced_before_the_crash: int, left: str
):
    runtime = FakeRuntime("power", clock=FixedClock(T0))
    registry = Registry(runtime, CATALOG, FoundEverything(), COMPANY, runtime.clock)  # type: ignore[arg-type]
    runtime.consume("power.v1.events", registry.on_power_event)
    commands = Commands(registry)

    runtime.producer.fail(Killed(), after=produced_before_the_crash)
    with pytest.raises(Killed):
        await commands.submit(_request(), APPLICANT, request_id="req-1")
    await runtime.settle()  # the restarted worker applies what reached the log
    assert len(runtime.records()) == produced_before_the_crash
    (half,) = registry.of_holder(ENTERPRISE.id)
    assert half.status == left and half.current is None  # what the crash left on the log

    runtime.producer.fail(None)
    app = await commands.submit(_request(), APPLICANT, request_id="req-1")
    assert app.id == half.id and app.status == "in-progress", app.status
    assert app.current is not None and app.current.code == app.planned[0].step_code
    assert [a.id for a in registry.of_holder(ENTERPRISE.id)] == [app.id]
    kinds = [type(m).__name__ for m in registry.events(app.id)]
    assert kinds.count("ApplicationSubmitted") == 1
    assert kinds.count("ApplicationAccepted") == 1
    assert kinds.count("StepAdvanced") == 1

    again = await commands.submit(_request(), APPLICANT, request_id="req-1")
    assert again.id == app.id and len(registry.events(app.id)) == len(kinds)  # done: as is
    assert isinstance(registry.events(app.id)[0], ev.ApplicationSubmitted)


class PropertyMissing:
    async def resolve(self, **kwargs: Any) -> Resolution:
        return Resolution([found(LICENCE), missing(PROPERTY)], ["AX-1"])


async def test_a_retried_upload_finishes_the_acceptance_it_made_when_cut_short():
    runtime = FakeRuntime("power", clock=FixedClock(T0))
    registry = Registry(runtime, CATALOG, PropertyMissing(), COMPANY, runtime.clock)  # type: ignore[arg-type]
    runtime.consume("power.v1.events", registry.on_power_event)
    commands = Commands(registry)
    waiting = await commands.submit(_request(), APPLICANT, request_id="req-1")
    assert waiting.status == "evidence-requested"

    # the upload produces EvidenceSupplied, ApplicationAccepted, StepAdvanced: die before
    # the last
    runtime.producer.fail(Killed(), after=2)
    upload = (PROPERTY, "uploads/deed.pdf", "")
    with pytest.raises(Killed):
        await commands.supply(waiting, *upload, APPLICANT)
    await runtime.settle()
    half = registry.find(waiting.id)
    assert half.status == "in-progress" and half.current is None

    runtime.producer.fail(None)
    app = await commands.supply(half, *upload, APPLICANT)
    assert app.current is not None and app.current.code == app.planned[0].step_code
    kinds = [type(m).__name__ for m in registry.events(app.id)]
    assert (kinds.count("EvidenceSupplied"), kinds.count("StepAdvanced")) == (1, 1), kinds

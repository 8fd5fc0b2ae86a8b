"""Periodic work waits for a ready worker and outlives its own failures (kit/periodic.py)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from services.kit.metrics import PERIODIC_FAILURES
from services.kit.periodic import every


class _Faust:
    def __init__(self) -> None:
        self.timers: dict[str, tuple[float, Callable[[], Awaitable[None]]]] = {}

    def timer(self, interval: float, name: str) -> Callable[[Any], Any]:
        def register(fun: Callable[[], Awaitable[None]]) -> Any:
            self.timers[name] = (interval, fun)
            return fun

        return register


class _Worker:
    def __init__(self) -> None:
        self.ready = False
        self.faust = _Faust()


def _registered(worker: _Worker) -> Callable[[], Awaitable[None]]:
    ((interval, fun),) = worker.faust.timers.values()
    assert interval == 5.0
    return fun


async def test_a_tick_runs_only_once_the_worker_is_ready():
    worker, ran = _Worker(), []

    @every(worker, 5.0)
    async def sweep() -> None:
        ran.append(1)

    tick = _registered(worker)
    await tick()
    assert ran == []  # tables not recovered: a scan would miss entities
    worker.ready = True
    await tick()
    assert ran == [1]


async def test_a_tick_that_raises_is_logged_and_counted_and_the_next_runs(caplog):
    worker = _Worker()
    worker.ready = True
    outcomes = iter([ConnectionError("the broker is away"), None])

    @every(worker, 5.0)
    async def flaky_sweep() -> None:
        failure = next(outcomes)
        if failure:
            raise failure

    tick = _registered(worker)
    before = PERIODIC_FAILURES.labels("flaky_sweep")._value.get()
    with caplog.at_level(logging.ERROR, logger="services.kit.periodic"):
        await tick()  # does not raise: a Faust timer that raises ends the worker
    assert PERIODIC_FAILURES.labels("flaky_sweep")._value.get() == before + 1
    assert "periodic flaky_sweep failed" in caplog.text
    await tick()
    with pytest.raises(StopIteration):
        next(outcomes)  # both runs happened


def test_the_timer_is_named_after_the_tick_so_two_services_ticks_never_clash():
    worker = _Worker()

    @every(worker, 5.0)
    async def sweep() -> None:
        pass

    assert list(worker.faust.timers) == [f"{__name__}.sweep"]

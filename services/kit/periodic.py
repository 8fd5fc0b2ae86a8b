"""A worker's periodic work (sweeps, scans): Faust timers that wait until the worker's
state is whole and outlive their own failures.

A Faust timer that raises ends the worker (mode.Service._execute_task crashes the app),
so a sweep that met the broker away, or any bug in one entity, took the whole service
down. `every` runs the tick only while the worker is ready (tables recovered and its own
topics caught up, so a scan sees every entity; the broker reachable), and a tick that
raises is logged and counted (`govshare_periodic_failures_total`); the next tick tries
again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from services.kit.metrics import PERIODIC_FAILURES

log = logging.getLogger(__name__)

Tick = Callable[[], Awaitable[None]]


class _Worker(Protocol):
    @property
    def ready(self) -> bool: ...

    @property
    def faust(self) -> Any: ...


def every(worker: _Worker, interval_s: float) -> Callable[[Tick], Tick]:
    """Decorate an `async def tick()` to run every `interval_s` on `worker` (see above);
    returns the tick itself, for tests to call."""

    def register(tick: Tick) -> Tick:
        name = tick.__name__

        async def guarded() -> None:
            if not worker.ready:
                return
            try:
                await tick()
            except Exception:
                PERIODIC_FAILURES.labels(name).inc()
                log.exception("periodic %s failed; it runs again in %s s", name, interval_s)

        worker.faust.timer(interval=interval_s, name=f"{tick.__module__}.{name}")(guarded)
        return tick

    return register

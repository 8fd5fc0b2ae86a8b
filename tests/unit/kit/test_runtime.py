"""What a service does when one of its consumers cannot get past an event: it keeps the
event (no agent death, no skipped offset), retries it, and reports itself not ready, with
the reason, until it gets past. The runtime is built, not started (no broker)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from prometheus_client import REGISTRY

from services.kit import metrics
from services.kit import runtime as runtime_module
from services.kit.runtime import ServiceRuntime
from services.kit.settings import IDLE_FETCH_WAIT_MS, load_settings


@pytest.fixture
def service(tmp_path, monkeypatch: pytest.MonkeyPatch) -> ServiceRuntime:
    monkeypatch.setattr(runtime_module, "RETRY_FIRST_S", 0.01)
    settings = load_settings(env="test", kafka_bootstrap="127.0.0.1:9", data_dir=str(tmp_path))
    built = ServiceRuntime("unit", settings)
    # As if started and recovered: readiness then depends on the consumers alone.
    monkeypatch.setattr(ServiceRuntime, "recovered", property(lambda _: True))
    return built


async def test_a_failing_event_is_retried_and_the_service_is_not_ready_meanwhile(service):
    attempts: list[bool] = []
    readiness: list[bool] = []

    async def attempt() -> None:
        readiness.append(service.ready)
        attempts.append(True)
        if len(attempts) < 3:
            raise RuntimeError("the ledger table is unavailable")

    assert service.ready
    await asyncio.wait_for(service._without_dying("tax.v1.events", attempt), 5)
    assert len(attempts) == 3  # the same event, until it went through
    assert readiness == [True, False, False]  # not ready while stuck
    assert service.ready and service.stuck == {}


async def test_readiness_says_which_consumer_is_stuck_and_why(service):
    async def attempt() -> None:
        raise RuntimeError("the ledger table is unavailable")

    task = asyncio.create_task(service._without_dying("tax.v1.events", attempt))
    try:
        await asyncio.sleep(0.05)
        assert not service.ready
        assert service.stuck == {"tax.v1.events": "RuntimeError: the ledger table is unavailable"}
    finally:
        task.cancel()


def test_the_fetch_wait_is_short_outside_production_and_faust_s_own_in_it():
    # Tansu holds every fetch for its full wait (services/kit/fetch_wait.py).
    test = load_settings(env="test")
    assert (test.fetch_wait_ms, test.idle_fetch_wait_ms) == (10, IDLE_FETCH_WAIT_MS)
    production = load_settings(env="production", kafka_bootstrap="k:9092", store="rocksdb://")
    assert (production.fetch_wait_ms, production.idle_fetch_wait_ms) == (1500, 1500)
    assert load_settings(env="test", consumer_fetch_wait_ms=250).fetch_wait_ms == 250
    # the idle wait is never below the busy one
    busy = IDLE_FETCH_WAIT_MS + 300
    assert load_settings(env="test", consumer_fetch_wait_ms=busy).idle_fetch_wait_ms == busy
    assert load_settings(env="test", consumer_idle_fetch_wait_ms=50).idle_fetch_wait_ms == 50


def test_the_worker_is_built_with_the_configured_fetch_waits(tmp_path):
    settings = load_settings(
        env="test",
        kafka_bootstrap="127.0.0.1:9",
        data_dir=str(tmp_path),
        consumer_fetch_wait_ms=20,
        consumer_idle_fetch_wait_ms=700,
    )
    wait = ServiceRuntime("unit", settings).faust.fetch_wait
    assert wait is not None and (wait.busy_ms, wait.idle_ms) == (20, 700)


class SlowBuffer:
    """Faust's buffer of table writes, with sends that take longer than its 0.1 s wait:
    each flush() call completes one send, as the real one does before giving up."""

    def __init__(self, queued: int) -> None:
        self.size = queued
        self.flush_calls = 0

    async def flush(self) -> None:
        self.flush_calls += 1
        if self.size:
            self.size -= 1


async def test_the_producer_flush_before_a_commit_drains_every_queued_table_write(tmp_path):
    settings = load_settings(env="test", kafka_bootstrap="127.0.0.1:9", data_dir=str(tmp_path))
    producer = ServiceRuntime("unit", settings).faust.producer
    buffer = SlowBuffer(queued=3)
    producer.buffer = buffer  # type: ignore[attr-defined]
    await producer.flush()
    assert buffer.size == 0  # Faust's own flush returns with writes still queued


async def test_a_stopped_runtime_leaves_no_metric_source_behind(service, monkeypatch):
    # Started and stopped as uvicorn does, with the broker and Faust's worker left out.
    async def no_broker_needed(*_: object, **__: object) -> None:
        return None

    @contextlib.asynccontextmanager
    async def worker_running(*_: object, **__: object) -> AsyncIterator[None]:
        yield

    monkeypatch.setattr(runtime_module, "ensure_topics", no_broker_needed)
    monkeypatch.setattr(runtime_module, "faust_app_running", worker_running)
    cases = metrics.StateGauge("govshare_unit_test_cases", "Cases by stage.", "stage", ["open"])
    try:
        cases.source = lambda: {"open": 1}
        assert metrics.TABLE_KEYS.tables is not None  # set as the runtime was built
        async with service._lifespan(service.api):
            assert REGISTRY.get_sample_value("govshare_unit_test_cases", {"stage": "open"}) == 1
        assert cases.source is None
        assert metrics.TABLE_KEYS.tables is None
    finally:
        REGISTRY.unregister(cases)

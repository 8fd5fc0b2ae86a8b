"""Shared fixtures: one embedded broker per test session, unique names per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.broker import EmbeddedBroker

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow", action="store_true", help="also run the tests marked slow (make test-slow)"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: minutes-long (crash/restart, rebalance); skipped unless --slow"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow (make test-slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    """The session's Kafka-compatible broker (Tansu, memory storage)."""
    ARTIFACTS.mkdir(exist_ok=True)
    with EmbeddedBroker(log_path=ARTIFACTS / "tansu.log") as running:
        yield running


@pytest.fixture
def prefix() -> str:
    """A topic and consumer-group namespace of this test's own."""
    return f"t{uuid.uuid4().hex[:10]}."


@pytest.fixture
def service_env(broker: EmbeddedBroker, prefix: str) -> dict[str, str]:
    """Environment for a service process isolated on the session broker."""
    return {
        **os.environ,
        "GOVSHARE_ENV": "test",
        "GOVSHARE_KAFKA_BOOTSTRAP": broker.bootstrap,
        "GOVSHARE_TOPIC_PREFIX": prefix,
    }

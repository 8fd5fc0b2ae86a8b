"""Fixtures for every unit test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.kit import metrics


@pytest.fixture(autouse=True)
def no_metric_source_outlives_its_test() -> Iterator[None]:
    """The scrape-time gauges are process-wide: a source a test attached (a registrar's
    tally, a runtime's tables) would otherwise be called by a later test's scrape, so
    that test's outcome would depend on which tests ran before it."""
    yield
    metrics.clear_sources()

"""One platform of all four services for the security tests (fuzzing, dead letters,
authorization, audit): started once for the package, on a topic prefix of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.processes import Platform, environment

SERVICES = ("certificates", "realestate", "tax", "power")


@pytest.fixture(scope="package")
def platform(broker, tmp_path_factory) -> Iterator[Platform]:
    env = environment(
        broker.bootstrap,
        tmp_path_factory.mktemp("keys"),
        GOVSHARE_POWER_OVERDUE_SCAN_S="1",
    )
    # The development payment channel too: the transfer flows pay through it.
    with Platform(env, (*SERVICES, "devbank")) as started:
        yield started

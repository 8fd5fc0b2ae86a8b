"""The launcher and the bench never hand a process a port they picked: a process is
given 0 (or, from `govshare up`, a well-known port it may replace) and the launcher
learns the ports from the process's announcement (services/kit/address.py)."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest

from devtools import launcher
from devtools.bench.certificates import Service
from services.kit import address

ANNOUNCED = itertools.count(41_000)  # what the fake processes "bound"


class FakeProcess:
    """Records what it was started with and announces ports as a service would."""

    started: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def __init__(self, args: list[str], env: dict[str, str], **_: Any) -> None:
        name = args[-1].removeprefix("services.")
        self.started.append((name, env))
        grpc = next(ANNOUNCED) if name in launcher.GRPC_SERVICES else None
        address.announce(env["GOVSHARE_ADDRESS_FILE"], http=next(ANNOUNCED), grpc=grpc)
        self.pid, self.returncode = 1, None

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, _sig: int) -> None:
        self.returncode = 0

    def wait(self, _timeout: float | None = None) -> int:
        return 0


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, str]]]:
    FakeProcess.started = []
    fake = SimpleNamespace(Popen=FakeProcess, TimeoutExpired=subprocess.TimeoutExpired)
    monkeypatch.setattr(launcher, "subprocess", fake)
    return FakeProcess.started


def _run(platform: launcher.Platform) -> launcher.Platform:
    try:
        launcher.start_payment_channel(platform)
        platform.start()
        platform.start_portal()
        platform.wait_announced(platform.services[launcher.PORTAL])
    finally:
        platform.stop()
    return platform


def test_without_fixed_ports_every_process_is_given_0_and_told_only_announced_ports(
    started: list[tuple[str, dict[str, str]]],
) -> None:
    platform = _run(launcher.Platform("127.0.0.1:9092", fixed_ports=False))
    assert [name for name, _ in started] == ["devbank", *launcher.SERVICES, "portal"]
    for _, env in started:
        assert (env["GOVSHARE_HTTP_PORT"], env["GOVSHARE_GRPC_PORT"]) == ("0", "0")
    services = platform.services
    told = dict(started)
    assert told["tax"]["GOVSHARE_TAX_CASHIER_URL"] == services["devbank"].http_url
    assert told["power"]["GOVSHARE_CERTIFICATES_GRPC"] == services["certificates"].grpc_address
    for name in launcher.SERVICES:
        assert told["portal"][f"GOVSHARE_PORTAL_{name.upper()}_URL"] == services[name].http_url
    assert all(p.http_port >= 41_000 for p in services.values())  # what they announced


def test_well_known_ports_are_given_as_a_preference_the_process_may_replace(
    started: list[tuple[str, dict[str, str]]],
) -> None:
    _run(launcher.Platform("127.0.0.1:9092"))
    for name, env in started:
        wanted = launcher.DEFAULT_HTTP_PORTS.get(name, launcher.DEVBANK_PORT)
        assert env["GOVSHARE_HTTP_PORT"] == str(wanted)
        assert env["GOVSHARE_GRPC_PORT"] == str(launcher.DEFAULT_GRPC_PORTS.get(name, 0))
        assert env["GOVSHARE_ANY_PORT_IF_TAKEN"] == "true"  # taken: it binds any, announces


def test_the_bench_certificates_process_binds_0_and_is_read_from_its_announcement(
    tmp_path: Path,
) -> None:
    service = Service("127.0.0.1:9092", "SIGNATURE_SUITE_ED25519", tmp_path)
    assert (service.env["GOVSHARE_HTTP_PORT"], service.env["GOVSHARE_GRPC_PORT"]) == ("0", "0")
    assert service.proc.address_file is not None
    assert service.env["GOVSHARE_ADDRESS_FILE"] == str(service.proc.address_file)
    assert not service.proc.has_announced()
    address.announce(str(service.proc.address_file), http=41_234, grpc=41_235)
    assert service.proc.has_announced()
    assert (service.metrics_url, service.grpc_address) == (
        "http://127.0.0.1:41234/metrics",
        "127.0.0.1:41235",
    )

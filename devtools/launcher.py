"""Start the four services, then the web portal in front of them, as child processes and
wait until each is ready.

Used by `govshare up` and by the end-to-end tests, so both exercise exactly the
processes an operator runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.kit.address import announced

SERVICES = ("certificates", "realestate", "tax", "power")
GRPC_SERVICES = ("certificates",)
# The web portal (services/portal): pages plus a same-origin proxy to the services above.
PORTAL = "portal"
DEFAULT_HTTP_PORTS = {
    "portal": 8080,
    "certificates": 8081,
    "realestate": 8082,
    "tax": 8083,
    "power": 8084,
}
DEFAULT_GRPC_PORTS = {"certificates": 50051}


@dataclass
class ServiceProcess:
    """A started process; its ports are what it announced (0 / None until it has)."""

    name: str
    http_port: int = 0
    grpc_port: int | None = None
    process: subprocess.Popen[bytes] | None = None
    address_file: Path | None = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def grpc_address(self) -> str | None:
        return f"127.0.0.1:{self.grpc_port}" if self.grpc_port else None

    def has_announced(self) -> bool:
        """Whether the process has said which ports it bound (read them if so)."""
        if self.http_port:
            return True
        ports = announced(self.address_file) if self.address_file else None
        if ports is None:
            return False
        self.http_port, self.grpc_port = ports["http"], ports.get("grpc")
        return True

    def is_ready(self) -> bool:
        if not self.has_announced():
            return False
        try:
            with urllib.request.urlopen(self.http_url + "/readyz", timeout=1) as reply:  # noqa: S310
                return bool(reply.status == 200)
        except OSError:
            return False


@dataclass
class Platform:
    bootstrap: str
    env: Mapping[str, str] = field(default_factory=dict)
    fixed_ports: bool = True
    log_dir: Path | None = None
    # processes by worker name: `<service>` for the first worker, `<service>-<n>` after it
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    workers: int = 1  # of each service
    # where the processes announce their ports (services/kit/address.py)
    run_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="govshare-")))

    def _port(self, preferred: int | None) -> int:
        """The well-known port when asked for, else 0. Either way the process binds it
        itself: a well-known port in use gives way to any free one there
        (GOVSHARE_ANY_PORT_IF_TAKEN), and it announces what it got. Nothing here checks a
        port and passes it on: another process could take it in between."""
        return (preferred or 0) if self.fixed_ports else 0

    def start(self, names: tuple[str, ...] = SERVICES) -> None:
        """`workers` processes of each service, one consumer group per service: the first
        is `<name>` (on the well-known ports), the others `<name>-2` ... (any free ports,
        data directories of their own). Requests to any of them are answered by the one
        holding their state (services/kit/forwarding.py)."""
        for name in names:
            for worker in range(1, self.workers + 1):
                well_known = worker == 1
                grpc = None
                if name in GRPC_SERVICES:
                    grpc = self._port(DEFAULT_GRPC_PORTS[name]) if well_known else 0
                http = self._port(DEFAULT_HTTP_PORTS[name]) if well_known else 0
                proc = self.spawn(name, http, grpc, worker=worker)
                if name in GRPC_SERVICES:
                    self.wait_announced(proc)  # the services after it are told its address

    def workers_of(self, name: str) -> list[ServiceProcess]:
        return [p for p in self.services.values() if p.name == name]

    def start_portal(self) -> None:
        """The portal, after the services: told where each listens."""
        for proc in self.services.values():
            self.wait_announced(proc)
        self.spawn(
            PORTAL,
            self._port(DEFAULT_HTTP_PORTS[PORTAL]),
            None,
            {
                f"GOVSHARE_PORTAL_{name.upper()}_URL": service.http_url
                for name, service in self.services.items()
                if name == service.name  # the first worker; it forwards what is not its own
            },
        )

    def spawn(
        self,
        name: str,
        http_port: int = 0,
        grpc_port: int | None = None,
        extra_env: Mapping[str, str] | None = None,
        *,
        worker: int = 1,
    ) -> ServiceProcess:
        key = name if worker == 1 else f"{name}-{worker}"
        proc = ServiceProcess(name, address_file=self.run_dir / f"{key}.address.json")
        per_worker = {}
        if worker > 1:  # a worker's table store (RocksDB in production) is its own
            data_dir = self.env.get("GOVSHARE_DATA_DIR") or os.environ.get("GOVSHARE_DATA_DIR")
            per_worker["GOVSHARE_DATA_DIR"] = f"{data_dir or '.govshare-data'}/worker-{worker}"
        env = {
            **os.environ,
            **self.env,
            **(extra_env or {}),
            **per_worker,
            "GOVSHARE_KAFKA_BOOTSTRAP": self.bootstrap,
            "GOVSHARE_HTTP_PORT": str(http_port),
            "GOVSHARE_GRPC_PORT": str(grpc_port or 0),
            "GOVSHARE_ADDRESS_FILE": str(proc.address_file),
            "GOVSHARE_ANY_PORT_IF_TAKEN": "true",
        }
        certificates = [p.grpc_address for p in self.workers_of("certificates") if p.grpc_address]
        if certificates:
            # power and realestate resolve evidence there (kit/grpc_targets.py: round robin)
            env["GOVSHARE_CERTIFICATES_GRPC"] = ",".join(certificates)
        out = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{key}.log", "ab")  # noqa: SIM115
        proc.process = subprocess.Popen(
            [sys.executable, "-m", f"services.{name}"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            start_new_session=True,  # the launcher, not the terminal, stops services
        )
        self.services[key] = proc
        return proc

    def wait_announced(self, proc: ServiceProcess, timeout: float = 60.0) -> None:
        self._wait({proc.name}, ServiceProcess.has_announced, timeout, "did not bind its ports")

    def wait_ready(self, timeout: float = 90.0) -> None:
        self._wait(set(self.services), ServiceProcess.is_ready, timeout, "not ready")

    def _wait(
        self, names: set[str], done: Callable[[ServiceProcess], bool], timeout: float, what: str
    ) -> None:
        deadline = time.monotonic() + timeout
        pending = set(names)
        while pending and time.monotonic() < deadline:
            for name in sorted(pending):
                proc = self.services[name]
                assert proc.process is not None
                if proc.process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.process.returncode}")
                if done(proc):
                    pending.discard(name)
            if pending:
                time.sleep(0.1)
        if pending:
            raise TimeoutError(f"{what} after {timeout:.0f} s: {', '.join(sorted(pending))}")

    def stop(self, timeout: float = 20.0) -> dict[str, int | None]:
        """SIGTERM every service (graceful), SIGKILL what outlives `timeout`."""
        for proc in self.services.values():
            if proc.process and proc.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.process.send_signal(signal.SIGTERM)
        codes: dict[str, int | None] = {}
        deadline = time.monotonic() + timeout
        for name, proc in self.services.items():
            if proc.process is None:
                continue
            try:
                codes[name] = proc.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.process.kill()
                codes[name] = proc.process.wait()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        return codes


# The development payment channel (services/devbank): a stand-in bank that `govshare up`
# runs before the services, so that tax is told where its cashier page is. Kept out of
# SERVICES: it is not deployed (the production channel is an external department).
DEVBANK = "devbank"
DEVBANK_PORT = 8085


def start_payment_channel(platform: Platform) -> ServiceProcess:
    proc = platform.spawn(DEVBANK, platform._port(DEVBANK_PORT))
    platform.wait_announced(proc)  # tax is told the port it bound
    platform.env = {**platform.env, "GOVSHARE_TAX_CASHIER_URL": proc.http_url}
    return proc

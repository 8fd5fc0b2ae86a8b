"""Service processes the security and reliability tests start, kill and restart.

Like `tests.helpers.started_service`, but a process keeps its ports across a restart
(power and realestate keep reaching certificates' gRPC port), can be SIGKILLed, and
several workers of one service can run side by side (same consumer group, own ports).
Every process writes its stderr (JSON logs) to `artifacts/<prefix><name>[-n].log`.

Ports: nothing here picks one. A process's first start binds port 0 and announces what
it bound (services/kit/address.py); a restart asks for those same ports again, its own.
Should another process take one while it is down (the kernel may hand it out between the
kill and the restart), the restart exits naming the port instead of sharing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from services.kit.address import announced
from services.kit.admin import ensure_topics, partitions_of
from services.kit.topics import all_topic_names
from tests.helpers import ROOT, http_get, metric_value, wait_until

ARTIFACTS = ROOT / "artifacts"


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    log: Path
    http_port: int = 0  # 0: any free port; what it announced from its first start on
    grpc_port: int | None = None  # likewise, for a service with gRPC
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0
    _announced: bool = False  # by the current start

    @property
    def address_file(self) -> Path:
        return self.log.with_name(self.log.stem + ".address.json")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> ServiceProcess:
        assert not self.running, f"{self.name} is already running"
        env = {
            **os.environ,
            **self.env,
            "GOVSHARE_HTTP_PORT": str(self.http_port),
            "GOVSHARE_ADDRESS_FILE": str(self.address_file),
        }
        if self.grpc_port is not None:
            env["GOVSHARE_GRPC_PORT"] = str(self.grpc_port)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.address_file.unlink(missing_ok=True)
        self._announced = False
        with open(self.log, "ab") as out:
            out.write(f"--- start {self.starts + 1} ---\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"services.{self.name}"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        self.starts += 1
        return self

    def has_announced(self) -> bool:
        """Whether this start has said which ports it bound (read them if so)."""
        if not self._announced:
            ports = announced(self.address_file)
            if ports is None:
                return False
            self.http_port = ports["http"]
            if self.grpc_port is not None:
                self.grpc_port = ports["grpc"]
            self._announced = True
        return True

    def ready(self) -> bool:
        return self.has_announced() and http_get(self.url + "/readyz")[0] == 200

    def _wait(self, done: Callable[[], bool], timeout: float, what: str) -> ServiceProcess:
        def up() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(
                    f"{self.name} exited with {self.process.returncode}: {self.log}"
                )
            return done()

        wait_until(up, timeout, f"{self.name} {what}")
        return self

    def wait_announced(self, timeout: float = 60.0) -> ServiceProcess:
        return self._wait(self.has_announced, timeout, "bound its ports")

    def wait_ready(self, timeout: float = 90.0) -> ServiceProcess:
        return self._wait(self.ready, timeout, "ready")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no commit (a crash, an OOM kill, a lost node)."""
        assert self.process is not None and self.process.poll() is None, f"{self.name} not running"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.kills += 1

    def stop(self, timeout: float = 20.0) -> None:
        if not self.running:
            return
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self) -> ServiceProcess:
        return self.start().wait_ready()

    def metrics(self) -> str:
        return http_get(self.url + "/metrics")[1].decode()

    def consumed(self, topic: str, **labels: str) -> float:
        return metric_value(self.metrics(), "govshare_events_consumed_total", topic=topic, **labels)


def environment(bootstrap: str, keys_dir: Path, **extra: str) -> dict[str, str]:
    """A fresh topic prefix (topics created) and the settings every service gets."""
    prefix = f"t{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(bootstrap, all_topic_names(prefix), partitions=4))
    return {
        "GOVSHARE_ENV": "test",
        "GOVSHARE_KAFKA_BOOTSTRAP": bootstrap,
        "GOVSHARE_TOPIC_PREFIX": prefix,
        "GOVSHARE_KEYS_DIR": str(keys_dir),
        **extra,
    }


class Platform:
    """Services on one topic prefix; certificates (with gRPC) starts first."""

    def __init__(self, env: dict[str, str], names: tuple[str, ...]) -> None:
        self.env = env
        self.prefix = env["GOVSHARE_TOPIC_PREFIX"]
        self.bootstrap = env["GOVSHARE_KAFKA_BOOTSTRAP"]
        self.services: dict[str, ServiceProcess] = {}
        for name in names:
            self.services[name] = ServiceProcess(
                name,
                self.env,
                ARTIFACTS / f"{self.prefix}{name}.log",
                grpc_port=0 if name == "certificates" else None,
            )
        self.extra: list[ServiceProcess] = []  # more workers, see `worker`

    @property
    def grpc_port(self) -> int:
        """The gRPC port certificates bound (and announced) at its first start."""
        port = self.services["certificates"].grpc_port
        assert port, "certificates has not announced its gRPC port"
        return port

    @property
    def grpc_address(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.services[name]

    def url(self, name: str) -> str:
        return self.services[name].url

    def worker(self, name: str, **env: str) -> ServiceProcess:
        """Another worker of `name`: same consumer group, its own HTTP port and log."""
        n = 2 + sum(1 for p in self.extra if p.name == name)
        proc = ServiceProcess(name, {**self.env, **env}, ARTIFACTS / f"{self.prefix}{name}-{n}.log")
        self.extra.append(proc)
        return proc

    def start(self) -> Platform:
        certificates = self.services.get("certificates")
        if certificates is not None:  # first: the others are told where its gRPC port is
            certificates.start().wait_announced()
            self.env["GOVSHARE_CERTIFICATES_GRPC"] = self.grpc_address
        for proc in self.services.values():
            if proc is not certificates:
                proc.start()
        for proc in self.services.values():
            proc.wait_ready()
        return self

    def stop(self) -> None:
        for proc in [*self.extra, *self.services.values()]:
            proc.stop()

    def logs(self) -> dict[str, str]:
        """What every process of the platform wrote (restarts and extra workers included)."""
        found: dict[str, str] = {}
        for proc in [*self.services.values(), *self.extra]:
            if proc.log.exists():
                found[proc.log.name] = proc.log.read_text(encoding="utf-8", errors="replace")
        return found

    def __enter__(self) -> Platform:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def call(
    method: str, url: str, token: str | None = None, body: Any = None, timeout: float = 30
) -> tuple[int, Any]:
    """One JSON request; (status, decoded body or None)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = httpx.request(method, url, headers=headers, json=body, timeout=timeout)
    try:
        return reply.status_code, reply.json() if reply.content else None
    except ValueError:
        return reply.status_code, reply.text


def retry(
    method: str,
    url: str,
    token: str | None = None,
    body: Any = None,
    *,
    until: tuple[int, ...] = (200, 201),
    timeout: float = 60,
) -> tuple[int, Any]:
    """What a client does while a service restarts: the same request again (same
    idempotency key) until it is answered with one of `until`."""
    deadline = time.monotonic() + timeout
    last: tuple[int, Any] = (0, None)
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            last = call(method, url, token, body, timeout=20)
            if last[0] in until:
                return last
        time.sleep(0.3)
    raise AssertionError(f"{method} {url}: still {last} after {timeout} s")


async def read_all(
    bootstrap: str, topic: str, idle_s: float = 1.5
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of `topic` so far (all partitions), in produce order; [] if none."""
    partitions = await partitions_of(bootstrap, topic)
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < idle_s:
            batch = await consumer.getmany(timeout_ms=300)
            for part in batch.values():
                records.extend(part)
                quiet_since = time.monotonic()
    finally:
        await consumer.stop()
    return sorted(records, key=lambda r: r.timestamp)


def power_application(holder: str, unit: str) -> dict[str, Any]:
    """An enterprise's low-voltage application, with a request id of its own: a retry,
    to whichever worker, lands on the same application."""
    return {
        "matter_code": "lv-nonresident-new",
        "requested_capacity_w": 60000,
        "unit_code": unit,
        "request_id": f"req-{holder}",
    }

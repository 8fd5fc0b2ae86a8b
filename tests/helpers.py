"""Small helpers the integration and end-to-end tests share."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from devtools.launcher import ServiceProcess
from services.kit.admin import partitions_of

ROOT = Path(__file__).resolve().parent.parent


def http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
    except OSError:  # refused, reset, timed out: nobody answered
        return 0, b""


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@contextmanager
def started_service(name: str, env: Mapping[str, str], log: Path) -> Iterator[ServiceProcess]:
    """Run `python -m services.<name>` until the block ends. It binds its own ports (HTTP:
    0, any free port; gRPC: as `env` says, 0 by default) and announces what it bound
    (services/kit/address.py); the block gets the process with those ports, once ready."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govshare-") as run_dir:
        service = ServiceProcess(name, address_file=Path(run_dir) / f"{name}.address.json")
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                env={
                    **os.environ,
                    **env,
                    "GOVSHARE_HTTP_PORT": "0",
                    "GOVSHARE_ADDRESS_FILE": str(service.address_file),
                },
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        service.process = proc
        try:
            wait_until(lambda: proc.poll() is not None or service.is_ready(), 60, f"{name} ready")
            assert proc.poll() is None, f"{name} exited: see {log}"
            yield service
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def running_service(name: str, env: Mapping[str, str], log: Path) -> Iterator[str]:
    """`started_service`, for a block that needs only the base URL."""
    with started_service(name, env, log) as service:
        yield service.http_url


async def read_topic(
    bootstrap: str, topic: str, count: int, wait_s: float = 20.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """The first `count` records of `topic` (all partitions), or fail after `wait_s` seconds."""
    deadline = time.monotonic() + wait_s
    partitions: list[int] = []
    while not partitions and time.monotonic() < deadline:
        partitions = await partitions_of(bootstrap, topic)
        if not partitions:
            await asyncio.sleep(0.2)
    assert partitions, f"{topic} does not exist"
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        while len(records) < count and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for part in batch.values():
                records.extend(part)
    finally:
        await consumer.stop()
    assert len(records) >= count, f"{topic}: {len(records)} of {count} records"
    return sorted(records, key=lambda r: r.timestamp)


def metric_value(metrics_text: str, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in metrics_text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        head, _, value = line.rpartition(" ")
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            total += float(value)
    return total

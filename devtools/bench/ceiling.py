"""The ceiling: a plain aiokafka consume -> produce -> commit loop, no govshare code.

Run as its own process (`python -m devtools.bench.ceiling IN OUT GROUP`), like a service,
so that the bench drives it exactly as it drives the certificates service: the same
records produced onto its input, the outputs counted on its output topic. Each poll's
records are forwarded (same key, value and headers), the produces awaited together,
then the offsets committed: at-least-once, the least any consumer here may do.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from devtools.bench.harness import (
    count_records,
    cpu_seconds,
    licence_records,
    produce,
    rss_bytes,
)
from services.kit.admin import ensure_topics


async def forward(bootstrap: str, source: str, target: str, group: str) -> None:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        # Tansu holds a join for about half of this (see DESIGN.md): keep it short.
        rebalance_timeout_ms=3000,
        session_timeout_ms=3000,
        heartbeat_interval_ms=500,
        max_poll_records=2000,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    await consumer.start()
    try:
        while not consumer.assignment():  # noqa: ASYNC110 (aiokafka has no event for it)
            await asyncio.sleep(0.05)
        print("ready", flush=True)
        while True:
            batch = await consumer.getmany(timeout_ms=500, max_records=2000)
            pending = [
                await producer.send(target, r.value, key=r.key, headers=list(r.headers))
                for records in batch.values()
                for r in records
            ]
            if pending:
                await asyncio.gather(*pending)
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bootstrap")
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("group")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(forward(args.bootstrap, args.source, args.target, args.group))
    return 0


if __name__ == "__main__":
    sys.exit(main())


async def measure(bootstrap: str, count: int, log: Path) -> dict[str, float]:
    """Events/s of the loop draining `count` licence records already on its input:
    from the moment it has its partitions until the last one is read back from its
    output (a backlog, as when a department loads its register in bulk)."""
    prefix = f"bench{uuid.uuid4().hex[:8]}."
    source, target = prefix + "ceiling.in", prefix + "ceiling.out"
    await ensure_topics(bootstrap, [source, target], partitions=4)
    await produce(bootstrap, source, list(licence_records(0, count)))
    counter = asyncio.create_task(count_records(bootstrap, target, count, 600))
    process = await asyncio.to_thread(_spawn, bootstrap, source, target, prefix, log)
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 60)
        if line.strip() != b"ready":
            raise RuntimeError(f"the ceiling loop did not start; see {log}")
        started = time.monotonic()
        cpu_before = cpu_seconds(process.pid)
        seconds = await counter - started
        cpu = cpu_seconds(process.pid) - cpu_before
        rss = rss_bytes(process.pid)
    finally:
        counter.cancel()
        process.terminate()
        await asyncio.to_thread(process.wait, 30)
    return {
        "events": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "cpu_us_per_event": cpu / count * 1e6,
        "rss_mb": rss / 2**20,  # what a bare consume -> produce loop holds (RSS lines)
    }


def _spawn(
    bootstrap: str, source: str, target: str, group: str, log: Path
) -> subprocess.Popen[bytes]:
    with open(log, "ab") as errors:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "devtools.bench.ceiling", bootstrap, source, target, group],
            stdout=subprocess.PIPE,
            stderr=errors,
        )

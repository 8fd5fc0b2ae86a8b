"""A soak: joint transfers and power applications at a steady rate for a long time
(`govshare bench --soak-minutes 30`, `make soak`), one line per interval, and whether the
figures stayed flat, i.e. whether cost and state grow with history (issue 14, item 6).

The four services run on the production store (`rocksdb://`), so their memory is the
process's own and not the records they hold, and with the applied-event marks' horizon
cut to `retention_s` so that their expiry happens within the soak. Each interval first
issues the certificates its sellers and applicants hold (not timed), then runs both flows
open loop for the interval, on cases and applicants of its own. Per interval: completed
per second and p99 of each flow, the RSS of each process, the keys of each table
(`govshare_table_keys`) and the size of each service's data directory.

Tables that are the record of what happened (cases, certificates, applications, ledgers,
access logs, histories) grow with history by design; the indexes over records grow with
them. Flat is judged on the rest: tables with a horizon or that hold open work only.

The broker is shown, not judged: the records its log holds and its longest partition,
and for the embedded broker its CPU over the interval and its RSS. Tansu's memory store
keeps every record (no retention, no compaction) and lists a partition's every stored
batch on each fetch that finds data, so its cost grows with the log whatever the
services do (docs/performance.md, session 9); on Apache Kafka retention and compaction
bound the log and a fetch costs the same at any length.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from devtools.bench import power, transfers
from devtools.bench.harness import CpuMeter, end_offsets, rss_bytes
from devtools.bench.platform import Services

# Tables expected to stay flat under a steady load: marks with a horizon, open work only.
BOUNDED = ("applied-events", "open-cases-by-county", "transfers", "case-lists")
# How far the last interval may be from the first and still count as flat.
RATE_FLOOR = 0.90  # completed/s at least 90 % of the first interval's
P99_CEILING = 1.5  # p99 at most 1.5 times the first interval's ...
P99_SLACK_MS = 100.0  # ... or this much more, whichever is larger (low rates: noisy p99)
RSS_GROWTH = 0.10  # each process's RSS within 10 % ...
RSS_SLACK_MB = 16.0  # ... plus this (allocator arenas, caches warming up)
STATE_GROWTH = 0.25  # bounded tables: keys within 25 % ...
STATE_SLACK = 200  # ... plus this many


def table_keys(metrics_text: str) -> dict[str, int]:
    """`govshare_table_keys` samples of one service's exposition, by table."""
    out: dict[str, int] = {}
    for line in metrics_text.splitlines():
        if line.startswith('govshare_table_keys{table="'):
            name = line.split('"', 2)[1]
            out[name] = int(float(line.rpartition(" ")[2]))
    return out


def dir_mb(path: Path) -> float:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # a file RocksDB removed meanwhile
                total += os.path.getsize(os.path.join(root, name))
    return total / 2**20


def state_of(services: Services, data_dir: Path) -> dict[str, Any]:
    keys: dict[str, dict[str, int]] = {}
    for name in services.platform.services:
        url = services.url(name) + "/metrics"
        try:
            with urllib.request.urlopen(url, timeout=10) as reply:  # noqa: S310 (loopback)
                keys[name] = table_keys(reply.read().decode())
        except OSError:
            keys[name] = {}
    disk = (
        {entry.name: dir_mb(entry) for entry in sorted(data_dir.iterdir()) if entry.is_dir()}
        if data_dir.exists()
        else {}
    )
    return {"table_keys": keys, "disk_mb": disk}


def bounded_keys(state: Mapping[str, Any]) -> dict[str, int]:
    """service/table -> keys, for the tables that should stay flat."""
    return {
        f"{service}/{table}": n
        for service, tables in state["table_keys"].items()
        for table, n in tables.items()
        if table in BOUNDED
    }


class BrokerWatch:
    """The broker's side of each interval: the log it holds, and its own CPU and RSS when
    it runs here (`pid`)."""

    def __init__(self, bootstrap: str, pid: int | None) -> None:
        self.bootstrap = bootstrap
        self.cpu = CpuMeter({"broker": pid}) if pid else None
        self.pid = pid
        if self.cpu:
            self.cpu.start()

    async def sample(self) -> dict[str, Any]:
        ends = await end_offsets(self.bootstrap)
        longest = max(ends, key=lambda tp: ends[tp], default=None)
        out: dict[str, Any] = {
            "records": sum(ends.values()),
            "longest_partition": f"{longest.topic}-{longest.partition}" if longest else "",
            "longest_records": ends[longest] if longest else 0,
        }
        if self.cpu and self.pid:
            self.cpu.stop()
            out["cpu_percent"] = 100 * self.cpu.used["broker"] / max(self.cpu.seconds, 1e-9)
            out["rss_mb"] = rss_bytes(self.pid) / 2**20
            self.cpu.start()  # the next interval's
        return out


def _flow(figures: Mapping[str, Any], done: str) -> dict[str, Any]:
    return {
        "per_second": figures["per_second"],
        "p99_ms": figures["p99_ms"],
        "completed": figures[done],
        "failures": figures["failures"],
        "failure_samples": figures["failure_samples"],
    }


async def run(
    bootstrap: str,
    work: Path,
    *,
    minutes: float,
    rate: float,
    interval_s: float,
    retention_s: float,
    broker_pid: int | None = None,
) -> dict[str, Any]:
    """The soak's figures: one entry per interval, and the verdict (`judge`);
    `broker_pid`, when the broker runs here, adds its CPU and RSS to each interval."""
    data_dir = work / "data-soak"
    env = {
        "GOVSHARE_STORE": "rocksdb://",
        "GOVSHARE_DATA_DIR": str(data_dir),
        "GOVSHARE_APPLIED_EVENTS_RETENTION_S": str(retention_s),
    }
    services = Services(bootstrap, work, env=env)
    intervals: list[dict[str, Any]] = []
    per_interval = max(1, int(rate * interval_s))
    count = max(1, math.ceil(minutes * 60 / interval_s))
    started = time.monotonic()
    try:
        await services.start()
        broker = BrokerWatch(bootstrap, broker_pid)
        for i in range(count):
            first = i * per_interval
            cases, applications = await asyncio.gather(
                transfers.cases(services, rate, interval_s, first=first),
                power.applications(services, rate, interval_s, first=first),
            )
            intervals.append(
                {
                    "interval": i,
                    "minutes": (time.monotonic() - started) / 60,
                    "transfers": _flow(cases, "completed"),
                    "power": _flow(applications, "accepted"),
                    "rss_mb": services.rss_mb(),
                    "state": state_of(services, data_dir),
                    "broker": await broker.sample(),
                }
            )
            # now, not only at the end: a soak that dies later still says what failed
            print("\n".join(interval_lines(intervals[-1], interval_s)), flush=True)
    finally:
        services.stop()
    return {
        "minutes": minutes,
        "rate": rate,
        "interval_s": interval_s,
        "retention_s": retention_s,
        "intervals": intervals,
        "verdict": judge(intervals, warmup_intervals(retention_s, interval_s)),
    }


def warmup_intervals(retention_s: float, interval_s: float) -> int:
    """The intervals before the marks reach their horizon: until then they grow by design
    (at 600 s and 5-minute intervals the first; session 9's soak held 754, 1,504, then
    1,556-1,571 marks), so the verdict compares with the first interval after them."""
    return max(0, math.ceil(retention_s / interval_s) - 1)


def judge(intervals: list[dict[str, Any]], warmup: int = 0) -> dict[str, Any]:
    """Flat when the last interval is within the bounds of the first after the `warmup`
    intervals (see the constants); `reasons` names every figure that is not, `baseline`
    is the interval compared with."""
    if len(intervals) < warmup + 2:
        return {
            "flat": None,
            "baseline": None,
            "reasons": [f"fewer than two intervals after {warmup} of warm-up: nothing to compare"],
        }
    first, last = intervals[warmup], intervals[-1]
    reasons: list[str] = []
    for flow in ("transfers", "power"):
        a, b = first[flow], last[flow]
        if b["per_second"] < RATE_FLOOR * a["per_second"]:
            reasons.append(
                f"{flow} {b['per_second']:.1f}/s < {RATE_FLOOR:.0%} of {a['per_second']:.1f}/s"
            )
        if b["p99_ms"] > max(P99_CEILING * a["p99_ms"], a["p99_ms"] + P99_SLACK_MS):
            reasons.append(f"{flow} p99 {b['p99_ms']:.0f} ms vs {a['p99_ms']:.0f} ms")
        if b["failures"]:
            reasons.append(f"{flow}: {b['failures']} failed")
    for name, mb in last["rss_mb"].items():
        before = first["rss_mb"].get(name, mb)
        if mb > before * (1 + RSS_GROWTH) + RSS_SLACK_MB:
            reasons.append(f"rss {name} {mb:.0f} MB vs {before:.0f} MB")
    early, late = bounded_keys(first["state"]), bounded_keys(last["state"])
    for table, n in late.items():
        before = early.get(table, 0)
        if n > before * (1 + STATE_GROWTH) + STATE_SLACK:
            reasons.append(f"state {table} {n} keys vs {before}")
    return {"flat": not reasons, "baseline": warmup, "reasons": reasons}


def interval_line(entry: Mapping[str, Any], interval_s: float) -> str:
    t, p = entry["transfers"], entry["power"]
    start = entry["interval"] * interval_s / 60
    rss = ", ".join(f"{name} {mb:.0f}" for name, mb in entry["rss_mb"].items())
    bounded = ", ".join(f"{k} {n}" for k, n in sorted(bounded_keys(entry["state"]).items()))
    records = sum(
        n
        for tables in entry["state"]["table_keys"].values()
        for table, n in tables.items()
        if table not in BOUNDED
    )
    disk = sum(entry["state"]["disk_mb"].values())
    return (
        f"soak     {start:5.1f}-{start + interval_s / 60:<5.1f} min  "
        f"transfers {t['per_second']:.1f}/s p99 {t['p99_ms']:.0f} ms ({t['failures']} failed); "
        f"power {p['per_second']:.1f}/s p99 {p['p99_ms']:.0f} ms ({p['failures']} failed); "
        f"rss MB {rss}; bounded keys {bounded or 'none'}; record keys {records}; "
        f"data dirs {disk:.1f} MB; {broker_part(entry.get('broker', {}))}"
    )


def broker_part(broker: Mapping[str, Any]) -> str:
    """The broker's figures of an interval (shown, not judged: see the module's doc)."""
    if not broker:
        return "broker not sampled"
    own = (
        f"CPU {broker['cpu_percent']:.0f} %, RSS {broker['rss_mb']:.0f} MB, "
        if "cpu_percent" in broker
        else ""
    )
    return (
        f"broker {own}log {broker['records']} records, longest partition "
        f"{broker['longest_partition']} {broker['longest_records']}"
    )


def interval_lines(entry: Mapping[str, Any], interval_s: float) -> list[str]:
    """The interval's line and a sample of what failed in it."""
    return [
        interval_line(entry, interval_s),
        *(
            f"failed   soak {entry['interval']} {flow}: {sample}"
            for flow in ("transfers", "power")
            for sample in entry[flow]["failure_samples"]
        ),
    ]


def _baseline(verdict: Mapping[str, Any]) -> str:
    n = verdict.get("baseline") or 0
    return "the first" if n == 0 else f"interval {n}, the first after the marks' horizon"


def lines(soak: Mapping[str, Any]) -> list[str]:
    out = [
        f"soak     {soak['minutes']:g} min at {soak['rate']:g} joint cases/s and "
        f"{soak['rate']:g} power applications/s, {soak['interval_s']:g} s intervals, "
        f"applied-event marks kept {soak['retention_s']:g} s (rocksdb:// store)"
    ]
    for entry in soak["intervals"]:
        out += interval_lines(entry, soak["interval_s"])
    verdict = soak["verdict"]
    if verdict["flat"] is None:
        out.append(f"soak     flat: not judged ({'; '.join(verdict['reasons'])})")
    elif verdict["flat"]:
        out.append(
            f"soak     flat: yes (last interval vs {_baseline(verdict)}: rate >= 90 %, p99 <= "
            "1.5x or +100 ms, RSS <= +10 % +16 MB, bounded tables <= +25 % +200 keys)"
        )
    else:
        out.append(f"soak     flat: NO vs {_baseline(verdict)} ({'; '.join(verdict['reasons'])})")
    return out

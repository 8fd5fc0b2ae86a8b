"""What every bench measurement shares: the business-licence feed, driving a process
over the broker, and reading a process's CPU time, memory and metrics."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from govshare.common.v1 import types_pb2 as common
from govshare.marketreg.v1 import events_pb2 as market
from govshare.marketreg.v1 import types_pb2 as market_types

from services.kit import identifiers
from services.kit.admin import partitions_of
from services.kit.envelope import Headers, encode_headers, make_envelope
from services.kit.log_end import log_ends

MARKETREG = "11370100004251392E"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

FeedRecord = tuple[bytes, bytes, Headers]


def synthetic_uscc(n: int) -> str:
    """A valid enterprise USCC for index n (GB 32100 with a GB 11714 organisation code)."""
    org = f"{n:08d}"
    check = 11 - sum(int(c) * w for c, w in zip(org, _ORG_WEIGHTS, strict=True)) % 11
    body = "91370105" + org + {10: "X", 11: "0"}.get(check, str(check))
    return body + identifiers.uscc_check_char(body)


def licence_event(n: int) -> market.BusinessLicenceRegistered:
    holder = synthetic_uscc(n)
    authority = common.Party(
        kind=common.PARTY_KIND_DEPARTMENT, id=MARKETREG, name="济南市市场监督管理局"
    )
    licence = market_types.BusinessLicence(
        name=f"泉城基准测试{n}有限公司",
        entity_type="有限责任公司",
        legal_representative=common.Party(
            kind=common.PARTY_KIND_CITIZEN, id="11010519491231002X", name="张三"
        ),
        address=common.Address(division_code="370105", text="济南市天桥区"),
        established_on=common.Date(year=2025, month=1, day=2),
        term_from=common.Date(year=2025, month=1, day=2),
        registration_authority=authority,
    )
    event = market.BusinessLicenceRegistered(
        uscc=holder,
        licence=licence,
        issued_on=common.Date(year=2025, month=1, day=2),
    )
    event.registered_at.GetCurrentTime()
    return event


def licence_records(start: int, count: int) -> Iterator[FeedRecord]:
    """Enveloped `BusinessLicenceRegistered` records for holders start..start+count-1."""
    for n in range(start, start + count):
        event = licence_event(n)
        env = make_envelope(event, source="/dept/marketreg", subject=event.uscc)
        yield event.uscc.encode(), event.SerializeToString(), encode_headers(env)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def produce(bootstrap: str, topic: str, records: list[FeedRecord]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        pending = [
            await producer.send(topic, value, key=key, headers=headers)
            for key, value, headers in records
        ]
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def count_records(
    bootstrap: str, topic: str, wanted: int, limit_s: float, ce_type: bytes | None = None
) -> float:
    """Monotonic time at which the `wanted`-th record (of `ce_type`, if given) was read."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)])
        seen = 0
        deadline = time.monotonic() + limit_s
        while seen < wanted:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {seen} of {wanted} records on {topic}")
            batch = await consumer.getmany(timeout_ms=200, max_records=5000)
            for records in batch.values():
                if ce_type is None:
                    seen += len(records)
                else:
                    seen += sum(1 for r in records if dict(r.headers).get("ce_type") == ce_type)
        return time.monotonic()
    finally:
        await consumer.stop()


async def drive(
    bootstrap: str,
    source: str,
    records: list[FeedRecord],
    target: str,
    ce_type: bytes | None = None,
    limit_s: float = 900.0,
) -> tuple[float, float]:
    """Produce `records` onto `source`; the monotonic times of the first produce and of
    reading back the last of as many records (of `ce_type`) from `target`."""
    counter = asyncio.create_task(count_records(bootstrap, target, len(records), limit_s, ce_type))
    await asyncio.sleep(0.5)  # the counter is assigned and positioned before we start
    started = time.monotonic()
    await produce(bootstrap, source, records)
    return started, await counter


async def end_offsets(bootstrap: str, prefix: str = "") -> dict[TopicPartition, int]:
    """The end offset of every partition of every topic whose name holds `prefix`."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if prefix in t]
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    parts = [
        TopicPartition(entry["topic"], p["partition"])
        for entry in described
        if not entry.get("error_code")
        for p in entry.get("partitions", [])
    ]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        listed = await consumer.end_offsets(parts) if parts else {}
        ends = await log_ends(consumer._client, listed)  # Tansu reports batch ends short
    finally:
        await consumer.stop()
    return ends


def per_unit(counts: Mapping[str, float], units: int) -> dict[str, float]:
    """Each count per unit of work, and their total ({} without units)."""
    if not units:
        return {}
    out = {name: count / units for name, count in counts.items()}
    out["total"] = sum(out.values())
    return out


class RecordMeter:
    """Records written to every topic of a prefix (domain events, access-log events, dead
    letters, the services' changelogs) between `start` and `stop`: what one unit of work
    (a case, an application) costs the log, topic by topic."""

    def __init__(self, bootstrap: str, prefix: str) -> None:
        self.bootstrap = bootstrap
        self.prefix = prefix
        self._before: dict[str, int] = {}
        self.written: dict[str, int] = {}

    async def _ends(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for tp, end in (await end_offsets(self.bootstrap, self.prefix)).items():
            name = tp.topic.split(self.prefix, 1)[1] or tp.topic
            totals[name] = totals.get(name, 0) + end
        return totals

    async def start(self) -> None:
        self._before = await self._ends()

    async def stop(self) -> None:
        after = await self._ends()
        self.written = {
            name: end - self._before.get(name, 0)
            for name, end in sorted(after.items())
            if end - self._before.get(name, 0)
        }

    def per_unit(self, units: int) -> dict[str, float]:
        """Records per unit for each topic, and their total."""
        return per_unit(self.written, units)


# --- a process seen from outside ---------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all threads (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time each process of a figure used between `start` and `stop` (the broker's
    included): what one unit of work (a case, an application) costs each of them."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self._before: dict[str, float] = {}
        self.used: dict[str, float] = {}
        self.seconds = 0.0

    def start(self) -> None:
        self._before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self._started = time.monotonic()

    def stop(self) -> None:
        self.seconds = time.monotonic() - self._started
        self.used = {name: cpu_seconds(pid) - self._before[name] for name, pid in self.pids.items()}

    def per_unit_ms(self, units: int) -> dict[str, float]:
        """Milliseconds of CPU per unit for each process, and their total."""
        if not units:
            return {}
        out = {name: used / units * 1000 for name, used in self.used.items()}
        out["total"] = sum(out.values())
        return out

    def cores(self) -> dict[str, float]:
        """Share of one core each process used, and their total."""
        if not self.seconds:
            return {}
        out = {name: used / self.seconds for name, used in self.used.items()}
        out["total"] = sum(out.values())
        return out


class FetchMeter:
    """Fetch requests each worker's consumer made between `start` and `stop`
    (`govshare_consumer_fetches_total`): how often the consumers poll the broker for one
    unit of work, the broker's main cost on Tansu (docs/performance.md, session 11)."""

    METRIC = "govshare_consumer_fetches_total"

    def __init__(self, metrics_urls: dict[str, str]) -> None:
        self.metrics_urls = metrics_urls
        self._before: dict[str, float] = {}
        self.made: dict[str, float] = {}

    def _counts(self) -> dict[str, float]:
        counts: dict[str, float] = {}
        for name, url in self.metrics_urls.items():
            try:
                counts[name] = metric_sum(url, self.METRIC)
            except OSError:  # a worker gone (killed by the run): its count is lost
                continue
        return counts

    async def start(self) -> None:
        self._before = await asyncio.to_thread(self._counts)

    async def stop(self) -> None:
        after = await asyncio.to_thread(self._counts)
        self.made = {n: c - self._before[n] for n, c in after.items() if n in self._before}

    def per_unit(self, units: int) -> dict[str, float]:
        """Fetches per unit for each worker, and their total."""
        return per_unit(self.made, units)


class UnitCost:
    """What a unit of work costs: each process's CPU, each topic's records and, when
    given, each consumer's fetches."""

    def __init__(
        self, cpu: CpuMeter, records: RecordMeter, fetches: FetchMeter | None = None
    ) -> None:
        self.cpu = cpu
        self.records = records
        self.fetches = fetches

    async def start(self) -> None:
        await self.records.start()
        if self.fetches is not None:
            await self.fetches.start()
        self.cpu.start()

    async def stop(self) -> None:
        self.cpu.stop()
        if self.fetches is not None:
            await self.fetches.stop()
        await self.records.stop()

    def fetches_per_unit(self, units: int) -> dict[str, float]:
        return self.fetches.per_unit(units) if self.fetches is not None else {}


def rss_bytes(pid: int) -> int:
    """Resident set size of a process (Linux /proc)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def metric_sum(url: str, name: str, **labels: str) -> float:
    """Sum of the samples of Prometheus metric `name` at `url` whose labels include `labels`."""
    with urllib.request.urlopen(url, timeout=10) as reply:  # noqa: S310 (loopback)
        text = reply.read().decode()
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        head, _, value = line.rpartition(" ")
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            total += float(value)
    return total


def sequential(calls: int, call: Callable[[int], None]) -> dict[str, float]:
    """`call(n)` for n in 0..calls-1, one after the other: the rate one caller gets and
    its latency (`call` raises when an answer is wrong)."""
    latencies: list[float] = []
    started = time.perf_counter()
    for n in range(calls):
        t0 = time.perf_counter()
        call(n)
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    return {
        "requests": calls,
        "per_second": calls / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
    }

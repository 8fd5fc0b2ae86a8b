"""Prometheus metrics shared by every service.

Naming follows Prometheus practice: base units, `_total` counters, `_seconds`
histograms, a `_build_info` gauge, and never an identifier as a label value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric

EVENTS_CONSUMED = Counter(
    "govshare_events_consumed_total",
    "Events taken from a topic, by outcome (handled, duplicate, dead_lettered).",
    ["topic", "type", "outcome"],
)
EVENTS_APPLIED_HERE = Counter(
    "govshare_events_applied_here_total",
    "Events a command applied in the worker that produced them, before the consumer "
    "fetched them back (counted in events_consumed as well).",
    ["topic", "type"],
)
EVENTS_PRODUCED = Counter(
    "govshare_events_produced_total", "Events written to a topic.", ["topic", "type"]
)
PERIODIC_FAILURES = Counter(
    "govshare_periodic_failures_total",
    "Runs of a worker's periodic work (a sweep, a scan) that raised; each is retried at "
    "its next tick (kit/periodic.py).",
    ["name"],
)
CONSUMER_FETCHES = Counter(
    "govshare_consumer_fetches_total",
    "Fetch requests the worker's consumer made, by what the answer brought (records; "
    "empty; starved: nothing although records lay past the offset, kit/fetch_wait.py).",
    ["outcome"],
)
TABLE_WRITES_COALESCED = Counter(
    "govshare_table_writes_coalesced_total",
    "Table writes whose changelog record a later write of the same key in the same batch "
    "replaced (kit/write_behind.py): records the broker never had to take.",
    ["table"],
)
EVENTS_DEAD_LETTERED = Counter(
    "govshare_events_dead_lettered_total",
    "Events sent to a dead-letter topic, by the header or field at fault.",
    ["topic", "field"],
)
EVENT_HANDLING_SECONDS = Histogram(
    "govshare_event_handling_seconds",
    "Time to decode, validate and apply one event.",
    ["topic", "type"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
HTTP_REQUESTS = Counter(
    "govshare_http_requests_total",
    "HTTP requests by route template and status.",
    ["method", "route", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "govshare_http_request_duration_seconds",
    "HTTP request latency by route template.",
    ["method", "route"],
)
CONSUMER_LAG_MESSAGES = Gauge(
    "govshare_consumer_lag_messages",
    "Records on a partition not yet processed by this service (high watermark - next offset).",
    ["topic", "partition"],
)
CONSUMER_LAG_SECONDS = Gauge(
    "govshare_consumer_lag_seconds",
    "While records wait: seconds since the last processed record was produced; 0 caught up.",
    ["topic", "partition"],
)
GRPC_REQUEST_SECONDS = Histogram(
    "govshare_grpc_request_duration_seconds",
    "gRPC call latency by method.",
    ["method"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
GRPC_REQUESTS = Counter(
    "govshare_grpc_requests_total", "gRPC calls by method and status code.", ["method", "code"]
)
BUILD_INFO = Gauge(
    "govshare_build_info", "Always 1; labels say what is running.", ["service", "version"]
)
READY = Gauge("govshare_ready", "1 when the service reports ready.", ["service"])


# Every StateGauge made in this process, so that `clear_sources` reaches them all.
_STATE_GAUGES: list[StateGauge] = []


class StateGauge:
    """A gauge counted from a service's tables at scrape time (cases by stage, ...), so it
    is right after a restart: tables are recovered from their changelogs, not replayed
    through the agents that would move an ordinary gauge. Every known label value is
    exported, at 0 when nothing has it. The service sets `source` once its tables exist."""

    def __init__(self, name: str, documentation: str, label: str, values: Sequence[str]) -> None:
        self.name, self.documentation, self.label, self.values = name, documentation, label, values
        self.source: Callable[[], dict[str, int]] | None = None
        REGISTRY.register(self)
        _STATE_GAUGES.append(self)

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(self.name, self.documentation, labels=[self.label])
        counts = self.source() if self.source is not None else {}
        for value in self.values:
            family.add_metric([value], counts.get(value, 0))
        yield family


class TableKeys:
    """`govshare_table_keys{table}`: keys in each of the worker's Faust tables, so an
    operator (and the soak, devtools/bench/soak.py) sees which state grows with history.
    The size of the in-memory dict; with RocksDB, per partition database, the keys counted
    while its estimate is small and the estimate beyond; a store that offers neither is
    left out."""

    _labelnames = ("table",)  # as prometheus_client's metrics say theirs (tests/deploy)

    def __init__(self) -> None:
        self.tables: Callable[[], dict[str, Any]] | None = None
        REGISTRY.register(self)

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "govshare_table_keys", "Keys in each Faust table of this worker.", labels=["table"]
        )
        for name, table in (self.tables() if self.tables is not None else {}).items():
            keys = _keys_in(getattr(table, "data", None))
            if keys is not None:
                family.add_metric([name], keys)
        yield family


# Up to this many entries by RocksDB's estimate the keys are counted one by one: the
# estimate counts overwrites and deletions not yet compacted away, so a small table that
# is rewritten often (an index of open cases, the dedup marks) looks far larger than it is.
EXACT_BELOW = 50_000


def _keys_in(store: Any) -> int | None:
    dbs = getattr(store, "_dbs", None)
    if isinstance(dbs, dict):  # faust's rocksdb store: one database per partition
        try:
            total = 0
            for db in dbs.values():
                estimate = int(db.property_int_value("rocksdb.estimate-num-keys"))
                keys = db.keys()  # an Rdict iterates by index, not by key
                total += sum(1 for _ in keys) if estimate <= EXACT_BELOW else estimate
            return total
        except (AttributeError, TypeError, ValueError):
            return None
    data = getattr(store, "data", None)
    return len(data) if isinstance(data, dict) else None


TABLE_KEYS = TableKeys()


def clear_sources() -> None:
    """Detach every scrape-time gauge from the tables it counts.

    The gauges are registered once per process, but what they count belongs to one
    runtime: left attached after it stops, a scrape would call into a stopped worker
    (or, in the tests, into the objects a finished test left behind). A process runs
    one runtime, so clearing every source when it stops detaches only its own."""
    for gauge in _STATE_GAUGES:
        gauge.source = None
    TABLE_KEYS.tables = None


def exposition() -> tuple[bytes, str]:
    """The text exposition of every registered metric and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST

"""Which worker of a service owns a key: the one assigned the key's partition.

A service's workers share one consumer group. Faust's assignor gives partition p of
every topic the service reads (and of every table changelog) to the same worker (topics
with the same partition count are co-partitioned), so "the owner of key k" is the worker
holding partition `partition_of(k)`: it decides commands for k and holds k's state.

Each worker advertises where it answers in the group protocol: Faust's `canonical_url`,
`http://<host>:<http port>/?grpc=<grpc port>`. Every member learns every other member's
partitions from the assignment (`external_topic_distribution`), so any worker can tell
where to send a request about k (Kafka Streams' interactive queries work the same way).
"""

from __future__ import annotations

import functools
import itertools
import socket
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from aiokafka.partitioner import murmur2
from yarl import URL


def partition_of(key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner (and aiokafka's, and the Java client's)
    gives a record keyed `key` on a topic of `partitions` partitions."""
    return int(murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def beside(key: str, make: Callable[[], str], partitions: int, tries: int = 100_000) -> str:
    """A key from `make` (random each call) on the same partition as `key`: about
    `partitions` tries."""
    wanted = partition_of(key, partitions)
    for _ in range(tries):
        made = make()
        if partition_of(made, partitions) == wanted:
            return made
    raise RuntimeError(f"no key on partition {wanted} in {tries} tries")


@functools.cache
def partition_keys(partitions: int) -> tuple[str, ...]:
    """One key per partition, `keys[p]` landing on partition p: to send a notice to every
    partition of a topic (each worker then acts on the part it holds)."""
    found: dict[int, str] = {}
    for n in itertools.count():
        key = f"partition-{n}"
        found.setdefault(partition_of(key, partitions), key)
        if len(found) == partitions:
            return tuple(found[p] for p in range(partitions))
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Member:
    """A worker as it advertised itself: its REST base URL and its gRPC address."""

    url: str

    @property
    def http(self) -> str:
        """Base URL of its REST API, e.g. `http://10.0.0.7:8080`."""
        parsed = URL(self.url)
        return str(parsed.with_query(None).with_path(""))

    @property
    def grpc(self) -> str | None:
        """`host:port` of its gRPC server, if it has one."""
        parsed = URL(self.url)
        port = parsed.query.get("grpc")
        return f"{parsed.host}:{port}" if port else None


def advertised_url(host: str, http_port: int, grpc_port: int | None) -> str:
    """What a worker puts in the group protocol. A wildcard bind address is no address
    to reach it by, so it advertises the machine's name instead, which resolves to the
    container's or pod's address in compose and Kubernetes; GOVSHARE_ADVERTISED_HOST
    says it outright (the pod IP from the downward API)."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()
    url = URL.build(scheme="http", host=host, port=http_port, path="/")
    return str(url.with_query({"grpc": str(grpc_port)}) if grpc_port else url)


class Ownership:
    """Answers "who owns this key" for one service, from the latest assignment.

    `distribution` returns the assignor's map of member URL -> topic -> partitions;
    `assigned` the partitions of `topic` this worker holds right now. During a
    rebalance a partition may have no owner yet: `owner` then answers None."""

    def __init__(
        self,
        topic: str,
        partitions: int,
        *,
        me: Callable[[], str],
        assigned: Callable[[], Collection[int]],
        distribution: Callable[[], Mapping[str, Mapping[str, Collection[int]]]],
    ) -> None:
        self.topic = topic
        self.partitions = partitions
        self._me = me
        self._assigned = assigned
        self._distribution = distribution

    def partition(self, key: str) -> int:
        return partition_of(key, self.partitions)

    def owns(self, key: str) -> bool:
        return self.partition(key) in self._assigned()

    def owner(self, key: str) -> Member | None:
        """The member holding `key`'s partition (possibly this worker), or None while
        nobody does (a rebalance in progress)."""
        wanted = self.partition(key)
        for url, topics in self._distribution().items():
            if wanted in topics.get(self.topic, ()):
                return Member(url)
        return None

    def me(self) -> Member:
        return Member(self._me())

    def others(self) -> list[Member]:
        """Every other member of the group, as of the latest assignment."""
        mine = self._me()
        return [Member(url) for url in self._distribution() if url != mine]

    def fresh_key(self, make: Callable[[], str], *, tries: int = 10_000) -> str:
        """A new key from `make` (random each call) whose partition this worker owns, so
        the command that creates it is decided, produced and applied here. Each try
        hits with probability owned/partitions; a worker that owns nothing takes the
        first key (the caller then forwards or waits like for any key)."""
        assigned = set(self._assigned())
        key = make()
        if not assigned:
            return key
        for _ in range(tries):
            if self.partition(key) in assigned:
                return key
            key = make()
        return key

"""Where each partition's log ends, on any broker: the end offset ListOffsets reports,
raised to the high watermark a fetch reports.

Tansu 0.6.0 (the embedded broker) answers ListOffsets(latest) with the first offset of
the partition's last batch plus one. After a batch of several records that is short of
the log's end: five records in one batch read as an end of 1. Faust's table recovery
reads a changelog up to that end and stops there, so the last writes of a multi-record
batch were lost on restart; the consumers' catch-up gate and lag read it too. Until now
every producer sent one record per batch (Settings.single_record_batches) to keep the
answer right, at the price of one produce request per record.

A fetch's high watermark is right on Tansu (it counts every record), and on Apache Kafka
it is what ListOffsets(latest) reports, so `log_ends` asks both and keeps the larger:
one fetch per broker that leads a partition, at the last offset ListOffsets vouches for.
There is a record there, so the broker answers as soon as it has read it (Tansu holds a
fetch that finds nothing for its whole wait, and answers a fetch without a wait with
nothing at all: measured on Tansu 0.6.0).
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError, for_code
from aiokafka.protocol.fetch import FetchRequest

log = logging.getLogger(__name__)


class Partition(Protocol):  # aiokafka's TopicPartition, or Faust's TP
    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...


P = TypeVar("P", bound=Partition)

READ_UNCOMMITTED = 0
# The least a fetch may ask for; Kafka still returns the first batch whole (KIP-74),
# which costs little here: the answer wanted is the high watermark beside it.
PROBE_BYTES = 1
# The most a fetch may wait: the broker answers once it has read the record asked for;
# Tansu reads a long partition for milliseconds, and answers empty if the wait is shorter.
PROBE_WAIT_MS = 1000


async def log_ends(client: Any, listed: Mapping[P, int]) -> dict[P, int]:
    """`listed` (ListOffsets' end offsets) raised to the high watermark of a fetch of
    the record before each. `client` is aiokafka's AIOKafkaClient. An empty partition
    keeps its end; so does one whose leader is unknown or whose fetch fails."""
    ends = {tp: int(end) for tp, end in listed.items()}
    by_leader: dict[int, list[P]] = collections.defaultdict(list)
    for tp in (tp for tp, end in ends.items() if end > 0):
        leader = client.cluster.leader_for_partition(TopicPartition(tp.topic, tp.partition))
        if leader is not None and leader >= 0:
            by_leader[leader].append(tp)
    for leader, tps in by_leader.items():
        for tp, highwater in (await _high_watermarks(client, leader, tps, ends)).items():
            ends[tp] = max(ends[tp], highwater)
    return ends


async def _high_watermarks(
    client: Any, leader: int, tps: list[P], offsets: Mapping[P, int]
) -> dict[P, int]:
    by_topic: dict[str, list[tuple[int, int, int]]] = collections.defaultdict(list)
    for tp in tps:
        by_topic[tp.topic].append((tp.partition, offsets[tp] - 1, PROBE_BYTES))
    request = FetchRequest(PROBE_WAIT_MS, 1, PROBE_BYTES, READ_UNCOMMITTED, list(by_topic.items()))
    try:
        response = await client.send(leader, request)
    except KafkaError:
        log.debug("high watermark fetch from broker %s failed", leader, exc_info=True)
        return {}
    named = {(tp.topic, tp.partition): tp for tp in tps}
    found: dict[P, int] = {}
    for topic, partitions in response.topics:
        for partition, error_code, highwater, *_ in partitions:
            if (topic, partition) not in named:
                continue
            if error_code:
                log.debug("high watermark of %s-%s: %s", topic, partition, for_code(error_code))
                continue
            found[named[topic, partition]] = int(highwater)
    return found

"""Index keys kept per partition (services/kit/partitioned.py)."""

from __future__ import annotations

from types import SimpleNamespace

import faust.streams

from services.kit import partitioned


def in_partition(partition: int, key: str) -> str:
    event = SimpleNamespace(message=SimpleNamespace(partition=partition))
    token = faust.streams._current_event.set(lambda: event)
    try:
        return partitioned.here(key)
    finally:
        faust.streams._current_event.reset(token)


def test_a_key_written_from_two_partitions_is_two_keys_read_as_one():
    assert in_partition(0, "370102198003152316") == "370102198003152316@0"
    assert in_partition(3, "370102198003152316") == "370102198003152316@3"
    assert partitioned.here("x") == "x@-1"  # outside any event: unit tests
    assert partitioned.every("x", 2) == ["x@-1", "x@0", "x@1"]
    assert partitioned.base("370105|in-progress@3") == "370105|in-progress"
    assert partitioned.partitions_of(SimpleNamespace(conf=SimpleNamespace(topic_partitions=4))) == 4
    assert partitioned.partitions_of(object()) == 0

"""The livelock detector patch of services/kit/faust_app.py (`verify_event_path`), on
the service's consumer thread around aiokafka's own subscription state: no broker.

Faust's detector reads the position of every assigned partition; aiokafka asserts that
it is set, and it is not between an assignment and the fetcher's reset. The integration
tests of the fetcher fixes (tests/integration/kit/test_faust_app.py) drive the same
thread around a real consumer."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from aiokafka import TopicPartition
from aiokafka.consumer.subscription_state import SubscriptionState
from faust.transport.drivers import aiokafka as driver
from faust.types import TP

from services.kit.faust_app import App
from services.kit.runtime import ServiceRuntime
from services.kit.settings import load_settings

FRESH = TP("stream", 0)  # just assigned: no position until the fetcher resets it
READ = TP("stream", 1)  # sought and fetched from


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[TP]:
    """The partitions Faust's own detector is run on (and it runs)."""
    seen: list[TP] = []
    faust_check = driver.AIOKafkaConsumerThread.verify_event_path

    def check(self: driver.AIOKafkaConsumerThread, now: float, tp: TP) -> None:
        seen.append(tp)
        faust_check(self, now, tp)

    monkeypatch.setattr(driver.AIOKafkaConsumerThread, "verify_event_path", check)
    return seen


def _thread(tmp_path, subscriptions: SubscriptionState) -> driver.AIOKafkaConsumerThread:
    settings = load_settings(env="test", kafka_bootstrap="127.0.0.1:9", data_dir=str(tmp_path))
    thread = ServiceRuntime("unit", settings).faust.consumer._new_consumer_thread()
    # What the thread reads of a started consumer: its fetcher's subscription state.
    thread._consumer = SimpleNamespace(_fetcher=SimpleNamespace(_subscriptions=subscriptions))
    thread.time_started = time.monotonic()  # set by on_start
    return thread


async def test_a_partition_without_a_position_is_skipped_and_one_with_a_position_checked(
    tmp_path, checked
):
    subscriptions = SubscriptionState()
    subscriptions.assign_from_user({TopicPartition(*FRESH), TopicPartition(*READ)})
    assignment = subscriptions.subscription.assignment
    for tp in (FRESH, READ):  # both polled: Faust's check gets as far as the position
        assignment.state_value(TopicPartition(*tp)).timestamp = int(1000 * time.time())
    assignment.state_value(TopicPartition(*READ)).seek(5)
    thread = _thread(tmp_path, subscriptions)
    now = time.monotonic()
    thread.verify_event_path(now, FRESH)  # aiokafka would assert: no position yet
    thread.verify_event_path(now, READ)
    assert checked == [READ]


async def test_before_the_first_assignment_there_is_nothing_to_check(tmp_path, checked):
    thread = _thread(tmp_path, SubscriptionState())
    thread.verify_event_path(time.monotonic(), FRESH)
    assert checked == []


def test_rocksdb_tables_have_bounded_memory_and_memory_tables_no_options(tmp_path):
    """Faust's RocksDB defaults (3 x 64 MB write buffers, a 2 GB block cache per table
    partition) let RSS grow with history; ours flush every 1 MB and cache 4 MB."""
    rocks = App("rocks", broker="kafka://127.0.0.1:1", store="rocksdb://", datadir=tmp_path)
    options = rocks.Table("t", key_type=str, value_type=str).data.rocksdb_options
    assert (options.write_buffer_size, options.max_write_buffer_number) == (2**20, 2)
    assert options.block_cache_size == 4 * 2**20
    assert rocks.Table("u", key_type=str, value_type=str).data.rocksdb_options is not options
    memory = App("memory", broker="kafka://127.0.0.1:1", store="memory://")
    assert memory.Table("t").options is None

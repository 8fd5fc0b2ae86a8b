"""A batch's table writes reach the changelog once per key (services/kit/write_behind.py):
the holder itself, the kit's Faust table around Faust's own changelog send, and the
pipeline that opens a batch's scope. The integration tests and `make test-slow` recover
tables written this way from their changelogs on the real broker."""

from __future__ import annotations

from typing import Any

import faust
import pytest
from prometheus_client import REGISTRY

from services.kit import write_behind
from services.kit.bus import EventBus
from services.kit.consumer import BatchProcessor, each_event
from services.kit.envelope import Envelope, Record
from services.kit.faust_app import App
from services.kit.idempotency import AppliedEvents
from services.kit.metrics import TABLE_WRITES_COALESCED
from tests.unit.kit.test_consumer import Producer
from tests.unit.kit.test_consumer_batch import GROUP, TOPIC, good


def test_the_last_write_of_a_key_is_sent_once_in_the_order_keys_were_first_written():
    sent: list[tuple[str, int, str, str]] = []
    cache = write_behind.WriteBehind()
    writes = [("units", 0, "U1", "a"), ("units", 0, "U2", "b"), ("units", 0, "U1", "c")]
    writes += [("units", 1, "U1", "d"), ("history", 0, "U1", "e")]
    for table, partition, key, value in writes:
        entry = (table, partition, key, value)
        assert cache.hold(table, partition, key, lambda entry=entry: sent.append(entry))
    assert sent == []
    cache.release()
    assert sent == [
        ("units", 0, "U1", "c"),  # replaced "a" in place
        ("units", 0, "U2", "b"),
        ("units", 1, "U1", "d"),  # another changelog partition: its own record
        ("history", 0, "U1", "e"),  # another table
    ]


def test_once_released_it_holds_nothing_and_the_writer_sends_at_once():
    cache = write_behind.WriteBehind()
    cache.release()
    assert not cache.hold("units", 0, "U1", lambda: None)
    assert len(cache) == 0


def test_the_scope_releases_when_it_raises_and_is_gone_after():
    sent: list[str] = []
    with pytest.raises(RuntimeError), write_behind.coalescing() as cache:
        cache.hold("units", 0, "U1", lambda: sent.append("U1"))
        raise RuntimeError("the handler's fault")
    assert sent == ["U1"]  # the table holds the write: its changelog must too
    assert write_behind.current() is None


def test_a_replaced_write_is_counted():
    counted = TABLE_WRITES_COALESCED.labels("counted")
    before = counted._value.get()
    with write_behind.coalescing() as cache:
        for value in range(3):
            cache.hold("counted", 0, "k", lambda value=value: value)
    assert counted._value.get() - before == 2


@pytest.fixture
def faust_sends(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The changelog sends that reach Faust's own Table.send_changelog."""
    sent: list[tuple[Any, ...]] = []

    def send(_: Any, partition: int | None, key: Any, value: Any, *_rest: Any) -> Any:
        sent.append((partition, key, value))
        return "faust's future"

    monkeypatch.setattr(faust.Table, "send_changelog", send)
    return sent


def _table(tmp_path: Any) -> Any:
    app = App("unit", broker="kafka://127.0.0.1:1", store="memory://", datadir=tmp_path)
    return app.Table("units", key_type=str, value_type=None)


def test_the_table_sends_through_outside_a_batch(tmp_path, faust_sends):
    table = _table(tmp_path)
    assert table.send_changelog(2, "U1", {"v": 1}) == "faust's future"
    assert faust_sends == [(2, "U1", {"v": 1})]


def test_the_table_holds_a_batch_s_writes_and_says_their_partition(tmp_path, faust_sends):
    table = _table(tmp_path)
    with write_behind.coalescing():
        for version in range(3):
            held = table.send_changelog(2, "U1", {"v": version})
            assert held.message.partition == 2  # what Faust's on_key_set reads
        table.send_changelog(2, "U1", None, None, "raw")  # a delete is a write too
        table.send_changelog(2, "U2", {"v": 0})
        assert faust_sends == []
    assert faust_sends == [(2, "U1", None), (2, "U2", {"v": 0})]


def test_a_write_without_a_partition_is_sent_at_once(tmp_path, faust_sends):
    table = _table(tmp_path)
    with write_behind.coalescing():
        table.send_changelog(None, "U1", {"v": 1})  # the producer's partitioner decides
        assert faust_sends == [(None, "U1", {"v": 1})]


async def test_a_batch_s_writes_are_sent_before_its_records_are_produced_and_marked():
    """The order durability depends on: table writes, then the batch's own records, then
    the applied marks (AppliedEvents.writes_durable waits for the first two)."""
    order: list[str] = []

    class Marks(dict[str, Any]):
        def __setitem__(self, key: str, value: Any) -> None:
            order.append("mark")
            super().__setitem__(key, value)

    class Ordered(Producer):
        async def send(self, topic: str, key: Any, value: Any, *rest: Any) -> Any:
            order.append(f"produce {topic}")
            return await super().send(topic, key, value, *rest)

    async def handler(_env: Envelope, _: Any) -> None:
        batch = write_behind.current()
        assert batch is not None
        for n in range(2):
            batch.hold("units", 0, "U1", lambda n=n: order.append(f"changelog U1 #{n}"))
        await bus.send(Record("out", b"U1", b"{}", []), type_label="Out")

    bus = EventBus(Ordered(), source="/govshare/tax")
    processor = BatchProcessor(
        topic=TOPIC,
        bus=bus,
        handler=each_event(handler),
        applied=AppliedEvents(Marks()),
        group=GROUP,
    )
    assert await processor.process([good(0)]) == ["handled"]
    assert order == ["changelog U1 #1", "produce out", "mark"]  # the last write only, first
    assert write_behind.current() is None


def test_every_table_exports_its_count_from_the_start(tmp_path):
    """The metrics catalog promises a sample of every metric after the demo flows, which
    may never write one key twice in a batch."""
    app = App("unit", broker="kafka://127.0.0.1:1", store="memory://", datadir=tmp_path)
    app.Table("never-coalesced", key_type=str, value_type=None)
    sample = REGISTRY.get_sample_value(
        "govshare_table_writes_coalesced_total", {"table": "never-coalesced"}
    )
    assert sample == 0.0

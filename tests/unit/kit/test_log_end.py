"""log_end: ListOffsets' end raised to a fetch's high watermark, partition by partition,
and kept where the fetch cannot say (a fake client: the real broker is in
tests/integration/kit/test_faust_app.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import KafkaConnectionError

from services.kit.log_end import log_ends

A0, A1, B0 = TopicPartition("a", 0), TopicPartition("a", 1), TopicPartition("b", 0)


class FakeClient:
    def __init__(self, leaders: dict[TopicPartition, int], answers: dict[int, Any]) -> None:
        self.cluster = SimpleNamespace(leader_for_partition=leaders.get)
        self.answers = answers
        self.asked: list[tuple[int, Any]] = []

    async def send(self, node: int, request: Any) -> Any:
        self.asked.append((node, request.topics))
        answer = self.answers[node]
        if isinstance(answer, Exception):
            raise answer
        return SimpleNamespace(topics=answer)


async def test_each_end_is_raised_to_the_high_watermark_of_a_fetch_of_its_last_record():
    client = FakeClient(
        {A0: 1, A1: 1, B0: 2},
        {
            1: [("a", [(0, 0, 5, 5, [], -1, b""), (1, 0, 3, 3, [], -1, b"")])],
            2: [("b", [(0, 0, 9, 9, [], -1, b"")])],
        },
    )
    assert await log_ends(client, {A0: 1, A1: 3, B0: 9}) == {A0: 5, A1: 3, B0: 9}
    # one fetch per leader, at the offset before each listed end
    assert sorted(client.asked) == [
        (1, [("a", [(0, 0, 1), (1, 2, 1)])]),
        (2, [("b", [(0, 8, 1)])]),
    ]


async def test_an_empty_partition_is_not_fetched():
    client = FakeClient({A0: 1}, {})
    assert await log_ends(client, {A0: 0}) == {A0: 0}
    assert client.asked == []


async def test_the_listed_end_stays_where_the_fetch_cannot_say():
    client = FakeClient(
        {A0: 1, A1: None, B0: 2},  # A1: no leader known
        {1: [("a", [(0, 1, 7, 7, [], -1, b"")])], 2: KafkaConnectionError()},  # error 1
    )
    assert await log_ends(client, {A0: 4, A1: 2, B0: 6}) == {A0: 4, A1: 2, B0: 6}


async def test_a_high_watermark_below_the_listed_end_does_not_lower_it():
    client = FakeClient({A0: 1}, {1: [("a", [(0, 0, 2, 2, [], -1, b"")])]})
    assert await log_ends(client, {A0: 4}) == {A0: 4}

"""The Faust app every service runs: Faust's own, with one setting it does not expose and
one flush it does not finish.

Faust creates its worker consumer with `fetch_max_wait_ms=1500` hard-coded. A fetch may
wait that long for data to accumulate, and Apache Kafka answers as soon as data arrives,
but Tansu (the embedded broker) holds every fetch for its full wait: each hop of an event
through a service then costs up to 1.5 s. Measured with `govshare bench`: power
applications at 100/s had p50 613 ms and p99 1,706 ms at 1,500 ms; p50 101 ms and p99
290 ms at 10 ms (docs/performance.md). `GOVSHARE_CONSUMER_FETCH_WAIT_MS` sets it: short
outside production, Faust's value in production, where Kafka makes it harmless.

Before it commits offsets, Faust flushes its producer, but the buffer of table
(changelog) writes gives up after 0.1 s without a completed send
(`ProducerBuffer.flush_atmost`), so offsets could be committed while table writes
were still queued. A SIGKILL then lost those writes for good: the events that made
them are never delivered again. `_Producer.flush` drains the buffer (found by reading
Faust while chasing the rebalance loss in tests/reliability, which it did not cure).
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers import aiokafka as driver


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        wait_ms = getattr(self.app, "fetch_wait_ms", None)
        if wait_ms is not None:
            # Read by AIOKafkaConsumer.start() when it builds its fetcher (aiokafka 0.14, pinned).
            consumer._fetch_max_wait_ms = wait_ms
        return consumer


class _Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Producer(driver.Producer):
    async def flush(self) -> None:
        while self.buffer.size:  # each round waits up to 0.1 s for a send to complete
            await self.buffer.flush()
        await super().flush()


class _Transport(driver.Transport):
    Consumer = _Consumer
    Producer = _Producer


class App(faust.App):
    """faust.App with `fetch_wait_ms`: how long the broker may hold a fetch for data."""

    def __init__(self, *args: Any, fetch_wait_ms: int | None = None, **kwargs: Any) -> None:
        self.fetch_wait_ms = fetch_wait_ms
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> Any:
        return _Transport(self.conf.broker_consumer, self)

"""The Faust app every service runs: Faust's own, with one setting it does not expose.

Faust creates its worker consumer with `fetch_max_wait_ms=1500` hard-coded. A fetch may
wait that long for data to accumulate, and Apache Kafka answers as soon as data arrives,
but Tansu (the embedded broker) holds every fetch for its full wait: each hop of an event
through a service then costs up to 1.5 s. Measured with `govshare bench`: power
applications at 100/s had p50 613 ms and p99 1,706 ms at 1,500 ms; p50 101 ms and p99
290 ms at 10 ms (docs/performance.md). `GOVSHARE_CONSUMER_FETCH_WAIT_MS` sets it: short
outside production, Faust's value in production, where Kafka makes it harmless.
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


class _Transport(driver.Transport):
    Consumer = _Consumer


class App(faust.App):
    """faust.App with `fetch_wait_ms`: how long the broker may hold a fetch for data."""

    def __init__(self, *args: Any, fetch_wait_ms: int | None = None, **kwargs: Any) -> None:
        self.fetch_wait_ms = fetch_wait_ms
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> Any:
        return _Transport(self.conf.broker_consumer, self)

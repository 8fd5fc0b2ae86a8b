"""The development payment channel answers errors as problem details, like every service
(RFC 9457, with `field` and `reason` members: issue 16)."""

from __future__ import annotations

import httpx

from services.devbank.app import build
from services.kit.settings import load_settings


async def test_an_unknown_action_is_a_problem_naming_the_field():
    app = build(load_settings(env="test", kafka_bootstrap="127.0.0.1:1"))
    transport = httpx.ASGITransport(app=app)  # no lifespan: nothing connects
    async with httpx.AsyncClient(transport=transport, base_url="http://devbank") as client:
        reply = await client.post("/v1/orders/DB-1/refund")
    assert reply.status_code == 404
    assert reply.headers["content-type"].startswith("application/problem+json")
    problem = reply.json()
    assert (problem["status"], problem["field"]) == (404, "action")
    assert problem["reason"] == "pay, cancel or decline"


class _Fetcher:
    def __init__(self, wait_ms: int) -> None:
        self._fetch_max_wait_ms = wait_ms

    async def _proc_fetch_request(self, *args: object) -> bool:
        return True


class _Client:
    def __init__(self, *topics: str, **options: object) -> None:
        self.options = options
        self._fetcher = _Fetcher(int(options.get("fetch_max_wait_ms", 500)))  # type: ignore[call-overload]

    async def start(self) -> None:
        pass


async def test_the_channel_learns_orders_at_the_services_fetch_wait(monkeypatch):
    """The pay call waits for the order's event: the channel's reader must fetch like the
    services (short while tax's events flow), not at aiokafka's 500 ms, which the
    embedded broker holds in full on every empty fetch."""
    from services.devbank import app as devbank

    monkeypatch.setattr(devbank, "AIOKafkaConsumer", _Client)
    monkeypatch.setattr(devbank, "AIOKafkaProducer", _Client)
    settings = load_settings(env="test", kafka_bootstrap="127.0.0.1:1")
    channel = devbank.Channel(settings)
    await channel.start()
    fetcher = channel.consumer._fetcher  # type: ignore[union-attr]
    assert fetcher._fetch_max_wait_ms == settings.fetch_wait_ms < 500
    assert await fetcher._proc_fetch_request(None, 0, None) is True  # adapted: follows records
    assert fetcher._fetch_max_wait_ms == settings.fetch_wait_ms

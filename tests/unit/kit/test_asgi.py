"""Every request counted and timed by route template and status (services/kit/asgi.py)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from prometheus_client import REGISTRY

from services.kit.asgi import Measured


def _count(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("govshare_http_requests_total", labels) or 0.0


async def test_requests_are_counted_by_template_never_by_raw_path():
    api = FastAPI()

    @api.get("/v1/asgi-things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    api.add_middleware(Measured)
    before = _count("GET", "/v1/asgi-things/{thing_id}", "200")
    missing = _count("GET", "unmatched", "404")
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/v1/asgi-things/a1")).status_code == 200
        assert (await client.get("/v1/asgi-things/a2")).status_code == 200
        assert (await client.get("/nowhere/123")).status_code == 404
    assert _count("GET", "/v1/asgi-things/{thing_id}", "200") == before + 2
    assert _count("GET", "unmatched", "404") == missing + 1

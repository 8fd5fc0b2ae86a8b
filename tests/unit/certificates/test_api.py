"""Certificates' REST routes over the registry on the fake runtime: the dossier and the
access log answer in their shapes and page with cursors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from services.certificates import api
from services.certificates.keystore import KeyStore
from services.certificates.registry import Registry
from services.certificates.signatures import Suite
from services.kit import problems
from services.kit.auth import install_verifier, mint_dev_token, verifier_from_settings
from services.kit.provided import provide
from tests.unit.certificates.test_domain import CATALOG, HOLDER
from tests.unit.certificates.test_registry import POWER_CO, evidence_request, issue
from tests.unit.fakes import FakeRuntime

READS = 5
ME = {"Authorization": f"Bearer {mint_dev_token('enterprise', HOLDER.id, name=HOLDER.name)}"}


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    runtime = FakeRuntime("certificates")
    keys = KeyStore(tmp_path / "keys", runtime.clock)
    registry = Registry(runtime, CATALOG, keys, Suite.ED25519, runtime.clock)  # type: ignore[arg-type]
    runtime.consume_batch("certificates.v1.events", registry.on_certificate_events)
    runtime.consume("certificates.v1.access-log", registry.on_access_event, dedup=False)
    await issue(registry)
    for _ in range(READS):
        await registry.resolve(evidence_request(), caller_id=POWER_CO.id)
    await runtime.settle()
    app = FastAPI()
    problems.install(app)
    install_verifier(app, verifier_from_settings("test"))
    provide(app, registry)
    app.include_router(api.router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://certificates") as http:
        yield http


async def test_the_access_log_pages_through_every_entry_once(client: httpx.AsyncClient):
    whole = (await client.get("/v1/me/access-log", headers=ME)).json()
    assert whole["next_cursor"] is None and len(whole["entries"]) == READS
    entry = whole["entries"][0]
    assert entry["outcome"] == "granted" and "use" not in entry  # only `used` entries have it
    assert entry["requester"]["id"] == POWER_CO.id
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/me/access-log", params=params, headers=ME)).json()
        assert len(page["entries"]) <= 2
        seen += page["entries"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == whole["entries"]


async def test_the_dossier_answers_certificates_in_their_json_mapping(client: httpx.AsyncClient):
    dossier = (await client.get("/v1/me/certificates", headers=ME)).json()
    assert dossier["holder_id"] == HOLDER.id and dossier["next_cursor"] is None
    (cert,) = dossier["certificates"]
    assert cert["holder"]["id"] == HOLDER.id and "issuedAt" in cert
    one = await client.get(f"/v1/certificates/{cert['id']}", headers=ME)
    assert one.json() == cert
    checked = await client.post("/v1/verifications", json=cert)
    assert checked.json()["valid"] is True

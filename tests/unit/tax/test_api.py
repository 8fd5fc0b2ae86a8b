"""Tax's REST list answers page with cursors, in their order, every item once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from govshare.common.v1 import types_pb2 as common

from services.kit import problems
from services.kit.auth import install_verifier, mint_dev_token, verifier_from_settings
from services.kit.provided import provide
from services.tax import api, ledger, rules
from services.tax.office import TaxOffice
from tests.unit.fakes import FakeRuntime

STAFF = {
    "Authorization": "Bearer "
    + mint_dev_token("staff", "tax-01", department="tax", region="370100", name="窗口")
}
STATEMENTS = 9


def _statement(n: int) -> dict[str, object]:
    return {
        "statement_id": f"ST-devbank-{n}",
        "channel": "devbank",
        "date": f"2025-03-{10 + n % 4:02d}",  # several statements a day: ties by id
        "entries": n,
        "matched": n,
        "mismatches": [],
        "balanced": True,
        "reconciled_at": "2025-03-14T02:00:00+00:00",
    }


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    runtime = FakeRuntime("tax")
    authority = common.Party(kind=common.PARTY_KIND_DEPARTMENT, id="11370105MB2857497F")
    office = TaxOffice(
        runtime,  # type: ignore[arg-type]
        rules.load(),
        ledger.load(),
        authority,
        order_ttl_s=900,
        clock=runtime.clock,
    )
    for n in range(STATEMENTS):
        office.reconciliations[f"ST-devbank-{n}"] = _statement(n)
    app = FastAPI()
    problems.install(app)
    install_verifier(app, verifier_from_settings("test"))
    provide(app, office, api.Cashier("http://cashier"))
    app.include_router(api.router)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://tax"
    ) as http:
        yield http


async def test_the_reconciliations_page_through_every_statement_once(
    client: httpx.AsyncClient,
):
    whole = (await client.get("/v1/reconciliations", headers=STAFF)).json()
    assert whole["next_cursor"] is None and len(whole["reconciliations"]) == STATEMENTS
    assert whole["reconciliations"][0] == _statement(0)  # the answer as stored
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/reconciliations", params=params, headers=STAFF)).json()
        seen += page["reconciliations"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == whole["reconciliations"]
    assert [r["date"] for r in seen] == sorted(r["date"] for r in seen)


async def test_a_limit_beyond_the_maximum_is_a_problem_on_limit(client: httpx.AsyncClient):
    reply = await client.get("/v1/reconciliations", params={"limit": 501}, headers=STAFF)
    assert reply.status_code == 422 and reply.json()["field"] == "limit"

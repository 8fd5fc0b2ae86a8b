"""Tax's REST list answers page with cursors, in their order, every item once; a case
closed while it waited on tax staff is refused their bill, saying why."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from govshare.common.v1 import types_pb2 as common

from services.kit import problems
from services.kit.auth import install_verifier, mint_dev_token, verifier_from_settings
from services.kit.provided import provide
from services.tax import api, ledger, payments, rules
from services.tax.office import TaxOffice
from services.tax.payments import TaxCase
from tests.unit.fakes import FakeRuntime
from tests.unit.realestate import events as e
from tests.unit.tax import test_manual

STAFF = {
    "Authorization": "Bearer "
    + mint_dev_token("staff", "tax-01", department="tax", region="370100", name="窗口")
}
WINDOW = {
    "Authorization": "Bearer "
    + mint_dev_token(
        "staff", "tax-01", department="tax", region="370100", roles=("window",), name="李核定"
    )
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
def office() -> TaxOffice:
    runtime = FakeRuntime("tax")
    authority = common.Party(kind=common.PARTY_KIND_DEPARTMENT, id="11370105MB2857497F")
    made = TaxOffice(
        runtime,  # type: ignore[arg-type]
        rules.load(),
        ledger.load(),
        authority,
        order_ttl_s=900,
        clock=runtime.clock,
    )
    for n in range(STATEMENTS):
        made.reconciliations[f"ST-devbank-{n}"] = _statement(n)
    return made


@pytest.fixture
async def client(office: TaxOffice) -> AsyncIterator[httpx.AsyncClient]:
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


async def test_a_case_closed_while_it_waited_is_refused_a_manual_bill_saying_why(
    client: httpx.AsyncClient, office: TaxOffice
):
    case = TaxCase(e.CASE)
    event = base64.b64encode(test_manual.required().SerializeToString()).decode()
    manual = {"field": "contract_date", "reason": "r", "required_at": "2025-06-03T02:00:00+00:00"}
    payments.apply_manual_required(case, e.UNIT, manual | {"event": event})
    payments.apply_cancellation(case)  # withdrawn while it waited
    office.cases[case.case_id] = case.to_json()
    body = {
        "lines": [{"kind": "registration_fee", "payer": "buyer", "amount_fen": 8_000}],
        "legal_basis": "税收征收管理法 第三十五条 (核定征收)",
        "reviewer": {"id": "tax-02", "name": "赵复核"},
    }
    reply = await client.post(f"/v1/cases/{e.CASE}/manual-assessment", json=body, headers=WINDOW)
    assert reply.status_code == 409, reply.text
    problem = reply.json()
    assert problem["field"] == "case_id" and "撤回" in problem["reason"]

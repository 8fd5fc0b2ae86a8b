"""Hostile input the fuzz run found (now refused with 422, not a 500), as regressions:
numbers beyond the int64 fields of the contracts. In-process: the body is checked before
anything is looked up, so the services need not run."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.kit.auth import mint_dev_token
from tests.integration.realestate.support import Party, transfer_form
from tests.security.wiring import runtime

HUGE = 33889707198703156655554560  # what schemathesis sent: beyond int64


@pytest.fixture
async def client() -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    opened = {
        name: httpx.AsyncClient(
            transport=httpx.ASGITransport(app=runtime(name).api), base_url="http://test"
        )
        for name in ("realestate", "tax")
    }
    try:
        yield opened
    finally:
        for c in opened.values():
            await c.aclose()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_payment_order_takes_no_amount_from_the_caller(client):
    """What the fuzz run once overflowed (a declared payment's amount) is gone: a party
    opens a payment order and the amount is the bill's; a body is not even read."""
    buyer = mint_dev_token("citizen", Party().id)
    body = {"payment_id": "eEB", "assessment_id": "x", "amount_fen": HUGE, "channel": "c"}
    case = "/v1/cases/RE-370105-20250601-0001"
    reply = await client["tax"].post(f"{case}/payment-orders", json=body, headers=_bearer(buyer))
    assert reply.status_code == 404, reply.text  # no such case for this party; never a 500
    declared = await client["tax"].post(f"{case}/payments", json=body, headers=_bearer(buyer))
    assert declared.status_code == 404, declared.text


@pytest.mark.parametrize("field", ["price_fen", "area_hundredths_m2"])
async def test_a_transfer_beyond_int64_is_refused_not_a_server_error(client, field):
    seller, buyer = Party(), Party()
    form = transfer_form(seller, buyer, "370105012002GB00001F00010751") | {field: HUGE}
    reply = await client["realestate"].post(
        "/v1/transfers", json=form, headers=_bearer(seller.token)
    )
    assert reply.status_code == 422, reply.text
    assert reply.json()["field"] == field


async def test_a_quote_beyond_int64_is_refused(client):
    facts = transfer_form(Party(), Party(), "370105012002GB00001F00010751")["tax_facts"]
    body = {"contract_date": "2025-06-01", "price_fen": HUGE, "area_hundredths_m2": 12_000,
            "usage": "residential", **facts}  # fmt: skip
    reply = await client["tax"].post("/v1/quotes", json=body)
    assert reply.status_code == 422, reply.text

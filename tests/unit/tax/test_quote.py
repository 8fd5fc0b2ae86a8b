"""The offline quote: `govshare tax quote FILE` and POST /v1/quotes, one engine."""

import json

import pytest
from fastapi.testclient import TestClient

from services.kit.settings import load_settings
from services.tax import quote_cli
from services.tax.app import build

FACTS = {
    "contract_date": "2025-06-01",
    "price_fen": 235_000_000,
    "area_hundredths_m2": 12_000,
    "usage": "residential",
    "buyer_family_existing_homes": 0,
    "seller_acquisition_date": "2016-08-20",
    "seller_only_home": True,
    "original_cost_fen": 128_000_000,
}


@pytest.fixture
def facts_file(tmp_path):
    def write(**change):
        path = tmp_path / "facts.json"
        path.write_text(json.dumps({**FACTS, **change}), "utf-8")
        return str(path)

    return write


def test_cli_prints_the_bill(facts_file, capsys):
    assert quote_cli.main([facts_file()]) == 0
    out = capsys.readouterr().out
    assert "transfer-2024-12-01" in out and "23580.00" in out and "2016〕23号" not in out


def test_cli_json_follows_the_contract_date(facts_file, capsys):
    assert quote_cli.main([facts_file(contract_date="2024-06-01"), "--json"]) == 0
    bill = json.loads(capsys.readouterr().out)
    deed = bill["lines"][0]
    assert (bill["rule_set"], deed["kind"], deed["rate_ppm"], deed["amount_fen"]) == (
        "transfer-2021-09-01",
        "deed_tax",
        15_000,
        3_525_000,
    )
    assert bill["total_fen"] == 3_533_000 and bill["buyer_pays_fen"] == 3_533_000


def test_cli_refuses_floats_and_names_the_field(facts_file, capsys):
    assert quote_cli.main([facts_file(price_fen=2350000.5)]) == 2
    assert "price_fen" in capsys.readouterr().err
    assert (
        quote_cli.main(
            [facts_file(contract_date="2015-01-01", seller_acquisition_date="2010-01-01")]
        )
        == 2
    )
    assert capsys.readouterr().err.startswith("contract_date:")
    assert quote_cli.main(["/nonexistent.json"]) == 2


def test_rest_quote_uses_the_same_engine():
    runtime = build(load_settings(env="test", kafka_bootstrap="127.0.0.1:9"))
    client = TestClient(runtime.api)  # no lifespan: the quote needs no broker
    reply = client.post("/v1/quotes", json=FACTS)
    assert reply.status_code == 200 and reply.json()["total_fen"] == 2_358_000
    bad = client.post("/v1/quotes", json={**FACTS, "seller_acquisition_date": "2026-01-01"})
    assert bad.status_code == 422 and bad.json()["field"] == "seller_acquisition_date"
    assert client.post("/v1/quotes", json={**FACTS, "colour": "red"}).status_code == 422
    assert client.get("/v1/ledger").status_code == 401


def test_the_command_mounts_under_another_parser(facts_file, capsys):
    """How `govshare tax quote` is hooked into services/cli.py."""
    import argparse

    top = argparse.ArgumentParser(prog="govshare")
    sub = top.add_subparsers(dest="command", required=True)
    tax = sub.add_parser("tax").add_subparsers(dest="tax_command", required=True)
    quote = tax.add_parser("quote")
    quote_cli.add_arguments(quote)
    quote.set_defaults(func=quote_cli.run)
    args = top.parse_args(["tax", "quote", facts_file(), "--json"])
    assert args.func(args) == 0
    assert json.loads(capsys.readouterr().out)["total_fen"] == 2_358_000

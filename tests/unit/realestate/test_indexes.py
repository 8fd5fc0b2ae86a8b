"""The indexes the lists read (store.py): by party and open cases by county, and that
`GET /v1/me/cases` and `GET /v1/queue` read them, not every case."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from govshare.common.v1 import types_pb2 as common

from services.kit.auth import install_verifier, mint_dev_token, verifier_from_settings
from services.kit.clock import SYSTEM
from services.kit.identifiers import resident_id_check_char
from services.kit.provided import provide_as
from services.realestate import api, cases, deadlines
from services.realestate.cases import Case
from services.realestate.registrar import Registrar
from services.realestate.store import UnitStore
from tests.unit.realestate import events as e

LIMIT = deadlines.TimeLimit(20, "test")


class Tables:
    """Faust tables as plain dicts: the store's logic without a worker."""

    def Table(self, name: str, **_: Any) -> dict[str, Any]:
        return {}


def party(n: int) -> common.Party:
    body = f"37010219800315{n % 1000:03d}"
    return common.Party(
        kind=common.PARTY_KIND_CITIZEN, id=body + resident_id_check_char(body), name="王"
    )


def filed(
    store: UnitStore, n: int, county: str = "370105", seller: common.Party = e.SELLER
) -> Case:
    """Apply a filing as the agent does: the case, then the indexes."""
    unit_code = f"{county}012002GB00001F{n // 9999 + 1:04d}{n % 9999 + 1:04d}"
    applied = e.applied(f"RE-{county}-20250601-{n:04d}", unit_code, by=seller)
    applied.seller.CopyFrom(seller)
    applied.buyer.CopyFrom(party(n))
    case = cases.open_case(applied)
    unit = store.unit(unit_code)
    unit.open_case = case.case_id
    unit.put(case)
    store.put_unit(unit)
    store.case_index[case.case_id] = unit_code
    store.index(case)
    return case


def advanced(store: UnitStore, case: Case, message: Any) -> Case:
    message.case_id, message.unit_code = case.case_id, case.unit_code
    unit = store.unit(case.unit_code)
    changed = unit.case(case.case_id)
    assert changed is not None
    cases.apply(changed, message)
    unit.put(changed)
    store.put_unit(unit)
    store.index(changed)
    return changed


def test_the_indexes_follow_each_case_and_a_replayed_index_write_changes_nothing():
    store = UnitStore(Tables())
    one = filed(store, 1)
    two = filed(store, 2, county="370202")
    assert [c.case_id for c in store.cases_of(e.SELLER.id)] == [one.case_id, two.case_id]
    assert [c.case_id for c in store.cases_of(party(2).id)] == [two.case_id]
    assert store.cases_of("370102199901011234") == []
    jinan = [x["case_id"] for x in store.open_entries(lambda c: c.startswith("3701"))]
    assert jinan == [one.case_id]
    one = advanced(store, one, e.confirmed())
    (entry,) = store.open_entries(lambda c: c == "370105")
    assert entry["stage"] == cases.IN_REVIEW and entry["waiting_on"] == cases.REALESTATE
    before = (dict(store.by_party), dict(store.open_by_county))
    store.index(one)  # a redelivered event: the same writes again
    assert (dict(store.by_party), dict(store.open_by_county)) == before
    withdrawn = e.ev.TransferWithdrawn(withdrawn_by=e.citizen(e.SELLER), withdrawn_at=e.at(40))
    advanced(store, one, withdrawn)
    assert [x["case_id"] for x in store.open_entries(lambda _: True)] == [two.case_id]
    assert len(store.cases_of(e.SELLER.id)) == 2  # closed cases stay the party's


def test_overdue_counts_from_the_index_match_the_count_from_the_cases():
    store = UnitStore(Tables())
    waiting = [advanced(store, filed(store, n), e.confirmed()) for n in range(3)]
    filed(store, 9)  # waits on the buyer: not counted
    today = deadlines.due_date(waiting[0], LIMIT) + timedelta(days=1)
    expected = deadlines.overdue_by_stage(store.all_cases(), today, LIMIT)
    assert expected == {cases.IN_REVIEW: 3}
    assert deadlines.overdue_of_entries(store.open_entries(lambda _: True), today, LIMIT) == (
        expected
    )
    assert deadlines.overdue_of_entries([], date(2030, 1, 1), LIMIT) == {}


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every case record decoded, by case id."""
    seen: list[str] = []
    decode = Case.from_json.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Case], raw: dict[str, Any]) -> Case:
        seen.append(raw["case_id"])
        return decode(cls, raw)  # type: ignore[no-any-return]

    monkeypatch.setattr(Case, "from_json", classmethod(counted))
    return seen


def _client(store: UnitStore, logged: list[dict[str, Any]]) -> TestClient:
    """The routes over `store`, the queue's reads of the parties' data kept in `logged`."""

    async def record_queue_read(listed: list[dict[str, Any]], *_: Any, **__: Any) -> None:
        logged.extend(listed)

    registrar = SimpleNamespace(
        store=store,
        clock=SYSTEM,
        department_party=lambda _: e.SELLER,
        record_queue_read=record_queue_read,
    )
    app = FastAPI()
    install_verifier(app, verifier_from_settings("test"))
    provide_as(app, Registrar, registrar)
    app.include_router(api.router)
    return TestClient(app)


def test_the_list_routes_decode_no_unrelated_case(decodes: list[str]):
    store = UnitStore(Tables())
    me = party(999)
    for n in range(200):  # history: other people's cases, here and elsewhere
        filed(store, n, county="370105" if n % 2 else "370202")
    mine = filed(store, 500, seller=me)
    logged: list[dict[str, Any]] = []
    client = _client(store, logged)
    decodes.clear()

    citizen = mint_dev_token("citizen", me.id, name="王")
    reply = client.get("/v1/me/cases", headers={"Authorization": f"Bearer {citizen}"})
    assert reply.status_code == 200
    assert [c["case_id"] for c in reply.json()["cases"]] == [mine.case_id]
    assert set(decodes) == {mine.case_id}  # only the cases of its unit (here: one)

    decodes.clear()
    staff = mint_dev_token("staff", "tax-01", department="tax", region="370200", name="窗口")
    reply = client.get("/v1/queue", headers={"Authorization": f"Bearer {staff}"})
    assert reply.status_code == 200 and reply.json()["count"] == 100
    assert decodes == []  # the queue reads its index entries, no case record
    # Each listed case's parties are named for their access logs, from the index too.
    assert len(logged) == 100 and all(len(entry["holders"]) == 2 for entry in logged)
    assert all("holders" not in c for c in reply.json()["cases"])  # and not shown


def test_the_queue_and_my_cases_page_through_every_case_once():
    store = UnitStore(Tables())
    me = party(999)
    for n in range(70):
        filed(store, n, county="370202", seller=me if n % 3 == 0 else e.SELLER)
    logged: list[dict[str, Any]] = []
    client = _client(store, logged)
    staff = mint_dev_token("staff", "tax-01", department="tax", region="370200", name="窗口")
    citizen = mint_dev_token("citizen", me.id, name="王")

    for path, token, total in (("/v1/queue", staff, 70), ("/v1/me/cases", citizen, 24)):
        headers = {"Authorization": f"Bearer {token}"}
        whole = client.get(path, headers=headers).json()
        assert len(whole["cases"]) == total and whole["next_cursor"] is None
        logged.clear()
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            params = {"limit": 11} | ({"cursor": cursor} if cursor else {})
            page = client.get(path, params=params, headers=headers).json()
            assert len(page["cases"]) <= 11
            seen += page["cases"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert [c["case_id"] for c in seen] == [c["case_id"] for c in whole["cases"]]
        if path == "/v1/queue":
            assert page["count"] == 70  # the whole queue's size, on every page
            read = sorted(entry["case_id"] for entry in logged)
            assert read == sorted(c["case_id"] for c in seen)  # each page's cases, once

"""Cursor pagination (kit/pages.py): every item once, in order, however the pages fall;
a bad limit or cursor is a 422 problem naming the field."""

from __future__ import annotations

from typing import Annotated, Any

import fastapi.dependencies.utils
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from services.kit import errors, pages, problems

ITEMS = [{"id": f"A-{n % 4}-{n}", "day": f"2025-03-{10 + n % 3:02d}"} for n in range(11)]


def _key(item: dict[str, str]) -> pages.Key:
    return (item["day"], item["id"])  # ties on the day are broken by the id


def _walk(limit: int, newest_first: bool) -> list[dict[str, str]]:
    seen: list[dict[str, str]] = []
    paging = pages.Paging(limit)
    while True:
        page, cursor = paging.take(ITEMS, _key, newest_first=newest_first)
        assert len(page) <= limit
        seen += page
        if cursor is None:
            return seen
        paging = pages.Paging(limit, pages.decode(cursor))


@pytest.mark.parametrize("limit", [1, 2, 3, 10, 11, 100])
@pytest.mark.parametrize("newest_first", [False, True])
def test_the_pages_hold_every_item_once_in_order(limit: int, newest_first: bool):
    assert _walk(limit, newest_first) == sorted(ITEMS, key=_key, reverse=newest_first)


def test_the_last_page_has_no_cursor_and_an_empty_list_one_page():
    assert pages.Paging(11).take(ITEMS, _key)[1] is None
    assert pages.Paging(10).take(ITEMS, _key)[1] is not None
    assert pages.Paging().take([], _key) == ([], None)


def test_a_page_starts_after_its_cursor_even_when_that_item_is_gone():
    first, cursor = pages.Paging(3).take(ITEMS, _key)
    assert cursor is not None
    rest = [i for i in ITEMS if i != first[-1]]
    second, _ = pages.Paging(3, pages.decode(cursor)).take(rest, _key)
    assert second == sorted(ITEMS, key=_key)[3:6]


def test_a_cursor_round_trips_and_is_url_safe():
    key = ("2025-03-12T02:00:00Z", "PA-370105-1", 42, "某公司")
    cursor = pages.encode(key)
    assert pages.decode(cursor) == key
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize(
    "cursor",
    ["", "%%%", "bm90LWpzb24", pages.encode(()), "W3RydWVd", "W1tdXQ", "eyJhIjoxfQ"],
)
def test_what_no_list_handed_out_is_refused_on_the_cursor_field(cursor: str):
    with pytest.raises(errors.DomainError) as refused:
        pages.decode(cursor)
    assert refused.value.kind is errors.Kind.INVALID and refused.value.field == "cursor"


def test_a_cursor_of_another_list_is_refused_not_a_crash():
    other = pages.Paging(2, pages.decode(pages.encode((7, 8))))
    with pytest.raises(errors.DomainError) as refused:
        other.take(ITEMS, _key)
    assert refused.value.field == "cursor"


def _app() -> TestClient:
    app = FastAPI()
    problems.install(app)

    @app.get("/things")
    async def things(
        paging: Annotated[pages.Paging, Depends(pages.query(default=5, maximum=8))],
    ) -> dict[str, Any]:
        shown, cursor = paging.take(ITEMS, _key)
        return {"things": shown, "next_cursor": cursor}

    return TestClient(app)


def test_the_query_reads_limit_and_cursor_with_their_defaults():
    client = _app()
    first = client.get("/things").json()
    assert len(first["things"]) == 5
    second = client.get("/things", params={"cursor": first["next_cursor"], "limit": 8}).json()
    assert first["things"] + second["things"] == sorted(ITEMS, key=_key)[:13]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 9}, "limit"), ({"limit": "x"}, "limit"),
     ({"cursor": "%%%"}, "cursor"), ({"cursor": "x" * 513}, "cursor")],
)  # fmt: skip
def test_a_bad_limit_or_cursor_is_a_problem_naming_it(params: dict[str, Any], field: str):
    reply = _app().get("/things", params=params)
    assert reply.status_code == 422
    assert reply.headers["content-type"] == problems.MEDIA_TYPE
    assert reply.json()["field"] == field


def test_the_query_runs_on_the_loop_not_in_the_thread_pool(monkeypatch):
    """FastAPI hands a plain `def` dependency to a worker thread on every request."""

    async def no_thread_pool(*_: object, **__: object) -> None:
        raise AssertionError("a dependency went to the thread pool")

    monkeypatch.setattr(fastapi.dependencies.utils, "run_in_threadpool", no_thread_pool)
    assert len(_app().get("/things").json()["things"]) == 5

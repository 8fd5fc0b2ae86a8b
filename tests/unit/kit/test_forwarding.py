"""Merging the workers' pages of a gathered list (kit/forwarding.py): page by page, the
same items in the same order as one worker holding them all would answer."""

from __future__ import annotations

from typing import Any

import pytest

from services.kit import pages
from services.kit.forwarding import Gathered, _merge

ORDER = ("submitted_at", "application_id")
ITEMS = [
    {"application_id": f"PA-{n:02d}", "submitted_at": f"2025-03-{10 + n % 5:02d}T02:00:00Z"}
    for n in range(23)
]


def _answer(items: list[dict[str, Any]], paging: pages.Paging, newest: bool) -> dict[str, Any]:
    shown, cursor = paging.take(items, pages.by(*ORDER), newest_first=newest)
    return {"applications": shown, "next_cursor": cursor, "open_statuses": ["submitted"]}


def _gathered_walk(workers: int, limit: int, newest: bool) -> list[dict[str, Any]]:
    parts = [ITEMS[w::workers] for w in range(workers)]
    gathered = Gathered("/v1/me/applications", "applications", ORDER, newest_first=newest)
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        paging = pages.Paging(limit, None if cursor is None else pages.decode(cursor))
        replies = [_answer(part, paging, newest) for part in parts]
        merged = dict(replies[0])
        _merge(merged, replies, gathered, limit)
        assert len(merged["applications"]) <= limit
        assert merged["open_statuses"] == ["submitted"]  # the other members stay
        seen += merged["applications"]
        cursor = merged["next_cursor"]
        if cursor is None:
            return seen


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("limit", [1, 4, 7, 23, 100])
@pytest.mark.parametrize("newest", [False, True])
def test_merged_pages_are_the_pages_of_the_whole_list(workers: int, limit: int, newest: bool):
    assert _gathered_walk(workers, limit, newest) == sorted(
        ITEMS, key=pages.by(*ORDER), reverse=newest
    )


def test_a_list_one_member_holds_keeps_that_members_cursor():
    holder = {"certificates": [{"id": "C-1"}], "next_cursor": "abc", "holder_id": "H"}
    elsewhere = {"certificates": [], "next_cursor": None, "holder_id": "H"}
    merged = dict(elsewhere)
    _merge(merged, [elsewhere, holder], Gathered("/v1/me/certificates", "certificates"), 1)
    assert merged["certificates"] == [{"id": "C-1"}] and merged["next_cursor"] == "abc"

"""Merging the workers' pages of a gathered list (kit/forwarding.py): page by page, the
same items in the same order as one worker holding them all would answer. And a worker
alone in its group passes requests and answers through as they are."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from services.kit import pages
from services.kit.asgi import Message, Receive, Scope, Send
from services.kit.forwarding import (
    RETRY_AFTER_S,
    Elsewhere,
    Forwarding,
    Found,
    Gathered,
    _merge,
)
from services.kit.ownership import Member, Ownership

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


# --- a worker alone in its group ---------------------------------------------------------

ME = "http://worker-0:8080/"
TOPIC = "things"


def _alone() -> Ownership:
    partitions = range(4)
    return Ownership(
        TOPIC,
        len(partitions),
        me=lambda: ME,
        assigned=lambda: list(partitions),
        distribution=lambda: {ME: {TOPIC: list(partitions)}},
    )


def _forwarding(app: Any, forwarded: list[httpx.Request]) -> Forwarding:
    forwarding = Forwarding(
        app,
        ownership=_alone,
        gathered=[Gathered("/v1/things", "things", ("thing_id",))],
        found=[Found("/v1/found/{found_id}")],
    )

    def answer(request: httpx.Request) -> httpx.Response:
        forwarded.append(request)
        return httpx.Response(200, json={"answered_by": str(request.url)})

    forwarding._client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return forwarding


def _scope(method: str, path: str) -> Scope:
    return {"type": "http", "method": method, "path": path, "headers": [], "query_string": b""}


def _client(messages: list[Message]) -> tuple[Receive, Send, list[Message]]:
    pending = list(messages)
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    return receive, send, sent


CHUNKED = [
    {"type": "http.request", "body": b'{"a": ', "more_body": True},
    {"type": "http.request", "body": b"1}", "more_body": False},
]
STREAMED = [
    {"type": "http.response.start", "status": 200, "headers": [(b"x-kind", b"stream")]},
    {"type": "http.response.body", "body": b'{"things": [], ', "more_body": True},
    {"type": "http.response.body", "body": b'"next_cursor": null}', "more_body": False},
]


@pytest.mark.parametrize("path", ["/v1/commands", "/v1/things", "/v1/found/F-1"])
async def test_alone_a_request_reaches_the_app_and_the_client_hears_it_as_they_sent_it(path):
    """Nothing read ahead and replayed in one piece, nothing captured and sent again: on
    a plain route, a gathered list and a found route alike."""
    heard: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while not heard or heard[-1].get("more_body"):
            heard.append(await receive())
        for message in STREAMED:
            await send(dict(message))

    forwarded: list[httpx.Request] = []
    receive, send, sent = _client(CHUNKED)
    await _forwarding(app, forwarded)(_scope("POST", path), receive, send)
    assert heard == CHUNKED
    assert sent == STREAMED
    assert forwarded == []


async def test_alone_a_key_owned_elsewhere_is_answered_503_and_not_forwarded():
    """With no other member in the assignment there is nobody to forward to, whatever
    the (stale) owner the command names: the client retries after the rebalance."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        raise Elsewhere(Member("http://worker-1:8080/"))

    forwarded: list[httpx.Request] = []
    receive, send, sent = _client(CHUNKED[1:])
    await _forwarding(app, forwarded)(_scope("POST", "/v1/commands"), receive, send)
    start, body = sent
    assert start["status"] == 503
    assert (b"retry-after", str(RETRY_AFTER_S).encode()) in start["headers"]
    assert json.loads(body["body"])["field"] == "service"
    assert forwarded == []

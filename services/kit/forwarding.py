"""Requests reach the worker that holds their state, whichever worker they arrive at.

A service of N workers keeps each key's state on the worker that owns the key's
partition (services/kit/ownership.py). A client (the portal, a department system, a
load balancer in front of the workers) may call any of them; this middleware sends
each request where it can be answered right:

- a route that names its key (`/v1/applications/{application_id}` and everything below
  it) is forwarded, method, headers, token and body unchanged, to the key's owner;
- a route that lists across keys (a holder's applications: an index kept per
  partition) asks every member for its part and merges the lists;
- a command that creates a key raises `Elsewhere` when the key it computed (from a
  client's request id) belongs to another worker, and the request goes there.

A forwarded request carries `X-Govshare-Forwarded`, so it is forwarded at most once:
the receiver answers it itself, or with 503 and Retry-After when, after a rebalance,
it no longer owns the key. While a partition has no owner the answer is the same 503.

A worker alone in its group (`govshare up`, the tests) has nobody to ask or forward to:
apart from a keyed route, which still checks that it owns the key, its requests reach
the app as they came, their body not read ahead and their answer not captured.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.routing import compile_path

from services.kit import pages, problems
from services.kit.asgi import App, Message, Receive, Scope, Send
from services.kit.ownership import Member, Ownership

HOP_HEADER = "x-govshare-forwarded"
RETRY_AFTER_S = 1
FORWARD_TIMEOUT_S = 15.0
# Hop-by-hop and length headers: httpx and the ASGI server set their own.
_NOT_FORWARDED = frozenset({"host", "content-length", "connection", "transfer-encoding"})


class Elsewhere(Exception):
    """Raised by a command whose key another worker owns (or nobody, mid-rebalance)."""

    def __init__(self, owner: Member | None) -> None:
        super().__init__(f"owned by {owner.url if owner else 'nobody yet'}")
        self.owner = owner


@dataclass(frozen=True)
class Keyed:
    """A route whose path names the key its state lives under; `path` is a template
    (`/v1/applications/{application_id}`) and covers the paths below it too."""

    path: str
    param: str


Answer = dict[str, Any]


@dataclass(frozen=True)
class Gathered:
    """A list across keys: every member answers its page for its partitions and the
    lists under `field` are merged in the order the route pages them (`order_by`: the
    item members, or a key function, kit/pages.py; descending with `newest_first`), cut
    to the `limit` query parameter, with the merged page's `next_cursor`; `count` names
    a member holding each part's total, summed. Without `order_by` the list lives on one
    member (the holder's): its answer, cursor included, is the answer. An answer that is
    not a list (sums per account) says how to combine the members' answers in `merge`."""

    path: str
    field: str = ""
    order_by: tuple[str, ...] | Callable[[Answer], pages.Key] = ()
    newest_first: bool = False
    count: str | None = None
    merge: Callable[[list[Answer]], Answer] | None = None

    def combine(self, answers: list[Answer], limit: int) -> Answer:
        """`answers[0]` is this worker's, the others follow."""
        if self.merge is not None:
            return self.merge(answers)
        merged = dict(answers[0])
        _merge(merged, answers, self, limit)
        if self.count:
            merged[self.count] = sum(int(a.get(self.count) or 0) for a in answers)
        return merged


@dataclass(frozen=True)
class Found:
    """A route by a key that does not tell its partition (a certificate id), and the
    paths below it: answered here, or else by the first member that does not answer
    404. Only for routes whose 404 (key unknown here) comes before any effect."""

    path: str


@dataclass
class _Captured:
    status: int = 500
    headers: list[tuple[bytes, bytes]] | None = None
    body: bytes = b""


class Forwarding:
    """Plain ASGI middleware (see services/kit/asgi.py for why not BaseHTTPMiddleware)."""

    def __init__(
        self,
        app: App,
        *,
        ownership: Callable[[], Ownership | None],
        keyed: Sequence[Keyed] = (),
        gathered: Sequence[Gathered] = (),
        found: Sequence[Found] = (),
    ) -> None:
        self.app = app
        self.ownership = ownership
        self.keyed = [(compile_path(k.path + "{_rest:path}")[0], k) for k in keyed]
        self.gathered = [(compile_path(g.path)[0], g) for g in gathered]
        self.found = [compile_path(f.path + "{_rest:path}")[0] for f in found]
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=FORWARD_TIMEOUT_S)
        return self._client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ownership = self.ownership()
        if scope["type"] != "http" or ownership is None:
            await self.app(scope, receive, send)
            return
        forwarded = _header(scope, HOP_HEADER) is not None
        path: str = scope["path"]
        for pattern, keyed in self.keyed:
            match = pattern.match(path)
            if match:
                await self._keyed(scope, receive, send, ownership, match[keyed.param], forwarded)
                return
        if not ownership.others():
            await self._alone(scope, receive, send)
            return
        body = await _read_body(receive)
        if not forwarded:
            for pattern, gathered in self.gathered:
                if pattern.fullmatch(path):
                    await self._gathered(scope, body, send, ownership, gathered)
                    return
            if any(pattern.match(path) for pattern in self.found):
                await self._found(scope, body, send, ownership)
                return
        try:
            await self.app(scope, _replay(body), send)
        except Elsewhere as elsewhere:
            if forwarded or elsewhere.owner is None:
                await _unavailable(scope, send, "the key's partition is moving between workers")
            else:
                await self._forward(scope, body, send, elsewhere.owner)

    async def _alone(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The only member answers everything itself: the request goes to the app as it
        came, its body neither read ahead nor replayed, its answer not captured. A key
        the app finds elsewhere has nobody to go to yet (mid-rebalance): 503."""
        try:
            await self.app(scope, receive, send)
        except Elsewhere:
            await _unavailable(scope, send, "the key's partition is moving between workers")

    async def _keyed(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        ownership: Ownership,
        key: str,
        forwarded: bool,
    ) -> None:
        owner = ownership.owner(key)
        if owner is not None and owner == ownership.me():
            await self.app(scope, receive, send)
        elif owner is None or forwarded:
            await _unavailable(scope, send, "the key's partition is moving between workers")
        else:
            await self._forward(scope, await _read_body(receive), send, owner)

    async def _forward(self, scope: Scope, body: bytes, send: Send, owner: Member) -> None:
        try:
            status, headers, content = await self._ask(scope, body, owner)
        except httpx.HTTPError as error:
            await _unavailable(scope, send, f"the owning worker did not answer ({error!r})")
            return
        await _respond(send, status, headers, content)

    async def _ask(
        self, scope: Scope, body: bytes, member: Member
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in scope["headers"]
            if k.decode("latin-1").lower() not in _NOT_FORWARDED
        ]
        headers.append((HOP_HEADER, "1"))
        query = scope.get("query_string", b"").decode("latin-1")
        url = member.http + scope["path"] + (f"?{query}" if query else "")
        reply = await self.client().request(scope["method"], url, content=body, headers=headers)
        passed = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in reply.headers.items()
            if k.lower() not in _NOT_FORWARDED and k.lower() != "content-encoding"
        ]
        return reply.status_code, passed, reply.content

    async def _gathered(
        self, scope: Scope, body: bytes, send: Send, ownership: Ownership, gathered: Gathered
    ) -> None:
        here = _Captured()
        await self.app(scope, _replay(body), _capture(here))
        others = ownership.others()
        if here.status != 200 or not others:
            await _respond(send, here.status, _without_length(here.headers), here.body)
            return
        try:
            answers = await asyncio.gather(*(self._ask(scope, body, m) for m in others))
        except httpx.HTTPError as error:
            await _unavailable(scope, send, f"a worker did not answer ({error!r})")
            return
        failed = [status for status, _, _ in answers if status != 200]
        if failed:
            await _unavailable(scope, send, f"a worker answered {failed[0]}")
            return
        bodies = [json.loads(here.body), *(json.loads(content) for _, _, content in answers)]
        merged = gathered.combine(bodies, _query_int(scope, "limit") or pages.DEFAULT_LIMIT)
        content = json.dumps(merged, ensure_ascii=False).encode()
        await _respond(send, 200, _without_length(here.headers), content)

    async def _found(self, scope: Scope, body: bytes, send: Send, ownership: Ownership) -> None:
        here = _Captured()
        await self.app(scope, _replay(body), _capture(here))
        if here.status == 404:
            for member in ownership.others():
                try:
                    status, headers, content = await self._ask(scope, body, member)
                except httpx.HTTPError as error:
                    await _unavailable(scope, send, f"a worker did not answer ({error!r})")
                    return
                if status != 404:
                    await _respond(send, status, headers, content)
                    return
        await _respond(send, here.status, _without_length(here.headers), here.body)


def _merge(
    merged: dict[str, Any], replies: list[dict[str, Any]], gathered: Gathered, limit: int
) -> None:
    """Each member answered the first `limit` of its items after the cursor, so the
    first `limit` of their union are the page, and more follow if any member had more
    or the union is longer."""
    items = [item for reply in replies for item in reply.get(gathered.field) or []]
    cursors = [reply.get("next_cursor") for reply in replies]
    if not gathered.order_by:
        merged[gathered.field] = items
        merged["next_cursor"] = next((c for c in cursors if c), None)
        return
    order = gathered.order_by
    key = order if callable(order) else pages.by(*order)
    items.sort(key=key, reverse=gathered.newest_first)
    shown = items[:limit]
    more = len(items) > limit or any(cursors)
    merged[gathered.field] = shown
    merged["next_cursor"] = pages.encode(key(shown[-1])) if more and shown else None


def _query_int(scope: Scope, name: str) -> int | None:
    for pair in scope.get("query_string", b"").decode("latin-1").split("&"):
        key, _, value = pair.partition("=")
        if key == name and value.isdigit():
            return int(value)
    return None


def _header(scope: Scope, name: str) -> str | None:
    wanted = name.encode("latin-1")
    for key, value in scope["headers"]:
        if key.lower() == wanted:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # like a client that sends nothing more
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _capture(into: _Captured) -> Send:
    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            into.status = message["status"]
            into.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            into.body += message.get("body", b"")

    return send


def _without_length(headers: list[tuple[bytes, bytes]] | None) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers or [] if k.lower() != b"content-length"]


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], content: bytes
) -> None:
    headers = [*_without_length(headers), (b"content-length", str(len(content)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


async def _unavailable(scope: Scope, send: Send, reason: str) -> None:
    refusal = problems.answer(503, "service", reason, headers={"Retry-After": str(RETRY_AFTER_S)})
    await refusal(scope, _replay(b""), send)

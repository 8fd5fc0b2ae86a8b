"""Plain ASGI middleware for what every service's HTTP surface does on each request.

Starlette's `@app.middleware("http")` (BaseHTTPMiddleware) runs every request through
an extra task and a pair of memory streams per layer; two such layers were 5-8 % of
realestate's busy samples under load (py-spy, docs/performance.md). These do the same
work inline.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from services.kit import problems
from services.kit.metrics import HTTP_REQUEST_SECONDS, HTTP_REQUESTS

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class Measured:
    """Counts and times every HTTP request by method, route template and status (never
    the raw path: it holds ids)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app starts a response

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            template = getattr(scope.get("route"), "path", "unmatched")
            HTTP_REQUESTS.labels(scope["method"], template, str(status)).inc()
            HTTP_REQUEST_SECONDS.labels(scope["method"], template).observe(
                time.perf_counter() - started
            )


class RefusedUntil:
    """Answers 503 (with the reason and Retry-After) until `serving()`, except on the
    paths that must always answer (liveness, readiness, metrics)."""

    def __init__(
        self,
        app: App,
        *,
        serving: Callable[[], bool],
        always: frozenset[str],
        reason: str,
        retry_after_s: int,
    ) -> None:
        self.app = app
        self.serving = serving
        self.always = always
        self.reason = reason
        self.retry_after_s = retry_after_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.serving() or scope["path"] in self.always:
            await self.app(scope, receive, send)
            return
        refusal = problems.answer(
            503, "service", self.reason, headers={"Retry-After": str(self.retry_after_s)}
        )
        await refusal(scope, receive, send)

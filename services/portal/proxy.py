"""Same-origin reverse proxy: `/api/<service>/v1/...` -> the service's `/v1/...`.

Only the services' REST routes (`/v1/`) are reachable this way, never their operational
routes. Only the headers a page needs cross; answers are never cached (a shared browser
must not show one person's data to the next), and an unreachable service answers with
the same problem details (RFC 9457, with `field` and `reason`) as the services' own errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from services.kit import problems

MAX_BODY_BYTES = 1 << 20
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_SEGMENT = re.compile(r"^[A-Za-z0-9._~:-]+$")
_REQUEST_HEADERS = ("authorization", "content-type", "accept", "traceparent")
_RESPONSE_HEADERS = ("content-type", "retry-after", "www-authenticate")


def problem(status: int, field: str, reason: str) -> JSONResponse:
    return problems.answer(status, field, reason, headers={"Cache-Control": "no-store"})


def upstream_path(path: str) -> str | None:
    """The service path for `path` (below /api/<service>/), or None if not allowed."""
    segments = path.split("/")
    if segments[0] != "v1" or len(segments) < 2:
        return None
    if any(s in (".", "..") or not _SEGMENT.fullmatch(s) for s in segments):
        return None
    return "/" + "/".join(quote(s, safe=":~") for s in segments)


def router(upstreams: Mapping[str, str], client: Callable[[], httpx.AsyncClient]) -> APIRouter:
    api = APIRouter(tags=["proxy"])

    @api.api_route(
        "/api/{service}/{path:path}",
        methods=_METHODS,
        summary="Forward to a service's REST API (same origin for the pages)",
    )
    async def forward(service: str, path: str, request: Request) -> Response:
        base = upstreams.get(service)
        if base is None:
            return problem(404, "service", f"unknown service; one of {', '.join(upstreams)}")
        target = upstream_path(path)
        if target is None:
            return problem(404, "path", "only the services' /v1/ routes are served here")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return problem(413, "body", f"larger than {MAX_BODY_BYTES} bytes")
        headers = {h: v for h in _REQUEST_HEADERS if (v := request.headers.get(h)) is not None}
        try:
            reply = await client().request(
                request.method,
                base + target,
                params=request.url.query or None,
                content=body or None,
                headers=headers,
            )
        except httpx.TimeoutException:
            return problem(504, "service", f"{service} did not answer in time")
        except httpx.HTTPError as error:
            return problem(502, "service", f"{service} is unreachable ({type(error).__name__})")
        passed = {h: v for h in _RESPONSE_HEADERS if (v := reply.headers.get(h)) is not None}
        passed["Cache-Control"] = "no-store"
        return Response(reply.content, status_code=reply.status_code, headers=passed)

    return api

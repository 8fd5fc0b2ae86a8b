"""The portal process: pages, the same-origin API proxy, development sign-in, operations.

One origin for people (plan item 108: one brand, the same flow on every channel): the
pages call `/api/<service>/v1/...` and never another address, so no service needs CORS
and the browser sends the bearer token to this origin only.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from services.kit import logs, problems, serving
from services.kit.auth import verifier_from_settings
from services.kit.metrics import BUILD_INFO, HTTP_REQUEST_SECONDS, HTTP_REQUESTS, READY, exposition
from services.portal import dev, proxy
from services.portal.settings import PortalSettings

VERSION = "0.1.0"
STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger(__name__)

# Pages load only their own scripts and styles and talk only to this origin.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def build(
    settings: PortalSettings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The portal application; `transport` replaces the network (tests)."""
    settings = settings or PortalSettings()
    state: dict[str, httpx.AsyncClient] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(
            timeout=settings.portal_upstream_timeout_s, follow_redirects=False, transport=transport
        ) as client:
            state["client"] = client
            READY.labels("portal").set(1)
            log.info("portal ready; services %s", settings.upstreams)
            try:
                yield
            finally:
                READY.labels("portal").set(0)

    api = FastAPI(
        title="govshare portal",
        version=VERSION,
        lifespan=lifespan,
        description="Pages for citizens, enterprises and window staff, and a same-origin "
        "proxy to the services' REST APIs (`/api/<service>/v1/...`).",
    )
    problems.install(api)
    BUILD_INFO.labels("portal", VERSION).set(1)

    @api.get("/healthz", tags=["operations"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "portal"}

    @api.get("/readyz", tags=["operations"], summary="Readiness (serving pages and the proxy)")
    async def readyz(response: Response) -> dict[str, Any]:
        ready = "client" in state
        if not ready:
            response.status_code = 503
        return {"ready": ready, "service": "portal"}

    @api.get("/metrics", tags=["operations"], include_in_schema=False)
    async def metrics() -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    @api.get("/config.json", tags=["pages"], summary="What the pages need to know")
    async def config() -> dict[str, Any]:
        return {
            "env": settings.env.value,
            "dev_sign_in": settings.development,
            "services": list(settings.upstreams),
        }

    api.include_router(proxy.router(settings.upstreams, lambda: state["client"]))
    api.include_router(
        dev.router(
            development=settings.development,
            verifier=verifier_from_settings(settings.env) if settings.development else None,
            certificates_grpc=settings.certificates_grpc,
        )
    )
    api.mount("/", StaticFiles(directory=STATIC, html=True), name="pages")

    @api.middleware("http")
    async def measure_and_protect(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        response: Response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", "pages")  # never the raw path: it holds ids
        HTTP_REQUESTS.labels(request.method, template, str(response.status_code)).inc()
        HTTP_REQUEST_SECONDS.labels(request.method, template).observe(time.perf_counter() - started)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if "cache-control" not in response.headers:
            # pages and scripts revalidate, so a new version shows at once
            response.headers["Cache-Control"] = "no-cache"
        return response

    return api


def run() -> None:
    settings = PortalSettings()
    logs.configure("portal", settings.log_level)
    serving.serve(build(settings), settings)

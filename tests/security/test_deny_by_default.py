"""Deny by default: every route of every service, and every gRPC method of certificates,
refuses a caller without a valid token, except the few documented as public. The routes
come from the services as built (in this process, not started), so a new route that
forgets its authentication fails here the day it is added."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import grpc
import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from govshare.certificates.v1 import certificates_service_pb2 as svc

from services.kit.auth import DEV_KEY_ID, bearer_metadata, encode_token, mint_dev_token
from services.portal.app import build as build_portal
from services.portal.settings import PortalSettings
from tests.security.wiring import SERVICES, runtime

# Answer without a token: operations, the API description, and what README.md documents
# as public (published keys and verification, the tax quote, the power matters).
OPERATIONAL = {"/healthz", "/readyz", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc",
               "/openapi.json"}  # fmt: skip
PUBLIC = {
    "certificates": {
        ("GET", "/v1/keys"),
        ("GET", "/v1/certificates/{certificate_id}/verification"),
        ("POST", "/v1/verifications"),
    },
    "tax": {("POST", "/v1/quotes")},
    "power": {("GET", "/v1/matters")},
    "realestate": set(),
}
PUBLIC_GRPC = {"ListPublicKeys"}  # and grpc.health.v1 / reflection: probes carry no token

RESIDENT = "370102198003152316"


def _forged() -> str:
    """A well-formed token for a real citizen, signed by a key nobody trusts."""
    now = int(time.time())
    claims = {"iss": "govshare-dev", "aud": "govshare", "sub": RESIDENT, "iat": now,
              "nbf": now, "exp": now + 600, "kind": "citizen"}  # fmt: skip
    return encode_token(claims, key=Ed25519PrivateKey.generate(), kid=DEV_KEY_ID)


# Every way of not being authenticated: each must be 401, on every protected route.
UNAUTHENTICATED = {
    "no token": None,
    "empty bearer": "",
    "not a JWT": "not-a-token",
    "forged signature": _forged(),
    "expired": mint_dev_token("citizen", RESIDENT, now=time.time() - 7200, ttl_s=60),
    "alg none": "eyJhbGciOiJub25lIiwia2lkIjoiZ292c2hhcmUtZGV2In0."
    "eyJzdWIiOiIzNzAxMDIxOTgwMDMxNTIzMTYiLCJraW5kIjoiY2l0aXplbiJ9.",
}


def _routes(name: str) -> list[tuple[str, str]]:
    """Every (method, path) the service answers, whatever the router it comes from."""
    found = []
    for route in iter_route_contexts(runtime(name).api.routes):
        if route.path in OPERATIONAL:
            continue
        found += [
            (method, route.path) for method in sorted(route.methods or ()) if method != "HEAD"
        ]
    return found


def _concrete(path: str) -> str:
    """Fill path parameters with plausible values (nothing needs to exist: the token is
    checked before anything is looked up)."""
    return re.sub(r"\{[^}]+\}", "370105012002GB00001F00010751", path)


@pytest.fixture
async def clients() -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    opened = {
        name: httpx.AsyncClient(
            transport=httpx.ASGITransport(app=runtime(name).api), base_url="http://test"
        )
        for name in SERVICES
    }
    try:
        yield opened
    finally:
        for client in opened.values():
            await client.aclose()


def test_the_public_routes_exist_and_every_openapi_route_is_known():
    for name in SERVICES:
        routes = set(_routes(name))
        assert PUBLIC[name] <= routes, f"{name}: a documented public route is gone"
        documented = {
            (method.upper(), path)
            for path, item in runtime(name).api.openapi()["paths"].items()
            for method in item
            if path not in OPERATIONAL
        }
        assert documented <= routes, name


async def test_every_route_refuses_an_unauthenticated_caller(clients):
    checked = 0
    for name in SERVICES:
        protected = [r for r in _routes(name) if r not in PUBLIC[name]]
        assert protected, name
        for method, path in protected:
            for how, token in UNAUTHENTICATED.items():
                headers = {} if token is None else {"Authorization": f"Bearer {token}"}
                reply = await clients[name].request(
                    method, _concrete(path), headers=headers, json={}
                )
                where = f"{name} {method} {path} ({how})"
                assert reply.status_code == 401, f"{where}: {reply.status_code} {reply.text}"
                assert reply.headers["www-authenticate"].startswith("Bearer"), where
                checked += 1
    print(f"\ndeny by default: {checked} unauthenticated requests, every one 401")


async def test_the_public_routes_answer_without_a_token(clients):
    for name, routes in PUBLIC.items():
        for method, path in routes:
            body = {} if method == "POST" else None
            reply = await clients[name].request(method, _concrete(path), json=body)
            assert reply.status_code != 401, (name, method, path, reply.text)


# --- gRPC -----------------------------------------------------------------------------------

_METHODS = svc.DESCRIPTOR.services_by_name["CertificateService"].methods


@pytest.fixture
async def grpc_channel() -> AsyncIterator[grpc.aio.Channel]:
    server = grpc.aio.server()
    names = []
    for registrar in runtime("certificates")._grpc_registrars:
        names += registrar(server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield channel
    finally:
        await channel.close()
        await server.stop(0)


async def _call(channel: grpc.aio.Channel, method, metadata) -> grpc.StatusCode:
    service = method.containing_service.full_name
    request_class = getattr(svc, method.input_type.name)
    response_class = getattr(svc, method.output_type.name)
    stub = channel.unary_unary(
        f"/{service}/{method.name}",
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString,
    )
    try:
        await stub(request_class(), metadata=metadata, timeout=5)
    except grpc.aio.AioRpcError as error:
        return error.code()
    return grpc.StatusCode.OK


async def test_every_grpc_method_refuses_a_caller_without_a_department_token(grpc_channel):
    not_departments = {
        "citizen": mint_dev_token("citizen", RESIDENT),
        "enterprise": mint_dev_token("enterprise", "91370105MAE4K7Q26Q"),
        "staff": mint_dev_token("staff", "mr-1", department="marketreg", region="370100"),
    }
    checked = 0
    for method in _METHODS:
        if method.name in PUBLIC_GRPC:
            code = await _call(grpc_channel, method, ())
            assert code != grpc.StatusCode.UNAUTHENTICATED, method.name
            continue
        for how, token in UNAUTHENTICATED.items():
            metadata = () if token is None else (("authorization", f"Bearer {token}"),)
            code = await _call(grpc_channel, method, metadata)
            assert code == grpc.StatusCode.UNAUTHENTICATED, (method.name, how, code)
            checked += 1
        for kind, token in not_departments.items():
            code = await _call(grpc_channel, method, bearer_metadata(token))
            assert code == grpc.StatusCode.PERMISSION_DENIED, (method.name, kind, code)
            checked += 1
    print(f"\ngRPC deny by default: {checked} calls refused over {len(_METHODS)} methods")


# --- the portal -----------------------------------------------------------------------------

# The portal holds no authority of its own: pages, a proxy that forwards the caller's own
# token (and no other credential) to the services, which decide, and development sign-in,
# which production refuses. Each of its routes is one of these; a new route fails here
# until it is classified (and, if it acts on data, authenticated).
PORTAL_ROUTES = {
    "pages": {("GET", "/config.json")},
    "proxy": {(m, "/api/{service}/{path:path}") for m in ("DELETE", "GET", "PATCH", "POST", "PUT")},
    "development only": {
        ("POST", "/dev/token"),
        ("POST", "/dev/identities"),
        ("POST", "/dev/demo-certificates"),
    },
}
PORTAL_URLS = {
    f"portal_{name}_url": f"http://{name}.test:80{n}" for n, name in enumerate(SERVICES, 81)
}


def _portal(env: str) -> FastAPI:
    settings = PortalSettings(env=env, **PORTAL_URLS)  # type: ignore[arg-type]
    return build_portal(settings, transport=httpx.MockTransport(_echo_headers))


def _echo_headers(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={k: v for k, v in request.headers.items()})


def test_every_portal_route_is_classified():
    found = set()
    for route in iter_route_contexts(_portal("production").routes):
        if route.path in OPERATIONAL or route.path.startswith("/static"):
            continue
        found |= {(m, route.path) for m in route.methods or () if m != "HEAD"}
    classified = set().union(*PORTAL_ROUTES.values())
    assert found - classified == set(), "classify the new portal route in PORTAL_ROUTES"
    assert classified - found == set(), "a classified portal route is gone"


async def test_the_portal_adds_no_credential_and_refuses_development_sign_in_in_production():
    app = _portal("production")
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://portal"
        ) as client,
        app.router.lifespan_context(app),
    ):
        anonymous = (await client.get("/api/realestate/v1/me/cases")).json()
        assert "authorization" not in anonymous  # what reaches the service: no token
        mine = await client.get(
            "/api/realestate/v1/me/cases", headers={"Authorization": "Bearer mine", "Cookie": "s=1"}
        )
        assert mine.json()["authorization"] == "Bearer mine" and "cookie" not in mine.json()
        for method, path in PORTAL_ROUTES["development only"]:
            reply = await client.request(method, path, json={"kind": "citizen", "subject": "x"})
            assert reply.status_code == 403, path

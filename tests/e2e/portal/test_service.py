"""The portal process without a browser: development sign-in and its refusal in
production, the same-origin proxy's rules, security headers, and that every page's
scripts exist."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

import httpx
import pytest
from pydantic import ValidationError

from services.kit.auth import verifier_from_settings
from services.kit.identifiers import check_resident_id, check_uscc
from services.portal.app import STATIC, build
from services.portal.settings import PortalSettings

with warnings.catch_warnings():  # starlette suggests httpx2; httpx is what the project pins
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

URLS = {
    "portal_certificates_url": "http://certificates.test:8081",
    "portal_realestate_url": "http://realestate.test:8082",
    "portal_tax_url": "http://tax.test:8083",
    "portal_power_url": "http://power.test:8084/",
}
seen: list[httpx.Request] = []


def _upstream(request: httpx.Request) -> httpx.Response:
    seen.append(request)
    if request.url.host == "tax.test":
        raise httpx.ConnectError("refused", request=request)
    return httpx.Response(
        418,
        json={"echo": str(request.url)},
        headers={"Set-Cookie": "x=1", "WWW-Authenticate": "Bearer", "X-Internal": "1"},
    )


def client(env: str = "test") -> Iterator[TestClient]:
    settings = PortalSettings(env=env, **URLS)  # type: ignore[arg-type]
    with TestClient(build(settings, transport=httpx.MockTransport(_upstream))) as running:
        yield running


@pytest.fixture
def portal() -> Iterator[TestClient]:
    seen.clear()
    yield from client()


@pytest.fixture
def production() -> Iterator[TestClient]:
    yield from client("production")


def test_development_tokens_are_real_tokens_of_the_chosen_identity(portal):
    made = portal.post("/dev/identities", json={"kind": "citizen"}).json()["id"]
    assert check_resident_id(made).valid
    assert check_uscc(
        portal.post("/dev/identities", json={"kind": "enterprise"}).json()["id"]
    ).valid
    reply = portal.post("/dev/token", json={"kind": "citizen", "subject": made, "name": "张三"})
    assert reply.status_code == 200
    principal = verifier_from_settings("test").verify(reply.json()["token"])
    assert (principal.kind, principal.subject, principal.name) == ("citizen", made, "张三")
    staff = portal.post(
        "/dev/token",
        json={"kind": "staff", "subject": "re-1", "department": "realestate",
              "region": "370100", "roles": ["window"]},
    )  # fmt: skip
    assert verifier_from_settings("test").verify(staff.json()["token"]).has_role("window")


def test_a_bad_identity_is_refused_with_the_field(portal):
    reply = portal.post("/dev/token", json={"kind": "citizen", "subject": "370102198001011234"})
    assert reply.status_code == 422 and reply.json()["field"] == "subject"
    reply = portal.post(
        "/dev/token", json={"kind": "staff", "subject": "re-1", "department": "realestate"}
    )
    assert reply.status_code == 422 and "region" in reply.json()["reason"]


def test_production_refuses_development_sign_in(production):
    assert production.get("/config.json").json()["dev_sign_in"] is False
    for path, body in (("/dev/token", {"kind": "citizen", "subject": "x"}),
                       ("/dev/identities", {"kind": "citizen"}),
                       ("/dev/demo-certificates", None)):  # fmt: skip
        reply = production.post(path, json=body)
        assert reply.status_code == 403, path
        assert reply.json()["field"] == "env"


def test_production_needs_every_service_address():
    with pytest.raises(ValidationError, match="GOVSHARE_PORTAL_TAX_URL"):
        PortalSettings(env="production", portal_certificates_url="http://c:1")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="base address"):
        PortalSettings(portal_power_url="power:8084")


def test_the_proxy_forwards_v1_routes_only_with_the_token_and_never_caches(portal):
    reply = portal.get(
        "/api/power/v1/applications/PA-1/timeline?x=1&y=%E4%B8%AD",
        headers={"Authorization": "Bearer abc", "Cookie": "session=secret", "X-Other": "1"},
    )
    assert reply.status_code == 418
    assert reply.json()["echo"] == (
        "http://power.test:8084/v1/applications/PA-1/timeline?x=1&y=%E4%B8%AD"
    )
    forwarded = seen[-1]
    assert forwarded.headers["authorization"] == "Bearer abc"
    assert "cookie" not in forwarded.headers and "x-other" not in forwarded.headers
    assert reply.headers["cache-control"] == "no-store"
    assert "set-cookie" not in reply.headers and "x-internal" not in reply.headers
    assert reply.headers["www-authenticate"] == "Bearer"

    for path in ("/api/power/metrics", "/api/power/v1/../metrics", "/api/power/v1/a%2F..%2Fb",
                 "/api/power/v1/%2e%2e/readyz", "/api/power/docs"):  # fmt: skip
        refused = portal.get(path)
        assert refused.status_code == 404, path
        assert refused.json()["field"] in ("path", "service"), path
    assert portal.get("/api/kafka/v1/x").json()["field"] == "service"
    assert len(seen) == 1


def test_an_unreachable_service_or_a_huge_body_answers_like_a_service(portal):
    reply = portal.post("/api/tax/v1/cases/RE-1/payment-orders", json={})
    assert reply.status_code == 502
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json() | {"title": "", "detail": ""} == {
        "type": "about:blank",
        "title": "",
        "status": 502,
        "detail": "",
        "field": "service",
        "reason": "tax is unreachable (ConnectError)",
    }
    huge = portal.post("/api/power/v1/applications", content=b"x" * (1 << 20 | 1))
    assert huge.status_code == 413 and huge.json()["field"] == "body"


def test_pages_are_served_with_a_strict_policy(portal):
    page = portal.get("/")
    assert page.status_code == 200 and "登录" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert portal.get("/readyz").json()["ready"] is True
    assert 'govshare_build_info{service="portal"' in portal.get("/metrics").text


def test_every_page_and_module_it_imports_exists():
    pages = sorted(STATIC.glob("*.html"))
    assert len(pages) == 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert 'name="viewport"' in text and 'lang="zh-CN"' in text, page.name
        for src in re.findall(r'(?:src|href)="([^"]+)"', text):
            assert (STATIC / src).exists(), f"{page.name}: {src}"
    for module in STATIC.glob("js/**/*.js"):
        for target in re.findall(r'from "(\.[^"]+)"', module.read_text(encoding="utf-8")):
            assert (module.parent / target).resolve().exists(), f"{module.name}: {target}"
        assert ".innerHTML" not in module.read_text(encoding="utf-8"), module.name

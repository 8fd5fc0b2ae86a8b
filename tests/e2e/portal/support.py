"""The platform the browser tests drive: the four services on a topic prefix of their own
on the session broker, the portal in front of them, and Debian's Chromium."""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import grpc
import httpx
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.common.v1 import types_pb2 as common

from devtools import launcher, samples
from devtools.samples import REGISTRAR
from services.kit.admin import ensure_topics
from services.kit.auth import bearer_metadata, mint_dev_token
from services.kit.topics import all_topic_names
from tests.helpers import ROOT, wait_until
from tests.integration.realestate.support import resident_id

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says what to install (or the tests are skipped)
    expect = None

CHROMIUM = os.environ.get("GOVSHARE_CHROMIUM", "/usr/bin/chromium")
# Flags for a quiet, deterministic headless Chromium in a container (Playwright adds
# --headless and a fresh temporary profile itself).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]
SCREENSHOTS = ROOT / "artifacts" / "portal"
SERVICES = ("certificates", "realestate", "tax", "power")


@dataclass
class Person:
    id: str
    name: str
    kind: str = "citizen"

    @property
    def token(self) -> str:
        return mint_dev_token(self.kind, self.id, name=self.name)

    def json(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "name": self.name}


def citizen(surname: str = "张") -> Person:
    return Person(resident_id(), surname + uuid.uuid4().hex[:2].upper())


@dataclass
class Platform:
    portal: str
    services: dict[str, str]
    grpc_address: str

    def api(
        self, method: str, service: str, path: str, token: str | None = None, body: Any = None
    ) -> tuple[int, Any]:
        """A REST call through the portal's proxy (what the pages do)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        reply = httpx.request(
            method, f"{self.portal}/api/{service}{path}", headers=headers, json=body, timeout=30
        )
        return reply.status_code, reply.json() if reply.content else None

    def wait_case(self, case_id: str, token: str, stage: str, timeout: float = 30) -> dict:
        seen: dict[str, Any] = {}

        def reached() -> bool:
            nonlocal seen
            status, seen = self.api("GET", "realestate", f"/v1/cases/{case_id}", token)
            return status == 200 and seen["stage"] == stage

        wait_until(reached, timeout, f"case {case_id} {stage} (last seen {seen.get('stage')})")
        return seen

    def issue_property_certificate(
        self, holder: Person, unit: str, *, area: int = 12_000, since: str = "2016-08-20"
    ) -> str:
        """The seller's e-property certificate, issued as the registry's feed would."""
        with grpc.insecure_channel(self.grpc_address) as channel:
            stub = svc_grpc.CertificateServiceStub(channel)
            owner = common.Party(kind=common.PARTY_KIND_CITIZEN, id=holder.id, name=holder.name)
            reply = stub.IssueCertificate(
                samples.property_request(
                    owner, unit, area_hundredths_m2=area, since=date.fromisoformat(since)
                ),
                metadata=bearer_metadata(
                    mint_dev_token("department", REGISTRAR, department="realestate")
                ),
                timeout=15,
            )
        return str(reply.certificate.id)

    def file_transfer(
        self,
        seller: Person,
        buyer: Person,
        unit: str,
        *,
        area: int = 12_000,
        contract: str = "2025-06-01",
        acquired: str = "2016-08-20",
    ) -> dict[str, Any]:
        form = samples.transfer_form(
            unit, seller.json(), buyer.json(), area_hundredths_m2=area, contract_date=contract
        )
        form["tax_facts"]["seller_acquisition_date"] = acquired
        status, case = self.api("POST", "realestate", "/v1/transfers", seller.token, form)
        assert status == 201, case
        return dict(case)


@contextmanager
def platform(bootstrap: str, keys_dir: Path) -> Iterator[Platform]:
    """The four services and the portal, started as `govshare up` starts them (the
    launcher: every process binds port 0 and announces what it bound), ready when the
    block starts."""
    prefix = f"t{uuid.uuid4().hex[:10]}."
    # In a thread of its own: Playwright's sync API keeps an event loop on this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(
            asyncio.run, ensure_topics(bootstrap, all_topic_names(prefix), partitions=4)
        ).result()
    env = {
        "GOVSHARE_ENV": "test",
        "GOVSHARE_TOPIC_PREFIX": prefix,
        "GOVSHARE_KEYS_DIR": str(keys_dir),
    }
    launched = launcher.Platform(
        bootstrap, env, fixed_ports=False, log_dir=ROOT / "artifacts" / prefix.rstrip(".")
    )
    try:
        # The development payment channel first, so tax is told where its cashier page is.
        launcher.start_payment_channel(launched)
        launched.start()
        launched.start_portal()
        launched.wait_ready(90)
        certificates = launched.services["certificates"]
        assert certificates.grpc_address
        yield Platform(
            launched.services[launcher.PORTAL].http_url,
            {name: launched.services[name].http_url for name in SERVICES},
            certificates.grpc_address,
        )
    finally:
        launched.stop()


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot under artifacts/portal/ (the test's record of the page), after
    checking that the page fits its (phone-sized) screen: nothing scrolls sideways."""
    page.wait_for_load_state("networkidle")
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{name}: {wide}px wide, wider than the screen"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def downloaded_json(download: Any) -> dict[str, Any]:
    path = download.path()
    return dict(json.loads(Path(path).read_text(encoding="utf-8")))


def session_keys(page: Any) -> list[str]:
    return list(page.evaluate("() => Object.keys(sessionStorage)"))


def case_id_of(url: str) -> str:
    match = re.search(r"[?&]id=([^&]+)", url)
    assert match, url
    return match.group(1)


def sign_in(
    page: Any, person: Person | None = None, *, kind: str = "citizen", name: str = ""
) -> str:
    """Sign in on the portal's development sign-in page; returns the subject used. Without
    `person`, the page's 'generate a test id' button makes a fresh identity."""
    page.goto("/")
    page.locator("#sign-in-form").wait_for()
    page.check(f"#kind-{person.kind if person else kind}")
    if person is None:
        page.click("#new-id")
        _wait_value(page, "#subject", 18)
    else:
        page.fill("#subject", person.id)
    page.fill("#name", person.name if person else name)
    subject = str(page.input_value("#subject"))
    page.click("#sign-in")
    page.get_by_role("heading", name=re.compile("您好")).wait_for()
    return subject


def sign_in_staff(
    page: Any,
    department: str,
    *,
    staff_id: str,
    name: str,
    region: str = "370100",
    window: bool = True,
    operator: bool = True,
) -> None:
    page.goto("/")
    page.locator("#sign-in-form").wait_for()
    page.check("#kind-power" if department == "power" else "#kind-estate")
    if department != "power":
        page.select_option("#department", department)
    page.fill("#staff-id", staff_id)
    page.fill("#staff-name", name)
    page.fill("#region", region)
    page.set_checked("#role-window", window)
    page.set_checked("#role-operator", operator)
    page.click("#sign-in")
    page.get_by_role("heading", name=re.compile("您好")).wait_for()


def sign_out(page: Any) -> None:
    page.click("#sign-out")
    page.get_by_text("您已退出").wait_for()


def _wait_value(page: Any, selector: str, length: int) -> None:
    expect(page.locator(selector)).to_have_value(re.compile(rf"^\S{{{length}}}$"))

"""Browser tests of the portal: Playwright (Python) driving Debian's Chromium.

No browser is downloaded: Chromium comes from Debian (`apt-get install chromium`, which
`make test` does). Set GOVSHARE_SKIP_BROWSER=1 to skip these tests on purpose; otherwise a
missing Chromium or Playwright fails them with what to install.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.portal.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    Platform,
    expect,
    platform,
)

PHONE = {"width": 390, "height": 844}  # a phone-sized screen: the portal is used on phones


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the portal in Debian's Chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("GOVSHARE_SKIP_BROWSER") != "1":
        return
    skip = pytest.mark.skip(reason="GOVSHARE_SKIP_BROWSER=1: browser tests skipped on request")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _require_browser() -> None:
    """Fail at once, saying what to install, when Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(`apt-get install -y chromium fonts-wqy-microhei`; `make test` does it), "
            "or set GOVSHARE_SKIP_BROWSER=1 to skip the browser tests",
            pytrace=False,
        )
    if expect is None:
        pytest.fail(
            "the Python playwright package is missing: `pip install -e '.[dev]'`",
            pytrace=False,
        )


@pytest.fixture(scope="package")
def running(broker, tmp_path_factory) -> Iterator[Platform]:
    _require_browser()  # before minutes of set-up, not after
    with platform(broker.bootstrap, tmp_path_factory.mktemp("keys")) as started:
        yield started


@pytest.fixture(scope="package")
def browser(running: Platform) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    expect.set_options(timeout=30_000)
    for old in SCREENSHOTS.glob("*.png"):  # this run's screenshots only
        old.unlink()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_tab(browser: Any, running: Platform) -> Iterator[Callable[..., Any]]:
    """open_tab() -> a page in a fresh browser context (one person's device, phone-sized).
    Uncaught script errors on any page fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(*, viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(
            base_url=running.portal,
            viewport=viewport or PHONE,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, "uncaught script errors:\n" + "\n".join(errors)

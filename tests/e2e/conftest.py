"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from parindex.core.demo_data import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "viewport": DESKTOP}


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test thread, and the browser tests (and the
    session's demo data) still use the database there. Set for the browser tests' session only,
    not at import: collecting this folder must not change other tests' environment."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def report_browser_errors(page):
    """Print failed responses and console errors; pytest shows them when a browser test fails.
    A Content-Security-Policy violation fails the test: every journey checks the policy too."""
    violations: list[str] = []

    def console(message) -> None:
        if message.type == "error":
            print(f"console: {message.text}")
            if "Content Security Policy" in message.text:
                violations.append(f"{page.url}: {message.text}")

    page.on("response", lambda r: r.status >= 400 and print(f"HTTP {r.status} {r.request.method} {r.url}"))
    page.on("console", console)
    page.on("pageerror", lambda error: print(f"page error: {error}"))
    yield
    assert violations == [], "Content-Security-Policy violations"


@pytest.fixture
def app(live_server, demo):
    return live_server.url


@pytest.fixture
def login(page, app):
    def _login(username: str, password: str = DEMO_PASSWORD):
        page.goto(f"{app}/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        # The form post always loads a page (the landing page, or the form again with its
        # message): return once it has loaded and run its deferred scripts, so that the next
        # step (a year picker's change, an htmx click) has its handlers on a loaded machine too.
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập").click()
        return page

    return _login


@pytest.fixture
def htmx_ready(page):
    """Wait until the page that a click opened has run its deferred scripts: htmx binds its
    handlers only then, and a change made earlier (on a loaded CI machine) sends no request."""

    def _wait():
        page.wait_for_load_state("load")
        page.wait_for_function("() => document.readyState === 'complete' && !!window.htmx")

    return _wait


@pytest.fixture
def shot(page):
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""

    def _shot(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot

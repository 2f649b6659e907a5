"""Browser tests: ``rollstats dashboard`` served by Voila on a free loopback port, driven in
Debian's headless Chromium with Playwright.

One server and one page for the module (each visit of the page starts a kernel): the tests run
in file order on the same page, each one from whatever the previous one left.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from .browser_harness import Dashboard, PageErrors, launch, wait_for_review

REPO = Path(__file__).resolve().parents[2]
#: five subjects, times without an offset: exercises --tz and the subject picker
EXPORT = REPO / "sample_data" / "naive_local.csv"


@pytest.fixture(scope="module")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # fail, never skip: CI must run these tests
        pytest.fail("the browser tests need playwright: pip install -e '.[test]'", pytrace=False)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright):
    try:
        browser = launch(playwright)
    except RuntimeError as exc:  # no Chromium: fail with the install command, never skip
        pytest.fail(str(exc), pytrace=False)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, reports):
    server = Dashboard(str(EXPORT), "--tz", "Europe/Berlin", "--reports", str(reports),
                       workdir=tmp_path_factory.mktemp("dashboard"))
    yield server
    status = server.stop()
    assert status == 0, f"rollstats dashboard ended with status {status}:\n{server.log}"


@pytest.fixture(scope="module")
def review(browser, dashboard):
    """The loaded review page and its recorded errors: ``(page, errors, timings)``."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors = PageErrors()
    errors.watch(page)
    started = time.monotonic()
    page.goto(dashboard.url)
    try:
        wait_for_review(page)
    except Exception:
        print(dashboard.log)
        print("\n".join(errors.errors))
        raise
    timings = {"server_ready_s": dashboard.ready_s, "page_ready_s": time.monotonic() - started}
    yield page, errors, timings
    context.close()

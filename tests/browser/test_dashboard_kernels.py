"""A kernel per page, and no longer than the page: ``rollstats dashboard --cull-after 10`` in
Debian's headless Chromium.

Two pages open the review; one is closed the way a crashed or killed browser goes (no
``beforeunload``: Voila 0.5's own shutdown request would not get through anyway, its XSRF check
refuses it). Its kernel process ends within the cull time; the page left open keeps its kernel,
idle for longer than that, and still answers.
"""
from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest

from .browser_harness import Dashboard, PageErrors, figure_sources, wait_for_new_figures, wait_for_review

REPO = Path(__file__).resolve().parents[2]
EXPORT = REPO / "sample_data" / "naive_local.csv"  # five subjects: the open page can switch
CULL_AFTER = 10  #: seconds


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Dashboard(str(EXPORT), "--tz", "Europe/Berlin", "--cull-after", str(CULL_AFTER),
                       workdir=tmp_path_factory.mktemp("kernels"))
    yield server
    status = server.stop()
    assert status == 0, f"rollstats dashboard ended with status {status}:\n{server.log}"


def open_review(browser, url: str):
    """A new browser window (context) showing the review: ``(page, errors)``."""
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    errors = PageErrors()
    errors.watch(page)
    page.goto(url)
    wait_for_review(page)
    return page, errors


def kernel_id(page) -> str:
    """The id of the kernel Voila started for ``page`` (in the page's Jupyter configuration)."""
    return page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def test_a_closed_page_loses_its_kernel_and_an_open_page_keeps_its_own(browser, server):
    kept, kept_errors = open_review(browser, server.url)
    kept_idle_since = time.monotonic()  # its kernel has nothing to do from here on
    closed, _ = open_review(browser, server.url)
    kept_id, closed_id = kernel_id(kept), kernel_id(closed)
    kernels = server.kernels()
    assert kept_id != closed_id and {kept_id, closed_id} <= set(kernels), (kept_id, closed_id, kernels)

    closed.context.close()  # no beforeunload: the kernel is left to the culler
    try:
        kernels[closed_id].wait(timeout=CULL_AFTER + 60)
    except psutil.TimeoutExpired:
        pytest.fail(f"the closed page's kernel still runs {CULL_AFTER + 60} s later:\n{server.log}")
    assert closed_id not in server.kernels()

    # let the open page sit idle for longer than the cull time and one more check of the culler
    idle = time.monotonic() - kept_idle_since
    kept.wait_for_timeout(max(0.0, CULL_AFTER + 3 - idle) * 1000)
    assert kept_id in server.kernels() and kernels[kept_id].is_running(), server.log
    assert kept_id not in server.log  # never culled, never shut down
    select, before = kept.locator(".rs-subject select"), figure_sources(kept)
    chosen = "B4" if select.input_value() != "B4" else "B5"
    select.select_option(chosen)
    wait_for_new_figures(kept, before)
    assert chosen in kept.locator(".rs-summary").inner_text()
    assert kept_errors.errors == [], "\n".join(kept_errors.errors)
    kept.context.close()

"""The Cohort explorer and the Planner as Voila serves their notebooks, at 1366 x 900 in Debian's
headless Chromium: each page gives one answer (every text that follows the filters or the plan is
inside the widget and follows it), names itself in its tab, and the Planner's results stay in view
beside its controls. Each page is served behind a token, as the dashboard is."""
from __future__ import annotations

from pathlib import Path

import pytest

from .browser_harness import PageErrors, VoilaNotebook
from .pages import (COHORT_NOTEBOOK, HEIGHT, PLANNER_NOTEBOOK, WIDTH, wait_for_cohort,
                    wait_for_planner_page)

REPO = Path(__file__).resolve().parents[2]


def open_page(browser, notebook: str, wait, tmp_path_factory):
    logs = tmp_path_factory.mktemp("voila")
    server = VoilaNotebook(notebook, cwd=REPO, logdir=logs)
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    errors = PageErrors()
    errors.watch(page)
    page.goto(server.url, timeout=120_000)
    try:
        wait(page)
    except Exception:
        print(server.log)
        raise
    return server, context, page, errors


def served(browser, notebook, wait, tmp_path_factory):
    """A fixture's body: the page of ``notebook`` open while the tests use it, then closed."""
    server, context, page, errors = open_page(browser, notebook, wait, tmp_path_factory)
    try:
        yield page, errors
    finally:
        context.close()
        server.stop()


@pytest.fixture(scope="module")
def cohort_page(browser, tmp_path_factory):
    yield from served(browser, COHORT_NOTEBOOK, wait_for_cohort, tmp_path_factory)


@pytest.fixture(scope="module")
def planner_page(browser, tmp_path_factory):
    yield from served(browser, PLANNER_NOTEBOOK, wait_for_planner_page, tmp_path_factory)


def page_text(page) -> str:
    return page.evaluate("() => document.body.innerText")


def test_the_cohort_page_gives_one_answer_that_follows_the_filters(cohort_page):
    page, errors = cohort_page
    assert page.title() == "Cohort explorer"
    words = page.locator(".rs-summary")
    assert words.inner_text().startswith("29 of 29 subjects; nights 5 Jan 2026 to 4 May 2026; all nights")
    assert page.locator(".rs-dates-label").inner_text() == "5 Jan 2026 to 4 May 2026"   # in full
    page.locator(".rs-phase select").select_option(label="maintenance phase")
    page.wait_for_function("() => /maintenance phase/.test(document.querySelector('.rs-summary').innerText)",
                           timeout=60_000)
    text = page_text(page)
    # the only count of subjects on the page is the widget's own, for the filters now chosen
    assert text.count(" of 29 subjects;") == 1 and "all nights" not in words.inner_text()
    assert "run again" not in text and "run this cell again" not in text
    # the table: plain headers, every subject, nothing cut at the right
    table = page.locator(".rs-subject-table")
    assert "compliant nights" in table.locator("th").all_inner_texts()
    assert "compliant_nights" not in table.inner_text()
    fits = table.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert fits, "the subject table is cut at the right"
    assert errors.errors == []


def test_choosing_a_subject_opens_its_review_in_the_page(cohort_page):
    page, errors = cohort_page
    pick = page.locator(".rs-review-pick select")
    first = pick.evaluate("s => s.options[1].text")   # the table's first subject, in the table's order
    assert first == page.locator(".rs-subject-table tbody tr td").first.inner_text()
    pick.select_option(index=1)
    page.wait_for_function("(s) => [...document.querySelectorAll('.rs-subject select')].some(e => e.value === s)",
                           arg=first, timeout=120_000)
    assert f"Patient review of {first}" in page_text(page)
    assert errors.errors == []


def test_the_planner_page_keeps_its_results_beside_the_controls(planner_page):
    page, errors = planner_page
    assert page.title() == "Plan my rolling nights"
    tabs = page.locator(".rs-planner-tabs").bounding_box()
    for name in (".rs-plan-words", ".rs-plan-progression", ".rs-plan-warnings", "img.rs-plan-calendar"):
        box = page.locator(name).bounding_box()
        assert box["x"] >= tabs["x"] + tabs["width"] - 1, name            # beside the controls
        assert box["y"] + box["height"] <= HEIGHT, (name, box)             # in view without scrolling
    # the calendar is shown at its own size (not shrunk): its cell numbers stay readable
    natural, shown = page.locator("img.rs-plan-calendar").evaluate("i => [i.naturalWidth, i.clientWidth]")
    assert shown >= natural * 0.95
    assert errors.errors == []


def test_the_planner_page_follows_the_weeks_with_one_answer(planner_page):
    page, errors = planner_page
    assert "(6 weeks)" in page.locator(".rs-plan-words").inner_text()
    before = page.locator("img.rs-plan-calendar").get_attribute("src")
    weeks = page.locator(".rs-weeks input")
    weeks.fill("12")
    weeks.press("Enter")
    page.wait_for_function("() => /\\(12 weeks\\)/.test(document.querySelector('.rs-plan-words').innerText)",
                           timeout=60_000)
    page.wait_for_function("(b) => document.querySelector('img.rs-plan-calendar').src !== b", arg=before,
                           timeout=60_000)
    text = page_text(page)
    assert "6 weeks" not in text and "run this cell again" not in text
    page.locator(".rs-planner-tabs .lm-TabBar-tab", has_text="Plan").first.click()
    page.get_by_text("Sat", exact=True).first.click()   # Saturday under "Roll on (until progression)"
    page.wait_for_function("() => /changed nothing/.test(document.querySelector('.rs-plan-note').innerText)",
                           timeout=60_000)
    assert errors.errors == []

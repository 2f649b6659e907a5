"""``rollstats dashboard`` in a real browser: the patient review as a clinician uses it.

The server is the command itself (``python -m rollstats dashboard sample_data/naive_local.csv
--tz Europe/Berlin --reports DIR --port N``), the browser Debian's headless Chromium. The tests
share one page and run in file order: load, choose a subject, narrow the nights, write the
report; every step also checks that the page raised no JavaScript error.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from .browser_harness import FIGURES, figure_sources, wait_for_new_figures


def assert_no_js_errors(errors) -> None:
    assert errors.errors == [], "JavaScript errors in the page:\n" + "\n".join(errors.errors)
    assert errors.unexpected_external() == [], "the page asked for files outside this machine"


def test_the_page_shows_the_review_with_its_three_figures(review):
    page, errors, timings = review
    for name in FIGURES:
        image = page.locator(f"img.{name}")
        assert image.is_visible(), name
        width, height = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert width > 100 and height > 50, (name, width, height)
    options = page.locator(".rs-subject select option").all_inner_texts()
    assert options == ["B1", "B2", "B3", "B4", "B5"]
    assert page.locator(".rs-summary").inner_text().strip()
    assert "review_from_environment" not in page.content()  # no code in the page
    assert_no_js_errors(errors)
    print(f"server ready in {timings['server_ready_s']:.1f} s, review drawn {timings['page_ready_s']:.1f} s "
          "after the page was opened")


def test_the_icons_come_from_this_machine(review):
    """The page's template drops Voila's CDN stylesheets; the report button's icon is still drawn
    with Font Awesome, served by the local server (every outside request is aborted)."""
    page, errors, _ = review
    icon = page.locator(".rs-report-button i")
    glyph, family = icon.evaluate("i => [getComputedStyle(i, '::before').content, getComputedStyle(i).fontFamily]")
    assert glyph not in ("", "none", "normal") and "Font Awesome" in family, (glyph, family)
    loaded = page.evaluate("() => document.fonts.check('900 12px \"Font Awesome 5 Free\"')")
    assert loaded
    assert not any("cdn" in url for url in errors.external)
    assert_no_js_errors(errors)


def test_choosing_a_subject_redraws_the_figures(review):
    page, errors, _ = review
    select = page.locator(".rs-subject select")
    before = figure_sources(page)
    chosen = "B3" if select.input_value() != "B3" else "B4"
    select.select_option(chosen)
    after = wait_for_new_figures(page, before)
    assert all(after[name] != before[name] for name in FIGURES)
    assert chosen in page.locator(".rs-summary").inner_text()
    assert_no_js_errors(errors)


def _readout(page) -> str:
    return page.locator(".rs-dates-label").inner_text().strip()   # the range in full beside the slider


def test_narrowing_the_nights_redraws_the_figures(review):
    page, errors, _ = review
    before, range_before = figure_sources(page), _readout(page)
    upper = page.locator(".rs-dates .noUi-handle-upper")
    start = float(upper.get_attribute("aria-valuenow"))
    upper.focus()
    page.keyboard.press("PageDown")  # the last night moves 5 nights earlier (noUiSlider's page step)
    page.wait_for_function(
        "(start) => +document.querySelector('.rs-dates .noUi-handle-upper').getAttribute('aria-valuenow') < start",
        arg=start)
    after = wait_for_new_figures(page, {name: before[name] for name in ("rs-figure-calendar", "rs-figure-timeline")})
    assert after["rs-figure-calendar"] != before["rs-figure-calendar"]
    range_after = _readout(page)
    assert range_after != range_before and range_after[:10] == range_before[:10], (range_before, range_after)
    assert_no_js_errors(errors)


def test_the_report_button_writes_the_report(review, reports):
    page, errors, _ = review
    status = page.locator(".rs-report-status")
    page.locator("button.rs-report-button").click()
    page.wait_for_function("() => /\\.html/.test(document.querySelector('.rs-report-status').innerText)",
                           timeout=60_000)
    found = re.search(r"(/\S+?\.html)", html.unescape(status.inner_text()))
    assert found, status.inner_text()
    written = Path(found.group(1))
    assert written.parent.resolve() == reports.resolve() and written.is_file(), (written, sorted(reports.iterdir()))
    text = written.read_text(encoding="utf-8")
    assert "<html" in text.lower() and "data:image/png;base64," in text
    assert_no_js_errors(errors)


def test_the_page_raised_no_javascript_error(review):
    page, errors, _ = review
    page.wait_for_timeout(300)  # late messages of the last step
    assert_no_js_errors(errors)

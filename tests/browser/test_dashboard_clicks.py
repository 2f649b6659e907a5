"""The dashboard's calendar you can click, and a subject switch as the page shows it, in Debian's
headless Chromium (``rollstats dashboard sample_data/naive_local.csv --tz Europe/Berlin``).

The cell to click is found without the code under test: the same calendar is built here from
the same file and laid out, and the centre of a cell is taken from the extent of its image (7
equal rows by the weeks), as a fraction of the figure; the click lands at that fraction of the
picture as the page displays it. The tests share one page and run in file order.
"""
from __future__ import annotations

import pandas as pd

from rollstats import load
from rollstats.plots.calendar import calendar_grid
from rollstats.views import review, review_drawing, subject_tables

from .browser_harness import FIGURES, figure_sources
from .conftest import EXPORT
from .test_dashboard_page import assert_no_js_errors


def cell_fraction(subject: str, week: int, weekday: int) -> tuple[pd.Timestamp, float, float]:
    """The night of a calendar cell of ``subject`` and the cell's centre as fractions of the picture's
    width and height (from its top left), from a calendar drawn here at the widget's 100 dpi."""
    tables = subject_tables(load(EXPORT, tz="Europe/Berlin").segments, subject)
    calendar = review_drawing(review(tables), "calendar")[0]
    calendar.figure.set_dpi(100)
    calendar.figure.draw_without_rendering()
    box, fig = calendar.image.get_window_extent(), calendar.figure.bbox
    weeks = calendar.image.get_array().shape[1]
    x = box.x0 + (week + 0.5) * box.width / weeks
    y = box.y1 - (weekday + 0.5) * box.height / 7
    start = calendar_grid(tables.nights["night"])[0]
    night = start + pd.Timedelta(days=7 * week + weekday)
    assert tables.first_night <= night < tables.last_night, night   # a night of the observation, not the last
    return night, x / fig.width, 1 - y / fig.height


def test_clicking_a_calendar_cell_shows_that_nights_audit(review):
    page, errors, _ = review
    subject = page.locator(".rs-subject select").input_value()
    night, fx, fy = cell_fraction(subject, 1, 2)   # the second week's Wednesday
    image = page.locator("img.rs-figure-calendar")
    box = image.bounding_box()
    image.click(position={"x": fx * box["width"], "y": fy * box["height"]})
    label = f"{night.day} {night:%b %Y}"
    page.wait_for_function("(label) => document.querySelector('.rs-audit').innerText.includes(label)",
                           arg=label, timeout=30_000)
    assert label in page.locator(".rs-night select").input_value()   # the night list points at it too
    assert_no_js_errors(errors)


def test_the_next_problem_button_moves_the_audit(review):
    page, errors, _ = review
    before = page.locator(".rs-audit").inner_text()
    button = page.locator("button.rs-next-problem")
    count = page.locator(".rs-problem-count").inner_text()
    assert "with a problem in this range" in count and int(count.split()[0]) > 0, count
    if button.is_disabled():   # the night shown is after the last problem night
        button = page.locator("button.rs-previous-problem")
    button.click()
    page.wait_for_function("(before) => document.querySelector('.rs-audit').innerText !== before", arg=before,
                           timeout=30_000)
    assert "\u2717" in page.locator(".rs-audit").inner_text()   # a failed rule (or a missed night) is listed
    assert_no_js_errors(errors)


#: records the page's state at every change of its DOM (a MutationObserver), from now on
RECORD = """([subject, figures]) => {
    const old = figures.map(n => document.querySelector('img.' + n).src);
    window.rsStates = [];
    const state = () => {
        const images = figures.map(n => document.querySelector('img.' + n));
        return {busy: !!document.querySelector('.rs-busy-on'),
                numbers: document.querySelector('.rs-summary').innerText.includes(subject),
                hidden: images.some(img => getComputedStyle(img).visibility === 'hidden'),
                old: images.some((img, i) => img.src === old[i])};
    };
    window.rsObserver = new MutationObserver(() => window.rsStates.push(state()));
    window.rsObserver.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def test_a_subject_switch_shows_busy_then_new_figures_and_numbers_together(review):
    page, errors, _ = review
    select = page.locator(".rs-subject select")
    chosen = "B2" if select.input_value() != "B2" else "B5"
    before = figure_sources(page)
    page.evaluate(RECORD, [chosen, list(FIGURES)])
    select.select_option(chosen)
    page.wait_for_function(
        """([before, chosen]) => !document.querySelector('.rs-busy-on')
               && Object.entries(before).every(([n, src]) => {
                      const img = document.querySelector('img.' + n);
                      return img.src !== src && img.complete && img.naturalWidth > 0
                             && getComputedStyle(img).visibility !== 'hidden'; })
               && document.querySelector('.rs-summary').innerText.includes(chosen)""",
        arg=[before, chosen], timeout=60_000)
    states = page.evaluate("() => { window.rsObserver.disconnect(); return window.rsStates; }")
    assert any(s["busy"] for s in states), "the busy sign never showed"
    first_busy = next(i for i, s in enumerate(states) if s["busy"])
    assert not any(s["numbers"] for s in states[:first_busy]), "new numbers before the busy sign"
    # never the new subject's numbers above a picture of the old one
    assert not any(s["numbers"] and s["old"] and not s["hidden"] for s in states), states
    last = states[-1]
    assert last["numbers"] and not last["old"] and not last["hidden"] and not last["busy"], last
    assert_no_js_errors(errors)

"""The Planner's tables as Voila shows them in Debian's headless Chromium, 1366 x 900: each
header starts where the words of its column start, and the words of neighbouring columns
keep apart (the maintenance windows under the plan, and the weeks of Compare)."""
from __future__ import annotations

from pathlib import Path

import pytest

from .browser_harness import PageErrors, VoilaNotebook
from .pages import HEIGHT, PLANNER_NOTEBOOK, WIDTH, wait_for_planner_page

REPO = Path(__file__).resolve().parents[2]

#: Per column of a table: the left edge of its header's words and of each cell's words, and the
#: widest right edge of the words in it (CSS pixels), measured on the text itself.
COLUMN_EDGES = """t => {
  const edges = n => { const r = document.createRange(); r.selectNodeContents(n);
                       const b = r.getBoundingClientRect(); return [b.left, b.right]; };
  const rows = [...t.querySelectorAll('tr')].map(tr => [...tr.children].map(edges));
  return rows[0].map((h, j) => ({header: h[0], cells: rows.slice(1).map(r => r[j][0]),
                                 right: Math.max(...rows.map(r => r[j][1]))}));
}"""


@pytest.fixture(scope="module")
def planner(browser, tmp_path_factory):
    server = VoilaNotebook(PLANNER_NOTEBOOK, cwd=REPO, logdir=tmp_path_factory.mktemp("voila"))
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    errors = PageErrors()
    errors.watch(page)
    page.goto(server.url, timeout=120_000)
    wait_for_planner_page(page)
    yield page, errors
    context.close()
    server.stop()


def assert_headers_over_their_columns(table) -> None:
    columns = table.evaluate(COLUMN_EDGES)
    assert len(columns) >= 5
    for j, column in enumerate(columns):
        assert column["cells"], j
        for left in column["cells"]:
            assert abs(left - column["header"]) <= 1, (j, column)        # same left edge as the header
        if j:
            assert min(column["header"], *column["cells"]) - columns[j - 1]["right"] >= 8, (j, columns)


def test_the_maintenance_windows_headers_sit_over_their_columns(planner):
    page, errors = planner
    table = page.locator(".rs-plan-results table.rollstats-table").first
    # window, from, to, nights planned, status: 5 complete windows and 1 partial of the default plan
    assert table.locator("th").all_inner_texts() == ["window", "from", "to", "nights planned", "status"]
    assert table.locator("tbody tr").count() == 6
    assert_headers_over_their_columns(table)
    assert errors.errors == []


def test_the_weeks_of_compare_have_their_headers_over_their_columns(planner):
    page, errors = planner
    page.locator(".rs-planner-tabs .lm-TabBar-tab", has_text="Compare").first.click()
    page.get_by_placeholder("path to your export").fill(str(REPO / "sample_data" / "patient.csv"))
    page.get_by_role("button", name="Compare").click()
    table = page.locator(".rs-planner-tabs table.rollstats-table").first
    table.wait_for(timeout=60_000)
    assert table.locator("tbody tr").count() == 6                           # the plan's 6 weeks
    assert_headers_over_their_columns(table)
    assert errors.errors == []

"""What the browser tests and screenshots of the notebook pages (the Cohort explorer and the Planner,
served by Voila) share: their notebooks and how to wait for each widget to be drawn."""
from __future__ import annotations

from .browser_harness import _wait_until

COHORT_NOTEBOOK = "notebooks/cohort_adherence.ipynb"
PLANNER_NOTEBOOK = "notebooks/plan_my_sessions.ipynb"
#: the window of the issue's trial: a common laptop screen
WIDTH, HEIGHT = 1366, 900
#: the Cohort explorer's widget: the box holding its words panel
COHORT = ".widget-vbox:has(> .rs-summary)"
#: the Planner's widget: the box holding its tabs and results side by side
PLANNER_WIDGET = ".widget-hbox:has(> .rs-planner-tabs)"

_DECODED = "(img => img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0)"


def wait_for_cohort(page, timeout_ms: float = 120_000) -> None:
    """Wait until the explorer shows its words and its three figures, decoded."""
    _wait_until(page, f"['rs-figure-distribution', 'rs-figure-by-week', 'rs-figure-progression']"
                      f".every(n => {_DECODED}(document.querySelector('img.' + n)))"
                      " && /subjects/.test(document.querySelector('.rs-summary')?.innerText || '')",
                None, "cohort", timeout_ms)


def wait_for_planner_page(page, timeout_ms: float = 120_000) -> None:
    """Wait until the Planner shows its calendar, decoded, and its plan in words."""
    _wait_until(page, f"{_DECODED}(document.querySelector('img.rs-plan-calendar'))"
                      " && /Your plan/.test(document.querySelector('.rs-plan-words')?.innerText || '')",
                None, "planner", timeout_ms)

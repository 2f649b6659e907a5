"""Write ``docs/img/cohort.png``: the Cohort explorer as Voila serves
``notebooks/cohort_adherence.ipynb`` on the shipped synthetic cohort, 1366 pixels wide, the whole page.

    python3 tests/browser/screenshot_cohort.py [OUT.png]

Serves the notebook as ``screenshot_planner.py`` does (a free loopback port, a new token, Debian's
headless Chromium), waits for the explorer's words and three figures, and saves the whole page.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from browser.pages import COHORT_NOTEBOOK, wait_for_cohort  # noqa: E402
from browser.screenshot_planner import REPO, screenshot  # noqa: E402

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img" / "cohort.png"
    screenshot(target, COHORT_NOTEBOOK, wait_for_cohort, full=True)
    print(f"wrote {target}")

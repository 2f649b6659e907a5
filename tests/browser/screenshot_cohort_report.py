"""Write ``docs/img/cohort-report.png``: the report of the README's first command, as a browser shows it.

    python3 tests/browser/screenshot_cohort_report.py [OUT.png]

Runs ``rollstats summary sample_data/cohort.csv --report FILE`` as the README says, opens the file
in Debian's headless Chromium in a 1366 x 900 window, and saves the whole page to OUT.png (default
``docs/img/cohort-report.png``) and the first screen, as a laptop shows it, to the system's
temporary folder (its path is printed). Any request
the page makes (it should make none: everything is in the file) or any console error ends the
script with them.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_harness import launch  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1366, 900


def screenshot(out: Path) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "rollstats-report.html"
        subprocess.run([sys.executable, "-m", "rollstats", "summary", str(REPO / "sample_data" / "cohort.csv"),
                        "--report", str(report)], check=True, cwd=work, stdout=subprocess.DEVNULL)
        requests, problems = [], []
        with sync_playwright() as pw:
            browser = launch(pw)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            widest = page.evaluate("document.documentElement.scrollWidth")
            screen = Path(tempfile.gettempdir()) / "cohort-report-screen.png"
            page.screenshot(path=str(screen))
            page.screenshot(path=str(out), full_page=True)
            height = page.evaluate("document.documentElement.scrollHeight")
            browser.close()
    if requests or problems:
        raise SystemExit("the report loaded or complained:\n" + "\n".join(requests + problems))
    return {"page_width_px": widest, "page_height_px": height, "first_screen": str(screen)}


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img" / "cohort-report.png"
    print(f"wrote {target} ({screenshot(target)})")

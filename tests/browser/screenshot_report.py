"""Write ``docs/img/patient-report.png``: the one-file patient report of sample_data/patient.csv.

    python3 tests/browser/screenshot_report.py [OUT.png]

Writes the report of subject P1 over its whole observation (as *Write report* does) into a
temporary folder, opens the file in Debian's headless Chromium (1366 px wide; the report loads
nothing from elsewhere) and saves the whole page.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_harness import launch  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def screenshot(out: Path, width: int = 1366) -> Path:
    import rollstats
    from playwright.sync_api import sync_playwright
    from rollstats.views import review, subject_tables, write_patient_report

    segments = rollstats.load(str(REPO / "sample_data" / "patient.csv")).segments
    with tempfile.TemporaryDirectory() as folder:
        report = write_patient_report(review(subject_tables(segments, "P1")), folder, source="patient.csv")
        with sync_playwright() as pw:
            browser = launch(pw)
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(out), full_page=True)
            browser.close()
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img" / "patient-report.png"
    print(f"wrote {screenshot(target)}")

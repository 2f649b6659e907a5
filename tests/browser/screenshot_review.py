"""Write ``docs/img/review.png``: the page ``rollstats dashboard sample_data/patient.csv`` shows.

    python3 tests/browser/screenshot_review.py [OUT.png]

Starts the dashboard exactly as the README says, opens the address it prints (with its token) in
Debian's headless Chromium, waits for the three figures, makes the window as tall as the review
and saves the whole page.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_harness import Dashboard, capture, wait_for_review  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def screenshot(out: Path, width: int = 1366) -> dict:
    reports = Path(tempfile.gettempdir()) / "rollstats-reports"  # shown in the picture: a short, stable name
    reports.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        server = Dashboard(str(REPO / "sample_data" / "patient.csv"), "--reports", str(reports), workdir=work)
        drawn = capture(server, out, wait_for_review, width)
    return {"server_ready_s": round(server.ready_s, 1), "review_drawn_s": round(drawn, 1)}


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img" / "review.png"
    timings = screenshot(target)
    print(f"wrote {target} ({timings})")

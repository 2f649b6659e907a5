"""Write ``docs/img/planner.png``: the Planner as Voila serves ``notebooks/plan_my_sessions.ipynb``.

    python3 tests/browser/screenshot_planner.py [OUT.png]

Starts ``python -m voila notebooks/plan_my_sessions.ipynb --no-browser --port=N
--Voila.ip=127.0.0.1 ...`` on a free port behind a new token, as the dashboard is served, opens
the page (token in its address) in Debian's headless Chromium, waits for the projected calendar,
makes the window as tall as the page and saves the Planner's widget.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_harness import PLANNER, VoilaNotebook, capture, wait_for_planner

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/plan_my_sessions.ipynb"  # relative to REPO, as in the README


def screenshot(out: Path, width: int = 1280) -> dict:
    with tempfile.TemporaryDirectory() as logs:
        server = VoilaNotebook(NOTEBOOK, cwd=REPO, logdir=logs)
        drawn = capture(server, out, wait_for_planner, width, PLANNER)
    return {"server_ready_s": round(server.ready_s, 1), "planner_drawn_s": round(drawn, 1)}


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img" / "planner.png"
    timings = screenshot(target)
    print(f"wrote {target} ({timings})")

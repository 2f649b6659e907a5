"""Write ``docs/img/planner.png``: the Planner as Voila serves ``notebooks/plan_my_sessions.ipynb``.

    python3 tests/browser/screenshot_planner.py [OUT.png]

Starts ``python -m voila notebooks/plan_my_sessions.ipynb --no-browser --port=N
--Voila.ip=127.0.0.1`` on a free port, opens the page in Debian's headless Chromium, waits for
the projected calendar, makes the window as tall as the page and saves the Planner's widget.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_harness import (  # noqa: E402
    PLANNER,
    PageErrors,
    VoilaNotebook,
    launch,
    save_page,
    wait_for_planner,
)

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/plan_my_sessions.ipynb"  # relative to REPO, as in the README


def screenshot(out: Path, width: int = 1280) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as logs:
        server = VoilaNotebook(NOTEBOOK, cwd=REPO, logdir=logs)
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                page = browser.new_page(viewport={"width": width, "height": 900})
                errors = PageErrors()
                errors.watch(page)
                started = time.monotonic()
                page.goto(server.url)
                try:
                    wait_for_planner(page)
                except Exception:
                    print(server.log, file=sys.stderr)
                    raise
                drawn = time.monotonic() - started
                save_page(page, out, width, PLANNER)
                browser.close()
        finally:
            server.stop()
    if errors.errors:
        raise SystemExit("JavaScript errors in the page:\n" + "\n".join(errors.errors))
    return {"server_ready_s": round(server.ready_s, 1), "planner_drawn_s": round(drawn, 1)}


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img" / "planner.png"
    timings = screenshot(target)
    print(f"wrote {target} ({timings})")

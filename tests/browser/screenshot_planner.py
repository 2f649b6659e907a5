"""Write ``docs/img/planner.png``: the Planner as Voila serves ``notebooks/plan_my_sessions.ipynb``,
in a window of 1366 x 900 (a common laptop screen).

    python3 tests/browser/screenshot_planner.py [OUT.png]

Starts ``python -m voila notebooks/plan_my_sessions.ipynb --no-browser --port=N
--Voila.ip=127.0.0.1 ...`` on a free port behind a new token, as the dashboard is served, opens
the page (token in its address) in Debian's headless Chromium, waits for the projected calendar
and the plan in words, and saves what the window shows first: the page's top 900 pixels, where
the controls and what they give sit side by side.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from browser.browser_harness import PageErrors, VoilaNotebook, launch  # noqa: E402
from browser.pages import HEIGHT, PLANNER_NOTEBOOK, WIDTH, wait_for_planner_page  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def screenshot(out: Path, notebook: str = PLANNER_NOTEBOOK, wait=wait_for_planner_page,
               full: bool = False) -> None:
    """Serve ``notebook``, wait for its widget, save the window (``full``: the whole page) to ``out``."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as logs:
        server = VoilaNotebook(notebook, cwd=REPO, logdir=logs)
        errors = PageErrors()
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                errors.watch(page)
                page.goto(server.url, timeout=120_000)
                wait(page)
                if full:   # Voila scrolls inside the page: make the window as tall as what it holds
                    bottom = page.evaluate("() => Math.ceil(Math.max(...[...document.querySelectorAll("
                                           "'.jupyter-widgets, .jp-RenderedHTMLCommon')].map(e => "
                                           "e.getBoundingClientRect().bottom + window.scrollY)))")
                    page.set_viewport_size({"width": WIDTH, "height": bottom + 24})
                page.wait_for_timeout(500)
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out))
                browser.close()
        finally:
            server.stop()
    if errors.errors:
        raise SystemExit("JavaScript errors in the page:\n" + "\n".join(errors.errors))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img" / "planner.png"
    screenshot(target)
    print(f"wrote {target}")

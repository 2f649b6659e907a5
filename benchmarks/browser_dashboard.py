"""The dashboard as a clinician feels it, in headless Chromium: how long the page takes to open, and
how long a subject not seen before takes to show all its figures and numbers.

Three servers, one after the other, each Voila behind a token on a free loopback port:

- a trivial Voila page (a notebook showing one ipywidgets Label), served with the dashboard's own
  Voila command (:func:`rollstats.dashboard.voila_command`: preheated kernel and all), and the
  same page with plain Voila (no preheated kernel);
- ``rollstats dashboard sample_data/cohort.csv`` (30 subjects).

**Open**: from ``page.goto`` to the page's widgets drawn (the trivial Label shown; the review's
three figures decoded and a subject chosen), ``--opens`` times per server; each open waits for a
preheated kernel first (the pool refills ``PREHEAT_REFILL`` seconds after a page took its
kernel) and closes its page after. **Subject switch**: on one open dashboard page, each subject
not seen before is chosen in the dropdown (in the page: its ``change`` event): first the next
ones in the list (which the review draws ahead while idle), then every second one further down
(never a neighbour of the subject shown: drawn when chosen). The time runs,
in the page's own clock, until the busy sign is gone and all three figures show new, decoded
pictures, visible, under key figures naming the new subject. A pause between switches lets the
kernel finish the work it does once a new subject is on screen (it gets its figures ready for
the next change). Medians are printed, and the ratio of the dashboard's open to the trivial
page's.

Run: ``python benchmarks/browser_dashboard.py [--opens N] [--switches N]`` (Debian's Chromium,
never ``playwright install``).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.browser.browser_harness import (FIGURES, Dashboard, PageErrors, Server, launch,  # noqa: E402
                                           wait_for_review)
from rollstats.dashboard import PREHEAT_REFILL, address, environment, free_port, new_token  # noqa: E402
from rollstats.dashboard import voila_command  # noqa: E402

COHORT = REPO / "sample_data" / "cohort.csv"
TRIVIAL = {"cells": [{"cell_type": "code", "execution_count": None, "id": "a1", "metadata": {}, "outputs": [],
                      "source": ["import ipywidgets as W\n", "W.Label('ready', _dom_classes=['trivial-ready'])"]}],
           "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
           "nbformat": 4, "nbformat_minor": 5}

#: the switch, timed in the page: choose ``subject``, wait for the new figures and numbers together
SWITCH = """async ([subject, figures]) => {
    const select = document.querySelector('.rs-subject select');
    const before = figures.map(n => document.querySelector('img.' + n).src);
    let busy = false;
    const started = performance.now();
    select.value = subject;
    select.dispatchEvent(new Event('change', {bubbles: true}));
    return await new Promise(resolve => {
        const look = () => {
            if (document.querySelector('.rs-busy-on')) busy = true;
            const images = figures.map(n => document.querySelector('img.' + n));
            const shown = !document.querySelector('.rs-busy-on') && images.every((img, i) =>
                img.src !== before[i] && img.complete && img.naturalWidth > 0
                && getComputedStyle(img).visibility !== 'hidden')
                && document.querySelector('.rs-summary').innerText.includes(subject);
            if (shown) resolve({ms: performance.now() - started, busy});
            else if (performance.now() - started > 30000) resolve({ms: NaN, busy});
            else requestAnimationFrame(look);
        };
        look();
    });
}"""


class Trivial(Server):
    """The trivial notebook under Voila (``preheat``: the dashboard's command as it is; else without
    the preheated kernel)."""

    name, log_name = "trivial Voila page", "trivial"

    def __init__(self, notebook: Path, preheat: bool, logdir: Path):
        port, self.token = free_port(), new_token()
        command = voila_command(notebook, port)
        if not preheat:
            preheating = ("--preheat_kernel", "--pool_size", "--VoilaKernelManager", "--VoilaConfiguration.multi")
            command = [a for a in command if not a.startswith(preheating)]
        super().__init__(command, port, cwd=notebook.parent, logdir=logdir, env=environment(token=self.token))
        self._wait_ready(90)
        self.url = address(port, self.token)


def wait_for_pool(server, pooled: bool) -> None:
    """Give a preheating server the time to have a kernel ready (the refill delay and the notebook's run)."""
    if pooled:
        time.sleep(PREHEAT_REFILL + 8)


def open_times(browser, server, ready, opens: int, pooled: bool) -> list[float]:
    times = []
    for _ in range(opens):
        wait_for_pool(server, pooled)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        started = time.monotonic()
        page.goto(server.url, timeout=120_000)
        ready(page)
        times.append(time.monotonic() - started)
        context.close()
    return times


def trivial_ready(page) -> None:
    page.wait_for_selector(".trivial-ready", timeout=120_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=5, help="page opens timed per server (default 5)")
    parser.add_argument("--switches", type=int, default=11,
                        help="switches to a subject elsewhere in the list (default 11, at most 11 on the cohort)")
    parser.add_argument("--pause", type=float, default=1.5, help="seconds between switches (default 1.5)")
    parser.add_argument("--next", type=int, default=6, help="switches to the next subject in the list (default 6)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as pw:
        folder = Path(folder)
        notebook = folder / "trivial.ipynb"
        notebook.write_text(json.dumps(TRIVIAL), encoding="utf-8")
        browser = launch(pw)
        for preheat in (True, False):
            server = Trivial(notebook, preheat, folder)
            try:
                results[f"open: trivial page{'' if preheat else ', plain Voila'}"] = open_times(
                    browser, server, trivial_ready, args.opens, preheat)
            finally:
                server.stop()
        server = Dashboard(str(COHORT), workdir=folder)
        try:
            results["open: dashboard (cohort.csv)"] = open_times(browser, server, wait_for_review, args.opens, True)
            wait_for_pool(server, True)
            page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
            errors = PageErrors()
            errors.watch(page)
            page.goto(server.url, timeout=120_000)
            wait_for_review(page)
            subjects = page.locator(".rs-subject select option").all_inner_texts()
            assert page.locator(".rs-subject select").input_value() == subjects[0]
            busy_seen = 0
            # the next ones in the list (drawn ahead while the page sat idle), then every second one
            # (never a neighbour of the subject shown before: drawn when chosen)
            plan = [(i, "next in the list") for i in range(1, 1 + args.next)]
            plan += [(i, "elsewhere in the list") for i in range(args.next + 2, len(subjects), 2)][:args.switches]
            for index, kind in plan:
                page.wait_for_timeout(args.pause * 1000)
                outcome = page.evaluate(SWITCH, [subjects[index], list(FIGURES)])
                results.setdefault(f"subject switch, first visit: {kind}", []).append(outcome["ms"] / 1000)
                busy_seen += bool(outcome["busy"])
            if errors.errors:
                print("JavaScript errors:", *errors.errors, sep="\n")
            page.context.close()
        finally:
            server.stop()
        browser.close()

    switches = sum(len(v) for k, v in results.items() if k.startswith("subject switch"))
    print(f"medians (seconds) of one run; opens: {args.opens} per server, switches: {switches} "
          f"(busy sign seen in {busy_seen})")
    for name, times in results.items():
        print(f"{name:52} {statistics.median(times):7.3f}   (min {min(times):.3f}, max {max(times):.3f})")
    dash = statistics.median(results["open: dashboard (cohort.csv)"])
    for name in ("open: trivial page", "open: trivial page, plain Voila"):
        print(f"dashboard open / {name[6:]}: {dash / statistics.median(results[name]):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

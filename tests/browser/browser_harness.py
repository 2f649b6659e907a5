"""What the browser tests and the screenshot script share: start ``rollstats dashboard`` as a user
would, open Debian's Chromium with Playwright, and record every JavaScript error of the page.

Chromium is Debian's (``apt-get install chromium``; ``bash .ci/run`` installs it), never a
browser downloaded by ``playwright install``. ``ROLLSTATS_CHROMIUM`` names another binary.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from rollstats.dashboard import free_port, wait_ready

CHROMIUM_ARGS = ["--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

#: Requests Voila's own page template makes to a CDN (Font Awesome stylesheets; the icons are in
#: Voila's bundle too). Tests abort every request that leaves the machine and allow only these.
KNOWN_EXTERNAL = re.compile(r"^https://cdn\.jsdelivr\.net/npm/@fortawesome/fontawesome-free@[^/]+/css/[\w.-]+\.css$")

FIGURES = ("rs-figure-calendar", "rs-figure-timeline", "rs-figure-bodymap")


def chromium_path() -> str:
    """Debian's Chromium, or a clear message of how to install it."""
    path = os.environ.get("ROLLSTATS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError(
            "the browser tests need Debian's Chromium, which is not installed: run "
            "`apt-get install -y --no-install-recommends chromium` as root (bash .ci/run does it), "
            "or set ROLLSTATS_CHROMIUM to a Chromium binary")
    return path


def launch(playwright):
    """Headless Debian Chromium, with the flags that keep it off the network."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)


class Dashboard:
    """``python -m rollstats dashboard ARGS...`` in its own process group, until :meth:`stop`.

    ``url`` is the address the command printed; ``log`` holds Voila's output (stderr).
    """

    def __init__(self, *args: str, workdir: str | os.PathLike, timeout: float = 90.0):
        self.port = free_port()
        self.log_path = Path(workdir) / f"dashboard-{self.port}.log"
        self._log = open(self.log_path, "w", encoding="utf-8")
        command = [sys.executable, "-m", "rollstats", "dashboard", *args, "--port", str(self.port)]
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._log, text=True,
                                        start_new_session=True, cwd=workdir)
        self.lines: list[str] = []
        self._printed = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        try:
            wait_ready(f"http://127.0.0.1:{self.port}/", timeout, self.process)
            if not self._printed.wait(timeout):
                raise RuntimeError("rollstats dashboard printed no address")
        except Exception as exc:
            self.stop()
            raise RuntimeError(f"rollstats dashboard did not start: {exc}\n{self.log}") from exc
        self.url = re.search(r"https?://\S+", "".join(self.lines)).group(0)
        self.ready_s = time.monotonic() - self.started

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if "http://" in line:
                self._printed.set()

    @property
    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM for the command (it stops Voila and its kernels, and exits 0); kill the group
        if it hangs. (Not SIGINT: a background job, as under some CI runners, ignores it.)"""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        return self.process.returncode


@dataclass
class PageErrors:
    """JavaScript errors of a page: uncaught exceptions, console errors, requests that left the machine."""

    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.on("console", self._console)
        page.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).+"), self._outside)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if where in self.external and message.text.startswith("Failed to load resource"):
            return  # the aborted external request itself, checked in unexpected_external()
        self.errors.append(f"console: {message.text} ({where})")

    def _outside(self, route) -> None:
        url = route.request.url
        if urlparse(url).scheme in ("blob", "data"):
            route.continue_()
            return
        self.external.append(url)
        route.abort()

    def unexpected_external(self) -> list[str]:
        return sorted({url for url in self.external if not KNOWN_EXTERNAL.match(url)})


def figure_sources(page) -> dict[str, str]:
    """The ``src`` (a blob URL per image value) of each of the three figures."""
    return {name: page.locator(f"img.{name}").get_attribute("src") for name in FIGURES}


def wait_for_review(page, timeout_ms: float = 90_000) -> None:
    """Wait until the review shows its three figures, decoded, and a chosen subject; fail at once,
    with the traceback, if the notebook raised (Voila shows it as a stderr output)."""
    handle = page.wait_for_function(
        """(names) => {
               const failed = document.querySelector('[data-mime-type="application/vnd.jupyter.stderr"]');
               if (failed && /Error|Traceback/.test(failed.innerText)) return 'error: ' + failed.innerText;
               return names.every(n => { const img = document.querySelector('img.' + n);
                          return img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0; })
                      && document.querySelector('.rs-subject select')?.value && 'ok';
           }""",
        arg=list(FIGURES), timeout=timeout_ms)
    outcome = handle.json_value()
    if outcome != "ok":
        raise AssertionError(f"the dashboard notebook failed:\n{outcome}")


def wait_for_new_figures(page, before: dict[str, str], timeout_ms: float = 30_000) -> dict[str, str]:
    """Wait until every figure shows another image than ``before``, decoded; return the new sources."""
    page.wait_for_function(
        """(before) => Object.entries(before).every(([n, src]) => {
               const img = document.querySelector('img.' + n);
               return img && img.src !== src && img.complete && img.naturalWidth > 0; })""",
        arg=before, timeout=timeout_ms)
    return figure_sources(page)

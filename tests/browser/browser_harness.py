"""What the browser tests and the screenshot scripts share: start ``rollstats dashboard`` as a user
would (or Voila on one of the notebooks, behind a token as the dashboard is), find the kernels a
server runs, open Debian's Chromium with Playwright, record every JavaScript error of the page,
wait for a widget's figures and save the page as a PNG.

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
from urllib.parse import parse_qs, urlparse

import psutil

from rollstats.dashboard import address, environment, free_port, new_token, voila_command, wait_ready

CHROMIUM_ARGS = ["--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


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


#: the kernel's id in its connection file, on an ipykernel's command line: ``-f .../kernel-ID.json``
_KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json$")


class Server:
    """A command that serves on ``127.0.0.1:port``, in its own session, its stderr in ``log``, until
    :meth:`stop`. Subclasses start it, call :meth:`_wait_ready` and set ``url``, the address to
    open (token included).
    """

    name = "the server"  #: in messages
    log_name = "server"  #: the log is ``<logdir>/<log_name>-<port>.log``

    def __init__(self, command: list[str], port: int, *, cwd, logdir, stdout=None, env=None):
        self.port = port
        self.url = address(port)
        self.log_path = Path(logdir) / f"{self.log_name}-{port}.log"
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, stdout=stdout, stderr=self._log, text=True,
                                        start_new_session=True, cwd=cwd, env=env)

    def _wait_ready(self, timeout: float, *checks) -> None:
        """Wait until Voila serves its static ``voila.js`` (a GET of the page would start a kernel)
        and each of ``checks`` (callables) returns; stop the server and raise, with its log, if not."""
        try:
            wait_ready(self.url, timeout, self.process)
            for check in checks:
                check()
        except Exception as exc:
            self.stop()
            raise RuntimeError(f"{self.name} did not start: {exc}\n{self.log}") from exc
        self.ready_s = time.monotonic() - self.started

    def kernels(self) -> dict[str, psutil.Process]:
        """The kernels the server runs right now, by kernel id: its descendant processes running
        ``ipykernel_launcher`` (each kernel has a session of its own, so not the process group)."""
        found = {}
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return found
        for child in children:
            try:
                command = child.cmdline()
            except (psutil.NoSuchProcess, psutil.ZombieProcess):
                continue
            if "ipykernel_launcher" in " ".join(command):
                ids = [m.group(1) for arg in command if (m := _KERNEL_FILE.search(arg))]
                if ids:
                    found[ids[0]] = child
        return found

    @property
    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM (Voila, and ``rollstats dashboard`` with it, shut their kernels down and exit);
        kill the group if it hangs, and any kernel left. (Not SIGINT: a background job, as under
        some CI runners, ignores it.)"""
        if self.process.poll() is None:
            kernels = list(self.kernels().values())
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            for kernel in psutil.wait_procs(kernels, timeout=5)[1]:
                kernel.kill()
        self._log.close()
        return self.process.returncode


class Dashboard(Server):
    """``python -m rollstats dashboard ARGS...``, run in ``workdir``, until :meth:`stop`.

    ``url`` is the address the command printed (with its token), ``token`` the token;
    ``log`` holds Voila's output (stderr).
    """

    name, log_name = "rollstats dashboard", "dashboard"

    def __init__(self, *args: str, workdir: str | os.PathLike, timeout: float = 90.0):
        port = free_port()
        super().__init__([sys.executable, "-m", "rollstats", "dashboard", *args, "--port", str(port)], port,
                         cwd=workdir, logdir=workdir, stdout=subprocess.PIPE)
        self.lines: list[str] = []
        self._printed = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        self._wait_ready(timeout, lambda: self._address_printed(timeout))
        self.url = re.search(r"https?://\S+", "".join(self.lines)).group(0)
        self.token = parse_qs(urlparse(self.url).query).get("token", [""])[0]

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if "http://" in line:
                self._printed.set()

    def _address_printed(self, timeout: float) -> None:
        if not self._printed.wait(timeout):
            raise RuntimeError("rollstats dashboard printed no address")


class VoilaNotebook(Server):
    """``python -m voila NOTEBOOK --no-browser --port=N --Voila.ip=127.0.0.1 ...`` (the command
    :func:`rollstats.dashboard.voila_command` builds) on a free loopback port, behind a new token
    (``url`` carries it), run in ``cwd`` (a relative ``notebook`` is relative to it); the log goes
    to ``logdir``."""

    name, log_name = "Voila", "voila"

    def __init__(self, notebook: str | os.PathLike, *, cwd: str | os.PathLike, logdir: str | os.PathLike,
                 timeout: float = 90.0):
        port = free_port()
        self.token = new_token()
        # environment(): Voila finds rollstats' page template (no stylesheets from the internet)
        # and reads the token
        super().__init__(voila_command(notebook, port), port, cwd=cwd, logdir=logdir,
                         env=environment(token=self.token))
        self._wait_ready(timeout)
        self.url = address(port, self.token)


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
        """Every request that left the machine (aborted): none is expected."""
        return sorted(set(self.external))


def figure_sources(page) -> dict[str, str]:
    """The ``src`` (a blob URL per image value) of each of the three figures."""
    return {name: page.locator(f"img.{name}").get_attribute("src") for name in FIGURES}


def _wait_until(page, ready: str, arg, what: str, timeout_ms: float) -> None:
    """Wait until the JavaScript expression ``ready`` (of ``arg``) is true in the page; fail at once,
    with the traceback, if the notebook raised (Voila shows it as a stderr output)."""
    handle = page.wait_for_function(
        """(arg) => {
               const failed = document.querySelector('[data-mime-type="application/vnd.jupyter.stderr"]');
               if (failed && /Error|Traceback/.test(failed.innerText)) return 'error: ' + failed.innerText;
               return (READY) && 'ok';
           }""".replace("READY", ready),
        arg=arg, timeout=timeout_ms)
    outcome = handle.json_value()
    if outcome != "ok":
        raise AssertionError(f"the {what} notebook failed:\n{outcome}")


#: an <img> whose image value is shown (a blob URL) and decoded
_DECODED = "(img => img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0)"


def wait_for_review(page, timeout_ms: float = 90_000) -> None:
    """Wait until the review shows its three figures, decoded, and a chosen subject."""
    _wait_until(page, f"arg.every(n => {_DECODED}(document.querySelector('img.' + n)))"
                      " && document.querySelector('.rs-subject select')?.value",
                list(FIGURES), "dashboard", timeout_ms)


#: the Planner's widget: the box holding its tabs and its projected calendar (the only <img>)
PLANNER = ".widget-vbox:has(> .widget-tab):has(> img.widget-image)"


def wait_for_planner(page, timeout_ms: float = 90_000) -> None:
    """Wait until the Planner shows its projected calendar, decoded, and its progression night."""
    _wait_until(page, f"{_DECODED}(document.querySelector(arg + ' > img.widget-image'))"
                      " && /Projected progression night/.test(document.querySelector(arg).innerText)",
                PLANNER, "planner", timeout_ms)


#: bottom of the lowest widget or markdown text of the page, in CSS pixels
_BOTTOM = """() => Math.ceil(Math.max(...[...document.querySelectorAll('.jupyter-widgets, .jp-RenderedHTMLCommon')]
                                     .map(e => e.getBoundingClientRect().bottom + window.scrollY)))"""


def save_page(page, out: Path, width: int, selector: str | None = None) -> None:
    """Make the window as tall as the page's widgets and save it as the PNG ``out``: the whole
    page, or only the element ``selector`` matches."""
    page.set_viewport_size({"width": width, "height": page.evaluate(_BOTTOM) + 24})
    page.wait_for_timeout(300)
    out.parent.mkdir(parents=True, exist_ok=True)
    if selector is None:
        page.screenshot(path=str(out), full_page=True)
    else:
        page.locator(selector).screenshot(path=str(out))


def wait_for_new_figures(page, before: dict[str, str], timeout_ms: float = 30_000) -> dict[str, str]:
    """Wait until every figure shows another image than ``before``, decoded; return the new sources."""
    page.wait_for_function(
        """(before) => Object.entries(before).every(([n, src]) => {
               const img = document.querySelector('img.' + n);
               return img && img.src !== src && img.complete && img.naturalWidth > 0; })""",
        arg=before, timeout=timeout_ms)
    return figure_sources(page)


def capture(server, out: Path, wait, width: int = 1280, selector: str | None = None) -> float:
    """Open ``server.url`` in headless Chromium, ``wait(page)``, save the screenshot to ``out``.

    Stops the server in any case; returns the seconds from opening the page to it being drawn.
    A page that raised JavaScript errors ends the script with them.
    """
    from playwright.sync_api import sync_playwright

    errors = PageErrors()
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors.watch(page)
            started = time.monotonic()
            page.goto(server.url, timeout=120_000)  # Voila runs the notebook before the page loads
            try:
                wait(page)
            except Exception:
                print(server.log, file=sys.stderr)
                raise
            drawn = time.monotonic() - started
            save_page(page, out, width, selector)
            browser.close()
    finally:
        server.stop()
    if errors.errors:
        raise SystemExit("JavaScript errors in the page:\n" + "\n".join(errors.errors))
    return drawn

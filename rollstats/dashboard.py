"""The patient review as a page without code: ``rollstats dashboard [PATH]`` serves it with Voila.

The page is the notebook ``rollstats/notebooks/review_dashboard.ipynb`` (shipped with the
package). It holds no logic: it calls :func:`review_from_environment`, which reads what the
command line put in the environment of the Voila server (and so of its kernels):

- ``ROLLSTATS_DASHBOARD_PATH``: the export to open (absolute), absent to start with the picker;
- ``ROLLSTATS_DASHBOARD_TZ``: the IANA zone for times without a UTC offset;
- ``ROLLSTATS_DASHBOARD_REPORTS``: the folder the report button writes into (absolute; the
  command line sets the folder it was started in, not the package folder Voila runs kernels in).

Voila listens on 127.0.0.1 only, on a free port or ``--port``; the command prints the address
and runs until Ctrl+C. The page uses the template ``rollstats`` (``rollstats/dashboard_files``,
put on ``JUPYTER_PATH``): Voila's lab page without its two stylesheets from a public CDN, so that
a clinic's page asks nothing of the internet (the icons come with Voila's own bundle).

Other users of the computer reach 127.0.0.1 too, so the server guards itself with Voila's and
jupyter_server's own means:

- a token: each start draws a new one; Voila reads it from ``JUPYTER_TOKEN`` in its environment
  (``--Voila.auto_token``), not from its command line, which every user can list with ``ps``.
  The printed address carries it; the first visit trades it for a login cookie (so does pasting
  it in the login form, which offers no password to set). Without it the page, the kernel API
  and the kernels' websocket answer 403 or send to the login form, and no kernel starts; only
  Voila's own scripts and styles stay public;
- the ``Host`` check of jupyter_server (``allow_remote_access`` false, ``local_hostnames``): a
  request naming another host, as a DNS-rebinding page does, gets 403 even with the token.
  Voila turns the check off in its settings; ``voila.json`` beside the page template turns it
  back on, and is the only Voila configuration the dashboard reads (no stray ``voila.json`` of a
  folder or of ``~/.jupyter`` changes it). Voila's file route (``/voila/files``) serves nothing;
- preheating: one kernel waits with the notebook already run (Voila's ``--preheat_kernel``,
  ``--pool_size=1``, the server's environment), so the first visit only receives it; the next
  one is started :data:`PREHEAT_REFILL` seconds later. The kernel manager
  (:class:`rollstats.dashboard_kernels.PreheatedKernels`) counts a kernel's idle time from the
  moment it leaves the pool. So one kernel runs, and has read the file, before any visit;
- culling: every other visit of the page starts a kernel that reads the file anew. Voila 0.5's page
  asks for its kernel's shutdown when it is closed, but without the XSRF value the server checks,
  so the request is refused (voila-dashboards/voila#1458); a killed browser would not ask anyway.
  jupyter_server's culler shuts down every kernel with no page connected that has been idle for
  a while: at most ``cull_after`` seconds (default 60) after its page went away. A page that is
  open stays connected, and keeps its kernel however long it is left idle.

>>> environment("sample_data/patient.csv", tz="Europe/Berlin", reports="/tmp")["ROLLSTATS_DASHBOARD_TZ"]
'Europe/Berlin'
>>> voila_command(notebook_path(), 8866)[4:8]
['--no-browser', '--port=8866', '--Voila.port_retries=0', '--Voila.ip=127.0.0.1']
"""
from __future__ import annotations

import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from .errors import RollstatsError

ENV_PATH = "ROLLSTATS_DASHBOARD_PATH"
ENV_TZ = "ROLLSTATS_DASHBOARD_TZ"
ENV_REPORTS = "ROLLSTATS_DASHBOARD_REPORTS"
ENV_TOKEN = "JUPYTER_TOKEN"  #: where jupyter_server's identity provider reads the token
HOST = "127.0.0.1"
#: the folder holding ``voila/templates/rollstats`` (the page without CDN stylesheets)
TEMPLATES = Path(__file__).resolve().parent / "dashboard_files"
#: the folder of the dashboard's ``voila.json`` (the Host check), shipped beside the page template
SERVER_CONFIG = TEMPLATES / "voila" / "templates" / "rollstats"
READY_PATH = "voila/static/voila.js"  #: a static file: polling it does not start a kernel (``/`` does)
CULL_AFTER = 60  #: default seconds after which a kernel whose page went away is shut down
MIN_CULL_AFTER = 10  #: a page needs a few seconds between starting its kernel and connecting to it
PREHEAT_REFILL = 20  #: seconds after a page took the preheated kernel before the next one is started


def notebook_path() -> Path:
    """The dashboard notebook shipped in the package."""
    return Path(__file__).resolve().parent / "notebooks" / "review_dashboard.ipynb"


def free_port(host: str = HOST) -> int:
    """A TCP port nobody listens on at ``host`` right now (the system picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_free(port: int, host: str = HOST) -> bool:
    """Whether ``port`` can be bound at ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def new_token() -> str:
    """A fresh random token for one start of the dashboard (256 bits, safe in a URL)."""
    return secrets.token_urlsafe(32)


def address(port: int, token: str | None = None) -> str:
    """The page's address on 127.0.0.1, with ``token`` in its query when given.

    >>> address(8866, "abc")
    'http://127.0.0.1:8866/?token=abc'
    """
    base = f"http://{HOST}:{port}/"
    return base + "?" + urllib.parse.urlencode({"token": token}) if token else base


def environment(path: str | os.PathLike | None = None, tz: str | None = None,
                reports: str | os.PathLike | None = None, base: Mapping[str, str] | None = None,
                token: str | None = None) -> dict:
    """The environment of the Voila server: ``base`` (default ``os.environ``) plus the dashboard's
    variables, paths made absolute (Voila's kernels run in the package folder).

    The server's token is ``token``; any token ``base`` holds (``JUPYTER_TOKEN``,
    ``JUPYTER_TOKEN_FILE``) is dropped, so that without ``token`` Voila draws one nobody knows.
    """
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), env.get("JUPYTER_PATH", "")) if p)
    for name, value in ((ENV_PATH, path), (ENV_TZ, tz), (ENV_REPORTS, reports)):
        env.pop(name, None)
        if value is not None and str(value) != "":
            env[name] = str(Path(value).expanduser().resolve()) if name != ENV_TZ else str(value)
    env.pop("JUPYTER_TOKEN_FILE", None)
    env.pop(ENV_TOKEN, None)
    if token:
        env[ENV_TOKEN] = token
    return env


def cull_timing(cull_after: int) -> tuple[int, int]:
    """The culler's idle timeout and check interval (seconds) that shut a kernel with no page down
    at most ``cull_after`` seconds after its last activity.

    >>> cull_timing(60), cull_timing(10)
    ((50, 10), (9, 1))
    """
    interval = min(10, max(1, cull_after // 6))
    return cull_after - interval, interval


def voila_command(notebook: str | os.PathLike, port: int, python: str | None = None,
                  cull_after: int = CULL_AFTER) -> list[str]:
    """The command that serves ``notebook`` on ``127.0.0.1:port`` (no browser, no other port):
    behind the token of ``JUPYTER_TOKEN`` (see :func:`environment`), for local host names only,
    its idle kernels with no page shut down within ``cull_after`` seconds."""
    idle, interval = cull_timing(cull_after)
    return [python or sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
            "--Voila.port_retries=0", f"--Voila.ip={HOST}", "--show_tracebacks=True",
            "--Voila.log_level=WARN",  # the address is printed by rollstats; Voila's own news is noise
            "--template=rollstats",  # found through JUPYTER_PATH (see environment())
            "--Voila.auto_token=True",  # the token comes from JUPYTER_TOKEN, never from this command line
            # the login form takes the token; it must not offer to set a password (which jupyter_server
            # would write to a jupyter_server_config.json in the package folder)
            "--PasswordIdentityProvider.allow_password_change=False",
            f"--Voila.config_file_paths={SERVER_CONFIG}",  # voila.json: the Host check, and no other config
            "--VoilaConfiguration.file_denylist=.*",  # /voila/files serves no file (the page needs none)
            f"--MappingKernelManager.cull_idle_timeout={idle}",
            f"--MappingKernelManager.cull_interval={interval}",
            "--MappingKernelManager.cull_connected=False",  # an open page keeps its kernel
            # a kernel runs the notebook before the page is asked for (same environment as the server's);
            # the pool is refilled PREHEAT_REFILL seconds after a page took its kernel, not while that
            # page draws its first figures
            "--preheat_kernel=True", "--pool_size=1", f"--VoilaKernelManager.fill_delay={PREHEAT_REFILL}",
            "--VoilaConfiguration.multi_kernel_manager_class=rollstats.dashboard_kernels.PreheatedKernels"]


def check_voila() -> None:
    """Raise :class:`RollstatsError` with the install command when Voila is not installed."""
    if importlib.util.find_spec("voila") is None:
        raise RollstatsError("the dashboard needs Voila, which is not installed: "
                             f"{Path(sys.executable).name} -m pip install voila")


def wait_ready(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    """Wait until the Voila server at ``url`` (its query, such as the token, left out) answers with
    its static ``voila.js``.

    Raises :class:`RollstatsError` if ``process`` ends first or ``timeout`` seconds pass.
    """
    parts = urllib.parse.urlsplit(url)
    probe = f"{parts.scheme}://{parts.netloc}/{READY_PATH}"
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RollstatsError(f"Voila stopped before serving the dashboard (exit status {process.returncode})")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RollstatsError(f"the dashboard did not answer at {parts.netloc} within {timeout:g} s")
        time.sleep(0.2)


def start(path: str | os.PathLike | None = None, port: int | None = None, tz: str | None = None,
          reports: str | os.PathLike | None = None, notebook: str | os.PathLike | None = None,
          cull_after: int | None = None, **popen) -> tuple[subprocess.Popen, str]:
    """Start Voila on the dashboard notebook; return the process and the page's address, with
    the new token of this start.

    ``path`` must exist when given; ``port`` must be free (default: any free port); ``reports``
    defaults to the current folder; ``notebook`` replaces the shipped notebook; ``cull_after``
    (default :data:`CULL_AFTER`, at least :data:`MIN_CULL_AFTER`) bounds the seconds a kernel
    outlives its page; ``popen`` goes to :class:`subprocess.Popen` (``env`` is the base
    environment). The caller stops the process (:func:`stop`).
    """
    check_voila()
    if path is not None and not Path(path).expanduser().exists():
        raise RollstatsError(f"{path}: no such file or folder")
    cull_after = CULL_AFTER if cull_after is None else cull_after
    if cull_after < MIN_CULL_AFTER:
        raise RollstatsError(f"--cull-after {cull_after}: give at least {MIN_CULL_AFTER} seconds "
                             "(a page needs a few to connect to its kernel)")
    if port is None:
        port = free_port()
    elif not 0 < port < 65536:
        raise RollstatsError(f"--port {port} is not a TCP port (1-65535)")
    elif not port_is_free(port):
        raise RollstatsError(f"port {port} is in use on {HOST}: choose another with --port, or leave it out")
    notebook = Path(notebook).resolve() if notebook is not None else notebook_path()
    token = new_token()
    env = environment(path, tz, Path.cwd() if reports is None else reports, popen.pop("env", None), token)
    # Voila's kernels run in the notebook's folder (the package's), whatever folder this runs in
    process = subprocess.Popen(voila_command(notebook, port, cull_after=cull_after), env=env,
                               cwd=notebook.parent, **popen)
    return process, address(port, token)


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop Voila (on SIGTERM it shuts its kernels down; SIGINT may be ignored in a background
    job); kill it if it hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve(path: str | os.PathLike | None = None, port: int | None = None, tz: str | None = None,
          reports: str | os.PathLike | None = None, ready_timeout: float = 120.0,
          cull_after: int | None = None) -> int:
    """Run the dashboard until Ctrl+C (or SIGTERM); print its address, token included, once it
    answers."""
    process, url = start(path, port, tz, reports, cull_after=cull_after)
    previous = None
    if os.name == "posix":
        def _terminate(signum, frame):
            raise KeyboardInterrupt
        try:
            previous = signal.signal(signal.SIGTERM, _terminate)
        except ValueError:  # not the main thread
            previous = None
    try:
        wait_ready(url, ready_timeout, process)
        print(f"rollstats dashboard: open {url} in your browser (Ctrl+C to stop)", flush=True)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop(process)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def review_from_environment(environ: Mapping[str, str] | None = None):
    """The :class:`~rollstats.widgets.PatientReview` the dashboard shows, set up from the
    environment (see the module's documentation); display its ``.widget``."""
    from .widgets import PatientReview

    environ = os.environ if environ is None else environ
    path = Path(environ[ENV_PATH]) if environ.get(ENV_PATH) else None   # a Path: the page shows its name
    review = PatientReview(path=path, tz=environ.get(ENV_TZ) or None)
    if environ.get(ENV_REPORTS):
        review.report_folder.value = environ[ENV_REPORTS]
    return review

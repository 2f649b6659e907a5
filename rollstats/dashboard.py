"""The patient review as a page without code: ``rollstats dashboard [PATH]`` serves it with Voila.

The page is the notebook ``rollstats/notebooks/review_dashboard.ipynb`` (shipped with the
package). It holds no logic: it calls :func:`review_from_environment`, which reads what the
command line put in the environment of the Voila server (and so of its kernels):

- ``ROLLSTATS_DASHBOARD_PATH``: the export to open (absolute), absent to start with the picker;
- ``ROLLSTATS_DASHBOARD_TZ``: the IANA zone for times without a UTC offset;
- ``ROLLSTATS_DASHBOARD_REPORTS``: the folder the report button writes into (absolute; the
  command line sets the folder it was started in, not the package folder Voila runs kernels in).

Voila listens on 127.0.0.1 only, on a free port or ``--port``; the command prints the address
and runs until Ctrl+C. Every visit of the page starts a kernel that reads the file anew. The
page uses the template ``rollstats`` (``rollstats/dashboard_files``, put on ``JUPYTER_PATH``):
Voila's lab page without its two stylesheets from a public CDN, so that a clinic's page asks
nothing of the internet (the icons come with Voila's own bundle).

>>> environment("sample_data/patient.csv", tz="Europe/Berlin", reports="/tmp")["ROLLSTATS_DASHBOARD_TZ"]
'Europe/Berlin'
>>> voila_command(notebook_path(), 8866)[4:8]
['--no-browser', '--port=8866', '--Voila.port_retries=0', '--Voila.ip=127.0.0.1']
"""
from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from .errors import RollstatsError

ENV_PATH = "ROLLSTATS_DASHBOARD_PATH"
ENV_TZ = "ROLLSTATS_DASHBOARD_TZ"
ENV_REPORTS = "ROLLSTATS_DASHBOARD_REPORTS"
HOST = "127.0.0.1"
#: the folder holding ``voila/templates/rollstats`` (the page without CDN stylesheets)
TEMPLATES = Path(__file__).resolve().parent / "dashboard_files"
READY_PATH = "voila/static/voila.js"  #: a static file: polling it does not start a kernel (``/`` does)


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


def environment(path: str | os.PathLike | None = None, tz: str | None = None,
                reports: str | os.PathLike | None = None, base: Mapping[str, str] | None = None) -> dict:
    """The environment of the Voila server: ``base`` (default ``os.environ``) plus the dashboard's
    variables, paths made absolute (Voila's kernels run in the package folder)."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), env.get("JUPYTER_PATH", "")) if p)
    for name, value in ((ENV_PATH, path), (ENV_TZ, tz), (ENV_REPORTS, reports)):
        env.pop(name, None)
        if value is not None and str(value) != "":
            env[name] = str(Path(value).expanduser().resolve()) if name != ENV_TZ else str(value)
    return env


def voila_command(notebook: str | os.PathLike, port: int, python: str | None = None) -> list[str]:
    """The command that serves ``notebook`` on ``127.0.0.1:port`` (no browser, no other port)."""
    return [python or sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
            "--Voila.port_retries=0", f"--Voila.ip={HOST}", "--show_tracebacks=True",
            "--Voila.log_level=WARN",  # the address is printed by rollstats; Voila's own news is noise
            "--template=rollstats"]  # found through JUPYTER_PATH (see environment())


def check_voila() -> None:
    """Raise :class:`RollstatsError` with the install command when Voila is not installed."""
    if importlib.util.find_spec("voila") is None:
        raise RollstatsError("the dashboard needs Voila, which is not installed: "
                             f"{Path(sys.executable).name} -m pip install voila")


def wait_ready(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    """Wait until the Voila server at ``url`` answers with its static ``voila.js``.

    Raises :class:`RollstatsError` if ``process`` ends first or ``timeout`` seconds pass.
    """
    probe = url.rstrip("/") + "/" + READY_PATH
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
            raise RollstatsError(f"the dashboard did not answer at {url} within {timeout:g} s")
        time.sleep(0.2)


def start(path: str | os.PathLike | None = None, port: int | None = None, tz: str | None = None,
          reports: str | os.PathLike | None = None, notebook: str | os.PathLike | None = None,
          **popen) -> tuple[subprocess.Popen, str]:
    """Start Voila on the dashboard notebook; return the process and the page's address.

    ``path`` must exist when given; ``port`` must be free (default: any free port); ``reports``
    defaults to the current folder; ``notebook`` replaces the shipped notebook; ``popen`` goes to
    :class:`subprocess.Popen` (``env`` is the base environment). The caller stops the process
    (:func:`stop`).
    """
    check_voila()
    if path is not None and not Path(path).expanduser().exists():
        raise RollstatsError(f"{path}: no such file or folder")
    if port is None:
        port = free_port()
    elif not 0 < port < 65536:
        raise RollstatsError(f"--port {port} is not a TCP port (1-65535)")
    elif not port_is_free(port):
        raise RollstatsError(f"port {port} is in use on {HOST}: choose another with --port, or leave it out")
    notebook = Path(notebook).resolve() if notebook is not None else notebook_path()
    env = environment(path, tz, Path.cwd() if reports is None else reports, popen.pop("env", None))
    # run in the notebook's folder: Voila reads voila.json / voila.py from its working folder
    process = subprocess.Popen(voila_command(notebook, port), env=env, cwd=notebook.parent, **popen)
    return process, f"http://{HOST}:{port}/"


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
          reports: str | os.PathLike | None = None, ready_timeout: float = 120.0) -> int:
    """Run the dashboard until Ctrl+C (or SIGTERM); print its address once it answers."""
    process, url = start(path, port, tz, reports)
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
    review = PatientReview(path=environ.get(ENV_PATH) or None, tz=environ.get(ENV_TZ) or None)
    if environ.get(ENV_REPORTS):
        review.report_folder.value = environ[ENV_REPORTS]
    return review

"""``rollstats dashboard`` without a server: the launcher's checks, its Voila command and settings,
the shipped notebook and the review it builds from the environment. tests/browser runs the server:
its token, Host check and culling (test_dashboard_access.py) and the page itself."""
from __future__ import annotations

import fnmatch
import json
import socket
import tomllib
from pathlib import Path

import ipywidgets
import pytest

from rollstats import dashboard
from rollstats.cli import main

REPO = Path(__file__).resolve().parents[1]
PATIENT = REPO / "sample_data" / "patient.csv"


@pytest.fixture(autouse=True)
def _no_widgets_left():
    yield
    ipywidgets.Widget.close_all()


def test_the_shipped_notebook_has_no_logic_and_no_outputs():
    notebook = json.loads(dashboard.notebook_path().read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert len(code) == 1
    lines = [line for line in "".join(code[0]["source"]).splitlines() if line and not line.startswith("#")]
    assert lines == ["from rollstats.dashboard import review_from_environment",
                     "review = review_from_environment()", "review.widget"]
    assert all(cell.get("outputs", []) == [] and cell.get("execution_count") is None for cell in code)
    assert "widgets" not in notebook["metadata"]  # no saved widget state


def test_the_environment_carries_absolute_paths_and_drops_stale_values(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = dashboard.environment("data.csv", tz=None, reports=".",
                                base={"ROLLSTATS_DASHBOARD_TZ": "Asia/Tokyo", "HOME": "/root"})
    assert env["ROLLSTATS_DASHBOARD_PATH"] == str(tmp_path.resolve() / "data.csv")
    assert env["ROLLSTATS_DASHBOARD_REPORTS"] == str(tmp_path.resolve())
    assert "ROLLSTATS_DASHBOARD_TZ" not in env and env["HOME"] == "/root"


def test_voila_serves_the_notebook_on_loopback_only_and_on_the_port_given():
    command = dashboard.voila_command("/x/review.ipynb", 9123, python="python3")
    assert command[:4] == ["python3", "-m", "voila", "/x/review.ipynb"]
    assert {"--no-browser", "--port=9123", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"} <= set(command)


def test_the_token_goes_through_the_environment_never_the_command_line():
    """``ps`` shows every user the command line; a process's environment only to its owner."""
    token = dashboard.new_token()
    assert len(token) >= 40 and token != dashboard.new_token()
    env = dashboard.environment(base={"JUPYTER_TOKEN": "old", "JUPYTER_TOKEN_FILE": "/tmp/t"}, token=token)
    assert env["JUPYTER_TOKEN"] == token and "JUPYTER_TOKEN_FILE" not in env
    command = dashboard.voila_command("/x/review.ipynb", 9123)
    assert "--Voila.auto_token=True" in command and not any(token in arg for arg in command)
    # without a token of its own, the server must not take the user's: Voila draws one nobody knows
    env = dashboard.environment(base={"JUPYTER_TOKEN": "old", "JUPYTER_TOKEN_FILE": "/tmp/t"})
    assert "JUPYTER_TOKEN" not in env and "JUPYTER_TOKEN_FILE" not in env


def test_voila_reads_the_host_check_from_the_shipped_config_only():
    from voila.app import Voila

    command = dashboard.voila_command("/x/review.ipynb", 9123)
    assert f"--Voila.config_file_paths={dashboard.SERVER_CONFIG}" in command
    app = Voila()
    app.load_config_file("voila", path=[str(dashboard.SERVER_CONFIG)])
    assert app.tornado_settings["allow_remote_access"] is False  # a real False: the string "False" is true
    assert app.tornado_settings["local_hostnames"] == ["localhost"]
    # the file is package data: a wheel without it would serve any Host
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = (dashboard.SERVER_CONFIG / "voila.json").relative_to(REPO / "rollstats").as_posix()
    patterns = project["tool"]["setuptools"]["package-data"]["rollstats"]
    assert any(fnmatch.fnmatch(shipped, pattern) for pattern in patterns), (shipped, patterns)


@pytest.mark.parametrize("cull_after", [10, 11, 59, 60, 61, 600, 3600])
def test_a_kernel_with_no_page_lives_at_most_cull_after_seconds(cull_after):
    idle, interval = dashboard.cull_timing(cull_after)
    assert idle + interval <= cull_after and idle >= 5 and 1 <= interval <= 10
    command = dashboard.voila_command("/x/review.ipynb", 9123, cull_after=cull_after)
    assert {f"--MappingKernelManager.cull_idle_timeout={idle}", f"--MappingKernelManager.cull_interval={interval}",
            "--MappingKernelManager.cull_connected=False"} <= set(command)


def test_free_port_is_free():
    port = dashboard.free_port()
    assert dashboard.port_is_free(port)


@pytest.mark.parametrize("args, message", [
    (["missing.csv"], "missing.csv: no such file or folder"),
    ([str(PATIENT), "--tz", "Mars/Olympus"], "--tz 'Mars/Olympus' is not an IANA time zone"),
    ([str(PATIENT), "--port", "70000"], "--port 70000 is not a TCP port"),
    ([str(PATIENT), "--cull-after", "5"], "--cull-after 5: give at least 10 seconds"),
])
def test_bad_arguments_are_one_line_errors(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["dashboard", *args]) == 2
    assert message in capsys.readouterr().err


def test_a_busy_port_is_an_error_not_another_port(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["dashboard", str(PATIENT), "--port", str(port)]) == 2
    assert f"port {port} is in use" in capsys.readouterr().err


def test_without_voila_the_error_says_how_to_install_it(capsys, monkeypatch):
    real = dashboard.importlib.util.find_spec
    monkeypatch.setattr(dashboard.importlib.util, "find_spec",
                        lambda name, *a: None if name == "voila" else real(name, *a))
    assert main(["dashboard", str(PATIENT)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rollstats: error: the dashboard needs Voila") and "pip install voila" in err


def test_the_review_comes_from_the_environment(tmp_path):
    review = dashboard.review_from_environment({
        "ROLLSTATS_DASHBOARD_PATH": str(PATIENT), "ROLLSTATS_DASHBOARD_REPORTS": str(tmp_path)})
    assert review.subject.value == "P1"
    assert review.report_folder.value == str(tmp_path)
    assert review.path.value == PATIENT.name   # the export's name, not this machine's folders
    assert isinstance(review.widget, ipywidgets.Widget)


def test_without_a_path_the_review_waits_for_a_file():
    review = dashboard.review_from_environment({})
    assert review.subject.options == ()

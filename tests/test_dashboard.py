"""``rollstats dashboard`` without a browser: the launcher's checks, its Voila command, the shipped
notebook and the review it builds from the environment. tests/browser drives the page itself."""
from __future__ import annotations

import json
import socket
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


def test_free_port_is_free():
    port = dashboard.free_port()
    assert dashboard.port_is_free(port)


@pytest.mark.parametrize("args, message", [
    (["missing.csv"], "missing.csv: no such file or folder"),
    ([str(PATIENT), "--tz", "Mars/Olympus"], "--tz 'Mars/Olympus' is not an IANA time zone"),
    ([str(PATIENT), "--port", "70000"], "--port 70000 is not a TCP port"),
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
    assert isinstance(review.widget, ipywidgets.Widget)


def test_without_a_path_the_review_waits_for_a_file():
    review = dashboard.review_from_environment({})
    assert review.subject.options == ()

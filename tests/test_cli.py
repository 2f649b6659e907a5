"""The command line, run in-process through ``rollstats.cli.main`` on small hand-made files."""
from __future__ import annotations

import json

import pytest

from rollstats.cli import main

# Subject A: 3 Mar 200 s quads, 4 Mar 30 s IT band (+ 70 s calves), 5 Mar nothing, 6 Mar 90 s hips.
#   nights 3..6 -> 4 observed; compliant: 3 Mar (200), 4 Mar (100), 6 Mar (90) -> 3
#   cumulative: 200, 300 -> progression on 4 Mar (exactly 300), daily phase = 3 and 4 Mar -> 2/2 = 1.0
#   lateral 30 s of thigh time 200 + 30 = 230 -> share 30/230
#   streaks: T T F T -> longest 2, current 1
# Subject B: only strengthening -> not in the summary.
# One refused row (no subject) and one duplicate of A's first row.
EXPORT = """subject_id,start,duration_s,region,activity
A,2026-03-03T21:00:00+01:00,200,quads,
A,2026-03-04T21:00:00+01:00,30,IT band,
A,2026-03-04T21:01:00+01:00,70,calves,
A,2026-03-06T22:00:00+01:00,90,glutes,
B,2026-03-04T10:00:00+01:00,600,,strengthening
,2026-03-04T21:00:00+01:00,60,quads,
A,2026-03-03T21:00:00+01:00,200,thigh_front,
"""


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


def test_summary_json_has_the_hand_worked_figures(export, capsys):
    assert main(["summary", str(export), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["subject_id"] for r in records] == ["A"]
    a = records[0]
    assert a["first_night"] == "2026-03-03" and a["last_night"] == "2026-03-06"
    assert a["nights_observed"] == 4 and a["compliant_nights"] == 3
    assert a["progression_night"] == "2026-03-04"
    assert a["daily_adherence"] == 1.0
    assert a["longest_streak"] == 2 and a["current_streak"] == 1
    assert a["lateral_thigh_s"] == 30.0
    assert a["lateral_thigh_share"] == pytest.approx(30 / 230)
    assert a["seconds_hip"] == 90.0 and a["seconds_thigh_back"] == 0.0
    assert a["maintenance_windows_complete"] == 0 and a["maintenance_adherence"] is None
    assert a["flag_lateral_thigh"] is True
    assert a["flag_too_fast"] is None  # no hold data: unknown


def test_ingest_json_reports_the_row_identity(export, tmp_path, capsys):
    rejects = tmp_path / "rejects.csv"
    out = tmp_path / "segments.parquet"
    assert main(["ingest", str(export), "--format", "json", "--rejects", str(rejects), "-o", str(out)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_read"] == 7
    assert report["rows_accepted"] == 5
    assert report["duplicates_dropped"] == 1
    assert report["rows_rejected"] == 1
    assert "subject_id" in rejects.read_text() and out.exists()


def test_summary_writes_a_report_file(export, tmp_path, capsys):
    report = tmp_path / "r.html"
    assert main(["summary", str(export), "--report", str(report)]) == 0
    page = report.read_text()
    assert "<table" in page and ">A<" in page
    assert "rows read 7" in page


def test_nights_prints_the_audit_for_one_subject(export, capsys):
    assert main(["nights", str(export), "--subject", "A", "--format", "csv"]) == 0
    text = capsys.readouterr().out
    # A progresses on 4 Mar: 5 Mar is a rest night of maintenance window 1, not a failure
    assert "night of 5 Mar 2026: rest night, no rolling (maintenance window 1)" in text
    assert "night of 3 Mar 2026: 200 s on hips and legs, meets the 60 s minimum" in text


@pytest.mark.parametrize("argv, words", [
    (["summary", "no-such-file.csv"], "no-such-file.csv: no such file"),
    (["nights", "{export}", "--subject", "Z"], "no subject 'Z'"),
    (["summary", "{export}", "--until", "soon"], "not a date"),
    (["summary", "{export}", "--program", "{missing}"], "cannot be read"),
])
def test_errors_are_one_line_and_exit_2(export, tmp_path, capsys, argv, words):
    argv = [a.format(export=export, missing=tmp_path / "none.toml") for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and err.startswith("rollstats: error:") and "\n" not in err


def test_program_prints_the_rules_and_a_file_overrides_them(tmp_path, capsys):
    assert main(["program"]) == 0
    assert "daily.minimum_s = 60.0" in capsys.readouterr().out
    toml = tmp_path / "p.toml"
    toml.write_text("[daily]\nminimum_s = 90\n")
    assert main(["program", "--program", str(toml)]) == 0
    assert "daily.minimum_s = 90.0" in capsys.readouterr().out


def test_a_stricter_program_changes_the_summary(export, tmp_path, capsys):
    # with a 95 s minimum only 3 Mar (200) and 4 Mar (100) are compliant; 6 Mar (90) is not
    toml = tmp_path / "p.toml"
    toml.write_text("[daily]\nminimum_s = 95\n")
    assert main(["summary", str(export), "--program", str(toml), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["compliant_nights"] == 2


def test_csv_output_neutralises_formulas(tmp_path, capsys):
    path = tmp_path / "evil.csv"
    path.write_text("subject_id,start,duration_s,region\n=1+1,2026-03-03T21:00:00+01:00,60,quads\n")
    assert main(["summary", str(path), "--format", "csv"]) == 0
    assert "'=1+1" in capsys.readouterr().out


def test_csv_output_keeps_negative_numbers_as_numbers(tmp_path, capsys):
    # pain 6 -> 2 gives a change of -4: a number, not a formula to neutralise
    path = tmp_path / "pain.csv"
    path.write_text("subject_id,start,duration_s,region,pain_before,pain_after\n"
                    "A,2026-03-03T21:00:00+01:00,60,quads,6,2\n")
    assert main(["summary", str(path), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "'-" not in out

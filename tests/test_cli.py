"""The command line, run in-process through ``rollstats.cli.main`` on small hand-made files."""
from __future__ import annotations

import json
import os
import stat

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
    assert "<table" in page and "<td>A</td>" in page
    # 7 rows: A's five, B's one, the refused one; A's last row repeats its first (a duplicate)
    assert "7 rows read from export.csv: 5 accepted, 1 exact duplicate dropped, 1 refused." in page


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


# ----------------------------------------------------------------- what a person reads (issue 16, point 7)
def _cells(line: str, starts: list[int]) -> list[str]:
    """A printed table line cut at the columns where the headers start."""
    ends = starts[1:] + [None]
    return [line[a:b].strip() for a, b in zip(starts, ends)]


def test_summary_prints_seven_plain_columns_within_100_characters(export, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["summary", str(export)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert max(map(len, lines)) <= 100
    heads = ["Subject", "Nights", "Compliant", "Daily phase", "Progressed", "Windows met", "Flags"]
    starts = [lines[0].index(h) for h in heads]
    assert _cells(lines[0], starts) == heads
    # hand-worked above: 4 nights, 3 compliant, daily phase 3-4 Mar both compliant, progressed 4 Mar,
    # no complete maintenance window, 30 s on the side of the thigh, no strengthening of A's own
    assert _cells(lines[1], starts) == ["A", "4", "3", "2 of 2 (100%)", "4 Mar 2026", "\u2014",
                                        "side of thigh, no strengthening"]
    assert lines[2] == "" and lines[3].startswith("Compliant: nights with at least 60 s")
    assert "Flags the log cannot tell (what the check needs is not logged): too fast for 1 subject." in out
    assert "note: 1 subject of the export not in the summary: B (only strengthening logged, no rolling)" in err
    assert "note: 1 row refused" in err and "1 rows" not in err


def test_wide_prints_every_column_under_its_code(export, capsys):
    assert main(["summary", str(export), "--wide"]) == 0
    head = capsys.readouterr().out.splitlines()[0].split()
    assert head[:4] == ["subject_id", "first_night", "last_night", "nights_observed"]
    assert "daily_adherence" in head and "seconds_hip" in head and "current_alert" in head


def test_nights_sentences_start_at_one_column_left_aligned(export, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["nights", str(export), "--subject", "A"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = lines[0].index("What the log shows")
    assert lines[0].split("  ")[0] == "Night" and max(map(len, lines)) <= 100
    first = lines[1]
    assert first[:start].split() == ["3", "Mar", "2026", "daily", "minimum", "met"]
    assert first[start:] == "200 s on hips and legs, meets the 60 s minimum"
    assert all(line[start - 2:start] == "  " and line[start] != " " for line in lines[1:] if line[:1] != " ")


FAILING = """subject_id,start,duration_s,region
C,2026-03-01T21:00:00+01:00,100,quads
C,2026-03-01T21:02:00+01:00,50,calves
C,2026-03-01T21:04:00+01:00,50,glutes
C,2026-03-02T21:00:00+01:00,30,quads
C,2026-03-03T21:00:00+01:00,100,quads
C,2026-03-10T21:00:00+01:00,10,quads
C,2026-03-10T21:01:00+01:00,10,calves
C,2026-03-10T21:02:00+01:00,10,glutes
"""


def test_nights_failed_puts_the_missed_window_first_and_from_cuts_the_start(tmp_path, capsys):
    # C: 1 Mar 200 s (3 regions), 2 Mar 30 s (short: fails the daily minimum), 3 Mar 100 s -> 330 s in
    # total: progression on 3 Mar. Window 1 = 4-10 Mar: only 10 Mar has rolling, 30 s -> 0 of 2: missed.
    path = tmp_path / "c.csv"
    path.write_text(FAILING, encoding="utf-8")
    assert main(["nights", str(path), "--failed", "--format", "json"]) == 0
    failed = json.loads(capsys.readouterr().out)
    assert [(r["rule"], r["night"]) for r in failed] == [("maintenance_window", "2026-03-10"),
                                                          ("daily_minimum", "2026-03-02")]
    assert main(["nights", str(path), "--failed", "--from", "2026-03-05", "--format", "json"]) == 0
    assert [r["rule"] for r in json.loads(capsys.readouterr().out)] == ["maintenance_window"]
    assert main(["nights", str(path), "--from", "2026-03-10", "--format", "json"]) == 0
    assert {r["night"] for r in json.loads(capsys.readouterr().out)} == {"2026-03-10"}


def test_an_unknown_zone_is_refused_before_anything_is_read(tmp_path, capsys):
    # the file does not exist: the error is about the zone, so nothing was opened
    assert main(["summary", str(tmp_path / "missing.csv"), "--tz", "Europe/Berln"]) == 2
    assert capsys.readouterr().err.strip() == ("rollstats: error: --tz 'Europe/Berln' is not an IANA time zone "
                                               "(e.g. Europe/Berlin)")


def test_when_every_row_is_refused_summary_fails_with_the_reasons_counted(tmp_path, capsys):
    path = tmp_path / "naive.csv"
    path.write_text("subject_id,start,duration_s,region\nA,2026-03-03T21:00:00,90,quads\n"
                    "A,2026-03-04T21:00:00,90,quads\nA,2026-03-05T21:00:00,-5,quads\n", encoding="utf-8")
    assert main(["summary", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "(no rows)" not in err
    assert err.startswith("rollstats: error: every one of the 3 rows read was refused: ")
    # row 3 has two reasons: each is counted
    assert err.endswith("start: time has no UTC offset and no time zone was given (use --tz ZONE or a tz column) "
                        "(3 rows); duration_s: duration of zero or less (1 row)\n")
    assert main(["summary", str(path), "--tz", "Europe/Berlin", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["compliant_nights"] == 2   # the -5 s row is still refused


@pytest.mark.parametrize("argv", [["alerts"], ["datadays"], ["nights"],
                                  ["export", "--pseudonymize", "{key}", "-o", "{tmp}/shared.csv"]])
def test_when_every_row_is_refused_the_other_commands_fail_as_summary_does(tmp_path, capsys, argv):
    path = tmp_path / "naive.csv"
    path.write_text("subject_id,start,duration_s,region\nA,2026-03-03T21:00:00,90,quads\n"
                    "A,2026-03-04T21:00:00,-5,quads\n", encoding="utf-8")
    assert main(["keygen", str(tmp_path / "k.key")]) == 0
    capsys.readouterr()
    argv = [argv[0], str(path), *(a.format(key=tmp_path / "k.key", tmp=tmp_path) for a in argv[1:])]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    # both rows lack an offset, the second also has a negative length
    assert err == ("rollstats: error: every one of the 2 rows read was refused: start: time has no UTC offset "
                   "and no time zone was given (use --tz ZONE or a tz column) (2 rows); "
                   "duration_s: duration of zero or less (1 row)\n")
    assert not (tmp_path / "shared.csv").exists()          # export wrote no empty file
    # with the zone, A's one good night (3 Mar, 90 s) is read: no run without rolling, one period
    # (numbered from 0) of one night observed and one data day
    assert main([*argv, "--tz", "Europe/Berlin", *(["--format", "json"] if argv[0] != "export" else [])]) == 0
    if argv[0] == "datadays":
        assert [(p["period"], p["nights"], p["data_days"]) for p in json.loads(capsys.readouterr().out)] == [(0, 1, 1)]
    elif argv[0] == "alerts":
        assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize("argv, option, value", [
    (["summary", "{export}", "--until", "04/05/2026"], "--until", "04/05/2026"),
    (["summary", "{export}", "--until", "2026-02-30"], "--until", "2026-02-30"),
    (["nights", "{export}", "--from", "2026-3-4"], "--from", "2026-3-4"),
    (["alerts", "{export}", "--until", "4 May 2026"], "--until", "4 May 2026"),
])
def test_dates_are_year_month_day_only(export, capsys, argv, option, value):
    assert main([a.format(export=export) for a in argv]) == 2
    assert capsys.readouterr().err.strip() == (f"rollstats: error: {option} {value!r} is not a date written "
                                               "YYYY-MM-DD (e.g. 2026-05-04)")


def test_until_cuts_the_observation_on_the_night_given(export, capsys):
    # up to 4 Mar: A's nights 3 and 4 Mar, both compliant
    assert main(["summary", str(export), "--until", "2026-03-04", "--format", "json"]) == 0
    a = json.loads(capsys.readouterr().out)[0]
    assert (a["nights_observed"], a["compliant_nights"], a["last_night"]) == (2, 2, "2026-03-04")


def test_keygen_makes_the_missing_folders_for_the_owner_only(tmp_path, capsys):
    key = tmp_path / "keys" / "study" / "x.key"
    assert main(["keygen", str(key)]) == 0
    for folder in (tmp_path / "keys", tmp_path / "keys" / "study"):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600 and len(key.read_text().strip()) == 64


@pytest.mark.parametrize("argv, option", [
    (["summary", "{export}", "--report", "{missing}/r.html"], "--report"),
    (["summary", "{export}", "-o", "{missing}/s.csv", "--format", "csv"], "-o"),
    (["ingest", "{export}", "--rejects", "{missing}/r.csv"], "--rejects"),
    (["nights", "{export}", "-o", "{tmp}"], "-o"),
])
def test_an_output_that_cannot_be_written_fails_before_any_work(export, tmp_path, capsys, argv, option):
    argv = [a.format(export=export, missing=tmp_path / "no-such-folder", tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""                                  # no table printed first
    assert err.startswith(f"rollstats: error: {option} ") and err.count("\n") == 1
    assert ("does not exist" in err) or ("is a folder" in err)

"""Observation windows from an enrolment table, and the enrolment CSV reader.

Nights are counted from 1 Mar 2026 (night 0); every start is 21:00 +01:00.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from rollstats import metrics as M
from rollstats.cli import main
from rollstats.io import canonicalise
from rollstats.io.enrolment import read_enrolment
from rollstats.enrolment import EnrolmentError, enrolment_table
from rollstats.metrics.enrolment import observation_windows
from rollstats.program import Program

BASE = pd.Timestamp("2026-03-01")


def night(n: int) -> pd.Timestamp:
    return BASE + pd.Timedelta(days=n)


def day(n: int) -> str:
    return str(night(n).date())


def rows(spec: dict[int, float], subject: str = "s1") -> list[dict]:
    return [{"subject_id": subject, "start": f"{day(n)}T21:00:00+01:00", "duration_s": s,
             "region": "quads"} for n, s in spec.items()]


def segments(native: list[dict]) -> pd.DataFrame:
    out = canonicalise(pd.DataFrame(native), "test.csv", Program.default())
    assert len(out.rejects) == 0
    return out.segments


def enrol(*entries) -> pd.DataFrame:
    """(subject, start offset, end offset or None, arm) -> an enrolment table."""
    return pd.DataFrame({"subject_id": [e[0] for e in entries], "start": [day(e[1]) for e in entries],
                         "end": [day(e[2]) if e[2] is not None else "" for e in entries],
                         "arm": [e[3] for e in entries]})


# --- the table -------------------------------------------------------------------------------

def test_a_good_table_gets_its_types_and_keeps_group_columns():
    t = enrolment_table(pd.DataFrame({"Subject": ["P2", "P1"], "Start_Date": ["2026-03-05", "2026-03-01"],
                                      "end date": ["", "2026-03-31"], "site": ["Bonn", "Graz"]}))
    assert t.columns.tolist() == ["subject_id", "start", "end", "site"]
    assert t["start"].tolist() == [night(4), night(0)]
    assert pd.isna(t["end"].iloc[0]) and t["end"].iloc[1] == night(30)
    assert t["site"].tolist() == ["Bonn", "Graz"]


def test_every_bad_cell_is_named_by_source_row_and_column():
    frame = pd.DataFrame({"subject_id": ["P1", "", "P1", "P4", "P5"],
                          "start": ["2026-03-01", "2026-03-02", "2026-03-03", "01/03/2026", "2026-03-10"],
                          "end": ["2026-03-31", "", "", "", "2026-03-09"]})
    with pytest.raises(EnrolmentError) as info:
        enrolment_table(frame, "study.csv")
    text = str(info.value)
    assert text.startswith("study.csv: 4 problems: ")
    assert "row 2, column 'subject_id': empty" in text
    assert "row 3, column 'subject_id': 'P1' is enrolled twice (first on row 1)" in text
    assert "row 4, column 'start': '01/03/2026' is not a date (use YYYY-MM-DD)" in text
    assert "row 5, column 'end': 2026-03-09 is before the start 2026-03-10" in text


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"subject_id": ["P1"]}), "no column 'start'"),
    (pd.DataFrame({"start": ["2026-03-01"]}), "no column 'subject_id'"),
    (pd.DataFrame({"subject_id": ["P1"], "subject": ["P1"], "start": ["2026-03-01"]}), "two columns mean"),
    (pd.DataFrame({"subject_id": ["P1"], "start": [""]}), "row 1, column 'start': empty"),
])
def test_missing_columns_and_empty_starts_are_refused(frame, message):
    with pytest.raises(EnrolmentError, match=message):
        enrolment_table(frame, "e.csv")


def test_the_csv_reader_names_the_file(tmp_path):
    good = tmp_path / "enrolment.csv"
    good.write_text("\ufeffsubject_id,start,end,arm\nP1,2026-03-01,2026-03-31,A\nP2,2026-03-08,,B\n",
                    encoding="utf-8")
    t = read_enrolment(good)
    assert t["subject_id"].tolist() == ["P1", "P2"] and t["arm"].tolist() == ["A", "B"]
    bad = tmp_path / "bad.csv"
    bad.write_text("subject_id,start,end\nP1,2026-03-01,2026-02-30\n", encoding="utf-8")
    with pytest.raises(EnrolmentError, match=r"bad\.csv: 1 problem: row 1, column 'end': '2026-02-30' is not a date"):
        read_enrolment(bad)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(EnrolmentError, match="empty"):
        read_enrolment(empty)
    with pytest.raises(EnrolmentError, match="no such enrolment file"):
        read_enrolment(tmp_path / "missing.csv")


# --- windows ---------------------------------------------------------------------------------

def test_windows_follow_the_enrolment_and_an_empty_end_is_the_end_of_the_export():
    # export: s1 on nights 0 and 9, s2 on night 20 -> latest night 20 = end of the export
    seg = segments(rows({0: 60, 9: 60}) + rows({20: 60}, "s2"))
    w = observation_windows(seg, enrol(("s1", 2, 8, "A"), ("s3", 5, None, "B")))
    assert w.index.tolist() == ["s1", "s3"]                    # s2 is not enrolled: left out
    assert w["first_night"].tolist() == [night(2), night(5)]
    assert w["last_night"].tolist() == [night(8), night(20)]   # s3: empty end -> night 20
    assert w["arm"].tolist() == ["A", "B"]
    # until caps every end: 8 -> 6, 20 -> 6
    capped = observation_windows(seg, enrol(("s1", 2, 8, "A"), ("s3", 5, None, "B")), until=day(6))
    assert capped["last_night"].tolist() == [night(6), night(6)]


def test_nights_outside_the_window_are_ignored_and_a_never_rolling_subject_has_every_night():
    # s1 rolls 200 s on night 0 (before its window: ignored) and 60 s on nights 3 and 9
    # (9 is after its window). Window nights 2-6 -> 5 nights, compliant only night 3.
    # s3 never rolls: 4 nights (5-8), none compliant.
    seg = segments(rows({0: 200, 3: 60, 9: 60}))
    t = M.nights(seg, enrolment=enrol(("s1", 2, 6, "A"), ("s3", 5, 8, "B")))
    s1 = t[t["subject_id"] == "s1"]
    assert s1["night"].tolist() == [night(n) for n in range(2, 7)]
    assert s1["night_index"].tolist() == [0, 1, 2, 3, 4]
    assert s1["rolled_s"].tolist() == [0, 60, 0, 0, 0]
    assert s1["cumulative_s"].iloc[-1] == 60                   # the 200 s before the start do not count
    s3 = t[t["subject_id"] == "s3"]
    assert len(s3) == 4 and not s3["compliant"].any()


def test_the_summary_with_an_enrolment_lists_every_enrolled_subject_with_its_group():
    seg = segments(rows({0: 200, 3: 60, 9: 60}) + rows({1: 60}, "x"))
    summary = M.summarize(seg, enrolment=enrol(("s1", 2, 6, "A"), ("s3", 5, 8, "B"))).set_index("subject_id")
    assert summary.index.tolist() == ["s1", "s3"]              # x is not enrolled
    # s1: 1 compliant of 5 nights = 0.2; s3: 0 of 4 (the least adherent, not missing)
    assert summary["nights_observed"].tolist() == [5, 4]
    assert summary["compliant_nights"].tolist() == [1, 0]
    assert summary["daily_adherence"].tolist() == pytest.approx([0.2, 0.0])
    assert summary["sessions"].tolist() == [1, 0]              # the sessions of nights 0 and 9 are outside
    assert summary["arm"].tolist() == ["A", "B"]
    assert summary.columns[-1] == "arm"
    assert summary.loc["s3", "current_alert"] == "low_engagement"
    assert summary.loc["s3", "nights_without_rolling"] == 4


def test_without_an_enrolment_the_summary_keeps_its_columns_and_adds_the_new_ones_at_the_end():
    seg = segments(rows({0: 60, 1: 30}))
    summary = M.summarize(seg)
    research = list(M.RESEARCH_COLUMNS)
    assert summary.columns[-len(research):].tolist() == research
    assert summary.columns[len(summary.columns) - len(research) - 1] == "flag_narrow"
    assert summary["subject_id"].tolist() == ["s1"]


def test_cli_summary_with_an_enrolment(tmp_path, capsys):
    export = tmp_path / "export.csv"
    pd.DataFrame(rows({0: 200, 3: 60, 9: 60}) + rows({1: 60}, "x")).to_csv(export, index=False)
    enrolment = tmp_path / "enrolment.csv"
    enrolment.write_text(f"subject_id,start,end,arm\ns1,{day(2)},{day(6)},A\ns3,{day(5)},{day(8)},B\n",
                         encoding="utf-8")
    assert main(["summary", str(export), "--enrolment", str(enrolment), "--format", "json"]) == 0
    captured = capsys.readouterr()
    got = json.loads(captured.out)
    assert [(r["subject_id"], r["compliant_nights"], r["arm"]) for r in got] == [("s1", 1, "A"), ("s3", 0, "B")]
    # nights 0 and 9 of s1 and night 1 of x are outside the windows
    assert "note: 3 segments outside the enrolment windows are ignored (1 subjects not enrolled, e.g. x)" \
        in captured.err
    enrolment.write_text("subject_id,start\ns1,2026-3-1x\n", encoding="utf-8")
    assert main(["summary", str(export), "--enrolment", str(enrolment)]) == 2
    err = capsys.readouterr().err
    assert "enrolment.csv: 1 problem: row 1, column 'start': '2026-3-1x' is not a date" in err

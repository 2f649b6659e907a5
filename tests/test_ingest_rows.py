"""Row checks of ingest: durations, activities, triggers, and what each refusal records."""
from __future__ import annotations

import pandas as pd
import pytest

from rollstats.io import load
from rollstats.program import Program


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def by_row(segments: pd.DataFrame) -> pd.DataFrame:
    return segments.set_index("source_row").sort_index()


# --- durations --------------------------------------------------------------------------------

def test_end_instead_of_duration(write_text):
    path = write_text("end.csv", "subject_id,start,end,region\n"
                                 "s1,2026-03-03T22:00:00+01:00,2026-03-03T22:01:30+01:00,quads\n"
                                 # end in another offset: 21:00 UTC -> 21:02 UTC
                                 "s1,2026-03-04T22:00:00+01:00,2026-03-04T23:02:00+02:00,quads\n")
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    rows = by_row(segments)
    # 22:01:30 - 22:00:00 = 90 s
    assert rows.loc[1, "duration_s"] == 90.0
    # 21:00 UTC to 21:02 UTC = 120 s
    assert rows.loc[2, "duration_s"] == 120.0


def test_end_and_duration_must_agree(write_text):
    path = write_text("both.csv", "subject_id,start,end,duration_s,region\n"
                                  # end - start = 90 s; 90.5 is within 1 s: accepted, duration as given
                                  "s1,2026-03-03T22:00:00+01:00,2026-03-03T22:01:30+01:00,90.5,quads\n"
                                  # end - start = 90 s; 92 is 2 s off: refused
                                  "s1,2026-03-04T22:00:00+01:00,2026-03-04T22:01:30+01:00,92,quads\n")
    segments, rejects, _ = load(path)
    assert segments["source_row"].tolist() == [1]
    assert segments["duration_s"].iloc[0] == 90.5
    assert rejects["source_row"].tolist() == [2]
    assert rejects["column"].iloc[0] == "duration_s"
    assert "disagrees" in rejects["reason"].iloc[0]
    assert "90" in rejects["reason"].iloc[0]


def test_end_before_start_is_refused(write_text):
    path = write_text("back.csv", "subject_id,start,end,region\n"
                                  "s1,2026-03-03T22:01:00+01:00,2026-03-03T22:00:00+01:00,quads\n")
    segments, rejects, _ = load(path)
    # end - start = -60 s
    assert len(segments) == 0
    assert rejects["column"].tolist() == ["duration_s"]
    assert "zero or less" in rejects["reason"].iloc[0]


@pytest.mark.parametrize("duration", ["0", "-30", "-0.5"])
def test_zero_or_negative_duration_refused(write_text, duration):
    path = write_text("d.csv", f"subject_id,start,duration_s,region\ns1,2026-03-03T22:00+01:00,{duration},quads\n")
    segments, rejects, _ = load(path)
    assert len(segments) == 0
    assert rejects["column"].tolist() == ["duration_s"]
    assert "zero or less" in rejects["reason"].iloc[0]


def test_duration_limit_of_the_default_program(write_text):
    path = write_text("long.csv", "subject_id,start,duration_s,region\n"
                                  "s1,2026-03-03T20:00+01:00,3600,quads\n"     # exactly the limit: kept
                                  "s1,2026-03-03T22:00+01:00,3600.5,quads\n"   # over it: refused
                                  "s1,2026-03-04T22:00+01:00,7200,quads\n")    # over it: refused
    segments, rejects, _ = load(path)
    assert segments["source_row"].tolist() == [1]
    assert segments["duration_s"].iloc[0] == 3600.0
    assert rejects["source_row"].tolist() == [2, 3]
    assert (rejects["column"] == "duration_s").all()
    assert rejects["reason"].str.contains("max_segment_s = 3600").all()


def test_duration_limit_follows_the_program(write_text):
    path = write_text("long.csv", "subject_id,start,duration_s,region\n"
                                  "s1,2026-03-03T20:00+01:00,100,quads\n"
                                  "s1,2026-03-03T21:00+01:00,101,quads\n"
                                  "s1,2026-03-03T22:00+01:00,3600,quads\n")
    strict = Program.default().replace(limits={"max_segment_s": 100})
    segments, rejects, _ = load(path, program=strict)
    # limit 100 s: 100 kept, 101 and 3600 refused
    assert segments["source_row"].tolist() == [1]
    assert rejects["source_row"].tolist() == [2, 3]
    assert rejects["reason"].str.contains("max_segment_s = 100").all()
    # the same file under the default program keeps all three (all <= 3600)
    segments, rejects, _ = load(path)
    assert segments["source_row"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("text", [
    "subject_id,start,end,duration_s,region\ns1,2026-03-03T22:00+01:00,,,quads\n",
    "subject_id,start,duration_s,region\ns1,2026-03-03T22:00+01:00,,quads\n",
    "subject_id,start,end,region\ns1,2026-03-03T22:00+01:00,,quads\n",
])
def test_neither_end_nor_duration_given_in_the_row(write_text, text):
    # Regression: such a row used to be accepted with a NaN duration.
    path = write_text("none.csv", text)
    segments, rejects, _ = load(path)
    assert len(segments) == 0
    assert rejects["column"].tolist() == ["duration_s"]
    assert "no end and no duration_s" in rejects["reason"].iloc[0]


def test_unreadable_end_is_refused_once(write_text):
    path = write_text("end.csv", "subject_id,start,end,region\ns1,2026-03-03T22:00+01:00,soon,quads\n")
    segments, rejects, _ = load(path)
    assert len(segments) == 0
    assert rejects["column"].tolist() == ["end"]
    assert "unreadable time" in rejects["reason"].iloc[0]


def test_duration_not_a_number(write_text):
    path = write_text("nan.csv", "subject_id,start,duration_s,region\ns1,2026-03-03T22:00+01:00,90s,quads\n")
    segments, rejects, _ = load(path)
    assert len(segments) == 0
    assert rejects["column"].iloc[0] == "duration_s"
    assert rejects["value"].iloc[0] == "90s"
    assert rejects["reason"].iloc[0] == "duration_s: not a number"


# --- activities and triggers ------------------------------------------------------------------

def test_activities_and_triggers(write_text):
    path = write_text("act.csv", "subject_id,start,duration_s,region,activity,trigger\n"
                                 "s1,2026-03-03T22:00+01:00,60,quads,,\n"                      # -> rolling, routine
                                 "s1,2026-03-03T22:05+01:00,600,,strength training,\n"         # -> strengthening
                                 "s1,2026-03-03T22:20+01:00,60,quads,Foam Rolling,symptom\n"   # -> rolling, symptom
                                 "s1,2026-03-03T22:30+01:00,60,quads,juggling,\n"              # unknown: refused
                                 "s1,2026-03-03T22:40+01:00,60,quads,rolling,boredom\n")       # unknown trigger
    segments, rejects, _ = load(path)
    rows = by_row(segments)
    assert list(rows.index) == [1, 2, 3]
    assert rows["activity"].tolist() == ["rolling", "strengthening", "rolling"]
    assert rows["trigger"].tolist() == ["routine", "routine", "symptom"]
    assert rejects["source_row"].tolist() == [4, 5]
    assert rejects["column"].tolist() == ["activity", "trigger"]
    assert rejects["value"].tolist() == ["juggling", "boredom"]
    assert "rolling" in rejects["reason"].iloc[0] and "strengthening" in rejects["reason"].iloc[0]


# --- refusals and where they land -------------------------------------------------------------

REFUSALS = (
    "subject_id,start,duration_s,region,hold_count,hold_s,pain_before,pain_after\n"
    "s1,2026-03-03T22:00+01:00,60,quads,3,20,4,2\n"      # 1: fine
    ",2026-03-03T22:05+01:00,60,quads,,,,\n"             # 2: no subject
    "s1,3 March at ten,60,quads,,,,\n"                   # 3: unreadable time
    "s1,2026-03-03T22:10+01:00,60,quads,,,11,\n"         # 4: pain 11 > 10
    "s1,2026-03-03T22:15+01:00,60,quads,2,120,,\n"       # 5: 120 s held in a 60 s segment
    "s1,2026-03-03T22:20+01:00,60,quads,-1,,,\n"         # 6: negative hold count
    "s1,2026-03-03T22:25+01:00,60,quads,1.5,,,\n"        # 7: hold count not whole
    "s1,2026-03-03T22:30+01:00,60,quads,,-5,,\n"         # 8: negative hold seconds
    "s1,2026-03-03T22:35+01:00,60,quads,,,,-1\n"         # 9: pain -1 < 0
    "s1,,60,quads,,,,\n"                                 # 10: no start
)


def test_each_refusal_lands_in_rejects(write_text):
    path = write_text("refusals.csv", REFUSALS)
    segments, rejects, report = load(path)
    assert segments["source_row"].tolist() == [1]
    assert (rejects["source"] == str(path)).all()
    got = rejects.set_index("source_row")
    assert list(got.index) == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert got["column"].to_dict() == {
        2: "subject_id", 3: "start", 4: "pain_before", 5: "hold_s", 6: "hold_count",
        7: "hold_count", 8: "hold_s", 9: "pain_after", 10: "start"}
    reasons = got["reason"]
    assert "missing subject" in reasons[2]
    assert "unreadable time" in reasons[3]
    assert got.loc[3, "value"] == "3 March at ten"
    assert "0-10" in reasons[4]
    assert got.loc[4, "value"] in ("11", "11.0")
    assert "longer than the segment" in reasons[5]
    assert "whole number of 0 or more" in reasons[6]
    assert "whole number of 0 or more" in reasons[7]
    assert "0 or more" in reasons[8]
    assert "0-10" in reasons[9]
    assert "missing time" in reasons[10]
    # 10 rows = 1 accepted + 0 duplicates + 9 refused
    assert (report.rows_read, report.rows_accepted, report.duplicates_dropped, report.rows_rejected) == (10, 1, 0, 9)


def test_row_with_several_problems_is_one_reject(write_text):
    path = write_text("many.csv", "subject_id,start,duration_s,region,pain_before\n"
                                  ",2026-03-03T22:00+01:00,-5,quads,12\n")
    segments, rejects, report = load(path)
    assert len(segments) == 0
    assert len(rejects) == 1
    # every problem is named, in column order of the checks
    assert rejects["column"].iloc[0] == "subject_id, duration_s, pain_before"
    reason = rejects["reason"].iloc[0]
    assert "missing subject" in reason and "zero or less" in reason and "0-10" in reason
    assert report.rows_read == 1 and report.rows_rejected == 1


def test_valid_values_are_kept(write_text):
    path = write_text("kept.csv", "subject_id,start,duration_s,region,side,hold_count,hold_s,pain_before,pain_after,notes\n"
                                  "17,2026-03-03T22:00+01:00,60,quads,L,3,60,0,10,  sore  \n")
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    row = segments.iloc[0]
    assert row["subject_id"] == "17"
    assert row["side"] == "left"
    # hold_s equal to the duration (60 = 60) is allowed; pain 0 and 10 are the ends of the scale
    assert (row["hold_count"], row["hold_s"], row["pain_before"], row["pain_after"]) == (3, 60.0, 0.0, 10.0)
    assert row["notes"] == "sore"
    assert row["start"] == utc("2026-03-03 21:00")

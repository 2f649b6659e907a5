"""Exact duplicates, overlapping exports, and the bookkeeping identity of the ingest report."""
from __future__ import annotations

import pandas as pd

from rollstats.io import load

HEADER = "subject_id,start,duration_s,region,side,activity,notes\n"


def test_duplicates_dropped_first_read_kept(write_text):
    path = write_text("dups.csv", HEADER + (
        "s1,2026-03-03T22:00+01:00,60,quads,left,,first\n"            # 1: kept
        "s1,2026-03-03T22:00+01:00,60,thigh_front,left,,again\n"      # 2: same after alias mapping
        "s1,2026-03-03T21:00Z,60,Quads,L,rolling,notes differ\n"      # 3: same instant, side, activity
        "s1,2026-03-03T22:05+01:00,60,quads,left,,\n"                 # 4: 5 minutes later: new
        "s1,2026-03-03T22:00+01:00,60,quads,right,,\n"                # 5: other side: new
        "s1,2026-03-03T22:00+01:00,61,quads,left,,\n"                 # 6: other duration: new
        "s1,2026-03-03T22:00+01:00,60,quads,left,strength,\n"         # 7: other activity: new
        "s2,2026-03-03T22:00+01:00,60,quads,left,,\n"                 # 8: other subject: new
    ))
    segments, rejects, report = load(path)
    assert len(rejects) == 0
    # rows 2 and 3 are duplicates of row 1: 8 read = 6 accepted + 2 duplicates + 0 refused
    assert report.duplicates_dropped == 2
    assert report.rows_accepted == 6
    assert len(segments) == 6
    assert sorted(segments["source_row"]) == [1, 4, 5, 6, 7, 8]
    kept = segments.loc[segments["source_row"] == 1].iloc[0]
    assert kept["notes"] == "first"
    assert kept["region_label"] == "quads"


def test_duplicates_across_files_count_on_the_later_file(write_text):
    first = write_text("a.csv", HEADER + "s1,2026-03-03T22:00+01:00,60,quads,left,,\n"
                                         "s1,2026-03-04T22:00+01:00,60,quads,left,,\n")
    second = write_text("b.csv", HEADER + "s1,2026-03-04T22:00+01:00,60,quadriceps,left,,\n"
                                          "s1,2026-03-05T22:00+01:00,60,quads,left,,\n")
    segments, rejects, report = load([first, second])
    files = report.files.set_index("source")
    # a.csv: 2 read, 2 accepted; b.csv: 2 read, 1 accepted, 1 duplicate of a.csv row 2
    # (columns: rows_read, rows_accepted, duplicates_dropped, rows_rejected, superseded)
    assert files.loc[str(first)].tolist() == [2, 2, 0, 0, 0]
    assert files.loc[str(second)].tolist() == [2, 1, 1, 0, 0]
    # the copy read first (a.csv row 2) is the one kept
    night4 = segments.loc[segments["night"] == pd.Timestamp("2026-03-04")]
    assert night4["source"].tolist() == [str(first)]
    assert night4["source_row"].tolist() == [2]
    assert night4["region_label"].tolist() == ["quads"]  # the label as the first file wrote it


def test_rows_identity_per_file_and_in_total(write_text):
    first = write_text("a.csv", HEADER + (
        "s1,2026-03-03T22:00+01:00,60,quads,left,,\n"      # accepted
        "s1,2026-03-03T22:00+01:00,60,quads,left,,\n"      # duplicate
        ",2026-03-03T22:10+01:00,60,quads,left,,\n"        # refused: no subject
        "s1,2026-03-03T22:20+01:00,0,quads,left,,\n"       # refused: zero duration
    ))
    second = write_text("b.csv", HEADER + (
        "s1,2026-03-03T22:00+01:00,60,quads,left,,\n"      # duplicate of a.csv row 1
        "s1,2026-03-03T22:30+01:00,60,toes,left,,\n"       # accepted (other)
        "s1,2026-03-03T22:40+01:00,60,quads,left,dancing,\n"  # refused: activity
    ))
    segments, rejects, report = load([first, second])
    files = report.files.set_index("source")
    # a.csv: 4 = 1 + 1 + 2; b.csv: 3 = 1 + 1 + 1
    assert files.loc[str(first), ["rows_read", "rows_accepted", "duplicates_dropped", "rows_rejected"]].tolist() == [4, 1, 1, 2]
    assert files.loc[str(second), ["rows_read", "rows_accepted", "duplicates_dropped", "rows_rejected"]].tolist() == [3, 1, 1, 1]
    for _, row in report.files.iterrows():
        assert row["rows_read"] == row["rows_accepted"] + row["duplicates_dropped"] + row["rows_rejected"]
    # total: 7 = 2 + 2 + 3
    assert (report.rows_read, report.rows_accepted, report.duplicates_dropped, report.rows_rejected) == (7, 2, 2, 3)
    assert len(segments) == 2 and len(rejects) == 3
    as_dict = report.to_dict()
    assert (as_dict["rows_read"], as_dict["rows_accepted"], as_dict["duplicates_dropped"], as_dict["rows_rejected"]) == (7, 2, 2, 3)


ROWS = [
    "s1,2026-03-03T22:00+01:00,60,quads,left,,\n",
    "s1,2026-03-03T22:02+01:00,90,hamstrings,left,,\n",
    "s2,2026-03-03T21:00+01:00,120,calves,right,,\n",
    "s1,2026-03-04T22:00+01:00,60,IT band,right,,\n",
    "s2,2026-03-04T23:30+01:00,300,,,strength training,\n",
    "s1,2026-03-05T01:00+01:00,45,glutes,both,,\n",
]


def _comparable(segments: pd.DataFrame) -> pd.DataFrame:
    out = segments.drop(columns=["source", "source_row"])
    return out.sort_values(["subject_id", "start"]).reset_index(drop=True)


def test_overlapping_files_equal_one_clean_file(write_text):
    whole = write_text("whole.csv", HEADER + "".join(ROWS))
    # rows 1-4 and rows 3-6 (rows 3 and 4 are in both)
    part1 = write_text("part1.csv", HEADER + "".join(ROWS[:4]))
    part2 = write_text("part2.csv", HEADER + "".join(ROWS[2:]))
    one, _, one_report = load(whole)
    two, _, two_report = load([part1, part2])
    assert len(one) == 6
    pd.testing.assert_frame_equal(_comparable(one), _comparable(two))
    # 4 + 4 read = 6 accepted + 2 duplicates
    assert (two_report.rows_read, two_report.rows_accepted, two_report.duplicates_dropped) == (8, 6, 2)
    assert one_report.duplicates_dropped == 0


def test_segments_are_sorted_by_subject_and_start(write_text):
    path = write_text("order.csv", HEADER + "".join(reversed(ROWS)))
    segments, _, _ = load(path)
    # s1 at 21:00, 21:02 UTC on 3 Mar, 21:00 UTC on 4 Mar, 00:00 UTC on 5 Mar; then s2
    assert segments["subject_id"].tolist() == ["s1", "s1", "s1", "s1", "s2", "s2"]
    assert segments["start"].tolist()[:4] == [
        pd.Timestamp("2026-03-03 21:00", tz="UTC"), pd.Timestamp("2026-03-03 21:02", tz="UTC"),
        pd.Timestamp("2026-03-04 21:00", tz="UTC"), pd.Timestamp("2026-03-05 00:00", tz="UTC")]

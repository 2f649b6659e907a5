"""Corrections: a later export's version of a segment replaces the earlier one, once, and says so."""
from __future__ import annotations

import numpy as np
import pandas as pd

import rollstats
from rollstats.io import load

HEADER = "subject_id,start,duration_s,region,side,notes\n"
# The March export. s1 rolled calves and quads in one session at 21:00 on 3 Mar (two segments,
# one start: a real multi-segment session), glutes for 50 s on 4 Mar; s2 quads for 30 s.
MARCH = HEADER + (
    "s1,2026-03-03T21:00:00+01:00,60,quads,left,\n"       # row 1
    "s1,2026-03-03T21:00:00+01:00,45,calves,left,\n"      # row 2
    "s1,2026-03-04T21:00:00+01:00,50,glutes,both,\n"      # row 3: corrected in April to 80 s
    "s2,2026-03-04T21:00:00+01:00,30,quads,right,\n"      # row 4: April adds a note
)
# The April export overlaps March: rows 1-2 again, row 3 corrected, s1's 5 Mar new, s2's note.
APRIL = HEADER + (
    "s1,2026-03-03T21:00:00+01:00,60,quads,left,\n"       # row 1: March row 1 again
    "s1,2026-03-03T21:00:00+01:00,45,calves,left,\n"      # row 2: March row 2 again
    "s1,2026-03-04T21:00:00+01:00,80,glutes,both,\n"      # row 3: the corrected duration
    "s1,2026-03-05T21:00:00+01:00,70,hamstrings,left,\n"  # row 4: new
    "s2,2026-03-04T21:00:00+01:00,30,quads,right,felt better\n"  # row 5: March row 4 with a note
)


def counts(report, source) -> list[int]:
    row = report.files.set_index("source").loc[str(source)]
    return [int(row[c]) for c in ("rows_read", "rows_accepted", "duplicates_dropped", "rows_rejected", "superseded")]


def rolled(segments) -> dict[str, float]:
    return rollstats.summarize(segments).set_index("subject_id")["rolled_s"].to_dict()


def test_a_corrected_duration_counts_once_in_its_later_version(write_text):
    march, april = write_text("march.csv", MARCH), write_text("april.csv", APRIL)
    segments, rejects, report = load([march, april])
    # s1: 60 + 45 (3 Mar) + 80 (4 Mar, corrected from 50) + 70 (5 Mar) = 255 s, not 305 s;
    # s2: 30 s, once
    assert rolled(segments) == {"s1": 255.0, "s2": 30.0}
    glutes = segments.loc[segments["region"] == "hip"]
    assert glutes[["duration_s", "source_row"]].values.tolist() == [[80.0, 3]]
    assert glutes["source"].tolist() == [str(april)]
    assert segments.loc[segments["subject_id"] == "s2", "notes"].tolist() == ["felt better"]
    # March: 4 read = 2 accepted + 0 duplicates + 2 refused (both superseded);
    # April: 5 read = 3 accepted + 2 duplicates (rows 1, 2) + 0 refused
    assert counts(report, march) == [4, 2, 0, 2, 2]
    assert counts(report, april) == [5, 3, 2, 0, 0]
    assert (report.rows_read, report.rows_accepted, report.duplicates_dropped, report.rows_rejected,
            report.superseded) == (9, 5, 2, 2, 2)
    shown = rejects.astype(object).where(rejects.notna(), None)  # NA (no note in March) as None
    assert shown.values.tolist() == [
        [str(march), 3, "duration_s", "50.0", f"superseded by {april} row 3"],
        [str(march), 4, "notes", None, f"superseded by {april} row 5"],
    ]
    assert "refused 2 (2 of them superseded by a later file)" in str(report)
    assert report.to_dict()["superseded"] == 2


def test_the_file_given_last_decides(write_text):
    march, april = write_text("march.csv", MARCH), write_text("april.csv", APRIL)
    segments, rejects, report = load([april, march])
    # March read last: its 50 s on glutes and its s2 row without a note are the versions kept
    # s1: 60 + 45 + 50 + 70 (April's 5 Mar, which March does not hold) = 225 s
    assert rolled(segments) == {"s1": 225.0, "s2": 30.0}
    assert rejects[["source_row", "column", "reason"]].values.tolist() == [
        [3, "duration_s", f"superseded by {march} row 3"], [5, "notes", f"superseded by {march} row 4"]]
    assert counts(report, april) == [5, 3, 0, 2, 2]
    assert counts(report, march) == [4, 2, 2, 0, 0]


def test_a_correction_taken_back_keeps_the_first_copy_of_the_version_kept(write_text):
    first = write_text("1.csv", HEADER + "s1,2026-03-04T21:00:00+01:00,50,glutes,both,\n")
    second = write_text("2.csv", HEADER + "s1,2026-03-04T21:00:00+01:00,80,glutes,both,\n")
    third = write_text("3.csv", HEADER + "s1,2026-03-04T21:00:00+01:00,50,glutes,both,\n")
    segments, rejects, report = load([first, second, third])
    # the last file says 50 s: 1.csv's copy of it is kept, 3.csv's counted as its duplicate,
    # 2.csv's 80 s superseded by 3.csv
    assert segments[["duration_s", "source"]].values.tolist() == [[50.0, str(first)]]
    assert rejects[["source", "reason"]].values.tolist() == [[str(second), f"superseded by {third} row 1"]]
    assert [counts(report, f) for f in (first, second, third)] == [[1, 1, 0, 0, 0], [1, 0, 0, 1, 1],
                                                                    [1, 0, 1, 0, 0]]


def test_segments_of_one_file_with_one_start_are_never_corrections(write_text):
    # one session: two passes over the left calf from the same start, and the quads
    session = write_text("session.csv", HEADER + (
        "s1,2026-03-03T21:00:00+01:00,40,calves,left,\n"
        "s1,2026-03-03T21:00:00+01:00,25,calves,left,second pass\n"
        "s1,2026-03-03T21:00:00+01:00,60,quads,left,\n"))
    segments, rejects, report = load(session)
    assert len(rejects) == 0 and report.superseded == 0
    assert rolled(segments) == {"s1": 125.0}  # 40 + 25 + 60
    # the same export read twice: every row a duplicate, none superseded, nothing counted twice
    again = write_text("again.csv", session.read_text())
    segments, rejects, report = load([session, again])
    assert (report.duplicates_dropped, report.superseded, len(rejects)) == (3, 0, 0)
    assert rolled(segments) == {"s1": 125.0}
    # a later export that keeps only the second pass: the first pass (40 s) is superseded
    later = write_text("later.csv", HEADER + "s1,2026-03-03T21:00:00+01:00,25,calves,left,second pass\n")
    segments, rejects, report = load([session, later])
    assert rejects[["source_row", "column", "value"]].values.tolist() == [[1, "duration_s, notes", "40.0"]]
    assert rolled(segments) == {"s1": 85.0}  # 25 + 60


def test_the_same_segment_spelt_otherwise_is_a_duplicate_not_a_correction(write_text):
    # another alias of the region, another offset for the same instant: the same segment
    first = write_text("a.csv", HEADER + "s1,2026-03-03T21:00:00+01:00,60,quads,left,\n")
    second = write_text("b.csv", HEADER + "s1,2026-03-03T20:00:00Z,60,thigh_front,L,\n")
    segments, rejects, report = load([first, second])
    assert (report.duplicates_dropped, report.superseded, len(segments)) == (1, 0, 1)
    assert segments["source"].tolist() == [str(first)]


def test_superseded_rows_sit_among_the_refused_rows_of_their_file_in_row_order(write_text):
    old = write_text("old.csv", HEADER + (
        "s1,2026-03-03T21:00:00+01:00,60,quads,left,\n"       # 1: superseded
        ",2026-03-03T21:05:00+01:00,60,quads,left,\n"         # 2: refused, no subject
        "s1,2026-03-03T21:10:00+01:00,60,quads,left,\n"))     # 3: superseded
    new = write_text("new.csv", HEADER + (
        "s1,2026-03-03T21:10:00+01:00,65,quads,left,\n"
        "s1,2026-03-03T21:00:00+01:00,61,quads,left,\n"))
    segments, rejects, report = load([old, new])
    assert rejects[["source_row", "reason"]].values.tolist() == [
        [1, f"superseded by {new} row 2"], [2, "subject_id: missing subject"], [3, f"superseded by {new} row 1"]]
    assert counts(report, old) == [3, 0, 0, 3, 2]
    assert segments["duration_s"].tolist() == [61.0, 65.0]
    r = report
    assert r.rows_read == r.rows_accepted + r.duplicates_dropped + r.rows_rejected == 5


def test_superseded_marks_the_rows_of_earlier_files_only():
    from rollstats.io.corrections import superseded

    t = pd.DataFrame({
        "subject_id": ["a"] * 4, "start": pd.to_datetime(["2026-03-03 20:00"] * 4, utc=True),
        "region": pd.Categorical(["calf"] * 4), "side": pd.Categorical([None] * 4),
        "activity": "rolling", "duration_s": [60.0, 70.0, 60.0, 80.0], "trigger": "routine",
        "hold_count": pd.array([pd.NA] * 4, dtype="Int64"), "hold_s": pd.array([pd.NA] * 4, dtype="Float64"),
        "pain_before": pd.array([pd.NA] * 4, dtype="Float64"), "pain_after": pd.array([pd.NA] * 4, dtype="Float64"),
        "notes": pd.array([pd.NA] * 4, dtype="string"), "source": ["x", "x", "y", "y"], "source_row": [1, 2, 1, 2]})
    # file y (last) holds 60 and 80: x's 60 is the same version, x's 70 is superseded (by y row 1)
    found = superseded(t, np.array([0, 0, 1, 1]))
    assert found.mask.tolist() == [False, True, False, False]
    assert found.rejects["reason"].tolist() == ["superseded by y row 1"]
    assert not superseded(t, np.zeros(4, dtype=np.int64)).mask.any()  # one file: nothing

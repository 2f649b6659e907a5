"""The rule of a load on its fast road (rows found in order, compared where the subject changes)
gives what the plain definitions give: pandas' ``duplicated``, Python's sort, and the
corrections rule applied to the stacked rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from rollstats.io import canonicalise
from rollstats.io.combine import DUPLICATE_KEY, _shared_pairs, combine, duplicates, sort_segments, unknown_labels
from rollstats.io.corrections import superseded
from rollstats.io.roworder import _take, scan
from rollstats.program import Program

PROGRAM = Program.default()
SUBJECTS = ["a", "b", "é", "B", "ab"]  # "B" < "a" < "ab" < "b" < "é" in code points
ORDER = ["subject_id", "start", "source", "source_row"]

row = st.tuples(st.sampled_from(SUBJECTS), st.integers(0, 3), st.sampled_from([60, 90]),
                st.sampled_from(["calf", "quads"]), st.sampled_from(["left", "right"]), st.sampled_from(["", "sore"]))


def raw_part(rows: list[tuple], in_order: bool) -> pd.DataFrame:
    """An export's rows; starts are hours after 20:00 on 3 Mar 2026 (UTC)."""
    if in_order:
        rows = sorted(rows, key=lambda r: (r[0], r[1]))
    return pd.DataFrame({
        "subject_id": [r[0] for r in rows],
        "start": [f"2026-03-03T{20 + r[1]:02d}:00:00+00:00" for r in rows],
        "duration_s": [r[2] for r in rows], "region": [r[3] for r in rows], "side": [r[4] for r in rows],
        "notes": [r[5] for r in rows]})  # a later note alone makes a row a new version, not a duplicate


def stacked(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames stacked as a load stacks them (text columns keep one Arrow chunk per piece)."""
    return pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0].reset_index(drop=True)


def python_order(t: pd.DataFrame) -> list[int]:
    """Positions of the rows in canonical order by Python's sort (stable: ties keep their order)."""
    keys = list(zip(t["subject_id"], t["start"], t["source"], t["source_row"], range(len(t))))
    return [k[-1] for k in sorted(keys)]


@settings(max_examples=120, deadline=None)
@given(parts=st.lists(st.lists(row, min_size=0, max_size=7), min_size=1, max_size=3),
       in_order=st.booleans())
def test_combine_is_the_rule_applied_by_its_definitions(parts, in_order):
    read = [canonicalise(raw_part(rows, in_order), f"p{i}.csv", PROGRAM) for i, rows in enumerate(parts)]
    names = [f"p{i}.csv" for i in range(len(parts))]
    got = combine(read, names)

    # the definitions, on the stacked rows: corrections, then pandas' duplicated, then Python's sort
    with_rows = [p.segments for p in read if len(p.segments)]
    if not with_rows:
        assert got.segments.empty
        return
    rows = stacked(with_rows)
    part_of = np.repeat(np.arange(len(read)), [len(p.segments) for p in read])
    old = superseded(rows, part_of).mask
    dup = np.zeros(len(rows), dtype=bool)
    dup[~old] = rows[~old][list(DUPLICATE_KEY)].duplicated(keep="first").to_numpy()
    kept = rows[~(old | dup)].reset_index(drop=True)
    expected = kept.iloc[python_order(kept)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got.segments, expected)
    files = got.report.files
    assert files["duplicates_dropped"].tolist() == np.bincount(part_of[dup], minlength=len(read)).tolist()
    assert files["superseded"].tolist() == np.bincount(part_of[old], minlength=len(read)).tolist()
    assert (files["rows_read"] == files["rows_accepted"] + files["duplicates_dropped"] + files["rows_rejected"]).all()


def test_a_row_a_later_note_supersedes_is_no_original_for_the_later_row_to_repeat():
    # stacked, the two rows are in order and share subject and start: neighbours on the fast road
    one = raw_part([("a", 0, 60, "calf", "left", "")], True)
    two = raw_part([("a", 0, 60, "calf", "left", "sore"), ("b", 1, 60, "calf", "left", "")], True)
    got = combine([canonicalise(one, "p0.csv", PROGRAM), canonicalise(two, "p1.csv", PROGRAM)], ["p0.csv", "p1.csv"])
    seg = got.segments
    assert seg["subject_id"].tolist() == ["a", "b"] and seg["source"].tolist() == ["p1.csv", "p1.csv"]
    assert seg["notes"].iloc[0] == "sore" and pd.isna(seg["notes"].iloc[1])
    files = got.report.files
    assert files[["rows_accepted", "duplicates_dropped", "rows_rejected", "superseded"]].values.tolist() == [[0, 0, 1, 1], [2, 0, 0, 0]]
    assert got.rejects[["source", "source_row", "column"]].values.tolist() == [["p0.csv", 1, "notes"]]


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(st.lists(st.tuples(st.sampled_from(SUBJECTS), st.integers(0, 2), st.sampled_from(["x", "y"]),
                                          st.integers(1, 3), st.sampled_from([60.0, 90.0])), min_size=1, max_size=6),
                       min_size=1, max_size=4),
       how=st.sampled_from(["as drawn", "by subject and start", "canonical"]))
def test_scan_duplicates_and_sort_agree_with_python_on_chunked_text(pieces, how):
    rows = [r for p in pieces for r in p]
    if how != "as drawn":
        rows.sort(key=lambda r: r[:2] if how == "by subject and start" else r[:4])
    frames, at = [], 0
    for p in pieces:  # one Arrow chunk per piece, as parts stacked by a load
        frames.append(pd.DataFrame(rows[at:at + len(p)], columns=["subject_id", "start", "source", "source_row", "duration_s"]))
        at += len(p)
    t = stacked([f.astype({"subject_id": "str", "source": "str"}) for f in frames])
    t["start"] = pd.to_datetime(t["start"], unit="h", utc=True)
    t["region"], t["side"], t["activity"] = "calf", "left", "rolling"

    pairs = [(r[0], r[1]) for r in rows]
    keys = [r[:4] for r in rows]
    found = scan(t)
    assert found.ordered == (pairs == sorted(pairs))
    assert found.canonical == (keys == sorted(keys))
    if found.ordered:
        assert found.ties.tolist() == [i for i in range(len(rows) - 1) if pairs[i] == pairs[i + 1]]
    ranks = found.subject_ranks()
    assert [ranks[i] < ranks[j] for i in range(len(rows)) for j in range(len(rows))] == \
           [rows[i][0] < rows[j][0] for i in range(len(rows)) for j in range(len(rows))]
    assert duplicates(t).tolist() == t[list(DUPLICATE_KEY)].duplicated(keep="first").tolist()
    assert sort_segments(t).equals(t.iloc[python_order(t)].reset_index(drop=True))


@settings(max_examples=100, deadline=None)
@given(sizes=st.lists(st.integers(0, 5), min_size=1, max_size=5), data=st.data())
def test_take_chunk_by_chunk_is_arrows_take(sizes, data):
    chunks = [pa.array([f"v{len(sizes)}-{k}-{i}" for i in range(n)], pa.large_string()) for k, n in enumerate(sizes)]
    arr = pa.chunked_array(chunks, pa.large_string())
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, max(len(arr) - 1, 0)), max_size=len(arr)))), dtype=np.int64)
    assert _take(arr, rows).to_pylist() == [arr[int(i)].as_py() for i in rows]
    if len(arr):
        assert _take(arr.combine_chunks(), rows).to_pylist() == [arr[int(i)].as_py() for i in rows]


@settings(max_examples=100, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from([-2 ** 62, -1, 0, 2 ** 62]), st.sampled_from([-2 ** 62, 0, 5, 2 ** 62])),
                      max_size=12))
def test_shared_pairs_of_values_too_far_apart_for_one_integer(pairs):
    # the pairs span more than 2 ** 63 values: found by sorting instead of hashing one integer
    t = pd.DataFrame(pairs, columns=["a", "b"], dtype="int64")
    got = _shared_pairs(t["a"].to_numpy(), t["b"].to_numpy())
    assert got.tolist() == t.duplicated(keep=False).tolist()


def test_unknown_labels_count_the_same_on_arrow_text_and_on_plain_objects():
    raw = pd.DataFrame({"subject_id": "a", "start": "2026-03-03T21:00+01:00", "duration_s": 60,
                        "region": ["toes", "Toes", "other", "quads", "toes", "elbow", "", "Toes"]})
    segments = canonicalise(raw, "demo", PROGRAM).segments
    # by hand: toes twice, Toes twice, elbow once; "other" is a known name, quads an alias
    assert unknown_labels(segments) == {"Toes": 2, "elbow": 1, "toes": 2}
    assert unknown_labels(segments, mapped=["toes"]) == {"elbow": 1}
    plain = segments.astype({"region": object, "region_label": object})
    assert unknown_labels(plain) == {"Toes": 2, "elbow": 1, "toes": 2}
    chunked = stacked([segments.iloc[:3], segments.iloc[3:]])
    assert unknown_labels(chunked) == {"Toes": 2, "elbow": 1, "toes": 2}
    assert unknown_labels(segments.iloc[:0]) == {}


def test_a_step_down_after_many_subject_changes_is_found():
    # 300 subjects, one row each: the subject changes 299 times, more than the first look takes
    subjects = [f"s{i:04d}" for i in range(300)]
    t = pd.DataFrame({"subject_id": subjects, "start": pd.Timestamp("2026-03-03", tz="UTC"), "source": "x",
                      "source_row": range(1, 301)}).astype({"subject_id": "str", "source": "str"})
    assert scan(t).canonical
    late = t.iloc[[*range(298), 299, 298]].reset_index(drop=True)  # the last two swapped
    assert not scan(late).ordered
    assert sort_segments(late).equals(t)

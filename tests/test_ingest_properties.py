"""Properties of ingest on generated native CSV tables with valid and invalid cells.

The expected counts come from a small model written by hand below (which cells are valid and
what they mean), not from rollstats.
"""
from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from rollstats.io import load

COLUMNS = ["subject_id", "start", "duration_s", "region", "side", "activity", "notes"]

# cell -> meaning, by hand (None: the cell makes the row refused)
SUBJECTS = {"s1": "s1", "s2": "s2", "": None}
STARTS = {
    "2026-03-03T22:00+01:00": "2026-03-03 21:00",   # 22:00 - 1 h
    "2026-03-03T21:00:00Z": "2026-03-03 21:00",     # the same instant, spelt in UTC
    "2026-03-03T23:50+01:00": "2026-03-03 22:50",   # 23:50 - 1 h
    "2026-03-04T05:00+09:00": "2026-03-03 20:00",   # 05:00 - 9 h, the day before
    "2026-03-29 02:30": None,                       # no offset and no zone given
    "not a time": None,
    "": None,
}
DURATIONS = {"60": 60.0, "90": 90.0, "90.0": 90.0, "3600": 3600.0,
             "0": None, "-5": None, "4000": None, "abc": None, "": None}
REGIONS = {"quads": "thigh_front", "thigh_front": "thigh_front", "Quads": "thigh_front",
           "hamstrings": "thigh_back", "toes": "other", "": "unspecified", "calves": "calf",
           "IT band": "thigh_lateral"}
SIDES = {"left": "left", "L": "left", "right": "right", "": None}
ACTIVITIES = {"": "rolling", "rolling": "rolling", "strength training": "strengthening", "juggling": None}
NOTES = ["", "a", "b"]

KEY = ["subject_id", "start", "duration_s", "region", "side", "activity"]

row_strategy = st.tuples(
    st.sampled_from(sorted(SUBJECTS)), st.sampled_from(sorted(STARTS)), st.sampled_from(sorted(DURATIONS)),
    st.sampled_from(sorted(REGIONS)), st.sampled_from(sorted(SIDES)), st.sampled_from(sorted(ACTIVITIES)),
    st.sampled_from(NOTES),
)


@st.composite
def tables(draw):
    """Rows with some exact copies (possibly with other notes or spellings) mixed in."""
    rows = draw(st.lists(row_strategy, min_size=1, max_size=10))
    copies = draw(st.lists(st.tuples(st.integers(0, len(rows) - 1), st.sampled_from(NOTES)), max_size=4))
    for index, note in copies:
        rows.append(rows[index][:6] + (note,))
    order = draw(st.permutations(range(len(rows))))
    return [rows[i] for i in order]


def model_key(row):
    """The duplicate key of a row by the hand model, or None when the row is refused."""
    subject, start, duration, region, side, activity, _ = row
    values = (SUBJECTS[subject], STARTS[start], DURATIONS[duration], ACTIVITIES[activity])
    if any(v is None for v in values):
        return None
    return (values[0], pd.Timestamp(values[1], tz="UTC"), values[2], REGIONS[region], SIDES[side], values[3])


def write(directory, name, rows):
    path = directory / name
    text = ",".join(COLUMNS) + "\n" + "".join(",".join(r) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return path


def keys_of(segments: pd.DataFrame) -> set:
    return {(r.subject_id, r.start, r.duration_s, r.region, None if pd.isna(r.side) else r.side, r.activity)
            for r in segments[KEY].itertuples(index=False)}


def comparable(segments: pd.DataFrame) -> pd.DataFrame:
    out = segments.drop(columns=["source", "source_row"])
    return out.sort_values(KEY).reset_index(drop=True)


SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(rows=tables())
def test_rows_are_accounted_for(tmp_path_factory, rows):
    path = write(tmp_path_factory.mktemp("acc"), "t.csv", rows)
    segments, rejects, report = load(path)
    # (a) the identity, from the report and from the tables
    assert report.rows_read == report.rows_accepted + report.duplicates_dropped + report.rows_rejected
    assert len(segments) + len(rejects) + report.duplicates_dropped == len(rows)
    assert report.rows_read == len(rows)
    # and the counts the hand model predicts
    keys = [model_key(r) for r in rows]
    valid = [k for k in keys if k is not None]
    assert report.rows_rejected == len(rows) - len(valid)
    assert report.rows_accepted == len(set(valid))
    assert report.duplicates_dropped == len(valid) - len(set(valid))
    assert keys_of(segments) == set(valid)
    # each accepted segment is the first row with its key
    first_row = {}
    for number, key in enumerate(keys, start=1):
        if key is not None:
            first_row.setdefault(key, number)
    for seg in segments.itertuples(index=False):
        side = None if pd.isna(seg.side) else seg.side
        key = (seg.subject_id, seg.start, seg.duration_s, seg.region, side, seg.activity)
        assert seg.source_row == first_row[key]
    # refused rows are the ones the model refuses, by row number
    assert sorted(rejects["source_row"]) == [n for n, k in enumerate(keys, start=1) if k is None]


@SETTINGS
@given(rows=tables(), data=st.data())
def test_shuffling_rows_changes_nothing(tmp_path_factory, rows, data):
    order = data.draw(st.permutations(range(len(rows))))
    directory = tmp_path_factory.mktemp("shuffle")
    one = load(write(directory, "a.csv", rows))
    two = load(write(directory, "b.csv", [rows[i] for i in order]))
    # (b) the same set of accepted segments and the same number of rejects and duplicates
    assert keys_of(one.segments) == keys_of(two.segments)
    assert len(one.segments) == len(two.segments)
    assert len(one.rejects) == len(two.rejects)
    assert one.report.duplicates_dropped == two.report.duplicates_dropped


@SETTINGS
@given(rows=tables(), data=st.data())
def test_overlapping_split_gives_the_same_segments(tmp_path_factory, rows, data):
    # (c) two exports of overlapping time ranges, as an app writes them: the rows up to one instant
    # and the rows from an instant no later (a row whose start cannot be read goes to the first).
    # Rows of one instant stay together: split apart, two versions of a segment in one file would
    # read as a correction (see tests/test_ingest_corrections.py).
    instants = sorted({STARTS[r[1]] for r in rows if STARTS[r[1]] is not None})
    b = data.draw(st.integers(0, max(len(instants) - 1, 0)), label="last instant of the first file")
    a = data.draw(st.integers(0, b), label="first instant of the second file")
    first = [r for r in rows if STARTS[r[1]] is None or not instants or STARTS[r[1]] <= instants[b]]
    second = [r for r in rows if STARTS[r[1]] is not None and STARTS[r[1]] >= instants[a]]
    directory = tmp_path_factory.mktemp("split")
    whole = load(write(directory, "whole.csv", rows))
    split = load([write(directory, "part1.csv", first), write(directory, "part2.csv", second or first)])
    pd.testing.assert_frame_equal(comparable(whole.segments), comparable(split.segments))
    # every row of both files is accounted for
    assert split.report.rows_read == len(first) + len(second or first)
    assert split.report.rows_read == (split.report.rows_accepted + split.report.duplicates_dropped
                                      + split.report.rows_rejected)
    assert split.report.superseded == 0

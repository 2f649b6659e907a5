"""The checking core (Arrow kernels) against the reference checks (pandas), table for table.

``rollstats.io.reference.canonicalise_reference`` is the definition of ingest's checks;
``canonicalise`` runs them column-wise in :mod:`rollstats.io.checks`. Both are handed the same
generated hostile tables and must give the same segments, the same rejects (column, value and
reason text) and the same unknown labels.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollstats.io.base import canonicalise
from rollstats.io.reference import canonicalise_reference
from rollstats.program import Program

PROGRAM = Program.default()

TIMES = st.sampled_from([
    "2026-03-03T21:30:00+01:00", "2026-03-03 21:30:00-05:30", "2026-03-03T21:30:00Z", "2026-03-03T21:30:00",
    "2026-03-03T21:31:30+01:00", "2026-03-03T22:30:00+01:00", "2024-02-29T23:59:59+00:00",
    "2023-02-29T10:00:00+00:00", "2026-13-01T10:00:00+00:00", "2026-03-03T24:00:00+00:00",
    "1500-03-03T21:30:00+00:00", "2300-01-01T00:00:00+00:00", " 2026-03-03T21:30:00+01:00 ",
    "2026-03-03T21:30:00.5+01:00", "2026-03-03T21:30+01:00", "2026-03-03T21:30:00+0100",
    "2026-03-03T21:30:00 +01", "2026-03-29T02:30:00", "2026-10-25T02:30:00", "2026-03-03X21:30:00+01:00",
    "2026-03-03t21:30:00", "yesterday", "", "  ", "\u00a02026-03-03T21:30:00Z", "2026-03-03T21:30:00+99:99",
])
NUMBERS = st.sampled_from(["90", "90.5", "-5", "0", "-0", "1e3", "inf", "nan", "NaN", "abc", "12 s", "", " 60 ",
                           "86401", "5.", ".5", "-.", "1,5", "3", "11", "0x10", "1_000", "2.0", "7.25", "1e400",
                           "9007199254740993", "99999999999999999999"])
LABELS = st.sampled_from(["quads", " Quads ", "IT_Band", "it  band", "thigh", "THIGH", "toes", "Toes", "", "other",
                          "calves", "hip", "unspecified", "glute\u00a0s", "İT band", "front_thigh"])
SIDES = st.sampled_from(["left", "L", " right", "Both", "bilateral", "middle", "", "r", "LEFT AND RIGHT"])
CLOCKS = st.sampled_from(["3", "12", "6", "9", "13", "0", "3.5", "3.0", "abc", "", "1e0", "-3"])
WORDS = st.sampled_from(["rolling", "Foam Rolling", "strength", "stretch", "swim", "", "Symptom", "pain",
                         "routine", "flare-up", "nightly"])
ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "UTC", "Mars/Olympus", "Europe", "", " Asia/Tokyo "])
CHECKINS = st.sampled_from(["true", "YES", "1", "no", "", "Y"])
JUNK = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)

COLUMNS = {
    "subject_id": st.one_of(st.sampled_from(["s1", " s2 ", "007", "", "S\u00e9"]), JUNK),
    "start": st.one_of(TIMES, JUNK), "end": st.one_of(TIMES, JUNK),
    "duration_s": st.one_of(NUMBERS, JUNK), "region": st.one_of(LABELS, JUNK), "side": st.one_of(SIDES, JUNK),
    "clock": st.one_of(CLOCKS, JUNK), "activity": st.one_of(WORDS, JUNK), "trigger": st.one_of(WORDS, JUNK),
    "hold_count": st.one_of(NUMBERS, JUNK), "hold_s": st.one_of(NUMBERS, JUNK),
    "pain_before": st.one_of(NUMBERS, JUNK), "pain_after": st.one_of(NUMBERS, JUNK),
    "notes": JUNK, "tz": st.one_of(ZONES, JUNK), "checkin": CHECKINS,
}
OPTIONAL = [c for c in COLUMNS if c not in ("subject_id", "start")]


@st.composite
def tables(draw):
    """A raw table of text cells: some optional columns, each cell hostile or plain, some empty."""
    chosen = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=len(OPTIONAL)))
    if "end" not in chosen and "duration_s" not in chosen:
        chosen.append(draw(st.sampled_from(["end", "duration_s"])))
    n = draw(st.integers(1, 14))
    frame = {}
    for column in ["subject_id", "start", *chosen]:
        cells = draw(st.lists(st.one_of(COLUMNS[column], st.none()), min_size=n, max_size=n))
        frame[column] = cells
    return pd.DataFrame(frame, dtype="str")


def assert_same(raw: pd.DataFrame, **options) -> None:
    fast = canonicalise(raw, "t.csv", PROGRAM, **options)
    reference = canonicalise_reference(raw, "t.csv", PROGRAM, **options)
    pd.testing.assert_frame_equal(fast.segments, reference.segments)
    pd.testing.assert_frame_equal(fast.rejects, reference.rejects)
    pd.testing.assert_series_equal(fast.unknown_labels, reference.unknown_labels)
    assert fast.rows_read == reference.rows_read == len(fast.segments) + len(fast.rejects)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=tables(), tz=st.sampled_from([None, "Europe/Berlin", "America/New_York"]))
def test_checking_core_equals_the_reference_on_hostile_tables(raw, tz):
    assert_same(raw, tz=tz)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=tables())
def test_same_when_the_cells_are_not_text(raw):
    """Columns as other readers give them: objects (JSON), floats where the cells are numbers."""
    as_objects = raw.astype(object).where(raw.notna(), None)
    assert_same(as_objects, tz="UTC")
    numeric = raw.copy()
    for column in ("duration_s", "hold_count", "hold_s", "clock"):
        if column in numeric:
            numeric[column] = pd.to_numeric(numeric[column], errors="coerce")
    assert_same(numeric, tz="UTC")


def test_a_large_table_takes_the_whole_column_paths_and_agrees():
    """Thousands of rows: whole-column casts, the trim skipped, fixed-layout times from bytes."""
    rng = np.random.default_rng(3)
    n = 6000
    minutes = rng.integers(0, 60 * 24 * 30, n)
    start = pd.Timestamp("2026-03-01T18:00") + pd.to_timedelta(minutes, unit="min")
    raw = pd.DataFrame({
        "subject_id": rng.choice(["a", "b", "c"], n),
        "start": start.strftime("%Y-%m-%dT%H:%M:%S+01:00"),
        "duration_s": rng.choice(["60", "90.5", "-0", "0", "86401", "120"], n),
        "region": rng.choice(["quads", "thigh", "toes", "calves"], n),
        "side": rng.choice(["left", "right", "both"], n),
        "clock": rng.choice(["3", "9", "12"], n),
        "hold_s": rng.choice(["5", "200", "1.5"], n),
    }, dtype="str")
    raw.loc[::7, "start"] = "2026-03-29T02:30:00"  # a DST gap, read in the zone
    assert_same(raw, tz="Europe/Berlin")
    out = canonicalise(raw, "t.csv", PROGRAM, tz="Europe/Berlin")
    assert len(out.rejects) > 1000 and len(out.segments) > 1000  # both paths exercised
    zero = out.rejects["reason"].str.startswith("duration_s: duration of zero or less")
    assert zero.sum() > 500 and set(out.rejects.loc[zero, "value"]) == {"0.0"}  # "-0" and "0" alike


@pytest.mark.parametrize("cell", ["-0", "-0.0"])
def test_negative_zero_is_zero(cell):
    raw = pd.DataFrame({"subject_id": ["a"], "start": ["2026-03-03T21:30:00Z"], "duration_s": [cell]}, dtype="str")
    assert canonicalise(raw, "t.csv", PROGRAM).rejects["value"].tolist() == ["0.0"]
    assert canonicalise_reference(raw, "t.csv", PROGRAM).rejects["value"].tolist() == ["0.0"]

"""Cohort scale: the generator's Parquet dataset, the fast paths of ingest, summaries by parts.

No test here times anything (speed is measured by ``benchmarks/run.py``); each checks that a
fast path gives exactly what the general code gives, or a count that can be checked by hand.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import rollstats
from rollstats.datasets import generate_cohort
from rollstats.datasets.scale import parts, write_cohort_csv, write_cohort_parquet
from rollstats.engines import summarize_in_parts
from rollstats.io import canonicalise, find_sources
from rollstats.io._fast import fixed_iso, parse_times_fast, per_pair, per_value, read_csv_text
from rollstats.program import Program
from rollstats.progress import Progress
from rollstats.times import parse_times


# --- the generator at scale -------------------------------------------------------------------

def test_dataset_is_seeded_and_independent_of_the_workers(tmp_path):
    one = write_cohort_parquet(tmp_path / "a", n_subjects=9, n_nights=30, seed=4, subjects_per_part=4, workers=1)
    two = write_cohort_parquet(tmp_path / "b", n_subjects=9, n_nights=30, seed=4, subjects_per_part=4, workers=2)
    assert one["parts"] == two["parts"] == 3  # 4 + 4 + 1 subjects
    a, b = pd.read_parquet(tmp_path / "a"), pd.read_parquet(tmp_path / "b")
    pd.testing.assert_frame_equal(a, b)
    assert one["segments"] == len(a)
    other = write_cohort_parquet(tmp_path / "c", n_subjects=9, n_nights=30, seed=5, subjects_per_part=4, workers=1)
    assert other["segments"] != one["segments"] or not a.equals(pd.read_parquet(tmp_path / "c"))


def test_each_file_holds_whole_subjects_with_unique_ids(tmp_path):
    write_cohort_parquet(tmp_path, n_subjects=7, n_nights=20, seed=1, subjects_per_part=3, workers=1)
    files = sorted(tmp_path.glob("part-*.parquet"))
    subjects = [set(pd.read_parquet(f)["subject_id"]) for f in files]
    assert [len(s) <= 3 for s in subjects] == [True] * 3
    assert sum(len(s) for s in subjects) == len(set().union(*subjects))  # no subject in two files
    assert set().union(*subjects) <= {f"S{i:06d}" for i in range(1, 8)}
    assert parts(7, 20, 3) == [(0, 0, 3), (1, 3, 3), (2, 6, 1)]


def test_dataset_is_the_canonical_table_of_the_csv_export(tmp_path):
    """The Parquet dataset holds what ``rollstats.load`` makes of the same cohort's CSV."""
    write_cohort_parquet(tmp_path / "d", n_subjects=12, n_nights=30, seed=2, subjects_per_part=5, workers=1)
    info = write_cohort_csv(tmp_path / "export.csv", n_subjects=12, n_nights=30, seed=2, subjects_per_part=5)
    loaded = rollstats.load(tmp_path / "export.csv").segments
    stored = rollstats.load(tmp_path / "d").segments
    assert info["rows"] == len(loaded) == len(stored)
    columns = [c for c in stored.columns if c not in ("source", "source_row")]
    pd.testing.assert_frame_equal(stored[columns], loaded[columns])
    assert {s.kind for s in find_sources(tmp_path / "d")} == {"dataset"}
    assert [s.kind for s in find_sources(tmp_path / "export.csv")] == ["export"]


def test_command_line_reads_a_dataset_without_parsing_it_again(tmp_path, capsys):
    from rollstats.cli import main

    write_cohort_parquet(tmp_path / "d", n_subjects=5, n_nights=20, seed=3, workers=1)
    assert main(["summary", str(tmp_path / "d"), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    expected = rollstats.summarize(rollstats.load(tmp_path / "d").segments)
    assert out.count("\n") == len(expected) + 1


# --- summaries by parts -------------------------------------------------------------------------

def _cohort(n=40, nights=50, seed=9):
    return canonicalise(generate_cohort(n_subjects=n, n_nights=nights, seed=seed), "gen", Program.default()).segments


def test_summary_by_groups_of_subjects_is_the_whole_summary():
    segments = _cohort()
    whole = rollstats.summarize(segments)
    seen = []
    by_parts = summarize_in_parts(segments, parts=7, progress=lambda done, total: seen.append(done))
    pd.testing.assert_frame_equal(by_parts, whole, check_exact=True)
    assert seen == list(range(1, 8))


def test_summary_does_not_depend_on_row_order():
    segments = _cohort(seed=10)
    shuffled = segments.sample(frac=1.0, random_state=2).reset_index(drop=True)
    pd.testing.assert_frame_equal(rollstats.summarize(shuffled), rollstats.summarize(segments), check_exact=True)


def test_a_part_needs_the_globals_of_the_whole_table():
    """Subject b alone: its last night is its own, and standalone cannot be said (no exercise)."""
    raw = pd.DataFrame({"subject_id": ["a", "a", "b"],
                        "start": ["2026-03-01T21:00+00:00", "2026-03-09T21:00+00:00", "2026-03-03T21:00+00:00"],
                        "duration_s": [90, 300, 90], "region": ["quads", "hip", "quads"],
                        "activity": ["rolling", "strengthening", "rolling"]})
    segments = canonicalise(raw, "hand", Program.default()).segments
    b = segments.loc[segments["subject_id"] == "b"]
    alone = rollstats.summarize(b).iloc[0]
    assert alone["nights_observed"] == 1 and alone["flag_standalone"] is pd.NA
    told = rollstats.summarize(b, until="2026-03-09", exercises_logged=True).iloc[0]
    assert told["nights_observed"] == 7 and bool(told["flag_standalone"]) is True
    whole = rollstats.summarize(segments).set_index("subject_id").loc["b"]
    assert told["nights_observed"] == whole["nights_observed"]


# --- fast paths of ingest ---------------------------------------------------------------------

CELLS = [
    "2026-03-03T21:30:00+01:00", "2026-03-03 21:30:00-05:30", "2026-03-03T21:30:00Z", "2026-03-03T21:30:00",
    "2024-02-29T23:59:59+00:00", "2023-02-29T10:00:00+00:00", "2026-13-01T10:00:00+00:00",
    "2026-03-03T24:00:00+00:00", "2026-03-03T21:60:00+00:00", "1500-03-03T21:30:00+00:00",
    " 2026-03-03T21:30:00+01:00", "2026-03-03T21:30:00.5+01:00", "2026-03-03T21:30+01:00",
    "2026-03-03T21:30:00+0100", "2026-03-03T21:30:00+99:99", "2026-03-29T02:30:00", "2026-10-25T02:30:00",
    "2026-03-03X21:30:00+01:00", "2026-03-03T21:30:00z", "yesterday", "", None,
]


@pytest.mark.parametrize("zones", [None, "Europe/Berlin", "per row"])
def test_fixed_layout_times_read_as_the_general_parser_reads_them(zones):
    values = pd.Series(CELLS * 3, dtype="str")
    if zones == "per row":
        zones = pd.Series((["Europe/Berlin", "America/New_York", None] * len(CELLS)), dtype="str")
    fast = parse_times_fast(values, zones)
    text = values.astype("string").str.strip()
    general = parse_times(text.mask(text == ""), zones)
    pd.testing.assert_frame_equal(fast, general)


def test_fixed_iso_reads_each_layout_and_refuses_the_rest():
    wall, offset, ok = fixed_iso(pd.Series(CELLS, dtype="str"))
    assert ok[:5].tolist() == [True] * 5 and not ok[5:10].any() and not ok[10:14].any()
    assert ok[14] and offset[14] == 99 * 60 + 99  # any two digits, as the general parser reads them
    assert offset[:4].tolist()[:3] == [60.0, -330.0, 0.0] and np.isnan(offset[3])
    assert str(wall[4].astype("datetime64[us]")) == "2024-02-29T23:59:59.000000"
    assert fixed_iso(pd.Series([1, 2])) is None


def test_per_value_and_per_pair_equal_the_function_itself():
    rng = np.random.default_rng(0)
    labels = pd.Series(rng.choice(["  Quads", "IT_band ", "calves", "", None], 20_000), dtype="str")
    strip = lambda s: s.astype("string").str.strip().str.lower()  # noqa: E731
    pd.testing.assert_series_equal(per_value(labels, strip), strip(labels))
    clock = pd.Series(rng.choice(["3", "9", None, "12"], 20_000), dtype="str")
    join = lambda a, b: a.astype("string").fillna("-") + ":" + b.astype("string").fillna("-")  # noqa: E731
    pd.testing.assert_series_equal(per_pair(labels, clock, join), join(labels, clock))


def test_a_large_export_is_read_as_its_small_pieces_are():
    """Above a few thousand rows the fast paths run; below, the general code: same table."""
    raw = generate_cohort(n_subjects=25, n_nights=200, seed=8)
    raw["start"] = raw["start"].where(np.arange(len(raw)) % 97 != 0, " " + raw["start"])  # general path too
    raw.loc[raw.index[::113], "duration_s"] = -5  # refused rows
    program = Program.default()
    whole = canonicalise(raw.astype("string").astype("str"), "x.csv", program)
    pieces = [canonicalise(raw.iloc[i:i + 1000].astype("string").astype("str").reset_index(drop=True),
                           "x.csv", program, source_row=pd.Series(np.arange(i + 1, i + 1 + len(raw.iloc[i:i + 1000]))))
              for i in range(0, len(raw), 1000)]
    assert len(raw) > 8000
    pd.testing.assert_frame_equal(whole.segments, pd.concat([p.segments for p in pieces], ignore_index=True))
    pd.testing.assert_frame_equal(whole.rejects, pd.concat([p.rejects for p in pieces], ignore_index=True))
    assert len(whole.rejects) > 50


@pytest.mark.parametrize("text", [
    'subject_id,start,notes\ns1,"2024-03-03T21:00:00+01:00","a, b"\ns2, x ,"line1\nline2"\n',
    '\ufeffsubject_id,start\r\ns1,2024\r\n\r\ns2,\r\n',
    'a,b\n"",x\n  ,y\n',
    'a,b\n1,2\n\n\n3,4\n',
    'a,b\n1,2',
])
def test_fast_csv_reader_gives_the_cells_pandas_gives(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8", newline="")
    expected = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""], encoding="utf-8-sig",
                           skip_blank_lines=True)
    pd.testing.assert_frame_equal(read_csv_text(path, "utf-8-sig", ","), expected)


@pytest.mark.parametrize("text", ['a,b,c\n1,2\n', 'a,b\n1,2,3\n', 'a,b\n', 'a,a\n1,2\n', 'a,b\n1,2\n   \n'])
def test_fast_csv_reader_leaves_odd_files_to_pandas(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8", newline="")
    assert read_csv_text(path, "utf-8", ",") is None
    assert read_csv_text(path, "latin-1", ",") is None


def test_duplicates_and_order_as_pandas_finds_them():
    from rollstats.io.combine import DUPLICATE_KEY, duplicates, sort_segments

    segments = _cohort(n=20, nights=30, seed=4)
    again = segments.sample(n=300, random_state=1).assign(source="later.csv")
    near = segments.sample(n=200, random_state=2).assign(duration_s=lambda f: f["duration_s"] + 1)
    table = pd.concat([segments, again, near], ignore_index=True).sample(frac=1.0, random_state=3)
    expected = table.duplicated(subset=list(DUPLICATE_KEY), keep="first")
    pd.testing.assert_series_equal(duplicates(table), expected)
    assert expected.sum() >= 290  # the 300 copies, less those of rows sampled twice
    order = ["subject_id", "start", "source", "source_row"]
    pd.testing.assert_frame_equal(sort_segments(table), table.sort_values(order, kind="stable").reset_index(drop=True))
    in_order = sort_segments(table)
    pd.testing.assert_frame_equal(sort_segments(in_order), in_order)


# --- progress -------------------------------------------------------------------------------------

def test_progress_draws_only_when_shown():
    hidden, shown = io.StringIO(), io.StringIO()
    for stream, show in ((hidden, None), (shown, True)):
        bar = Progress("ingest", total=3, stream=stream, show=show, every_s=0)
        for _ in range(3):
            bar.advance()
        bar.done()
    assert hidden.getvalue() == ""  # a StringIO is no terminal
    assert shown.getvalue().endswith("ingest: 3/3 [#########################] 100% done\n")


def test_command_line_progress_goes_to_stderr(tmp_path, capsys):
    from rollstats.cli import main

    export = tmp_path / "export.csv"
    generate_cohort(n_subjects=3, n_nights=10, seed=1).to_csv(export, index=False)
    assert main(["summary", str(export), "--format", "csv", "--progress"]) == 0
    out, err = capsys.readouterr()
    assert "read " in err and " rows in " in err and "read " not in out
    assert main(["summary", str(export), "--format", "csv"]) == 0
    assert capsys.readouterr().err == ""

"""A native CSV export read in batches (rollstats.io.csvstream) against the general road.

The general road parses the whole file (after csvguard's scan) and checks it in one piece;
the streamed road checks it batch by batch in threads. Both must give the same segments,
rejects (file, row, column, reason) and rows read, on generated hostile files cut into many
small batches, and the reference checks in plain pandas must agree with both. Hostile files
keep their errors: a quote never closed or closed lines later, named by line, a row of
350,000 cells.
"""
from __future__ import annotations

import csv
import re
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ingest_fast_path import tables

import rollstats
from rollstats.errors import IngestError
from rollstats.io import csvfile, csvstream
from rollstats.io.base import canonicalise
from rollstats.io.reference import canonicalise_reference
from rollstats.io.combine import DUPLICATE_KEY, _shared_pairs, combine, duplicates, sort_segments
from rollstats.io.stack import Stack
from rollstats.program import Program

PROGRAM = Program.default()


def write(path: Path, frame: pd.DataFrame) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(frame.columns)
        for row in frame.itertuples(index=False):
            writer.writerow(["" if pd.isna(v) else v for v in row])


def general(path: Path, tz=None):
    raw = csvfile.read(path)
    return canonicalise(raw.frame, str(path), PROGRAM, tz=tz, source_row=raw.source_row)


def assert_same_part(streamed, expected) -> None:
    pd.testing.assert_frame_equal(streamed.segments, expected.segments)
    pd.testing.assert_frame_equal(streamed.rejects, expected.rejects)
    assert streamed.rows_read == expected.rows_read == len(streamed.segments) + len(streamed.rejects)
    assert streamed.unknown_labels.sort_index().to_dict() == expected.unknown_labels.sort_index().to_dict()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(raw=tables(), copies=st.integers(1, 30), tz=st.sampled_from([None, "Europe/Berlin"]))
def test_batches_give_what_the_whole_file_gives_on_hostile_files(tmp_path_factory, raw, copies, tz):
    path = tmp_path_factory.mktemp("stream") / "export.csv"
    write(path, pd.concat([raw] * copies, ignore_index=True))
    streamed = csvstream.canonical(path, PROGRAM, tz, block_bytes=512)  # many batches
    if streamed is None:  # cells the parser splits otherwise: the general road reads the file
        return
    assert_same_part(streamed, general(path, tz))
    cells = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""], index_col=False)
    reference = canonicalise_reference(cells, str(path), PROGRAM, tz=tz)
    pd.testing.assert_frame_equal(streamed.segments, reference.segments)
    pd.testing.assert_frame_equal(streamed.rejects, reference.rejects)


def test_rows_are_numbered_across_batches_and_the_load_is_the_general_one(tmp_path):
    rng = np.random.default_rng(5)
    n = 3000
    start = pd.Timestamp("2026-03-01T20:00") + pd.to_timedelta(rng.integers(0, 60 * 24 * 60, n), unit="min")
    raw = pd.DataFrame({
        "subject_id": rng.choice(["a", "b", " c ", ""], n),
        "start": start.strftime("%Y-%m-%dT%H:%M:%S+01:00"),
        "duration_s": rng.choice(["60", "90.5", "x", "0", "1e3"], n),
        "region": rng.choice(["quads", "thigh", "toes", "Calves"], n),
        "side": rng.choice(["left", "right", "both", "middle"], n),
        "clock": rng.choice(["3", "9", "12", ""], n),
        "notes": rng.choice(["", "fine", 'said "ouch"', "a, b"], n),
    })
    raw.loc[::50, "start"] = raw.loc[::50, "start"].iloc[0]  # some exact duplicates
    path = tmp_path / "export.csv"
    write(path, raw)
    streamed = csvstream.canonical(path, PROGRAM, block_bytes=4096)
    assert streamed is not None
    expected = general(path)
    assert_same_part(streamed, expected)
    # the refused rows, worked out by hand from the cells: row k is the k-th record
    thigh_both = (raw["region"] == "thigh") & raw["clock"].isin(["3", "9"]) & (raw["side"] == "both")
    bad = ((raw["subject_id"].str.strip() == "") | raw["duration_s"].isin(["x", "0"]) | (raw["side"] == "middle")
           | thigh_both)
    assert streamed.rejects["source_row"].tolist() == (np.flatnonzero(bad.to_numpy()) + 1).tolist()
    loaded = rollstats.load(path)
    whole = combine([expected], [str(path)])
    pd.testing.assert_frame_equal(loaded.segments, whole.segments)
    pd.testing.assert_frame_equal(loaded.rejects, whole.rejects)
    pd.testing.assert_frame_equal(loaded.report.files, whole.report.files)
    assert loaded.report.files["duplicates_dropped"].iloc[0] > 0


@pytest.mark.parametrize("cell, why", [
    ("", None), ("7", None), ("n/a", "pain_before: not a number"), ("nan", "pain_before: not a number"),
    ("inf", "pain_before: pain must be on the 0-10 scale"), (" 3", None),
])
def test_numbers_read_by_the_parser_or_as_text_give_the_same_rows(tmp_path, cell, why):
    # every number column is read as numbers by the CSV parser; one cell it cannot read as a
    # finite number sends the file to the reading as text, which names that cell
    lines = ["subject_id,start,duration_s,hold_count,hold_s,pain_before,pain_after"]
    lines += [f"s1,2026-03-0{d}T21:00:00+01:00,{60 + d},{d % 3},{d * 1.5},{d},{10 - d}" for d in range(1, 8)]
    lines.append(f"s2,2026-03-03T21:00:00+01:00,90,,,{cell},")
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    streamed = csvstream.canonical(path, PROGRAM, block_bytes=256)
    assert_same_part(streamed, general(path))
    assert streamed.rejects["reason"].tolist() == ([why] if why else [])
    assert streamed.segments["hold_s"].tolist()[:2] == [1.5, 3.0]  # s1's rows first, in file order
    if why is None:
        last = streamed.segments.iloc[-1]
        assert (last["pain_before"] is pd.NA) if cell == "" else (last["pain_before"] == float(cell))


def test_a_number_column_holding_text_is_read_again_as_text(tmp_path, monkeypatch):
    # the parser reads number columns as numbers; one cell that is not a number makes it read
    # the file a second time with them as text, on the same road (not the general one)
    path = tmp_path / "export.csv"
    path.write_text("subject_id,start,duration_s,pain_before\n"
                    "s1,2026-03-03T21:00:00+01:00,60,n/a\ns1,2026-03-04T21:00:00+01:00,90,3\n", encoding="utf-8")
    reads, real = [], csvstream._read
    monkeypatch.setattr(csvstream, "_read", lambda *a: reads.append(a[3]) or real(*a))
    part = csvstream.canonical(path, PROGRAM)
    assert [str(types["duration_s"]) for types in reads] == ["double", "dictionary<values=string, indices=int32, ordered=0>"]
    assert part.rejects[["source_row", "value", "reason"]].values.tolist() == [[1, "n/a", "pain_before: not a number"]]
    assert part.segments["duration_s"].tolist() == [90.0] and part.segments["pain_before"].tolist() == [3.0]


FOUR = ("subject_id,start,duration_s,notes\n"
        "s1,2026-03-03T21:00:00+01:00,60,a\n"
        "s2,2026-03-04T21:00:00+01:00,60,b\n")


@pytest.mark.parametrize("block", [64, 1 << 20])
def test_a_quote_left_open_on_the_last_line_is_refused_with_its_line(tmp_path, block):
    path = tmp_path / "open.csv"
    path.write_text(FOUR + 's3,2026-03-05T21:00:00+01:00,60,"never closed', encoding="utf-8")
    with pytest.raises(IngestError, match=rf"^{re.escape(str(path))}: line 4: a quoted cell opens here and is "
                                          "never closed"):
        csvstream.canonical(path, PROGRAM, block_bytes=block)
    with pytest.raises(IngestError, match=r": line 4: a quoted cell opens here"):
        rollstats.load(path)


def test_a_quote_left_open_early_in_a_long_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "open.csv"
    rows = "".join(f"s{i},2026-03-05T21:00:00+01:00,60,x\n" for i in range(5000))
    path.write_text(FOUR + 's3,2026-03-05T21:00:00+01:00,60,"oops\n' + rows, encoding="utf-8")
    with pytest.raises(IngestError, match=r": line 4: a quoted cell opens here and is never closed"):
        rollstats.load(path)


def test_a_quote_closed_later_by_a_stray_one_is_refused_naming_both_lines(tmp_path):
    path = tmp_path / "stray.csv"
    rows = "".join(f"s{i},2026-03-05T21:00:00+01:00,60,x\n" for i in range(3000))
    path.write_text(FOUR + rows + 's3,2026-03-05T21:00:00+01:00,60,"oops\ns4,2026-03-06T21:00:00+01:00,60,"b"c\n',
                    encoding="utf-8")
    with pytest.raises(IngestError, match=r": line 3004: the quoted cell that opens here runs on to line 3005"):
        csvstream.canonical(path, PROGRAM, block_bytes=4096)


def test_notes_over_several_lines_pass_the_scan_and_keep_their_rows(tmp_path):
    path = tmp_path / "notes.csv"
    rows = "".join(f"s{i},2026-03-05T21:00:00+01:00,60,x\n" for i in range(2000))
    path.write_text(FOUR + 's9,2026-03-05T22:00:00+01:00,-1,"two\r\nlines"\n' + rows + "s0,bad,60,\n",
                    encoding="utf-8")
    part = csvstream.canonical(path, PROGRAM, block_bytes=4096)
    assert part.rows_read == 2 + 1 + 2000 + 1
    assert part.rejects["source_row"].tolist() == [3, 2004]
    assert part.rejects["reason"].tolist() == ["duration_s: duration of zero or less", "start: unreadable time: "
                                               "expected ISO 8601 such as 2024-03-03T23:50:00+01:00"]


def test_a_data_row_of_350000_cells_leaves_the_stream_and_is_refused_with_its_line(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(FOUR + "x," * 349_999 + "x\n", encoding="utf-8")
    assert csvstream.canonical(path, PROGRAM) is None  # the parser stops at the row
    with pytest.raises(IngestError, match=r": line 4 has 350,000 cells"):
        rollstats.load(path)


@pytest.mark.parametrize("text", [
    "subject_id;start;duration_s\ns1;2026-03-03T21:00:00+01:00;60,5\n",  # a decimal comma
    "subject_id,start,duration_s\ns1,2026-03-03T21:00:00+01:00,60,7\n",  # a row wider than the header
    "subject_id,start,start\ns1,2026-03-03T21:00:00+01:00,x\n",  # a name twice
])
def test_files_the_stream_declines_go_the_general_road(tmp_path, text):
    path = tmp_path / "other.csv"
    path.write_text(text, encoding="utf-8")
    assert csvstream.canonical(path, PROGRAM) is None


@settings(max_examples=200, deadline=None)
@given(a=st.lists(st.integers(-2, 3), min_size=0, max_size=40), sort=st.booleans(), data=st.data())
def test_shared_pairs_are_what_pandas_calls_duplicated_keeping_none(a, sort, data):
    b = data.draw(st.lists(st.integers(0, 3), min_size=len(a), max_size=len(a)))
    pairs = pd.DataFrame({"a": a, "b": b}, dtype="int64")
    if sort:
        pairs = pairs.sort_values(["a", "b"]).reset_index(drop=True)
    expected = pairs.duplicated(keep=False).to_numpy()
    assert _shared_pairs(pairs["a"].to_numpy(), pairs["b"].to_numpy()).tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b", "é", "B"]), st.integers(0, 3), st.sampled_from(["x", "y"]),
                               st.integers(1, 4)), min_size=0, max_size=12))
def test_sorting_in_place_or_not_gives_the_order_by_subject_start_source_row(rows):
    t = pd.DataFrame(rows, columns=["subject_id", "start", "source", "source_row"])
    t = t.astype({"subject_id": "str", "source": "str"})
    t["start"] = pd.to_datetime(t["start"], unit="h", utc=True)
    expected = sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][1], rows[i][2], rows[i][3], i))
    got = sort_segments(t)
    assert got.equals(t.iloc[expected].reset_index(drop=True))


def test_batches_put_from_threads_in_any_order_land_in_file_order():
    kinds = {"d": "utc", "i": "Int64", "f": "float", "c": pd.CategoricalDtype(["x", "y"]), "t": "text", "s": "text"}
    sizes, keeps = (3, 5, 1, 4), (None, np.array([0, 2, 4]), None, np.array([], dtype=np.int64))
    parts, expected = [], []
    for b, k in enumerate(sizes):
        first = sum(sizes[:b])
        us = (np.arange(k) + first) * 60_000_000
        counts, empty = np.arange(k) + 10 * b, np.arange(k) % 2 == 1
        texts = [None if j % 3 == 2 else f"t{first + j}" for j in range(k)]
        parts.append({"d": us, "i": (counts, empty), "f": us / 1e6, "c": (np.arange(k) % 2).astype(np.int8),
                      "t": pa.array(texts), "s": "file.csv"})
        rows = list(range(k)) if keeps[b] is None else keeps[b].tolist()
        expected += [(pd.Timestamp(us[j], unit="us", tz="UTC"), pd.NA if empty[j] else counts[j], us[j] / 1e6,
                      "xy"[j % 2], texts[j], "file.csv") for j in rows]
    stack = Stack(sum(sizes), kinds)
    threads = [threading.Thread(target=stack.put, args=(b, parts[b], keeps[b])) for b in reversed(range(len(sizes)))]
    for t in threads:  # the last batch starts first and must wait for its place
        t.start()
    for t in threads:
        t.join()
    d, i, f, c, t, s = zip(*expected)
    pd.testing.assert_frame_equal(stack.frame(), pd.DataFrame({
        "d": pd.Series(d).astype("datetime64[us, UTC]"), "i": pd.array(i, dtype="Int64"), "f": np.array(f),
        "c": pd.Categorical(c, dtype=kinds["c"]), "t": pd.Series(t, dtype="str"), "s": pd.Series(s, dtype="str")}))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b", "é", None]), st.integers(0, 2), st.sampled_from([60.0, 90.0]),
                               st.sampled_from(["calf", "other"])), min_size=0, max_size=14), sort=st.booleans())
def test_duplicates_in_order_or_not_are_what_pandas_calls_duplicated(rows, sort):
    t = pd.DataFrame(rows, columns=["subject_id", "start", "duration_s", "region"]).astype({"subject_id": "str"})
    t["start"] = pd.to_datetime(t["start"], unit="h", utc=True)
    t["side"], t["activity"] = "left", "rolling"
    if sort:
        t = t.sort_values(["subject_id", "start"], na_position="first").reset_index(drop=True)
    expected = t[list(DUPLICATE_KEY)].duplicated(keep="first")
    assert duplicates(t).tolist() == expected.tolist()


def test_a_semicolon_export_with_decimal_points_streams_as_the_general_road_reads_it(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("subject_id;start;duration_s;hold_s\n" + "".join(
        f"s{i % 3};2026-03-0{1 + i % 9}T21:{i % 60:02d}:00+01:00;60.5;{'x' if i % 7 == 0 else '2.5'}\n"
        for i in range(400)), encoding="utf-8")
    part = csvstream.canonical(path, PROGRAM, block_bytes=1024)
    assert part is not None
    assert_same_part(part, general(path))
    assert part.rejects["source_row"].tolist() == list(range(1, 401, 7))
    assert set(part.segments["duration_s"]) == {60.5}

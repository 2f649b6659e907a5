"""Encodings, delimiters and decimal commas: native CSV files written by hand in each, read to
the segments worked out by hand below."""
from __future__ import annotations

import codecs

import pandas as pd
import pytest

import rollstats
from rollstats.io import text

# Two segments of subject A, worked by hand:
#   row 1: 21:00 at +01:00 -> 20:00 UTC, wall 21:00, night 3 Mar; 90,5 s -> 90.5 s; quads -> thigh_front
#   row 2: 00:30 on 4 Mar at +01:00 -> 23:30 UTC on 3 Mar; before 04:00 -> night 3 Mar;
#          30 s; Gesäß is no alias -> region other, label kept as written
ROWS = [
    ["subject_id", "start", "duration_s", "region", "notes"],
    ["A", "2026-03-03T21:00:00+01:00", "90,5", "quads", "Müde, aber gut"],
    ["A", "2026-03-04T00:30:00+01:00", "30", "Gesäß", ""],
]
EXPECTED = pd.DataFrame({
    "start": pd.to_datetime(["2026-03-03 20:00", "2026-03-03 23:30"]).tz_localize("UTC"),
    "local_start": pd.to_datetime(["2026-03-03 21:00", "2026-03-04 00:30"]),
    "night": pd.to_datetime(["2026-03-03", "2026-03-03"]),
    "duration_s": [90.5, 30.0],
    "region": ["thigh_front", "other"],
    "region_label": ["quads", "Gesäß"],
    "notes": ["Müde, aber gut", None],
    "source_row": [1, 2],
})


def write(tmp_path, name: str, delimiter: str, encoding: str, bom: bytes = b"", rows=ROWS):
    body = "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"
    path = tmp_path / name
    path.write_bytes(bom + body.encode(encoding))
    return path


def check(segments: pd.DataFrame, expected: pd.DataFrame = EXPECTED) -> None:
    for col in expected.columns:
        got = [None if pd.isna(v) else v for v in segments[col].astype(object)]
        want = [None if pd.isna(v) else v for v in expected[col].astype(object)]
        assert got == want, col


@pytest.mark.parametrize("name, delimiter, encoding, bom, codec", [
    ("utf8-bom-semicolon.csv", ";", "utf-8", codecs.BOM_UTF8, "utf-8-sig"),
    ("utf8-semicolon.csv", ";", "utf-8", b"", "utf-8"),
    ("utf16le-tab.csv", "\t", "utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
    ("utf16be-tab.csv", "\t", "utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
    ("utf16le-nobom-tab.csv", "\t", "utf-16-le", b"", "utf-16-le"),
    ("latin1-semicolon.csv", ";", "latin-1", b"", "latin-1"),
    ("latin1-tab.csv", "\t", "latin-1", b"", "latin-1"),
])
def test_native_csv_in_each_encoding_and_delimiter_gives_the_hand_worked_segments(
        tmp_path, name, delimiter, encoding, bom, codec):
    path = write(tmp_path, name, delimiter, encoding, bom)
    dialect = text.sniff(path)
    assert (dialect.encoding, dialect.delimiter, dialect.decimal) == (codec, delimiter, ",")
    segments, rejects, report = rollstats.load(path)
    assert len(rejects) == 0 and report.rows_read == 2 and report.rows_accepted == 2
    check(segments)


def test_windows_1252_is_told_from_latin_1_by_its_quotes_and_euro_sign(tmp_path):
    rows = [r[:] for r in ROWS]
    rows[2][4] = "„gut“ – 5 €"
    path = write(tmp_path, "cp1252.csv", ";", "cp1252", rows=rows)
    assert text.detect_encoding(path) == "cp1252"
    segments, _, _ = rollstats.load(path)
    assert segments["notes"].tolist()[1] == "„gut“ – 5 €"


def test_a_comma_file_with_semicolons_inside_a_column_stays_a_comma_file(tmp_path):
    path = tmp_path / "comma.csv"
    path.write_text("subject_id,start,duration_s,notes\n"
                    "A,2026-03-03T21:00:00+01:00,60,\"a; b; c\"\n"
                    "A,2026-03-04T21:00:00+01:00,45.5,\"x;y\"\n", encoding="utf-8")
    assert text.sniff(path) == text.Dialect("utf-8", ",", ".")
    segments, _, _ = rollstats.load(path)
    assert segments["duration_s"].tolist() == [60.0, 45.5]
    assert segments["notes"].tolist() == ["a; b; c", "x;y"]


def test_a_native_header_decides_the_delimiter_even_when_values_hold_other_ones():
    sample = "subject_id|start|notes\nA|2026-03-03T21:00+01:00|1,2,3\nB|2026-03-03T21:00+01:00|4,5,6\n"
    # commas split every data line into 3 fields too, but only | gives native names
    assert text.sniff_delimiter(sample, names=("subject_id", "start", "notes")) == "|"


@pytest.mark.parametrize("cells, delimiter, expected", [
    ({"d": ["5,5", "12"]}, ";", ","),
    ({"d": ["5,5", "2.5"]}, ";", "."),       # both marks seen: not a decimal-comma file
    ({"d": ["5,5"]}, ",", "."),              # a comma delimiter cannot have decimal commas
    ({"d": ["03.03.2024", "1.234,5"]}, "\t", ","),
    ({"d": ["abc", None]}, ";", "."),
])
def test_decimal_mark_is_sniffed_from_the_cells(cells, delimiter, expected):
    assert text.sniff_decimal(pd.DataFrame(cells), delimiter) == expected


def test_decimal_commas_become_points_and_other_text_is_left_for_the_reader():
    got = text.to_point_decimal(pd.Series(["60,5", "-0,25", "1.234,5", "7", "1,2,3", "x", None]))
    assert got.tolist() == ["60.5", "-0.25", "1234.5", "7", "1,2,3", "x", pd.NA]


def test_a_bad_number_in_a_decimal_comma_file_is_refused_with_its_value(tmp_path):
    rows = [r[:] for r in ROWS]
    rows[2][2] = "3O,5"  # letter O for zero
    path = write(tmp_path, "bad.csv", ";", "utf-8", rows=rows)
    segments, rejects, report = rollstats.load(path)
    assert report.rows_read == 2 and report.rows_accepted == 1 and report.rows_rejected == 1
    assert rejects[["source_row", "column", "value"]].values.tolist() == [[2, "duration_s", "3O,5"]]


def test_an_empty_file_and_a_binary_file_stop_with_one_clear_error(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(rollstats.IngestError, match="empty"):
        rollstats.load(empty)
    binary = tmp_path / "noise.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(rollstats.IngestError, match="noise.csv"):
        rollstats.load(binary)

"""Values Python or Arrow cannot hold as given: a refused row or one clear error, never a traceback."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rollstats.cli import main
from rollstats.errors import IngestError
from rollstats.io import load

START = "2026-03-03T21:00:00+01:00"
HUGE = "9" * 5000  # past Python's 4,300-digit limit for converting text to int


def test_a_json_number_of_5000_digits_is_a_refused_cell_not_a_crash(write_text):
    path = write_text("big.json", f'[{{"subject_id": "a", "start": "{START}", "duration_s": {HUGE}}},'
                                  f' {{"subject_id": "a", "start": "{START}", "duration_s": -{HUGE}}},'
                                  f' {{"subject_id": "b", "start": "{START}", "duration_s": 60}}]')
    segments, rejects, report = load(path)
    assert segments["subject_id"].tolist() == ["b"]
    assert rejects[["source_row", "column", "reason"]].values.tolist() == [
        [1, "duration_s", "duration_s: not a number"], [2, "duration_s", "duration_s: not a number"]]
    assert rejects["value"].tolist() == [HUGE, "-" + HUGE]  # the digits, as written
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (3, 1, 2)


def test_a_json_lines_id_of_5000_digits_keeps_every_digit(write_text):
    path = write_text("big.jsonl", f'{{"subject_id": 1{HUGE}, "start": "{START}", "duration_s": 60}}\n')
    segments, rejects, _ = load(path)
    assert len(rejects) == 0 and segments["subject_id"].tolist() == ["1" + HUGE]


def not_utf8(*cells: bytes) -> pa.Array:
    """Arrow text holding the bytes as given (Arrow does not check them when viewing binary as text)."""
    return pa.array(list(cells), type=pa.binary()).view(pa.string())


@pytest.mark.parametrize("column, make", [
    ("notes", lambda a: a),
    ("region", lambda a: a.dictionary_encode()),                  # pandas reads it as a category
    ("Subject_ID", lambda a: a.cast(pa.large_string())),
])
def test_parquet_text_that_is_not_utf8_is_an_error_naming_file_column_and_rows(tmp_path, column, make):
    cells = not_utf8(b"fine", b"caf\xe9", b"ok", b"\xff\xfe")  # rows 2 and 4: Latin-1 and garbage
    table = {"start": [START] * 4, "duration_s": [60, 61, 62, 63], column: make(cells)}
    if column != "Subject_ID":  # (where it is, that column is the subject id)
        table["subject_id"] = ["a"] * 4
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table(table), path)
    message = (f"{path}: column '{column}', rows 2, 4: bytes that are not UTF-8 text (2 such cells in the "
               "column): the file is damaged or was not written as UTF-8")
    with pytest.raises(IngestError) as caught:
        load(path)
    assert str(caught.value) == message


def test_parquet_text_that_is_not_utf8_in_a_column_rollstats_does_not_read_is_left_alone(tmp_path, capsys):
    path = tmp_path / "extra.parquet"
    pq.write_table(pa.table({"subject_id": ["a"], "start": [START], "duration_s": [60],
                             "comment": not_utf8(b"\xff")}), path)
    segments, rejects, _ = load(path)
    assert len(segments) == 1 and len(rejects) == 0
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"subject_id": not_utf8(b"\xff"), "start": [START], "duration_s": [60]}), bad)
    assert main(["ingest", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "column 'subject_id', row 1: bytes that are not UTF-8" in err

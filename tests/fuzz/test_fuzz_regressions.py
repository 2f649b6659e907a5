"""Bugs the fuzz suite found in the readers, each pinned by a small file built by hand.

Before each fix the file named here raised an exception that is not a RollstatsError, lost or
changed a value, or was refused although it is well formed.
"""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import rollstats
from rollstats.errors import IngestError

START = "2026-03-03T21:00:00+01:00"


def identity_holds(result) -> bool:
    r = result.report
    return (r.rows_read == r.rows_accepted + r.duplicates_dropped + r.rows_rejected
            and len(result.segments) == r.rows_accepted and len(result.rejects) == r.rows_rejected)


def test_float_cells_that_are_not_exact_integers_keep_their_value(tmp_path):
    # a float column holding inf raised IntCastingNaNError; 1e20 became "-9223372036854775808"
    path = tmp_path / "floats.parquet"
    pd.DataFrame({"subject_id": [1e20, np.inf, 17.0], "start": [START] * 3,
                  "duration_s": [60.0, 60.0, 1e20]}).to_parquet(path)
    result = rollstats.load(path)
    assert identity_holds(result)
    assert sorted(result.segments["subject_id"]) == ["1e+20", "inf"]
    assert result.rejects[["value", "reason"]].values.tolist() == [
        ["1e+20", "duration_s: longer than limits.max_segment_s = 3600 s: implausible"]]


def test_apple_workout_of_infinite_duration_is_refused_not_a_crash(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text('<HealthData><Workout workoutActivityType="HKWorkoutActivityTypePreparationAndRecovery" '
                    'duration="inf" durationUnit="min" startDate="2026-03-03 21:30:00 +0100"/></HealthData>')
    result = rollstats.load(path)
    assert identity_holds(result) and result.rejects["column"].tolist() == ["duration_s"]


@pytest.mark.parametrize("where", ["column", "option"])
def test_a_folder_of_zones_is_an_unknown_zone(tmp_path, where):
    # zoneinfo.ZoneInfo("Europe") raises IsADirectoryError, which known_zone let through
    path = tmp_path / "zones.csv"
    if where == "column":
        path.write_text("subject_id,start,duration_s,tz\ns1,2026-03-03T21:00:00,60,Europe\n")
        result = rollstats.load(path)
    else:
        path.write_text("subject_id,start,duration_s\ns1,2026-03-03T21:00:00,60\n")
        result = rollstats.load(path, tz="Europe")
    assert identity_holds(result)
    assert result.rejects["reason"].tolist() == ["start: unknown time zone 'Europe'"]


def test_aware_times_with_a_folder_of_zones_in_the_tz_column(tmp_path):
    path = tmp_path / "aware.parquet"
    pd.DataFrame({"subject_id": ["a"], "duration_s": [60], "tz": ["Europe"],
                  "start": pd.to_datetime(["2026-03-03 21:00"]).tz_localize("Europe/Berlin")}).to_parquet(path)
    assert identity_holds(rollstats.load(path))


@pytest.mark.parametrize("count", ["1e30", "Infinity"])
def test_a_hold_count_too_large_for_a_count_is_refused(tmp_path, count):
    # accepted as a whole number, then astype("Int64") raised OverflowError
    path = tmp_path / "holds.json"
    path.write_text(f'[{{"subject_id": "s1", "start": "{START}", "duration_s": 60, "hold_count": {count}}}]')
    result = rollstats.load(path)
    assert identity_holds(result)
    assert result.rejects["reason"].tolist() == ["hold_count: too large for a count of holds"]


def test_binary_parquet_cells_that_are_not_utf8(tmp_path):
    # astype("string") of bytes b"\xff" raised UnicodeDecodeError
    path = tmp_path / "binary.parquet"
    pq.write_table(pa.table({"subject_id": pa.array([b"s1", b"\xff"], pa.binary()), "start": [START, START],
                             "duration_s": [60, 61]}), path)
    result = rollstats.load(path)
    assert identity_holds(result)
    assert sorted(result.segments["subject_id"]) == ["s1", "\ufffd"]


@pytest.mark.parametrize("name, text", [
    ("twice.csv", f"subject_id,start,Start,duration_s\ns1,{START},x,60\n"),
    ("twice.json", f'[{{"subject_id": "s1", "start": "{START}", " START ": "x", "duration_s": 60}}]'),
], ids=["csv", "json"])
def test_a_native_column_given_twice_is_refused_by_name(tmp_path, name, text):
    # raw["start"] was a DataFrame: AttributeError 'DataFrame' object has no attribute 'dtype'
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(IngestError, match=rf"{name}: column 'start' appears more than once"):
        rollstats.load(path)


def test_an_unused_column_given_twice_is_harmless(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(f"subject_id,start,duration_s,Device,device\ns1,{START},60,a,b\n")
    assert len(rollstats.load(path).segments) == 1


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000],
                         ids=["arrays", "objects"])
def test_deeply_nested_json_is_refused(tmp_path, text):
    # json.loads raised RecursionError
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(IngestError, match="deep.json: .*nested too deeply"):
        rollstats.load(path)


def test_json_lines_may_hold_unicode_line_separators_in_strings(tmp_path):
    # str.splitlines broke the record at U+2028: "line 1 is not valid JSON"
    path = tmp_path / "notes.jsonl"
    record = {"subject_id": "s1", "start": START, "duration_s": 60, "notes": "a\u2028b\u2029c\x85d"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\r\n\n" + json.dumps(record | {"duration_s": 61},
                                                                                  ensure_ascii=False))
    result = rollstats.load(path)
    assert result.report.rows_accepted == 2
    assert result.segments["notes"].tolist()[0] == "a\u2028b\u2029c\x85d"


def test_a_damaged_parquet_file_is_refused_in_one_line(tmp_path):
    path = tmp_path / "cut.parquet"
    buffer = io.BytesIO()
    pq.write_table(pa.table({"subject_id": ["s1"], "start": [START], "duration_s": [60]}), buffer)
    data = buffer.getvalue()
    for damaged in (data[:-9], data[:40] + bytes([data[40] ^ 0xFF]) + data[41:], b"PAR1" + data[4:-12] + b"PAR1"):
        path.write_bytes(damaged)
        try:
            rollstats.load(path)
        except IngestError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(str(path))


def _workbook(sheet_rows: str, shared: str = "") -> bytes:
    import fuzzgen

    data = io.BytesIO(fuzzgen.workbook_bytes([], []))
    buffer = io.BytesIO()
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            text = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = text.replace(b"<sheetData></sheetData>", f"<sheetData>{sheet_rows}</sheetData>".encode())
            if item.filename == "xl/sharedStrings.xml" and shared:
                text = shared.encode()
            target.writestr(item, text)
    return buffer.getvalue()


HEADER = ('<row r="1"><c r="A1" t="inlineStr"><is><t>subject_id</t></is></c><c r="B1" t="inlineStr"><is><t>start'
          '</t></is></c><c r="C1" t="inlineStr"><is><t>duration_s</t></is></c></row>')


@pytest.mark.parametrize("rows", [
    '<row r="2"><c r="A2" t="s"><v>99</v></c></row>',  # a shared string that is not there: IndexError
    '<row r="2"><c r="A2" t="inlineStr"><is><t>s1</t></is></c>',  # cut short: ParseError
], ids=["missing-shared-string", "cut-xml"])
def test_a_damaged_workbook_is_refused_not_a_crash(tmp_path, rows):
    path = tmp_path / "book.xlsx"
    path.write_bytes(_workbook(HEADER + rows))
    with pytest.raises(IngestError, match="book.xlsx: not a readable XLSX workbook"):
        rollstats.load(path)


def test_a_workbook_whose_styles_openpyxl_cannot_read_is_refused(tmp_path):
    # <fill/> without a pattern: openpyxl raised TypeError "Fill() takes no arguments"
    path = tmp_path / "styles.xlsx"
    good = _workbook(HEADER)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            text = source.read(item)
            if item.filename == "xl/styles.xml":
                text = text.replace(b'<fill><patternFill patternType="none"/></fill>', b"<fill/>")
            target.writestr(item, text)
    path.write_bytes(buffer.getvalue())
    with pytest.raises(IngestError, match="styles.xlsx: not a readable XLSX workbook"):
        rollstats.load(path)


def test_workbook_text_that_reads_like_na_is_kept(tmp_path):
    # pandas' default NA words made "NA", "null", "nan" missing cells in XLSX only: subject "NA"
    # refused as missing, a row of such words dropped without a count
    frame = pd.DataFrame({"subject_id": ["NA", "null", "s1", "n/a"], "start": [START, START, START, "NaN"],
                          "duration_s": ["60", "61", "nan", "NULL"]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_excel(tmp_path / "t.xlsx", index=False)
    by_csv, by_xlsx = rollstats.load(tmp_path / "t.csv"), rollstats.load(tmp_path / "t.xlsx")
    assert by_xlsx.report.rows_read == 4 and identity_holds(by_xlsx)
    assert sorted(by_xlsx.segments["subject_id"]) == sorted(by_csv.segments["subject_id"]) == ["NA", "null"]
    assert by_xlsx.rejects["reason"].tolist() == by_csv.rejects["reason"].tolist()


def test_a_zip_member_with_damaged_deflate_data(tmp_path):
    # zlib.error escaped the zip guard's stream
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Habits.csv", "Position,Name,Type\n001,Foam rolling,YES_NO\n" * 20)
        archive.writestr("001 Foam rolling/Checkmarks.csv", "Date,Value\n2026-03-03,YES_MANUAL\n")
    data = bytearray(buffer.getvalue())
    start = data.index(b"Habits.csv") + len(b"Habits.csv")
    for i in range(start, start + 12):
        data[i] ^= 0x5A
    path = tmp_path / "Loop Habits CSV.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(IngestError, match="Loop Habits CSV.zip"):
        rollstats.load(path)


def test_times_outside_the_years_metrics_can_compute_are_refused(tmp_path):
    # 2262-04-12 was accepted; summarize and nights then raised OutOfBoundsDatetime
    path = tmp_path / "far.csv"
    path.write_text("subject_id,start,duration_s\ns1,2262-04-12T00:00:00Z,60\ns1,1677-09-21T00:12:43Z,60\n"
                    "s1,9999-12-31T23:59:59+14:00,60\ns1,2026-03-03T21:00:00Z,60\n")
    result = rollstats.load(path)
    assert identity_holds(result) and result.report.rows_rejected == 3
    assert set(result.rejects["reason"]) == {"start: outside the years 1678-2261: not a plausible time"}
    rollstats.summarize(result.segments)
    rollstats.nights(result.segments)


def test_a_trailing_delimiter_does_not_shift_the_columns(tmp_path):
    # pandas took the first column for an index: subject_id got the start time, start the duration
    path = tmp_path / "trailing.csv"
    path.write_text(f"subject_id;start;duration_s\ns1;{START};60;\ns2;{START};61;\n")
    result = rollstats.load(path)
    assert result.report.rows_accepted == 2
    assert sorted(result.segments["subject_id"]) == ["s1", "s2"]


def test_a_cell_past_the_header_is_refused_not_dropped(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(f"subject_id,start,duration_s\ns1,{START},60,left\n")
    with pytest.raises(IngestError, match="extra.csv: .*more cells than the header"):
        rollstats.load(path)


@pytest.mark.parametrize("name, data, match", [
    ("header.csv", b'subject_id,"st\nart",duration_s\ns1,x,60\n', r"columns found: subject_id, st\\nart"),
    ("members.zip", None, r"it holds: 'line\\nbreak.txt'"),
], ids=["column-name", "zip-member"])
def test_errors_naming_what_the_file_holds_stay_on_one_line(tmp_path, name, data, match):
    path = tmp_path / name
    if data is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("line\nbreak.txt", "x")
    else:
        path.write_bytes(data)
    with pytest.raises(IngestError, match=match) as caught:
        rollstats.load(path)
    assert "\n" not in str(caught.value)


def test_an_apps_table_with_a_trailing_delimiter_keeps_its_columns(tmp_path):
    # the same shift in rollstats.io.text, the reader behind mapping files
    from rollstats.io import text

    path = tmp_path / "app.csv"
    path.write_text("Datum;Dauer;Wer\n03.03.2026 21:30;5,5;P1;\n")
    frame, _ = text.read_table(path)
    assert frame.values.tolist() == [["03.03.2026 21:30", "5,5", "P1"]]
    path.write_text("Datum;Dauer;Wer\n03.03.2026 21:30;5,5;P1;x\n")
    with pytest.raises(IngestError, match="app.csv: .*more cells than the header"):
        text.read_table(path)

"""File-level errors, folders, and every native format giving the same segments as the CSV."""
from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from rollstats.errors import IngestError
from rollstats.io import load

CSV = (
    "subject_id,start,duration_s,region,side,activity,trigger,hold_count,hold_s,pain_before,pain_after,notes\n"
    "s1,2026-03-03T23:50:00+01:00,90,quads,left,,,3,30,4,2,felt good\n"
    "s1,2026-03-04T00:30:00+01:00,120,IT band,right,rolling,symptom,,,,,\n"
    "s2,2026-03-04T21:00:00+01:00,600,,,strength training,,,,,,\n"
)

# The same three records as native values.
RECORDS = [
    {"subject_id": "s1", "start": "2026-03-03T23:50:00+01:00", "duration_s": 90, "region": "quads",
     "side": "left", "activity": None, "trigger": None, "hold_count": 3, "hold_s": 30,
     "pain_before": 4, "pain_after": 2, "notes": "felt good"},
    {"subject_id": "s1", "start": "2026-03-04T00:30:00+01:00", "duration_s": 120, "region": "IT band",
     "side": "right", "activity": "rolling", "trigger": "symptom", "hold_count": None, "hold_s": None,
     "pain_before": None, "pain_after": None, "notes": None},
    {"subject_id": "s2", "start": "2026-03-04T21:00:00+01:00", "duration_s": 600, "region": None,
     "side": None, "activity": "strength training", "trigger": None, "hold_count": None, "hold_s": None,
     "pain_before": None, "pain_after": None, "notes": None},
]


def _comparable(segments: pd.DataFrame) -> pd.DataFrame:
    return segments.drop(columns=["source"]).reset_index(drop=True)


@pytest.fixture
def csv_segments(write_text):
    segments, rejects, _ = load(write_text("native.csv", CSV))
    assert len(rejects) == 0
    return segments


def test_csv_values_by_hand(csv_segments):
    s = csv_segments
    assert s["subject_id"].tolist() == ["s1", "s1", "s2"]
    # 23:50 +01:00 = 22:50 UTC; 00:30 +01:00 = 23:30 UTC on 3 Mar; 21:00 +01:00 = 20:00 UTC on 4 Mar
    assert s["start"].tolist() == [pd.Timestamp("2026-03-03 22:50", tz="UTC"),
                                   pd.Timestamp("2026-03-03 23:30", tz="UTC"),
                                   pd.Timestamp("2026-03-04 20:00", tz="UTC")]
    assert s["local_start"].tolist() == [pd.Timestamp("2026-03-03 23:50"), pd.Timestamp("2026-03-04 00:30"),
                                         pd.Timestamp("2026-03-04 21:00")]
    # 23:50 and 00:30 both belong to the night of 3 Mar; 21:00 on 4 Mar to 4 Mar
    assert s["night"].tolist() == [pd.Timestamp("2026-03-03")] * 2 + [pd.Timestamp("2026-03-04")]
    assert s["duration_s"].tolist() == [90.0, 120.0, 600.0]
    assert s["region"].tolist() == ["thigh_front", "thigh_lateral", "unspecified"]
    assert s["side"].tolist()[:2] == ["left", "right"] and pd.isna(s["side"].iloc[2])
    assert s["activity"].tolist() == ["rolling", "rolling", "strengthening"]
    assert s["trigger"].tolist() == ["routine", "symptom", "routine"]
    assert s["hold_count"].iloc[0] == 3 and s["hold_s"].iloc[0] == 30.0
    assert s["hold_count"].iloc[1:].isna().all()
    assert (s["pain_before"].iloc[0], s["pain_after"].iloc[0]) == (4.0, 2.0)
    assert s["notes"].iloc[0] == "felt good" and s["notes"].iloc[1:].isna().all()
    assert s["source_row"].tolist() == [1, 2, 3]


def test_csv_with_bom(write_text, csv_segments):
    path = write_text("bom.csv", CSV, encoding="utf-8-sig")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    pd.testing.assert_frame_equal(_comparable(segments), _comparable(csv_segments))


def test_json_array(tmp_path, csv_segments):
    path = tmp_path / "native.json"
    path.write_text(json.dumps(RECORDS, indent=2), encoding="utf-8")
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    pd.testing.assert_frame_equal(_comparable(segments), _comparable(csv_segments))


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson"])
def test_json_lines(tmp_path, csv_segments, suffix):
    path = tmp_path / f"native{suffix}"
    # a blank line between records is allowed
    path.write_text(json.dumps(RECORDS[0]) + "\n\n" + "\n".join(json.dumps(r) for r in RECORDS[1:]) + "\n",
                    encoding="utf-8")
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    pd.testing.assert_frame_equal(_comparable(segments), _comparable(csv_segments))


def test_parquet_with_aware_datetimes(tmp_path, csv_segments):
    frame = pd.DataFrame(RECORDS)
    # a real datetime column: Berlin time in March 2026 is +01:00, as the CSV offsets say
    frame["start"] = pd.to_datetime(["2026-03-03 23:50", "2026-03-04 00:30", "2026-03-04 21:00"]).tz_localize("Europe/Berlin")
    frame["duration_s"] = frame["duration_s"].astype("float64")
    frame["hold_count"] = frame["hold_count"].astype("Int64")
    for column in ("hold_s", "pain_before", "pain_after"):
        frame[column] = frame[column].astype("Float64")
    path = tmp_path / "native.parquet"
    frame.to_parquet(path)
    assert isinstance(pd.read_parquet(path)["start"].dtype, pd.DatetimeTZDtype)
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    pd.testing.assert_frame_equal(_comparable(segments), _comparable(csv_segments))


def test_xlsx_with_text_times(tmp_path, csv_segments):
    path = tmp_path / "native.xlsx"
    pd.DataFrame(RECORDS).to_excel(path, index=False)
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    pd.testing.assert_frame_equal(_comparable(segments), _comparable(csv_segments))


def test_xlsx_with_datetime_cells_and_a_zone(tmp_path, csv_segments):
    # spreadsheets cannot hold a zone: naive datetime cells, read in the zone given to load()
    frame = pd.DataFrame(RECORDS)
    frame["start"] = pd.to_datetime(["2026-03-03 23:50", "2026-03-04 00:30", "2026-03-04 21:00"])
    path = tmp_path / "cells.xlsx"
    frame.to_excel(path, index=False)
    segments, rejects, _ = load(path, tz="Europe/Berlin")
    assert len(rejects) == 0
    pd.testing.assert_frame_equal(_comparable(segments), _comparable(csv_segments))


def test_xlsx_rows_are_counted_after_empty_rows(tmp_path):
    path = tmp_path / "gaps.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["subject_id", "start", "duration_s", "region"])
    sheet.append(["s1", "2026-03-03T22:00+01:00", 60, "quads"])   # data row 1
    sheet.append([None, None, None, None])                        # data row 2: empty, skipped
    sheet.append(["s1", "2026-03-03T22:05+01:00", -1, "quads"])   # data row 3: refused
    book.save(path)
    segments, rejects, report = load(path)
    assert segments["source_row"].tolist() == [1]
    assert rejects["source_row"].tolist() == [3]
    assert report.rows_read == 2


# --- file-level errors ------------------------------------------------------------------------

def test_missing_required_column(write_text):
    path = write_text("nostart.csv", "subject_id,duration_s,region\ns1,60,quads\n")
    with pytest.raises(IngestError) as err:
        load(path)
    assert "nostart.csv" in str(err.value)
    assert "'start'" in str(err.value)


def test_missing_end_and_duration_columns(write_text):
    path = write_text("nolength.csv", "subject_id,start,region\ns1,2026-03-03T22:00+01:00,quads\n")
    with pytest.raises(IngestError) as err:
        load(path)
    assert "nolength.csv" in str(err.value)
    assert "end or duration_s" in str(err.value)


@pytest.mark.parametrize("name", ["empty.csv", "empty.json", "empty.jsonl"])
def test_empty_file(write_text, name):
    path = write_text(name, "")
    with pytest.raises(IngestError) as err:
        load(path)
    assert name in str(err.value)
    assert "empty" in str(err.value)


def test_unknown_suffix(write_text):
    path = write_text("export.txt", "subject_id,start,duration_s\n")
    with pytest.raises(IngestError) as err:
        load(path)
    assert "export.txt" in str(err.value)
    assert "'.txt'" in str(err.value)


def test_broken_json_array_names_the_line(write_text):
    path = write_text("broken.json", '[\n  {"subject_id": "s1"},\n  {"subject_id": s2}\n]\n')
    with pytest.raises(IngestError) as err:
        load(path)
    # the bad value s2 is on line 3
    assert "broken.json" in str(err.value)
    assert "line 3" in str(err.value)


def test_broken_json_lines_names_the_line(write_text):
    path = write_text("broken.jsonl", '{"subject_id": "s1"}\n{"subject_id": "s2"\n')
    with pytest.raises(IngestError) as err:
        load(path)
    assert "broken.jsonl" in str(err.value)
    assert "line 2" in str(err.value)


def test_json_record_not_an_object(write_text):
    path = write_text("list.json", '[{"subject_id": "s1"}, [1, 2]]')
    with pytest.raises(IngestError) as err:
        load(path)
    assert "list.json" in str(err.value) and "record 2" in str(err.value)


def test_nonexistent_path(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(IngestError) as err:
        load(path)
    assert "nowhere.csv" in str(err.value)


def test_not_a_workbook(write_text):
    path = write_text("fake.xlsx", "subject_id,start\n")
    with pytest.raises(IngestError) as err:
        load(path)
    assert "fake.xlsx" in str(err.value)


def test_not_a_parquet_file(write_text):
    path = write_text("fake.parquet", "subject_id,start\n")
    with pytest.raises(IngestError) as err:
        load(path)
    assert "fake.parquet" in str(err.value)


def test_folder_reads_every_file_inside(write_text, tmp_path):
    write_text("exports/a.csv", "subject_id,start,duration_s,region\ns1,2026-03-03T22:00+01:00,60,quads\n")
    write_text("exports/more/b.jsonl",
               '{"subject_id": "s2", "start": "2026-03-03T22:00+01:00", "duration_s": 90, "region": "calves"}\n')
    write_text("exports/readme.md", "not an export\n")
    segments, rejects, report = load(tmp_path / "exports")
    assert len(rejects) == 0
    # one segment from each readable file; the .md file is not read
    assert sorted(report.files["source"]) == [str(tmp_path / "exports" / "a.csv"),
                                              str(tmp_path / "exports" / "more" / "b.jsonl")]
    assert segments["subject_id"].tolist() == ["s1", "s2"]
    assert segments["duration_s"].tolist() == [60.0, 90.0]


def test_folder_without_readable_files(write_text, tmp_path):
    write_text("nothing/readme.md", "no exports here\n")
    with pytest.raises(IngestError) as err:
        load(tmp_path / "nothing")
    assert "nothing" in str(err.value)


def test_header_only_file_reads_no_rows(write_text):
    path = write_text("header.csv", "subject_id,start,duration_s,region\n")
    segments, rejects, report = load(path)
    assert len(segments) == 0 and len(rejects) == 0
    assert report.rows_read == 0

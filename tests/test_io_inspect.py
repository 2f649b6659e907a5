"""`rollstats inspect` on real exports of other apps (Garmin Connect, Strong, Strava; see
tests/fixtures/README.md) and on the shipped sample: which column is the length, the start, the
subject; one-person exports; thigh labels read with their clock. Each suggested mapping is then
used as it is, and what it reads is checked against values worked out by hand."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

import rollstats
from rollstats.cli import main
from rollstats.io.inspect import suggest_mapping

FIXTURES = Path(__file__).parent / "fixtures"
GARMIN = FIXTURES / "garmin-connect-activities-head.csv"
STRONG = FIXTURES / "strong-export-head.csv"
STRAVA = FIXTURES / "strava-activities-head.csv"
PATIENT = Path(__file__).parent.parent / "sample_data" / "patient.csv"


def suggested(path: Path, tmp_path: Path, zone: str) -> tuple[dict, str, Path]:
    text = suggest_mapping(path, zone=zone)
    mapping = tmp_path / f"{path.stem}.toml"
    mapping.write_text(text, encoding="utf-8")
    return tomllib.loads(text), text, mapping


def counts(report) -> tuple[int, int, int, int]:
    return report.rows_read, report.rows_accepted, report.duplicates_dropped, report.rows_rejected


def test_garmin_activities_length_is_the_time_column_never_a_temperature_or_heart_rate(tmp_path):
    data, text, mapping = suggested(GARMIN, tmp_path, "Europe/London")
    # Time (00:17:01) is the activity's length; Elapsed Time and Moving Time rank after it;
    # Min Temp, Avg HR, Calories, Distance, Best Lap Time and Avg Pace are other measures
    assert data["columns"] == {"start": "Date", "duration_s": "Time"}
    assert data["units"] == {"duration": "mm:ss"}
    assert "format" not in data["time"] and data["time"]["zone"] == "Europe/London"
    # no subject column: a one-person export, named by the file until --subject names it
    assert data["constants"] == {"subject_id": "garmin-connect-activities-head"}
    assert "--subject" in text
    segments, rejects, report = rollstats.load(GARMIN, mapping=mapping)
    # by hand: 00:17:01 = 1021 s ... 01:10:09 (row 13) and 01:37:00 (row 18) are over the
    # card's 3600 s limit for one segment and refused with their rows
    assert counts(report) == (20, 18, 0, 2)
    assert rejects["source_row"].tolist() == [13, 18] and set(rejects["column"]) == {"Time"}
    first = segments.set_index("source_row").loc[1]
    assert (first["start"], first["duration_s"]) == (pd.Timestamp("2026-01-04 12:38:59", tz="UTC"), 1021.0)
    assert segments.set_index("source_row").loc[20, "duration_s"] == 1106.0     # 00:18:26


def test_strong_workout_and_exercise_names_are_not_subjects(tmp_path):
    data, text, mapping = suggested(STRONG, tmp_path, "Europe/Berlin")
    # Duration ("2h 18m") is no number nor h:mm:ss; Seconds is each set's length
    assert data["columns"] == {"start": "Date", "duration_s": "Seconds"}
    assert data["units"] == {"duration": "s"}
    assert data["constants"] == {"subject_id": "strong-export-head"}
    assert "# columns not read: Workout Name, Duration, Exercise Name, Set Order, Weight, Reps" in text
    segments, rejects, report = rollstats.load(STRONG, mapping=mapping)
    # 80 sets: 78 weight sets of 0 s are refused; the two Plank sets of 90 s (rows 73, 74) share
    # their workout's start (Strong dates each set with its workout), so the second is a duplicate
    assert counts(report) == (80, 1, 1, 78)
    assert set(rejects["reason"]) == {"duration_s: duration of zero or less"}
    assert segments[["source_row", "duration_s"]].values.tolist() == [[73, 90.0]]
    assert segments["start"].iloc[0] == pd.Timestamp("2021-02-17 17:18:29", tz="UTC")   # 18:18:29 CET


def test_strava_activity_name_and_id_are_not_subjects_and_empty_columns_take_no_role(tmp_path):
    data, _, mapping = suggested(STRAVA, tmp_path, "UTC")
    # Activity Name / Activity ID name activities, Athlete Weight is a weight; Uphill Time,
    # Activity Description and Activity Private Note are empty in these rows
    assert data["columns"] == {"start": "Activity Date", "duration_s": "Elapsed Time"}
    assert data["time"]["format"] == "%b %d, %Y, %I:%M:%S %p"
    assert data["units"] == {"duration": "s"}
    segments, rejects, report = rollstats.load(STRAVA, mapping=mapping)
    # elapsed seconds by hand: rows 1, 3, 4, 6, 13 (2833, 2354, 3377, 2600, 2177) are within
    # 3600 s; the 15 others are longer rides, refused
    assert counts(report) == (20, 5, 0, 15)
    rows = segments.set_index("source_row").sort_index()
    assert rows.index.tolist() == [1, 3, 4, 6, 13]
    assert rows["duration_s"].tolist() == [2833.0, 2354.0, 3377.0, 2600.0, 2177.0]
    assert rows.loc[1, "start"] == pd.Timestamp("2014-10-05 16:15:21", tz="UTC")    # Oct 5, 2014, 4:15:21 PM


def test_thigh_is_read_with_the_clock_column_and_the_mapping_reads_the_sample_as_natively(tmp_path):
    data, text, mapping = suggested(PATIENT, tmp_path, "UTC")
    assert data["columns"]["clock"] == "clock" and data["columns"]["region"] == "region"
    assert "regions" not in data and '"thigh"' not in text
    native = rollstats.load(PATIENT).segments
    mapped = rollstats.load(PATIENT, mapping=mapping).segments
    columns = ["subject_id", "start", "duration_s", "region", "side", "activity", "hold_s", "source_row"]
    pd.testing.assert_frame_equal(native[columns], mapped[columns])
    # the first row, thigh at 8 o'clock on the left leg, is the right leg's 4: outer back
    assert mapped.set_index("source_row").loc[1, "region"] == "thigh_outer_back"


def test_without_a_clock_column_thigh_is_not_sent_to_other(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("who,when,seconds,area\nann,2024-03-03T21:30:00+01:00,60,thigh\n"
                    "ann,2024-03-04T21:30:00+01:00,60,Piriformis\n", encoding="utf-8")
    data, text, mapping = suggested(path, tmp_path, "UTC")
    assert data["regions"] == {"Piriformis": "other"}
    assert "# no clock column: 'thigh' rows count as hips-and-legs rolling of unspecified region" in text
    segments = rollstats.load(path, mapping=mapping).segments
    assert segments["region"].tolist() == ["unspecified", "other"]


@pytest.mark.parametrize("header, row, length", [
    # measures named with a length word are not lengths; the length column is
    ("date,Min Temp,Max HR,Calories,Distance (km),Duration (min)",
     "2024-03-03 21:30,12,150,80,2.5,1.5", "Duration (min)"),
    # no length at all: none is made up, the mapping asks for it
    ("date,Min Temp,Avg HR", "2024-03-03 21:30,12,150", None),
    # a Hevy-like set log: the title and the exercise's title are no subjects
    ("title,start_time,exercise_title,duration_seconds", "Leg day,2024-03-03 21:30,Foam Roller,90",
     "duration_seconds"),
])
def test_a_length_column_is_a_length_of_time(tmp_path, header, row, length):
    path = tmp_path / "export.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    data, text, _ = suggested(path, tmp_path, "UTC")
    assert data["columns"].get("duration_s") == length
    assert "subject_id" not in data["columns"]
    assert ('# duration_s = "?"' in text) == (length is None)


def test_a_time_column_beside_a_date_is_the_time_of_day_not_a_length(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Date,Time,Minutes\n03.03.2024,21:30,2\n04.03.2024,00:15,1\n", encoding="utf-8")
    data, _, mapping = suggested(path, tmp_path, "Europe/Berlin")
    assert data["columns"] == {"start": ["Date", "Time"], "duration_s": "Minutes"}
    segments = rollstats.load(path, mapping=mapping).segments
    assert segments["duration_s"].tolist() == [120.0, 60.0]
    assert segments["start"].tolist() == [pd.Timestamp("2024-03-03 20:30", tz="UTC"),
                                          pd.Timestamp("2024-03-03 23:15", tz="UTC")]


def test_command_line_subject_names_the_person_of_a_one_person_export(tmp_path, capsys):
    mapping = tmp_path / "garmin.toml"
    assert main(["inspect", str(GARMIN), "--tz", "Europe/London", "-o", str(mapping)]) == 0
    out = tmp_path / "segments.parquet"
    assert main(["ingest", str(GARMIN), "--mapping", str(mapping), "--subject", "P7", "-o", str(out)]) == 0
    assert set(pd.read_parquet(out)["subject_id"]) == {"P7"}
    assert main(["ingest", str(GARMIN), "--mapping", str(mapping), "-o", str(out)]) == 0
    assert set(pd.read_parquet(out)["subject_id"]) == {"garmin-connect-activities-head"}

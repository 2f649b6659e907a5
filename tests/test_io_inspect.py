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


def test_strong_duration_is_the_workouts_length_and_seconds_each_sets_mostly_zero(tmp_path):
    data, text, mapping = suggested(STRONG, tmp_path, "Europe/Berlin")
    # Duration ("2h 18m") is the whole workout's length, repeated on each of its sets; Seconds is
    # a set's own timed seconds: 0 on 78 of the 80 sets (only the two Plank sets, rows 73-74,
    # hold 90), and it differs between the sets of the workout of 17 Feb
    assert data["columns"] == {"start": "Date", "duration_s": "Duration"}
    assert data["units"] == {"duration": "h m s"}
    assert data["constants"] == {"subject_id": "strong-export-head"}
    assert ("# also a length, not taken: Seconds (0 or empty on 78 of 80 rows; differs between rows "
            "that share a start") in text
    assert "the same on every row of a start (80 rows, 6 starts)" in text
    assert "# 80 of the 80 rows last longer than 3600 s" in text
    assert "# columns not read: Workout Name, Exercise Name, Set Order, Weight, Reps, Distance, Seconds" in text
    segments, rejects, report = rollstats.load(STRONG, mapping=mapping)
    # the six workouts by hand (rows: length): 1-18 2h 18m = 8280 s, 19-31 1h 51m = 6660 s,
    # 32-49 1h 40m = 6000 s, 50-57 1h 30m = 5400 s, 58-74 1h 37m = 5820 s, 75-80 1h 46m = 6360 s:
    # every one is longer than the card's 3600 s for one segment, so every set is refused
    by_hand = [8280] * 18 + [6660] * 13 + [6000] * 18 + [5400] * 8 + [5820] * 17 + [6360] * 6
    assert counts(report) == (80, 0, 0, 80) and segments.empty
    assert rejects["source_row"].tolist() == list(range(1, 81)) and set(rejects["column"]) == {"Duration"}
    assert rejects["value"].astype(float).tolist() == by_hand
    assert set(rejects["reason"]) == {"duration_s: longer than limits.max_segment_s = 3600 s: implausible"}


def test_strong_like_rolling_log_reads_one_segment_per_workout(tmp_path):
    # made by hand in Strong's columns: three foam-rolling workouts within the card's hour and one
    # over it; Seconds is timed on the first set only (60 s), 0 on the 6 others
    path = tmp_path / "strong.csv"
    path.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n"
        '2024-03-03 21:30:00,"Abend",12m,"Foam Roll Quads",1,0,0,0,60,,,\n'
        '2024-03-03 21:30:00,"Abend",12m,"Foam Roll Calves",1,0,0,0,0,,,\n'
        '2024-03-03 21:30:00,"Abend",12m,"Foam Roll Glutes",1,0,0,0,0,,,\n'
        '2024-03-04 21:45:10,"Abend",8m 30s,"Foam Roll Quads",1,0,0,0,0,,,\n'
        '2024-03-04 21:45:10,"Abend",8m 30s,"Foam Roll Quads",2,0,0,0,0,,,\n'
        '2024-03-05 22:00:00,"Abend",45m,"Foam Roll Calves",1,0,0,0,0,,,\n'
        '2024-03-06 21:00:00,"Abend",1h 5m 30s,"Foam Roll Calves",1,0,0,0,0,,,\n', encoding="utf-8")
    data, text, mapping = suggested(path, tmp_path, "Europe/Berlin")
    assert data["columns"] == {"start": "Date", "duration_s": "Duration"}
    assert data["units"] == {"duration": "h m s"}
    assert "Seconds (0 or empty on 6 of 7 rows; differs between rows that share a start" in text
    assert "(7 rows, 4 starts)" in text
    assert "# 1 of the 7 rows last longer than 3600 s" in text    # 1h 5m 30s = 3930 s
    segments, rejects, report = rollstats.load(path, mapping=mapping)
    # the sets of a workout are the same segment read again: 2 + 1 duplicates; row 7 refused
    assert counts(report) == (7, 3, 3, 1)
    assert rejects["source_row"].tolist() == [7] and rejects["value"].tolist() == ["3930.0"]
    rows = segments.set_index("source_row").sort_index()
    assert rows.index.tolist() == [1, 4, 6]
    assert rows["duration_s"].tolist() == [720.0, 510.0, 2700.0]        # 12m, 8m 30s, 45m
    assert rows["start"].tolist() == [pd.Timestamp("2024-03-03 20:30:00", tz="UTC"),   # CET = UTC+1
                                      pd.Timestamp("2024-03-04 20:45:10", tz="UTC"),
                                      pd.Timestamp("2024-03-05 21:00:00", tz="UTC")]


def test_a_length_that_differs_within_a_start_gives_way_to_one_that_repeats(tmp_path):
    # Seconds comes first in the file and is never 0, but it differs between the two rows of the
    # first start: it times each row, Duration the session
    path = tmp_path / "sets.csv"
    path.write_text("Start,Seconds,Exercise,Duration\n2024-03-03 21:30:00,240,Quads,10m\n"
                    "2024-03-03 21:30:00,360,Calves,10m\n2024-03-04 21:30:00,300,Quads,5m\n", encoding="utf-8")
    data, text, _ = suggested(path, tmp_path, "UTC")
    assert data["columns"] == {"start": "Start", "duration_s": "Duration"}
    assert "# also a length, not taken: Seconds (differs between rows that share a start" in text
    # each start once: nothing to weigh but the headers, and Seconds comes first in the file
    path.write_text("Start,Seconds,Exercise,Duration\n2024-03-03 21:30:00,240,Quads,10m\n"
                    "2024-03-04 21:30:00,300,Quads,5m\n", encoding="utf-8")
    data, text, _ = suggested(path, tmp_path, "UTC")
    assert data["columns"] == {"start": "Start", "duration_s": "Seconds"}
    assert "# also a length, not taken: Duration (after Seconds in the file)" in text


def test_rows_of_one_start_on_different_regions_are_segments_of_their_own(tmp_path):
    # two regions rolled from the same start: each row is a segment, timed by Seconds; the
    # session's total repeated on both rows would count it twice, so the values do not prefer it
    path = tmp_path / "regions.csv"
    path.write_text("Start,Area,Seconds,Session Duration\n2024-03-03T21:30:00+01:00,quads,60,2m\n"
                    "2024-03-03T21:30:00+01:00,calves,45,2m\n2024-03-04T21:30:00+01:00,quads,90,90s\n",
                    encoding="utf-8")
    data, text, mapping = suggested(path, tmp_path, "UTC")
    assert data["columns"] == {"start": "Start", "region": "Area", "duration_s": "Seconds"}
    assert "# also a length, not taken: Session Duration (after Seconds in the file)" in text
    segments = rollstats.load(path, mapping=mapping).segments.sort_values("source_row")
    assert segments["duration_s"].tolist() == [60.0, 45.0, 90.0]
    assert segments["region"].tolist() == ["thigh_front", "calf", "thigh_front"]


@pytest.mark.parametrize("cells, kind", [
    (["2h 18m", "45m", "1h 5m 30s", "90s", "12 min"], "lettered"),
    (["2h 18m", "Plank"], "text"),     # one cell that is no length: not a column of lengths
    (["90", "0"], "number"),
    (["00:17:01", "1:02"], "clock"),
])
def test_a_column_of_lettered_durations_is_told_from_numbers_clocks_and_text(cells, kind):
    from rollstats.io.inspect_columns import column_kind
    from rollstats.io.inspect_length import length_unit
    assert column_kind(pd.Series(cells)) == kind
    if kind == "lettered":   # by hand: 8280, 2700, 3930, 90, 720 s
        from rollstats.io.cells import to_seconds
        assert length_unit("Duration", pd.Series(cells), kind)[0] == "h m s"
        assert to_seconds(pd.Series(cells), "h m s")[0].tolist() == [8280.0, 2700.0, 3930.0, 90.0, 720.0]


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

"""Loop Habit Tracker CSV export zips: habit choice, numerical amounts (thousandths), yes/no
check-ins counted by the program, days passed over, dates placed on their own night."""
from __future__ import annotations

import collections
import json
import random
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import rollstats
from rollstats.cli import main
from rollstats.errors import IngestError
from rollstats.io import load, loop, loopfiles
from rollstats.program import Program

# Habits.csv as recent versions of Loop write it (HabitList.writeCSV).
HABITS = """Position,Name,Type,Question,Description,FrequencyNumerator,FrequencyDenominator,Color,Unit,Target Type,Target Value,Archived?
001,Meditate,YES_NO,Did you meditate today?,,1,1,#FF8F00,,,,false
002,Foam rolling,NUMERICAL,How many minutes did you roll?,card,1,1,#00897B,min,AT_LEAST,1.0,false
003,Roll calves,YES_NO,Did you roll your calves?,,3,7,#5E35B1,,,,false
"""
# Newest day first, as Loop writes them. Amounts are thousandths of a minute.
#   row 3: 2500 -> 2.5 min = 150 s on 4 Mar;  row 5: 1500 -> 1.5 min = 90 s on 2 Mar
FOAM = """Date,Value,Notes
2024-03-06,UNKNOWN,
2024-03-05,SKIP,
2024-03-04,2500,
2024-03-03,NO,
2024-03-02,1500,after the run
"""
#   rows 1 and 4 done (YES_MANUAL); 2 is YES_AUTO (not due), 3 is NO
CALVES = """Date,Value,Notes
2024-03-06,YES_MANUAL,
2024-03-05,NO,
2024-03-04,YES_AUTO,
2024-03-03,YES_MANUAL,sore
"""
MEDITATE = "Date,Value,Notes\n2024-03-06,YES_MANUAL,\n"


def loop_zip(tmp_path: Path, habits: str = HABITS, members: dict[str, str] | None = None,
             name: str = "Loop Habits CSV 2024-03-07.zip", prefix: str = "") -> Path:
    members = members if members is not None else {
        "001 Meditate/Checkmarks.csv": MEDITATE,
        "002 Foam rolling/Checkmarks.csv": FOAM,
        "003 Roll calves/Checkmarks.csv": CALVES,
    }
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(prefix + "Habits.csv", habits)
        archive.writestr(prefix + "Checkmarks.csv", "Date,Meditate,Foam rolling,Roll calves,\n")
        archive.writestr(prefix + "Scores.csv", "Date,Meditate,Foam rolling,Roll calves,\n")
        for member, text in members.items():
            archive.writestr(prefix + member, text)
            archive.writestr(prefix + member.replace("Checkmarks", "Scores"), "Date,Score\n")
    return path


def test_default_habit_is_the_first_about_rolling_and_amounts_are_thousandths(tmp_path):
    segments, rejects, report = load(loop_zip(tmp_path))
    assert len(rejects) == 0
    rows = segments.set_index("source_row").sort_index()
    assert rows.index.tolist() == [3, 5]
    assert rows["duration_s"].tolist() == [150.0, 90.0]
    assert rows["night"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-04", "2024-03-02"]
    assert rows["local_start"].dt.strftime("%H:%M").tolist() == ["21:00", "21:00"]
    assert set(rows["region"].astype(str)) == {"unspecified"}
    assert set(rows["activity"].astype(str)) == {"rolling"}
    assert set(rows["subject_id"]) == {"Loop Habits CSV 2024-03-07"}
    assert rows.loc[5, "notes"] == "Loop: Foam rolling; after the run"
    assert report.passed_over == {"loop days unknown": 1, "loop days skipped": 1,
                                  "loop days not done": 1, "loop habits not read": 2}
    assert report.rows_read == 2


def test_without_a_zone_the_day_is_21_00_utc_and_with_one_it_is_local(tmp_path):
    path = loop_zip(tmp_path)
    plain, _, _ = load(path)
    berlin, _, _ = load(path, tz="Europe/Berlin")
    # 21:00 on 4 Mar: +00:00 without a zone; 21:00 CET = 20:00 UTC in Berlin
    assert plain.set_index("source_row").loc[3, "start"] == pd.Timestamp("2024-03-04 21:00", tz="UTC")
    assert berlin.set_index("source_row").loc[3, "start"] == pd.Timestamp("2024-03-04 20:00", tz="UTC")
    # the night is the date either way
    assert berlin["night"].tolist() == plain["night"].tolist()


def test_a_time_of_day_can_be_chosen_and_must_be_hh_mm(tmp_path):
    raw = loop.read(loop_zip(tmp_path), at="19:30")
    assert raw.frame["start"].tolist() == ["2024-03-04T19:30:00+00:00", "2024-03-02T19:30:00+00:00"]
    with pytest.raises(IngestError, match="must be HH:MM"):
        loop.read(loop_zip(tmp_path), at="7pm")


@pytest.mark.parametrize("meets, minimum, expected", [
    (True, 60, [60.0, 60.0]),    # a check-in counts as the daily minimum
    (True, 90, [90.0, 90.0]),    # ... whatever the program's minimum is
    (False, 60, [1.0, 1.0]),     # logged but too short: 1 s
])
def test_yes_no_checks_follow_the_checkins_setting(tmp_path, meets, minimum, expected):
    program = Program.default().replace(checkins={"meets_minimum": meets}, daily={"minimum_s": minimum})
    segments, rejects, report = load(loop_zip(tmp_path), program=program, habit="roll CALVES")
    assert len(rejects) == 0
    rows = segments.set_index("source_row").sort_index()
    assert rows.index.tolist() == [1, 4]
    assert rows["duration_s"].tolist() == expected
    assert rows["night"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-06", "2024-03-03"]
    assert report.passed_over == {"loop days not done": 1, "loop days not due": 1,
                                  "loop habits not read": 2}
    nights = rollstats.nights(segments, program).set_index("night")
    compliant = nights["compliant"].astype(bool)
    # observed 3..6 Mar; only the two check-in nights can be compliant, and only when they count
    assert compliant.index.strftime("%Y-%m-%d").tolist() == [
        "2024-03-03", "2024-03-04", "2024-03-05", "2024-03-06"]
    assert compliant.tolist() == [meets, False, False, meets]


def test_old_exports_without_type_or_header_are_yes_no_with_codes(tmp_path):
    habits = "Position,Name,Description,NumRepetitions,Interval,Color\n001,Foam roll,,1,1,#FF0000\n"
    # codes: 2 done, 1 auto (not due), 0 no, 3 skip, -1 unknown
    checks = "2024-01-05,2\n2024-01-04,1\n2024-01-03,0\n2024-01-02,3\n2024-01-01,-1\n2023-12-31,2\n"
    segments, _, report = load(loop_zip(tmp_path, habits, {"001 Foam roll/Checkmarks.csv": checks}))
    assert segments.sort_values("source_row")["source_row"].tolist() == [1, 6]
    assert segments["duration_s"].tolist() == [60.0, 60.0]
    assert report.passed_over == {"loop days not due": 1, "loop days not done": 1,
                                  "loop days skipped": 1, "loop days unknown": 1}


def test_no_habit_about_rolling_lists_the_habits(tmp_path):
    habits = "Position,Name,Type,Unit\n001,Meditate,YES_NO,\n002,Read,NUMERICAL,pages\n"
    path = loop_zip(tmp_path, habits, {"001 Meditate/Checkmarks.csv": MEDITATE})
    with pytest.raises(IngestError, match=r"no habit mentions roll or foam.*'Meditate', 'Read'"):
        load(path)
    with pytest.raises(IngestError, match=r"no habit named 'Stretch' \(habits: 'Meditate', 'Read'\)"):
        load(path, habit="Stretch")


def test_a_habit_listed_but_not_exported_is_an_error(tmp_path):
    path = loop_zip(tmp_path, members={"001 Meditate/Checkmarks.csv": MEDITATE})
    with pytest.raises(IngestError, match="'Foam rolling' is listed in Habits.csv but its Checkmarks.csv"):
        load(path)


def test_a_numerical_habit_must_count_time(tmp_path):
    habits = "Position,Name,Type,Unit\n001,Foam rolling,NUMERICAL,reps\n"
    path = loop_zip(tmp_path, habits, {"001 Foam rolling/Checkmarks.csv": "Date,Value\n2024-03-01,45000\n"})
    with pytest.raises(IngestError, match="counts in 'reps', not in a time unit"):
        load(path)
    # told that the numbers are seconds: 45000 / 1000 = 45 s
    raw = loop.read(path, unit="s")
    assert raw.frame["duration_s"].tolist() == ["45.0"]


@pytest.mark.parametrize("unit, seconds", [("seconds", 45.0), ("Minutes", 2700.0), ("h", None)])
def test_units_of_time(tmp_path, unit, seconds):
    habits = f"Position,Name,Type,Unit\n001,Rolling,NUMERICAL,{unit}\n"
    path = loop_zip(tmp_path, habits, {"001 Rolling/Checkmarks.csv": "Date,Value\n2024-03-01,45000\n"})
    segments, rejects, _ = load(path)
    if seconds is None:  # 45 h is longer than limits.max_segment_s: refused, not dropped
        assert len(segments) == 0
        assert "implausible" in rejects["reason"].iloc[0]
    else:
        assert segments["duration_s"].tolist() == [seconds]


def test_unreadable_values_are_refused_with_their_row(tmp_path):
    habits = "Position,Name,Type,Unit\n001,Foam rolling,NUMERICAL,min\n002,Roll,YES_NO,\n"
    members = {"001 Foam rolling/Checkmarks.csv": "Date,Value\n2024-03-01,lots\n2024-03-02,-500\n2024-03-03,1000\n",
               "002 Roll/Checkmarks.csv": "Date,Value\n2024-03-01,7\n2024-03-02,2\n"}
    path = loop_zip(tmp_path, habits, members)
    segments, rejects, report = load(path)
    assert segments["source_row"].tolist() == [3]
    assert segments["duration_s"].tolist() == [60.0]
    assert rejects["source_row"].tolist() == [1, 2]
    assert rejects["reason"].tolist() == ["duration_s: not a number", "duration_s: duration of zero or less"]
    assert rejects["value"].iloc[0] == "not a Loop value: lots"
    assert report.rows_read == 3 == report.rows_accepted + report.rows_rejected
    segments, rejects, _ = load(path, habit="Roll")
    assert segments["source_row"].tolist() == [2]
    assert rejects["value"].tolist() == ["not a Loop value: 7"]


def test_an_unreadable_date_is_refused(tmp_path):
    habits = "Position,Name,Type\n001,Foam roller,YES_NO\n"
    path = loop_zip(tmp_path, habits, {"001 Foam roller/Checkmarks.csv": "Date,Value\n03/02/2024,YES_MANUAL\n"})
    segments, rejects, _ = load(path)
    assert len(segments) == 0
    assert rejects["column"].tolist() == ["start"]
    assert rejects["reason"].iloc[0].startswith("start: unreadable time")


def test_export_repacked_inside_a_folder(tmp_path):
    segments, _, _ = load(loop_zip(tmp_path, prefix="Loop Habits CSV 2024-03-07/", name="backup.zip"),
                          subject="P5")
    assert segments["duration_s"].tolist() == [90.0, 150.0]
    assert set(segments["subject_id"]) == {"P5"}


def test_unknown_habit_type_is_an_error(tmp_path):
    habits = "Position,Name,Type\n001,Foam rolling,QUIT\n"
    with pytest.raises(IngestError, match="type 'QUIT'"):
        load(loop_zip(tmp_path, habits, {"001 Foam rolling/Checkmarks.csv": "Date,Value\n"}))


def test_command_line_with_habit_and_subject(tmp_path, capsys):
    path = loop_zip(tmp_path)
    assert main(["ingest", str(path), "--habit", "Roll calves", "--subject", "P3", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_accepted"] == 2
    assert report["passed_over"]["loop days not due"] == 1
    assert main(["nights", str(path), "--subject", "P3", "--format", "json"]) == 0
    audit = json.loads(capsys.readouterr().out)
    daily = [r for r in audit if r["rule"] == "daily_minimum"]
    # Foam rolling by default: nights 2..4 Mar observed; 2 Mar (90 s) and 4 Mar (150 s) compliant
    assert [(r["night"], r["passed"]) for r in daily] == [
        ("2024-03-02", True), ("2024-03-03", False), ("2024-03-04", True)]


def test_command_line_habit_unit_reads_a_numerical_habit_in_another_unit(tmp_path, capsys):
    habits = "Position,Name,Type,Unit\n001,Foam rolling,NUMERICAL,reps\n"
    path = loop_zip(tmp_path, habits, {"001 Foam rolling/Checkmarks.csv": "Date,Value\n2024-03-01,2000\n"})
    assert main(["ingest", str(path), "--subject", "P3"]) == 2          # 'reps' is no time unit: one-line error
    assert "not in a time unit" in capsys.readouterr().err
    out = tmp_path / "segments.parquet"
    assert main(["ingest", str(path), "--subject", "P3", "--habit-unit", "min", "-o", str(out)]) == 0
    assert pd.read_parquet(out)["duration_s"].tolist() == [120.0]     # 2000 / 1000 = 2 min


# --- Loop before 2.3.1: no Type or Unit in Habits.csv, no header in Checkmarks.csv -------------

FIXTURES = Path(__file__).parent / "fixtures"
#: Loop's own test export as it was before 2.3.1 (see tests/fixtures/README.md).
OLD_EXPORT = FIXTURES / "loop-habits-csv-before-2.3.1"
OLD_HABITS = "Position,Name,Question,Description,NumRepetitions,Interval,Color\n" \
             "001,Foam rolling,How many minutes did you roll?,,1,1,#FF8F00\n"
# Thousandths of the (unsaid) unit, newest first, as Loop wrote them before 2.3.1:
#   row 1: 1500 -> 1.5 units; 2: 0 not done; 3: 2000 -> 2 units; 4: 3 skipped; 5: -1 unknown;
#   6: 85000 -> 85 units
OLD_AMOUNTS = "2024-03-06,1500\n2024-03-05,0\n2024-03-04,2000\n2024-03-03,3\n2024-03-02,-1\n2024-03-01,85000\n"


def old_numerical_zip(tmp_path: Path) -> Path:
    return loop_zip(tmp_path, OLD_HABITS, {"001 Foam rolling/Checkmarks.csv": OLD_AMOUNTS})


def test_an_old_numerical_habit_without_a_unit_is_refused_with_one_error_asking_for_it(tmp_path):
    path = old_numerical_zip(tmp_path)
    with pytest.raises(IngestError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith(f"{path}: habit 'Foam rolling' is numerical (amounts such as 1500")
    assert "before 2.3.1" in message and "--habit-unit s|min|h" in message


@pytest.mark.parametrize("unit, seconds", [
    ("min", [90.0, 120.0, 5100.0]),   # 1.5 min, 2 min, 85 min
    ("s", [1.5, 2.0, 85.0]),          # 85000 thousandths of a second = 85 s
])
def test_an_old_numerical_habit_reads_in_the_unit_given(tmp_path, unit, seconds):
    program = Program.default().replace(limits={"max_segment_s": 6000})
    segments, rejects, report = load(old_numerical_zip(tmp_path), unit=unit, program=program)
    rows = segments.set_index("source_row").sort_index()
    assert rows.index.tolist() == [1, 3, 6]
    assert rows["duration_s"].tolist() == seconds
    assert rows["night"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-06", "2024-03-04", "2024-03-01"]
    assert len(rejects) == 0
    assert report.passed_over == {"loop days not done": 1, "loop days skipped": 1, "loop days unknown": 1}


def test_command_line_asks_for_the_unit_of_an_old_numerical_habit_then_reads_it(tmp_path, capsys):
    path = old_numerical_zip(tmp_path)
    assert main(["ingest", str(path), "--subject", "P3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--habit-unit" in err[0] and "numerical" in err[0]
    out = tmp_path / "segments.parquet"
    assert main(["ingest", str(path), "--subject", "P3", "--habit-unit", "min", "-o", str(out)]) == 0
    # 85 min is over the card's 3600 s limit for one segment: refused with its row, not dropped
    assert pd.read_parquet(out)["duration_s"].tolist() == [120.0, 90.0]


def test_an_old_yes_no_export_from_loops_own_tests_reads_its_codes():
    """2 done, 1 not due (Wake up early is due 2 days in 3), 0 not done; Meditate's file is empty."""
    segments, rejects, report = load(OLD_EXPORT, habit="Wake up early")
    rows = segments.set_index("source_row").sort_index()
    assert rows.index.tolist() == [1, 4, 5, 6, 9, 10]
    assert rows["night"].dt.strftime("%Y-%m-%d").tolist() == [
        "2015-01-25", "2015-01-22", "2015-01-21", "2015-01-20", "2015-01-17", "2015-01-16"]
    assert rows["duration_s"].tolist() == [60.0] * 6    # check-ins count as the daily minimum
    assert set(rows["subject_id"]) == {"loop-habits-csv-before-2.3.1"}   # the folder's name
    assert len(rejects) == 0
    assert report.passed_over == {"loop days not done": 1, "loop days not due": 3, "loop habits not read": 1}
    empty, _, report = load(OLD_EXPORT, habit="Meditate")
    assert len(empty) == 0 and report.rows_read == 0


# --- an unpacked export folder reads as its zip ------------------------------------------------

def zip_folder(folder: Path, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return path


def same_load(folder_result, zip_result) -> None:
    (fs, fr, frep), (zs, zr, zrep) = folder_result, zip_result
    pd.testing.assert_frame_equal(fs.drop(columns="source"), zs.drop(columns="source"))
    pd.testing.assert_frame_equal(fr.drop(columns="source"), zr.drop(columns="source"))
    counts = ["rows_read", "rows_accepted", "duplicates_dropped", "rows_rejected"]
    assert frep.files[counts].values.tolist() == zrep.files[counts].values.tolist()
    assert frep.passed_over == zrep.passed_over
    assert frep.unknown_region_labels == zrep.unknown_region_labels


def test_loops_own_export_unpacked_loads_as_its_zip(tmp_path):
    zipped = zip_folder(OLD_EXPORT, tmp_path / f"{OLD_EXPORT.name}.zip")
    folder_result = load(OLD_EXPORT, habit="Wake up early")
    same_load(folder_result, load(zipped, habit="Wake up early"))
    assert folder_result.report.files["source"].tolist() == [str(OLD_EXPORT)]
    assert len(folder_result.segments) == 6


def test_a_folder_with_refused_rows_and_notes_loads_as_its_zip(tmp_path, write_text):
    folder = tmp_path / "Loop Habits CSV 2024-03-07"
    write_text(f"{folder.name}/Habits.csv", HABITS)
    write_text(f"{folder.name}/Checkmarks.csv", "Date,Meditate,Foam rolling,Roll calves,\n")
    write_text(f"{folder.name}/002 Foam rolling/Checkmarks.csv", FOAM + "2024-03-01,lots,\n2024-02-29,-500,\n")
    write_text(f"{folder.name}/003 Roll calves/Checkmarks.csv", CALVES)
    zipped = zip_folder(folder, tmp_path / "Loop Habits CSV 2024-03-07.zip")
    folder_result, zip_result = load(folder), load(zipped)
    same_load(folder_result, zip_result)
    # rows 3 and 5 are 150 s and 90 s; rows 6 ('lots') and 7 (-500) are refused
    assert folder_result.segments.sort_values("source_row")["duration_s"].tolist() == [150.0, 90.0]
    assert folder_result.rejects["source_row"].tolist() == [6, 7]
    assert set(folder_result.rejects["source"]) == {str(folder)}
    # Meditate's folder is missing: it is listed in Habits.csv, but only the chosen habit must be there
    assert folder_result.report.passed_over["loop habits not read"] == 2


def test_command_line_reads_an_unpacked_export_folder(tmp_path, capsys):
    assert main(["ingest", str(OLD_EXPORT), "--habit", "Wake up early", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["rows_read"], report["rows_accepted"], report["rows_rejected"]) == (6, 6, 0)
    assert report["passed_over"]["loop days not due"] == 3


def test_a_mapping_file_given_with_a_loop_export_is_refused_in_one_line(tmp_path, write_text, capsys):
    mapping = write_text("m.toml", '[columns]\nstart = "Date"\nduration_s = "Value"\n[constants]\nsubject_id = "me"\n')
    zipped = zip_folder(OLD_EXPORT, tmp_path / "loop.zip")
    study = tmp_path / "study"
    shutil.copytree(OLD_EXPORT, study / "P07")                     # nested in a larger folder
    write_text("study/a.csv", "Date,Value\n2024-03-03T21:00:00+01:00,90\n")  # read first, fine alone
    rule = ("a mapping file (--mapping) is for an app's CSV, XLSX or JSON export and does not apply to it; "
            "read it without the mapping: rollstats reads Loop's exports itself")
    for given, named, what in ((OLD_EXPORT, OLD_EXPORT, "an unpacked Loop Habit Tracker export"),
                               (zipped, zipped, "a Loop Habit Tracker export (Habits.csv inside)"),
                               (study, study / "P07", "an unpacked Loop Habit Tracker export")):
        assert main(["ingest", str(given), "--mapping", str(mapping)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err == f"rollstats: error: {named}: {what}: {rule}\n"
        with pytest.raises(rollstats.RollstatsError, match="does not apply to it"):
            load(given, mapping=mapping)
    # the CSV beside it is an app's export the mapping reads: 90 s on 3 Mar
    assert load(study / "a.csv", mapping=mapping).segments["duration_s"].tolist() == [90.0]


# --- bounded memory: hostile files are refused, naming the file, or read with the right counts --

def repeated_day(lines: int, seed: int = 1) -> bytes:
    """``lines`` rows of 2024-03-01, mostly 2 (done), 1 in 28 a random 0, 1 or 3: enough
    entropy that deflate gives less than the 200 times growth safezip allows."""
    import numpy as np

    draws = np.frombuffer(random.Random(seed).randbytes(lines), dtype=np.uint8)
    values = np.full(lines, ord("2"), dtype=np.uint8)
    rare = draws < 9
    values[rare] = np.frombuffer(b"013", dtype=np.uint8)[draws[rare] % 3]
    table = np.tile(np.frombuffer(b"2024-03-01,2\n", dtype=np.uint8), (lines, 1))
    table[:, 11] = values
    return table.tobytes()


def test_a_zip_of_millions_of_lines_of_one_day_is_refused_naming_the_file(tmp_path):
    body = repeated_day(3_000_000)                      # 39 MB of text, a small zip
    path = loop_zip(tmp_path, members={"002 Foam rolling/Checkmarks.csv": body.decode()})
    assert path.stat().st_size < 2_500_000
    with pytest.raises(IngestError, match=r"002 Foam rolling/Checkmarks\.csv: refused: more than 50000 rows"):
        load(path)


def test_many_lines_of_one_day_within_the_limit_are_read_with_the_right_counts(tmp_path):
    body = repeated_day(40_000, seed=2)
    codes = collections.Counter(body[11::13])
    path = loop_zip(tmp_path, members={"002 Foam rolling/Checkmarks.csv": body.decode()},
                    habits="Position,Name\n001,Meditate\n002,Foam rolling\n")
    segments, rejects, report = load(path)
    done = codes[ord("2")]
    # every done day is the same segment (21:00 on 1 March, a check-in): one kept, the rest duplicates
    assert (report.rows_read, report.rows_accepted, report.duplicates_dropped, report.rows_rejected) == (
        done, 1, done - 1, 0)
    assert report.passed_over == {"loop days not done": codes[ord("0")], "loop days not due": codes[ord("1")],
                                  "loop days skipped": codes[ord("3")], "loop habits not read": 1}
    assert sum(codes.values()) == 40_000 and len(segments) == 1


def test_a_line_too_long_or_a_file_too_big_or_not_utf8_is_refused_naming_the_file(tmp_path, monkeypatch):
    long_line = "2024-03-01,2," + "x" * (70 * 1024) + "\n"
    path = loop_zip(tmp_path, members={"002 Foam rolling/Checkmarks.csv": long_line})
    with pytest.raises(IngestError, match=r"002 Foam rolling/Checkmarks\.csv: refused: line 1 is longer than 65536 bytes"):
        load(path)
    monkeypatch.setattr(loopfiles, "MAX_FILE_BYTES", 40)
    path = loop_zip(tmp_path, "Position,Name\n002,Foam rolling\n",      # 31 bytes; then 52
                    {"002 Foam rolling/Checkmarks.csv": "2024-03-01,2\n" * 4})
    with pytest.raises(IngestError, match=r"002 Foam rolling/Checkmarks\.csv: refused: more than 40 bytes"):
        load(path)
    monkeypatch.undo()
    folder = tmp_path / "export"
    (folder / "002 Foam rolling").mkdir(parents=True)
    (folder / "Habits.csv").write_text(HABITS, encoding="utf-8")
    (folder / "002 Foam rolling" / "Checkmarks.csv").write_bytes(b"2024-03-01,2\n2024-03-02,2,caf\xe9\n")
    with pytest.raises(IngestError, match=r"export: 002 Foam rolling/Checkmarks\.csv: line 2 is not UTF-8 text"):
        load(folder)


def test_names_other_modules_read_from_loop_stay_there_after_the_habit_choice_moved_out():
    # rollstats.io.sources reads loop.HABITS_FILE, mapping_check loop.habits_member and
    # loop.is_export_folder; the habit choice itself now lives in loop_habits
    from rollstats.io import loop_habits
    assert loop.HABITS_FILE == "Habits.csv" and loop.habits_member is loop_habits.habits_member
    assert loop.habits_member(["x/Habits.csv", "Habits.csv"]) == "Habits.csv"   # the top level first
    assert loop.TIME_UNITS["minutes"] == 60.0 and loop.TIME_UNITS["hrs"] == 3600.0
    assert loop.DEFAULT_HABIT_PATTERN.search("Foam rolling") and not loop.DEFAULT_HABIT_PATTERN.search("Stretch")
    assert loop.DEFAULT_AT == "21:00" and callable(loop.is_export_folder) and callable(loop.read)

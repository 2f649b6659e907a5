"""Apple Health exports: the real sample, hand-built exports with rolling and strength workouts,
an internal DTD, the zip the Health app writes, workout-type settings, the command line."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from rollstats.cli import ByteBar, main
from rollstats.errors import IngestError
from rollstats.io import apple, load

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "apple-health-export-sample.xml"

# The opening of a real export: an internal DTD with element and attribute declarations only.
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 11 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
]>
<HealthData locale="en_US">
 <ExportDate value="2024-03-10 09:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>
"""
TAIL = "</HealthData>\n"
PREP = "HKWorkoutActivityTypePreparationAndRecovery"


def workout(kind: str, start: str, end: str, duration: str | None = None, unit: str | None = None,
            inner: str = "") -> str:
    attrs = f'workoutActivityType="{kind}" sourceName="Apple Watch" startDate="{start}" endDate="{end}"'
    if duration is not None:
        attrs += f' duration="{duration}"'
    if unit is not None:
        attrs += f' durationUnit="{unit}"'
    return f" <Workout {attrs}>{inner}</Workout>\n"


RECORD = (' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count" '
          'startDate="2024-03-03 10:00:00 +0100" endDate="2024-03-03 10:05:00 +0100" value="512">'
          '<MetadataEntry key="HKWasUserEntered" value="0"/></Record>\n')
SUMMARY = ' <ActivitySummary dateComponents="2024-03-03" activeEnergyBurned="300"/>\n'
CORRELATION = (' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Cuff" '
               'startDate="2024-03-03 08:00:00 +0100" endDate="2024-03-03 08:00:00 +0100">\n'
               + RECORD + RECORD + ' </Correlation>\n')

# Workouts 1..6, in file order (source_row = position among Workout elements):
#  1 rolling, 1.5 min = 90 s, 23:50 on 3 Mar (+01:00) -> night of 3 Mar
#  2 running: passed over
#  3 traditional strength, 1200 s -> strengthening, night of 4 Mar
#  4 rolling with no duration: end - start = 00:32:30 - 00:30:00 = 150 s; 00:30 on 5 Mar in -07:00
#    is before 04:00 -> night of 4 Mar; the instant is 07:30 UTC
#  5 functional strength, 0.5 h = 1800 s
#  6 rolling paused: duration 10 min = 600 s while end - start is 15 min: the duration wins
WORKOUTS = (
    workout(PREP, "2024-03-03 23:50:00 +0100", "2024-03-03 23:51:30 +0100", "1.5", "min",
            inner='<MetadataEntry key="HKTimeZone" value="Europe/Berlin"/>')
    + workout("HKWorkoutActivityTypeRunning", "2024-03-04 07:00:00 +0100", "2024-03-04 07:30:00 +0100", "30", "min")
    + workout("HKWorkoutActivityTypeTraditionalStrengthTraining", "2024-03-04 18:00:00 +0100",
              "2024-03-04 18:20:00 +0100", "1200", "s")
    + workout(PREP, "2024-03-05 00:30:00 -0700", "2024-03-05 00:32:30 -0700")
    + workout("HKWorkoutActivityTypeFunctionalStrengthTraining", "2024-03-06 18:00:00 +0100",
              "2024-03-06 18:30:00 +0100", "0.5", "h")
    + workout(PREP, "2024-03-06 21:00:00 +0100", "2024-03-06 21:15:00 +0100", "10", "min")
)
BUILT = HEAD + RECORD + RECORD + WORKOUTS + RECORD + SUMMARY + CORRELATION + TAIL
BUILT_PASSED = {"apple records": 3, "apple workouts of other types": 1,
                "apple activity summaries": 1, "apple correlations": 1}


def write(tmp_path: Path, text: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def zipped(tmp_path: Path, text: str, member: str = "apple_health_export/export.xml",
           name: str = "export.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, text)
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
        archive.writestr("apple_health_export/workout-routes/route_2024-03-04_7.00am.gpx", "<gpx/>")
    return path


# --- the real sample -------------------------------------------------------------------------

def test_real_sample_loads_with_no_segments_and_counts_what_it_passed_over():
    segments, rejects, report = load(FIXTURE)
    assert len(segments) == 0 and len(rejects) == 0
    assert report.rows_read == 0
    # the fixture holds 2 Record, 1 running Workout and 2 ActivitySummary elements at top level
    assert report.passed_over == {"apple records": 2, "apple workouts of other types": 1,
                                  "apple activity summaries": 2}


def test_real_sample_on_the_command_line_says_no_rolling(capsys):
    assert main(["ingest", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert "rows read 0" in out
    assert "apple workouts of other types x1" in out
    assert "no rolling found" in out


# --- built exports ---------------------------------------------------------------------------

def test_rolling_and_strength_workouts_become_segments(tmp_path):
    segments, rejects, report = load(write(tmp_path, BUILT))
    assert len(rejects) == 0
    rows = segments.set_index("source_row").sort_index()
    assert rows.index.tolist() == [1, 3, 4, 5, 6]
    assert rows["duration_s"].tolist() == [90.0, 1200.0, 150.0, 1800.0, 600.0]
    assert rows["activity"].astype(str).tolist() == [
        "rolling", "strengthening", "rolling", "strengthening", "rolling"]
    assert set(rows["region"].astype(str)) == {"unspecified"}
    assert rows["night"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-03-03", "2024-03-04", "2024-03-04", "2024-03-06", "2024-03-06"]
    # the offset of each record is kept for the wall clock
    assert rows.loc[4, "local_start"] == pd.Timestamp("2024-03-05 00:30:00")
    assert rows.loc[4, "start"] == pd.Timestamp("2024-03-05 07:30:00", tz="UTC")
    assert rows.loc[1, "start"] == pd.Timestamp("2024-03-03 22:50:00", tz="UTC")
    assert set(rows["subject_id"]) == {"export"}
    assert rows.loc[1, "notes"] == "Apple Health PreparationAndRecovery (Apple Watch)"
    assert report.passed_over == BUILT_PASSED
    assert report.rows_read == 5 == report.rows_accepted


def test_subject_option_names_the_subject(tmp_path):
    segments, _, _ = load(write(tmp_path, BUILT), subject="P007")
    assert set(segments["subject_id"]) == {"P007"}


def test_export_zip_reads_like_the_xml(tmp_path):
    plain, _, plain_report = load(write(tmp_path, BUILT))
    from_zip, rejects, report = load(zipped(tmp_path, BUILT))
    assert len(rejects) == 0
    columns = ["subject_id", "start", "duration_s", "activity", "night", "source_row"]
    pd.testing.assert_frame_equal(from_zip[columns], plain[columns])
    assert set(from_zip["source"]) == {str(tmp_path / "export.zip")}
    assert report.passed_over == plain_report.passed_over == BUILT_PASSED


def test_zip_with_export_xml_at_the_top(tmp_path):
    segments, _, _ = load(zipped(tmp_path, BUILT, member="export.xml", name="health.zip"))
    assert len(segments) == 5
    assert set(segments["subject_id"]) == {"health"}


def test_zip_without_an_export_is_an_error(tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("IMG_0001.txt", "not a photo")
    with pytest.raises(IngestError, match="photos.zip.*neither an Apple Health export"):
        load(path)


def test_unreadable_workouts_are_refused_with_a_reason(tmp_path):
    text = HEAD + (
        # 1: no startDate at all
        ' <Workout workoutActivityType="HKWorkoutActivityTypePreparationAndRecovery" sourceName="W" '
        'endDate="2024-03-03 21:01:00 +0100" duration="1" durationUnit="min"/>\n'
        # 2: a unit rollstats does not know: the length comes from end - start = 45 s
        + workout(PREP, "2024-03-03 21:10:00 +0100", "2024-03-03 21:10:45 +0100", "3", "fortnight")
        # 3: 2 h of rolling is longer than limits.max_segment_s = 3600 s
        + workout(PREP, "2024-03-04 21:00:00 +0100", "2024-03-04 23:00:00 +0100", "120", "min")
    ) + TAIL
    segments, rejects, report = load(write(tmp_path, text))
    assert segments["source_row"].tolist() == [2]
    assert segments["duration_s"].tolist() == [45.0]
    assert rejects["source_row"].tolist() == [1, 3]
    assert rejects["reason"].tolist()[0] == "start: missing time"
    assert "implausible" in rejects["reason"].tolist()[1]
    assert report.rows_read == report.rows_accepted + report.duplicates_dropped + report.rows_rejected == 3


def test_an_xml_that_is_not_a_health_export_is_an_error(tmp_path):
    path = write(tmp_path, "<?xml version='1.0'?><plist><dict/></plist>", name="settings.xml")
    with pytest.raises(IngestError, match=r"settings.xml: not an Apple Health export .*<plist>"):
        load(path)


def test_broken_xml_is_an_error_naming_the_file(tmp_path):
    path = write(tmp_path, HEAD + RECORD + " <Workout workoutActivityType=", name="cut.xml")
    with pytest.raises(IngestError, match="cut.xml: not well-formed XML"):
        load(path)


# --- which workout types count as what -------------------------------------------------------

def test_default_types():
    kinds = apple.workout_types()
    assert kinds == {PREP: "rolling",
                     "HKWorkoutActivityTypeTraditionalStrengthTraining": "strengthening",
                     "HKWorkoutActivityTypeFunctionalStrengthTraining": "strengthening"}


def test_types_overridden_by_a_mapping(tmp_path):
    # running is now rolling; preparation-and-recovery is no longer listed: passed over
    segments, _, report = load(write(tmp_path, BUILT),
                               workout_types={"rolling": ["HKWorkoutActivityTypeRunning"]})
    rows = segments.set_index("source_row").sort_index()
    assert rows.index.tolist() == [2, 3, 5]
    assert rows["activity"].astype(str).tolist() == ["rolling", "strengthening", "strengthening"]
    assert rows.loc[2, "duration_s"] == 1800.0
    assert report.passed_over["apple workouts of other types"] == 3


def test_types_overridden_by_a_toml_file(tmp_path):
    settings = tmp_path / "types.toml"
    settings.write_text('strengthening = []\nother = ["HKWorkoutActivityTypeTraditionalStrengthTraining"]\n')
    raw = apple.read(write(tmp_path, BUILT), workout_types=settings)
    assert raw.frame["activity"].tolist() == ["rolling", "other", "rolling", "rolling"]
    assert raw.source_row.tolist() == [1, 3, 4, 6]
    assert raw.passed_over["apple workouts of other types"] == 2


@pytest.mark.parametrize("override, message", [
    ({"rolling": [PREP], "other": [PREP]}, "listed under both 'rolling' and 'other'"),
    ({"stretching": ["HKWorkoutActivityTypeFlexibility"]}, "unknown activity 'stretching'"),
    ({"rolling": PREP}, "'rolling' must be a list"),
])
def test_bad_type_settings_are_errors(override, message):
    with pytest.raises(apple.AppleTypesError, match=message):
        apple.workout_types(override)


# --- progress --------------------------------------------------------------------------------

def test_progress_reports_bytes_up_to_the_total(tmp_path, monkeypatch):
    monkeypatch.setattr(apple, "_PROGRESS_STEP", 1000)
    text = HEAD + RECORD * 400 + WORKOUTS + TAIL  # about 100 kB: several 16 kB reads
    path = write(tmp_path, text)
    calls = []
    apple.read(path, on_progress=lambda done, total: calls.append((done, total)))
    size = path.stat().st_size
    assert calls[-1] == (size, size)
    assert len(calls) > 3
    dones = [d for d, _ in calls]
    assert dones == sorted(dones) and all(t == size for _, t in calls)


def test_progress_bar_draws_on_a_terminal_only():
    class Terminal:
        def __init__(self, tty):
            self.tty, self.text = tty, ""

        def isatty(self):
            return self.tty

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    mib = 2**20
    term = Terminal(True)
    bar = ByteBar(term)
    for done in (0, 5 * mib, 5 * mib, 10 * mib, 20 * mib):
        bar(done, 20 * mib)
    # 0 %, 25 %, (25 % again: not redrawn), 50 %, 100 % and a new line
    assert term.text.count("\r") == 4
    assert "reading 10 of 20 MiB [############             ]  50%" in term.text
    assert term.text.endswith("100%\n")
    piped = Terminal(False)
    ByteBar(piped)(20 * mib, 20 * mib)
    assert piped.text == ""


# --- command line ----------------------------------------------------------------------------

def test_command_line_ingest_of_an_export_zip_with_a_subject(tmp_path, capsys):
    path = zipped(tmp_path, BUILT)
    assert main(["ingest", str(path), "--subject", "P042", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_accepted"] == 5
    assert report["passed_over"] == BUILT_PASSED
    out = tmp_path / "segments.parquet"
    assert main(["ingest", str(path), "--subject", "P042", "-o", str(out)]) == 0
    assert set(pd.read_parquet(out)["subject_id"]) == {"P042"}


def test_command_line_workout_types_file(tmp_path, capsys):
    """--workout-types: the same TOML settings as in Python; strength training counted as other."""
    settings = tmp_path / "types.toml"
    settings.write_text('strengthening = []\nother = ["HKWorkoutActivityTypeTraditionalStrengthTraining"]\n')
    out = tmp_path / "segments.parquet"
    assert main(["ingest", str(write(tmp_path, BUILT)), "--workout-types", str(settings), "-o", str(out)]) == 0
    assert pd.read_parquet(out)["activity"].tolist() == ["rolling", "other", "rolling", "rolling"]
    assert main(["ingest", str(write(tmp_path, BUILT)), "--workout-types", str(tmp_path / "none.toml")]) == 2
    assert "workout types" in capsys.readouterr().err


def test_command_line_summary_of_an_export(tmp_path, capsys):
    assert main(["summary", str(write(tmp_path, BUILT)), "--subject", "P9", "--format", "json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    # rolling: 90 s (3 Mar) + 150 s (4 Mar) + 600 s (6 Mar) = 840 s; strengthening 1200 + 1800
    assert record["subject_id"] == "P9"
    assert record["rolled_s"] == 840.0
    assert record["strengthening_s"] == 3000.0
    # nights 3..6 Mar observed; compliant (>= 60 s): 3, 4 and 6 Mar
    assert record["nights_observed"] == 4 and record["compliant_nights"] == 3


# --- bounded memory --------------------------------------------------------------------------

def test_memory_stays_flat_on_a_big_export(tmp_path):
    import tracemalloc

    # about 11 MB: 48,000 records with metadata and 100 rolling workouts of 2 min each
    path = tmp_path / "export.xml"
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for i in range(100):
            out.write(RECORD * 480)
            out.write(workout(PREP, f"2024-01-01 21:{i % 60:02d}:00 +0100", "2024-01-01 23:00:00 +0100", "2", "min"))
        out.write(TAIL)
    assert path.stat().st_size > 10_000_000
    tracemalloc.start()
    try:
        raw = apple.read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(raw.frame) == 100 and raw.passed_over == {"apple records": 48_000}
    assert set(raw.frame["duration_s"]) == {120.0}
    # kept whole as elements the file would take well over 50 MB; streamed, a few MB at most
    assert peak < 5 * 2**20, f"peak {peak / 2**20:.1f} MiB"

"""The mapping file and `rollstats inspect`: app exports in their own columns, units, formats and
encodings, read to segments worked out by hand."""
from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rollstats
from rollstats.cli import main
from rollstats.io.inspect import suggest_mapping
from rollstats.io.mapping import WIDE_EMPTY, Mapping, MappingError

# A European-locale export: Latin-1, ';', decimal commas, dd.mm.yyyy HH:MM, minutes, German labels.
EU = ("Patient;Datum;Dauer (min);Körperteil;Notiz\r\n"
      "P1;03.03.2024 21:30;2,5;Oberschenkel vorne;gut\r\n"
      "P1;03.03.2024 21:33;1,5;Gesäß;\r\n"
      "P1;04.03.2024 00:15;0,75;Wade;spät\r\n"
      "P2;30.03.2024 22:00;1;quads;\r\n"
      "P2;31.03.2024 02:30;1;Wade;\r\n")
EU_MAPPING = """
[file]
encoding = "latin-1"
delimiter = ";"
decimal = ","
[columns]
subject_id = "Patient"
start = "Datum"
duration_s = "Dauer (min)"
region = "Körperteil"
notes = "Notiz"
[units]
duration = "min"
[time]
format = "%d.%m.%Y %H:%M"
zone = "Europe/Berlin"
[regions]
"Oberschenkel vorne" = "thigh_front"
"Gesäß" = "hip"
Wade = "calf"
"""
# By hand, in Europe/Berlin (CET = UTC+1 until 31 Mar 2024 02:00, then CEST = UTC+2):
#   1  P1 21:30 -> 20:30Z, 2,5 min = 150 s, thigh_front, night 3 Mar
#   2  P1 21:33 -> 20:33Z, 1,5 min = 90 s, hip, night 3 Mar
#   3  P1 00:15 on 4 Mar -> 23:15Z on 3 Mar, 0,75 min = 45 s, calf, night 3 Mar (before 04:00)
#   4  P2 22:00 on 30 Mar -> 21:00Z, 60 s, quads -> thigh_front, night 30 Mar
#   5  P2 02:30 on 31 Mar does not exist (clocks jump 02:00 -> 03:00): moved forward to 03:00
#      CEST = 01:00Z, 60 s, calf, night 30 Mar
EU_EXPECTED = {
    "subject_id": ["P1", "P1", "P1", "P2", "P2"],
    "start": ["2024-03-03 20:30", "2024-03-03 20:33", "2024-03-03 23:15", "2024-03-30 21:00", "2024-03-31 01:00"],
    "local_start": ["2024-03-03 21:30", "2024-03-03 21:33", "2024-03-04 00:15", "2024-03-30 22:00",
                    "2024-03-31 03:00"],
    "night": ["2024-03-03", "2024-03-03", "2024-03-03", "2024-03-30", "2024-03-30"],
    "duration_s": [150.0, 90.0, 45.0, 60.0, 60.0],
    "region": ["thigh_front", "hip", "calf", "thigh_front", "calf"],
    "region_label": ["Oberschenkel vorne", "Gesäß", "Wade", "quads", "Wade"],
    "notes": ["gut", None, "spät", None, None],
    "source_row": [1, 2, 3, 4, 5],
}


def records(segments: pd.DataFrame, columns) -> dict[str, list]:
    """Columns as plain lists: times as 'YYYY-MM-DD HH:MM' (UTC for start), NA as None."""
    out = {}
    for col in columns:
        values = segments[col]
        if col == "start":
            values = values.dt.tz_convert("UTC").dt.strftime("%Y-%m-%d %H:%M")
        elif col == "local_start":
            values = values.dt.strftime("%Y-%m-%d %H:%M")
        elif col == "night":
            values = values.dt.strftime("%Y-%m-%d")
        out[col] = [None if pd.isna(v) else v for v in values.astype(object)]
    return out


@pytest.fixture
def eu(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(EU.encode("latin-1"))
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(EU_MAPPING, encoding="utf-8")
    return path, mapping


def test_a_european_export_reads_through_its_mapping_to_the_hand_worked_segments(eu):
    path, mapping = eu
    segments, rejects, report = rollstats.load(path, mapping=mapping)
    assert len(rejects) == 0 and (report.rows_read, report.rows_accepted) == (5, 5)
    assert records(segments, EU_EXPECTED) == EU_EXPECTED
    rollstats.validate_segments(segments)


def test_a_label_the_mapping_sends_to_other_is_not_reported_unknown(eu, tmp_path):
    """'Notiz' rows aside: 'Wade' mapped to other on purpose is no unknown label; an unmapped
    label ('Zehen', toes) still is."""
    path, mapping = eu
    path.write_bytes((EU + "P2;31.03.2024 21:00;1;Zehen;\r\n").encode("latin-1"))
    mapping.write_text(EU_MAPPING.replace('Wade = "calf"', 'Wade = "other"'), encoding="utf-8")
    segments, _, report = rollstats.load(path, mapping=mapping)
    assert segments["region"].tolist().count("other") == 3     # Wade twice, Zehen once
    assert report.unknown_region_labels == {"Zehen": 1}


def test_inspect_suggests_a_mapping_that_ingest_accepts_as_it_is(eu, tmp_path, capsys):
    path, _ = eu
    suggested = tmp_path / "suggested.toml"
    assert main(["inspect", str(path), "--tz", "Europe/Berlin", "-o", str(suggested)]) == 0
    data = tomllib.loads(suggested.read_text(encoding="utf-8"))
    assert data["file"] == {"encoding": "latin-1", "delimiter": ";", "decimal": ","}
    assert data["columns"] == {"subject_id": "Patient", "start": "Datum", "duration_s": "Dauer (min)",
                               "region": "Körperteil", "notes": "Notiz"}
    assert data["units"] == {"duration": "min"}
    assert data["time"] == {"format": "%d.%m.%Y %H:%M", "zone": "Europe/Berlin"}
    assert data["regions"] == {"Oberschenkel vorne": "thigh_front", "Gesäß": "hip", "Wade": "calf"}
    segments, rejects, _ = rollstats.load(path, mapping=suggested)
    assert len(rejects) == 0
    assert records(segments, EU_EXPECTED) == EU_EXPECTED
    capsys.readouterr()
    assert main(["summary", str(path), "--mapping", str(suggested), "--format", "json"]) == 0
    summary = {r["subject_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert summary["P1"]["rolled_s"] == 285.0 and summary["P2"]["rolled_s"] == 120.0


def test_inspect_prints_to_stdout_and_reads_names_units_and_clock_durations(tmp_path, capsys):
    path = tmp_path / "app.csv"
    path.write_text("when,who,how long,muscle\n3/14/2024 9:30 PM,bob,05:30,IT band\n"
                    "3/15/2024 9:05 PM,bob,01:00,Piriformis\n", encoding="utf-8")
    assert main(["inspect", str(path), "--tz", "America/New_York"]) == 0
    data = tomllib.loads(capsys.readouterr().out)
    assert data["columns"] == {"start": "when", "subject_id": "who", "duration_s": "how long", "region": "muscle"}
    assert data["units"]["duration"] == "mm:ss"
    assert data["time"]["format"] == "%m/%d/%Y %I:%M %p"
    assert data["regions"] == {"Piriformis": "other"}
    mapping = tmp_path / "m.toml"
    mapping.write_text(suggest_mapping(path, zone="America/New_York"), encoding="utf-8")
    segments, _, _ = rollstats.load(path, mapping=mapping)
    # 9:30 PM EDT (UTC-4, DST began 10 Mar 2024) = 01:30Z next day; 05:30 = 330 s
    assert records(segments, ["start", "duration_s", "region"]) == {
        "start": ["2024-03-15 01:30", "2024-03-16 01:05"], "duration_s": [330.0, 60.0],
        "region": ["thigh_lateral", "other"]}


# A wide export: one column per region, seconds, ISO times with an offset.
WIDE = ("date,user,quads_s,calves_s,glutes_s\n"
        "2026-03-03T21:00:00+01:00,A,60,30,\n"
        "2026-03-04T21:00:00+01:00,A,0,,\n"
        "2026-03-05T21:00:00+01:00,A,abc,45,-5\n"
        "2026-03-06T21:00:00+01:00,A,20,20,20\n")
WIDE_MAPPING = """
[columns]
start = "date"
subject_id = "user"
[wide]
unit = "s"
placement = "{placement}"
[wide.columns]
quads_s = "quads"
calves_s = "calves"
glutes_s = {{ region = "glutes", side = "both" }}
"""


def wide_files(tmp_path, placement="sequential", body=WIDE, name="wide.csv"):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    mapping = tmp_path / f"wide-{placement}.toml"
    mapping.write_text(WIDE_MAPPING.format(placement=placement), encoding="utf-8")
    return path, mapping


def test_a_wide_export_gives_one_segment_per_filled_cell_placed_one_after_another(tmp_path):
    path, mapping = wide_files(tmp_path)
    segments, rejects, report = rollstats.load(path, mapping=mapping)
    # row 1: quads 60 s at 21:00, calves 30 s at 21:01 (after the quads); glutes empty
    # row 2: 0 and empty cells: no record, the row is passed over
    # row 3: quads 'abc' refused (no number), calves 45 s at 21:00 (the refused cell takes no time),
    #        glutes -5 refused (zero or less)
    # row 4: quads, calves, glutes 20 s each at 21:00:00, 21:00:20, 21:00:40
    assert records(segments, ["local_start", "duration_s", "region", "side", "region_label", "source_row"]) == {
        "local_start": ["2026-03-03 21:00", "2026-03-03 21:01", "2026-03-05 21:00", "2026-03-06 21:00",
                        "2026-03-06 21:00", "2026-03-06 21:00"],
        "duration_s": [60.0, 30.0, 45.0, 20.0, 20.0, 20.0],
        "region": ["thigh_front", "calf", "calf", "thigh_front", "calf", "hip"],
        "side": [None, None, None, None, None, "both"],
        "region_label": ["quads_s", "calves_s", "calves_s", "quads_s", "calves_s", "glutes_s"],
        "source_row": [1, 1, 3, 4, 4, 4],
    }
    assert segments["local_start"].dt.strftime("%H:%M:%S").tolist()[3:] == ["21:00:00", "21:00:20", "21:00:40"]
    assert rejects[["source_row", "column", "value"]].values.tolist() == [[3, "quads_s", "abc"], [3, "glutes_s", "-5.0"]]
    # records read = 8 filled cells = 6 accepted + 0 duplicates + 2 refused; row 2 passed over
    assert (report.rows_read, report.rows_accepted, report.duplicates_dropped, report.rows_rejected) == (8, 6, 0, 2)
    assert report.passed_over == {WIDE_EMPTY: 1}


def test_same_start_placement_keeps_different_regions_at_the_row_time(tmp_path):
    path, mapping = wide_files(tmp_path, "same_start")
    segments, _, report = rollstats.load(path, mapping=mapping)
    assert report.rows_accepted == 6 and report.duplicates_dropped == 0
    assert segments["local_start"].dt.strftime("%d %H:%M:%S").tolist() == ["03 21:00:00", "03 21:00:00",
                                                                          "05 21:00:00"] + ["06 21:00:00"] * 3


def test_an_overlapping_wide_export_repeats_nothing(tmp_path):
    path, mapping = wide_files(tmp_path)
    later = "\n".join(WIDE.splitlines()[:1] + WIDE.splitlines()[3:]) + "\n2026-03-07T21:00:00+01:00,A,90,,\n"
    second, _ = wide_files(tmp_path, body=later, name="wide2.csv")
    segments, _, report = rollstats.load([path, second], mapping=mapping)
    # the second file repeats rows 3 and 4 (4 accepted cells) and adds one quads segment
    files = report.files.set_index("source")
    assert files.loc[str(second), ["rows_read", "rows_accepted", "duplicates_dropped", "rows_rejected"]].tolist() == [7, 1, 4, 2]
    assert len(segments) == 7


@pytest.mark.parametrize("toml, message", [
    ('[colums]\nstart = "t"', "unknown section 'colums' (did you mean 'columns'?)"),
    ('[columns]\nstrat = "t"', "unknown key in [columns] 'strat' (did you mean 'start'?)"),
    ('[units]\nduration = "minutes"', "[units] duration = 'minutes' must be one of"),
    ('[time]\nformat = "%Q"', "[time] format '%Q' is not a strftime pattern"),
    ('[time]\nformat = "day"', "[time] format 'day'"),
    ('[time]\nzone = "Mars/Base"', "[time] zone 'Mars/Base' is not an IANA time zone"),
    ('[time]\ndate_only_at = "25:00"', "[time] date_only_at '25:00'"),
    ('[regions]\nWade = "leg"', "[regions] 'Wade' = 'leg' is not a region"),
    ('[constants]\nsubject_id = "P1"', "'subject_id' is in [columns] and in [constants]"),
    ('[file]\ndelimiter = "::"', "[file] delimiter = '::' must be one of"),
    ('[file]\nencoding = "klingon"', "[file] encoding 'klingon' is not a known encoding"),
    ('[file]\ndecimal = ";"', "[file] decimal = ';' must be one of"),
    ('[wide.columns]\nq = "quads"', "[columns] duration_s cannot go with [wide.columns]"),
    ('[wide.columns]\nq = { region = "quads", side = "up" }', "[wide.columns] 'q' side = 'up'"),
    ('[wide.columns]\nq = { area = "quads" }', "unknown key in [wide.columns] 'q' 'area'"),
    ('[columns]\nnotes = 3', "[columns] notes must be a column name, not 3"),
    ('[columns]\nend = []', "[columns] end must be a column name or a list of them"),
    ('columns = 3', "[columns] must be a table"),
])
def test_a_wrong_key_or_value_in_a_mapping_is_an_error_naming_it(tmp_path, toml, message):
    base = '[columns]\nsubject_id = "u"\nstart = "t"\nduration_s = "d"\n'
    data = tomllib.loads(toml)
    merged = tomllib.loads(base)
    for section, table in data.items():
        if isinstance(table, dict) and isinstance(merged.get(section), dict):
            merged[section].update(table)
        else:
            merged[section] = table
    with pytest.raises(MappingError) as err:
        Mapping.from_dict(merged, "m.toml")
    assert message in str(err.value) and str(err.value).startswith("m.toml: ")


@pytest.mark.parametrize("toml, message", [
    ('[columns]\nsubject_id = "u"\nduration_s = "d"', "[columns] start is missing"),
    ('[columns]\nstart = "t"\nduration_s = "d"', "no subject"),
    ('[columns]\nstart = "t"\nsubject_id = "u"', "no length"),
    ('[columns]\nstart = "t"\nsubject_id = "u"\n[wide]\nplacement = "same_start"\n'
     '[wide.columns]\nquads_min = "quads"\nthigh_front_min = "thigh_front"', "give the same region and side"),
    ('[columns\nstart = "t"', "not a valid TOML file"),
])
def test_an_incomplete_or_broken_mapping_file_is_an_error(tmp_path, toml, message, capsys):
    path = tmp_path / "m.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(MappingError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Mapping.from_toml(path)
    export = tmp_path / "e.csv"
    export.write_text("u,t,d\nA,2026-03-03T21:00+01:00,60\n", encoding="utf-8")
    assert main(["ingest", str(export), "--mapping", str(path)]) == 2
    assert "rollstats: error:" in capsys.readouterr().err


def test_a_column_the_mapping_names_but_the_file_lacks_stops_with_the_file_and_name(eu, tmp_path):
    path, _ = eu
    mapping = tmp_path / "m.toml"
    mapping.write_text(EU_MAPPING.replace('duration_s = "Dauer (min)"', 'duration_s = "Dauer"'), encoding="utf-8")
    with pytest.raises(rollstats.IngestError, match=r"export.csv: no column 'Dauer'.*columns found: Patient"):
        rollstats.load(path, mapping=mapping)


def test_a_time_not_in_the_format_is_refused_with_the_format_and_file_column(eu, tmp_path):
    path, mapping = eu
    path.write_bytes(EU.replace("04.03.2024 00:15", "2024-03-04 0:15 Uhr").encode("latin-1"))
    segments, rejects, report = rollstats.load(path, mapping=mapping)
    assert report.rows_read == 5 and report.rows_accepted == 4
    assert rejects[["source_row", "column", "value"]].values.tolist() == [[3, "Datum", "2024-03-04 0:15 Uhr"]]
    assert "expected the mapping's format %d.%m.%Y %H:%M" in rejects["reason"].iloc[0]


def test_dates_without_a_time_units_offsets_constants_and_joined_columns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Day;Clock;ms;hours;mmss;zoned\n"
                    "03/03/2024;21:30;90000;0,05;01:30;2024-03-03 21:30 +0100\n"
                    "04/03/2024;07:00;1500;1;1:00:00;2024-03-04 21:30 -0500\n", encoding="utf-8")
    mapping = {"columns": {"start": "Day", "duration_s": "ms"}, "constants": {"subject_id": "me"},
               "units": {"duration": "ms"}, "time": {"format": "%d/%m/%Y", "zone": "UTC"}}
    m = Mapping.from_dict(mapping)
    # a date alone is read at 12:00, in the night of that date; 90000 ms = 90 s, 1500 ms = 1.5 s
    part, _ = m.canonical(path, tz=None)
    assert records(part.segments, ["subject_id", "local_start", "night", "duration_s"]) == {
        "subject_id": ["me", "me"], "local_start": ["2024-03-03 12:00", "2024-03-04 12:00"],
        "night": ["2024-03-03", "2024-03-04"], "duration_s": [90.0, 1.5]}
    joined = Mapping.from_dict({**mapping, "columns": {"start": ["Day", "Clock"], "duration_s": "hours"},
                                "units": {"duration": "h"}, "file": {"decimal": ","},
                                "time": {"format": "%d/%m/%Y %H:%M", "zone": "UTC"}})
    part, _ = joined.canonical(path)
    # 0,05 h = 180 s, 1 h = 3600 s; 07:00 is after the 04:00 day start: night of 4 Mar
    assert records(part.segments, ["local_start", "night", "duration_s"]) == {
        "local_start": ["2024-03-03 21:30", "2024-03-04 07:00"], "night": ["2024-03-03", "2024-03-04"],
        "duration_s": [180.0, 3600.0]}
    clock = Mapping.from_dict({**mapping, "columns": {"start": "zoned", "duration_s": "mmss"},
                               "units": {"duration": "mm:ss"}, "time": {"format": "%Y-%m-%d %H:%M %z"}})
    part, _ = clock.canonical(path)
    # each row keeps its own offset: 21:30 +01:00 = 20:30Z; 21:30 -05:00 = 02:30Z next day
    assert records(part.segments, ["start", "local_start", "duration_s"]) == {
        "start": ["2024-03-03 20:30", "2024-03-05 02:30"], "local_start": ["2024-03-03 21:30", "2024-03-04 21:30"],
        "duration_s": [90.0, 3600.0]}


STRONG = Path(__file__).parent / "fixtures" / "strong-export-head.csv"


def test_strongs_lettered_durations_read_with_the_h_m_s_unit(tmp_path):
    # Strong writes one row per set, each with its workout's Date and Duration: the 80 sets are 6
    # workouts, the other 74 rows exact duplicates of them.
    #   2h 18m = 8280 s, 1h 51m = 6660, 1h 40m = 6000, 1h 30m = 5400, 1h 37m = 5820, 1h 46m = 6360
    toml = tmp_path / "strong.toml"
    toml.write_text('[columns]\nstart = "Date"\nduration_s = "Duration"\nnotes = "Workout Name"\n'
                    '[constants]\nsubject_id = "lifter"\nactivity = "strengthening"\n'
                    '[units]\nduration = "h m s"\n[time]\nzone = "Europe/Berlin"\n', encoding="utf-8")
    # the card refuses a segment over an hour as implausible: every set row, read as its workout's seconds
    segments, rejects, _ = rollstats.load(STRONG, mapping=toml)
    assert len(segments) == 0 and len(rejects) == 80
    assert rejects["value"].iloc[[0, 18, 79]].tolist() == ["8280.0", "6660.0", "6360.0"]
    assert set(rejects["reason"]) == {"duration_s: longer than limits.max_segment_s = 3600 s: implausible"}
    longer = rollstats.Program.default().replace(limits={"max_segment_s": 3 * 3600})
    segments, rejects, report = rollstats.load(STRONG, mapping=toml, program=longer)
    assert (report.rows_read, report.rows_accepted, report.duplicates_dropped, len(rejects)) == (80, 6, 74, 0)
    assert records(segments, ["local_start", "duration_s", "notes"]) == {
        "local_start": ["2021-02-10 16:46", "2021-02-12 16:31", "2021-02-14 17:41", "2021-02-15 19:15",
                        "2021-02-17 18:18", "2021-02-19 16:42"],
        "duration_s": [8280.0, 6660.0, 6000.0, 5400.0, 5820.0, 6360.0],
        "notes": ["Mittwoch", "Freitag", "Sonntag", "Montag", "Mittwoch", "Montag/Freitag"]}
    assert set(segments["activity"]) == {"strengthening"}
    # the same cells in seconds, the unit of before: every row refused, naming the column
    toml.write_text(toml.read_text(encoding="utf-8").replace('"h m s"', '"s"'), encoding="utf-8")
    segments, rejects, _ = rollstats.load(STRONG, mapping=toml, program=longer)
    assert len(segments) == 0 and set(rejects["column"]) == {"Duration"} and rejects["value"].iloc[0] == "2h 18m"


@pytest.mark.parametrize("cells, seconds", [
    (["45m", "1h", "30s", "1h 5m 30s", "2H18M", "1,5h", "10 min"], [2700, 3600, 30, 3930, 8280, 5400, 600]),
    (["", "90", "2 hours", "m", "1h x"], [None] * 5),
])
def test_the_h_m_s_unit_reads_each_letter_and_nothing_else(tmp_path, cells, seconds):
    m = Mapping.from_dict({"columns": {"start": "t", "duration_s": "d"}, "constants": {"subject_id": "me"},
                           "units": {"duration": "h m s"}})
    raw = m.apply(pd.DataFrame({"t": ["2024-03-03T21:00:00+01:00"] * len(cells), "d": cells}),
                  np.arange(1, len(cells) + 1)).raw
    # a cell read becomes its seconds; any other keeps its text (empty: missing) for the reader to refuse
    assert [v if isinstance(v, float) else None for v in raw["duration_s"]] == [
        float(s) if s is not None else None for s in seconds]


def test_a_mapping_does_not_apply_to_apple_healths_export():
    apple = Path(__file__).parent / "fixtures" / "apple-health-export-sample.xml"
    m = Mapping.from_dict({"columns": {"start": "startDate", "duration_s": "duration"},
                           "constants": {"subject_id": "me"}})
    with pytest.raises(MappingError, match=r"apple-health-export-sample.xml: an XML file such as Apple Health's "
                                           r"export.xml: a mapping file \(--mapping\) is for an app's CSV, XLSX or "
                                           r"JSON export and does not apply to it"):
        rollstats.load(apple, mapping=m)


def test_xlsx_and_json_exports_read_through_a_mapping(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Info"
    sheet = book.create_sheet("Log")
    sheet.append(["Who", "When", "Minutes", "Area"])
    sheet.append(["A", dt.datetime(2026, 3, 3, 21, 0), 1.5, "Glutes"])
    sheet.append(["A", dt.datetime(2026, 3, 4, 21, 0), 2, "front thigh"])
    xlsx = tmp_path / "app.xlsx"
    book.save(xlsx)
    spec = {"file": {"sheet": "Log"}, "columns": {"subject_id": "Who", "start": "When", "duration_s": "Minutes",
                                                   "region": "Area"},
            "units": {"duration": "min"}, "time": {"zone": "Europe/Berlin"}}
    part, _ = Mapping.from_dict(spec).canonical(xlsx)
    # 21:00 CET = 20:00Z; 1.5 min = 90 s, 2 min = 120 s
    assert records(part.segments, ["start", "duration_s", "region", "source_row"]) == {
        "start": ["2026-03-03 20:00", "2026-03-04 20:00"], "duration_s": [90.0, 120.0],
        "region": ["hip", "thigh_front"], "source_row": [1, 2]}
    js = tmp_path / "app.json"
    js.write_text(json.dumps([{"Who": "B", "When": "2026-03-03T21:00:00+01:00", "Minutes": 0.5, "Area": "calves"}]),
                  encoding="utf-8")
    part, _ = Mapping.from_dict({**spec, "file": {}}).canonical(js)
    assert records(part.segments, ["subject_id", "start", "duration_s", "region"]) == {
        "subject_id": ["B"], "start": ["2026-03-03 20:00"], "duration_s": [30.0], "region": ["calf"]}


def test_the_shipped_mapping_example_is_a_valid_mapping():
    from pathlib import Path

    example = Path(__file__).parents[1] / "docs" / "mapping-example.toml"
    mapping = Mapping.from_toml(example)
    assert mapping.wide == () and mapping.time_format == "%d.%m.%Y %H:%M"


def test_the_readme_mapping_example_gives_the_segments_it_describes(tmp_path):
    import re
    from pathlib import Path

    readme = Path(__file__).parents[1].joinpath("README.md").read_text(encoding="utf-8")
    section = readme.split("## Any app's export: the mapping file", 1)[1].split("\n## ", 1)[0]
    export = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    mapping = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    path, toml = tmp_path / "rolling-log.csv", tmp_path / "rolling-log.toml"
    path.write_bytes(export.encode("latin-1"))
    toml.write_text(mapping, encoding="utf-8")
    segments, rejects, _ = rollstats.load(path, mapping=toml)
    assert len(rejects) == 0
    assert records(segments, ["local_start", "night", "duration_s", "region", "source_row"]) == {
        "local_start": ["2024-03-03 21:30", "2024-03-04 00:15"], "night": ["2024-03-03", "2024-03-03"],
        "duration_s": [150.0, 45.0], "region": ["thigh_front", "calf"], "source_row": [1, 2]}


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CELLS = st.sampled_from(["", "0", "0,0", "15", "2,5", "90", "-3", "x", " 7 "])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(regions=st.lists(st.sampled_from(["quads", "calves", "glutes", "thigh_front", "other"]), min_size=1, max_size=4),
       rows=st.lists(st.tuples(st.booleans(), st.booleans(), st.lists(CELLS, min_size=4, max_size=4)), max_size=8))
def test_wide_files_keep_the_row_identity_and_every_second(tmp_path_factory, regions, rows):
    folder = tmp_path_factory.mktemp("wide")
    headers = [f"c{i}_{r}" for i, r in enumerate(regions)]
    lines = [";".join(["when", "who", *headers])]
    for day, (good_time, has_subject, cells) in enumerate(rows, start=1):
        when = f"2026-03-{day:02d}T21:00:00+01:00" if good_time else "yesterday"
        lines.append(";".join([when, "A" if has_subject else "", *cells[:len(regions)]]))
    path = folder / "w.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = {"file": {"delimiter": ";", "decimal": ","}, "columns": {"start": "when", "subject_id": "who"},
            "wide": {"unit": "s", "columns": {h: r for h, r in zip(headers, regions)}}}
    part, passed = Mapping.from_dict(spec).canonical(path)
    number = {"": None, "0": 0.0, "0,0": 0.0, "15": 15.0, "2,5": 2.5, "90": 90.0, "-3": -3.0, "x": None, " 7 ": 7.0}
    filled = [[c for c in cells[:len(regions)] if c.strip() and number[c] != 0] for _, _, cells in rows]
    assert part.rows_read == sum(map(len, filled)) == len(part.segments) + len(part.rejects)
    assert passed.get(WIDE_EMPTY, 0) == sum(1 for f in filled if not f)
    seconds = part.segments.groupby("source_row")["duration_s"].sum().to_dict()
    for row, ((good_time, has_subject, _), cells) in enumerate(zip(rows, filled), start=1):
        positive = sum(number[c] for c in cells if number[c] is not None and number[c] > 0)
        expected = positive if good_time and has_subject else 0.0
        assert seconds.get(row, 0.0) == pytest.approx(expected)
    # one row's segments never share a start
    assert not part.segments.duplicated(["source_row", "start"]).any()

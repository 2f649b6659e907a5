"""The door (rollstats.io.sources.load, which rollstats.load is): every kind of input gives the
canonical table, and stores and datasets given together follow the rule files follow.

Figures are worked out by hand in the comments; the canonical order is checked against pandas'
own stable sort.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import rollstats
from rollstats import store
from rollstats.io import find_sources, parquet_pieces

try:
    from corrected_exports import APRIL, MARCH
except ImportError:  # pragma: no cover
    from tests.corrected_exports import APRIL, MARCH

# A: 3 Mar 200 s quads, 4 Mar 100 s calves (written after B's row); B: 3 Mar 60 s glutes.
EXPORT = """subject_id,start,duration_s,region
B,2026-03-03T22:00:00+01:00,60,glutes
A,2026-03-04T21:00:00+01:00,100,calves
A,2026-03-03T21:00:00+01:00,200,quads
"""
CANONICAL_ORDER = ["subject_id", "start", "source", "source_row"]


def in_canonical_order(segments: pd.DataFrame) -> bool:
    return segments.equals(segments.sort_values(CANONICAL_ORDER, kind="stable").reset_index(drop=True))


@pytest.fixture
def export(write_text):
    return write_text("exports/export.csv", EXPORT)


def test_an_export_file_gives_the_canonical_table(export):
    segments, rejects, report = rollstats.load(export)
    rollstats.validate_segments(segments)
    assert in_canonical_order(segments)
    # A's rows first (3 Mar before 4 Mar: file rows 3, 2), then B's (row 1)
    assert segments[["subject_id", "duration_s", "source_row"]].values.tolist() == [
        ["A", 200.0, 3], ["A", 100.0, 2], ["B", 60.0, 1]]
    assert (report.rows_read, report.rows_accepted, len(rejects)) == (3, 3, 0)
    assert [s.kind for s in find_sources(export)] == ["export"]


def test_a_folder_of_exports_is_its_files_in_name_order(export, write_text):
    later = write_text("exports/z-later.csv", "subject_id,start,duration_s,region\nB,2026-03-05T22:00:00+01:00,90,calf\n")
    write_text("exports/notes.txt", "not an export")  # no reader: left out
    from_folder = rollstats.load(export.parent)
    from_files = rollstats.load([export, later])
    pd.testing.assert_frame_equal(from_folder.segments, from_files.segments)
    assert from_folder.report.files["source"].tolist() == [str(export), str(later)]
    assert from_folder.segments["duration_s"].sum() == 200 + 100 + 60 + 90


def test_an_unpacked_loop_export_is_one_source(tmp_path):
    folder = tmp_path / "Loop Habits CSV 2026-03-07"
    (folder / "001 Foam rolling").mkdir(parents=True)
    (folder / "Habits.csv").write_text("Position,Name,Type,Unit\n001,Foam rolling,NUMERICAL,min\n")
    # Loop keeps thousandths of the unit: 1500 = 1.5 min = 90 s, 2000 = 2 min = 120 s
    (folder / "001 Foam rolling" / "Checkmarks.csv").write_text("Date,Value\n2026-03-04,2000\n2026-03-03,1500\n")
    found = find_sources(folder)
    assert [(s.path, s.kind) for s in found] == [(folder, "export")]
    segments = rollstats.load(folder).segments
    rollstats.validate_segments(segments)
    assert segments["subject_id"].unique().tolist() == ["Loop Habits CSV 2026-03-07"]
    assert segments["duration_s"].tolist() == [90.0, 120.0]  # 3 Mar, then 4 Mar
    assert segments["night"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-03", "2026-03-04"]


LOOP_FIXTURE = Path(__file__).parent / "fixtures" / "loop-habits-csv-before-2.3.1"


def test_an_unpacked_loop_export_inside_a_larger_folder_is_read_as_a_loop_export(export, tmp_path, capsys):
    from rollstats.cli import main

    # exports/ holds export.csv (3 rows) and loop-P07/, Loop's own test export unpacked (Habits.csv,
    # Checkmarks.csv, one folder per habit): read as that export, never file by file
    nested = shutil.copytree(LOOP_FIXTURE, export.parent / "loop-P07")
    found = find_sources(export.parent)
    assert [(s.path, s.kind) for s in found] == [(export, "export"), (nested, "export")]
    segments, rejects, report = rollstats.load(export.parent, habit="Wake up early")
    # "Wake up early": 10 days, 6 done (check-ins of 60 s), 1 not done, 3 not due
    loop_rows = segments.loc[segments["subject_id"] == "loop-P07"]
    assert loop_rows["night"].dt.strftime("%d").tolist() == ["16", "17", "20", "21", "22", "25"]
    assert loop_rows["duration_s"].tolist() == [60.0] * 6
    assert (report.rows_read, report.rows_accepted, len(rejects)) == (3 + 6, 3 + 6, 0)
    assert report.files["source"].tolist() == [str(export), str(nested)]
    assert main(["ingest", str(export.parent), "--habit", "Wake up early", "--format", "json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert (said["rows_read"], said["rows_accepted"], said["passed_over"]["loop days not due"]) == (9, 9, 3)


def test_a_dataset_is_read_as_it_is(export, tmp_path):
    loaded = rollstats.load(export)
    (tmp_path / "d").mkdir()
    loaded.segments.iloc[:2].to_parquet(tmp_path / "d" / "part-0.parquet", index=False)
    loaded.segments.iloc[2:].to_parquet(tmp_path / "d" / "part-1.parquet", index=False)
    assert [s.kind for s in find_sources(tmp_path / "d")] == ["dataset", "dataset"]
    again = rollstats.load(tmp_path / "d")
    # nothing parsed again: the rows keep the export they came from
    pd.testing.assert_frame_equal(again.segments, loaded.segments)
    assert again.report.files["rows_read"].tolist() == [2, 1]
    assert again.report.rows_read == again.report.rows_accepted == 3


def test_a_store_is_read_as_it_is(export, tmp_path):
    loaded = rollstats.load(export)
    root = tmp_path / "stores" / "cohort"
    store.append(root, loaded)
    found = find_sources(root)
    assert [s.kind for s in found] == ["store"]
    back = rollstats.load(root)
    pd.testing.assert_frame_equal(back.segments, loaded.segments)
    assert back.report.files[["source", "rows_read", "rows_accepted"]].values.tolist() == [[str(root), 3, 3]]
    # a store inside a folder is read through its commits, not file by file
    assert [(s.path, s.kind) for s in find_sources(root.parent)] == [(root, "store")]
    pd.testing.assert_frame_equal(rollstats.load(root.parent).segments, loaded.segments)


def files_result(write_text):
    march, april = write_text("march.csv", MARCH), write_text("april.csv", APRIL)
    return march, april, rollstats.load([march, april])


@pytest.mark.parametrize("kinds", [("store", "store"), ("dataset", "store"), ("store", "dataset")])
def test_canonical_tables_given_together_follow_the_rule_of_files(write_text, tmp_path, kinds):
    march, april, files = files_result(write_text)
    given = []
    for name, path, kind in (("march", march, kinds[0]), ("april", april, kinds[1])):
        if kind == "store":
            store.append(tmp_path / f"{name}-store", rollstats.load(path))
            given.append(tmp_path / f"{name}-store")
        else:
            rollstats.load(path).segments.to_parquet(tmp_path / f"{name}.parquet", index=False)
            given.append(tmp_path / f"{name}.parquet")
    together = rollstats.load(given)
    # the same table as the two exports read in that order: s1 60 + 80 + 70 = 210 s, s2 30 s noted
    pd.testing.assert_frame_equal(together.segments, files.segments)
    pd.testing.assert_frame_equal(together.rejects, files.rejects)
    assert together.rejects["reason"].tolist() == [f"superseded by {april} row 2", f"superseded by {april} row 3"]
    r = together.report
    # march: 3 read = 1 accepted + 2 superseded; april: 4 read = 3 accepted + 1 duplicate (3 Mar)
    assert r.files[["rows_read", "rows_accepted", "duplicates_dropped", "rows_rejected", "superseded"]].values.tolist() == [
        [3, 1, 0, 2, 2], [4, 3, 1, 0, 0]]
    assert rollstats.summarize(together.segments).set_index("subject_id")["rolled_s"].to_dict() == {"s1": 210.0, "s2": 30.0}
    # read the other way round, March's versions win, as with the files
    backwards = rollstats.load(given[::-1]).segments
    assert backwards.loc[backwards["source_row"] == 2, "duration_s"].tolist() == [50.0]
    pd.testing.assert_frame_equal(backwards, rollstats.load([april, march]).segments)


def test_exports_and_canonical_tables_are_not_mixed(export, tmp_path):
    store.append(tmp_path / "cohort", rollstats.load(export))
    rollstats.load(export).segments.to_parquet(tmp_path / "d.parquet", index=False)
    for given in ([tmp_path / "cohort", export], [export, tmp_path / "d.parquet"]):
        with pytest.raises(rollstats.IngestError, match="either cohort stores or export files.*rollstats ingest"):
            rollstats.load(given)


def test_the_listing_for_engines_names_each_parquet_file_with_its_source(export, tmp_path):
    loaded = rollstats.load(export)
    store.append(tmp_path / "cohort", loaded)
    loaded.segments.to_parquet(tmp_path / "d.parquet", index=False)
    pieces = parquet_pieces([tmp_path / "d.parquet", tmp_path / "cohort"])
    committed = store.committed_parts(tmp_path / "cohort")
    buckets = sorted(set(store.bucket_of(pd.Series(["A", "B"])).tolist()))
    assert [(p.path, p.part, p.renight) for p in pieces] == [(tmp_path / "d.parquet", 0, False)] + [
        (c, 1, True) for c in committed]
    assert sorted(p.group[1] for p in pieces[1:]) == buckets
    with pytest.raises(rollstats.IngestError, match="an export.*ingest the exports first"):
        parquet_pieces(export)


def test_the_command_line_reads_two_stores_as_two_files(write_text, tmp_path, capsys):
    from rollstats.cli import main

    march, april, _ = files_result(write_text)
    for name, path in (("m", march), ("a", april)):
        assert main(["ingest", str(path), "-o", f"{tmp_path / name}/"]) == 0
    capsys.readouterr()
    assert main(["summary", str(tmp_path / "m"), str(tmp_path / "a"), "--format", "json"]) == 0
    from_stores = capsys.readouterr().out
    assert main(["summary", str(march), str(april), "--format", "json"]) == 0
    assert from_stores == capsys.readouterr().out and '"rolled_s":210.0' in from_stores.replace(" ", "")


def test_the_widgets_file_loader_reads_a_store(export, tmp_path):
    pytest.importorskip("ipywidgets")
    from rollstats.widgets.loader import FileLoader

    store.append(tmp_path / "cohort", rollstats.load(export))
    seen = []
    loader = FileLoader(rollstats.Program.default(), lambda result, names: seen.append((result, names)))
    assert loader.load(tmp_path / "cohort")
    (result, names), = seen
    assert names == "cohort"
    pd.testing.assert_frame_equal(result.segments, rollstats.load(export).segments)
    loader.close()

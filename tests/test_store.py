"""The cohort store: appends, duplicates against what is stored, per-subject reads, failed appends."""
from __future__ import annotations

import json
import os

import pandas as pd
import pytest

import rollstats
from rollstats import store, store_files
from rollstats.cli import main
from rollstats.store_lock import StoreLock

try:
    from corrected_exports import APRIL, MARCH
except ImportError:  # pragma: no cover
    from tests.corrected_exports import APRIL, MARCH

# Subject A: 3 Mar 200 s quads, 4 Mar 100 s calves; subject B: 3 Mar 60 s glutes.
FIRST = """subject_id,start,duration_s,region
A,2026-03-03T21:00:00+01:00,200,quads
A,2026-03-04T21:00:00+01:00,100,calves
B,2026-03-03T22:00:00+01:00,60,glutes
"""
# A later export: repeats A's two rows (one with an alias of the same region), adds 5 Mar.
SECOND = """subject_id,start,duration_s,region
A,2026-03-04T21:00:00+01:00,100,calf
A,2026-03-03T21:00:00+01:00,200,thigh_front
A,2026-03-05T21:00:00+01:00,75,hamstrings
"""


@pytest.fixture
def exports(tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")
    return first, second


def files_in(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_store_reads_back_the_canonical_table_it_was_given(exports, tmp_path):
    first, _ = exports
    loaded = rollstats.load(first)
    added = store.append(tmp_path / "cohort", loaded)
    assert len(added.segments) == 3
    back = rollstats.read_store(tmp_path / "cohort")
    rollstats.validate_segments(back)
    pd.testing.assert_frame_equal(back, loaded.segments)
    assert back["source"].tolist() == [str(first)] * 3 and back["source_row"].tolist() == [1, 2, 3]


def test_reingesting_an_overlapping_export_adds_only_what_is_new_and_counts_the_rest(exports, tmp_path):
    first, second = exports
    root = tmp_path / "cohort"
    store.append(root, rollstats.load(first))
    again = store.append(root, rollstats.load(second))
    # second.csv: 3 rows read, 2 already stored (same subject, instant, duration, region), 1 new
    r = again.report
    assert (r.rows_read, r.rows_accepted, r.duplicates_dropped, r.rows_rejected) == (3, 1, 2, 0)
    assert again.segments["source_row"].tolist() == [3]
    back = rollstats.read_store(root)
    assert back[["subject_id", "duration_s", "source_row"]].values.tolist() == [
        ["A", 200.0, 1], ["A", 100.0, 2], ["A", 75.0, 3], ["B", 60.0, 3]]
    assert back["source"].str.endswith(("first.csv", "second.csv")).all()
    assert back["source"].str.endswith("second.csv").tolist() == [False, False, True, False]
    before = files_in(root)
    nothing = store.append(root, rollstats.load([first, second]))
    # 6 rows read: 2 repeated within this load, the other 4 all stored already
    assert len(nothing.segments) == 0 and nothing.report.duplicates_dropped == 6
    assert files_in(root) == before  # nothing written, not even a commit record


def test_a_per_subject_read_returns_that_subject_only(exports, tmp_path):
    first, second = exports
    root = tmp_path / "cohort"
    store.append(root, rollstats.load([first, second]))
    only_b = rollstats.read_store(root, subjects=["B"])
    assert only_b["subject_id"].tolist() == ["B"] and only_b["duration_s"].tolist() == [60.0]
    assert len(rollstats.read_store(root, subjects=["nobody"])) == 0
    buckets = store.bucket_of(pd.Series(["A", "B"])).tolist()
    folders = sorted(p.name for p in root.glob("subject_bucket=*"))
    assert folders == sorted({f"subject_bucket={b:02d}" for b in buckets})


def test_nights_follow_the_program_given_when_reading(tmp_path):
    path = tmp_path / "late.csv"
    path.write_text("subject_id,start,duration_s\nA,2026-03-04T04:30:00+01:00,60\n", encoding="utf-8")
    store.append(tmp_path / "s", rollstats.load(path))
    # day_start 04:00: 04:30 is the night of 4 Mar; with day_start 05:00 it is the night of 3 Mar
    assert str(rollstats.read_store(tmp_path / "s")["night"].iloc[0].date()) == "2026-03-04"
    later = rollstats.Program.default().replace(night={"day_start": "05:00"})
    assert str(rollstats.read_store(tmp_path / "s", program=later)["night"].iloc[0].date()) == "2026-03-03"


@pytest.mark.parametrize("fail_at", ["write_table", "commit"])
def test_a_failed_append_leaves_the_store_as_it_was(exports, tmp_path, monkeypatch, fail_at):
    first, second = exports
    root = tmp_path / "cohort"
    store.append(root, rollstats.load(first))
    before = rollstats.read_store(root)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    if fail_at == "write_table":
        monkeypatch.setattr(store_files.pq, "write_table", boom)
    else:
        real = store_files._write_json
        monkeypatch.setattr(store_files, "_write_json",
                            lambda path, data: boom() if path.parent.name == "_commits" else real(path, data))
    with pytest.raises(OSError):
        store.append(root, rollstats.load(second))
    monkeypatch.undo()
    pd.testing.assert_frame_equal(rollstats.read_store(root), before)
    assert not (root / "_lock").exists()
    # the next append cleans the leftovers and adds the new row once
    again = store.append(root, rollstats.load(second))
    assert len(again.segments) == 1
    assert len(rollstats.read_store(root)) == 4
    parts = [p for p in root.rglob("*.parquet")]
    committed = [p for r in (root / "_commits").glob("*.json") for p in json.loads(r.read_text())["parts"]]
    assert sorted(str(p.relative_to(root)) for p in parts) == sorted(committed)
    assert not [p for p in root.rglob(".tmp-*")]


def test_a_second_writer_and_a_folder_that_is_not_a_store_are_refused(exports, tmp_path):
    first, _ = exports
    root = tmp_path / "cohort"
    store.append(root, rollstats.load(first))
    with StoreLock(root):  # another writer, alive, holds the lock (another open file: flock says no)
        with pytest.raises(store.StoreError, match=f"another ingest is writing.*process {os.getpid()} on host"):
            store.append(root, rollstats.load(first))
    other = tmp_path / "papers"
    other.mkdir()
    (other / "thesis.txt").write_text("x")
    with pytest.raises(store.StoreError, match="not a rollstats store"):
        store.append(other, rollstats.load(first))
    with pytest.raises(store.StoreError, match="not a rollstats store"):
        rollstats.read_store(other)
    with pytest.raises(rollstats.IngestError, match="holds no file rollstats can read"):
        rollstats.load(other)
    # the store itself is read by the door (rollstats.load), as the store's own reader reads it
    pd.testing.assert_frame_equal(rollstats.load(root).segments, rollstats.read_store(root))


def test_the_command_line_ingests_into_a_store_and_summarises_it(exports, tmp_path, capsys):
    first, second = exports
    root = tmp_path / "cohort"
    assert main(["ingest", str(first), "-o", f"{root}/"]) == 0
    assert main(["ingest", str(first), str(second), "-o", str(root), "--format", "json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    report = json.loads(lines[-1])
    # 6 rows read: first.csv all 3 stored already; second.csv 2 within this load + 1 new
    assert (report["rows_read"], report["rows_accepted"], report["duplicates_dropped"]) == (6, 1, 5)
    assert main(["summary", str(root), "--format", "json"]) == 0
    from_store = json.loads(capsys.readouterr().out)
    assert main(["summary", str(first), str(second), "--format", "json"]) == 0
    from_files = json.loads(capsys.readouterr().out)
    assert from_store == from_files
    assert [r["rolled_s"] for r in from_store] == [375.0, 60.0]
    assert main(["summary", str(root), str(first)]) == 2
    assert "either cohort stores or export files" in capsys.readouterr().err
    assert main(["ingest", str(first), "-o", str(tmp_path / "x.csv")]) == 2
    assert "Parquet file (.parquet) or a store folder" in capsys.readouterr().err




def test_an_appended_correction_replaces_the_stored_version(write_text, tmp_path):
    march, april = write_text("march.csv", MARCH), write_text("april.csv", APRIL)
    root = tmp_path / "cohort"
    store.append(root, rollstats.load(march))
    added = store.append(root, rollstats.load(april))
    r = added.report
    # April: 4 read = 3 accepted (the 80 s, the noted row, 5 Mar) + 1 duplicate (3 Mar) + 0 refused;
    # two stored March rows replaced
    assert (r.rows_read, r.rows_accepted, r.duplicates_dropped, r.rows_rejected, r.replaced_in_store) == (4, 3, 1, 0, 2)
    assert "stored segments replaced by their corrected version: 2" in str(r)
    back = rollstats.read_store(root)
    # s1: 60 + 80 + 70 = 210 s (not 60 + 50 + 80 + 70 = 260 s); s2: 30 s once, with April's note
    assert rollstats.summarize(back).set_index("subject_id")["rolled_s"].to_dict() == {"s1": 210.0, "s2": 30.0}
    assert back[["subject_id", "duration_s", "source_row"]].values.tolist() == [
        ["s1", 60.0, 1], ["s1", 80.0, 2], ["s1", 70.0, 4], ["s2", 30.0, 3]]
    assert back["source"].str.endswith("april.csv").tolist() == [False, True, True, True]
    assert back.loc[back["subject_id"] == "s2", "notes"].tolist() == ["felt better"]
    # the same table as loading both exports in that order
    both = rollstats.load([march, april]).segments
    pd.testing.assert_frame_equal(back.drop(columns=["source"]), both.drop(columns=["source"]))
    records = [json.loads(p.read_text()) for p in sorted((root / "_commits").glob("*.json"))]
    assert records[-1]["replaced"] == [
        {"source": str(march), "source_row": 2, "by": str(april), "by_row": 2},
        {"source": str(march), "source_row": 3, "by": str(april), "by_row": 3}]
    assert records[-1]["removes"] and set(records[-1]["removes"]) <= set(records[0]["parts"])
    # the same export again: nothing replaced, no commit; this append removes the replaced parts
    commits = sorted(p.name for p in (root / "_commits").iterdir())
    again = store.append(root, rollstats.load(april))
    assert (again.report.duplicates_dropped, again.report.replaced_in_store, len(again.segments)) == (4, 0, 0)
    assert sorted(p.name for p in (root / "_commits").iterdir()) == commits
    on_disk = sorted(str(p.relative_to(root)) for p in root.rglob("*.parquet"))
    assert on_disk == sorted(str(p.relative_to(root)) for p in store.committed_parts(root))
    assert not set(records[-1]["removes"]) & set(on_disk)
    pd.testing.assert_frame_equal(rollstats.read_store(root), back)


def test_a_correcting_append_that_fails_leaves_the_stored_version(write_text, tmp_path, monkeypatch):
    march, april = write_text("march.csv", MARCH), write_text("april.csv", APRIL)
    root = tmp_path / "cohort"
    store.append(root, rollstats.load(march))
    before = rollstats.read_store(root)
    real = store_files._write_json

    def no_commit(path, data):
        if path.parent.name == "_commits":
            raise OSError("disk full")
        real(path, data)

    monkeypatch.setattr(store_files, "_write_json", no_commit)
    with pytest.raises(OSError):
        store.append(root, rollstats.load(april))
    monkeypatch.undo()
    pd.testing.assert_frame_equal(rollstats.read_store(root), before)  # 50 s still, March's parts still read
    assert store.append(root, rollstats.load(april)).report.replaced_in_store == 2
    assert rollstats.read_store(root)["duration_s"].sum() == 60 + 80 + 70 + 30

"""A writer killed at any moment never blocks the next one, and a store reads exactly what was committed."""
from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest

import rollstats
from rollstats import store, store_lock
from rollstats.store_lock import StoreLock

ONE = "subject_id,start,duration_s,region\nA,2026-03-03T21:00:00+01:00,200,quads\n"

# Appends the files named on the command line one after the other, after saying it is ready.
WRITER = """
import sys
import rollstats
from rollstats import store
print("ready", flush=True)
for path in sys.argv[2:]:
    store.append(sys.argv[1], rollstats.load(path))
print("done", flush=True)
"""
# Takes the store's lock and keeps it until killed.
HOLDER = """
import sys, time
from pathlib import Path
from rollstats.store_lock import StoreLock
with StoreLock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(600)
"""


def export(path, run: int, k: int) -> None:
    """File ``k`` of run ``run``: 150 segments of 5 subjects; from the second file on, the first
    segment of each subject repeats the previous file's last one with 5 s more (a correction)."""
    lines = ["subject_id,start,duration_s,region"]
    for s in range(5):
        if k:
            lines.append(f"R{run}S{s},2026-03-{1 + k * 3:02d}T21:29:00+01:00,{35 + k},calves")
        for n in range(30):
            day = 2 + k * 3 + n // 10
            lines.append(f"R{run}S{s},2026-03-{day:02d}T21:{n % 10:02d}:00+01:00,{30 + n + k},quads")
    lines[-1] = lines[-1].replace(":09:00", ":29:00").replace("quads", "calves")  # the row corrected next
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def committed_sources(root) -> list[str]:
    """The export files of the store's commits, in commit order."""
    records = [json.loads(p.read_text()) for p in sorted((root / "_commits").glob("[!.]*.json"))]
    return [s for r in records for s in r["sources"]]


def assert_reads_what_was_committed(root) -> None:
    """The store reads back exactly ``rollstats.load`` of its committed files, in commit order
    (the later file wins a correction there too); no temporary file or foreign part is read."""
    back = rollstats.read_store(root)
    sources = committed_sources(root)
    expected = rollstats.load(sources).segments if sources else back.iloc[:0]
    pd.testing.assert_frame_equal(back.reset_index(drop=True), expected.reset_index(drop=True))


def test_writers_killed_at_random_moments_never_block_the_next_append(tmp_path):
    root = tmp_path / "cohort"
    chance = random.Random(14)
    for run in range(5):
        files = [tmp_path / f"run{run}-{k}.csv" for k in range(4)]
        for k, path in enumerate(files):
            export(path, run, k)
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(root), *map(str, files)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(chance.uniform(0.0, 0.8))  # somewhere in its appends, or after them
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        if root.exists() and store.is_store(root):
            assert_reads_what_was_committed(root)
        # the next writer is not blocked, cleans up, and its rows are added
        check = tmp_path / f"check{run}.csv"
        check.write_text(f"subject_id,start,duration_s\nC{run},2026-03-20T21:00:00+01:00,60\n", encoding="utf-8")
        added = store.append(root, rollstats.load(check))
        assert len(added.segments) == 1
        assert_reads_what_was_committed(root)
        assert committed_sources(root)[-1] == str(check)
        on_disk = sorted(str(p.relative_to(root)) for p in root.rglob("*.parquet"))
        assert on_disk == sorted(str(p.relative_to(root)) for p in store.committed_parts(root))
        assert not list(root.rglob(".tmp-*")) and not (root / "_lock").exists()


def test_a_lock_held_by_a_live_process_refuses_and_is_free_once_it_is_killed(tmp_path, write_text):
    path = write_text("one.csv", ONE)
    root = tmp_path / "cohort"
    store.append(root, rollstats.load(path))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(store.StoreError, match=f"process {holder.pid} on host {socket.gethostname()}"):
            store.append(root, rollstats.load(path))
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    assert (root / "_lock").exists()  # left behind by the killed holder, naming it
    assert json.loads((root / "_lock").read_text())["pid"] == holder.pid
    assert store.append(root, rollstats.load(path)).report.duplicates_dropped == 1
    assert not (root / "_lock").exists()


def finished_process() -> dict:
    """A lock holder record of a process that has ended (same host)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return {"pid": int(done.stdout), "host": socket.gethostname(), "started": None, "since": "2026-03-03T21:00:00"}


@pytest.mark.parametrize("flock", [True, False])
def test_a_lock_left_by_a_process_that_is_gone_is_taken_over(tmp_path, write_text, monkeypatch, flock):
    if not flock:  # a file system without flock: the file itself is the lock
        monkeypatch.setattr(store_lock, "fcntl", None)
    path = write_text("one.csv", ONE)
    root = tmp_path / "cohort"
    store.append(root, rollstats.load(path))
    (root / "_lock").write_text(json.dumps(finished_process()))
    assert store.append(root, rollstats.load(path)).report.duplicates_dropped == 1
    assert not (root / "_lock").exists()


def test_without_flock_a_live_holder_or_another_host_is_never_taken_over(tmp_path, monkeypatch):
    monkeypatch.setattr(store_lock, "fcntl", None)
    root = tmp_path / "cohort"
    root.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        alive = {"pid": sleeper.pid, "host": socket.gethostname(), "started": store_lock.process_start(sleeper.pid),
                 "since": "2026-03-03T21:00:00"}
        for who in (alive, {**alive, "host": "another-host"}, {**alive, "started": None}):
            (root / "_lock").write_text(json.dumps(who))
            with pytest.raises(store.StoreError, match=f"process {sleeper.pid} on host {who['host']}"):
                with StoreLock(root):
                    pass
        # the same id, but a process that started at another time: the id was reused, the holder is gone
        if alive["started"] is not None:  # (known where /proc tells process start times)
            (root / "_lock").write_text(json.dumps({**alive, "started": "another-boot:1"}))
            with StoreLock(root):
                assert json.loads((root / "_lock").read_text())["pid"] == os.getpid()
    finally:
        sleeper.kill()
        sleeper.wait()
    (root / "_lock").write_text("not json")  # unreadable: cannot be told gone
    with pytest.raises(store.StoreError, match="a process that did not name itself"):
        with StoreLock(root):
            pass


def test_a_new_store_folder_left_with_only_a_temporary_store_file_is_cleaned_up(tmp_path, write_text):
    path = write_text("one.csv", ONE)
    root = tmp_path / "cohort"
    root.mkdir()
    leftover = root / f".tmp-{'ab' * 16}-_store.json"  # a writer killed while making the store
    leftover.write_text('{"format": "rollst')
    (root / "_lock").write_text(json.dumps(finished_process()))
    assert len(store.append(root, rollstats.load(path)).segments) == 1
    bucket = int.from_bytes(hashlib.blake2b(b"A", digest_size=8).digest(), "big") % 64
    assert sorted(p.name for p in root.iterdir()) == ["_commits", "_store.json", f"subject_bucket={bucket:02d}"]
    assert len(rollstats.read_store(root)) == 1
    # anything else in the folder: not ours to remove
    other = tmp_path / "papers"
    other.mkdir()
    (other / f".tmp-{'ab' * 16}-_store.json").write_text("{}")
    (other / "thesis.txt").write_text("x")
    with pytest.raises(store.StoreError, match="not a rollstats store"):
        store.append(other, rollstats.load(path))
    assert sorted(p.name for p in other.iterdir()) == [f".tmp-{'ab' * 16}-_store.json", "thesis.txt"]

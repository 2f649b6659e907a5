"""Hostile files that are small on disk but large inside, each loaded by ``rollstats.load`` in a
fresh process: file size, outcome, wall time and peak memory.

The files are the ones of issue 14's hostile-testing round, built here from scratch:

- an XLSX of 5 kB with one cell at ``XFD1048576`` (it declares a sheet of 1,048,576 x 16,384);
- an Apple ``export.zip`` whose ``export.xml`` is 40 MiB of one workout's children (it grows
  about 150 times, under the zip guard's cap of 200);
- an Apple ``export.xml`` of 20 MB whose one workout has 5,000,000 children, and one of
  2,000,000 nested elements;
- an ``export.xml`` with one attribute of 5, 10, 20 and 40 MiB;
- a Loop Habit Tracker zip whose ``Checkmarks.csv`` holds 2.4 million lines (about 170 times
  its compressed size);
- a CSV of one line of 350,000 cells (1 MB);
- and, for comparison, a plain ``export.xml`` of 60 MB (350,000 records, 20 workouts).

Each file is loaded in its own child process (``python hostile_memory.py --child FILE``), which
prints the outcome, the seconds ``rollstats.load`` took and its peak resident set
(``ru_maxrss``). The peak shown is that minus the peak of a child that only imports rollstats
(the baseline, printed first): what loading the file cost. A child is stopped after
``--timeout`` seconds and may map at most ``--max-gib`` GiB (so that a file that still blows up
fails with MemoryError instead of exhausting the machine).

    python benchmarks/hostile_memory.py                  # all files (about a minute)
    python benchmarks/hostile_memory.py --only attr      # the files whose name holds "attr"
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

MIB = 2**20
PREP = "HKWorkoutActivityTypePreparationAndRecovery"
WORKOUT = (f'<Workout workoutActivityType="{PREP}" duration="1.5" durationUnit="min" '
           'startDate="2026-03-03 21:30:00 +0100" endDate="2026-03-03 21:31:30 +0100"')
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_DE">\n'
TAIL = "\n</HealthData>\n"


# --- the files ------------------------------------------------------------------------------

def sparse_xlsx(folder: Path) -> Path:
    import openpyxl

    path = folder / "sparse.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["subject_id", "start", "duration_s"])
    sheet.append(["s1", "2026-03-03T21:00:00+01:00", 60])
    sheet["XFD1048576"] = 1
    book.save(path)
    return path


def _write_xml(path: Path, pieces) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEAD)
        for piece in pieces:
            handle.write(piece)
        handle.write(TAIL)
    return path


def apple_zip(folder: Path) -> Path:
    """40 MiB of lap events in one workout; a block of 62 random events repeats (ratio ~150)."""
    rng = random.Random(14)
    events = "".join(f'<WorkoutEvent type="HKWorkoutEventTypeLap" date="2026-03-03 21:{rng.randrange(60):02d}:'
                     f'{rng.randrange(60):02d} +0100"/>' for _ in range(62))
    path = folder / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("apple_health_export/export.xml", "w") as member:
            member.write((HEAD + WORKOUT + ">").encode())
            for _ in range(40 * MIB // len(events)):
                member.write(events.encode())
            member.write(("</Workout>" + TAIL).encode())
    return path


def children_xml(folder: Path) -> Path:
    return _write_xml(folder / "children-5M.xml", [WORKOUT + ">", *["<e/>" * 1_000_000] * 5, "</Workout>"])


def deep_xml(folder: Path) -> Path:
    return _write_xml(folder / "deep-2M.xml", ["<Record>", "<a>" * 2_000_000, "</a>" * 2_000_000, "</Record>"])


def attribute_xml(mib: int):
    def build(folder: Path) -> Path:
        return _write_xml(folder / f"attr-{mib}MiB.xml", [WORKOUT, ' note="', "x" * (mib * MIB), '"/>'])
    build.__name__ = f"attr_{mib}"
    return build


def loop_zip(folder: Path) -> Path:
    """A Loop export whose Checkmarks.csv is 2.4 M lines: a block of 150 random days repeats."""
    rng = random.Random(14)
    first = dt.date(2000, 1, 1)
    block = "".join(f"{first + dt.timedelta(days=rng.randrange(9000))},"
                    f"{rng.choice(['YES_MANUAL', 'NO', 'SKIP', '15000', '2500'])}\n" for _ in range(150))
    path = folder / "Loop Habits CSV 2026-03-07.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Habits.csv", "Position,Name,Type,Unit\n001,Foam rolling,NUMERICAL,min\n")
        with archive.open("001 Foam rolling/Checkmarks.csv", "w") as member:
            member.write(b"Date,Value\n")
            for _ in range(40 * MIB // len(block)):
                member.write(block.encode())
    return path


def real_xml(folder: Path) -> Path:
    """Not hostile, for comparison: 350,000 records and 20 workouts of 5,000 events each (60 MB)."""
    record = ('<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" '
              'startDate="2026-03-03 21:30:00 +0100" endDate="2026-03-03 21:30:00 +0100" value="61"/>\n')
    workouts = [WORKOUT.replace("21:3", f"{h:02d}:3") + ">" + '<WorkoutEvent type="pause"/>' * 5000 + "</Workout>\n"
                for h in range(20)]
    return _write_xml(folder / "real-60MB.xml", [record * 17_500 + w for w in workouts])


def wide_csv(folder: Path) -> Path:
    path = folder / "one-line.csv"
    path.write_text(",".join(["ab"] * 350_000) + "\n")
    return path


CASES = [sparse_xlsx, apple_zip, children_xml, deep_xml, *(attribute_xml(m) for m in (5, 10, 20, 40)),
         loop_zip, wide_csv, real_xml]


# --- the child ------------------------------------------------------------------------------

def child(path: str | None, max_gib: float) -> None:
    """Load ``path`` (or nothing: the baseline) and print one JSON line of what happened."""
    limit = int(max_gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import rollstats
    from rollstats.errors import RollstatsError

    result = {"outcome": "baseline", "seconds": 0.0}
    if path is not None:
        began = time.perf_counter()
        try:
            loaded = rollstats.load(path)
            r = loaded.report
            result["outcome"] = f"loaded {r.rows_read} rows ({r.rows_accepted} accepted, {r.rows_rejected} refused)"
        except RollstatsError as exc:
            result["outcome"] = f"refused: {exc}"
        except MemoryError:
            result["outcome"] = f"FAILED: MemoryError (over {max_gib:g} GiB mapped)"
        result["seconds"] = time.perf_counter() - began
    result["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


def run_child(path: Path | None, timeout: float, max_gib: float) -> dict:
    command = [sys.executable, __file__, "--child", "" if path is None else str(path), "--max-gib", str(max_gib)]
    began = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"outcome": f"FAILED: still running after {timeout:g} s", "seconds": time.perf_counter() - began,
                "maxrss_kib": None}
    if done.returncode != 0 or not done.stdout.strip():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"outcome": f"FAILED: {last}", "seconds": time.perf_counter() - began, "maxrss_kib": None}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the table ------------------------------------------------------------------------------

def _size(n: int) -> str:
    return f"{n / MIB:.1f} MiB" if n >= MIB else f"{n / 1024:.0f} kB" if n >= 1024 else f"{n} B"


def _inside(path: Path) -> str:
    """What a zip holds, uncompressed (for the table)."""
    if path.suffix.lower() != ".zip":
        return ""
    with zipfile.ZipFile(path) as archive:
        big = max(archive.infolist(), key=lambda i: i.file_size)
    return f" ({_size(big.file_size)} inside, x{big.file_size / max(big.compress_size, 1):.0f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the files whose name holds this text")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds a child may take (300)")
    parser.add_argument("--max-gib", type=float, default=8.0, help="address space a child may map, GiB (8)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child or None, args.max_gib)
        return
    baseline = run_child(None, args.timeout, args.max_gib)["maxrss_kib"]
    print(f"baseline: a child that imports rollstats peaks at {baseline / 1024:.0f} MiB "
          f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores)\n")
    rows = [("file", "size", "outcome", "wall s", "peak MiB")]
    with tempfile.TemporaryDirectory() as tmp:
        for build in CASES:
            if args.only and args.only not in build.__name__:
                continue
            path = build(Path(tmp))
            got = run_child(path, args.timeout, args.max_gib)
            peak = "" if got["maxrss_kib"] is None else f"{max(got['maxrss_kib'] - baseline, 0) / 1024:.0f}"
            outcome = got["outcome"].replace(str(path), path.name)
            rows.append((path.name, _size(path.stat().st_size) + _inside(path), outcome[:150],
                         f"{got['seconds']:.2f}", peak))
            path.unlink()
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print(" | ".join(cell.ljust(w) if c in (0, 1, 2) else cell.rjust(w)
                         for c, (cell, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("-+-".join("-" * w for w in widths))


if __name__ == "__main__":
    main()

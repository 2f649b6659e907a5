"""Load one or many exports into one canonical table, with rejects and an ingest report."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from ..errors import IngestError
from ..program import Program
from ..schema import empty_rejects, empty_segments
from . import csvfile, jsonfile, parquetfile, xlsxfile
from .base import Canonical, RawTable, canonicalise

#: File suffix -> reader. Other formats register here.
READERS: dict[str, Callable[[Path], RawTable]] = {
    ".csv": csvfile.read,
    ".json": jsonfile.read,
    ".jsonl": jsonfile.read,
    ".ndjson": jsonfile.read,
    ".parquet": parquetfile.read,
    ".pq": parquetfile.read,
    ".xlsx": xlsxfile.read,
}

#: Two rows with these equal are the same segment exported twice.
DUPLICATE_KEY: tuple[str, ...] = ("subject_id", "start", "duration_s", "region", "side", "activity")


@dataclass(frozen=True)
class IngestReport:
    """What reading gave, file by file: rows read = accepted + duplicates dropped + refused."""

    files: pd.DataFrame  #: source, rows_read, rows_accepted, duplicates_dropped, rows_rejected
    unknown_region_labels: dict[str, int] = field(default_factory=dict)
    passed_over: dict[str, int] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return int(self.files["rows_read"].sum())

    @property
    def rows_accepted(self) -> int:
        return int(self.files["rows_accepted"].sum())

    @property
    def duplicates_dropped(self) -> int:
        return int(self.files["duplicates_dropped"].sum())

    @property
    def rows_rejected(self) -> int:
        return int(self.files["rows_rejected"].sum())

    def to_dict(self) -> dict:
        """Plain values for JSON: the totals, the files, unknown labels, what was passed over."""
        return {
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "duplicates_dropped": self.duplicates_dropped,
            "rows_rejected": self.rows_rejected,
            "unknown_region_labels": dict(self.unknown_region_labels),
            "passed_over": dict(self.passed_over),
            "files": self.files.to_dict(orient="records"),
        }

    def __str__(self) -> str:
        lines = [f"rows read {self.rows_read}: accepted {self.rows_accepted}, "
                 f"duplicates dropped {self.duplicates_dropped}, refused {self.rows_rejected}"]
        if len(self.files) > 1:
            lines.append(self.files.to_string(index=False))
        if self.unknown_region_labels:
            labels = ", ".join(f"{k!r} x{v}" for k, v in self.unknown_region_labels.items())
            lines.append(f"region labels no alias knows (counted as 'other'): {labels}")
        if self.passed_over:
            lines.append("passed over: " + ", ".join(f"{k} x{v}" for k, v in self.passed_over.items()))
        return "\n".join(lines)


@dataclass(frozen=True)
class LoadResult:
    """The canonical segments, the refused rows, and the report of one load."""

    segments: pd.DataFrame
    rejects: pd.DataFrame
    report: IngestReport

    def __iter__(self):  # allows ``segments, rejects, report = load(...)``
        return iter((self.segments, self.rejects, self.report))


def expand_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Files to read: each path itself, or the readable files inside a folder, sorted."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in READERS)
            if not found:
                raise IngestError(f"{p}: folder holds no file rollstats can read "
                                  f"({', '.join(sorted(READERS))})")
            out += found
        elif not p.exists():
            raise IngestError(f"{p}: no such file")
        else:
            out.append(p)
    if not out:
        raise IngestError("no file given")
    return out


def read_raw(path: Path) -> RawTable:
    """The raw table of one file, by its suffix."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise IngestError(f"{path}: unknown file type {path.suffix!r} "
                          f"(rollstats reads {', '.join(sorted(READERS))})")
    return reader(path)


def load(paths, tz: str | None = None, program: Program | None = None,
         progress: Callable[[int, int, Path], None] | None = None) -> LoadResult:
    """Read exports into one canonical segment table.

    ``paths`` is a file, a folder, or a list of them; ``tz`` is the IANA zone for times
    without an offset; ``progress(done, total, path)`` is called after each file. Rows are
    checked one column at a time; refused rows go to ``rejects`` with their reason, and
    exact duplicates (same subject, start instant, duration, region, side, activity) keep
    the first copy read.

    >>> from rollstats.datasets import sample_path
    >>> segments, rejects, report = load(sample_path("patient"))
    >>> report.rows_read == report.rows_accepted + report.duplicates_dropped + report.rows_rejected
    True
    """
    program = program or Program.default()
    files = expand_paths(paths)
    parts: list[Canonical] = []
    passed_over: dict[str, int] = {}
    for i, path in enumerate(files, start=1):
        raw = read_raw(path)
        parts.append(canonicalise(raw.frame, str(path), program, tz=tz, source_row=raw.source_row))
        for key, n in raw.passed_over.items():
            passed_over[key] = passed_over.get(key, 0) + n
        if progress is not None:
            progress(i, len(files), path)
    return combine(parts, [str(f) for f in files], passed_over)


def combine(parts: list[Canonical], sources: list[str], passed_over: dict[str, int] | None = None) -> LoadResult:
    """Stack per-file results, drop exact duplicates (first read wins) and build the report."""
    frames = [p.segments for p in parts if len(p.segments)]
    segments = pd.concat(frames, ignore_index=True) if frames else empty_segments()
    duplicate = segments.duplicated(subset=list(DUPLICATE_KEY), keep="first")
    dropped = segments.loc[duplicate, "source"].value_counts()
    segments = segments.loc[~duplicate].sort_values(
        ["subject_id", "start", "source", "source_row"], kind="stable").reset_index(drop=True)
    reject_frames = [p.rejects for p in parts if len(p.rejects)]
    rejects = pd.concat(reject_frames, ignore_index=True) if reject_frames else empty_rejects()

    files = pd.DataFrame({
        "source": sources,
        "rows_read": [p.rows_read for p in parts],
        "rows_accepted": [len(p.segments) for p in parts],
        "duplicates_dropped": [int(dropped.get(s, 0)) for s in sources],
        "rows_rejected": [len(p.rejects) for p in parts],
    })
    files["rows_accepted"] -= files["duplicates_dropped"]
    unknown: dict[str, int] = {}
    for p in parts:
        for label, n in p.unknown_labels.items():
            unknown[str(label)] = unknown.get(str(label), 0) + int(n)
    report = IngestReport(files, dict(sorted(unknown.items())), dict(passed_over or {}))
    return LoadResult(segments, rejects, report)

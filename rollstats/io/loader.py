"""Load one or many exports into one canonical table, with rejects and an ingest report."""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from ..errors import IngestError
from ..program import Program
from ..regions import ALIASES, normalise_label
from ..schema import empty_rejects, empty_segments
from . import apple, csvfile, jsonfile, loop, parquetfile, safezip, xlsxfile
from ._fast import per_value
from .base import Canonical, RawTable, canonicalise
from .corrections import superseded
from .mapping import load_mapping
from .results import IngestReport, LoadResult

#: File suffix -> reader. Other formats register here.
READERS: dict[str, Callable[[Path], RawTable]] = {
    ".csv": csvfile.read,
    ".json": jsonfile.read,
    ".jsonl": jsonfile.read,
    ".ndjson": jsonfile.read,
    ".parquet": parquetfile.read,
    ".pq": parquetfile.read,
    ".xlsx": xlsxfile.read,
    ".xml": apple.read,
}


def read_zip(path: Path, **options) -> RawTable:
    """An app's export zip, by what it holds: ``apple_health_export/export.xml`` or
    ``export.xml`` is Apple Health, ``Habits.csv`` is Loop Habit Tracker. ``options`` go to
    that reader where it takes them (``subject``, ``habit``, ``tz``, ``on_progress`` ...).

    >>> import tempfile, zipfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "habits.zip"
    >>> with zipfile.ZipFile(path, "w") as z:
    ...     z.writestr("Habits.csv", "Position,Name,Type\\n001,Foam rolling,YES_NO\\n")
    ...     z.writestr("001 Foam rolling/Checkmarks.csv", "Date,Value\\n2024-03-03,YES_MANUAL\\n")
    >>> read_zip(path, subject="P1", habit=None).frame[["subject_id", "checkin"]].values.tolist()
    [['P1', 'true']]
    >>> tmp.cleanup()
    """
    with safezip.open_zip(path) as archive:
        names = archive.names
    if apple.zip_member(names) is not None:
        reader = apple.read
    elif loop.habits_member(names) is not None:
        reader = loop.read
    else:
        shown = ", ".join(map(repr, names[:5])) + (" ..." if len(names) > 5 else "")  # repr: one line
        raise IngestError(f"{path}: a zip that is neither an Apple Health export (export.xml) "
                          f"nor a Loop Habit Tracker export (Habits.csv); it holds: {shown or 'nothing'}")
    return reader(path, **_taken(reader, options))


READERS[".zip"] = read_zip
#: Readers that a zip is handed to (their options are accepted by ``load`` too).
ZIP_READERS: tuple[Callable[..., RawTable], ...] = (apple.read, loop.read)


def _taken(reader: Callable[..., RawTable], options: dict) -> dict:
    """The options that ``reader`` takes as keyword arguments."""
    params = inspect.signature(reader).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return dict(options)
    return {k: v for k, v in options.items() if k in params}


def reader_options() -> set[str]:
    """Names of the keyword options some registered reader takes (``subject``, ``habit``...).

    >>> {"subject", "habit", "tz", "workout_types", "on_progress"} <= reader_options()
    True
    """
    names: set[str] = set()
    for reader in (*READERS.values(), *ZIP_READERS):
        for i, (name, p) in enumerate(inspect.signature(reader).parameters.items()):
            if i > 0 and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                names.add(name)
    return names


#: Two rows with these equal are the same segment exported twice.
DUPLICATE_KEY: tuple[str, ...] = ("subject_id", "start", "duration_s", "region", "side", "activity")


def expand_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Files to read: each path itself, or the readable files inside a folder, sorted (an
    unpacked Loop export, a folder with ``Habits.csv`` on top, stays one path)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Path] = []
    for p in map(Path, paths):
        if (p / "_store.json").is_file():
            raise IngestError(f"{p}: a cohort store, not an export: read it with rollstats.read_store")
        if loop.is_export_folder(p):  # an unpacked Loop export: read whole, as its zip is
            out.append(p)
        elif p.is_dir():
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


def read_raw(path: Path, **options) -> RawTable:
    """The raw table of one file, by its suffix; ``options`` go to readers that take them."""
    reader = loop.read if path.is_dir() else READERS.get(path.suffix.lower())  # a folder: a Loop export
    if reader is None:
        raise IngestError(f"{path}: unknown file type {path.suffix!r} "
                          f"(rollstats reads {', '.join(sorted(READERS))})")
    return reader(path, **_taken(reader, options))


def load(paths, tz: str | None = None, program: Program | None = None,
         progress: Callable[[int, int, Path], None] | None = None, mapping=None, **options) -> LoadResult:
    """Read exports into one canonical segment table.

    ``paths`` is a file, a folder, or a list of them; ``tz`` is the IANA zone for times
    without an offset; ``progress(done, total, path)`` is called after each file. Rows are
    checked one column at a time; refused rows go to ``rejects`` with their reason, and
    exact duplicates (same subject, start instant, duration, region, side, activity) keep
    the first copy read. ``options`` go to the readers that take them, e.g. ``subject="P001"``
    for exports that name nobody (Apple Health, Loop), ``habit="Foam rolling"`` (Loop),
    ``workout_types={...}`` (Apple), ``on_progress(done_bytes, total_bytes)`` (Apple); ``tz``
    also goes to readers that take it (Loop dates). ``mapping`` (a mapping file's path or a
    :class:`~rollstats.io.mapping.Mapping`) reads every file as an app's export through it.

    >>> from rollstats.datasets import sample_path
    >>> segments, rejects, report = load(sample_path("patient"))
    >>> report.rows_read == report.rows_accepted + report.duplicates_dropped + report.rows_rejected
    True
    """
    program = program or Program.default()
    unknown = sorted(set(options) - reader_options())
    if unknown:
        raise TypeError(f"load() got an option no reader takes: {unknown[0]!r} "
                        f"(readers take: {', '.join(sorted(reader_options()))})")
    files = expand_paths(paths)
    parts: list[Canonical] = []
    passed_over: dict[str, int] = {}
    mapper = load_mapping(mapping) if mapping is not None else None
    for i, path in enumerate(files, start=1):
        if mapper is not None:
            part, over = mapper.canonical(path, program, tz=tz)
            parts.append(part)
            raw = RawTable(pd.DataFrame(), passed_over=over)
        else:
            raw = read_raw(path, tz=tz, **options)
            parts.append(canonicalise(raw.frame, str(path), program, tz=tz, source_row=raw.source_row))
        for key, n in raw.passed_over.items():
            passed_over[key] = passed_over.get(key, 0) + n
        if progress is not None:
            progress(i, len(files), path)
    return combine(parts, [str(f) for f in files], passed_over, mapped=mapper.regions if mapper is not None else ())


def combine(parts: list[Canonical], sources: list[str], passed_over: dict[str, int] | None = None,
            mapped: Iterable[str] = ()) -> LoadResult:
    """Stack per-file results, drop rows a later file corrects (listed in the rejects, see
    :mod:`rollstats.io.corrections`), drop exact duplicates (first read wins) and build the
    report (``mapped``: the labels a mapping file names, see :func:`unknown_labels`)."""
    frames = [p.segments for p in parts if len(p.segments)]
    segments = pd.concat(frames, ignore_index=True) if frames else empty_segments()
    part_of = np.repeat(np.array([i for i, p in enumerate(parts) if len(p.segments)], dtype=np.int64),
                        [len(f) for f in frames])
    old = superseded(segments, part_of)
    if old.mask.any():
        segments = segments.loc[~old.mask]
    replaced = np.bincount(part_of[old.mask], minlength=len(parts))
    duplicate = duplicates(segments)
    dropped = segments.loc[duplicate, "source"].value_counts()
    if duplicate.any():
        segments = segments.loc[~duplicate]
    segments = sort_segments(segments)
    rejects = _with_superseded(parts, old.rejects, part_of[old.mask])

    files = pd.DataFrame({
        "source": sources,
        "rows_read": [p.rows_read for p in parts],
        "rows_accepted": [len(p.segments) for p in parts],
        "duplicates_dropped": [int(dropped.get(s, 0)) for s in sources],
        "rows_rejected": [len(p.rejects) for p in parts] + replaced,
        "superseded": replaced,
    })
    files["rows_accepted"] -= files["duplicates_dropped"] + files["superseded"]
    report = IngestReport(files, unknown_labels(segments, mapped), dict(passed_over or {}))
    return LoadResult(segments, rejects, report)


def _with_superseded(parts: list[Canonical], old: pd.DataFrame, part_of: np.ndarray) -> pd.DataFrame:
    """Every file's refused rows, with its superseded rows among them in the order of their rows."""
    frames = [p.rejects for p in parts if len(p.rejects)]
    if not len(old):
        return pd.concat(frames, ignore_index=True) if frames else empty_rejects()
    part = np.concatenate([np.full(len(p.rejects), i) for i, p in enumerate(parts)] + [part_of])
    rows = pd.concat([*frames, old], ignore_index=True)
    order = np.lexsort((rows["source_row"].to_numpy(), part))
    return rows.take(order).reset_index(drop=True)


def duplicates(segments: pd.DataFrame) -> pd.Series:
    """Rows whose :data:`DUPLICATE_KEY` an earlier row has (``DataFrame.duplicated``, first kept).

    Only rows that share subject and start with another row can be duplicates: those few are
    found first on two integer columns, and the full key is compared among them alone.
    """
    if not len(segments):
        return pd.Series(False, index=segments.index)
    pair = pd.DataFrame({"subject": pd.factorize(segments["subject_id"])[0],
                         "start": segments["start"].astype("datetime64[us, UTC]").array.asi8})
    maybe = pair.duplicated(keep=False).to_numpy()
    out = np.zeros(len(segments), dtype=bool)
    if maybe.any():
        out[maybe] = segments.loc[maybe, list(DUPLICATE_KEY)].duplicated(keep="first").to_numpy()
    return pd.Series(out, index=segments.index)


def sort_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """Rows by subject, start, source and source row (stable); no copy when already in order."""
    subject, _ = pd.factorize(segments["subject_id"], sort=True)
    source, _ = pd.factorize(segments["source"], sort=True)
    keys = [subject, segments["start"].astype("datetime64[us, UTC]").array.asi8, source,
            segments["source_row"].to_numpy(dtype="int64")]
    if len(segments) > 1:
        ahead = np.zeros(len(segments) - 1, dtype=bool)  # decided: the pair is in order
        for key in keys:
            step = np.diff(key)
            if (step[~ahead] < 0).any():
                order = np.lexsort(keys[::-1])
                return segments.take(order).reset_index(drop=True)
            ahead |= step > 0
    return segments.reset_index(drop=True)


def unknown_labels(segments: pd.DataFrame, mapped: Iterable[str] = ()) -> dict[str, int]:
    """Region labels no alias knows (read as ``other``) with their counts among kept segments.

    ``mapped``: labels (normalised) that a mapping file names, ``other`` on purpose: not unknown.

    >>> from rollstats.io import canonicalise
    >>> from rollstats.program import Program
    >>> raw = pd.DataFrame({"subject_id": "a", "start": "2026-03-03T21:00+01:00", "duration_s": 60,
    ...                     "region": ["toes", "Toes", "other", "quads"]})
    >>> unknown_labels(canonicalise(raw, "demo", Program.default()).segments)
    {'Toes': 1, 'toes': 1}
    """
    other = segments.loc[segments["region"] == "other", "region_label"].dropna()
    names = [*ALIASES, *mapped]
    known = per_value(other, lambda labels: normalise_label(labels).isin(names))
    counts = other[~known.to_numpy()].value_counts()
    return {str(k): int(v) for k, v in sorted(counts.items())}

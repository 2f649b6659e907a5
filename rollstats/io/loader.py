"""Exports: the reader of each file format, and reading export files into one canonical table.

Which paths are exports (and which are cohort stores or Parquet datasets) is decided by the
door, :func:`rollstats.io.sources.load`; this module reads the export files it is handed.
"""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import IngestError
from ..program import Program
from . import apple, csvfile, csvstream, jsonfile, loop, parquetfile, safezip, xlsxfile
from .base import Canonical, RawTable, canonicalise
from .combine import combine
from .mapping import load_mapping
from .results import LoadResult

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


def read_raw(path: Path, **options) -> RawTable:
    """The raw table of one file, by its suffix; ``options`` go to readers that take them."""
    reader = loop.read if path.is_dir() else READERS.get(path.suffix.lower())  # a folder: a Loop export
    if reader is None:
        raise IngestError(f"{path}: unknown file type {path.suffix!r} "
                          f"(rollstats reads {', '.join(sorted(READERS))})")
    return reader(path, **_taken(reader, options))


def _streamable(path: Path) -> bool:
    """Whether ``path`` is a file the CSV reader takes (csvstream may read it in batches)."""
    return READERS.get(path.suffix.lower()) is csvfile.read and path.is_file()


def check_options(options: dict) -> None:
    """Refuse an option that no reader takes (a misspelt ``habbit=`` would else be ignored).

    >>> check_options({"subject": "P1"})
    >>> check_options({"habbit": "Foam rolling"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: load() got an option no reader takes: 'habbit' (readers take: ...)
    """
    unknown = sorted(set(options) - reader_options())
    if unknown:
        raise TypeError(f"load() got an option no reader takes: {unknown[0]!r} "
                        f"(readers take: {', '.join(sorted(reader_options()))})")


def read_exports(files: list[Path], tz: str | None, program: Program,
                 progress: Callable[[int, int, Path], None] | None = None, mapping=None, **options) -> LoadResult:
    """Read export ``files`` in order into one canonical table (see :func:`rollstats.io.sources.load`).

    Each file's rows are checked one column at a time (refused rows go to the rejects with
    their reason); the files are then combined by :func:`rollstats.io.combine.combine`.
    ``progress(done, total, path)`` is called after each file; ``mapping`` reads every file as
    an app's export through a mapping file; ``options`` go to the readers that take them.

    >>> from rollstats.datasets import sample_path
    >>> result = read_exports([sample_path("patient")], None, Program.default())
    >>> result.report.rows_read == result.report.rows_accepted + result.report.rows_rejected
    True
    """
    parts: list[Canonical] = []
    passed_over: dict[str, int] = {}
    mapper = load_mapping(mapping) if mapping is not None else None
    for i, path in enumerate(files, start=1):
        if mapper is not None:
            part, over = mapper.canonical(path, program, tz=tz)
            parts.append(part)
            raw = RawTable(pd.DataFrame(), passed_over=over)
        else:
            # a native CSV export is read and checked batch by batch where it can be (csvstream)
            part = csvstream.canonical(path, program, tz) if _streamable(path) else None
            raw = RawTable(pd.DataFrame()) if part is not None else read_raw(path, tz=tz, **options)
            parts.append(part if part is not None else
                         canonicalise(raw.frame, str(path), program, tz=tz, source_row=raw.source_row))
        for key, n in raw.passed_over.items():
            passed_over[key] = passed_over.get(key, 0) + n
        if progress is not None:
            progress(i, len(files), path)
    return combine(parts, [str(f) for f in files], passed_over, mapped=mapper.regions if mapper is not None else ())

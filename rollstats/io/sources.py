"""Where data enters rollstats: one door, :func:`load`, for everything a user points at.

Every way in (``rollstats.load``, the command line, the widgets' file loader, appending to a
cohort store, the Dask engine) starts here. The door does three things, each in one place:

1. **Which reader.** :func:`find_sources` looks at each path once and names what it is:
   a cohort store (a folder with ``_store.json``, :mod:`rollstats.store`), a Parquet file of
   the canonical table (a *dataset* file, :mod:`rollstats.io.canonicalfile`), or an export (any
   other file, an unpacked Loop export folder read whole; a folder is searched for files,
   in name order, a Loop export folder found inside it read whole as well).
2. **One table.** :func:`load` reads each source into a *part*, in the order given, and
   :func:`rollstats.io.combine.combine` applies the one rule to the parts: a later part's
   version of a segment supersedes an earlier one, exact duplicates keep the first copy,
   rows in canonical order. A store is one part, each file of a dataset another, each export
   file another, so two stores, or a store and a dataset, combine as two exports do.
3. **Which engine reads it.** In this process, :func:`load` gives the pandas table. On a Dask
   cluster, :func:`parquet_pieces` lists the same sources as Parquet files, each with its
   part, and :mod:`rollstats.engines.dask_engine` reads them and applies the same rule.

Exports and canonical tables (stores, datasets) are not mixed in one call: exports are read
cell by cell with the reader options (``tz``, ``subject``...), canonical tables as they are.
Add the exports to a store first (``rollstats ingest FILES -o STORE/``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..errors import IngestError
from ..program import Program
from ..store_files import bucket_of_part, committed_parts, is_store
from . import canonicalfile, loop
from .combine import combine
from .loader import READERS, check_options, read_exports
from .mapping_check import refuse_app_export
from .results import LoadResult

#: What a source can be.
KINDS: tuple[str, ...] = ("export", "dataset", "store")


@dataclass(frozen=True)
class Source:
    """One thing to read: its path and its kind (one of :data:`KINDS`)."""

    path: Path
    kind: str


@dataclass(frozen=True)
class Piece:
    """One Parquet file of canonical segments as an engine reads it.

    ``part``: the position of its source among those given (the rule's reading order);
    ``group``: pieces with the same group make one partition (a store's subject bucket, a
    dataset's file); ``renight``: nights are computed again from ``local_start`` with the
    program (a store's, as :func:`rollstats.store.read_store` does).
    """

    path: Path
    part: int
    group: tuple
    renight: bool


def find_sources(paths: str | Path | Iterable[str | Path]) -> list[Source]:
    """What ``paths`` hold, in reading order: each a store, a dataset file or an export.

    >>> import tempfile
    >>> from rollstats.datasets import load_sample, sample_path
    >>> folder = Path(tempfile.mkdtemp())
    >>> load_sample("patient").segments.to_parquet(folder / "part-0.parquet")
    >>> [s.kind for s in find_sources(folder)], [s.kind for s in find_sources(sample_path("patient"))]
    (['dataset'], ['export'])
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    found: list[Source] = []
    for p in map(Path, paths):
        if is_store(p):
            found.append(Source(p, "store"))
        elif loop.is_export_folder(p):  # an unpacked Loop export: read whole, as its zip is
            found.append(Source(p, "export"))
        elif p.is_dir():
            inside = _folder(p)
            if not inside:
                raise IngestError(f"{p}: folder holds no file rollstats can read "
                                  f"({', '.join(sorted(READERS))})")
            found += inside
        elif not p.exists():
            raise IngestError(f"{p}: no such file")
        else:
            found.append(_file(p))
    if not found:
        raise IngestError("no file given")
    kinds = {s.kind for s in found}
    if "export" in kinds and len(kinds) > 1:
        table = next(s for s in found if s.kind != "export")
        export = next(s for s in found if s.kind == "export")
        raise IngestError(
            f"give either cohort stores or export files, not both (a Parquet dataset of canonical "
            f"segments counts as a store): {table.path} is a {'cohort store' if table.kind == 'store' else 'dataset'}, "
            f"{export.path} an export; add the exports to a store first (`rollstats ingest FILES -o STORE/`)")
    return found


def _file(path: Path) -> Source:
    return Source(path, "dataset" if canonicalfile.is_canonical_parquet(path) else "export")


def _folder(folder: Path) -> list[Source]:
    """The sources inside a folder, by path: readable files, and stores and unpacked Loop
    exports read whole."""
    found: list[Source] = []
    for top, dirs, files in os.walk(folder):
        here = Path(top)
        if loop.HABITS_FILE in files and here != folder:  # an unpacked Loop export: read as its zip is
            dirs.clear()
            found.append(Source(here, "export"))
            continue
        for name in list(dirs):
            if is_store(here / name):
                dirs.remove(name)  # its files are read through its commit records, not one by one
                found.append(Source(here / name, "store"))
        found += [_file(here / f) for f in files if Path(f).suffix.lower() in READERS]
    return sorted(found, key=lambda s: s.path)


def load(paths, tz: str | None = None, program: Program | None = None,
         progress: Callable[[int, int, Path], None] | None = None, mapping=None, **options) -> LoadResult:
    """Read what ``paths`` point at into one canonical segment table, with rejects and a report.

    ``paths``: a file, a folder, or a list of them: export files (CSV, JSON, Parquet, XLSX,
    Apple Health, Loop), folders of exports, an unpacked Loop export, Parquet files of the
    canonical table (a dataset), cohort stores. Several are read in the order given and
    combined by one rule (see the module): rows read = accepted + duplicates dropped +
    refused, per source and in total; refused rows keep file, row, column and reason.

    For exports: ``tz`` is the IANA zone of times without an offset; ``mapping`` (a mapping
    file's path or a :class:`~rollstats.io.mapping.Mapping`) reads every file as an app's
    export through it; ``options`` go to the readers that take them, e.g. ``subject="P001"``
    (Apple Health, Loop), ``habit="Foam rolling"`` (Loop), ``workout_types={...}`` (Apple),
    ``on_progress(done_bytes, total_bytes)``. Canonical tables are read as they are (a
    store's nights follow ``program``'s ``night.day_start``). ``progress(done, total, path)``
    is called after each source.

    >>> from rollstats.datasets import sample_path
    >>> segments, rejects, report = load(sample_path("patient"))
    >>> report.rows_read == report.rows_accepted + report.duplicates_dropped + report.rows_rejected
    True
    """
    check_options(options)
    program = program or Program.default()
    found = find_sources(paths)
    if found[0].kind == "export":
        if mapping is not None:  # before any file is read
            for source in found:
                refuse_app_export(source.path)
        return read_exports([s.path for s in found], tz, program, progress, mapping, **options)
    from ..store import read_store  # the store's own reader (the store module builds on this package)

    parts = []
    for i, source in enumerate(found, start=1):
        if source.kind == "store":
            parts.append(canonicalfile.as_part(read_store(source.path, program=program)))
        else:
            parts.append(canonicalfile.read(source.path))
        if progress is not None:
            progress(i, len(found), source.path)
    return combine(parts, [str(s.path) for s in found])


def parquet_pieces(paths) -> list[Piece]:
    """The Parquet files that hold what ``paths`` point at, for an engine that reads them itself.

    A store gives its committed parts (one group per subject bucket), a dataset its files
    (one group each). Exports have no such files: ingest them first.

    >>> import tempfile, rollstats
    >>> from rollstats.datasets import sample_path
    >>> store = Path(tempfile.mkdtemp()) / "store"
    >>> _ = rollstats.append_to_store(store, load(sample_path("patient")))
    >>> [(p.path.parent.name, p.part, p.renight) for p in parquet_pieces(store)]
    [('subject_bucket=42', 0, True)]
    """
    pieces: list[Piece] = []
    for i, source in enumerate(find_sources(paths)):
        if source.kind == "export":
            raise IngestError(f"{source.path}: an export; an engine that reads Parquet takes cohort stores and "
                              "datasets of canonical segments: ingest the exports first (`rollstats ingest FILES "
                              "-o STORE/`, or `-o FILE.parquet`)")
        if source.kind == "store":
            pieces += [Piece(f, i, (i, bucket_of_part(f)), True) for f in committed_parts(source.path)]
        else:
            pieces.append(Piece(source.path, i, (i,), False))
    return pieces

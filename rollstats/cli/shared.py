"""What the commands share: loading with progress, reader options, enrolment, writing tables."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ..errors import RollstatsError
from ..io.enrolment import read_enrolment
from ..metrics import nights, observation_windows, summarize
from ..output import plain, terminal_safe, terminal_text, terminal_width, text_table, to_csv, to_json, to_xlsx
from ..program import load_program
from .checks import refused_everything
from .tables import summary_view


#: ``--progress``: draw progress on stderr even when it is not a terminal.

SHOW_PROGRESS = False


def _showing(stream=None) -> bool:
    """Progress is drawn when asked for, or when stderr is a terminal."""
    stream = stream or sys.stderr
    return SHOW_PROGRESS or (hasattr(stream, "isatty") and stream.isatty())


def _progress(done: int, total: int, path: Path) -> None:
    if total > 1 and _showing():
        print(f"\rreading {done}/{total}: {terminal_text(path.name)[:40]:<40}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)


class ByteBar:
    """A one-line progress bar on stderr while a big export streams (on a terminal only)."""

    min_bytes = 8 * 2**20  #: files smaller than this (bytes) show no bar

    def __init__(self, stream=None):
        self.stream = stream
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        stream = self.stream or sys.stderr
        if total < self.min_bytes or not _showing(stream):
            return
        percent = min(100, done * 100 // total)
        if percent == self.shown:
            return
        self.shown = -1 if percent >= 100 else percent
        bar = "#" * (percent // 4)
        print(f"\rreading {done / 2**20:,.0f} of {total / 2**20:,.0f} MiB [{bar:<25}] {percent:3d}%",
              end="\n" if percent >= 100 else "", file=stream, flush=True)


def _reader_options(args: argparse.Namespace) -> dict:
    """Options for the readers of app exports: subject, Loop's habit and unit, Apple's workout
    types, and the progress bar (each reader takes those it knows)."""
    options = {"on_progress": ByteBar()}
    for option, name in (("subject", "subject"), ("habit", "habit"), ("habit_unit", "unit"),
                         ("workout_types", "workout_types")):
        if getattr(args, option, None):
            options[name] = getattr(args, option)
    return options


def _mapping(args: argparse.Namespace):
    """The mapping of ``--mapping``; for a one-person export (no subject column) ``--subject``
    names the person, over the mapping's ``[constants] subject_id``."""
    from dataclasses import replace

    from ..io.mapping import load_mapping

    mapping = load_mapping(args.mapping)
    if getattr(args, "subject", None) and "subject_id" not in mapping.columns:
        mapping = replace(mapping, constants={**mapping.constants, "subject_id": args.subject})
    return mapping


def load_paths(args: argparse.Namespace):
    """Program and what ``args.paths`` point at, read through the door (:func:`rollstats.io.load`)."""
    import time

    from ..io import find_sources, load

    program = load_program(args.program)
    began = time.perf_counter()
    if _showing() and find_sources(args.paths)[0].kind == "export":
        print("reading and checking the exports ...", file=sys.stderr, flush=True)
    mapping = {"mapping": _mapping(args)} if getattr(args, "mapping", None) else {}
    result = load(args.paths, tz=args.tz, program=program, progress=_progress, **mapping, **_reader_options(args))
    if _showing():
        print(f"read {result.report.rows_read:,} rows in {time.perf_counter() - began:.1f} s",
              file=sys.stderr, flush=True)
    return program, result


def summarize_table(args: argparse.Namespace, segments: pd.DataFrame, program, enrolment) -> pd.DataFrame:
    """The summary; by groups of subjects with a progress bar when progress is shown."""
    if not _showing() or enrolment is not None or len(segments) < 100_000:
        return summarize(segments, program, until=args.until, enrolment=enrolment)
    from ..engines import summarize_in_parts
    from ..progress import Progress

    bar = Progress("summary", show=True, unit="groups of subjects")
    out = summarize_in_parts(segments, program, until=args.until,
                             progress=lambda done, total: bar.update(done, total))
    bar.done(f"{len(out):,} subjects")
    return out


def summary_on_dask(args: argparse.Namespace) -> int:
    """``summary --engine dask``: a cohort store or a dataset summarised on a Dask cluster."""
    for option in ("enrolment", "report"):
        if getattr(args, option, None):
            raise RollstatsError(f"--{option} is not available with --engine dask")
    try:
        import dask  # noqa: F401  (the engine imports them when it runs)
        import distributed  # noqa: F401
    except ImportError:
        raise RollstatsError("--engine dask needs dask and distributed: "
                             "pip install 'rollstats[dask]'") from None
    from ..engines import summarize_dask
    from ..progress import Progress

    program = load_program(args.program)
    bar = Progress("summary on dask", show=_showing(), unit="partitions")
    try:
        summary = summarize_dask(args.paths, program, until=args.until, scheduler=args.scheduler,
                                 progress=lambda done, total: bar.update(done, total))
    except ValueError as exc:
        raise RollstatsError(str(exc)) from None
    bar.done(f"{len(summary):,} subjects")
    emit(summary, args.format, args.output, None if getattr(args, "wide", False) else summary_view(summary))
    return 0


def emit(table: pd.DataFrame, fmt: str, out: str | None, table_view: pd.DataFrame | None = None,
          wrap: str | None = None) -> None:
    """``table`` as JSON or CSV (every column, under its code), or as text for people: the view
    ``table_view`` (plain headers) fitted to the terminal, its column ``wrap`` wrapped; without
    a view (``--wide``) every column under its code, on lines as long as they need."""
    if fmt == "json":
        text = to_json(table) + "\n"
    elif fmt == "csv":
        text = to_csv(table)
    else:
        view = table_view
        if view is None:
            view = plain(table)
            for col in view.columns:
                view[col] = view[col].where(view[col].notna(), "unknown" if col.startswith("flag_") else None)
        width = terminal_width() if table_view is not None else None
        text = (text_table(terminal_safe(view), width=width, wrap=wrap) if len(view) else "(no rows)") + "\n"
    if out and out.lower().endswith(".xlsx"):
        to_xlsx(table, out)
    elif out:
        Path(out).write_text(text, encoding="utf-8", newline="")  # CR and LF in cells as written
    else:
        sys.stdout.write(text)


def is_store_target(output: str) -> bool:
    """``-o`` names a cohort store: an existing folder, a trailing slash, or no .parquet suffix."""
    path = Path(output)
    if path.is_dir() or output.endswith(("/", "\\")) or not path.suffix:
        return True
    if path.suffix.lower() not in (".parquet", ".pq"):
        raise RollstatsError(f"-o {output}: ingest writes a Parquet file (.parquet) or a store folder "
                             "(a name without a suffix, or ending in /)")
    return False



def enrolment_of(args: argparse.Namespace, segments: pd.DataFrame) -> pd.DataFrame | None:
    """The enrolment of ``--enrolment`` (None without), with a note on what it leaves out."""
    if not getattr(args, "enrolment", None):
        return None
    enrolment = read_enrolment(args.enrolment)
    windows = observation_windows(segments, enrolment, args.until)
    first = segments["subject_id"].map(windows["first_night"])
    last = segments["subject_id"].map(windows["last_night"])
    outside = ~((segments["night"] >= first) & (segments["night"] <= last)).fillna(False)
    others = sorted(set(segments["subject_id"]) - set(windows.index))
    if outside.any():
        print(f"note: {int(outside.sum())} segments outside the enrolment windows are ignored"
              + (f" ({len(others)} subjects not enrolled, e.g. {terminal_text(str(others[0]))})" if others else ""),
              file=sys.stderr)
    return enrolment


def research_inputs(args: argparse.Namespace):
    """Program and nights table (enrolment applied, one subject if asked) for alerts and datadays;
    an error, as for ``summary``, when every row read was refused."""
    program, result = load_paths(args)
    refused_everything(result.report, result.rejects)
    enrolment = enrolment_of(args, result.segments)
    segments, until = result.segments, args.until
    if args.subject is not None:
        known = set(segments["subject_id"]) | (set(enrolment["subject_id"]) if enrolment is not None else set())
        if args.subject not in known:
            some = ", ".join(terminal_text(str(s)) for s in sorted(known)[:10])
            raise RollstatsError(f"no subject {args.subject!r} in these files (some there are: {some})")
        # one export, one end: a single subject keeps the end of the whole table
        if until is None and len(segments):
            until = segments["night"].max()
        segments = segments.loc[segments["subject_id"] == args.subject]
        if enrolment is not None:
            enrolment = enrolment.loc[enrolment["subject_id"] == args.subject]
    return program, nights(segments, program, until, enrolment=enrolment)

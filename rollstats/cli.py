"""The ``rollstats`` command: ingest, summary, nights, program, inspect, export, keygen, dashboard.

Errors print one line and exit with status 2; no traceback reaches the user.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from .errors import RollstatsError
from .io import load
from .io.enrolment import read_enrolment
from .metrics import alerts, audit, data_days, nights, observation_windows, summarize
from .output import plain, to_csv, to_json, to_xlsx
from .program import load_program
from .report import key_columns, write_report


#: ``--progress``: draw progress on stderr even when it is not a terminal.
_SHOW_PROGRESS = False


def _showing(stream=None) -> bool:
    """Progress is drawn when asked for, or when stderr is a terminal."""
    stream = stream or sys.stderr
    return _SHOW_PROGRESS or (hasattr(stream, "isatty") and stream.isatty())


def _progress(done: int, total: int, path: Path) -> None:
    if total > 1 and _showing():
        print(f"\rreading {done}/{total}: {path.name[:40]:<40}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)


class _ByteBar:
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
    """Options for the readers of app exports: subject, habit, and the progress bar."""
    options = {"on_progress": _ByteBar()}
    if getattr(args, "subject", None):
        options["subject"] = args.subject
    if getattr(args, "habit", None):
        options["habit"] = args.habit
    return options


def _load(args: argparse.Namespace):
    import time

    from .engines import is_dataset, read_dataset
    from .store import load_or_read

    program = load_program(args.program)
    began = time.perf_counter()
    if is_dataset(args.paths):  # Parquet files of canonical segments: read, not parsed again
        result = read_dataset(args.paths, progress=_progress)
    else:
        if _showing():
            print("reading and checking the exports ...", file=sys.stderr, flush=True)
        mapping = {"mapping": args.mapping} if getattr(args, "mapping", None) else {}
        result = load_or_read(args.paths, tz=args.tz, program=program, progress=_progress, **mapping,
                              **_reader_options(args))
    if _showing():
        print(f"read {result.report.rows_read:,} rows in {time.perf_counter() - began:.1f} s",
              file=sys.stderr, flush=True)
    return program, result


def _summarize(args: argparse.Namespace, segments: pd.DataFrame, program, enrolment) -> pd.DataFrame:
    """The summary; by groups of subjects with a progress bar when progress is shown."""
    if not _showing() or enrolment is not None or len(segments) < 100_000:
        return summarize(segments, program, until=args.until, enrolment=enrolment)
    from .engines import summarize_in_parts
    from .progress import Progress

    bar = Progress("summary", show=True, unit="groups of subjects")
    out = summarize_in_parts(segments, program, until=args.until,
                             progress=lambda done, total: bar.update(done, total))
    bar.done(f"{len(out):,} subjects")
    return out


def _summary_dask(args: argparse.Namespace) -> int:
    """``summary --engine dask``: a cohort store or a dataset summarised on a Dask cluster."""
    for option in ("enrolment", "report"):
        if getattr(args, option, None):
            raise RollstatsError(f"--{option} is not available with --engine dask")
    try:
        from .distributed import summarize_dask
    except ImportError:
        raise RollstatsError("--engine dask needs dask and distributed: "
                             "pip install 'rollstats[dask]'") from None
    from .progress import Progress

    program = load_program(args.program)
    bar = Progress("summary on dask", show=_showing(), unit="partitions")
    try:
        summary = summarize_dask(args.paths, program, until=args.until, scheduler=args.scheduler,
                                 progress=lambda done, total: bar.update(done, total))
    except ValueError as exc:
        raise RollstatsError(str(exc)) from None
    bar.done(f"{len(summary):,} subjects")
    _emit(summary, args.format, args.output, key_columns(summary))
    return 0


def _emit(table: pd.DataFrame, fmt: str, out: str | None, table_view: pd.DataFrame | None = None) -> None:
    if fmt == "json":
        text = to_json(table) + "\n"
    elif fmt == "csv":
        text = to_csv(table)
    else:
        view = plain(table if table_view is None else table_view)
        for col in view.columns:
            view[col] = view[col].where(view[col].notna(), "unknown" if col.startswith("flag_") else "")
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            text = (view.to_string(index=False) if len(view) else "(no rows)") + "\n"
    if out and out.lower().endswith(".xlsx"):
        to_xlsx(table, out)
    elif out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _is_store_target(output: str) -> bool:
    """``-o`` names a cohort store: an existing folder, a trailing slash, or no .parquet suffix."""
    path = Path(output)
    if path.is_dir() or output.endswith(("/", "\\")) or not path.suffix:
        return True
    if path.suffix.lower() not in (".parquet", ".pq"):
        raise RollstatsError(f"-o {output}: ingest writes a Parquet file (.parquet) or a store folder "
                             "(a name without a suffix, or ending in /)")
    return False


def cmd_ingest(args: argparse.Namespace) -> int:
    _, result = _load(args)
    read = result.segments
    if args.output and _is_store_target(args.output):
        from .store import append

        result = append(args.output, result)
        print(f"store {args.output}: {len(result.segments)} new segments written", file=sys.stderr)
    elif args.output:
        result.segments.to_parquet(args.output, index=False)
    if args.rejects:
        to_csv(result.rejects, args.rejects)
    if args.format == "json":
        import json
        sys.stdout.write(json.dumps(result.report.to_dict()) + "\n")
    else:
        print(result.report)
        if not (read["activity"] == "rolling").any():
            print("no rolling found in these files")
        if len(result.rejects) and not args.rejects:
            print(f"{len(result.rejects)} refused rows: write them with --rejects FILE.csv; first ones:")
            print(result.rejects.head(5).to_string(index=False))
    return 0


def _enrolment(args: argparse.Namespace, segments: pd.DataFrame) -> pd.DataFrame | None:
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
              + (f" ({len(others)} subjects not enrolled, e.g. {others[0]})" if others else ""),
              file=sys.stderr)
    return enrolment


def _research(args: argparse.Namespace):
    """Program and nights table (enrolment applied, one subject if asked) for alerts and datadays."""
    program, result = _load(args)
    enrolment = _enrolment(args, result.segments)
    segments, until = result.segments, args.until
    if args.subject is not None:
        known = set(segments["subject_id"]) | (set(enrolment["subject_id"]) if enrolment is not None else set())
        if args.subject not in known:
            some = ", ".join(sorted(known)[:10])
            raise RollstatsError(f"no subject {args.subject!r} in these files (some there are: {some})")
        # one export, one end: a single subject keeps the end of the whole table
        if until is None and len(segments):
            until = segments["night"].max()
        segments = segments.loc[segments["subject_id"] == args.subject]
        if enrolment is not None:
            enrolment = enrolment.loc[enrolment["subject_id"] == args.subject]
    return program, nights(segments, program, until, enrolment=enrolment)


def cmd_alerts(args: argparse.Namespace) -> int:
    program, table = _research(args)
    found = alerts(table, program)
    if args.current:
        found = found.loc[found["ongoing"]]
    _emit(found, args.format, args.output)
    return 0


def cmd_datadays(args: argparse.Namespace) -> int:
    program, table = _research(args)
    _emit(data_days(table, program), args.format, args.output)
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    if getattr(args, "engine", "pandas") == "dask":
        return _summary_dask(args)
    program, result = _load(args)
    enrolment = _enrolment(args, result.segments)
    summary = _summarize(args, result.segments, program, enrolment)
    _emit(summary, args.format, args.output, key_columns(summary))
    if args.report:
        path = write_report(args.report, summary, result.report, result.rejects, program)
        print(f"report written to {path}", file=sys.stderr)
    if result.report.rows_rejected:
        print(f"note: {result.report.rows_rejected} rows refused "
              "(see `rollstats ingest ... --rejects FILE.csv`)", file=sys.stderr)
    return 0


def cmd_nights(args: argparse.Namespace) -> int:
    program, result = _load(args)
    if args.subject is not None and not (result.segments["subject_id"] == args.subject).any():
        known = ", ".join(sorted(result.segments["subject_id"].unique())[:10])
        raise RollstatsError(f"no subject {args.subject!r} in these files (some there are: {known})")
    table = audit(result.segments, program, until=args.until, subject=args.subject)
    _emit(table, args.format, args.output, table[["subject_id", "night", "rule", "passed", "message"]])
    return 0


def cmd_program(args: argparse.Namespace) -> int:
    print(load_program(args.program).describe())
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from .dashboard import serve
    from .times import known_zone

    if args.tz and not known_zone(args.tz):
        raise RollstatsError(f"--tz {args.tz!r} is not an IANA time zone (e.g. Europe/Berlin)")
    return serve(args.path, port=args.port, tz=args.tz, reports=args.reports)


def cmd_inspect(args: argparse.Namespace) -> int:
    from .io.inspect import suggest_mapping

    text = suggest_mapping(args.path, zone=args.tz, rows=args.rows)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"mapping written to {args.output}: check it, then "
              f"`rollstats ingest {args.path} --mapping {args.output}`", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .privacy import read_key, write_export

    key = read_key(args.pseudonymize)
    _, result = _load(args)
    shared = write_export(result.segments, args.output, key, keep_notes=args.keep_notes, length=args.length)
    print(f"{len(shared)} segments of {shared['subject_id'].nunique()} subjects written to {args.output} "
          f"(pseudonymous ids{'' if args.keep_notes else ', notes left out'})", file=sys.stderr)
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    from .privacy import keygen

    path = keygen(args.keyfile)
    print(f"key written to {path} (owner-only); keep it outside the repository and the data you share",
          file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rollstats", description=(
        "Adherence analytics for foam-rolling and massage-ball session logs."))
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
        p.add_argument("paths", nargs="+", metavar="PATH", help="export files or folders")
        p.add_argument("--tz", metavar="ZONE", help="IANA time zone for times without a UTC offset")
        p.add_argument("--program", metavar="FILE.toml", help="program file overriding the card's rules")
        p.add_argument("--format", choices=formats, default="table")
        p.add_argument("--habit", metavar="NAME", help="Loop Habit Tracker: the habit to read "
                       "(default: the first whose name mentions roll or foam)")
        p.add_argument("--mapping", metavar="MAPPING.toml", help="read any app's export through a "
                       "mapping file (`rollstats inspect FILE` suggests one)")
        p.add_argument("--progress", action="store_true", help="show progress on stderr even when "
                       "it is not a terminal")

    p = sub.add_parser("ingest", help="read exports and report what was accepted, dropped, refused")
    common(p, ("table", "json"))
    p.add_argument("-o", "--output", metavar="OUT.parquet|STORE/", help="write the canonical segments "
                   "to a Parquet file, or append them to a cohort store (a folder)")
    p.add_argument("--rejects", metavar="FILE.csv", help="write the refused rows with their reasons")
    p.add_argument("--subject", metavar="ID", help="subject id for exports that name nobody "
                   "(Apple Health, Loop; default: the file name)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("summary", help="one record per subject who rolled")
    common(p, ("table", "csv", "json"))
    p.add_argument("--until", metavar="DATE", help="last night of observation (YYYY-MM-DD)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the summary here instead of printing")
    p.add_argument("--report", metavar="FILE.html", help="also write a one-file HTML report")
    p.add_argument("--enrolment", metavar="FILE.csv",
                   help="subjects and their first and last night (subject_id,start,end[,groups...])")
    p.add_argument("--subject", metavar="ID", help="subject id for exports that name nobody "
                   "(Apple Health, Loop; default: the file name)")
    p.add_argument("--engine", choices=("pandas", "dask"), default="pandas",
                   help="where to compute: this process (pandas) or a Dask cluster, for a cohort "
                   "store or Parquet files of canonical segments (needs rollstats[dask])")
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: the scheduler of an "
                   "existing cluster (tcp://HOST:8786); default: a local cluster for this run")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("nights", help="the per-night audit: each rule passed or failed, in words")
    common(p, ("table", "csv", "json"))
    p.add_argument("--subject", metavar="ID", help="only this subject (also the subject id of "
                   "exports that name nobody: Apple Health, Loop)")
    p.add_argument("--until", metavar="DATE", help="last night of observation (YYYY-MM-DD)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the audit here instead of printing")
    p.set_defaults(func=cmd_nights)

    for name, func, what in (
            ("alerts", cmd_alerts, "disengagement alerts: runs of nights without rolling"),
            ("datadays", cmd_datadays, "remote-monitoring data days per period of 30 nights")):
        p = sub.add_parser(name, help=what)
        common(p, ("table", "csv", "json"))
        p.add_argument("--subject", metavar="ID", help="only this subject")
        p.add_argument("--until", metavar="DATE", help="last night of observation (YYYY-MM-DD)")
        p.add_argument("--enrolment", metavar="FILE.csv", help="subjects and their first and last night")
        p.add_argument("-o", "--output", metavar="FILE", help="write the table here instead of printing")
        if name == "alerts":
            p.add_argument("--current", action="store_true", help="only the runs still going on the last night")
        p.set_defaults(func=func)

    p = sub.add_parser("inspect", help="suggest a mapping file for an app's CSV/XLSX/JSON export")
    p.add_argument("path", metavar="FILE", help="the export")
    p.add_argument("--tz", metavar="ZONE", help="the zone its times were written in (default: this computer's)")
    p.add_argument("--rows", type=int, default=200, help="rows to look at (default 200)")
    p.add_argument("-o", "--output", metavar="MAPPING.toml", help="write the mapping here instead of printing")
    p.set_defaults(func=cmd_inspect)

    p = sub.add_parser("export", help="write a pseudonymised segment table to share (CSV, XLSX, Parquet)")
    common(p, ("table",))
    p.add_argument("--pseudonymize", "--pseudonymise", metavar="KEYFILE", required=True,
                   help="key file (`rollstats keygen KEYFILE`): subject ids become HMAC-SHA256 pseudonyms")
    p.add_argument("-o", "--output", metavar="OUT.csv|.xlsx|.parquet", required=True)
    p.add_argument("--keep-notes", action="store_true", help="keep the free-text notes (default: left out)")
    p.add_argument("--length", type=int, default=16, help="hex digits of a pseudonym (default 16 = 64 bits)")
    p.add_argument("--subject", metavar="ID", help="subject id for exports that name nobody")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("keygen", help="write a new random pseudonymisation key (owner-only file)")
    p.add_argument("keyfile", metavar="KEYFILE")
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("dashboard", help="the patient review as a web page (Voila) on this computer")
    p.add_argument("path", nargs="?", metavar="PATH", help="export file or folder to open "
                   "(default: pick one in the page)")
    p.add_argument("--port", type=int, metavar="N", help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--tz", metavar="ZONE", help="IANA time zone for times without a UTC offset")
    p.add_argument("--reports", metavar="DIR", help="folder the report button writes into "
                   "(default: the current folder)")
    p.set_defaults(func=cmd_dashboard)

    p = sub.add_parser("program", help="print the rules in force")
    p.add_argument("--program", metavar="FILE.toml", help="program file overriding the card's rules")
    p.set_defaults(func=cmd_program)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 error)."""
    args = _parser().parse_args(argv)
    global _SHOW_PROGRESS
    _SHOW_PROGRESS = bool(getattr(args, "progress", False))
    try:
        if getattr(args, "until", None):
            try:
                pd.Timestamp(args.until)
            except ValueError:
                raise RollstatsError(f"--until {args.until!r} is not a date (use YYYY-MM-DD)") from None
        return args.func(args)
    except RollstatsError as exc:
        print(f"rollstats: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"rollstats: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rollstats: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

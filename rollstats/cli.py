"""The ``rollstats`` command: ingest, summary, nights, program.

Errors print one line and exit with status 2; no traceback reaches the user.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from .errors import RollstatsError
from .io import load
from .metrics import audit, summarize
from .output import plain, to_csv, to_json
from .program import load_program
from .report import key_columns, write_report


def _progress(done: int, total: int, path: Path) -> None:
    if total > 1 and sys.stderr.isatty():
        print(f"\rreading {done}/{total}: {path.name[:40]:<40}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)


def _load(args: argparse.Namespace):
    program = load_program(args.program)
    result = load(args.paths, tz=args.tz, program=program, progress=_progress)
    return program, result


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
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_ingest(args: argparse.Namespace) -> int:
    _, result = _load(args)
    if args.output:
        result.segments.to_parquet(args.output, index=False)
    if args.rejects:
        to_csv(result.rejects, args.rejects)
    if args.format == "json":
        import json
        sys.stdout.write(json.dumps(result.report.to_dict()) + "\n")
    else:
        print(result.report)
        if len(result.rejects) and not args.rejects:
            print(f"{len(result.rejects)} refused rows: write them with --rejects FILE.csv; first ones:")
            print(result.rejects.head(5).to_string(index=False))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    program, result = _load(args)
    summary = summarize(result.segments, program, until=args.until)
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rollstats", description=(
        "Adherence analytics for foam-rolling and massage-ball session logs."))
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
        p.add_argument("paths", nargs="+", metavar="PATH", help="export files or folders")
        p.add_argument("--tz", metavar="ZONE", help="IANA time zone for times without a UTC offset")
        p.add_argument("--program", metavar="FILE.toml", help="program file overriding the card's rules")
        p.add_argument("--format", choices=formats, default="table")

    p = sub.add_parser("ingest", help="read exports and report what was accepted, dropped, refused")
    common(p, ("table", "json"))
    p.add_argument("-o", "--output", metavar="OUT.parquet", help="write the canonical segments")
    p.add_argument("--rejects", metavar="FILE.csv", help="write the refused rows with their reasons")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("summary", help="one record per subject who rolled")
    common(p, ("table", "csv", "json"))
    p.add_argument("--until", metavar="DATE", help="last night of observation (YYYY-MM-DD)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the summary here instead of printing")
    p.add_argument("--report", metavar="FILE.html", help="also write a one-file HTML report")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("nights", help="the per-night audit: each rule passed or failed, in words")
    common(p, ("table", "csv", "json"))
    p.add_argument("--subject", metavar="ID", help="only this subject")
    p.add_argument("--until", metavar="DATE", help="last night of observation (YYYY-MM-DD)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the audit here instead of printing")
    p.set_defaults(func=cmd_nights)

    p = sub.add_parser("program", help="print the rules in force")
    p.add_argument("--program", metavar="FILE.toml", help="program file overriding the card's rules")
    p.set_defaults(func=cmd_program)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 error)."""
    args = _parser().parse_args(argv)
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

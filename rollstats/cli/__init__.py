"""The ``rollstats`` command: ingest, summary, nights, program, inspect, export, keygen, dashboard.

Errors print one line and exit with status 2; no traceback reaches the user.
"""
from __future__ import annotations

import argparse
import sys

from ..errors import RollstatsError
from ..output import terminal_text
from . import shared
from .checks import check_options
from .commands import (cmd_alerts, cmd_dashboard, cmd_datadays, cmd_export, cmd_ingest, cmd_inspect, cmd_keygen,
                       cmd_nights, cmd_program, cmd_summary)
from .shared import ByteBar

__all__ = ["main", "ByteBar"]


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
        p.add_argument("--habit-unit", metavar="UNIT", choices=("s", "min", "h"), help="Loop Habit Tracker: "
                       "the time unit of a numerical habit whose own unit is not one (s, min, h)")
        p.add_argument("--workout-types", metavar="TYPES.toml", help="Apple Health: which workout types "
                       "count as rolling, strengthening or other (lists replacing the defaults)")
        p.add_argument("--mapping", metavar="MAPPING.toml", help="read any app's export through a "
                       "mapping file (`rollstats inspect FILE` suggests one)")
        p.add_argument("--progress", action="store_true", help="show progress on stderr even when "
                       "it is not a terminal")
        if "csv" in formats:
            p.add_argument("--wide", action="store_true", help="print every column under its code "
                           "(the columns of --format csv) instead of the chosen columns in words")

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
    p.add_argument("--until", metavar="DATE", help="last night of observation, YYYY-MM-DD")
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
    p.add_argument("--until", metavar="DATE", help="last night of observation, YYYY-MM-DD")
    p.add_argument("--from", dest="from_", metavar="DATE", help="show the nights from this one on, "
                   "YYYY-MM-DD (rules are still judged over the whole observation)")
    p.add_argument("--failed", action="store_true", help="only the rules not met: missed maintenance "
                   "windows first, then short nights of the daily phase, then the mistakes")
    p.add_argument("-o", "--output", metavar="FILE", help="write the audit here instead of printing")
    p.set_defaults(func=cmd_nights)

    for name, func, what in (
            ("alerts", cmd_alerts, "disengagement alerts: runs of nights without rolling"),
            ("datadays", cmd_datadays, "remote-monitoring data days per period of 30 nights")):
        p = sub.add_parser(name, help=what)
        common(p, ("table", "csv", "json"))
        p.add_argument("--subject", metavar="ID", help="only this subject")
        p.add_argument("--until", metavar="DATE", help="last night of observation, YYYY-MM-DD")
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
    p.add_argument("--keep-notes", action="store_true", help="keep the free-text notes (default: left out); "
                   "the same as --keep notes")
    p.add_argument("--keep", action="append", default=[], metavar="COLUMN", help="keep this column as it is "
                   "(free text such as notes or region_label is emptied by default; repeat for more)")
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
    p.add_argument("--cull-after", type=int, metavar="SECONDS", help="shut a page's kernel down at most "
                   "SECONDS after the page went away (default 60, at least 10)")
    p.set_defaults(func=cmd_dashboard)

    p = sub.add_parser("program", help="print the rules in force")
    p.add_argument("--program", metavar="FILE.toml", help="program file overriding the card's rules")
    p.set_defaults(func=cmd_program)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 error)."""
    args = _parser().parse_args(argv)
    shared.SHOW_PROGRESS = bool(getattr(args, "progress", False))
    try:
        check_options(args)  # before anything is read
        return args.func(args)
    except RollstatsError as exc:
        print(f"rollstats: error: {terminal_text(str(exc))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`): not an error
        return 0
    except OSError as exc:
        print(f"rollstats: error: {terminal_text(str(exc.filename or ''))}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rollstats: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

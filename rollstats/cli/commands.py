"""The sub-commands: each takes the parsed arguments and returns the exit status."""
from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

import pandas as pd


from ..errors import RollstatsError
from ..metrics import alerts, audit, data_days, failures
from ..metrics.left_out import left_out
from ..output import plural, terminal_safe, terminal_text, terminal_width, text_table, to_csv
from ..program import load_program
from ..report import write_report
from ..report.words import left_out_words
from .checks import refused_everything
from .shared import emit, enrolment_of, is_store_target, load_paths, research_inputs, summarize_table, summary_on_dask
from .tables import (alerts_view, audit_view, datadays_view, rejects_view, summary_notes, summary_view)

def _view(args: argparse.Namespace, view):
    """The people's view, unless ``--wide`` asks for every column under its code."""
    return None if getattr(args, "wide", False) else view


def _note(text: str) -> None:
    print("note: " + terminal_text(text), file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    _, result = load_paths(args)
    read = result.segments
    if args.output and is_store_target(args.output):
        from ..store import append

        result = append(args.output, result)
        print(f"store {args.output}: {plural(len(result.segments), 'new segment')} written", file=sys.stderr)
    elif args.output:
        result.segments.to_parquet(args.output, index=False)
    if args.rejects:
        to_csv(result.rejects, args.rejects)
    if args.format == "json":
        import json
        sys.stdout.write(json.dumps(result.report.to_dict()) + "\n")
    else:
        print(terminal_text(str(result.report), keep_newlines=True))
        if not (read["activity"] == "rolling").any():
            print("no rolling found in these files")
        if len(result.rejects) and not args.rejects:
            print(f"{plural(len(result.rejects), 'refused row')}: write them all with --rejects FILE.csv; "
                  "the first ones:")
            print(text_table(terminal_safe(rejects_view(result.rejects.head(5))), width=terminal_width(),
                             wrap="Reason"))
    return 0



def cmd_alerts(args: argparse.Namespace) -> int:
    program, table = research_inputs(args)
    found = alerts(table, program)
    if args.current:
        found = found.loc[found["ongoing"]]
    emit(found, args.format, args.output, _view(args, alerts_view(found)))
    return 0


def cmd_datadays(args: argparse.Namespace) -> int:
    program, table = research_inputs(args)
    periods = data_days(table, program)
    emit(periods, args.format, args.output, _view(args, datadays_view(periods)))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    if getattr(args, "engine", "pandas") == "dask":
        return summary_on_dask(args)
    program, result = load_paths(args)
    refused_everything(result.report, result.rejects)
    enrolment = enrolment_of(args, result.segments)
    summary = summarize_table(args, result.segments, program, enrolment)
    emit(summary, args.format, args.output, _view(args, summary_view(summary)), wrap="Flags")
    if args.format == "table" and not args.output and len(summary) and not getattr(args, "wide", False):
        print()
        for line in summary_notes(summary, program):
            print(textwrap.fill(line, terminal_width()))
    gone = left_out(result.segments, summary, args.until, enrolment)
    if len(gone):
        said = "; ".join(f"{terminal_text(r['subject_id'])} ({left_out_words(r)})" for r in gone.head(10).to_dict("records"))
        more = f" and {len(gone) - 10} more" if len(gone) > 10 else ""
        _note(f"{plural(len(gone), 'subject')} of the export not in the summary: {said}{more}")
    if args.report:
        path = write_report(args.report, summary, result.report, result.rejects, program,
                            segments=result.segments, until=args.until, enrolment=enrolment, left_out=gone)
        print(f"report written to {path}", file=sys.stderr)
    if result.report.rows_rejected:
        _note(f"{plural(result.report.rows_rejected, 'row')} refused "
              "(write them with `rollstats ingest ... --rejects FILE.csv`)")
    return 0


def cmd_nights(args: argparse.Namespace) -> int:
    program, result = load_paths(args)
    refused_everything(result.report, result.rejects)
    if args.subject is not None and not (result.segments["subject_id"] == args.subject).any():
        known = ", ".join(terminal_text(str(s)) for s in sorted(result.segments["subject_id"].unique())[:10])
        raise RollstatsError(f"no subject {args.subject!r} in these files (some there are: {known})")
    table = audit(result.segments, program, until=args.until, subject=args.subject)
    if args.failed:
        table = failures(table)  # missed maintenance windows first
    if args.from_:
        table = table.loc[table["night"] >= pd.Timestamp(args.from_)].reset_index(drop=True)
    emit(table, args.format, args.output, _view(args, audit_view(table)), wrap="What the log shows")
    if args.failed and args.format == "table" and not args.output and not len(table):
        print("every rule checked was met" + (f" from {args.from_}" if args.from_ else ""))
    return 0


def cmd_program(args: argparse.Namespace) -> int:
    text = load_program(args.program).describe()
    if sys.stdout.isatty():  # the card's words run long: wrapped, continued under an indent
        text = "\n".join(textwrap.fill(line, terminal_width(), subsequent_indent="    ")
                          for line in text.splitlines())
    print(text)
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from ..dashboard import serve
    from ..times import known_zone

    if args.tz and not known_zone(args.tz):
        raise RollstatsError(f"--tz {args.tz!r} is not an IANA time zone (e.g. Europe/Berlin)")
    return serve(args.path, port=args.port, tz=args.tz, reports=args.reports, cull_after=args.cull_after)


def cmd_inspect(args: argparse.Namespace) -> int:
    from ..io.inspect import suggest_mapping

    text = suggest_mapping(args.path, zone=args.tz, rows=args.rows)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"mapping written to {args.output}: check it, then "
              f"`rollstats ingest {args.path} --mapping {args.output}`", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import warnings

    from ..privacy import FREE_TEXT_COLUMNS, KeyFileWarning, read_key, write_export

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", KeyFileWarning)
        key = read_key(args.pseudonymize)
    for warning in caught:
        print(f"rollstats: warning: {warning.message}", file=sys.stderr)
    _, result = load_paths(args)
    refused_everything(result.report, result.rejects)  # no empty file to share
    keep = [*args.keep, *(["notes"] if args.keep_notes else [])]
    shared = write_export(result.segments, args.output, key, length=args.length, keep=keep)
    emptied = [c for c in FREE_TEXT_COLUMNS if c in shared and c not in keep]
    print(f"{plural(len(shared), 'segment')} of {plural(shared['subject_id'].nunique(), 'subject')} written to {args.output} "
          f"(pseudonymous ids{', emptied: ' + ', '.join(emptied) if emptied else ''})", file=sys.stderr)
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    from ..privacy import keygen

    _make_folder(Path(args.keyfile).parent)
    path = keygen(args.keyfile)
    print(f"key written to {path} (owner-only); keep it outside the repository and the data you share",
          file=sys.stderr)
    return 0


def _make_folder(folder: Path) -> None:
    """Create ``folder`` and the missing folders above it, readable by their owner only."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for part in reversed(missing):
        part.mkdir(mode=0o700)
        os.chmod(part, 0o700)  # whatever the umask

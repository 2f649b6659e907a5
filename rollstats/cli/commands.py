"""The sub-commands: each takes the parsed arguments and returns the exit status."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


from ..errors import RollstatsError
from ..metrics import alerts, audit, data_days
from ..output import terminal_safe, terminal_text, to_csv
from ..program import load_program
from ..report import key_columns, write_report


#: ``--progress``: draw progress on stderr even when it is not a terminal.
from .shared import _emit, _enrolment, _is_store_target, _load, _research, _summarize, _summary_dask


def cmd_ingest(args: argparse.Namespace) -> int:
    _, result = _load(args)
    read = result.segments
    if args.output and _is_store_target(args.output):
        from ..store import append

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
        print(terminal_text(str(result.report), keep_newlines=True))
        if not (read["activity"] == "rolling").any():
            print("no rolling found in these files")
        if len(result.rejects) and not args.rejects:
            print(f"{len(result.rejects)} refused rows: write them with --rejects FILE.csv; first ones:")
            print(terminal_safe(result.rejects.head(5)).to_string(index=False))
    return 0



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
        known = ", ".join(terminal_text(str(s)) for s in sorted(result.segments["subject_id"].unique())[:10])
        raise RollstatsError(f"no subject {args.subject!r} in these files (some there are: {known})")
    table = audit(result.segments, program, until=args.until, subject=args.subject)
    _emit(table, args.format, args.output, table[["subject_id", "night", "rule", "passed", "message"]])
    return 0


def cmd_program(args: argparse.Namespace) -> int:
    print(load_program(args.program).describe())
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
    _, result = _load(args)
    keep = [*args.keep, *(["notes"] if args.keep_notes else [])]
    shared = write_export(result.segments, args.output, key, length=args.length, keep=keep)
    emptied = [c for c in FREE_TEXT_COLUMNS if c in shared and c not in keep]
    print(f"{len(shared)} segments of {shared['subject_id'].nunique()} subjects written to {args.output} "
          f"(pseudonymous ids{', emptied: ' + ', '.join(emptied) if emptied else ''})", file=sys.stderr)
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    from ..privacy import keygen

    path = keygen(args.keyfile)
    print(f"key written to {path} (owner-only); keep it outside the repository and the data you share",
          file=sys.stderr)
    return 0

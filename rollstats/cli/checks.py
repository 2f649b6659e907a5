"""Checks of the options before any file is read: zones, dates, the paths written to.

Each check raises :class:`rollstats.errors.RollstatsError` with a sentence naming the option, so
a mistake costs the user no reading time and never leaves half the output behind.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from pathlib import Path

import pandas as pd

from ..errors import RollstatsError
from ..output import plural, terminal_text

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Options holding a date, and the options that name a file to write.
DATE_OPTIONS: tuple[str, ...] = ("until", "from_")
OUTPUT_OPTIONS: tuple[tuple[str, str], ...] = (("output", "-o"), ("report", "--report"), ("rejects", "--rejects"))


def check_date(value: str, option: str) -> dt.date:
    """``value`` as a date when it is written ``YYYY-MM-DD`` (a real date), else an error naming ``option``.

    ``04/05/2026`` is refused: read as 4 May by some and 5 April by others.

    >>> check_date("2026-05-04", "--until")
    datetime.date(2026, 5, 4)
    >>> check_date("04/05/2026", "--until")
    Traceback (most recent call last):
    ...
    rollstats.errors.RollstatsError: --until '04/05/2026' is not a date written YYYY-MM-DD (e.g. 2026-05-04)
    """
    try:
        if _DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise RollstatsError(f"{option} {value!r} is not a date written YYYY-MM-DD (e.g. 2026-05-04)")


def check_writable(path: str, option: str) -> None:
    """An error naming ``option`` when a file cannot be written at ``path``: its folder is
    missing or not writable, or ``path`` is a folder.

    >>> check_writable("/no/such/folder/r.html", "--report")
    Traceback (most recent call last):
    ...
    rollstats.errors.RollstatsError: --report /no/such/folder/r.html: the folder /no/such/folder does not exist
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    shown = terminal_text(str(path))
    if target.is_dir():
        raise RollstatsError(f"{option} {shown}: is a folder, not a file")
    if not folder.is_dir():
        raise RollstatsError(f"{option} {shown}: the folder {terminal_text(str(folder))} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise RollstatsError(f"{option} {shown}: cannot be written here (permission denied)")


def check_options(args: argparse.Namespace) -> None:
    """Every check that needs no data: the zone of ``--tz``, the dates, the files to write."""
    from ..times import known_zone

    zone = getattr(args, "tz", None)
    if zone and not known_zone(zone):
        raise RollstatsError(f"--tz {zone!r} is not an IANA time zone (e.g. Europe/Berlin)")
    for name in DATE_OPTIONS:
        value = getattr(args, name, None)
        if value:
            setattr(args, name, check_date(value, "--" + name.strip("_")).isoformat())
    for name, option in OUTPUT_OPTIONS:
        value = getattr(args, name, None)
        if not value or (args.command == "ingest" and name == "output" and _store_target(value)):
            continue
        check_writable(value, option)


def _store_target(output: str) -> bool:
    """``ingest -o`` names a store folder (created by the store), not a file."""
    path = Path(output)
    return path.is_dir() or output.endswith(("/", "\\")) or not path.suffix


def refused_everything(report, rejects: pd.DataFrame) -> None:
    """An error, with the refusals counted by reason (the five commonest), when rows were read and
    every one was refused.

    >>> from rollstats.io import IngestReport
    >>> files = pd.DataFrame({"rows_read": [3], "rows_accepted": [0], "duplicates_dropped": [0], "rows_rejected": [3]})
    >>> refused_everything(IngestReport(files), pd.DataFrame({"reason": ["start: no offset"] * 3}))
    Traceback (most recent call last):
    ...
    rollstats.errors.RollstatsError: every one of the 3 rows read was refused: start: no offset (3 rows)
    """
    if report.rows_read == 0 or report.rows_accepted > 0 or report.duplicates_dropped > 0:
        return
    # a row refused for several reasons gives them joined by "; ": each is counted
    counts = (rejects["reason"].astype("str").str.split("; ").explode().value_counts() if "reason" in rejects
              else pd.Series(dtype="int64"))
    reasons = "; ".join(f"{terminal_text(reason)} ({plural(int(n), 'row')})" for reason, n in counts.head(5).items())
    more = f"; and {plural(len(counts) - 5, 'other reason')}" if len(counts) > 5 else ""
    rows = plural(report.rows_read, "row")
    raise RollstatsError(f"every one of the {rows} read was refused: {reasons or 'see --rejects'}{more}")

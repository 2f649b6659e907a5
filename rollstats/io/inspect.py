"""``rollstats inspect``: guess a mapping file from an export's header and first rows.

The guess is made from column names (``date``, ``start``, ``minutes``, ``area``, ``muscle``,
``body part``, ``patient``...; some German, French and Spanish words too) and from the values
(which cells read as times in which format, which as numbers, lengths or region labels). The
result is a mapping file that ``rollstats ingest --mapping`` accepts as it is; each guess that
a person should check carries a comment.

Real exports name many things that are not what rollstats wants (tested on Garmin Connect,
Strong and Strava exports): a column naming workouts or exercises is no subject; an empty column
takes no role; a file without a subject column is a one-person export (``--subject`` names its
person); ``thigh`` labels are left to the clock column. What each column holds is guessed in
:mod:`rollstats.io.inspect_columns`; which one is each session's length (never ``Min Temp``,
``Max HR`` or ``Calories``; Strong's ``Duration`` rather than its mostly-zero ``Seconds``) in
:mod:`rollstats.io.inspect_length`; this module writes the suggestion.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from ..program import load_program
from ..regions import ALIASES, normalise_label
from . import cells, jsonfile, parquetfile, text, xlsxfile
from .inspect_columns import column_kind, fold, guess_roles, time_format, wide_columns
from .inspect_length import Length, choose_length, length_unit
from .inspect_words import CLOCK_LABELS, GUESSES


def suggest_mapping(path: str | Path, zone: str | None = None, rows: int = 200) -> str:
    """A mapping file (TOML text) for the export at ``path``, guessed from its first ``rows``.

    ``zone`` is the time zone of times without an offset (default: this computer's, else UTC).

    >>> import tempfile, os, tomllib
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    >>> _ = f.write("User;Date;Minutes;Area\\nann;03.03.2024 21:30;2,5;quads\\n"); f.close()
    >>> m = tomllib.loads(suggest_mapping(f.name, zone="Europe/Berlin"))
    >>> m["columns"], m["units"], m["time"]["format"], m["file"]["decimal"]
    ({'subject_id': 'User', 'start': 'Date', 'duration_s': 'Minutes', 'region': 'Area'}, {'duration': 'min'}, '%d.%m.%Y %H:%M', ',')
    >>> os.remove(f.name)
    """
    path = Path(path)
    frame, file_keys, decimal = _head(path, rows)
    kinds = {c: column_kind(frame[c], decimal) for c in frame.columns}
    roles = guess_roles(frame, kinds)
    starts = roles.get("start", [])
    length = choose_length(frame, kinds, roles, decimal)
    wide = wide_columns(frame, kinds, roles)
    if len(wide) >= 2 or (wide and length is None):
        roles = {k: v for k, v in roles.items() if k not in ("end", "region")}
        length = None
    else:
        wide = {}
        if length is not None:
            roles["duration_s"] = [length.column]
    place = {c: i for i, c in enumerate(frame.columns)}
    roles = dict(sorted(roles.items(), key=lambda item: place[item[1][0]]))  # in the file's order
    lines = [f"# Mapping suggested by `rollstats inspect` for {_comment(path.name)}: check each line, then",
             f"#   rollstats ingest {_comment(path.name)} --mapping THIS_FILE.toml", ""]
    if file_keys:
        lines += ["[file]", *(f"{k} = {_quote(v)}" for k, v in file_keys.items()), ""]
    lines.append("[columns]")
    for native, headers in roles.items():
        value = _quote(headers[0]) if len(headers) == 1 else "[" + ", ".join(map(_quote, headers)) + "]"
        note = f"  # {_comment(length.note)}" if native == "duration_s" and length.note else ""
        lines.append(f"{native} = {value}{note}")
    if length is not None:
        lines += [f"# also a length, not taken: {_comment(c)} ({_comment(why)})" for c, why in length.others]
    if not starts:
        lines.append('# start = "?"  # no column of times found: name the one with the start time')
    if not wide and not {"duration_s", "end"} & set(roles):
        lines.append('# duration_s = "?"  # no column of lengths found: name the one with each session\'s length')
    lines.append("")
    if "subject_id" not in roles:
        lines += ["[constants]  # no subject column: a one-person export, named here or by --subject ID",
                  f"subject_id = {_quote(path.stem)}  # at ingest, --subject P001 names the person of this file", ""]
    if length is not None:
        lines += ["[units]", f"duration = {_quote(length.unit)}  # {_comment(length.unit_why)}",
                  *_too_long(length), ""]
    fmt, offsets = time_format(frame, starts, kinds)
    lines.append("[time]")
    if fmt:
        lines.append(f"format = {_quote(fmt)}")
    if not offsets:
        lines.append(f"zone = {_quote(zone or local_zone())}  # the zone these times were written in: check")
    lines.append("")
    if "region" in roles:
        labels = _region_lines(frame[roles["region"][0]], "clock" in roles)
        if labels:
            lines += ["[regions]  # the export's labels that no alias knows", *labels, ""]
    if wide:
        units = {length_unit(h, frame[h], kinds[h], decimal)[0] for h in wide}
        lines += ["[wide]", f"unit = {_quote(units.pop() if len(units) == 1 else 'min')}",
                  'placement = "sequential"  # the cells of a row follow each other from its time', "",
                  "[wide.columns]"]
        for header, (region, side) in wide.items():
            spec = _quote(region) if side is None else f"{{ region = {_quote(region)}, side = {_quote(side)} }}"
            lines.append(f"{_quote(header)} = {spec}")
        lines.append("")
    used = {h for hs in roles.values() for h in hs} | set(wide)
    unused = [str(c) for c in frame.columns if c not in used]
    if unused:
        lines.append("# columns not read: " + ", ".join(_comment(c) for c in unused))
    return "\n".join(lines).rstrip() + "\n"


def _too_long(length: Length) -> list[str]:
    """A warning when rows are longer than the program allows one segment (ingest refuses them)."""
    limit = load_program().limits.max_segment_s
    over = int((length.seconds > limit).sum())
    if not over:
        return []
    return [f"# {over} of the {len(length.seconds)} rows last longer than {limit:g} s, the most one segment may "
            "last by the built-in card: ingest will refuse them"]


def local_zone() -> str:
    """This computer's IANA time zone (``TZ``, ``/etc/timezone``, ``/etc/localtime``), else UTC.

    >>> from rollstats.times import known_zone
    >>> known_zone(local_zone())
    True
    """
    from ..times import known_zone
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        candidates.append(Path("/etc/timezone").read_text().strip())
    except OSError:
        pass
    try:
        candidates.append(os.readlink("/etc/localtime").split("zoneinfo/")[-1])
    except OSError:
        pass
    return next((c for c in candidates if c and "/" in c and known_zone(c)), "UTC")


def _head(path: Path, rows: int) -> tuple[pd.DataFrame, dict[str, str], str]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        frame = xlsxfile.read(path).frame
    elif suffix in (".json", ".jsonl", ".ndjson"):
        frame = jsonfile.read(path).frame
    elif suffix in (".parquet", ".pq"):
        frame = parquetfile.read(path).frame
    else:
        frame, d = text.read_table(path, nrows=rows)
        names = {"\t": "tab"}
        return frame, {"encoding": d.encoding, "delimiter": names.get(d.delimiter, d.delimiter),
                       "decimal": d.decimal}, d.decimal
    frame = frame.head(rows)
    decimal = text.sniff_decimal(frame.select_dtypes(exclude="number"), ";")
    return frame, ({"decimal": decimal} if decimal == "," else {}), decimal


def _region_lines(values: pd.Series, clock: bool) -> list[str]:
    """``[regions]`` lines for labels no alias knows; a thigh is read with the clock column
    (``clock``: one is mapped), else as unspecified hips-and-legs rolling: never listed."""
    labels = cells.cell_text(values).dropna().unique()
    lines = []
    for label in labels:
        key = normalise_label(pd.Series([label]))[0]
        if key in ALIASES or key in CLOCK_LABELS:
            continue
        guess = GUESSES.get(fold(label))
        lines.append(f"{_quote(label)} = {_quote(guess or 'other')}  # "
                     + ("guessed: check" if guess else "unknown: which region is it?"))
    if not clock and any(normalise_label(pd.Series([v]))[0] in CLOCK_LABELS for v in labels):
        lines.append("# no clock column: 'thigh' rows count as hips-and-legs rolling of unspecified region")
    return lines


def _quote(value) -> str:
    """A TOML basic string."""
    out = []
    for ch in str(value):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _comment(value) -> str:
    """Text safe inside a TOML comment (one line, no control characters)."""
    return re.sub(r"[\x00-\x1f\x7f]", "?", str(value))


__all__ = ["suggest_mapping", "local_zone", "fold"]  # fold: defined in inspect_columns

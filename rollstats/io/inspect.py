"""``rollstats inspect``: guess a mapping file from an export's header and first rows.

The guess is made from column names (``date``, ``start``, ``minutes``, ``area``, ``muscle``,
``body part``, ``patient``...; some German, French and Spanish words too) and from the values
(which cells read as times in which format, which as numbers, which as region labels). The
result is a mapping file that ``rollstats ingest --mapping`` accepts as it is; each guess that
a person should check carries a comment.

Real exports name many things that are not what rollstats wants (tested on Garmin Connect,
Strong and Strava exports): the session's length is a column of numbers or ``h:mm:ss`` cells
under a length header (:data:`~rollstats.io.inspect_words.LENGTH_RANKS`), never one naming
another measure (``Min Temp``, ``Max HR``, ``Calories``); a column naming workouts or exercises
is no subject; an empty column takes no role; a file without a subject column is a one-person
export (``--subject`` names its person); ``thigh`` labels are left to the clock column.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pandas as pd

from ..regions import ALIASES, canonical_side, normalise_label
from ..schema import ACTIVITY_ALIASES, TRIGGER_ALIASES
from . import cells, jsonfile, parquetfile, text, xlsxfile
from .inspect_words import (CLOCK_LABELS, CLOCKS, FORMATS, GUESSES, LENGTH_RANKS, NOISE, NOT_LENGTH,
                            NOT_SUBJECT, ROLE_WORDS, TIME_OF_DAY, UNIT_WORDS, WHOLE_HEADER_ONLY)


def fold(header: str) -> str:
    """A header or label folded for matching: lower case, no accents or punctuation.

    >>> fold("Körperteil (Bereich)"), fold("Quads_min"), fold("Gesäß")
    ('korperteil bereich', 'quads min', 'gesass')
    """
    t = str(header).lower().replace("ß", "ss")
    t = t.translate(str.maketrans("äöüéèêàáíóúñç", "aoueeeaaioun" + "c"))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", t).split())


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
    kinds = {c: _kind(frame[c], decimal) for c in frame.columns}
    roles = _roles(frame, kinds)
    lines = [f"# Mapping suggested by `rollstats inspect` for {_comment(path.name)}: check each line, then",
             f"#   rollstats ingest {_comment(path.name)} --mapping THIS_FILE.toml", ""]
    if file_keys:
        lines += ["[file]", *(f"{k} = {_quote(v)}" for k, v in file_keys.items()), ""]
    wide = _wide(frame, kinds, {k: v for k, v in roles.items() if k != "duration_s"})
    if len(wide) >= 2 or (wide and "duration_s" not in roles):
        roles = {k: v for k, v in roles.items() if k not in ("duration_s", "end", "region")}
    else:
        wide = {}
    starts = roles.get("start", [])
    lines.append("[columns]")
    for native, headers in roles.items():
        value = _quote(headers[0]) if len(headers) == 1 else "[" + ", ".join(map(_quote, headers)) + "]"
        lines.append(f"{native} = {value}")
    if not starts:
        lines.append('# start = "?"  # no column of times found: name the one with the start time')
    if not wide and not {"duration_s", "end"} & set(roles):
        lines.append('# duration_s = "?"  # no column of lengths found: name the one with each session\'s length')
    lines.append("")
    if "subject_id" not in roles:
        lines += ["[constants]  # no subject column: a one-person export, named here or by --subject ID",
                  f"subject_id = {_quote(path.stem)}  # at ingest, --subject P001 names the person of this file", ""]
    if "duration_s" in roles:
        unit, why = _unit(roles["duration_s"][0], frame[roles["duration_s"][0]], kinds[roles["duration_s"][0]], decimal)
        lines += ["[units]", f"duration = {_quote(unit)}  # {why}", ""]
    fmt, offsets = _time_format(frame, starts, kinds)
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
        units = {_unit(h, frame[h], kinds[h], decimal)[0] for h in wide}
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


def _kind(values: pd.Series, decimal: str) -> str:
    """``datetime``, ``date``, ``clock``, ``number``, ``text`` or ``empty``, from the values."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "datetime"
    cellv = values.dropna()
    if cellv.map(lambda v: isinstance(v, (dt.date, dt.datetime))).all() and len(cellv):
        return "datetime"
    sample = cells.cell_text(values).dropna()
    if sample.empty:
        return "empty"
    if cells.to_number(sample, decimal)[0].notna().all():
        return "number"
    fmt = _format_of(sample)
    if fmt is not None:
        return "datetime" if fmt == "" or cells.has_time_of_day(fmt) else "date"
    if sample.astype("string").str.fullmatch(cells._CLOCK_DURATION).all() or _fits(sample, CLOCKS) is not None:
        return "clock"
    return "text"


def _roles(frame: pd.DataFrame, kinds: dict) -> dict[str, list[str]]:
    """Native column -> the export's header(s): by header words, then checked against the values."""
    fits = {"start": ("datetime", "date"), "end": ("datetime",), "hold_s": ("number",), "hold_count": ("number",),
            "pain_before": ("number",), "pain_after": ("number",), "clock": ("number",),
            "subject_id": ("text", "number")}
    roles: dict[str, list[str]] = {}
    for column in frame.columns:
        if kinds[column] == "empty" and len(frame):  # an empty column says nothing: left to a person
            continue
        name = fold(column)
        native = name.replace(" ", "_")
        wanted = [native] if native in dict(ROLE_WORDS) else []
        wanted += [role for role, words in ROLE_WORDS if _says(name, words)]
        for role in wanted:
            if role == "subject_id" and (NOT_SUBJECT | NOT_LENGTH) & set(name.split()):
                continue  # Workout Name, Exercise Name, Activity ID, Athlete Weight: not a person
            if role not in roles and kinds[column] in (*fits.get(role, ("text", "number")), "empty") \
                    and _words_known(role, frame[column]):
                roles[role] = [column]
                break
    taken = {h for hs in roles.values() for h in hs}
    if "start" in roles and kinds[roles["start"][0]] == "date":
        clock = [c for c in frame.columns if kinds[c] == "clock" and c not in taken and TIME_OF_DAY & set(fold(c).split())]
        roles["start"] += clock[:1]
        taken |= set(clock[:1])
    timed = "start" in roles and kinds[roles["start"][0]] == "datetime"
    length = _length_column(frame, kinds, taken, timed)
    if length is not None:
        roles["duration_s"] = [length]
    place = {c: i for i, c in enumerate(frame.columns)}
    return dict(sorted(roles.items(), key=lambda item: place[item[1][0]]))  # in the file's order


def _says(name: str, words: tuple[str, ...]) -> bool:
    """Whether a folded header is one of ``words`` or holds one of more than two letters."""
    return name in words or any(f" {w} " in f" {name} " for w in words if len(w) > 2)


def _length_column(frame: pd.DataFrame, kinds: dict, taken: set, timed: bool) -> str | None:
    """The column of each session's length: numbers or h:mm:ss cells under the best-ranked
    header of :data:`LENGTH_RANKS`, never one that names another measure (:data:`NOT_LENGTH`).
    ``timed``: the start column gives the time of day, so a bare ``Time`` is a length."""
    best = None
    for column in frame.columns:
        name = fold(column)
        if column in taken or kinds[column] not in ("number", "clock") or NOT_LENGTH & set(name.split()):
            continue
        for rank, words in enumerate(LENGTH_RANKS):
            whole = [w for w in words if w in WHOLE_HEADER_ONLY]
            if (name in whole and timed) or _says(name, tuple(w for w in words if w not in WHOLE_HEADER_ONLY)):
                if best is None or rank < best[0]:
                    best = (rank, column)
                break
    return None if best is None else best[1]


def _words_known(role: str, values: pd.Series) -> bool:
    """Side, activity and trigger columns only where every label is known (else rows are refused)."""
    vocabulary = {"activity": ACTIVITY_ALIASES, "trigger": TRIGGER_ALIASES}.get(role)
    labels = normalise_label(cells.cell_text(values).dropna())
    if role == "side":
        return bool(canonical_side(labels).notna().all())
    return vocabulary is None or bool(labels.isin(list(vocabulary)).all())


def _format_of(sample: pd.Series) -> str | None:
    iso = sample.astype("string").str.match(cells._ISO_TIME).all()
    return "" if iso else _fits(sample, FORMATS)


def _fits(sample: pd.Series, formats: tuple[str, ...]) -> str | None:
    values = [str(v) for v in sample.head(50)]
    for fmt in formats:
        try:
            for v in values:
                dt.datetime.strptime(v, fmt)
        except ValueError:
            continue
        return fmt
    return None


def _time_format(frame, starts, kinds) -> tuple[str | None, bool]:
    """The strftime pattern of the start column(s) (None: ISO 8601), and whether they carry offsets."""
    if not starts or kinds[starts[0]] != "datetime" and kinds[starts[0]] != "date":
        return None, False
    sample = cells.cell_text(frame[starts[0]]).dropna()
    if kinds[starts[0]] == "datetime" and not pd.api.types.is_string_dtype(sample.dtype):
        return None, False
    fmt = _format_of(sample)
    if len(starts) > 1:
        fmt = f"{fmt or '%Y-%m-%d'} {_fits(cells.cell_text(frame[starts[1]]).dropna(), CLOCKS)}"
    if fmt == "":
        offsets = sample.str.extract(cells._ISO_TIME)["offset"].notna().all()
        return None, bool(offsets)
    return fmt, "%z" in fmt


def _unit(header, values: pd.Series, kind: str, decimal: str) -> tuple[str, str]:
    if kind == "clock":
        return "mm:ss", f"cells like {cells.cell_text(values).dropna().iloc[0]}: h:mm:ss or mm:ss"
    words = fold(header).split()
    for unit, names in UNIT_WORDS.items():
        if any(w in names for w in words):
            return unit, "from the column name"
    number = cells.to_number(values, decimal)[0].dropna()
    if len(number) and (number % 1 != 0).any() and number.max() <= 60:
        return "min", "guessed from the values (fractions, at most 60): check"
    return "s", "guessed: check"


def _wide(frame, kinds, roles) -> dict[str, tuple[str, str | None]]:
    taken = {h for hs in roles.values() for h in hs}
    out = {}
    for column in frame.columns:
        if column in taken or kinds[column] not in ("number", "empty"):
            continue
        words = [w for w in fold(column).split() if w not in NOISE]
        side = None
        for i, w in enumerate(words):
            found = canonical_side(pd.Series([{"links": "left", "rechts": "right"}.get(w, w)]))[0]
            if pd.notna(found) and len(words) > 1:
                side, words = found, words[:i] + words[i + 1:]
                break
        label = " ".join(words)
        region = label if label in ALIASES and label else GUESSES.get(label)
        if region:
            out[column] = (region, side)
    return out


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

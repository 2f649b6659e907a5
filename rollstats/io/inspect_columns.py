"""What each column of an export holds, for ``rollstats inspect`` (:mod:`rollstats.io.inspect`).

A column's *kind* comes from its values (times, dates, numbers, ``h:mm:ss`` cells, lettered
durations such as ``2h 18m``, text); its *role* (the native column it suggests) from its header's
words (:mod:`rollstats.io.inspect_words`), checked against the kind. Which column is a
session's length is weighed apart, in :mod:`rollstats.io.inspect_length`.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from ..regions import ALIASES, canonical_side, normalise_label
from ..schema import ACTIVITY_ALIASES, TRIGGER_ALIASES
from . import cells
from .inspect_words import (CLOCKS, FORMATS, GUESSES, NOISE, NOT_LENGTH, NOT_SUBJECT, ROLE_WORDS,
                            TIME_OF_DAY)

#: Kinds of column (see :func:`column_kind`) that can hold a length of time.
LENGTH_KINDS = ("number", "clock", "lettered")


def fold(header: str) -> str:
    """A header or label folded for matching: lower case, no accents or punctuation.

    >>> fold("Körperteil (Bereich)"), fold("Quads_min"), fold("Gesäß")
    ('korperteil bereich', 'quads min', 'gesass')
    """
    t = str(header).lower().replace("ß", "ss")
    t = t.translate(str.maketrans("äöüéèêàáíóúñç", "aoueeeaaioun" + "c"))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", t).split())


def says(name: str, words: tuple[str, ...]) -> bool:
    """Whether a folded header is one of ``words`` or holds one of more than two letters."""
    return name in words or any(f" {w} " in f" {name} " for w in words if len(w) > 2)


def column_kind(values: pd.Series, decimal: str = ".") -> str:
    """What every filled cell of a column reads as: ``datetime`` (a time of day included),
    ``date``, ``number``, ``clock`` (``h:mm:ss``, ``mm:ss`` or a time of day), ``lettered``
    (durations such as ``2h 18m``, ``45m``, ``1h 5m 30s``), ``text``, or ``empty``.

    >>> [column_kind(pd.Series(v)) for v in (["2h 18m", "45m"], ["00:17:01"], ["2,5"], ["Plank", "45m"])]
    ['lettered', 'clock', 'text', 'text']
    """
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
    fmt = format_of(sample)
    if fmt is not None:
        return "datetime" if fmt == "" or cells.has_time_of_day(fmt) else "date"
    if sample.astype("string").str.fullmatch(cells.CLOCK_DURATION).all() or fits(sample, CLOCKS) is not None:
        return "clock"
    # a cheap look first (a digit first, a unit's letter last), then the mapping's own reading
    if sample.astype("string").str.fullmatch(r"(?i)\d.*[hmns]").all() \
            and cells.to_seconds(sample, "h m s")[0].notna().all():
        return "lettered"
    return "text"


def guess_roles(frame: pd.DataFrame, kinds: dict) -> dict[str, list[str]]:
    """Native column -> the export's header(s), by header words checked against the values; the
    session's length is left to :func:`rollstats.io.inspect_length.choose_length`."""
    fit = {"start": ("datetime", "date"), "end": ("datetime",), "hold_s": ("number",), "hold_count": ("number",),
           "pain_before": ("number",), "pain_after": ("number",), "clock": ("number",),
           "subject_id": ("text", "number")}
    roles: dict[str, list[str]] = {}
    for column in frame.columns:
        if kinds[column] == "empty" and len(frame):  # an empty column says nothing: left to a person
            continue
        name = fold(column)
        native = name.replace(" ", "_")
        wanted = [native] if native in dict(ROLE_WORDS) else []
        wanted += [role for role, words in ROLE_WORDS if says(name, words)]
        for role in wanted:
            if role == "subject_id" and (NOT_SUBJECT | NOT_LENGTH) & set(name.split()):
                continue  # Workout Name, Exercise Name, Activity ID, Athlete Weight: not a person
            if role not in roles and kinds[column] in (*fit.get(role, ("text", "number")), "empty") \
                    and _words_known(role, frame[column]):
                roles[role] = [column]
                break
    if "start" in roles and kinds[roles["start"][0]] == "date":
        taken = {h for hs in roles.values() for h in hs}
        clock = [c for c in frame.columns if kinds[c] == "clock" and c not in taken and TIME_OF_DAY & set(fold(c).split())]
        roles["start"] += clock[:1]
    return roles


def _words_known(role: str, values: pd.Series) -> bool:
    """Side, activity and trigger columns only where every label is known (else rows are refused)."""
    vocabulary = {"activity": ACTIVITY_ALIASES, "trigger": TRIGGER_ALIASES}.get(role)
    labels = normalise_label(cells.cell_text(values).dropna())
    if role == "side":
        return bool(canonical_side(labels).notna().all())
    return vocabulary is None or bool(labels.isin(list(vocabulary)).all())


def format_of(sample: pd.Series) -> str | None:
    """The strftime pattern all cells are written in ("" for ISO 8601), or None."""
    iso = sample.astype("string").str.match(cells.ISO_TIME).all()
    return "" if iso else fits(sample, FORMATS)


def fits(sample: pd.Series, formats: tuple[str, ...]) -> str | None:
    """The first of ``formats`` that reads the first 50 cells, or None."""
    values = [str(v) for v in sample.head(50)]
    for fmt in formats:
        try:
            for v in values:
                dt.datetime.strptime(v, fmt)
        except ValueError:
            continue
        return fmt
    return None


def time_format(frame, starts, kinds) -> tuple[str | None, bool]:
    """The strftime pattern of the start column(s) (None: ISO 8601), and whether they carry offsets."""
    if not starts or kinds[starts[0]] != "datetime" and kinds[starts[0]] != "date":
        return None, False
    sample = cells.cell_text(frame[starts[0]]).dropna()
    if kinds[starts[0]] == "datetime" and not pd.api.types.is_string_dtype(sample.dtype):
        return None, False
    fmt = format_of(sample)
    if len(starts) > 1:
        fmt = f"{fmt or '%Y-%m-%d'} {fits(cells.cell_text(frame[starts[1]]).dropna(), CLOCKS)}"
    if fmt == "":
        offsets = sample.str.extract(cells.ISO_TIME)["offset"].notna().all()
        return None, bool(offsets)
    return fmt, "%z" in fmt


def wide_columns(frame, kinds, roles) -> dict[str, tuple[str, str | None]]:
    """Columns of numbers named after a region (``quads_min``, ``Wade links``): header -> (region, side)."""
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

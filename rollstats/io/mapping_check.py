"""Checks of a mapping file's keys and values; each failure names the key (:class:`MappingError`)."""
from __future__ import annotations

import datetime as dt
import difflib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import RollstatsError
from ..regions import ALIASES, canonical_side, normalise_label
from . import apple, loop, safezip


class MappingError(RollstatsError, ValueError):
    """A mapping file names an unknown key or gives a value that cannot be used."""


@dataclass(frozen=True)
class WideColumn:
    """One region column of a wide export: its header, region (or alias) and side (or None)."""

    header: str
    region: str
    side: str | None = None


def known_keys(table: dict, allowed: tuple[str, ...], where: str, what: str) -> None:
    """Refuse a key not in ``allowed``, suggesting the closest one.

    >>> known_keys({"zone": 1}, ("zone",), "m.toml", "key in [time]")
    >>> known_keys({"zon": 1}, ("zone",), "m.toml", "key in [time]")
    Traceback (most recent call last):
    rollstats.io.mapping_check.MappingError: m.toml: unknown key in [time] 'zon' (did you mean 'zone'?)
    """
    for key in table:
        if key not in allowed:
            near = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {near[0]!r}?" if near else "known: " + ", ".join(allowed)
            raise MappingError(f"{where}: unknown {what} {key!r} ({hint})")


def choice(table: dict, key: str, default, where: str, section: str, allowed: tuple | None = None):
    """``table[key]`` (text, one of ``allowed`` when given), or ``default`` when absent."""
    value = table.get(key, default)
    if value is default:
        return value
    if not isinstance(value, str) or (allowed is not None and value not in allowed):
        wanted = "one of " + ", ".join(map(repr, allowed)) if allowed else "text"
        raise MappingError(f"{where}: [{section}] {key} = {value!r} must be {wanted}")
    return value


def column_names(native: str, value, where: str) -> tuple[str, ...]:
    """The export's column(s) for a native column: one name, or a list for ``start``/``end``."""
    several = native in ("start", "end")
    if isinstance(value, str) and value.strip():
        return (value,)
    if several and isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(value)
    wanted = "a column name or a list of them (joined with a space)" if several else "a column name"
    raise MappingError(f"{where}: [columns] {native} must be {wanted}, not {value!r}")


def constant(native: str, value, where: str) -> str:
    """A ``[constants]`` value as text (``true``/``false`` for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise MappingError(f"{where}: [constants] {native} must be text or a number, not {value!r}")


def region_value(key: str, value, where: str) -> str:
    """A region label of the mapping: a canonical region, an alias, or ``thigh``."""
    if not isinstance(value, str) or normalise_label(pd.Series([value]))[0] not in (*ALIASES, "thigh"):
        raise MappingError(f"{where}: {key} = {value!r} is not a region or a known alias "
                           "(e.g. thigh_front, quads, calf, hip, thigh, other)")
    return value


def wide_columns(table, where: str) -> tuple[WideColumn, ...]:
    """The ``[wide.columns]`` table, in its order: header = region or {region, side}."""
    if not isinstance(table, dict):
        raise MappingError(f"{where}: [wide.columns] must be a table: column = \"region\"")
    out = []
    for header, spec in table.items():
        spec = {"region": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, dict):
            raise MappingError(f"{where}: [wide.columns] {header!r} must be a region or {{region = ..., side = ...}}")
        known_keys(spec, ("region", "side"), where, f"key in [wide.columns] {header!r}")
        label = region_value(f"[wide.columns] {header!r}", spec.get("region"), where)
        side = spec.get("side")
        if side is not None and (not isinstance(side, str) or pd.isna(canonical_side(pd.Series([side]))[0])):
            raise MappingError(f"{where}: [wide.columns] {header!r} side = {side!r} must be left, right or both")
        out.append(WideColumn(str(header), label, canonical_side(pd.Series([side]))[0] if side else None))
    return tuple(out)


def check_format(fmt, where: str) -> None:
    """Refuse a time format that does not read back what it writes (``%Q``, no ``%`` at all)."""
    sample = dt.datetime(2024, 3, 3, 21, 30, 15, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    try:
        ok = isinstance(fmt, str) and "%" in fmt and dt.datetime.strptime(sample.strftime(fmt), fmt) is not None
    except ValueError:
        ok = False
    if not ok:
        raise MappingError(f"{where}: [time] format {fmt!r} is not a strftime pattern such as "
                           "\"%d.%m.%Y %H:%M\"")


def refuse_app_export(path) -> None:
    """A :class:`MappingError` when ``path`` is an export that rollstats reads with a reader of its
    own, which no mapping file applies to: a Loop Habit Tracker export (its zip, or the folder it
    unpacks to) or an Apple Health export (``export.xml``, or its zip). Other paths pass.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "Loop Habits CSV"
    >>> folder.mkdir(); _ = (folder / "Habits.csv").write_text("Position,Name\\n001,Foam rolling\\n")
    >>> refuse_app_export(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    rollstats.io.mapping_check.MappingError: .../Loop Habits CSV: an unpacked Loop Habit Tracker export: ...
    >>> refuse_app_export(folder / "Habits.csv")   # one CSV file of it: a mapping may read that
    """
    path = Path(path)
    what, app = None, "Loop's"
    if loop.is_export_folder(path):
        what = "an unpacked Loop Habit Tracker export"
    elif path.suffix.lower() == ".xml":
        what, app = "an XML file such as Apple Health's export.xml", "Apple Health's"
    elif path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        names = safezip.check(path)
        if loop.habits_member(names) is not None:
            what = "a Loop Habit Tracker export (Habits.csv inside)"
        elif apple.zip_member(names) is not None:
            what, app = "an Apple Health export (export.xml inside)", "Apple Health's"
    if what is not None:
        raise MappingError(f"{path}: {what}: a mapping file (--mapping) is for an app's CSV, XLSX or "
                           f"JSON export and does not apply to it; read it without the mapping: rollstats "
                           f"reads {app} exports itself")

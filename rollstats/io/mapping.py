"""The mapping file: how to read any app's CSV, XLSX or JSON export as native columns.

A small TOML file says which of the export's columns is which native column, in which units
and time format, what its region labels mean, and, for a *wide* export (one column per region,
``quads_min, calves_min``), which column is which region. ``docs/mapping-example.toml`` shows
every key. A wrong key or value is a :class:`MappingError` naming it.

Wide exports: each cell that holds something other than zero (or nothing) is one record, a
segment of that region. The segments of one row are placed one after another from the row's
time, in the order the ``[wide.columns]`` table lists them (``placement = "sequential"``), so
that two cells of one row never share a start. ``rows_read`` counts these records; a row
without any is passed over and counted (``wide rows without time in a region column``).
Every record keeps the file row it came from as ``source_row``.
"""
from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError
from ..program import Program
from ..regions import ALIASES, normalise_label
from ..times import known_zone
from . import cells, jsonfile, parquetfile, text, xlsxfile
from .base import NATIVE_COLUMNS, Canonical
from .mapping_check import (MappingError, WideColumn, check_format, choice, column_names, constant,
                            known_keys, refuse_app_export, region_value, wide_columns)
from .mapping_records import Mapped


_SECTIONS: dict[str, tuple[str, ...] | None] = {
    "file": ("encoding", "delimiter", "decimal", "sheet"),
    "columns": NATIVE_COLUMNS,
    "units": ("duration", "hold"),
    "time": ("format", "zone", "date_only_at"),
    "constants": NATIVE_COLUMNS,
    "regions": None,  # any label of the export
    "wide": ("unit", "placement", "columns"),
}
_NUMBERS = ("clock", "hold_count", "pain_before", "pain_after")
PLACEMENTS: tuple[str, ...] = ("sequential", "same_start")
#: Report key for wide rows that gave no record.
WIDE_EMPTY = "wide rows without time in a region column"
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "\t": "\t", ",": ",", ";": ";", "|": "|"}


@dataclass(frozen=True)
class Mapping:
    """A checked mapping file. Build it with :meth:`from_toml`; see the module docstring."""

    columns: dict[str, tuple[str, ...]]
    constants: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)  #: normalised export label -> region
    duration_unit: str = "s"
    hold_unit: str = "s"
    time_format: str | None = None
    zone: str | None = None
    date_only_at: str = "12:00"
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    sheet: int | str = 0
    wide: tuple[WideColumn, ...] = ()
    wide_unit: str = "s"
    placement: str = "sequential"

    @classmethod
    def from_toml(cls, path: str | Path) -> "Mapping":
        """Read and check a mapping file.

        >>> import tempfile, os
        >>> f = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False)
        >>> _ = f.write('[columns]\\nsubject_id = "User"\\nstart = "Date"\\nduration_s = "Minutes"\\n'
        ...             '[units]\\nduration = "min"\\n'); f.close()
        >>> Mapping.from_toml(f.name).duration_unit
        'min'
        >>> os.remove(f.name)
        """
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
        except tomllib.TOMLDecodeError as exc:
            raise MappingError(f"{path}: not a valid TOML file ({exc})") from None
        except UnicodeDecodeError:
            raise MappingError(f"{path}: a mapping file must be UTF-8 text") from None
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: dict, where: str = "mapping") -> "Mapping":
        """Check the parsed TOML ``data``; errors name ``where`` and the key.

        >>> Mapping.from_dict({"columns": {"start": "When", "duration_s": "Secs"},
        ...                    "constants": {"subject_id": "me"}}).constants
        {'subject_id': 'me'}
        >>> Mapping.from_dict({"columns": {"strat": "When"}})
        Traceback (most recent call last):
        rollstats.io.mapping_check.MappingError: mapping: unknown key in [columns] 'strat' (did you mean 'start'?)
        """
        known_keys(data, tuple(_SECTIONS), where, "section")
        sec = {}
        for name, allowed in _SECTIONS.items():
            table = data.get(name, {})
            if not isinstance(table, dict):
                raise MappingError(f"{where}: [{name}] must be a table of keys")
            if allowed is not None:
                known_keys(table, allowed, where, f"key in [{name}]")
            sec[name] = table
        f, units, time, wide = sec["file"], sec["units"], sec["time"], sec["wide"]
        columns = {k: column_names(k, v, where) for k, v in sec["columns"].items()}
        constants = {k: constant(k, v, where) for k, v in sec["constants"].items()}
        both = sorted(set(columns) & set(constants))
        if both:
            raise MappingError(f"{where}: {both[0]!r} is in [columns] and in [constants]: keep one")
        regions = {normalise_label(pd.Series([str(k)]))[0]: region_value(f"[regions] {k!r}", v, where)
                   for k, v in sec["regions"].items()}
        fmt = time.get("format")
        if fmt is not None:
            check_format(fmt, where)
        zone = choice(time, "zone", None, where, "time")
        if zone is not None and not known_zone(zone):
            raise MappingError(f"{where}: [time] zone {zone!r} is not an IANA time zone (e.g. Europe/Berlin)")
        at = choice(time, "date_only_at", "12:00", where, "time")
        if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", at):
            raise MappingError(f"{where}: [time] date_only_at {at!r} must be a time HH:MM")
        encoding = choice(f, "encoding", None, where, "file")
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise MappingError(f"{where}: [file] encoding {encoding!r} is not a known encoding") from None
        delimiter = choice(f, "delimiter", None, where, "file", tuple(_DELIMITER_NAMES))
        sheet = f.get("sheet", 0)
        if not isinstance(sheet, (int, str)) or isinstance(sheet, bool) or (isinstance(sheet, int) and sheet < 0):
            raise MappingError(f"{where}: [file] sheet must be a sheet name or a 0-based number")
        duration_unit = choice(units, "duration", "s", where, "units", cells.DURATION_UNITS)
        mapping = cls(
            columns=columns, constants=constants, regions=regions, duration_unit=duration_unit,
            hold_unit=choice(units, "hold", "s", where, "units", cells.DURATION_UNITS),
            time_format=fmt, zone=zone, date_only_at=at, encoding=encoding,
            delimiter=_DELIMITER_NAMES[delimiter] if delimiter else None,
            decimal=choice(f, "decimal", None, where, "file", (".", ",")), sheet=sheet,
            wide=wide_columns(wide.get("columns", {}), where),
            wide_unit=choice(wide, "unit", duration_unit, where, "wide", cells.DURATION_UNITS),
            placement=choice(wide, "placement", "sequential", where, "wide", PLACEMENTS))
        mapping._check_complete(where)
        return mapping

    def _check_complete(self, where: str) -> None:
        given = set(self.columns) | set(self.constants)
        if "start" not in self.columns:
            raise MappingError(f"{where}: [columns] start is missing: name the column with the start time")
        if "subject_id" not in given:
            raise MappingError(f"{where}: no subject: name a column in [columns] subject_id, or give "
                               "[constants] subject_id = \"...\" for a one-person export")
        if self.wide:
            clash = sorted(given & {"region", "duration_s", "end"})
            if clash:
                raise MappingError(f"{where}: [columns] {clash[0]} cannot go with [wide.columns]: "
                                   "a wide export's region and duration come from its region columns")
            if self.placement == "same_start":
                keys = [(ALIASES.get(normalise_label(pd.Series([w.region]))[0], "other"), w.side) for w in self.wide]
                for i, key in enumerate(keys):
                    if key in keys[:i]:
                        raise MappingError(
                            f"{where}: [wide.columns] {self.wide[keys.index(key)].header!r} and "
                            f"{self.wide[i].header!r} give the same region and side: with placement "
                            "\"same_start\" equal cells would be taken for duplicates; use \"sequential\"")
        elif not given & {"duration_s", "end", "checkin"}:
            raise MappingError(f"{where}: no length: name a duration_s or end column in [columns], "
                               "or region columns in [wide.columns]")

    def read(self, path: str | Path) -> tuple[pd.DataFrame, np.ndarray, str]:
        """The export's own cells, each row's 1-based ``source_row``, and its decimal mark
        (``[file]`` settings first, else sniffed). CSV and other text by :mod:`.text`; XLSX,
        JSON and Parquet by their native readers; a Loop or Apple Health export is refused."""
        path = Path(path)
        refuse_app_export(path)
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".json", ".jsonl", ".ndjson", ".parquet", ".pq"):
            if suffix == ".xlsx":
                raw = xlsxfile.read(path, sheet=self.sheet)
            else:
                raw = (parquetfile if suffix in (".parquet", ".pq") else jsonfile).read(path)
            frame = raw.frame
            rows = (np.arange(1, len(frame) + 1) if raw.source_row is None
                    else np.asarray(raw.source_row, dtype="int64"))
            decimal = self.decimal or text.sniff_decimal(frame.select_dtypes(exclude="number"), ";")
            return frame, rows, decimal
        dialect = text.sniff(path, self.encoding, self.delimiter)
        frame, dialect = text.read_table(path, dialect)
        return frame, np.arange(1, len(frame) + 1), self.decimal or dialect.decimal

    def apply(self, frame: pd.DataFrame, source_row: np.ndarray, decimal: str = ".",
              source: str = "export") -> "Mapped":
        """The native frame of ``frame`` (one row per record), with where each record came from.

        Durations become seconds, times ISO 8601 text; a cell that cannot be read keeps its
        text for :func:`~rollstats.io.base.canonicalise` to refuse.

        >>> m = Mapping.from_dict({"columns": {"subject_id": "u", "start": "t", "duration_s": "min"},
        ...                        "units": {"duration": "min"}, "time": {"format": "%d.%m.%Y %H:%M"}})
        >>> raw = m.apply(pd.DataFrame({"u": ["a"], "t": ["03.03.2024 21:30"], "min": ["2,5"]}),
        ...               np.array([1]), decimal=",").raw
        >>> raw.iloc[0].tolist()
        ['a', '2024-03-03T21:30:00.000000', 150.0]
        """
        frame = frame.reset_index(drop=True)
        found = {str(c): c for c in frame.columns}
        folded = {str(c).strip().casefold(): c for c in frame.columns}

        def column(header: str) -> pd.Series:
            key = found.get(header, folded.get(header.strip().casefold()))
            if key is None:
                shown = ", ".join(map(str, frame.columns)) or "none"
                raise IngestError(f"{source}: no column {header!r}, which the mapping names "
                                  f"(columns found: {shown})")
            values = frame[key]
            # a header written twice: the first of them, as the file's reader would show it
            return values.iloc[:, 0] if isinstance(values, pd.DataFrame) else values

        def joined(headers: tuple[str, ...]) -> pd.Series:
            if len(headers) == 1:
                return column(headers[0])
            parts = [cells.cell_text(column(h).astype("string")) for h in headers]
            return parts[0].str.cat(parts[1:], sep=" ")

        out = pd.DataFrame(index=frame.index)
        times: dict[str, pd.DataFrame] = {}
        for native, headers in self.columns.items():
            values = joined(headers)
            if native in ("start", "end"):
                times[native] = cells.read_times(values, self.time_format, self.date_only_at)
                out[native] = cells.iso_times(times[native])
            elif native in ("duration_s", "hold_s"):
                unit = self.duration_unit if native == "duration_s" else self.hold_unit
                out[native] = _kept(*cells.to_seconds(values, unit, decimal))
            elif native in _NUMBERS:
                out[native] = _kept(*cells.to_number(values, decimal))
            else:
                out[native] = values
        for native, value in self.constants.items():
            out[native] = value
        labels = pd.Series(pd.NA, index=frame.index, dtype="string")
        if "region" in out:
            labels = cells.cell_text(out["region"])
            out["region"] = normalise_label(labels).map(self.regions).astype("string").fillna(labels)
        where = {n: " + ".join(h) for n, h in self.columns.items()}
        rows = np.asarray(source_row, dtype="int64")
        if not self.wide:
            return Mapped(out, rows, labels, pd.Series(pd.NA, index=out.index, dtype="string"), where)
        return self._spread(frame, out, times["start"], rows, decimal, column, where)

    def _spread(self, frame, out, start, rows, decimal, column, where) -> "Mapped":
        """One record per non-zero region cell of a wide export, placed as the mapping says."""
        pieces = []
        for order, wide in enumerate(self.wide):
            seconds, cell = cells.to_seconds(column(wide.header), self.wide_unit, decimal)
            record = cell.notna() & (seconds != 0).fillna(True)
            pieces.append(pd.DataFrame({"row": np.flatnonzero(record), "order": order,
                                        "seconds": seconds[record].to_numpy(),
                                        "cell": cell[record].to_numpy()}))
        long = pd.concat(pieces, ignore_index=True).sort_values(["row", "order"], kind="stable")
        long = long.reset_index(drop=True)
        step = long["seconds"].clip(lower=0).fillna(0)
        after = step.groupby(long["row"]).cumsum() - step if self.placement == "sequential" else 0.0
        spread = out.iloc[long["row"]].reset_index(drop=True)
        spread["start"] = cells.iso_times(start.iloc[long["row"]].reset_index(drop=True), after)
        spread["duration_s"] = _kept(long["seconds"], long["cell"].astype("string"))
        spec = pd.DataFrame([(w.header, w.region, w.side) for w in self.wide], columns=["h", "r", "s"])
        chosen = spec.iloc[long["order"]].reset_index(drop=True)
        spread["region"] = chosen["r"].astype("string")
        side = chosen["s"].astype("string")
        spread["side"] = side.fillna(spread["side"]) if "side" in spread else side
        passed = {WIDE_EMPTY: len(frame) - long["row"].nunique()}
        return Mapped(spread, rows[long["row"].to_numpy()], chosen["h"].astype("string"),
                      chosen["h"].astype("string"), where, {k: v for k, v in passed.items() if v})

    def canonical(self, path: str | Path, program: Program | None = None,
                  tz: str | None = None) -> tuple[Canonical, dict[str, int]]:
        """Read one export through the mapping: canonical segments and rejects, and what was
        passed over. ``tz`` (the command line's ``--tz``) wins over ``[time] zone``.
        ``rollstats.load(path, mapping=...)`` calls this for each file.
        """
        frame, rows, decimal = self.read(path)
        mapped = self.apply(frame, rows, decimal, source=str(path))
        return mapped.canonical(str(path), program or Program.default(), tz or self.zone,
                                self.time_format), mapped.passed_over


def load_mapping(mapping: "str | Path | Mapping") -> Mapping:
    """A :class:`Mapping` from a TOML path (or the mapping itself, unchanged).

    >>> m = Mapping.from_dict({"columns": {"subject_id": "u", "start": "t", "end": "e"}})
    >>> load_mapping(m) is m
    True
    """
    return mapping if isinstance(mapping, Mapping) else Mapping.from_toml(mapping)


def _kept(number: pd.Series, cell: pd.Series) -> pd.Series:
    """Numbers where read; elsewhere the cell's text, for the reader to refuse with its value."""
    return number.astype(object).where(number.notna(), cell.astype(object))

"""Tables to text for people and programs: JSON records, CSV safe for spreadsheets, tables.

No figures are computed here; this is the last step before a file or a terminal.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

#: A text cell starting with one of these is read as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain(table: pd.DataFrame) -> pd.DataFrame:
    """Dates as ``YYYY-MM-DD`` (midnights) or ISO instants, missing values as None.

    >>> t = pd.DataFrame({"night": pd.to_datetime(["2026-03-03", None]), "x": [1.5, np.nan]})
    >>> plain(t).to_dict(orient="records")
    [{'night': '2026-03-03', 'x': 1.5}, {'night': None, 'x': None}]
    """
    out = pd.DataFrame(index=table.index)
    for name, col in table.items():
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            midnight = col.dropna()
            if isinstance(col.dtype, pd.DatetimeTZDtype) or (midnight != midnight.dt.normalize()).any():
                text = col.dt.strftime("%Y-%m-%dT%H:%M:%S%z") if isinstance(col.dtype, pd.DatetimeTZDtype) \
                    else col.dt.strftime("%Y-%m-%dT%H:%M:%S")
            else:
                text = col.dt.strftime("%Y-%m-%d")
            out[name] = text.astype(object).where(col.notna(), None)
        elif isinstance(col.dtype, pd.CategoricalDtype):
            out[name] = col.astype(object).where(col.notna(), None)
        else:
            values = col.astype(object)
            out[name] = values.where(col.notna(), None)
    return out


def to_json(table: pd.DataFrame) -> str:
    """A JSON list of objects, one per row (dates as text, NA as null, flags as true/false/null).

    >>> to_json(pd.DataFrame({"a": pd.array([True, pd.NA], dtype="boolean")}))
    '[{"a": true}, {"a": null}]'
    """
    return json.dumps(plain(table).to_dict(orient="records"), default=_scalar)


def _scalar(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return str(value)


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with ``'``.

    Only text cells are touched: numbers, negative ones included, stay numbers, also in
    columns of mixed type.

    >>> t = pd.DataFrame({"n": ["=HYPERLINK(1)", "ok"], "v": [-1, 2], "m": pd.Series([-0.5, "-x"], dtype=object)})
    >>> neutralise_formulas(t).to_dict("list")
    {'n': ["'=HYPERLINK(1)", 'ok'], 'v': [-1, 2], 'm': [-0.5, "'-x"]}
    """
    out = table.copy()
    for name, col in out.items():
        if col.dtype == object:
            is_text = col.map(lambda v: isinstance(v, str)).astype(bool)
            text = col.where(is_text, "").astype("string")
            risky = is_text & text.str.startswith(_FORMULA_STARTS).fillna(False).astype(bool)
            if risky.any():
                out[name] = col.mask(risky, "'" + text)
        elif pd.api.types.is_string_dtype(col.dtype):
            text = col.astype("string")
            risky = text.str.startswith(_FORMULA_STARTS).fillna(False).astype(bool)
            if risky.any():
                out[name] = text.mask(risky, "'" + text)
    return out


def to_csv(table: pd.DataFrame, path: str | Path | None = None) -> str | None:
    """CSV for people: dates as text, formulas neutralised. Returns the text when ``path`` is None."""
    safe = neutralise_formulas(plain(table))
    return safe.to_csv(path, index=False) if path is not None else safe.to_csv(index=False)


def to_xlsx(table: pd.DataFrame, path: str | Path, sheet: str = "rollstats") -> None:
    """An XLSX workbook for people: dates as text, formulas neutralised as in :func:`to_csv`, and
    control characters that XLSX cannot hold replaced by U+FFFD.

    >>> import tempfile, os, openpyxl
    >>> path = os.path.join(tempfile.mkdtemp(), "out.xlsx")
    >>> to_xlsx(pd.DataFrame({"notes": ["=1+1", "ok\\x01"], "s": [-60.0, 90.0]}), path)
    >>> [[c.value for c in row] for row in openpyxl.load_workbook(path).active.iter_rows(min_row=2)]
    [["'=1+1", -60], ['ok\\ufffd', 90]]
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    safe = neutralise_formulas(plain(table))
    for name, col in safe.items():
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            is_text = col.map(lambda v: isinstance(v, str)).astype(bool)
            if is_text.any():
                safe[name] = col.mask(is_text, col[is_text].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)))
    safe.to_excel(path, index=False, sheet_name=sheet, engine="openpyxl")

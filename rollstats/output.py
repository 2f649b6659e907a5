"""Tables to text for people and programs: JSON records, CSV safe for spreadsheets, tables.

No figures are computed here; this is the last step before a file or a terminal.
"""
from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

#: Where a ``'`` goes: before a first character that makes spreadsheets read a formula (``=``
#: ``+`` ``-`` ``@`` tab, or CR), and before one of the first five opening a line inside the
#: cell (a reader that splits the row at a line break sees a new cell there).
_RISKY_AT = re.compile(r"^(?=[=+\-@\t\r])|(?<=[\r\n])(?=[=+\-@\t])")
#: The same places, found without look-arounds (pyarrow's regex engine has none).
_RISKY_FIND = r"^[=+\-@\t\r]|[\r\n][=+\-@\t]"
#: Rows rendered at a time when a CSV goes to a file (bounds the text held in memory).
_CSV_ROWS = 100_000
#: Characters shown escaped on a terminal: C0 and C1 controls, DEL, line and paragraph
#: separators, and the marks that reorder text (bidirectional overrides and isolates).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


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
    """Prefix text that a spreadsheet would run as a formula with ``'``, line by line.

    A ``'`` goes before a cell's first character when that is ``=`` ``+`` ``-`` ``@`` tab or CR,
    and after every line break inside a cell that is followed by ``=`` ``+`` ``-`` ``@`` or tab:
    a reader that splits a row at a line break finds no formula at the start of the new line
    either. Only text cells are touched: numbers, negative ones included, stay numbers, also
    in columns of mixed type. Column names are text too, and treated the same.

    >>> t = pd.DataFrame({"n": ["=HYPERLINK(1)", "ok\\r=1+1"], "v": [-1, 2],
    ...                   "m": pd.Series([-0.5, "-x"], dtype=object)})
    >>> neutralise_formulas(t).to_dict("list")
    {'n': ["'=HYPERLINK(1)", "ok\\r'=1+1"], 'v': [-1, 2], 'm': [-0.5, "'-x"]}
    """
    out = table.copy()
    for name, col in out.items():
        is_text, text = _text_cells(col)
        if is_text is None:
            continue
        risky = is_text & text.str.contains(_RISKY_FIND, regex=True).fillna(False).astype(bool)
        if risky.any():
            out[name] = _replaced(col, risky, text[risky].map(lambda v: _RISKY_AT.sub("'", v)))
    out.columns = [_RISKY_AT.sub("'", c) if isinstance(c, str) else c for c in out.columns]
    return out


def _replaced(col: pd.Series, where: pd.Series, new: pd.Series) -> pd.Series:
    """``col`` as objects with the cells ``where`` replaced by ``new`` (the others untouched)."""
    values = col.astype(object).copy()
    values[where.to_numpy()] = new.to_numpy(dtype=object)
    return values


def _text_cells(col: pd.Series) -> tuple[pd.Series | None, pd.Series | None]:
    """Which cells of ``col`` hold text, and the column as text ("" elsewhere); (None, None)
    for a column that cannot hold text."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype(object)
    if col.dtype == object:
        is_text = col.map(lambda v: isinstance(v, str)).astype(bool)
        return is_text, col.where(is_text, "").astype("string")
    if pd.api.types.is_string_dtype(col.dtype):
        return col.notna().astype(bool), col.astype("string").fillna("")
    return None, None


def write_csv(table: pd.DataFrame, path: str | Path | None = None, float_format: str | None = None) -> str | None:
    """The CSV writer of every CSV rollstats writes: formulas neutralised line by line
    (:func:`neutralise_formulas`), every field holding a CR or LF quoted, ``\\n`` after each
    record, UTF-8. Cells are written as they are (see :func:`to_csv` for dates and NA);
    ``float_format`` as in pandas (e.g. ``"%g"``). Returns the text when ``path`` is None, else
    writes ``path`` (in blocks of rows) and returns None.

    >>> print(write_csv(pd.DataFrame({"note": ["ok\\r=1+1", "x"], "s": [60, 90]})).replace("\\r", "<CR>"))
    note,s
    "ok<CR>'=1+1",60
    x,90
    <BLANKLINE>
    """
    if path is None:
        return _render(neutralise_formulas(table), True, float_format)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for first in range(0, max(len(table), 1), _CSV_ROWS):
            block = table.iloc[first: first + _CSV_ROWS]
            handle.write(_render(neutralise_formulas(block), first == 0, float_format))
    return None


def _render(table: pd.DataFrame, header: bool, float_format: str | None) -> str:
    """pandas' CSV text of ``table``, with CR and LF inside a field always quoted.

    Python's csv writer quotes a field holding a character of the record terminator only; so
    where some field holds a CR, the block is written with ``\\r\\n`` between records (which
    quotes CR and LF alike) and each record end outside quotes becomes ``\\n`` again.
    """
    text = table.to_csv(index=False, header=header, lineterminator="\n", float_format=float_format)
    if "\r" not in text:
        return text
    text = table.to_csv(index=False, header=header, lineterminator="\r\n", float_format=float_format)
    parts = text.split("\r\n")
    out, inside = [parts[0]], parts[0].count('"') % 2 == 1
    for part in parts[1:]:
        # every '"' the writer puts out is part of a pair, so an odd count so far means "in a field"
        out.append(("\r\n" if inside else "\n") + part)
        inside ^= part.count('"') % 2 == 1
    return "".join(out)


def to_csv(table: pd.DataFrame, path: str | Path | None = None) -> str | None:
    """CSV for people: dates as text, NA as an empty cell, written by :func:`write_csv`.
    Returns the text when ``path`` is None.

    >>> to_csv(pd.DataFrame({"night": pd.to_datetime(["2026-03-03"]), "who": ["@x"]}))
    "night,who\\n2026-03-03,'@x\\n"
    """
    return write_csv(plain(table), path)


def terminal_text(text: str, keep_newlines: bool = False) -> str:
    """``text`` fit for a terminal: control characters shown escaped (``\\x1b``, ``\\n``,
    ``\\u202e``), so that data cannot move the cursor, clear the screen, set a link or reorder
    what is shown. ``keep_newlines`` leaves line feeds as they are (text of several lines).

    >>> print(terminal_text("S1\\x1b[2J\\tx\\u202e"))
    S1\\x1b[2J\\tx\\u202e
    """
    def shown(match: re.Match) -> str:
        char = match.group()
        if keep_newlines and char == "\n":
            return char
        return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")

    return _CONTROL.sub(shown, text)


def terminal_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells and column names pass through :func:`terminal_text`.

    >>> terminal_safe(pd.DataFrame({"id\\x07": ["\\x1b]8;;http://x\\x07a", "ok"], "n": [1, 2]})).to_dict("list")
    {'id\\\\x07': ['\\\\x1b]8;;http://x\\\\x07a', 'ok'], 'n': [1, 2]}
    """
    out = table.copy()
    for name, col in out.items():
        is_text, text = _text_cells(col)
        if is_text is None:
            continue
        risky = is_text & text.str.contains(_CONTROL.pattern, regex=True).fillna(False).astype(bool)
        if risky.any():
            out[name] = _replaced(col, risky, text[risky].map(terminal_text))
    out.columns = [terminal_text(str(c)) for c in out.columns]
    return out


#: How an empty cell reads in tables for people (the footnotes say so).
EMPTY = "\u2014"


def plural(count: int, one: str, many: str | None = None) -> str:
    """``count`` and the noun in the right number: ``one`` for 1, else ``many`` (default ``one + "s"``).

    >>> plural(1, "compliant night"), plural(0, "row"), plural(2, "sky", "skies")
    ('1 compliant night', '0 rows', '2 skies')
    """
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def text_table(table: pd.DataFrame, width: int | None = 100, wrap: str | None = None, gap: int = 2) -> str:
    """A table of text for a terminal: numbers right-aligned, text left-aligned, empty cells as
    ``\u2014``; when the lines would pass ``width`` characters, the cells of column ``wrap``
    (sentences) are wrapped to the room left, their further lines under the first.

    ``width`` is in characters (None: no limit); ``gap`` the spaces between columns.

    >>> t = pd.DataFrame({"Subject": ["A", "B"], "Nights": [3, 12], "Note": ["short", None]})
    >>> print(text_table(t))
    Subject  Nights  Note
    A             3  short
    B            12  —
    >>> print(text_table(pd.DataFrame({"n": [1], "say": ["one two three four"]}), width=12, wrap="say"))
    n  say
    1  one two
       three four
    """
    right = [pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)
             for _, col in table.items()]
    cells = [[EMPTY if _missing(v) else str(v) for v in table[name].tolist()] for name in table.columns]
    heads = [str(c) for c in table.columns]
    widths = [max([len(h), *map(len, col)]) for h, col in zip(heads, cells)]
    where = list(table.columns).index(wrap) if wrap in table.columns else None
    if width is not None and where is not None and sum(widths) + gap * (len(widths) - 1) > width:
        room = width - (sum(widths) - widths[where]) - gap * (len(widths) - 1)
        widths[where] = max(room, 10, len(heads[where]))  # at least a word or two a line
    wrapped = [[textwrap.wrap(text, widths[where], break_long_words=False) or [text]
                if i == where else [text] for text in col] for i, col in enumerate(cells)]

    def line(parts: list[str]) -> str:
        shown = [(p.rjust(w) if r else p.ljust(w)) for p, w, r in zip(parts, widths, right)]
        return (" " * gap).join(shown).rstrip()

    lines = [line(heads)]
    for row in range(len(table)):
        pieces = [col[row] for col in wrapped]
        for depth in range(max(len(p) for p in pieces)):
            lines.append(line([p[depth] if depth < len(p) else "" for p in pieces]))
    return "\n".join(lines)


def terminal_width(most: int = 100) -> int:
    """The width tables are fitted to: the terminal's (``COLUMNS`` first), at most ``most`` and at
    least 60 characters; ``most`` when there is no terminal (a pipe, a file).

    >>> 60 <= terminal_width() <= 100
    True
    """
    return max(60, min(most, shutil.get_terminal_size((most, 24)).columns))


def _missing(value) -> bool:
    """True for None, NaN, NaT and NA (not for text or numbers)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


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

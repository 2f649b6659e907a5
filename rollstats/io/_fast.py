"""Fast paths of ingest: the same results as the general code, on millions of rows.

Two tricks, each with the general code as its fallback and its reference:

- :func:`per_value` runs a cell-by-cell function once per *distinct* value of a column and
  spreads the results back: exports repeat a few labels, numbers and ids over millions of rows.
- :func:`parse_times_fast` reads ISO 8601 times of one fixed layout
  (``2026-03-03T21:30:00+01:00``, ``...Z``, or without an offset) straight from the Arrow bytes
  of the column with numpy, without a Python object per row. Any cell not in such a layout
  (spaces, fractions of a second, ``+0100``, an impossible date ...) goes through
  :func:`rollstats.times.parse_times`, which stays the definition; ``tests/test_scale.py``
  checks that both give the same result.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from ..times import parse_times

_SMALL = 4096  # below this many rows the general code is fast enough
_BLOCK = 1 << 18  # rows gathered at a time when the layouts are mixed
_NAT = np.iinfo(np.int64).min


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``pd.factorize(values)`` as (codes, uniques as a Series of ``values``' dtype); NA is -1.

    Arrow text is dictionary-encoded by Arrow in one piece (pandas encodes chunk by chunk,
    and a CSV read in blocks has hundreds of chunks).
    """
    arr = arrow_text(values) if len(values) >= _SMALL else None
    if arr is not None:
        encoded = arr.dictionary_encode()
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        uniques = pd.Series(encoded.dictionary.to_pandas(), name=values.name)
    else:
        codes, index = pd.factorize(values)
        uniques = pd.Series(index.array if isinstance(index, pd.Index) else index, name=values.name)
    if uniques.dtype != values.dtype:
        uniques = uniques.astype(values.dtype)
    return codes, uniques


def per_value(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``fn(values)``, computed once per distinct value when values repeat.

    ``fn`` must work cell by cell (the result of a cell depends on that cell alone) and return
    a Series as long as its input; NA is one of the distinct values.

    >>> per_value(pd.Series([" a", "b ", " a", None] * 2000), lambda s: s.str.strip()).iloc[:4].tolist()
    ['a', 'b', 'a', nan]
    """
    if len(values) < _SMALL:
        return fn(values)
    codes, distinct = factorize(values)  # NA -> -1
    if len(distinct) * 4 > len(values):
        return fn(values)
    distinct = distinct.reindex(pd.RangeIndex(len(distinct) + 1))  # and NA, last
    codes = np.where(codes < 0, len(distinct) - 1, codes)
    result = fn(distinct)
    return pd.Series(result.array.take(codes), index=values.index, name=result.name)


def per_pair(a: pd.Series, b: pd.Series, fn: Callable[[pd.Series, pd.Series], pd.Series]) -> pd.Series:
    """``fn(a, b)``, computed once per distinct pair of values (``fn`` works row by row).

    >>> a, b = pd.Series(["x", "y"] * 3000), pd.Series(["1", "2", "3"] * 2000)
    >>> per_pair(a, b, lambda a, b: a + b).iloc[:4].tolist()
    ['x1', 'y2', 'x3', 'y1']
    """
    if len(a) < _SMALL:
        return fn(a, b)
    def encoded(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
        codes, distinct = factorize(values)
        distinct = distinct.reindex(pd.RangeIndex(len(distinct) + 1))  # and NA, last
        return np.where(codes < 0, len(distinct) - 1, codes).astype(np.int64), distinct

    ca, ua = encoded(a)
    cb, ub = encoded(b)
    codes, pairs = pd.factorize(ca * len(ub) + cb)
    if len(pairs) * 4 > len(a):
        return fn(a, b)
    pairs = np.asarray(pairs)
    first = pd.Series(ua.array.take(pairs // len(ub)), name=a.name)
    second = pd.Series(ub.array.take(pairs % len(ub)), name=b.name)
    result = fn(first, second)
    return pd.Series(result.array.take(codes), index=a.index, name=result.name)


def read_csv_text(path, encoding: str, delimiter: str) -> pd.DataFrame | None:
    """A UTF-8 CSV's cells as text (empty cells NA), read by pyarrow's multithreaded parser.

    Gives what ``pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""],
    skip_blank_lines=True)`` gives, several times faster; None whenever the two might differ
    (another encoding, an empty or repeated header name, a row of the wrong length, any
    error): then the caller reads the file with pandas, which also words the error.
    """
    import csv

    import pyarrow.csv as pacsv

    if encoding.lower().replace("_", "-") not in ("utf-8", "utf-8-sig", "utf8"):
        return None
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            names = next(csv.reader(handle, delimiter=delimiter))
    except (StopIteration, UnicodeError, csv.Error, OSError):
        return None
    if not names or any(not n for n in names) or len(set(names)) != len(names):
        return None
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="utf8"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 null_values=[""], strings_can_be_null=True,
                                                 quoted_strings_can_be_null=True))
    except (pa.ArrowException, OSError, ValueError):
        return None
    if table.column_names != names or table.num_rows == 0:
        return None
    return table.to_pandas()


def arrow_text(values: pd.Series, keep_chunks: bool = False) -> pa.Array | pa.ChunkedArray | None:
    """The column as one Arrow (large) string array (its chunks as they are stored with
    ``keep_chunks``), or None when it is not text."""
    if not pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        return None
    try:
        arr = values.array.__arrow_array__()
    except (AttributeError, TypeError, pa.ArrowException):
        return None
    if isinstance(arr, pa.ChunkedArray) and not keep_chunks:
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return arr


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


_DIM = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _parse_block(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of ``m`` (bytes, one fixed layout per call) -> wall µs, offset minutes, ok."""
    width = m.shape[1]
    ok = np.ones(len(m), dtype=bool)

    def number(*columns: int) -> np.ndarray:
        value = np.zeros(len(m), dtype=np.int32)
        for j in columns:
            digit = m[:, j] - np.uint8(48)  # wraps around below "0": one test for both ends
            ok[:] &= digit <= 9
            value = value * 10 + digit
        return value

    def char(j: int, *allowed: bytes) -> None:
        hit = np.zeros(len(m), dtype=bool)
        for a in allowed:
            hit |= m[:, j] == ord(a)
        ok[:] &= hit

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    hour, minute, second = number(11, 12), number(14, 15), number(17, 18)
    char(4, b"-"), char(7, b"-"), char(10, b"T", b" "), char(13, b":"), char(16, b":")
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_c = np.clip(month, 1, 12)
    dim = _DIM[month_c] + ((month_c == 2) & leap)
    # years pandas can hold at any resolution; anything else goes to the general parser
    ok &= (year >= 1678) & (year <= 2261) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= dim)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    days = _days_from_civil(year, month_c, np.maximum(day, 1))
    wall = (days.astype(np.int64) * 86400 + hour * 3600 + minute * 60 + second) * 1_000_000
    offset = np.full(len(m), np.nan)
    if width == 20:
        char(19, b"Z")
        offset[:] = 0.0
    elif width == 25:
        char(19, b"+", b"-"), char(22, b":")
        sign = np.where(m[:, 19] == ord("-"), -1.0, 1.0)
        offset = (number(20, 21) * 60 + number(23, 24)) * sign
    return wall, offset, ok


def fixed_iso(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Wall clock (µs since 1970, naive), offset (minutes, NaN without one) and ``ok`` per cell.

    Reads the layouts ``YYYY-MM-DDTHH:MM:SS+HH:MM`` (or ``-HH:MM``), ``YYYY-MM-DDTHH:MM:SSZ``
    and ``YYYY-MM-DDTHH:MM:SS`` (``T`` or a space) from the Arrow bytes; ``ok`` is false for
    every other cell (and for empty ones). None when the column is not Arrow text.

    >>> wall, offset, ok = fixed_iso(pd.Series(["2024-03-03T23:50:00+01:00", "2024-03-03 23:50", None]))
    >>> str(wall[0].astype("datetime64[us]")), float(offset[0]), ok.tolist()
    ('2024-03-03T23:50:00.000000', 60.0, [True, False, False])
    """
    arr = arrow_text(values)
    if arr is None:
        return None
    n = len(arr)
    wall = np.full(n, _NAT, dtype=np.int64)
    offset = np.full(n, np.nan)
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return wall, offset, ok
    buffers = arr.buffers()
    kind = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=kind)[arr.offset: arr.offset + n + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    valid = np.ones(n, dtype=bool) if arr.null_count == 0 else arr.is_valid().to_numpy(zero_copy_only=False)
    for width in (25, 20, 19):
        rows = np.flatnonzero((lengths == width) & valid)
        if not len(rows):
            continue
        if len(rows) == n or (np.isin(lengths, (0, width)).all() and len(rows) * width == offsets[-1] - offsets[0]):
            # one layout only: the bytes are one (rows x width) matrix, no copy
            m = data[offsets[0]: offsets[-1]].reshape(len(rows), width)
            w, o, good = _parse_block(m)
            wall[rows], offset[rows], ok[rows] = w, o, good
            continue
        for lo in range(0, len(rows), _BLOCK):
            part = rows[lo: lo + _BLOCK]
            m = data[offsets[part][:, None] + np.arange(width)]
            w, o, good = _parse_block(m)
            wall[part], offset[part], ok[part] = w, o, good
    wall[~ok] = _NAT
    offset[~ok] = np.nan
    return wall, offset, ok


def parse_times_fast(values: pd.Series, zones: pd.Series | str | None = None) -> pd.DataFrame | None:
    """:func:`rollstats.times.parse_times` of a text column, fixed layouts read by :func:`fixed_iso`.

    Returns None when the column is not Arrow text or holds no cell in a fixed layout (then the
    caller uses the general parser). Times without an offset and every other cell go through
    :func:`~rollstats.times.parse_times` (zones, DST gaps and folds, reasons).

    >>> t = parse_times_fast(pd.Series(["2024-03-03T23:50:00+01:00", " 2024-03-03 23:50", ""]), "UTC")
    >>> t["local"].dt.strftime("%H:%M").tolist(), t["reason"].tolist()
    (['23:50', '23:50', nan], [<NA>, <NA>, 'missing time'])
    """
    got = fixed_iso(values)
    if got is None or not got[2].any():
        return None
    wall, offset, ok = got
    index = values.index
    n = len(values)
    with_offset = ok & ~np.isnan(offset)
    instant = np.where(with_offset, wall - np.round(np.nan_to_num(offset) * 60_000_000).astype(np.int64), _NAT)
    local = np.where(with_offset, wall, _NAT)
    reason = pd.Series(pd.NA, index=index, dtype="string")

    def zones_of(rows: np.ndarray):
        return zones[rows] if isinstance(zones, pd.Series) else zones

    def take(rows: np.ndarray, parsed: pd.DataFrame) -> None:
        instant[rows] = parsed["instant"].array.asi8 if len(parsed) else instant[rows]
        local[rows] = parsed["local"].array.asi8 if len(parsed) else local[rows]
        if parsed["reason"].notna().any():
            reason.iloc[np.flatnonzero(rows)] = parsed["reason"].to_numpy(dtype=object)

    naive = ok & ~with_offset
    if naive.any():  # the wall clock is read; the zone rules stay with parse_times
        walls = pd.Series(wall[naive].view("datetime64[us]"), index=index[naive])
        take(naive, parse_times(walls, zones_of(naive)).astype({"instant": "datetime64[us, UTC]",
                                                                "local": "datetime64[us]"}))
    rest = ~ok
    if rest.any():
        text = values[rest].astype("string").str.strip()
        text = text.mask(text == "")
        take(rest, parse_times(text, zones_of(rest)).astype({"instant": "datetime64[us, UTC]",
                                                             "local": "datetime64[us]"}))
    out = pd.DataFrame({
        "instant": pd.Series(instant.view("datetime64[us]"), index=index).dt.tz_localize("UTC"),
        "local": pd.Series(local.view("datetime64[us]"), index=index),
        "reason": reason,
    })
    assert len(out) == n
    return out


def missing_times(index: pd.Index) -> pd.DataFrame:
    """What :func:`~rollstats.times.parse_times` gives for a column of empty cells (an absent column).

    >>> t = missing_times(pd.RangeIndex(2))
    >>> t.equals(parse_times(pd.Series([pd.NA, pd.NA], dtype="string")))
    True
    """
    return pd.DataFrame({
        "instant": pd.Series(pd.NaT, index=index, dtype="datetime64[us, UTC]"),
        "local": pd.Series(pd.NaT, index=index, dtype="datetime64[us]"),
        "reason": pd.Series("missing time", index=index, dtype="string"),
    })

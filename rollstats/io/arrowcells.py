"""Cells of a raw column read with Arrow's compute kernels: text, numbers, labels.

The checking core (:mod:`rollstats.io.checks`) works on whole columns as Arrow arrays and
numpy vectors instead of pandas Series, so that a million rows cost a few compiled passes and
twelve rows cost microseconds rather than pandas' fixed overhead per operation.

Each reader here gives what the reference code of :mod:`rollstats.io.base` gives for the same
cells. Where Arrow's own rules could differ from pandas' (Unicode case folding, white space
in labels, unusual number spellings), the reference function runs on the *distinct* values
only and its answers are spread back over the rows by their dictionary codes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _fast

#: Numbers Arrow casts exactly as pandas reads them: plain decimals of at most 15 characters
#: (15 digits at most, so that every parser rounds them alike). Anything else goes to pandas.
_PLAIN_NUMBER = r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)$"


def arrow_text(values: pd.Series) -> pa.Array | None:
    """The column as one Arrow string array when it holds Arrow-backed text, else None (large
    strings of under a million cells as plain strings, which the compute kernels take faster)."""
    arr = _fast.arrow_text(values)
    if arr is not None and pa.types.is_large_string(arr.type) and len(arr) < 1 << 20:
        arr = arr.cast(pa.string())
    return arr


def text(raw: pd.DataFrame, column: str) -> pa.Array:
    """A raw column as stripped text, empty cells null (all null when the column is absent).

    The same cells as ``rollstats.io.reference._text``: a float column gives ``17`` for ``17.0``
    (exact integers only), any other column pandas' own text of each value.

    >>> text(pd.DataFrame({"a": [" x ", "", None]}, dtype="str"), "a").to_pylist()
    ['x', None, None]
    >>> text(pd.DataFrame({"a": [17.0, 0.5, float("nan")]}), "a").to_pylist()
    ['17', '0.5', None]
    """
    if column not in raw:
        return pa.nulls(len(raw), pa.string())
    if isinstance(raw, RawCells):
        arr = raw.columns[column]
        if pa.types.is_dictionary(arr.type):
            return stripped(arr.dictionary).cast(pa.large_string()).take(arr.indices)
        return stripped(arr)
    col = raw[column]
    arr = arrow_text(col)
    if arr is None:
        if pd.api.types.is_float_dtype(col.dtype):
            whole = col.notna() & (col.abs() <= 2**53) & (col == np.floor(col.fillna(0)))
            col = col.astype("string").mask(whole, col.where(whole, 0).astype("int64").astype("string"))
        arr = arrow_text(col.astype("string"))
    return stripped(arr)


def stripped(arr: pa.Array) -> pa.Array:
    """Text cells with white space stripped at both ends; empty cells null.

    >>> stripped(pa.array([" x ", " ", "y", None])).to_pylist()
    ['x', None, 'y', None]
    """
    if arr.null_count == len(arr) or _tidy(arr):
        return arr
    trimmed = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, arr.type), trimmed)


class RawCells:
    """The raw columns of one batch as Arrow arrays: text, or text the CSV reader has already
    dictionary-encoded (a column repeating a few values costs one small code per row).

    >>> raw = RawCells({"side": pa.array([" L", "l", None]).dictionary_encode()})
    >>> len(raw), "side" in raw, text(raw, "side").to_pylist()
    (3, True, ['L', 'l', None])
    """

    def __init__(self, columns: dict[str, pa.Array]):
        self.columns = columns
        self.n = len(next(iter(columns.values()))) if columns else 0

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __len__(self) -> int:
        return self.n


def text_bytes(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Offsets (int64, one more than cells), bytes and validity of a string array, no copy."""
    n = len(arr)
    buffers = arr.buffers()
    kind = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=kind)[arr.offset: arr.offset + n + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    valid = np.ones(n, dtype=bool) if arr.null_count == 0 else arr.is_valid().to_numpy(zero_copy_only=False)
    return offsets, data, valid


def _tidy(arr: pa.Array) -> bool:
    """True when no cell is empty or starts or ends with a byte that could be white space (a
    control byte, a space, or any byte of a non-ASCII character): stripping changes nothing."""
    offsets, data, valid = text_bytes(arr)
    lengths = np.diff(offsets)
    if (valid & (lengths == 0)).any():
        return False
    rows = valid.nonzero()[0] if arr.null_count else slice(None)
    first, last = data[offsets[:-1][rows]], data[offsets[1:][rows] - 1]
    return bool(((first > 0x20) & (first < 0x7f) & (last > 0x20) & (last < 0x7f)).all())


#: Bytes of plain decimals; a column of only these, each cell at most 15 bytes, is cast whole.
_DECIMAL_BYTES = np.zeros(256, dtype=bool)
_DECIMAL_BYTES[[ord(c) for c in "0123456789.-"]] = True


def _spread(arr: pa.Array, fn) -> np.ndarray:
    """``fn`` (list of distinct non-null values -> numpy array) spread over the rows; nulls get
    the last entry of ``fn``'s answer, which is computed for ``None``."""
    encoded = pc.dictionary_encode(arr)
    distinct = encoded.dictionary.to_pylist()
    answers = fn(distinct + [None])
    codes = encoded.indices.fill_null(len(distinct)).to_numpy(zero_copy_only=False)
    return answers[codes]


def numbers(cells: pa.Array) -> np.ndarray:
    """Stripped text cells as float64, NaN where empty or not a number (``pd.to_numeric``, coerced).

    >>> numbers(pa.array(["90", "1e3", "-.5", "x", None, "inf"])).tolist()
    [90.0, 1000.0, -0.5, nan, nan, inf]
    """
    n = len(cells)
    out = np.full(n, np.nan)
    if cells.null_count == n:
        return out
    offsets, data, valid = text_bytes(cells)
    if np.diff(offsets).max(initial=0) <= 15 and _DECIMAL_BYTES[data[offsets[0]: offsets[-1]]].all():
        try:  # one cast of the whole column when every cell is a plain decimal
            out = pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False)
            return np.where(valid, out, np.nan) + 0.0  # no negative zero, as in the reference
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    plain = pc.and_(pc.match_substring_regex(cells, _PLAIN_NUMBER), pc.less_equal(pc.utf8_length(cells), 15))
    plain = plain.fill_null(False)
    if pc.any(plain).as_py():
        cast = pc.cast(pc.if_else(plain, cells, pa.scalar(None, cells.type)), pa.float64())
        out = cast.to_numpy(zero_copy_only=False).astype(np.float64)
        out = np.where(plain.to_numpy(zero_copy_only=False), out, np.nan)
    rest = pc.and_(pc.invert(plain), pc.is_valid(cells)).to_numpy(zero_copy_only=False)
    if rest.any():
        odd = cells.filter(pa.array(rest))
        out[rest] = _spread(odd, lambda values: pd.to_numeric(pd.Series(values, dtype="string"), errors="coerce")
                            .astype("float64").to_numpy(na_value=np.nan))
    return out + 0.0  # no negative zero, as in the reference


def lookup(codes: np.ndarray, keys: list[str], table: dict[str, str], categories: tuple[str, ...]) -> np.ndarray:
    """Category codes (-1 where ``table`` has no entry) of each row's key.

    >>> lookup(np.array([0, 1, 0]), ["quads", "toes"], {"quads": "thigh_front"}, ("thigh_front",)).tolist()
    [0, -1, 0]
    """
    position = {c: i for i, c in enumerate(categories)}
    per_key = np.array([position.get(table.get(k, ""), -1) if k in table else -1 for k in keys] or [-1],
                       dtype=np.int64)
    return per_key[codes]


def key_is(codes: np.ndarray, keys: list[str], *wanted: str) -> np.ndarray:
    """Rows whose key is one of ``wanted``."""
    hit = np.array([k in wanted for k in keys] or [False])
    return hit[codes]


def strings(values: pa.Array, rows: np.ndarray) -> list:
    """The cells of ``rows`` as Python strings (None where null)."""
    return values.take(pa.array(rows, type=pa.int64())).to_pylist() if len(rows) else []


def float_strings(values: np.ndarray, rows: np.ndarray) -> list:
    """Numbers of ``rows`` as pandas writes them as text (``90.0``, ``1e+20``; NaN is None)."""
    return [None if np.isnan(v) else str(float(v)) for v in values[rows]]

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

from ..regions import normalise_label
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

    The same cells as ``rollstats.io.base._text``: a float column gives ``17`` for ``17.0``
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
            return coded(raw, column).decoded()
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


class Coded:
    """A column as a code per row into its distinct stripped cells, ``values``; the last entry
    of ``values`` is null and codes the rows with no cell. A check made once per distinct value
    is spread over the rows by ``codes``.

    >>> c = coded(pd.DataFrame({"a": [" x", "y", "x", None]}, dtype="str"), "a")
    >>> c.values.to_pylist(), c.codes.tolist(), c.valid.tolist()
    (['x', 'y', None], [0, 1, 0, 2], [True, True, True, False])
    """

    def __init__(self, codes: np.ndarray, values: pa.Array, uncoded: bool = True):
        self.codes, self.values = codes, values
        self.valid_values = values.is_valid().to_numpy(zero_copy_only=False)
        #: whether some row may have the last code (no cell); False: no row has it
        self.uncoded = uncoded

    def _used(self, per_value: np.ndarray) -> np.ndarray:
        return per_value if self.uncoded else per_value[:-1]

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def valid(self) -> np.ndarray:
        """Per row: the cell holds text."""
        return self.spread(self.valid_values)

    def spread(self, per_value: np.ndarray) -> np.ndarray:
        """A per-value true or false spread over the rows (no gather when all rows are alike)."""
        used = self._used(per_value)
        if used.all():
            return np.ones(len(self.codes), dtype=bool)
        return per_value[self.codes] if used.any() else np.zeros(len(self.codes), dtype=bool)

    def rows(self, per_value: np.ndarray) -> np.ndarray:
        """A per-value answer spread over the rows."""
        return per_value[self.codes]

    def where(self, per_value: np.ndarray) -> np.ndarray:
        """Rows whose value is true in ``per_value`` (an empty mask when no value is)."""
        return per_value[self.codes] if self._used(per_value).any() else _NOWHERE

    def decoded(self) -> pa.Array:
        """The stripped text of every row (null where empty)."""
        return self.values.take(pa.array(self.codes))

    def strings(self, rows: np.ndarray) -> list:
        """The cells of ``rows`` as Python strings (None where empty)."""
        return self.values.take(pa.array(self.codes[rows])).to_pylist() if len(rows) else []

    def at(self, per_value: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The answers of ``rows`` alone."""
        return per_value[self.codes[rows]]


class Typed(Coded):
    """A column of numbers the CSV reader has already read (each cell a number or empty), seen
    as a :class:`Coded` column whose every row is its own value: ``numbers`` holds them, NaN
    where empty.

    >>> t = Typed(pa.array([90.0, None]))
    >>> t.numbers.tolist()[:1], t.valid.tolist(), t.where(t.valid_values).tolist()
    ([90.0], [True, False], [True, False])
    """

    def __init__(self, arr: pa.Array):
        self.numbers = arr.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        self.valid_values = arr.is_valid().to_numpy(zero_copy_only=False) if arr.null_count else np.ones(len(arr), bool)
        self.codes, self.uncoded = None, True

    def __len__(self) -> int:
        return len(self.numbers)

    def rows(self, per_value: np.ndarray) -> np.ndarray:
        return per_value

    def spread(self, per_value: np.ndarray) -> np.ndarray:
        return per_value

    def where(self, per_value: np.ndarray) -> np.ndarray:
        return per_value if per_value.any() else _NOWHERE

    def at(self, per_value: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return per_value[rows]

    def strings(self, rows: np.ndarray) -> list:
        return float_strings(self.numbers, rows)


def number_cells(raw, column: str) -> Coded:
    """``column`` of ``raw`` as a :class:`Typed` column where the reader gave numbers, else as
    a :class:`Coded` one."""
    arr = raw.columns.get(column) if isinstance(raw, RawCells) else None
    if arr is not None and pa.types.is_floating(arr.type):
        return Typed(arr)
    return coded(raw, column)


_NOWHERE = np.zeros(0, dtype=bool)


def coded(raw, column: str) -> Coded:
    """``column`` of ``raw`` (a DataFrame or :class:`RawCells`) as a :class:`Coded` column; a
    dictionary the reader made is used as it is, other text is encoded here."""
    arr = raw.columns.get(column) if isinstance(raw, RawCells) else None
    if arr is not None and pa.types.is_dictionary(arr.type):
        values = stripped(arr.dictionary)
        indices = arr.indices
        uncoded = indices.null_count > 0
        codes = (indices.fill_null(len(values)) if uncoded else indices).to_numpy(zero_copy_only=False)
    else:
        encoded = pc.dictionary_encode(text(raw, column))
        values = encoded.dictionary
        uncoded = encoded.indices.null_count > 0
        codes = encoded.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
    values = pa.concat_arrays([values.cast(pa.large_string()), pa.nulls(1, pa.large_string())])
    return Coded(codes, values, uncoded)


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


def labels(columns: dict[str, Coded]) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Each coded column's labels as :func:`~rollstats.regions.normalise_label` keys.

    Returns, per column, the code of each row and the key of each code (the last code, rows
    with no cell, has the key ``""``). ``normalise_label`` runs once, on the distinct labels of
    all the columns together.

    >>> codes, keys = labels({"side": coded(pd.DataFrame({"s": [" L", "l", None]}, dtype="str"), "s")})["side"]
    >>> [keys[c] for c in codes]
    ['l', 'l', '']
    """
    out, known = {}, _KEYS
    for name, column in columns.items():
        distinct = column.values.to_pylist()
        new = [label for label in distinct if label not in known]
        fresh = dict(zip(new, normalise_label(pd.Series(new, dtype="string")).tolist())) if new else {}
        if fresh and len(known) < _KEYS_KEPT:
            known.update(fresh)
        out[name] = (column.codes, [fresh[label] if label in fresh else known[label] for label in distinct])
    return out


#: Keys of the labels seen so far (a file read in batches repeats its labels in every batch).
_KEYS: dict = {}
_KEYS_KEPT = 1 << 16


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

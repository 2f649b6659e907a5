"""Columns checked once per distinct cell: a code per row into the column's distinct cells.

Exports repeat a few labels, numbers and notes over millions of rows. The CSV reader gives such
columns dictionary-encoded (:class:`~rollstats.io.arrowcells.RawCells`); other tables are
encoded here. A check made on the distinct cells is spread over the rows by their codes, so a
label is normalised, and a number read, once per file batch rather than once per row. Columns
of numbers the reader has read already are :class:`Typed`: each row its own value.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..regions import normalise_label
from .arrowcells import RawCells, float_strings, stripped, text


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
        return per_value[self.codes] if self._used(per_value).any() else NOWHERE

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
        return per_value if per_value.any() else NOWHERE

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


#: A mask of no row: what a check that finds nothing gives (``Problems.add`` skips it).
NOWHERE = np.zeros(0, dtype=bool)


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

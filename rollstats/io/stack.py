"""Columns of a table checked batch by batch, written straight into buffers made once.

A file checked in batches in a pool of threads (:mod:`rollstats.io.csvstream`) would otherwise
keep every batch's columns until the end and then copy them into one array per column: twice
the table at the peak. Here each worker writes the rows it accepted into one buffer per column,
at the batch's own place: batches take their places in file order (a batch waits for the one
before it to say how many rows it keeps), then write at the same time. The buffers are made for
every row read (pages never written cost no memory). Text columns are Arrow arrays: their
chunks are kept as they are and joined into one chunked array.

A column's **kind** says how its values are given and what pandas type it becomes:
``"text"`` (Arrow text), ``"utc"`` and ``"wall"`` (int64 µs since 1970: UTC instants, or wall
clocks), ``"float"``, ``"int"``, ``"Int64"`` and ``"Float64"`` (a pair: values, and a mask of empty
cells), or a ``CategoricalDtype`` (integer codes).
"""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pyarrow as pa

_BUFFER_TYPES = {"utc": np.int64, "wall": np.int64, "float": np.float64, "int": np.int64}


class Stack:
    """Batches of columns (name -> values of the column's kind) put in file order, then one frame.

    >>> s = Stack(capacity=4, kinds={"n": "float", "c": pd.CategoricalDtype(["a", "b"]), "k": "Int64"})
    >>> s.put(0, {"n": np.array([1.5, 2.0]), "c": np.array([0, 1]), "k": (np.array([7, 0]), np.array([False, True]))})
    >>> s.put(1, {"n": np.array([3.0, 9.0]), "c": np.array([1, 0]), "k": (np.array([5, 6]), np.array([False, False]))},
    ...       keep=np.array([0]))
    >>> s.frame().astype(object).values.tolist()
    [[1.5, 'a', 7], [2.0, 'b', <NA>], [3.0, 'b', 5]]
    """

    def __init__(self, capacity: int, kinds: dict):
        self.capacity = max(int(capacity), 1)
        self.kinds = dict(kinds)
        self.n = 0
        self.buffers = {name: [np.empty(self.capacity, dtype=t) for t in _buffer_types(kind)]
                        for name, kind in self.kinds.items() if kind != "text"}
        self.chunks: dict[str, dict[int, pa.Array]] = {name: {} for name, kind in self.kinds.items() if kind == "text"}
        self._turn = 0  # the batch whose place is given next
        self._placed = threading.Condition()

    def put(self, batch: int, columns: dict, keep: np.ndarray | None = None) -> None:
        """Write batch number ``batch`` (0, 1, 2 ... in file order) at its place: the rows at
        positions ``keep`` (all rows when None). Waits until the batch before has its place."""
        k = len(keep) if keep is not None else _length(next(iter(columns.values())))
        with self._placed:
            self._placed.wait_for(lambda: self._turn == batch)
            start = self.n
            if start + k > self.capacity:
                raise ValueError(f"more rows than the {self.capacity} the stack was made for")
            self.n += k
            self._turn += 1
            self._placed.notify_all()
        rows = pa.array(keep) if keep is not None else None
        for name, kind in self.kinds.items():
            values = columns[name]
            if kind == "text":
                if isinstance(values, str):  # one text on every row
                    values = repeated_text(values, k)
                elif rows is not None:
                    values = values.take(rows)
                self.chunks[name][batch] = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
                continue
            for buffer, part in zip(self.buffers[name], values if isinstance(values, tuple) else (values,)):
                if keep is None:
                    buffer[start: start + k] = part
                else:
                    np.take(part, keep, out=buffer[start: start + k])

    def skip(self, batch: int) -> None:
        """Give batch number ``batch`` its turn without rows (its check failed)."""
        with self._placed:
            self._placed.wait_for(lambda: self._turn == batch)
            self._turn += 1
            self._placed.notify_all()

    def frame(self) -> pd.DataFrame:
        """The stacked columns as one DataFrame (no copy of the buffers)."""
        columns = {}
        for name, kind in self.kinds.items():
            if kind == "text":
                chunks = [c for _, batch in sorted(self.chunks[name].items()) for c in batch]
                columns[name] = pandas_column(kind, pa.chunked_array(chunks, type=chunks[0].type) if chunks
                                              else pa.array([], pa.large_string()))
            else:
                parts = [b[: self.n] for b in self.buffers[name]]
                columns[name] = pandas_column(kind, tuple(parts) if len(parts) > 1 else parts[0])
        return pd.DataFrame(columns, copy=False)


def pandas_column(kind, values):
    """The pandas column of ``values`` given as ``kind`` says (see the module); no copy where
    pandas can hold the values as they are.

    >>> pandas_column("utc", np.array([0])).tolist(), pandas_column("Int64", (np.array([3]), np.array([True]))).tolist()
    ([Timestamp('1970-01-01 00:00:00+0000', tz='UTC')], [<NA>])
    """
    if kind == "text":
        return pd.Series(values, dtype="str")
    if kind in ("utc", "wall"):
        column = pd.Series(values.view("datetime64[us]"), copy=False)
        return column.dt.tz_localize("UTC") if kind == "utc" else column
    if kind in ("Int64", "Float64"):
        cls = pd.arrays.IntegerArray if kind == "Int64" else pd.arrays.FloatingArray
        return pd.Series(cls(*values), copy=False)
    if isinstance(kind, pd.CategoricalDtype):
        return pd.Categorical.from_codes(values, dtype=kind)
    return values


def _buffer_types(kind) -> list:
    if kind == "Int64":
        return [np.int64, bool]
    if kind == "Float64":
        return [np.float64, bool]
    if isinstance(kind, pd.CategoricalDtype):
        return [np.int8]
    return [_BUFFER_TYPES[kind]]


def _length(values) -> int:
    return len(values[0]) if isinstance(values, tuple) else len(values)


#: Rows of one repeated text held by one chunk; longer columns reuse that chunk's buffers.
_REPEAT_CHUNK = 1 << 16
_LAST_REPEATED: tuple[str, pa.Array] | None = None


def repeated_text(value: str, n: int) -> pa.ChunkedArray:
    """``value`` ``n`` times as Arrow text whose chunks share one buffer (a file's name on every
    row costs one chunk of memory, not ``n`` copies).

    >>> col = repeated_text("a.csv", 70_000)
    >>> len(col), col.num_chunks, col[69_999].as_py()
    (70000, 2, 'a.csv')
    """
    global _LAST_REPEATED
    last = _LAST_REPEATED  # a file read in batches names itself in each: one chunk for them all
    if last is not None and last[0] == value:
        chunk = last[1]
    else:
        chunk = pa.array([value], pa.large_string()).take(pa.array(np.zeros(_REPEAT_CHUNK, dtype=np.int64)))
        _LAST_REPEATED = (value, chunk)
    if n < _REPEAT_CHUNK:
        return pa.chunked_array([chunk.slice(0, n)], type=pa.large_string())
    whole, rest = divmod(n, _REPEAT_CHUNK)
    chunks = [chunk] * whole + ([chunk.slice(0, rest)] if rest else [])
    return pa.chunked_array(chunks or [chunk], type=pa.large_string())

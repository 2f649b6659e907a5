"""Columns of a table stacked batch by batch into buffers made once, for a streamed read.

A table checked in batches (:mod:`rollstats.io.csvstream`) would otherwise keep every
batch's columns until the end and then copy them into one array per column: twice the table
at the peak, and thousands of small blocks pinning the allocator's memory in between. Here
each batch is copied into the end of one buffer per column as soon as it is checked, and
freed. Buffers are made for an estimate of the rows (pages never written cost no memory) and
grow by half when the estimate was short. Text columns are Arrow arrays: their chunks are
kept as they are (no copy) and joined into one chunked array.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


class Stack:
    """Columns (name -> Series, Categorical or ndarray) appended batch by batch, then one frame.

    >>> s = Stack(capacity=2)
    >>> s.append({"n": np.array([1.5, 2.0]), "c": pd.Categorical(["a", "b"]), "t": pd.Series(["x", None], dtype="str")})
    >>> s.append({"n": np.array([3.0]), "c": pd.Categorical(["b"], categories=["a", "b"]),
    ...           "t": pd.Series(["z"], dtype="str")})
    >>> s.frame().values.tolist()
    [[1.5, 'a', 'x'], [2.0, 'b', nan], [3.0, 'b', 'z']]
    >>> s = Stack(capacity=8, nullable={"k": "Int64"})
    >>> s.append({"k": np.array([2.0, np.nan])})
    >>> s.frame()["k"].tolist()
    [2, <NA>]
    """

    def __init__(self, capacity: int, nullable: dict[str, str] | None = None):
        self.capacity = max(int(capacity), 1)
        self.nullable = dict(nullable or {})  #: float columns (NaN: empty) to stack as these pandas types
        self.n = 0
        self.kinds: dict[str, tuple] = {}  # name -> (how, dtype)
        self.buffers: dict[str, list[np.ndarray]] = {}  # name -> buffers (values [, mask])
        self.chunks: dict[str, list[pa.Array]] = {}

    def append(self, columns: dict) -> None:
        """Copy one batch's columns (all of one length) to the end of the stack."""
        k = len(next(iter(columns.values())))
        if self.n + k > self.capacity:
            self._grow(max(self.n + k, self.capacity + self.capacity // 2))
        for name, col in columns.items():
            how, parts = _parts(col) if name not in self.nullable else _masked(col, self.nullable[name])
            if name not in self.kinds:
                self.kinds[name] = (how, self.nullable.get(name, getattr(col, "dtype", None)))
                if how == "arrow":
                    self.chunks[name] = []
                else:
                    self.buffers[name] = [np.empty(self.capacity, dtype=p.dtype) for p in parts]
            if how == "arrow":
                self.chunks[name] += parts
            else:
                for buffer, part in zip(self.buffers[name], parts):
                    buffer[self.n: self.n + k] = part
        self.n += k

    def _grow(self, capacity: int) -> None:
        for name, buffers in self.buffers.items():
            grown = []
            for buffer in buffers:
                bigger = np.empty(capacity, dtype=buffer.dtype)
                bigger[: self.n] = buffer[: self.n]
                grown.append(bigger)
            self.buffers[name] = grown
        self.capacity = capacity

    def frame(self) -> pd.DataFrame:
        """The stacked columns as one DataFrame (no copy of the buffers)."""
        return pd.DataFrame(self.columns(), copy=False)

    def columns(self) -> dict:
        """The stacked columns by name: Series, Categoricals, or numpy arrays (no copy)."""
        out = {}
        for name, (how, dtype) in self.kinds.items():
            if how == "arrow":
                chunks = self.chunks[name]
                out[name] = pd.Series(pa.chunked_array(chunks, type=chunks[0].type), dtype=dtype)
                continue
            parts = [b[: self.n] for b in self.buffers[name]]
            if how == "numpy":
                out[name] = parts[0]
            elif how == "categorical":
                out[name] = pd.Categorical.from_codes(parts[0], dtype=dtype)
            elif how == "masked":
                cls = pd.arrays.IntegerArray if dtype == "Int64" else pd.arrays.FloatingArray
                out[name] = pd.Series(cls(parts[0], parts[1]), copy=False)
            else:  # datetimes: int64 microseconds
                out[name] = pd.Series(parts[0].view("datetime64[us]"), copy=False)
                if getattr(dtype, "tz", None) is not None:
                    out[name] = out[name].dt.tz_localize(dtype.tz)
        return out


def _masked(values: np.ndarray, dtype: str) -> tuple[str, list]:
    """A float column with NaN where empty as the values and mask of pandas' ``dtype``."""
    mask = np.isnan(values)
    data = np.where(mask, 0, values).astype(np.int64 if dtype == "Int64" else np.float64)
    return "masked", [data, mask]


def _parts(col) -> tuple[str, list]:
    """How a column is stacked, and its buffers (or Arrow chunks)."""
    if isinstance(col, np.ndarray):
        return "numpy", [col]
    if isinstance(col, pd.Categorical):
        return "categorical", [col.codes]
    values = col.array if isinstance(col, pd.Series) else col
    if isinstance(values, pd.Categorical):
        return "categorical", [values.codes]
    if isinstance(values, (pd.arrays.IntegerArray, pd.arrays.FloatingArray)):
        return "masked", [values.to_numpy(dtype=values.dtype.numpy_dtype, na_value=0), np.asarray(values.isna())]
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "datetime", [values.asi8]
    if pd.api.types.is_string_dtype(values.dtype):
        arr = values.__arrow_array__()
        return "arrow", list(arr.chunks) if isinstance(arr, pa.ChunkedArray) else [arr]
    return "numpy", [np.asarray(values)]

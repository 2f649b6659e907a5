"""The records a mapping file reads from an export, on their way to the canonical table.

:class:`Mapped` holds them in native columns, with what points each back at the export: its
file row, its region label as the export wrote it, and for a wide export the region column its
duration came from, so that a refused cell is named by the export's own row and column.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..program import Program
from .base import Canonical, canonicalise


@dataclass(frozen=True)
class Mapped:
    """Native columns, one row per record, and per record: its file row, region label as the
    export wrote it, and (wide exports) the column its duration came from."""

    raw: pd.DataFrame
    rows: np.ndarray
    labels: pd.Series
    cell_header: pd.Series
    headers: dict[str, str]
    passed_over: dict[str, int] = field(default_factory=dict)

    def canonical(self, source: str, program: Program, tz: str | None, time_format: str | None) -> Canonical:
        """Canonicalise the records, then point rows, labels and refused columns at the file."""
        part = canonicalise(self.raw, source, program, tz=tz, source_row=pd.RangeIndex(1, len(self.raw) + 1))
        segments = part.segments.copy()
        at = segments["source_row"].to_numpy() - 1
        segments["source_row"] = self.rows[at]
        segments["region_label"] = self.labels.to_numpy()[at]
        rejects = part.rejects.copy()
        at = rejects["source_row"].to_numpy() - 1
        rejects["source_row"] = self.rows[at]
        cell = self.cell_header.to_numpy()[at]
        rejects["column"] = [", ".join(self._file_column(c, h) for c in str(col).split(", "))
                             for col, h in zip(rejects["column"], cell)]
        if time_format:
            rejects["reason"] = rejects["reason"].str.replace(
                r"expected ISO 8601 such as [^;]*", f"expected the mapping's format {time_format}", regex=True)
        return Canonical(segments.astype({"region_label": "str"}), rejects.astype(part.rejects.dtypes.to_dict()),
                         part.unknown_labels, part.rows_read)

    def _file_column(self, native: str, cell_header) -> str:
        """The export's name for a native column (a wide record's duration: its region column)."""
        if native == "duration_s" and isinstance(cell_header, str):
            return cell_header
        return self.headers.get(native, native)


__all__ = ["Mapped"]

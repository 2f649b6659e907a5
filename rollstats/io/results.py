"""What a load gives back: the canonical segments, the refused rows, and the ingest report."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class IngestReport:
    """What reading gave, file by file: rows read = accepted + duplicates dropped + refused.

    Refused rows include those ``superseded`` by a later file's corrected version (see
    :mod:`rollstats.io.corrections`); ``replaced_in_store`` counts the stored segments a store
    append replaced by a corrected version (rows of earlier appends, not of these files).
    """

    files: pd.DataFrame  #: source, rows_read, rows_accepted, duplicates_dropped, rows_rejected, superseded
    unknown_region_labels: dict[str, int] = field(default_factory=dict)
    passed_over: dict[str, int] = field(default_factory=dict)
    replaced_in_store: int = 0

    @property
    def rows_read(self) -> int:
        return int(self.files["rows_read"].sum())

    @property
    def rows_accepted(self) -> int:
        return int(self.files["rows_accepted"].sum())

    @property
    def duplicates_dropped(self) -> int:
        return int(self.files["duplicates_dropped"].sum())

    @property
    def rows_rejected(self) -> int:
        return int(self.files["rows_rejected"].sum())

    @property
    def superseded(self) -> int:
        """Refused rows that a later file gives in another version (part of ``rows_rejected``)."""
        return int(self.files["superseded"].sum()) if "superseded" in self.files else 0

    def to_dict(self) -> dict:
        """Plain values for JSON: the totals, the files, unknown labels, what was passed over."""
        return {
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "duplicates_dropped": self.duplicates_dropped,
            "rows_rejected": self.rows_rejected,
            "superseded": self.superseded,
            "replaced_in_store": self.replaced_in_store,
            "unknown_region_labels": dict(self.unknown_region_labels),
            "passed_over": dict(self.passed_over),
            "files": self.files.to_dict(orient="records"),
        }

    def __str__(self) -> str:
        of_which = f" ({self.superseded} of them superseded by a later file)" if self.superseded else ""
        lines = [f"rows read {self.rows_read}: accepted {self.rows_accepted}, "
                 f"duplicates dropped {self.duplicates_dropped}, refused {self.rows_rejected}{of_which}"]
        if self.replaced_in_store:
            lines.append(f"stored segments replaced by their corrected version: {self.replaced_in_store}")
        if len(self.files) > 1:
            lines.append(self.files.to_string(index=False))
        if self.unknown_region_labels:
            labels = ", ".join(f"{k!r} x{v}" for k, v in self.unknown_region_labels.items())
            lines.append(f"region labels no alias knows (counted as 'other'): {labels}")
        if self.passed_over:
            lines.append("passed over: " + ", ".join(f"{k} x{v}" for k, v in self.passed_over.items()))
        return "\n".join(lines)


@dataclass(frozen=True)
class LoadResult:
    """The canonical segments, the refused rows, and the report of one load."""

    segments: pd.DataFrame
    rejects: pd.DataFrame
    report: IngestReport

    def __iter__(self):  # allows ``segments, rejects, report = load(...)``
        return iter((self.segments, self.rejects, self.report))

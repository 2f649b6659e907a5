"""The refusals of the checking core (:mod:`rollstats.io.checks`), collected check by check.

Each check gives one boolean vector over the rows of a batch; the words of a refusal (column,
cell text, reason) are only written for the rows refused, in the order the reference
(:func:`rollstats.io.reference.canonicalise_reference`) makes its checks.
"""
from __future__ import annotations

import numpy as np


class Problems:
    """Checks in the order the reference makes them: (mask, column, value, reason) each.

    ``value`` is a function of row positions giving the cells' text (or None); ``reason`` a
    string, or a function of row positions giving one string per row.
    """

    def __init__(self, n: int):
        self.n = n
        self.found: list[tuple[np.ndarray, str, object, object]] = []

    def add(self, mask: np.ndarray, column: str, value, reason) -> None:
        if mask.any():
            self.found.append((mask, column, value, reason))

    @property
    def refused(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for mask, *_ in self.found:
            out |= mask
        return out

    def words(self, bad: np.ndarray) -> tuple[list, list, list]:
        """Column, value and reason text of the refused rows ``bad`` (positions, in order)."""
        k = len(bad)
        column, value, reason = [None] * k, [None] * k, [None] * k
        for mask, name, values, why in self.found:
            hit = np.flatnonzero(mask[bad])
            if not len(hit):
                continue
            rows = bad[hit]
            texts = values(rows) if values is not None else [None] * len(rows)
            whys = why(rows) if callable(why) else [why] * len(rows)
            for j, text, w in zip(hit.tolist(), texts, whys):
                piece = f"{name}: {w}"
                if column[j] is None:
                    column[j], value[j], reason[j] = name, text, piece
                else:
                    column[j] += ", " + name
                    reason[j] += "; " + piece
        return column, value, reason

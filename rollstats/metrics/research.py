"""The research measures as per-subject summary columns (appended to :func:`summarize`)."""
from __future__ import annotations

import pandas as pd

from ..program import Program
from .engagement import alerts_summary, data_days, data_days_summary
from .strength import strength, strength_summary
from .symptoms import symptom_summary

#: Summary columns added by the research measures, in order (see ``docs/definitions.md``).
RESEARCH_COLUMNS: tuple[str, ...] = (
    "strength", "data_day_periods_complete", "data_day_periods_met", "data_days_latest_period",
    "current_alert", "nights_without_rolling", "longest_run_without_rolling",
    "pain_sessions", "mean_pain_change", "pain_before_trend_per_week", "resolved_night",
    "nights_after_resolved", "compliant_after_resolved", "adherence_after_resolved",
)


def research_summary(nights_table: pd.DataFrame, segments: pd.DataFrame,
                     program: Program | None = None, sessions_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per subject of ``nights_table`` (index ``subject_id``): the columns of :data:`RESEARCH_COLUMNS`.

    ``segments`` are the segments in observation (those the nights table was built from);
    ``sessions_table``, their sessions with pain (``rollstats.metrics.sessions(segments, pain=True)``)
    when already computed.

    >>> t = pd.DataFrame({"subject_id": ["a"] * 3, "night": pd.date_range("2026-03-01", periods=3),
    ...     "night_index": range(3), "rolled_s": [60.0, 0.0, 0.0], "segments": [1, 0, 0],
    ...     "compliant": [True, False, False], "phase": ["daily"] * 3})
    >>> from rollstats.schema import empty_segments
    >>> r = research_summary(t, empty_segments())
    >>> r.loc["a", "current_alert"], int(r.loc["a", "nights_without_rolling"])
    ('low_engagement', 2)
    """
    program = program or Program.default()
    parts = [
        strength_summary(strength(nights_table, program)),
        data_days_summary(data_days(nights_table, program)),
        alerts_summary(nights_table, program),
        symptom_summary(segments, nights_table, program, sessions_table=sessions_table),
    ]
    ids = nights_table["subject_id"]
    subjects = pd.Index(sorted(ids.unique()), name="subject_id",
                        dtype=ids.dtype if pd.api.types.is_integer_dtype(ids) else "str")
    out = pd.DataFrame(index=subjects)
    for part in parts:
        out = out.join(part)
    return out[list(RESEARCH_COLUMNS)]

"""The one-file HTML cohort report of ``rollstats summary --report`` (:mod:`rollstats.report.cohort`)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..program import Program
from .cohort import cohort_figures, cohort_report

__all__ = ["cohort_report", "cohort_figures", "write_report", "key_columns", "KEY_COLUMNS"]

#: Summary columns a program reading the summary wants first (codes, as in CSV and JSON).
KEY_COLUMNS: tuple[str, ...] = (
    "subject_id", "first_night", "last_night", "nights_observed", "compliant_nights", "daily_adherence",
    "longest_streak", "current_streak", "progression_night", "maintenance_windows_complete",
    "maintenance_windows_met", "maintenance_adherence", "lateral_thigh_share", "flag_lateral_thigh",
    "flag_too_fast", "flag_standalone", "flag_narrow",
)


def key_columns(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary's most-read columns under their codes, shares rounded to two decimals.

    >>> key_columns(pd.DataFrame({"subject_id": ["a"], "daily_adherence": [2 / 3]})).to_dict("records")
    [{'subject_id': 'a', 'daily_adherence': 0.67}]
    """
    cols = [c for c in KEY_COLUMNS if c in summary]
    out = summary[cols].copy()
    for col in ("daily_adherence", "maintenance_adherence", "lateral_thigh_share"):
        if col in out:
            out[col] = out[col].round(2)
    return out


def write_report(path: str | Path, summary: pd.DataFrame, report, rejects: pd.DataFrame, program: Program,
                 segments: pd.DataFrame | None = None, **options) -> Path:
    """Write :func:`rollstats.report.cohort.cohort_report` to ``path`` (UTF-8) and return the path.

    ``options``: ``until``, ``enrolment``, ``left_out``, ``title``, ``images`` as the report takes them.

    >>> import tempfile, os
    >>> from rollstats.io import IngestReport
    >>> files = pd.DataFrame({"source": ["x.csv"], "rows_read": [0], "rows_accepted": [0],
    ...     "duplicates_dropped": [0], "rows_rejected": [0]})
    >>> empty = pd.DataFrame(columns=["subject_id", "nights_observed", "compliant_nights", "first_night",
    ...     "last_night", "daily_adherence", "maintenance_adherence", "nights_to_progression",
    ...     "current_alert", "nights_without_rolling"])
    >>> out = write_report(os.path.join(tempfile.mkdtemp(), "r.html"), empty, IngestReport(files),
    ...     pd.DataFrame(), Program.default())
    >>> "No subject rolled in these files." in out.read_text(encoding="utf-8")
    True
    """
    path = Path(path)
    page = cohort_report(summary, segments, report, rejects, program, **options)
    path.write_text(page, encoding="utf-8")
    return path

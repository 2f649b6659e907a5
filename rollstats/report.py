"""A one-file HTML report of a load: what was read, the per-subject summary, what was refused."""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

from .io import IngestReport
from .output import plain
from .program import Program

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: right; }
th { background: #f2f2f2; }
.note { color: #555; }
"""

#: Summary columns a reader wants first; the full table follows in the CSV/JSON outputs.
KEY_COLUMNS: tuple[str, ...] = (
    "subject_id", "first_night", "last_night", "nights_observed", "compliant_nights", "daily_adherence",
    "longest_streak", "current_streak", "progression_night", "maintenance_windows_complete",
    "maintenance_windows_met", "maintenance_adherence", "lateral_thigh_share", "flag_lateral_thigh",
    "flag_too_fast", "flag_standalone", "flag_narrow",
)


def key_columns(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary's most-read columns, shares rounded to two decimals.

    >>> key_columns(pd.DataFrame({"subject_id": ["a"], "daily_adherence": [2 / 3]})).to_dict("records")
    [{'subject_id': 'a', 'daily_adherence': 0.67}]
    """
    cols = [c for c in KEY_COLUMNS if c in summary]
    out = summary[cols].copy()
    for col in ("daily_adherence", "maintenance_adherence", "lateral_thigh_share"):
        if col in out:
            out[col] = out[col].round(2)
    return out


def _table(frame: pd.DataFrame) -> str:
    return plain(frame).to_html(index=False, na_rep="", escape=True, border=0)


def html_report(summary: pd.DataFrame, report: IngestReport, rejects: pd.DataFrame,
                program: Program, title: str = "rollstats report") -> str:
    """The report as one HTML page (all text escaped), ready to attach to a record."""
    made = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='note'>Made {made} with the program <b>{html.escape(program.name)}</b>: "
        f"{html.escape(program.card)}</p>",
        "<h2>What was read</h2>",
        f"<p>{html.escape(str(report)).replace(chr(10), '<br>')}</p>",
        _table(report.files),
        "<h2>Per subject</h2>",
        _table(key_columns(summary)) if len(summary) else "<p>No subject rolled in these files.</p>",
        "<p class='note'>Adherence and shares run from 0 to 1; a flag left empty means the data "
        "cannot say. Definitions: docs/definitions.md of rollstats.</p>",
        "<h2>Refused rows</h2>",
        _table(rejects.head(200)) if len(rejects) else "<p>None.</p>",
        "<p class='note'>" + (f"Showing 200 of {len(rejects)}." if len(rejects) > 200 else "") + "</p>",
        "<h2>Rules in force</h2>",
        "<pre>" + html.escape(program.describe()) + "</pre>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(path: str | Path, summary: pd.DataFrame, report: IngestReport, rejects: pd.DataFrame,
                 program: Program, title: str = "rollstats report") -> Path:
    """Write :func:`html_report` to ``path`` and return the path."""
    path = Path(path)
    path.write_text(html_report(summary, report, rejects, program, title), encoding="utf-8")
    return path

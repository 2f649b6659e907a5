"""The cohort report: one HTML file a researcher reads first, figures embedded, nothing fetched.

Sections: the cohort in words, three figures (adherence across subjects, by week since start,
time to progression), who needs attention, the per-subject table, who was left out and why,
what was read, and the rules in force as sentences. Every text is escaped; images are
``data:`` URIs and a Content-Security-Policy forbids loading anything else.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..metrics import nights as nights_table
from ..metrics.cohort import adherence_by_week_since_start, kaplan_meier, time_to_progression
from ..metrics.left_out import left_out as left_out_subjects
from ..metrics.overview import needs_attention, overview
from ..output import EMPTY, plural
from ..plots.cohort import plot_adherence_by_week, plot_adherence_distribution, plot_time_to_progression
from ..program import Program
from ..render import figure_png
from .words import (FLAG_UNKNOWN, FLAG_WORDS, attention_words, cohort_sentences, day, flag_cell, left_out_words,
                    of, rules_sentences)

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 60em; padding: 0 1em; color: #222;
       line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; width: 100%; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
td.n, th.n { text-align: right; } td.n, td.d { white-space: nowrap; }
.note { color: #5a5a5a; font-size: 0.9em; }
table.subjects td:last-child { min-width: 13em; } table.subjects th { vertical-align: bottom; }
img { max-width: 100%; height: auto; display: block; margin: 0.5em 0 1em; }
ol li, ul li { margin-bottom: 0.2em; }
"""
_CSP = ("<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'\">")
#: The per-subject table: header, and whether the column holds numbers (right-aligned).
SUBJECT_HEADERS: tuple[tuple[str, bool], ...] = (
    ("Subject", False), ("Nights", True), ("Compliant nights", True), ("Daily-phase adherence", True),
    ("Progressed on", False), ("Maintenance windows met", True), ("Mistakes flagged", False))


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def data_uri(png: bytes) -> str:
    """PNG bytes as a ``data:`` URI for an ``img`` element.

    >>> data_uri(b"\\x89PNG")
    'data:image/png;base64,iVBORw=='
    """
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def cohort_figures(summary: pd.DataFrame, table: pd.DataFrame, program: Program, dpi: float = 110) -> dict[str, bytes]:
    """The report's three figures as PNG bytes (``distribution``, ``by_week``, ``progression``),
    drawn from the summary and the nights table at ``dpi`` dots per inch.

    >>> s = pd.DataFrame({"subject_id": ["a"], "daily_adherence": [1.0], "maintenance_adherence": [0.5],
    ...     "nights_observed": [9], "nights_to_progression": pd.array([3], dtype="Int64")})
    >>> t = pd.DataFrame({"subject_id": ["a"] * 9, "night_index": range(9), "compliant": [True] * 9,
    ...     "phase": ["daily"] * 3 + ["maintenance"] * 6})
    >>> sorted(cohort_figures(s, t, Program.default(), dpi=20))
    ['by_week', 'distribution', 'progression']
    """
    spread = Figure(figsize=(8.4, 3.0), layout="constrained")
    left, right = spread.subplots(1, 2)
    plot_adherence_distribution(summary, "daily_adherence", ax=left, label="daily-phase adherence")
    plot_adherence_distribution(summary, "maintenance_adherence", ax=right,
                                label="maintenance adherence (windows met)")
    by_week = plot_adherence_by_week(adherence_by_week_since_start(table), program=program)
    km = plot_time_to_progression(kaplan_meier(time_to_progression(summary)), progressed=True)
    return {name: figure_png(fig, dpi=dpi) for name, fig in
            (("distribution", spread), ("by_week", by_week), ("progression", km))}


def subject_rows(summary: pd.DataFrame) -> str:
    """The per-subject table's rows as HTML (escaped), one per subject, in the summary's order."""
    return "".join(
        f"<tr><td>{_e(r['subject_id'])}</td><td class='n'>{int(r['nights_observed'])}</td>"
        f"<td class='n'>{int(r['compliant_nights'])}</td>"
        f"<td class='n'>{_e(of(r['daily_phase_compliant_nights'], r['daily_phase_nights']))}</td>"
        f"<td class='d'>{_e(day(r['progression_night']))}</td>"
        f"<td class='n'>{_e(of(r['maintenance_windows_met'], r['maintenance_windows_complete']))}</td>"
        f"<td>{_e(flag_cell(r))}</td></tr>" for r in summary.to_dict("records"))


def _unknown_flags(summary: pd.DataFrame) -> str:
    """A sentence per flag the log cannot tell for some subjects, naming them."""
    lines = []
    for flag, words in FLAG_UNKNOWN.items():
        column = "flag_" + flag
        if column in summary and summary[column].isna().any():
            ids = summary.loc[summary[column].isna(), "subject_id"].astype("str").tolist()
            lines.append(f"The log cannot tell {words} for {plural(len(ids), 'subject')}: {', '.join(ids)}.")
    return "".join(f"<p class='note'>{_e(line)}</p>" for line in lines)


def _attention(summary: pd.DataFrame) -> str:
    """Alerts in force, the longest run without rolling first; then each mistake with its subjects."""
    ranked = needs_attention(summary)
    alerted = ranked.loc[ranked["current_alert"].notna()]
    parts = ["<h3>Disengagement alerts in force</h3>",
             _list([f"<b>{_e(r['subject_id'])}</b>: {_e(attention_words(r))}" for r in alerted.to_dict("records")],
                   "No subject is without rolling long enough for an alert.", ordered=True)]
    rest = ranked.loc[ranked["current_alert"].isna()]
    groups = []
    for flag, words in FLAG_WORDS.items():
        ids = [str(i) for i, f in zip(rest["subject_id"], rest["flags"]) if flag in f]
        if ids:
            groups.append(f"<b>{_e(words[0].upper() + words[1:])}</b> ({plural(len(ids), 'subject')}): "
                          f"{_e(', '.join(ids))}")
    parts += ["<h3>Mistakes flagged, subjects without an alert</h3>",
              "<p class='note'>Each subject is listed under every mistake its log shows; the subjects with "
              "more mistakes come first.</p>" if groups else "",
              _list(groups, "No mistake flagged.")]
    return "".join(parts)


def _subject_table(summary: pd.DataFrame) -> str:
    if not len(summary):
        return "<p>No subject rolled in these files.</p>"
    head = "".join(f"<th class='n'>{_e(h)}</th>" if n else f"<th>{_e(h)}</th>" for h, n in SUBJECT_HEADERS)
    return f"<table class='subjects'><thead><tr>{head}</tr></thead><tbody>{subject_rows(summary)}</tbody></table>"


def _list(items: list[str], empty: str, ordered: bool = False) -> str:
    if not items:
        return f"<p>{_e(empty)}</p>"
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{tag}>"


def _contents(summary: pd.DataFrame, left_out: pd.DataFrame) -> str:
    """A line of links to the sections, with the counts a reader looks for first."""
    alerts = int(summary["current_alert"].notna().sum()) if "current_alert" in summary else 0
    links = [("cohort", "The cohort"), ("figures", "Figures"),
             ("attention", f"Needs attention ({plural(alerts, 'alert')} in force)"),
             ("subjects", f"Per subject ({len(summary)})"), ("left-out", f"Left out ({len(left_out)})"),
             ("read", "What was read"), ("rules", "Rules in force")]
    return ("<nav class='note'>Contents: " + " \u00b7 ".join(f"<a href='#{a}'>{_e(t)}</a>" for a, t in links)
            + "</nav>")


def _sources(report) -> str:
    """``Data: a.csv, b.csv. `` (file names, no folders), or "" when the report names none."""
    names = [Path(str(s)).name for s in report.files["source"]] if "source" in report.files else []
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"Data: {shown}. " if names else ""


def _read(report, rejects: pd.DataFrame) -> str:
    files = _sources(report)[6:-2]
    text = (f"{plural(report.rows_read, 'row')} read{' from ' + files if files else ''}: "
            f"{report.rows_accepted:,} accepted, {plural(report.duplicates_dropped, 'exact duplicate')} dropped, "
            f"{report.rows_rejected:,} refused.")
    parts = [f"<p>{_e(text)}</p>"]
    if len(rejects):
        counts = rejects["reason"].astype("str").value_counts()
        parts.append(_list([f"{_e(reason)}: {plural(int(n), 'row')}" for reason, n in counts.head(10).items()],
                           ""))
        first = rejects.head(20)
        rows = "".join(f"<tr><td>{_e(Path(str(f)).name)}</td><td class='n'>{_e(r)}</td><td>{_e(c)}</td>"
                       f"<td>{_e(v)}</td><td>{_e(why)}</td></tr>"
                       for f, r, c, v, why in zip(first["source"], first["source_row"], first["column"],
                                                  first["value"], first["reason"]))
        shown = f"The first {len(first)} of {len(rejects):,}" if len(rejects) > len(first) else "The refused rows"
        parts.append(f"<p class='note'>{shown}; write them all with their file, row and column: "
                     "<code>rollstats ingest FILE --rejects refused.csv</code>.</p>")
        parts.append("<table><thead><tr><th>File</th><th class='n'>Row</th><th>Column</th><th>Value</th>"
                     f"<th>Reason</th></tr></thead><tbody>{rows}</tbody></table>")
    return "".join(parts)


def cohort_report(summary: pd.DataFrame, segments: pd.DataFrame, report, rejects: pd.DataFrame,
                  program: Program, until=None, enrolment: pd.DataFrame | None = None,
                  left_out: pd.DataFrame | None = None, title: str = "Cohort adherence report",
                  images: dict[str, bytes] | None = None) -> str:
    """The cohort report as one HTML page (see the module's docstring).

    ``summary`` is :func:`rollstats.summarize` of ``segments`` (with ``until`` and
    ``enrolment`` as given to it); ``report`` and ``rejects`` come from the load; ``left_out``
    is :func:`rollstats.metrics.left_out.left_out` (computed when None); ``images`` replaces
    :func:`cohort_figures`.
    """
    summary = summary.sort_values("subject_id", kind="stable")
    if left_out is None:
        left_out = (left_out_subjects(segments, summary, until, enrolment) if segments is not None
                    else pd.DataFrame(columns=["subject_id", "reason", "segments", "first_night", "last_night"]))
    facts = overview(summary)
    if images is None and len(summary) and segments is not None:
        table = nights_table(segments.loc[segments["subject_id"].astype("str").isin(set(summary["subject_id"]))],
                             program, until, enrolment=enrolment)
        images = cohort_figures(summary, table, program)
    gone = [f"<b>{_e(r['subject_id'])}</b>: {_e(left_out_words(r))} ({plural(int(r['segments']), 'segment')}, "
            f"{_e(day(r['first_night']))} to {_e(day(r['last_night']))})" for r in left_out.to_dict("records")]
    captions = {"distribution": "Adherence across subjects", "by_week": "Adherence by week since start",
                "progression": "Time to progression"}
    notes = {"distribution": "Left: the share of compliant nights in each subject's daily phase (up to "
                             "progression). Right: the share of complete maintenance windows met.",
             "by_week": "Every observed night counts; after progression the card asks only "
                        f"{program.maintenance.min_per_window} of {program.maintenance.window_nights} nights, "
                        "so the share falls after the first week or two without anything being wrong.",
             "progression": "Kaplan-Meier estimate of the share of subjects progressed by night since "
                            "their first night; + marks a subject observed to the end without progressing."}
    figures = "".join(f"<h3>{_e(captions[k])}</h3><p class='note'>{_e(notes[k])}</p>"
                      f"<img alt='{_e(captions[k])}' src='{data_uri(v)}'>" for k, v in (images or {}).items())
    made = dt.datetime.now()
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>", _CSP,
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='note'>{_e(_sources(report))}Made {_e(f'{made:%Y-%m-%d %H:%M}')} with rollstats and the "
        f"program <b>{_e(program.name)}</b>" + (f", nights up to {_e(day(until))}" if until else "") + ".</p>",
        _contents(summary, left_out),
        "<h2 id='cohort'>The cohort</h2>",
        "".join(f"<p>{_e(s)}</p>" for s in cohort_sentences(facts, len(left_out), report.rows_rejected, program)),
        "<h2 id='figures'>Figures</h2>", figures or "<p>No figure: no subject rolled.</p>",
        "<h2 id='attention'>Needs attention</h2>",
        "<p class='note'>Alerts in force on the last night of observation, the most serious first, "
        "with the mistakes each subject's log shows; then the mistakes of the other subjects.</p>",
        _attention(summary),
        "<h2 id='subjects'>Per subject</h2>", _subject_table(summary),
        f"<p class='note'>Compliant nights: nights with at least {program.daily.minimum_s:g} s of rolling on "
        "hips and legs. Daily-phase adherence: compliant nights of the daily phase (up to the progression "
        "night) out of its nights. Maintenance windows met: complete "
        f"{program.maintenance.window_nights}-night windows after progression with at least "
        f"{program.maintenance.min_per_window} compliant nights. {EMPTY} means none: no daily-phase night, "
        "no progression, or no complete maintenance window yet. Every column, under its code: "
        "<code>rollstats summary FILE --format csv</code>.</p>", _unknown_flags(summary),
        "<h2 id='left-out'>Subjects left out</h2>",
        _list(gone, "None: every subject of the export is in the table."),
        "<h2 id='read'>What was read</h2>", _read(report, rejects),
        "<h2 id='rules'>Rules in force</h2>",
        f"<p>{_e(program.name)}: {_e(program.card)}</p>",
        _list([_e(s) for s in rules_sentences(program)], ""),
        "<p class='note'>Every figure is defined in docs/definitions.md of rollstats; "
        "<code>rollstats program</code> prints these rules as settings.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


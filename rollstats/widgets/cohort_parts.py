"""The Cohort explorer's parts: its layout, and the panels below its figures: needs
attention, the subject table (sortable by any column), a subject's review in the page, and the CSV
files named after the filters.

A part of :class:`rollstats.widgets.CohortExplorer` (a base class it inherits from): the methods
here use the controls the explorer makes and the pure functions of :mod:`rollstats.views`.
"""
from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..output import to_csv
from ..views.cohort import FIGURE_TITLES, shown_table
from ..views.cohort_notes import ALERT_WORDS, COLUMN_WORDS, export_name, needs_attention, plain_headers, sort_by
from ._common import data_link, error_html, table_html

#: the table's first sort: adherence, lowest first
FIRST_SORT = ("adherence_%", True)
#: the subject table's look: one line a subject, numbers to the right, headers wrapped
TABLE_STYLE = ("<style>.rs-cohort-table{border-collapse:collapse;font-size:12px}"
               ".rs-cohort-table td{white-space:nowrap;padding:1px 8px;text-align:right}"
               ".rs-cohort-table th{padding:2px 8px;text-align:right;vertical-align:bottom;line-height:1.2}"
               ".rs-cohort-table td:first-child,.rs-cohort-table th:first-child{text-align:left}"
               ".rs-cohort-table tr:nth-child(even){background:#f5f5f5}</style>")


def attention_html(table: pd.DataFrame, limit: int = 12) -> str:
    """The "needs attention" panel: one line per subject, worst first (text escaped).

    >>> t = pd.DataFrame({"subject_id": ["<a>"], "alert": ["stalled"], "nights_without_rolling": [15],
    ...     "flags": ["adherence 20%"]})
    >>> print(attention_html(t))
    <ul class='rs-attention-list'><li><b>&lt;a&gt;</b>: stalled (15 nights without rolling); adherence 20%</li></ul>
    """
    if not len(table):
        return "<i>No subject has a disengagement alert or a flag in this selection.</i>"
    items = []
    for row in table.head(limit).itertuples(index=False):
        parts = []
        if row.alert:
            parts.append(f"{ALERT_WORDS.get(row.alert, row.alert)} ({row.nights_without_rolling} nights without "
                         "rolling)")
        if row.flags:
            parts.append(row.flags)
        items.append(f"<li><b>{html.escape(str(row.subject_id))}</b>: {html.escape('; '.join(parts))}</li>")
    more = f"<li>and {len(table) - limit} more</li>" if len(table) > limit else ""
    return f"<ul class='rs-attention-list'>{''.join(items)}{more}</ul>"


class CohortPanels:
    """Attention, table, review and CSV panels of the Cohort explorer, and the page's layout."""

    # ----- layout
    def _layout(self) -> W.Widget:
        def titled(name: str, image: W.Image) -> W.Widget:
            return W.VBox([W.HTML(f"<b>{html.escape(FIGURE_TITLES[name])}</b>"), image])

        return W.VBox([
            W.HTML("<h3>Cohort explorer</h3>"),
            W.HBox([self.path, self.load_button, self.upload]), W.HBox([self.enrolment, self.tz]),
            self.progress, self.status, self.excluded_view,
            W.HBox([self.dates, self.dates_label, self.phase]), self.groups_box,
            W.HTML("<b>The cohort in words</b>"), self.summary_view,
            W.HTML("<b>Needs attention</b> (worst first: disengagement alerts in force on each subject's last "
                   "night in the range, then flags)"), self.attention_view,
            titled("distribution", self.distribution), titled("by_week", self.by_week_image),
            titled("progression", self.progression),
            W.HTML("<b>Subjects</b>"), W.HBox([self.sort, self.sort_order]), self.table_view,
            W.HTML("<b>One subject</b>: its patient review opens below"), self.review_pick, self.review_box,
            W.HTML("<b>Tables as CSV</b>"), W.HBox([self.csv_folder, self.csv_button]), self.csv_status,
            self.downloads,
        ])

    # ----- the subject table
    def _show_table(self) -> None:
        column, ascending = self.sort.value, self.sort_order.value == "lowest first"
        shown = shown_table(self.subjects)
        if column not in shown:
            column = "subject_id"
        self.shown = sort_by(shown, column, ascending)
        self.subjects = self.subjects.set_index("subject_id").loc[self.shown["subject_id"]].reset_index()
        frame = plain_headers(self.shown).astype("object")
        self.table_view.value = (
            TABLE_STYLE + table_html(frame.where(frame.notna(), ""), classes="rollstats-table rs-cohort-table")
            if len(self.shown) else "<p>No subject has nights in this selection.</p>")
        ids = self.shown["subject_id"].tolist()
        with self._pause.hold():
            keep = self.review_pick.value if self.review_pick.value in ids else ""
            self.review_pick.options = [("choose a subject", "")] + [(i, i) for i in ids]
            self.review_pick.value = keep

    def _sorted(self, change=None) -> None:
        if not self._pause.on and self.subjects is not None:
            self._show_table()

    def _show_attention(self) -> None:
        self.attention = needs_attention(self.rows, self.subjects, self.program)
        self.attention_view.value = attention_html(self.attention)

    def sort_options(self) -> list[tuple[str, str]]:
        """The sort choices: every column of the table as shown, in people's words."""
        return [(COLUMN_WORDS.get(c, c), c) for c in shown_table(self.subjects).columns]

    # ----- a subject's review in the page
    def review_subject(self, subject: str | None) -> None:
        """Open the patient review of ``subject`` below the table (its nights, all of them)."""
        from .review import PatientReview

        if self.review is not None:
            self.review.close()
            self.review = None
        if not subject:
            self.review_box.children = []
            return
        mine = self.segments.loc[self.segments["subject_id"].astype("str") == subject]
        self.review = PatientReview(segments=mine, program=self.program, folder=self.csv_folder.value or ".",
                                    figures=self.figures)
        self.review_box.children = [
            W.HTML(f"<b>Patient review of {html.escape(subject)}</b> "
                   "(all of this subject's nights; the filters above do not apply)"),
            self.review.widget]

    def _review_changed(self, change=None) -> None:
        if not self._pause.on and self.segments is not None:
            self.review_subject(self.review_pick.value)

    # ----- files
    def tidy_tables(self) -> dict[str, pd.DataFrame]:
        """The tidy tables behind what is shown: ``subjects`` (one row per subject), ``nights``
        (one row per subject and night, after the filters) and ``weeks`` (adherence by week since start)."""
        rows = self.rows if self.phase.value == "all" else self.rows.loc[self.rows["phase"] == self.phase.value]
        return {"subjects": self.subjects, "nights": rows.reset_index(drop=True), "weeks": self.by_week}

    def write_csv(self, _button=None) -> list[Path]:
        """Write the tidy tables as CSV (formulas neutralised) into ``csv_folder``, with download links;
        the file names carry the filters (:func:`rollstats.views.cohort_notes.export_name`)."""
        if self.subjects is None:
            self.csv_status.value = error_html("Load a file first.")
            return []
        first, last = self.chosen_dates
        folder = Path(self.csv_folder.value.strip() or ".").expanduser()
        written, links = [], []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, table in self.tidy_tables().items():
                file_name = export_name(name, first, last, self.chosen_groups, self.phase.value)
                text = to_csv(table)
                path = folder / file_name
                path.write_text(text, encoding="utf-8", newline="")
                written.append(path)
                links.append(data_link(file_name, text.encode("utf-8"), "text/csv"))
        except OSError as exc:
            self.csv_status.value = error_html(f"CSV not written: {exc}")
            return written
        self.csv_status.value = (f"Written for {html.escape(self.filters_text)}: "
                                 + ", ".join(f"<code>{html.escape(str(p))}</code>" for p in written))
        self.downloads.value = "Download: " + " &middot; ".join(links)
        return written

"""The Cohort explorer: filter a cohort by dates, subgroup and phase; see its figures, who needs
attention, a per-subject table, and any subject's review.

The pure functions behind it (filtering the cohort's nights, the per-subject table, the inputs
of the cohort figures, the attention list) live in :mod:`rollstats.views.cohort` and
:mod:`rollstats.views.cohort_notes`; :class:`CohortExplorer` only wires controls to them. A
file is read once (with a progress bar) and its nights table computed once; every filter
slices that table. Every text that depends on the filters is inside the widget and follows them.
Subjects that :func:`rollstats.summarize` and the cohort report leave out are left out here too,
named with the same reason.

Filters, and what they change:

- **date range**: only nights in the range count (a subject's weeks and nights to progression
  are still counted from its own first night);
- **subgroups**: the group columns of an enrolment table (``arm``, ``site``...), when one is
  given; each picks one value or all;
- **phase**: all nights, the daily phase only (as daily adherence is defined) or the
  maintenance phase only. Time to progression ignores the phase (it is about leaving the daily
  phase) and is censored at the end of the date range.

>>> from rollstats.datasets import sample_path
>>> explorer = CohortExplorer(sample_path("cohort"), figures=False)
>>> explorer.phase.value = "daily"
>>> print(explorer.summary.splitlines()[0])
29 of 29 subjects; nights 5 Jan 2026 to 4 May 2026; daily phase
>>> explorer.excluded["subject_id"].tolist()   # as in the summary and the report: no rolling logged
['S05']
>>> explorer.close()
"""
from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..io import IngestReport
from ..io.enrolment import read_enrolment
from ..metrics.cohort import adherence_by_week_since_start, kaplan_meier
from ..program import Program
from ..render import Pictures
from ..views.cohort import (
    FIGURES,
    PHASES,
    CohortTables,
    cohort_summary,
    cohort_tables,
    filter_nights,
    progression_times,
    subject_table,
)
from ..views.cohort_notes import left_out_words
from ..words import date_text as _date_label
from ._common import Pause, chosen_range, figure_image, range_words, set_range_options
from .cohort_parts import FIRST_SORT, CohortPanels
from .loader import WIDE as _WIDE
from .loader import FileLoader


class CohortExplorer(CohortPanels):
    """Explore a cohort's adherence: filters in, the cohort figures, who needs attention, a
    per-subject table, a subject's review and CSV files out.

    ``path`` (a file, a folder or a list) is read at once, or ``segments`` (a canonical table)
    is used as is; ``enrolment`` (a CSV path or a table of :func:`rollstats.read_enrolment`)
    sets each subject's observation and brings the group columns to filter on; ``program`` the
    rules, ``tz`` the zone of times without an offset, ``folder`` where the CSV button writes.
    ``figures=False`` leaves the images empty. Display it as the last expression of a cell;
    ``explorer.subjects`` is the per-subject table as filtered and sorted.
    """

    def __init__(self, path=None, segments: pd.DataFrame | None = None, enrolment=None,
                 program: Program | None = None, tz: str | None = None, folder: str | Path = ".",
                 dpi: float = 100, figures: bool = True):
        self.program = program or Program.default()
        self.figures = figures
        self.segments: pd.DataFrame | None = None
        self.ingest: IngestReport | None = None
        self.tables: CohortTables | None = None
        self.rows: pd.DataFrame | None = None       #: nights after the date and subgroup filters
        self.subjects: pd.DataFrame | None = None   #: the per-subject table, filtered and sorted
        self.shown: pd.DataFrame | None = None      #: the same as shown (shares in %, sorted)
        self.by_week: pd.DataFrame | None = None    #: adherence by week since start (filtered)
        self.times: pd.DataFrame | None = None      #: nights to progression (filtered)
        self.attention: pd.DataFrame | None = None  #: who needs attention, worst first
        self.excluded: pd.DataFrame | None = None   #: subjects left out, with the reason
        self.enrolment_table: pd.DataFrame | None = None
        self.review = None                          #: the PatientReview of the subject chosen below the table
        self.pictures = Pictures(dpi, keep=24)   #: the pictures of recent filters (layouts reused)
        self._pause = Pause()

        self.files = FileLoader(self.program, self._loaded, tz=tz,
                                     placeholder="path to a cohort export or folder", progress_at=80)
        self.path, self.load_button, self.upload = self.files.path, self.files.load_button, self.files.upload
        self.tz, self.progress, self.status = self.files.tz, self.files.progress, self.files.status
        self.enrolment = W.Text(description="Enrolment", placeholder="optional: subject_id,start,end,group...",
                                style=_WIDE, layout=W.Layout(width="420px"))
        self.dates = W.SelectionRangeSlider(options=[("no file loaded", None)], index=(0, 0), description="Nights",
                                            continuous_update=False, disabled=True, readout=False, style=_WIDE,
                                            layout=W.Layout(width="460px"))
        self.dates_label = W.HTML()   #: the range chosen, in full (the slider's own readout is cut)
        self.phase = W.Dropdown(options=[(words, key) for key, words in PHASES.items()], value="all",
                                description="Phase", style=_WIDE)
        self.groups: dict[str, W.Dropdown] = {}
        self.groups_box = W.HBox()
        self.sort = W.Dropdown(options=[("adherence %", FIRST_SORT[0])], value=FIRST_SORT[0], description="Sort by",
                               style=_WIDE)
        self.sort_order = W.ToggleButtons(options=["lowest first", "highest first"], value="lowest first",
                                          style={"button_width": "110px"})
        self.summary_view = W.HTML()
        self.excluded_view = W.HTML()
        self.attention_view = W.HTML()
        self.table_view = W.HTML(layout=W.Layout(overflow="auto", width="100%"))   # every row: no inner scroll
        self.review_pick = W.Dropdown(options=[("choose a subject", "")], value="", description="Review",
                                      style=_WIDE, layout=W.Layout(width="360px"))
        self.review_box = W.VBox()
        self.distribution = figure_image()
        self.by_week_image = figure_image()
        self.progression = figure_image()
        self.csv_folder = W.Text(value=str(folder), description="Folder", style=_WIDE)
        self.csv_button = W.Button(description="Write CSV files", icon="table")
        self.csv_status = W.HTML()
        self.downloads = W.HTML()

        for control, css in ((self.enrolment, "rs-enrolment"), (self.dates_label, "rs-dates-label"),
                             (self.dates, "rs-dates"), (self.phase, "rs-phase"), (self.groups_box, "rs-groups"),
                             (self.sort, "rs-sort"), (self.sort_order, "rs-sort-order"),
                             (self.summary_view, "rs-summary"), (self.excluded_view, "rs-excluded"),
                             (self.attention_view, "rs-attention"), (self.review_pick, "rs-review-pick"),
                             (self.table_view, "rs-subject-table"), (self.distribution, "rs-figure-distribution"),
                             (self.by_week_image, "rs-figure-by-week"), (self.progression, "rs-figure-progression"),
                             (self.csv_folder, "rs-csv-folder"), (self.csv_button, "rs-csv-button"),
                             (self.csv_status, "rs-csv-status"), (self.downloads, "rs-downloads")):
            control.add_class(css)

        for control in (self.dates, self.phase):
            control.observe(self._changed, names="value")
        self.sort.observe(self._sorted, names="value")
        self.sort_order.observe(self._sorted, names="value")
        self.review_pick.observe(self._review_changed, names="value")
        self.csv_button.on_click(self.write_csv)
        self.widget = self._layout()

        if enrolment is not None:
            if isinstance(enrolment, (str, Path)):
                self.enrolment.value = str(enrolment)
            else:
                self.enrolment_table = enrolment
        if segments is not None:
            self.set_segments(segments)
        elif path is not None:
            self.load(path)

    # ----- reading
    def load(self, path) -> bool:
        """Read ``path`` (a file, a folder or a list of them) and show the cohort; True when read."""
        return self.files.load(path)

    def _loaded(self, result, names: str) -> None:
        self.set_segments(result.segments, result.report, source=names)

    def set_segments(self, segments: pd.DataFrame, report: IngestReport | None = None,
                     source: str | None = None) -> None:
        """Use ``segments`` (a canonical table): compute the cohort's nights once and show them."""
        if self.enrolment.value.strip():
            self.enrolment_table = read_enrolment(Path(self.enrolment.value.strip()).expanduser())
        if not len(segments):
            raise ValueError(f"{source or 'the table'}: no accepted rows")
        tables = cohort_tables(segments, self.program, self.enrolment_table)
        if not len(tables.nights):   # everyone left out: say why, and keep what was shown
            why = "; ".join(f"{s}: {r}" for s, r in left_out_words(tables.left_out.head(5)))
            raise ValueError(f"{source or 'the table'}: no subject to show, all are left out ({why})")
        self.segments, self.ingest, self.tables = segments, report, tables
        self.excluded = tables.left_out
        self.pictures.clear()
        self.review_subject(None)
        n, gone = tables.nights["subject_id"].nunique(), len(self.excluded)
        what = f"<b>{html.escape(source)}</b>: " if source else ""
        read = f"{html.escape(str(report))}. " if report is not None else ""
        self.status.value = f"{what}{read}{n} subjects" + (f", {gone} left out (named below)." if gone else ".")
        self.excluded_view.value = "".join(
            f"<div class='rs-left-out'>Left out: <b>{html.escape(s)}</b>: {html.escape(r)}</div>"
            for s, r in left_out_words(self.excluded))
        first, last = self.tables.nights["night"].min(), self.tables.nights["night"].max()
        days = [d.date() for d in pd.date_range(first, last, freq="D")]
        with self._pause.hold():
            set_range_options(self.dates, days, _date_label)
            self.dates.disabled = False
            self.groups = {}
            for column in self.tables.group_columns:
                values = sorted(str(v) for v in self.tables.groups[column].dropna().unique())
                control = W.Dropdown(options=[("all", "all"), *[(v, v) for v in values]], value="all",
                                     description=column, style=_WIDE)
                control.add_class("rs-group")
                control.add_class(f"rs-group-{column}")
                control.observe(self._changed, names="value")
                self.groups[column] = control
            self.groups_box.children = list(self.groups.values())
        self.refresh()

    # ----- filtering
    def _changed(self, change=None) -> None:
        if not self._pause.on and self.tables is not None:
            self.refresh()

    @property
    def chosen_groups(self) -> dict[str, str]:
        return {column: control.value for column, control in self.groups.items()}

    @property
    def chosen_dates(self) -> tuple:
        """The first and last night of the range chosen."""
        return chosen_range(self.dates)

    @property
    def filters_text(self) -> str:
        """The filters in words, e.g. ``nights 12 Jan 2026 to 11 Apr 2026, all nights, arm = B``."""
        first, last = self.chosen_dates
        groups = [f"{k} = {v}" for k, v in self.chosen_groups.items() if v != "all"]
        return ", ".join([f"nights {_date_label(first)} to {_date_label(last)}", PHASES[self.phase.value], *groups])

    def refresh(self) -> None:
        """Apply the filters to the cohort's nights and show the result (no file is read)."""
        first, last = self.chosen_dates
        phase, chosen = self.phase.value, self.chosen_groups
        self.dates_label.value = range_words(first, last)
        self.rows = rows = filter_nights(self.tables, first, last, chosen)
        self.subjects = subject_table(self.tables, first, last, chosen, phase)
        self.times = progression_times(self.tables, first, last, chosen)
        self.by_week = adherence_by_week_since_start(rows, phase=None if phase == "all" else phase)
        with self._pause.hold():
            kept, options = self.sort.value, self.sort_options()
            self.sort.options = options
            self.sort.value = kept if kept in [v for _, v in options] else FIRST_SORT[0]
        self._show_table()
        self._show_attention()
        # the words last: once they name the new filters, the table and the review's choices follow them
        self.summary_view.value = "<br>".join(html.escape(line) for line in self.summary.splitlines())
        self.downloads.value = ""
        self.csv_status.value = ""
        self._draw(first, last, phase, chosen)

    @property
    def summary(self) -> str:
        """The filtered cohort in plain lines (:func:`cohort_summary`)."""
        if self.subjects is None:
            return "no file loaded"
        first, last = self.chosen_dates
        return cohort_summary(self.subjects, self.times, self.tables.groups["subject_id"].nunique(), first, last,
                              self.phase.value, self.chosen_groups)

    def _draw(self, first, last, phase, chosen) -> None:
        """Show the cohort figures of the filters, drawing only those not drawn for them before."""
        if not self.figures:
            return
        from ..plots import plot_adherence_by_week, plot_adherence_distribution, plot_time_to_progression

        groups = tuple(sorted(chosen.items()))
        builders = {
            "distribution": lambda: plot_adherence_distribution(self.subjects, column="adherence"),
            "by_week": lambda: plot_adherence_by_week(self.by_week, program=self.program),
            "progression": lambda: plot_time_to_progression(kaplan_meier(self.times), progressed=True),
        }
        images = {"distribution": self.distribution, "by_week": self.by_week_image, "progression": self.progression}
        for name in FIGURES:
            # time to progression ignores the phase filter
            key = (name, first, last, groups) if name == "progression" else (name, first, last, groups, phase)
            empty = len(self.times) == 0 if name == "progression" else len(self.subjects) == 0
            # nothing to draw: no image rather than an empty axes
            images[name].value = b"" if empty else self.pictures.png(key, builders[name])

    # ----- display
    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close the widget and all its controls (and the review opened from it)."""
        def close(widget):
            for child in getattr(widget, "children", ()):
                close(child)
            widget.close()
        if self.review is not None:
            self.review.close()
        close(self.widget)

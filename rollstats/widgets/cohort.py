"""The Cohort explorer: filter a cohort by dates, subgroup and phase; see its figures and a per-subject table.

The pure functions behind it (filtering the cohort's nights, the per-subject table, the inputs
of the cohort figures) live in :mod:`rollstats.views.cohort`; :class:`CohortExplorer` only
wires controls to them. A file is read once (with
a progress bar) and its nights table computed once; every filter slices that table.

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
30 of 30 subjects; nights 5 Jan 2026 to 4 May 2026; daily phase
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
from ..output import to_csv
from ..program import Program
from ..render import Pictures
from ..views.cohort import (
    FIGURE_TITLES,
    FIGURES,
    PHASES,
    SORTS,
    CohortTables,
    cohort_summary,
    cohort_tables,
    filter_nights,
    progression_times,
    shown_table,
    sort_subjects,
    subject_table,
)
from ._common import (
    Pause,
    chosen_range,
    data_link,
    error_html,
    figure_image,
    set_range_options,
    table_html,
)
from ..words import date_text as _date_label
from .loader import WIDE as _WIDE
from .loader import FileLoader

class CohortExplorer:
    """Explore a cohort's adherence: filters in, the cohort figures, a per-subject table and CSV files out.

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
        self.by_week: pd.DataFrame | None = None    #: adherence by week since start (filtered)
        self.times: pd.DataFrame | None = None      #: nights to progression (filtered)
        self.enrolment_table: pd.DataFrame | None = None
        self.pictures = Pictures(dpi, keep=24)   #: the pictures of recent filters (layouts reused)
        self._pause = Pause()

        self.files = FileLoader(self.program, self._loaded, tz=tz, placeholder="path to a cohort export or folder",
                                progress_at=80)
        self.path, self.load_button, self.upload = self.files.path, self.files.load_button, self.files.upload
        self.tz, self.progress, self.status = self.files.tz, self.files.progress, self.files.status
        self.enrolment = W.Text(description="Enrolment", placeholder="optional: subject_id,start,end,group...",
                                style=_WIDE, layout=W.Layout(width="420px"))
        self.dates = W.SelectionRangeSlider(options=[("no file loaded", None)], index=(0, 0), description="Nights",
                                            continuous_update=False, disabled=True, style=_WIDE,
                                            layout=W.Layout(width="620px"))
        self.phase = W.Dropdown(options=[(words, key) for key, words in PHASES.items()], value="all",
                                description="Phase", style=_WIDE)
        self.groups: dict[str, W.Dropdown] = {}
        self.groups_box = W.HBox()
        self.sort = W.Dropdown(options=[(words, key) for key, (words, _, _) in SORTS.items()], value="adherence_asc",
                               description="Sort by", style=_WIDE)
        self.summary_view = W.HTML()
        self.table_view = W.HTML(layout=W.Layout(max_height="420px", overflow="auto"))
        self.distribution = figure_image()
        self.by_week_image = figure_image()
        self.progression = figure_image()
        self.csv_folder = W.Text(value=str(folder), description="Folder", style=_WIDE)
        self.csv_button = W.Button(description="Write CSV files", icon="table")
        self.csv_status = W.HTML()
        self.downloads = W.HTML()

        for control, css in ((self.enrolment, "rs-enrolment"),
                             (self.dates, "rs-dates"), (self.phase, "rs-phase"), (self.groups_box, "rs-groups"),
                             (self.sort, "rs-sort"), (self.summary_view, "rs-summary"),
                             (self.table_view, "rs-subject-table"), (self.distribution, "rs-figure-distribution"),
                             (self.by_week_image, "rs-figure-by-week"), (self.progression, "rs-figure-progression"),
                             (self.csv_folder, "rs-csv-folder"), (self.csv_button, "rs-csv-button"),
                             (self.csv_status, "rs-csv-status"), (self.downloads, "rs-downloads")):
            control.add_class(css)

        for control in (self.dates, self.phase):
            control.observe(self._changed, names="value")
        self.sort.observe(self._sorted, names="value")
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
        self.segments, self.ingest = segments, report
        self.tables = cohort_tables(segments, self.program, self.enrolment_table)
        self.pictures.clear()
        n = self.tables.nights["subject_id"].nunique()
        what = f"<b>{html.escape(source)}</b>: " if source else ""
        read = f"{html.escape(str(report))}. " if report is not None else ""
        self.status.value = f"{what}{read}{n} subjects."
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

    def _sorted(self, change=None) -> None:
        if not self._pause.on and self.subjects is not None:
            self.subjects = sort_subjects(self.subjects, self.sort.value)
            self.table_view.value = table_html(shown_table(self.subjects))

    @property
    def chosen_groups(self) -> dict[str, str]:
        return {column: control.value for column, control in self.groups.items()}

    def refresh(self) -> None:
        """Apply the filters to the cohort's nights and show the result (no file is read)."""
        first, last = chosen_range(self.dates)
        phase, chosen = self.phase.value, self.chosen_groups
        self.rows = rows = filter_nights(self.tables, first, last, chosen)
        self.subjects = sort_subjects(subject_table(self.tables, rows, phase, first, last), self.sort.value)
        self.times = progression_times(self.tables, rows)
        self.by_week = adherence_by_week_since_start(rows, phase=None if phase == "all" else phase)
        self.summary_view.value = "<br>".join(html.escape(line) for line in self.summary.splitlines())
        self.table_view.value = (table_html(shown_table(self.subjects)) if len(self.subjects)
                                 else "<p>No subject has nights in this selection.</p>")
        self.downloads.value = ""
        self._draw(first, last, phase, chosen)

    @property
    def summary(self) -> str:
        """The filtered cohort in plain lines (:func:`cohort_summary`)."""
        if self.subjects is None:
            return "no file loaded"
        first, last = chosen_range(self.dates)
        return cohort_summary(self.subjects, self.times, self.tables.groups["subject_id"].nunique(), first, last,
                              self.phase.value, self.chosen_groups)

    def _draw(self, first, last, phase, chosen) -> None:
        """Show the cohort figures of the filters, drawing only those not drawn for them before."""
        if not self.figures:
            return
        from ..plots import (
            plot_adherence_by_week,
            plot_adherence_distribution,
            plot_time_to_progression,
        )

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

    # ----- files
    def tidy_tables(self) -> dict[str, pd.DataFrame]:
        """The tidy tables behind what is shown: ``subjects`` (one row per subject), ``nights``
        (one row per subject and night, after the filters) and ``weeks`` (adherence by week since start)."""
        rows = self.rows if self.phase.value == "all" else self.rows.loc[self.rows["phase"] == self.phase.value]
        return {"subjects": self.subjects, "nights": rows.reset_index(drop=True), "weeks": self.by_week}

    def write_csv(self, _button=None) -> list[Path]:
        """Write the tidy tables as CSV (formulas neutralised) into ``csv_folder``, with download links."""
        if self.subjects is None:
            self.csv_status.value = error_html("Load a file first.")
            return []
        first, last = chosen_range(self.dates)
        folder = Path(self.csv_folder.value.strip() or ".").expanduser()
        written, links = [], []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, table in self.tidy_tables().items():
                file_name = f"rollstats-cohort-{name}-{first:%Y-%m-%d}-{last:%Y-%m-%d}.csv"
                text = to_csv(table)
                path = folder / file_name
                path.write_text(text, encoding="utf-8", newline="")
                written.append(path)
                links.append(data_link(file_name, text.encode("utf-8"), "text/csv"))
        except OSError as exc:
            self.csv_status.value = error_html(f"CSV not written: {exc}")
            return written
        self.csv_status.value = "Written: " + ", ".join(f"<code>{html.escape(str(p))}</code>" for p in written)
        self.downloads.value = "Download: " + " &middot; ".join(links)
        return written

    # ----- layout and display
    def _layout(self) -> W.Widget:
        def titled(name: str, image: W.Image) -> W.Widget:
            return W.VBox([W.HTML(f"<b>{html.escape(FIGURE_TITLES[name])}</b>"), image])

        return W.VBox([
            W.HTML("<h3>Cohort explorer</h3>"),
            W.HBox([self.path, self.load_button, self.upload]), W.HBox([self.enrolment, self.tz]),
            self.progress, self.status,
            W.HBox([self.dates, self.phase]), self.groups_box,
            self.summary_view,
            titled("distribution", self.distribution), titled("by_week", self.by_week_image),
            titled("progression", self.progression),
            W.HTML("<b>Subjects</b>"), self.sort, self.table_view,
            W.HTML("<b>Tables as CSV</b>"), W.HBox([self.csv_folder, self.csv_button]), self.csv_status,
            self.downloads,
        ])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close the widget and all its controls."""
        def close(widget):
            for child in getattr(widget, "children", ()):
                close(child)
            widget.close()
        close(self.widget)

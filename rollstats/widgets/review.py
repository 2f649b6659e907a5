"""The Patient review: pick a file and a subject, a date range; see the figures, the mistakes, any night's audit.

The widget only wires controls to the pure functions of :mod:`rollstats.views` and asks
:mod:`rollstats.render` for the pictures. A file is read once (:meth:`PatientReview.load`, with
a progress bar); the tables of every subject (nights, windows, sessions, audit) are computed
once, together, at the first visit (:class:`rollstats.views.patient_cohort.CohortTables`);
moving the date range slices those tables and redraws only the
figures whose inputs changed, on figures kept drawn (:class:`rollstats.render.Pictures`, which
also keeps the pictures of ranges already seen). Everything shown is kept in attributes
(``summary_view.value``, ``mistakes.value``, ``calendar.value`` ...), so it works and tests
without a browser.

>>> from rollstats.datasets import sample_path
>>> review = PatientReview(sample_path("patient"), figures=False)
>>> review.subject.value, review.dates.value
('P1', (datetime.date(2026, 1, 12), datetime.date(2026, 4, 11)))
>>> import datetime as dt
>>> review.dates.value = (dt.date(2026, 1, 12), dt.date(2026, 1, 18))
>>> print(review.summary.splitlines()[7])
  Compliant nights: 5 of 7 nights (71%)
>>> review.close()
"""
from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..io import IngestReport
from ..program import Program
from ..render import Pictures
from ..views import (FIGURE_TITLES, Review, SubjectTables, day, drawing_key, figure_key, key_figures_html, mistakes,
                     mistakes_html, night_audit_html, review, review_drawing, show_review, subjects, summary_text)
from ..views.patient_cohort import CohortTables
from ..views.patient_figures import LIVE, PAIN, has_pain
from ..words import date_text as _date_label
from . import review_nights as nights
from ._common import Pause, chosen_range, error_html, figure_image, range_words, set_range_options
from .loader import WIDE as _WIDE
from .loader import FileLoader
from .review_ahead import DrawAhead
from .review_nights import Busy, NightPanel
from .review_report import ReportWriting


class PatientReview(ReportWriting):
    """Review one subject's log against the card: controls in, figures, words and a report out.

    ``path`` (a file, a folder or a list) is read at once, or ``segments`` (a canonical table
    already loaded) is used as is; ``program`` sets the rules (default: the card), ``tz`` the
    zone of times without an offset, ``folder`` where the report button writes (default: the
    current directory). ``dpi`` is the resolution of the figures on screen, ``report_dpi`` in
    the report; ``figures=False`` leaves the images empty (faster, for text-only use).
    Display it in a notebook as the last expression of a cell; ``review.view`` is the current
    :class:`~rollstats.views.Review`.
    """

    def __init__(self, path=None, segments: pd.DataFrame | None = None, program: Program | None = None,
                 tz: str | None = None, folder: str | Path = ".", dpi: float = 100, report_dpi: float = 100,
                 figures: bool = True):
        self.program = program or Program.default()
        self.dpi, self.report_dpi, self.figures = dpi, report_dpi, figures
        self.segments: pd.DataFrame | None = None  #: the canonical segments of the file read
        self.rejects: pd.DataFrame | None = None   #: its refused rows
        self.ingest: IngestReport | None = None    #: what happened to every row
        self.source: str | None = None             #: names of the files read (no folders)
        self.tables: SubjectTables | None = None   #: the current subject's tables
        self.view: Review | None = None            #: the current subject over the current range
        self.redrawn: list[str] = []               #: figures redrawn by the last change (for benchmarks)
        self._tables: dict[str, SubjectTables] = {}
        #: the pictures of the last 48 ranges (four a range; PNG bytes, about 20 MB at most) and the
        #: figures of the last four subjects (calendar, timeline, pain; one body map for all), kept drawn
        self.pictures = Pictures(dpi, keep=4 * 48, figures=3 * 4 + 1)
        self._pause = Pause()

        # what to read
        self.files = FileLoader(self.program, self._loaded, tz=tz)
        self.path, self.load_button, self.upload = self.files.path, self.files.load_button, self.files.upload
        self.tz, self.progress, self.status = self.files.tz, self.files.progress, self.files.status
        # what to look at
        self.subject = W.Dropdown(description="Subject", options=[], style=_WIDE)
        self.dates = W.SelectionRangeSlider(options=[("no file loaded", None)], index=(0, 0), description="Nights",
                                            continuous_update=False, disabled=True, readout=False, style=_WIDE,
                                            layout=W.Layout(width="460px"))
        self.dates_label = W.HTML()   #: the range chosen, in full (the slider's own readout is cut)
        self.night = W.Dropdown(description="Night", options=[], style=_WIDE, layout=W.Layout(width="360px"))
        # what is shown
        self.summary_view = W.HTML()
        self.mistakes = W.HTML()
        self.audit_view = W.HTML()
        self.calendar = figure_image()
        self.timeline = figure_image()
        self.bodymap = figure_image()
        self.pain = figure_image()     #: pain before and after rolling by week (empty without a score)
        self.pain_note = W.HTML()      #: says so when the range has no pain score
        # the report
        self.report_folder = W.Text(value=str(folder), description="Folder", style=_WIDE)
        self.report_button = W.Button(description="Write report", icon="file",
                                      tooltip="one HTML file, figures included")
        self.report_status = W.HTML()

        for control, css in ((self.subject, "rs-subject"), (self.dates, "rs-dates"),
                             (self.dates_label, "rs-dates-label"), (self.night, "rs-night"), (self.summary_view, "rs-summary"),
                             (self.mistakes, "rs-mistakes"), (self.audit_view, "rs-audit"),
                             (self.calendar, "rs-figure-calendar"), (self.timeline, "rs-figure-timeline"),
                             (self.bodymap, "rs-figure-bodymap"), (self.pain, "rs-figure-pain"),
                             (self.pain_note, "rs-pain-note"), (self.report_folder, "rs-report-folder"),
                             (self.report_button, "rs-report-button"), (self.report_status, "rs-report-status")):
            control.add_class(css)

        self.busy = Busy()               #: "Drawing…" while the review redraws
        self.nights = NightPanel(self)   #: clicks on the calendar and timeline, previous / next problem night
        self.ahead = DrawAhead(self)     #: the neighbouring subjects' figures, drawn while idle
        self._cohort: CohortTables | None = None
        self.subject.observe(self._subject_changed, names="value")
        self.dates.observe(self._dates_changed, names="value")
        self.night.observe(self._night_changed, names="value")
        self.report_button.on_click(self.write_report)
        self.widget = self._layout()

        if segments is not None:
            self.set_segments(segments)
        elif path is not None:
            self.load(path)

    # ----- reading
    def load(self, path) -> bool:
        """Read ``path`` (a file, a folder or a list of them) and show its first subject; True when read."""
        return self.files.load(path)

    def _loaded(self, result, names: str) -> None:
        self.set_segments(result.segments, result.rejects, result.report, source=names)

    def set_segments(self, segments: pd.DataFrame, rejects: pd.DataFrame | None = None,
                     report: IngestReport | None = None, source: str | None = None) -> None:
        """Use ``segments`` (a canonical table) and show its first subject."""
        self.segments, self.rejects, self.ingest, self.source = segments, rejects, report, source
        self._tables.clear()
        self._cohort = None
        self.pictures.clear()
        ids = subjects(segments) if len(segments) else []
        read = f"{html.escape(str(report))}. " if report is not None else ""
        what = f"<b>{html.escape(source)}</b>: " if source else ""
        self.status.value = (f"{what}{read}{len(ids)} subject{'s' if len(ids) != 1 else ''}."
                             if ids else error_html(f"{source or 'The table'}: no accepted rows to review. "
                                                    f"{report or ''}"))
        with self._pause.hold():
            self.subject.options = ids
            self.subject.value = ids[0] if ids else None
        self._subject_changed()

    # ----- choosing
    def subject_tables(self, subject: str) -> SubjectTables:
        """The tables of ``subject``, computed on the first call and kept."""
        if subject not in self._tables:   # every subject's tables are computed at once, on the first call
            self._cohort = self._cohort or CohortTables(self.segments, self.program)
            self._tables[subject] = self._cohort.tables(subject)
        return self._tables[subject]

    def _subject_changed(self, change=None) -> None:
        if self._pause.on:
            return
        if self.segments is None or not self.subject.value:
            self._clear()
            return
        # the old subject's pictures are hidden until the new ones are set, never under the new numbers
        hidden = [getattr(self, name) for name in LIVE if self.figures]
        self.ahead.cancel()
        with self.busy(f"Drawing {self.subject.value}…", hide=hidden):
            self.tables = self.subject_tables(self.subject.value)
            with self._pause.hold():
                set_range_options(self.dates, [n.date() for n in self.tables.nights["night"]], _date_label)
                self.dates.disabled = False
            self.refresh()
        for name in (*nights.CLICKABLE, PAIN) if self.figures else ():   # on screen: ready the next change
            self.pictures.prepare(drawing_key(self.view, name))
        self.ahead.schedule()

    def _dates_changed(self, change=None) -> None:
        if not self._pause.on and self.tables is not None:
            with self.busy():
                self.refresh()

    def _night_changed(self, change=None) -> None:
        if not self._pause.on and self.tables is not None and self.night.value is not None:
            self.audit_view.value = night_audit_html(self.tables, self.night.value)
            self.nights.update_buttons()

    def _clear(self) -> None:
        self.tables = self.view = None
        with self._pause.hold():
            self.dates.options = [("no file loaded", None)]
            self.dates.disabled = True
            self.night.options = []
        for view in (self.summary_view, self.mistakes, self.audit_view, self.pain_note):
            view.value = ""
        for image in (self.calendar, self.timeline, self.bodymap, self.pain):
            image.value = b""
        self.nights.show_range()

    # ----- showing
    def refresh(self) -> None:
        """Slice the current subject's tables to the chosen nights and show them (no file is read)."""
        first, last = chosen_range(self.dates)
        self.dates_label.value = range_words(first, last)
        self.view = view = review(self.tables, first, last)
        self.summary_view.value = key_figures_html(view)
        self.mistakes.value = "<b>The card's common mistakes, the costliest first</b>" + mistakes_html(mistakes(view))
        rows = view.nights
        options = [(f"{day(n)}: {s:.0f} s", n.date()) for n, s in zip(rows["night"], rows["rolled_s"])]
        keep = self.night.value if self.night.value in {v for _, v in options} else options[-1][1]
        with self._pause.hold():
            self.night.options = options
            self.night.value = keep
        self.audit_view.value = night_audit_html(self.tables, keep)
        self.nights.show_range()
        self._draw(view)

    def _draw(self, view: Review) -> None:
        """Show the figures of ``view``, drawing only those whose pictures are not kept from before; the
        pain figure only for a range with a pain score (else a note says there is none)."""
        self.redrawn = []
        pain = self.figures and has_pain(view)
        for name in LIVE if self.figures else ():
            if name == PAIN and not pain:
                continue
            if (name, figure_key(view, name)) not in self.pictures:
                self.redrawn.append(name)
            getattr(self, name).value = self.png(name, view)
        if self.figures:   # without a score in the range: words instead of the picture
            self.pain.value = self.pain.value if pain else b""
            self.pain.layout.display = None if pain else "none"
            self.pain_note.value = "" if pain else "<i>No pain score logged in this range.</i>"

    def png(self, name: str, view: Review | None = None) -> bytes:
        """PNG bytes of the figure ``name`` (one of ``LIVE``: the calendar, timeline, body map, pain) of ``view``
        (default: the one shown), at ``dpi`` dots per inch: kept from before, or drawn now on the
        figures kept drawn.

        >>> from rollstats.datasets import sample_path
        >>> review = PatientReview(sample_path("patient"), figures=False, dpi=20)
        >>> review.png("calendar")[:4]   # drawn when asked for, even with no figures on screen
        b'\\x89PNG'
        >>> review.close()
        """
        view = view if view is not None else self.view
        return self.pictures.live_png((name, figure_key(view, name)), drawing_key(view, name),
                                       lambda: review_drawing(view, name),
                                       lambda drawing: show_review(drawing, view, name))

    @property
    def summary(self) -> str:
        """The current subject over the current range in plain text (key figures, then the mistakes)."""
        return summary_text(self.view) if self.view is not None else "no subject chosen"

    # ----- layout and display
    def _layout(self) -> W.Widget:
        def titled(name: str, image: W.Image) -> W.Widget:
            return W.VBox([W.HTML(f"<b>{html.escape(FIGURE_TITLES[name])}</b>"), image])

        return W.VBox([
            W.HTML("<h3>Patient review</h3>"),
            W.HBox([self.path, self.load_button, self.upload]), self.tz, self.progress, self.status,
            W.HBox([self.subject, self.dates, self.dates_label]),
            W.HBox([W.VBox([W.HTML("<b>Key figures</b>"), self.summary_view], layout=W.Layout(width="45%")),
                    W.VBox([self.mistakes], layout=W.Layout(width="55%"))]),
            self.busy.label,
            W.HBox([titled("calendar", self.calendar),   # a night clicked is audited beside the calendar
                    W.VBox([W.HTML("<b>Audit of one night</b> (click a night of the calendar or the timeline)"),
                            self.night, self.nights.widget, self.audit_view],
                           layout=W.Layout(min_width="340px", max_width="480px", margin="0 0 0 12px"))]),
            titled("timeline", self.timeline),
            W.VBox([W.HTML(f"<b>{html.escape(FIGURE_TITLES[PAIN])}</b>"), self.pain_note, self.pain]),
            titled("bodymap", self.bodymap),
            W.HTML("<b>Report</b>"), W.HBox([self.report_folder, self.report_button]), self.report_status,
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

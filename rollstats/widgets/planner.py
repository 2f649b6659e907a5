"""The Planner: plan rolling nights by clicking, and see what the card's rules make of them.

The widget only wires controls to the pure functions of :mod:`rollstats.plan`: every change
builds a :class:`~rollstats.plan.Plan` from the controls, projects it with the same metrics
that judge a real log, and shows the projected calendar, progression night, maintenance
schedule and warnings. Everything shown is kept in attributes (``progression_label.value``,
``warnings_html.value``, ``calendar.value`` ...), so it works and tests without a browser.

>>> planner = Planner(default_plan("2026-03-02"), figure=False)
>>> planner.progression_label.value
'<b>Projected progression night:</b> Wed 4 Mar 2026, the 3rd planned night (360 s in total, 300 s needed)'
>>> planner.night_boxes[1].value = False   # no rolling on Tuesdays: Wed is the 2nd night, Thu the 3rd
>>> planner.progression_label.value.split("</b> ")[1][:16]
'Thu 5 Mar 2026, '
>>> planner.close()
"""
from __future__ import annotations

import datetime as dt
import html
import tempfile
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..errors import RollstatsError
from ..io import load
from ..plan import (
    PLAN_SIDES,
    REGION_WORDS,
    WEEKDAYS,
    Plan,
    PlanError,
    default_plan,
    load_plan,
    maintenance_schedule,
    maintenance_text,
    plan_summary,
    plan_to_csv,
    plan_vs_actual,
    plan_warnings,
    progression_text,
    project,
    save_plan,
    to_ics,
)
from ..plots.calendar import calendar_drawing, calendar_grid, repaint_calendar
from ..program import Program
from ..render import Pictures
from ._common import Pause, error_html, table_html

_SIDE_TITLES = {"left": "left leg", "right": "right leg", "both": "both legs at once"}
_LOG_TYPES = ".csv,.json,.jsonl,.ndjson,.parquet,.pq,.xlsx,.xml,.zip"


def _weekday_boxes(chosen) -> list[W.Checkbox]:
    return [W.Checkbox(value=i in chosen, description=d, indent=False, layout=W.Layout(width="60px"))
            for i, d in enumerate(WEEKDAYS)]


class Planner:
    """Plan rolling nights against the card: controls in, projection, warnings and files out.

    ``plan`` sets the controls (default: :func:`rollstats.plan.default_plan`), ``program`` the
    rules (default: the card), ``folder`` where the export buttons write, ``figure=False``
    shows the calendar as a table instead of a figure (faster). Display it in a notebook as
    the last expression of a cell; ``planner.plan`` is the plan the controls say.
    """

    def __init__(self, plan: Plan | None = None, program: Program | None = None, folder: str | Path = ".",
                 figure: bool = True):
        self.program = program or Program.default()
        self.figure = figure
        self.pictures = Pictures(dpi=80, figures=2)  #: the calendar, kept drawn while the plan's weeks stay
        self._pause = Pause()
        self.projection = None  #: the :class:`~rollstats.plan.Projection` of the current plan
        self.warnings: list[str] = []  #: the current plan's warnings, plain sentences
        self.log: pd.DataFrame | None = None  #: segments of the last log read (kept for re-comparing)
        self.comparison: tuple[pd.DataFrame, pd.DataFrame] | None = None  #: per night, per week
        plan = plan or default_plan()
        wide = {"description_width": "110px"}
        self.start = W.DatePicker(description="First night", style=wide)
        self.time = W.TimePicker(description="At", style={"description_width": "30px"})
        self.weeks = W.IntSlider(min=1, max=52, description="Weeks", continuous_update=False, style=wide)
        self.night_boxes = _weekday_boxes(())
        self.maintenance_boxes = _weekday_boxes(())
        self.strengthening_boxes = _weekday_boxes(())
        self.hold = W.IntSlider(min=0, max=60, description="Hold (s)", continuous_update=False, style=wide,
                                tooltip="seconds on each tender spot; 0: no holds planned")
        self.sliders = {(r, s): W.IntSlider(min=0, max=300, step=5, continuous_update=False,
                                            layout=W.Layout(width="210px"))
                        for r in REGION_WORDS for s in PLAN_SIDES}
        # what the plan gives
        self.progression_label = W.HTML()
        self.maintenance_label = W.HTML()
        self.maintenance_html = W.HTML()
        self.warnings_html = W.HTML()
        self.calendar = W.Image(format="png", layout=W.Layout(max_width="100%", align_self="flex-start"))
        self.calendar_html = W.HTML()
        # files
        self.folder = W.Text(value=str(folder), description="Folder", style=wide)
        self.file_name = W.Text(value="rolling-plan", description="File name", style=wide)
        self.ics_button = W.Button(description="Export .ics", icon="calendar")
        self.csv_button = W.Button(description="Export CSV", icon="table")
        self.save_button = W.Button(description="Save plan", icon="save")
        self.export_status = W.HTML()
        # plan vs actual
        self.plan_path = W.Text(description="Saved plan", placeholder="folder/rolling-plan.json", style=wide)
        self.load_button = W.Button(description="Load plan", icon="folder-open")
        self.log_path = W.Text(description="Log file", placeholder="path to your export", style=wide)
        self.log_upload = W.FileUpload(accept=_LOG_TYPES, multiple=False, description="or upload")
        self.tz = W.Text(description="Time zone", placeholder="e.g. Europe/Berlin (times without offset)",
                         style=wide)
        self.subject = W.Dropdown(description="Subject", options=[], style=wide)
        self.compare_button = W.Button(description="Compare", icon="check", button_style="primary")
        self.comparison_html = W.HTML()

        self.set_plan(plan)
        controls = [self.start, self.time, self.weeks, self.hold, *self.night_boxes, *self.maintenance_boxes,
                    *self.strengthening_boxes, *self.sliders.values()]
        for control in controls:
            control.observe(self._changed, names="value")
        self.subject.observe(self._subject_changed, names="value")
        self.ics_button.on_click(self.export_ics)
        self.csv_button.on_click(self.export_csv)
        self.save_button.on_click(self.save)
        self.load_button.on_click(self.load_saved)
        self.compare_button.on_click(self.compare)
        self.widget = self._layout()

    # ----- the plan the controls say
    @property
    def plan(self) -> Plan:
        """The :class:`~rollstats.plan.Plan` the controls say (raises PlanError when they cannot)."""
        def days(boxes):
            return tuple(i for i, box in enumerate(boxes) if box.value)
        return Plan(self.start.value, nights=days(self.night_boxes), maintenance_nights=days(self.maintenance_boxes),
                    seconds={k: s.value for k, s in self.sliders.items()}, hold_s=self.hold.value or None,
                    strengthening=days(self.strengthening_boxes), weeks=self.weeks.value,
                    time=self.time.value or dt.time(21, 0), strengthening_s=self._strengthening_s)

    def set_plan(self, plan: Plan) -> None:
        """Set every control from ``plan`` and show its projection once."""
        with self._pause.hold():
            self._strengthening_s = plan.strengthening_s  # no control of its own: kept as the plan says
            self.weeks.max, self.hold.max = max(52, plan.weeks), max(60, round(plan.hold_s or 0))
            self.start.value, self.time.value, self.weeks.value = plan.start, plan.time, plan.weeks
            self.hold.value = round(plan.hold_s or 0)
            after = plan.nights if plan.maintenance_nights is None else plan.maintenance_nights
            for chosen, boxes in ((plan.nights, self.night_boxes), (after, self.maintenance_boxes),
                                  (plan.strengthening, self.strengthening_boxes)):
                for i, box in enumerate(boxes):
                    box.value = i in chosen
            given = {(r, s): v for r, s, v in plan.seconds}
            for key, slider in self.sliders.items():
                value = round(given.get(key, 0))
                slider.max = max(300, value)
                slider.value = value
        self.refresh()

    def _changed(self, change=None) -> None:
        if not self._pause.on:
            self.refresh()

    # ----- what the plan gives
    def refresh(self) -> None:
        """Project the current plan and show it (no file is read)."""
        try:
            plan = self.plan
        except PlanError as exc:
            self.warnings_html.value = error_html(str(exc))
            return
        program = self.program
        previous = self.projection
        self.projection = project(plan, program, previous=previous)  # a new hold keeps the nights
        self.warnings = plan_warnings(plan, program, self.projection)
        self.progression_label.value = ("<b>Projected progression night:</b> "
                                        + html.escape(progression_text(self.projection, program)))
        self.maintenance_label.value = ("<b>Maintenance after it:</b> "
                                        + html.escape(maintenance_text(self.projection, program)))
        schedule = maintenance_schedule(self.projection, program)
        self.maintenance_html.value = table_html(schedule) if len(schedule) else ""
        items = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
        self.warnings_html.value = (f"<b>Where the plan breaks the card:</b><ul>{items}</ul>" if items
                                    else "<b>The plan keeps the card.</b>")
        if previous is None or self.projection.nights is not previous.nights:
            self._draw()
        if self.log is not None and self.subject.value:
            self._compare_loaded()

    def _draw(self) -> None:
        nights = self.projection.nights
        if self.figure:
            self.calendar.value = self._calendar_png(nights)
            return
        week = (nights["night_index"] // 7 + 1).rename("week")
        grid = nights.assign(week=week, day=nights["night"].dt.strftime("%a")).pivot(
            index="week", columns="day", values="rolled_s")
        self.calendar_html.value = table_html(grid.reindex(columns=[d for d in WEEKDAYS if d in grid]).reset_index())

    def _calendar_png(self, nights: pd.DataFrame) -> bytes:
        """The calendar of a plan's ``nights``: the calendar of the same weeks kept drawn, coloured anew."""
        start, _, _, weeks = calendar_grid(nights["night"])
        program = self.program

        def build():
            calendar = calendar_drawing(nights, program=program, annotate=weeks <= 8)
            return calendar, calendar.changing, []
        return self.pictures.live_png(None, (start, weeks, program), build,
                                       lambda calendar: repaint_calendar(calendar, nights, program=program))

    @property
    def summary(self) -> str:
        """The current plan in four lines (:func:`rollstats.plan.plan_summary`)."""
        return plan_summary(self.plan, self.program, self.projection)

    # ----- files
    def _target(self, suffix: str) -> Path:
        folder = Path(self.folder.value or ".").expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{Path(self.file_name.value or 'rolling-plan').name}{suffix}"

    def _write(self, what: str, suffix: str, write) -> Path | None:
        try:
            path = self._target(suffix)
            write(path)
        except (OSError, RollstatsError) as exc:
            self.export_status.value = error_html(f"{what} not written: {exc}")
            return None
        self.export_status.value = f"{what} written to <code>{html.escape(str(path))}</code>"
        return path

    def export_ics(self, _button=None) -> Path | None:
        """Write ``<folder>/<file name>.ics``: the planned nights as calendar events."""
        return self._write("Calendar", ".ics", lambda p: p.write_bytes(to_ics(self.plan, self.program).encode("utf-8")))

    def export_csv(self, _button=None) -> Path | None:
        """Write ``<folder>/<file name>.csv``: the planned segments in the native export format."""
        return self._write("CSV", ".csv", lambda p: plan_to_csv(self.plan, p, self.program))

    def save(self, _button=None) -> Path | None:
        """Write ``<folder>/<file name>.json``: the plan, to compare with the log later."""
        path = self._write("Plan", ".json", lambda p: save_plan(self.plan, p))
        if path is not None and not self.plan_path.value:
            self.plan_path.value = str(path)
        return path

    # ----- plan vs actual
    def load_saved(self, _button=None) -> None:
        """Set the controls from the saved plan at ``plan_path``."""
        try:
            self.set_plan(load_plan(self.plan_path.value))
        except PlanError as exc:
            self.comparison_html.value = error_html(str(exc))

    def read_log(self) -> pd.DataFrame:
        """Read the uploaded file, else the file at ``log_path``; keep its segments in ``log``."""
        tz = self.tz.value.strip() or None
        if self.log_upload.value:
            item = self.log_upload.value[0]
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / Path(item["name"]).name
                path.write_bytes(bytes(item["content"]))
                segments = load(path, tz=tz, program=self.program).segments
        elif self.log_path.value.strip():
            segments = load(Path(self.log_path.value.strip()).expanduser(), tz=tz, program=self.program).segments
        else:
            raise PlanError("choose a log file: a path or an upload")
        self.log = segments
        ids = sorted(pd.unique(segments["subject_id"].astype("str")))
        with self._pause.hold():
            self.subject.options = ids
            self.subject.value = ids[0] if ids else None
        return segments

    def compare(self, _button=None) -> None:
        """Read the log and compare the plan with it, night by night and week by week."""
        try:
            self.read_log()
        except (OSError, RollstatsError) as exc:
            self.comparison_html.value = error_html(str(exc))
            return
        self._compare_loaded()

    def _subject_changed(self, change=None) -> None:
        if not self._pause.on and self.log is not None:
            self._compare_loaded()

    def _compare_loaded(self) -> None:
        try:
            self.comparison = plan_vs_actual(self.plan, self.log, self.program, subject=self.subject.value)
        except RollstatsError as exc:
            self.comparison_html.value = error_html(str(exc))
            return
        _, weeks = self.comparison
        planned, kept = int(weeks["planned_nights"].sum()), int(weeks["kept_nights"].sum())
        share = f" ({kept / planned:.0%})" if planned else ""
        shown = weeks.assign(week=weeks["week"] + 1, first_night=weeks["first_night"].dt.strftime("%a %d %b"),
                             match_rate=(weeks["match_rate"] * 100).round(0))
        self.comparison_html.value = (
            f"<b>{html.escape(str(self.subject.value))}: kept {kept} of {planned} planned nights{share}</b>"
            + table_html(shown[["week", "first_night", "planned_nights", "kept_nights", "extra_nights", "planned_s",
                            "actual_s", "match_rate"]].rename(columns={"match_rate": "match_%"})))

    # ----- layout and display
    def _layout(self) -> W.Widget:
        def row(label, boxes):
            return W.HBox([W.Label(label, layout=W.Layout(width="130px")), *boxes])
        header = [W.Label("", layout=W.Layout(width="190px"))] + [
            W.Label(_SIDE_TITLES[s], layout=W.Layout(width="210px")) for s in PLAN_SIDES]
        grid = [W.HBox(header)] + [
            W.HBox([W.Label(f"{words} (s a night)", layout=W.Layout(width="250px"))]
                   + [self.sliders[(region, side)] for side in PLAN_SIDES])
            for region, words in REGION_WORDS.items()]
        plan_tab = W.VBox([W.HBox([self.start, self.time, self.weeks]), row("Roll on", self.night_boxes),
                           row("After progression", self.maintenance_boxes),
                           row("Strengthening on", self.strengthening_boxes), self.hold, *grid])
        files_tab = W.VBox([self.folder, self.file_name, W.HBox([self.ics_button, self.csv_button, self.save_button]),
                            self.export_status])
        compare_tab = W.VBox([W.HBox([self.plan_path, self.load_button]), W.HBox([self.log_path, self.log_upload]),
                              self.tz, W.HBox([self.subject, self.compare_button]), self.comparison_html])
        tabs = W.Tab(children=[plan_tab, files_tab, compare_tab],
                     titles=("Plan", "Export", "Compare"))
        tabs.add_class("rs-planner-tabs")
        shown = self.calendar if self.figure else self.calendar_html
        return W.VBox([W.HTML("<h3>Plan my rolling nights</h3>"), tabs, self.progression_label, self.warnings_html,
                       shown, self.maintenance_label, self.maintenance_html])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close the widget and all its controls."""
        self.widget.close()
        for control in [*self.sliders.values(), *self.night_boxes, *self.maintenance_boxes, *self.strengthening_boxes]:
            control.close()

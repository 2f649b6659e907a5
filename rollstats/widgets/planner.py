"""The Planner: plan rolling nights by clicking, and see what the card's rules make of them.

The widget only wires controls to the pure functions of :mod:`rollstats.plan`: every change
builds a :class:`~rollstats.plan.Plan` from the controls, projects it with the same metrics
that judge a real log, and shows the projected calendar (nights that break the card marked),
progression night, maintenance schedule, warnings and the plan in words, beside the controls.
Everything shown is kept in attributes (``progression_label.value``, ``warnings_html.value``,
``calendar.value`` ...), so it works and tests without a browser. The export buttons and
Compare live in :mod:`.planner_files`, the arrangement of the controls in :mod:`.planner_layout`.

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

import ipywidgets as W
import pandas as pd

from ..plan import (
    PLAN_SIDES,
    REGION_WORDS,
    WEEKDAYS,
    Plan,
    PlanError,
    default_plan,
    maintenance_schedule,
    maintenance_text,
    plan_summary,
    plan_warnings,
    progression_text,
    project,
)
from ..plan.marks import broken_nights
from ..plots.calendar import calendar_grid
from ..plots.plan import plan_calendar_drawing, repaint_plan_calendar
from ..program import Program
from ..render import Pictures
from ._common import LOG_TYPES, Pause, error_html, table_html
from .planner_files import PlannerFiles
from .planner_layout import APPLIES, planner_layout

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weekday_boxes(chosen) -> list[W.Checkbox]:
    return [W.Checkbox(value=i in chosen, description=d, indent=False, layout=W.Layout(width="52px"))
            for i, d in enumerate(WEEKDAYS)]


class Planner(PlannerFiles):
    """Plan rolling nights against the card: controls in, projection, warnings and files out.

    ``plan`` sets the controls (default: :func:`rollstats.plan.default_plan`), ``program`` the
    rules (default: the card), ``folder`` where the export buttons write, ``figure=False``
    shows the calendar as a table instead of a figure (faster), ``dpi`` the calendar's
    resolution. Display it in a notebook as the last expression of a cell; ``planner.plan``
    is the plan the controls say.
    """

    def __init__(self, plan: Plan | None = None, program: Program | None = None, folder=".",
                 figure: bool = True, dpi: float = 100):
        self.program = program or Program.default()
        self.figure = figure
        self.pictures = Pictures(dpi=dpi, figures=2)  #: the calendar, kept drawn while the plan's weeks stay
        self._pause = Pause()
        self.projection = None  #: the :class:`~rollstats.plan.Projection` of the current plan
        self.warnings: list[str] = []  #: the current plan's warnings, plain sentences
        self.broken: pd.Series = pd.Series(dtype="str")  #: nights that break the card, with reasons
        self.log: pd.DataFrame | None = None  #: segments of the last log read (kept for re-comparing)
        self.comparison: tuple[pd.DataFrame, pd.DataFrame] | None = None  #: per night, per week
        plan = plan or default_plan()
        wide = {"description_width": "80px"}
        self.start = W.DatePicker(description="First night", style=wide, layout=W.Layout(width="230px"))
        self.time = W.TimePicker(description="at", style={"description_width": "20px"},
                                 layout=W.Layout(width="150px"))
        self.weeks = W.BoundedIntText(min=1, max=104, description="Weeks", style={"description_width": "50px"},
                                      layout=W.Layout(width="130px"))
        self.night_boxes = _weekday_boxes(())
        self.maintenance_boxes = _weekday_boxes(())
        self.strengthening_boxes = _weekday_boxes(())
        self.hold = W.IntSlider(min=0, max=60, description="Hold (s)", continuous_update=False, style=wide,
                                layout=W.Layout(width="330px"))
        self.sliders = {(r, s): W.IntSlider(min=0, max=300, step=5, continuous_update=False,
                                            layout=W.Layout(width="150px"))
                        for r in REGION_WORDS for s in PLAN_SIDES}
        # what the plan gives
        self.progression_label = W.HTML()
        self.maintenance_label = W.HTML()
        self.maintenance_html = W.HTML()
        self.warnings_html = W.HTML()
        self.words = W.HTML()   #: the plan in words, following every control
        self.note = W.HTML()    #: what the last change did not do, and why (cleared at the next change)
        self.calendar = W.Image(format="png", layout=W.Layout(max_width="100%", height="auto",
                                                              align_self="flex-start"))
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
        self.log_upload = W.FileUpload(accept=LOG_TYPES, multiple=False, description="or upload")
        self.tz = W.Text(description="Time zone", placeholder="e.g. Europe/Berlin", style=wide)
        self.subject = W.Dropdown(description="Subject", options=[], style=wide)
        self.compare_button = W.Button(description="Compare", icon="check", button_style="primary")
        self.comparison_html = W.HTML()
        for control, css in ((self.weeks, "rs-weeks"), (self.words, "rs-plan-words"), (self.note, "rs-plan-note"),
                             (self.warnings_html, "rs-plan-warnings"), (self.calendar, "rs-plan-calendar"),
                             (self.progression_label, "rs-plan-progression"), (self.export_status, "rs-export")):
            control.add_class(css)

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
        self.widget = planner_layout(self)

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
            self.weeks.max, self.hold.max = max(104, plan.weeks), max(60, round(plan.hold_s or 0))
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
            self.refresh(change)

    # ----- what the plan gives
    def refresh(self, change=None) -> None:
        """Project the current plan and show it (no file is read); ``change`` (a traitlets change)
        lets the note say when that change could not alter the plan."""
        self.note.value = ""
        try:
            plan = self.plan
        except PlanError as exc:
            self.warnings_html.value = error_html(str(exc))
            return
        program = self.program
        previous = self.projection
        self.projection = self._project(plan, previous)
        self.warnings = plan_warnings(plan, program, self.projection)
        broken = broken_nights(plan, program, self.projection)
        self.progression_label.value = ("<b>Projected progression night:</b> "
                                        + html.escape(progression_text(self.projection, program)))
        self.maintenance_label.value = ("<b>Maintenance after it:</b> "
                                        + html.escape(maintenance_text(self.projection, program)))
        schedule = maintenance_schedule(self.projection, program)
        self.maintenance_html.value = (table_html(schedule.rename(columns={"planned_nights": "nights planned"}))
                                       if len(schedule) else "")
        items = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
        marked = (f"<br><small>{len(broken)} nights that break the card are marked with a red dot on the "
                  "calendar.</small>" if len(broken) else "")
        self.warnings_html.value = (f"<b>Where the plan breaks the card:</b><ul>{items}</ul>{marked}" if items
                                    else "<b>The plan keeps the card.</b>")
        self.words.value = "<b>Your plan:</b> " + html.escape(plan_summary(plan, program, self.projection)
                                                                .splitlines()[0].removeprefix("plan: "))
        if change is not None and previous is not None:
            self.note.value = self._no_effect(change, previous)
        if (previous is None or self.projection.nights is not previous.nights
                or not broken.index.equals(self.broken.index)):
            self.broken = broken
            self._draw()
        self.broken = broken
        if self.log is not None and self.subject.value:
            self._compare_loaded()

    def _project(self, plan: Plan, previous):
        """The projection of ``plan``, keeping ``previous``'s nights table when it gives the same nights."""
        projection = project(plan, self.program, previous=previous)
        if previous is not None and projection.nights is not previous.nights and projection.nights.equals(
                previous.nights):
            projection = type(projection)(plan, projection.segments, previous.nights, projection.windows,
                                          projection.checks)
        return projection

    def _no_effect(self, change, previous) -> str:
        """A note when a weekday box changed and the projected nights did not, saying why."""
        boxes = {id(b): ("nights", i) for i, b in enumerate(self.night_boxes)}
        boxes.update({id(b): ("maintenance", i) for i, b in enumerate(self.maintenance_boxes)})
        which = boxes.get(id(change.get("owner") if isinstance(change, dict) else change.owner))
        if which is None or self.projection.nights is not previous.nights:
            return ""
        group, day = which
        name = _DAY_NAMES[day]
        progression = self.projection.progression_night
        if group == "nights" and progression is not None:
            why = (f"it applies until progression, and the projected progression night "
                   f"({progression:%a} {progression.day} {progression:%b}) comes before any {name}. "
                   f"The nights after it are set under \u201c{APPLIES['maintenance']}\u201d.")
        elif group == "maintenance" and progression is None:
            why = "it applies after progression, and this plan does not reach progression."
        else:
            return ""
        return (f"<span class='rs-no-effect'>{html.escape(name)} under \u201c{html.escape(APPLIES[group])}\u201d "
                f"changed nothing: {html.escape(why)}</span>")

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
        program, marked = self.program, list(self.broken.index)

        def build():
            drawing = plan_calendar_drawing(nights, program=program, marked=marked)
            return drawing, drawing.changing, [drawing.marks]
        return self.pictures.live_png(None, (start, weeks, program), build,
                                      lambda d: repaint_plan_calendar(d, nights, program=program, marked=marked))

    @property
    def summary(self) -> str:
        """The current plan in four lines (:func:`rollstats.plan.plan_summary`)."""
        return plan_summary(self.plan, self.program, self.projection)

    # ----- display
    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close the widget and all its controls."""
        def close(widget):
            for child in getattr(widget, "children", ()):
                close(child)
            widget.close()
        close(self.widget)
        for control in [*self.sliders.values(), *self.night_boxes, *self.maintenance_boxes, *self.strengthening_boxes]:
            control.close()

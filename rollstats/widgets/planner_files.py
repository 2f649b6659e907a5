"""The Planner's files and its comparison with the log: the export buttons, download links, Compare.

A part of :class:`rollstats.widgets.Planner` (a base class it inherits from): the methods here
use the controls the Planner makes and the pure functions of :mod:`rollstats.plan`.
"""
from __future__ import annotations

import html
import tempfile
from pathlib import Path

import pandas as pd

from ..errors import RollstatsError
from ..io import load
from ..plan import PlanError, load_plan, plan_to_csv, plan_vs_actual, save_plan, to_ics
from ..plan.marks import NIGHT_STATES, comparison_grid
from ..plots.calendar import WEEKDAYS
from ._common import data_link, error_html, table_html

#: Colours of the comparison calendar's cells, by night state.
STATE_COLOURS = {"kept": "#1a9850", "short": "#fdae61", "missed": "#d73027", "extra": "#74add1", "rest": "#f0f0f0"}
#: What "kept" means, said wherever a count of kept nights is shown.
KEPT_WORDS = ("A planned night counts as <b>kept</b> when at least its planned seconds were rolled on "
              "hips and legs that night; a shorter night is <b>short</b>, none at all <b>missed</b>.")


def comparison_calendar_html(per_night: pd.DataFrame) -> str:
    """Plan and log on one calendar (HTML): weeks as rows, weekdays as columns, each night's planned
    and rolled seconds in its cell, coloured by its state (:data:`rollstats.plan.marks.NIGHT_STATES`).

    >>> per_night = pd.DataFrame({"night": pd.to_datetime(["2026-03-02", "2026-03-03"]),
    ...     "planned_s": [120.0, 0.0], "actual_s": [90.0, 0.0]})
    >>> cal = comparison_calendar_html(per_night)
    >>> "title='Mon 2 Mar: planned 120 s, rolled 90 s (short)'" in cal, cal.count("<td class='rs-night")
    (True, 2)
    """
    grid = comparison_grid(per_night)
    head = "".join(f"<th>{d}</th>" for d in WEEKDAYS)
    rows = []
    for week, cells in grid.groupby("week", sort=True):
        by_day = {int(d): c for d, c in zip(cells["weekday"], cells.itertuples())}
        tds = []
        for day in range(7):
            cell = by_day.get(day)
            if cell is None:
                tds.append("<td></td>")
                continue
            night = pd.Timestamp(cell.night)
            text = f"{cell.planned_s:.0f} / {cell.actual_s:.0f}" if cell.planned_s or cell.actual_s else ""
            tip = (f"{night:%a} {night.day} {night:%b}: planned {cell.planned_s:.0f} s, "
                   f"rolled {cell.actual_s:.0f} s ({cell.state})")
            colour = "white" if cell.state in ("kept", "missed") else "black"
            tds.append(f"<td class='rs-night rs-{cell.state}' title='{html.escape(tip, quote=True)}' "
                       f"style='background:{STATE_COLOURS[cell.state]};color:{colour};padding:2px 6px;"
                       f"text-align:center'>{night.day}<br><small>{html.escape(text)}</small></td>")
        rows.append(f"<tr><th>week {week + 1}</th>{''.join(tds)}</tr>")
    legend = " ".join(f"<span style='background:{STATE_COLOURS[k]};padding:0 6px'>&nbsp;</span> "
                      f"<b>{k}</b>: {html.escape(v)}" for k, v in NIGHT_STATES.items())
    return (f"<table class='rs-comparison-calendar' style='border-collapse:separate;border-spacing:2px'>"
            f"<tr><th></th>{head}</tr>{''.join(rows)}</table>"
            f"<p style='font-size:90%'>Each cell: the night, then planned / rolled seconds. {legend}</p>")


class PlannerFiles:
    """Export buttons (files written and offered as download links) and Compare, for the Planner."""

    # ----- files
    def _target(self, suffix: str) -> Path:
        folder = Path(self.folder.value or ".").expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{self._file_stem()}{suffix}"

    def _file_stem(self) -> str:
        return Path(self.file_name.value or "rolling-plan").name or "rolling-plan"

    def _write(self, what: str, suffix: str, data: bytes, mime: str, note: str = "") -> Path | None:
        """Write ``data`` to the folder and offer it as a download link (the link even when the folder
        cannot be written: a page served from elsewhere can still save it)."""
        name = f"{self._file_stem()}{suffix}"
        link = data_link(name, data, mime, f"download {name}")
        try:
            path = self._target(suffix)
            path.write_bytes(data)
        except OSError as exc:
            self.export_status.value = f"{error_html(f'{what} not written: {exc}')}<br>{link}"
            return None
        self.export_status.value = (f"{what} written to <code>{html.escape(str(path))}</code> &middot; {link}"
                                    + (f"<br>{html.escape(note)}" if note else ""))
        return path

    def export_ics(self, _button=None) -> Path | None:
        """Write ``<folder>/<file name>.ics``: the planned nights as calendar events, each with a
        reminder at the planned time; also offered as a download link."""
        try:
            data = to_ics(self.plan, self.program).encode("utf-8")
        except RollstatsError as exc:
            self.export_status.value = error_html(f"Calendar not written: {exc}")
            return None
        return self._write("Calendar", ".ics", data, "text/calendar",
                           "Each planned night is an event with a reminder at its planned time.")

    def export_csv(self, _button=None) -> Path | None:
        """Write ``<folder>/<file name>.csv``: the planned segments in the native export format."""
        try:
            data = plan_to_csv(self.plan, None, self.program).encode("utf-8")
        except RollstatsError as exc:
            self.export_status.value = error_html(f"CSV not written: {exc}")
            return None
        return self._write("CSV", ".csv", data, "text/csv")

    def save(self, _button=None) -> Path | None:
        """Write ``<folder>/<file name>.json``: the plan, to compare with the log later."""
        try:
            path = save_plan(self.plan, self._target(".json"))
        except (OSError, RollstatsError) as exc:
            self.export_status.value = error_html(f"Plan not written: {exc}")
            return None
        self.export_status.value = f"Plan written to <code>{html.escape(str(path))}</code>"
        if not self.plan_path.value:
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
        per_night, weeks = self.comparison
        planned, kept = int(weeks["planned_nights"].sum()), int(weeks["kept_nights"].sum())
        share = f" ({kept / planned:.0%})" if planned else ""
        shown = weeks.assign(week=weeks["week"] + 1, first_night=weeks["first_night"].dt.strftime("%a %d %b"),
                             match_rate=(weeks["match_rate"] * 100).round(0))
        shown = shown[["week", "first_night", "planned_nights", "kept_nights", "extra_nights", "planned_s",
                       "actual_s", "match_rate"]]
        shown.columns = ["week", "from", "nights planned", "nights kept", "nights not planned but rolled",
                         "seconds planned", "seconds rolled", "kept %"]
        self.comparison_html.value = (
            f"<b>{html.escape(str(self.subject.value))}: kept {kept} of {planned} planned nights{share}</b>"
            f"<p>{KEPT_WORDS}</p>" + comparison_calendar_html(per_night) + table_html(shown))

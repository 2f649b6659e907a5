"""Where the Planner's controls and results sit: three tabs of controls (Plan, Export, Compare) on
the left, what the plan gives on their right, so that both are seen at once on a laptop screen.

A part of :class:`rollstats.widgets.Planner`: :func:`planner_layout` arranges the widgets the
Planner made and holds no state of its own.
"""
from __future__ import annotations

import ipywidgets as W

from ..plan import PLAN_SIDES, REGION_WORDS

#: When each group of weekday boxes applies, as the Planner labels them.
APPLIES = {"nights": "Roll on (until progression)", "maintenance": "Roll on (after progression)",
           "strengthening": "Strengthening on (every week)"}
_SIDE_TITLES = {"left": "left leg", "right": "right leg", "both": "both legs at once"}


def planner_layout(planner) -> W.Widget:
    """The Planner's whole widget: its tabs of controls, then its results beside them."""
    p = planner

    def row(label, boxes):
        return W.HBox([W.Label(label, layout=W.Layout(width="215px")), *boxes])
    header = [W.HTML("<b>seconds a night</b><br><small>on every planned night</small>",
                     layout=W.Layout(width="190px"))] + [
        W.HTML(f"<b>{_SIDE_TITLES[s]}</b>", layout=W.Layout(width="150px")) for s in PLAN_SIDES]
    grid = [W.HBox(header)] + [
        W.HBox([W.Label(words, layout=W.Layout(width="190px"))] + [p.sliders[(region, side)] for side in PLAN_SIDES])
        for region, words in REGION_WORDS.items()]
    hold_note = W.HTML("<small>every tender spot, every planned night; 0: no holds planned</small>")
    plan_tab = W.VBox([W.HBox([p.start, p.time, p.weeks]), row(APPLIES["nights"], p.night_boxes),
                       row(APPLIES["maintenance"], p.maintenance_boxes),
                       row(APPLIES["strengthening"], p.strengthening_boxes), W.HBox([p.hold, hold_note]), *grid])
    files_tab = W.VBox([p.folder, p.file_name, W.HBox([p.ics_button, p.csv_button, p.save_button]), p.export_status])
    compare_tab = W.VBox([W.HBox([p.plan_path, p.load_button]), W.HBox([p.log_path, p.log_upload]),
                          p.tz, W.HBox([p.subject, p.compare_button]), p.comparison_html])
    tabs = W.Tab(children=[plan_tab, files_tab, compare_tab], titles=("Plan", "Export", "Compare"),
                 layout=W.Layout(width="700px", flex="0 0 auto"))
    tabs.add_class("rs-planner-tabs")
    shown = p.calendar if p.figure else p.calendar_html
    results = W.VBox([p.words, p.note, p.progression_label, p.warnings_html, shown,
                      p.maintenance_label, p.maintenance_html],
                     layout=W.Layout(flex="1 1 0", min_width="0", padding="0 0 0 12px"))
    results.add_class("rs-plan-results")
    # no heading of its own: the notebook's (and the page's title) name it, and every line counts at 900 px
    return W.VBox([W.HBox([tabs, results], layout=W.Layout(width="100%", align_items="flex-start"))])

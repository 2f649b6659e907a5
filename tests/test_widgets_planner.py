"""The Planner widget without a browser: set values, click buttons, read what it shows.

The reference plan is the one of test_plan.py: 60 s quads + 60 s calves (both legs) on Mon,
Wed and Fri from Monday 2 March 2026, holds of 20 s, no strengthening, 4 weeks.
"""
from __future__ import annotations

import datetime as dt
import io

import ipywidgets as W
import pandas as pd
import pytest

from rollstats.plan import WEEKDAYS, Plan, load_plan, plan_to_csv
from rollstats.widgets import Planner
from rollstats.widgets import planner_files as planner_module

MON, TUE, WED = 0, 1, 2


@pytest.fixture
def plan() -> Plan:
    return Plan("2026-03-02", nights=("Mon", "Wed", "Fri"), seconds={"quads": 60, "calves": 60}, hold_s=20, weeks=4)


@pytest.fixture
def planner(plan, tmp_path):
    widget = Planner(plan, folder=tmp_path / "out", figure=False)
    yield widget
    W.Widget.close_all()


def shown_warnings(planner) -> list[str]:
    return [item.split("</li>")[0] for item in planner.warnings_html.value.split("<li>")[1:]]


def test_controls_show_the_plan_and_its_projection(planner, plan):
    assert planner.plan == Plan(**{**plan.__dict__, "maintenance_nights": plan.nights})
    assert [box.value for box in planner.night_boxes] == [True, False, True, False, True, False, False]
    assert planner.sliders[("thigh_front", "both")].value == 60 and planner.sliders[("calf", "left")].value == 0
    assert planner.progression_label.value == ("<b>Projected progression night:</b> Fri 6 Mar 2026, the 3rd "
                                               "planned night (360 s in total, 300 s needed)")
    assert planner.maintenance_label.value == ("<b>Maintenance after it:</b> 3 complete windows of 7 nights from "
                                               "Sat 7 Mar 2026: 3 met, 0 short; 1 partial at the end")
    assert planner.maintenance_html.value.count("</tr>") == 5  # header + 4 windows
    assert [w[:30] for w in shown_warnings(planner)] == ["Until progression the card ask",
                                                         "No strengthening day is planne",
                                                         "The plan rolls 2 regions (fron"]
    assert "<td>120</td>" in planner.calendar_html.value  # the table of seconds per week and weekday


def test_the_maintenance_table_aligns_its_headers_as_its_cells(planner):
    from rollstats.widgets._common import TABLE_CSS

    shown = planner.maintenance_html.value
    # one left alignment for the header row and (through the sheet) every cell, never pandas' right
    assert shown.startswith(TABLE_CSS) and "text-align:left" in TABLE_CSS
    assert '<tr style="text-align: left;">' in shown and "text-align: right" not in shown
    # windows from Sat 7 Mar (progression on Fri 6 Mar): the first is 7 to 13 Mar
    head, first = shown.split("</tr>")[:2]
    assert [c.split("</th>")[0] for c in head.split("<th>")[1:]] == ["window", "from", "to", "nights planned",
                                                                     "status"]
    assert [c.split("</td>")[0] for c in first.split("<td>")[1:]][:3] == ["1", "Sat 7 Mar 2026", "Fri 13 Mar 2026"]


def test_unchecking_wednesday_moves_progression_to_the_next_monday(planner):
    planner.night_boxes[WED].value = False
    # Mon 2 (120), Fri 6 (240), Mon 9 (360): the 3rd planned night is Monday 9 March; after it the
    # maintenance nights are still Mon, Wed, Fri: 10-16 (11, 13, 16) and 17-23 (18, 20, 23) met, 24-29 partial
    assert "Mon 9 Mar 2026, the 3rd planned night" in planner.progression_label.value
    assert "2 complete windows of 7 nights from Tue 10 Mar 2026: 2 met, 0 short; 1 partial" in (
        planner.maintenance_label.value)
    assert "5 of the 8 nights up to the progression night have none planned (Tue, Wed, Thu, Sat, Sun)" in (
        planner.warnings_html.value)


def test_warnings_follow_the_controls(planner):
    planner.strengthening_boxes[TUE].value = True
    assert not any(w.startswith("No strengthening") for w in shown_warnings(planner))
    planner.sliders[("thigh_lateral", "right")].value = 30
    assert any(w.startswith("The plan puts 30 s a night directly on the side of the thigh")
               for w in shown_warnings(planner))
    assert not any("regions" in w for w in shown_warnings(planner))  # 3 regions now
    planner.hold.value = 3
    assert "Holds of 3 s on tender spots are too short" in planner.warnings_html.value
    planner.hold.value = 0  # no holds planned: nothing to judge
    assert "Holds" not in planner.warnings_html.value
    before = list(planner.warnings)
    with planner._pause.hold():
        planner.sliders[("thigh_lateral", "right")].value = 0
        planner.sliders[("thigh_front", "both")].value = 0
        planner.sliders[("calf", "both")].value = 30
    assert planner.warnings == before  # nothing recomputed while held
    planner.refresh()
    assert planner.warnings[0] == ("A planned night has 30 s on hips and legs, under the card's minimum of 60 s "
                                   "a night: plan at least 60 s.")
    # 30 s on Mon, Wed, Fri: 300 s on the 10th planned night, Monday 23 March
    assert "Mon 23 Mar 2026, the 10th planned night (300 s in total, 300 s needed)" in planner.progression_label.value


def test_a_plan_that_keeps_the_card_says_so(planner):
    for box in planner.night_boxes + planner.strengthening_boxes[:1]:
        box.value = True
    planner.sliders[("hip", "both")].value = 20
    assert planner.warnings_html.value == "<b>The plan keeps the card.</b>"
    assert "Wed 4 Mar 2026, the 3rd planned night" in planner.progression_label.value


def test_export_buttons_write_the_files(planner, plan, tmp_path):
    planner.ics_button.click()
    ics = (tmp_path / "out" / "rolling-plan.ics").read_bytes()
    assert ics.count(b"BEGIN:VEVENT") == 12 and ics.endswith(b"END:VCALENDAR\r\n")
    assert b"\r\nDTSTART:20260302T210000\r\n" in ics and b"\r\nDTSTART:20260327T210000\r\n" in ics
    assert "Calendar written to" in planner.export_status.value

    planner.file_name.value = "mine"
    planner.csv_button.click()
    assert (tmp_path / "out" / "mine.csv").read_text() == plan_to_csv(plan)

    planner.save_button.click()
    assert load_plan(tmp_path / "out" / "mine.json") == planner.plan
    assert planner.plan_path.value == str(tmp_path / "out" / "mine.json")


def test_an_unwritable_folder_is_reported_not_raised(planner, tmp_path):
    (tmp_path / "a-file").write_text("x")
    planner.folder.value = str(tmp_path / "a-file")
    planner.ics_button.click()
    assert "Calendar not written" in planner.export_status.value


def test_load_button_restores_a_saved_plan(planner, tmp_path):
    planner.save_button.click()
    planner.night_boxes[WED].value = False
    planner.weeks.value = 2
    assert "Mon 9 Mar" in planner.progression_label.value
    planner.load_button.click()
    assert planner.weeks.value == 4 and planner.night_boxes[WED].value
    assert "Fri 6 Mar 2026, the 3rd planned night" in planner.progression_label.value
    planner.plan_path.value = str(tmp_path / "nothing.json")
    planner.load_button.click()
    assert "cannot be read" in planner.comparison_html.value


LOG = """subject_id,start,duration_s,region
P1,2026-03-02T21:00:00,60,quads
P1,2026-03-02T21:01:00,60,calves
P1,2026-03-04T21:00:00,90,quads
P1,2026-03-06T21:00:00,150,hamstrings
P1,2026-03-09T21:00:00,120,calves
P1,2026-03-13T21:00:00,200,glutes
P1,2026-03-15T21:00:00,30,glutes
"""


def test_compare_with_a_log_then_replan_without_reading_it_again(planner, write_text, monkeypatch):
    planner.weeks.value = 2
    planner.log_path.value = str(write_text("log.csv", LOG))
    planner.tz.value = "Europe/Berlin"
    planner.compare_button.click()
    # planned Mon/Wed/Fri 120 s: kept 2, 6 (week 1) and 9, 13 (week 2); 4 and 11 fall short
    assert planner.subject.options == ("P1",)
    assert "P1: kept 4 of 6 planned nights (67%)" in planner.comparison_html.value
    per_night, per_week = planner.comparison
    assert per_week["match_rate"].round(3).tolist() == [0.667, 0.667]

    def no_reading(*args, **kwargs):
        raise AssertionError("the log was read again")
    monkeypatch.setattr(planner_module, "load", no_reading)
    planner.night_boxes[WED].value = False
    # Mon/Fri until progression on Mon 9 (120, 240, 360), then Mon/Wed/Fri: planned 2, 6, 9, 11, 13; 11 missed
    assert "P1: kept 4 of 5 planned nights (80%)" in planner.comparison_html.value


def test_compare_an_uploaded_log(planner):
    planner.weeks.value = 2
    planner.tz.value = "Europe/Berlin"
    planner.log_upload.value = ({"name": "export.csv", "type": "text/csv", "size": len(LOG),
                                 "content": memoryview(LOG.encode()), "last_modified": dt.datetime(2026, 3, 16)},)
    planner.compare_button.click()
    assert "P1: kept 4 of 6 planned nights (67%)" in planner.comparison_html.value


def test_compare_without_a_log_says_what_is_missing(planner):
    planner.compare_button.click()
    assert "choose a log file" in planner.comparison_html.value


def test_the_calendar_figure_is_redrawn_on_change(plan, tmp_path):
    planner = Planner(plan, folder=tmp_path, figure=True)
    try:
        before = planner.calendar.value
        assert before[:8] == b"\x89PNG\r\n\x1a\n"
        planner.night_boxes[WED].value = False
        assert planner.calendar.value[:4] == b"\x89PNG" and planner.calendar.value != before
    finally:
        W.Widget.close_all()


def test_a_new_hold_changes_the_warnings_not_the_calendar(plan, tmp_path):
    """Holds change no night: the projection keeps its nights and the calendar is not drawn again."""
    planner = Planner(plan, folder=tmp_path, figure=True)
    try:
        nights, picture, drawn = planner.projection.nights, planner.calendar.value, []
        planner._draw = lambda: drawn.append(True)
        planner.hold.value = 3
        assert planner.projection.nights is nights and planner.calendar.value == picture and drawn == []
        assert "Holds of 3 s on tender spots are too short" in planner.warnings_html.value
        assert set(planner.projection.segments["hold_count"]) == {20}   # 60 s segments, holds of 3 s
        planner.night_boxes[WED].value = False                            # other nights: drawn again
        assert drawn == [True]
    finally:
        W.Widget.close_all()


def test_the_calendar_kept_drawn_shows_each_plan_as_a_fresh_calendar(plan, tmp_path):
    """Slider changes colour the kept calendar anew (one calendar built while the weeks stay the same);
    each picture is, pixel for pixel, a full draw of it, and it shows what a new plan calendar shows."""
    import numpy as np
    from PIL import Image

    from test_widgets_review import drawing

    from rollstats.plan.marks import broken_nights
    from rollstats.plots.plan import plan_calendar_drawing

    from rollstats.plots.calendar import calendar_grid

    planner = Planner(plan, folder=tmp_path, figure=True)
    try:
        pictures = planner.pictures
        for change in (lambda: setattr(planner.night_boxes[WED], "value", False),   # progression moves
                       lambda: setattr(planner.hold, "value", 5),
                       lambda: setattr(next(iter(planner.sliders.values())), "value", 0)):
            change()
            start, _, _, weeks = calendar_grid(planner.projection.nights["night"])
            live = pictures.live((start, weeks, planner.program))
            shown = np.asarray(Image.open(io.BytesIO(planner.calendar.value)).convert("RGBA"))
            assert (shown != live.full_rgba()).any(axis=-1).sum() == 0
            marked = broken_nights(planner.plan, planner.program, planner.projection).index
            fresh = plan_calendar_drawing(planner.projection.nights, planner.program, marked).figure
            assert drawing(live.figure) == drawing(fresh)
        assert pictures.built == 1
        planner.weeks.value = 6   # other weeks: a new calendar
        assert pictures.built == 2
    finally:
        W.Widget.close_all()


def test_the_planner_displays_as_a_widget(planner):
    bundle = planner._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    tabs, results = planner.widget.children[0].children   # controls on the left, what they give on the right
    assert list(tabs.titles) == ["Plan", "Export", "Compare"]
    assert planner.calendar_html in results.children and planner.warnings_html in results.children
    assert len(planner.sliders) == 8 * 3 and [b.description for b in planner.night_boxes] == list(WEEKDAYS)
    assert planner.summary.splitlines()[1].startswith("progression night: Fri 6 Mar 2026")


def test_a_loaded_plan_beyond_the_slider_ranges_is_kept_whole(tmp_path):
    long = Plan("2026-03-02", seconds={"quads": 420}, hold_s=90, weeks=60, strengthening=["Tue"], strengthening_s=900,
                time="19:30")
    planner = Planner(long, folder=tmp_path, figure=False)
    try:
        assert planner.plan == Plan(**{**long.__dict__, "maintenance_nights": long.nights})
    finally:
        W.Widget.close_all()


# ----- issue 17: what each control applies to, results beside the controls, marks, files, Compare

def test_a_box_that_cannot_change_the_plan_says_why_and_the_note_clears(tmp_path):
    from rollstats.plan import default_plan

    planner = Planner(default_plan("2026-03-02"), folder=tmp_path, figure=False)
    try:
        labels = [box.children[0].value for box in planner.widget.children[0].children[0].children[0].children[1:4]]
        assert labels == ["Roll on (until progression)", "Roll on (after progression)",
                          "Strengthening on (every week)"]
        # every night until progression on Wed 4 Mar (120 s a night, 300 s needed): Saturdays come after it
        planner.night_boxes[5].value = False
        assert "Saturday under \u201cRoll on (until progression)\u201d changed nothing" in planner.note.value
        assert "(Wed 4 Mar) comes before any Saturday" in planner.note.value
        planner.maintenance_boxes[5].value = True   # a Saturday after progression: the plan changes
        assert planner.note.value == ""
        planner.night_boxes[1].value = False        # Tuesday is before progression: it moves to Thu 5 Mar
        assert planner.note.value == "" and "Thu 5 Mar 2026" in planner.progression_label.value
    finally:
        W.Widget.close_all()


def test_the_words_panel_follows_the_weeks_set_exactly(planner):
    assert isinstance(planner.weeks, W.BoundedIntText)
    assert "(4 weeks): 12 nights of 120 s" in planner.words.value
    planner.weeks.value = 12
    assert planner.plan.weeks == 12 and "to Sun 24 May 2026 (12 weeks): 36 nights of 120 s" in planner.words.value
    planner.weeks.value = 7
    assert planner.plan.weeks == 7 and "(7 weeks): 21 nights" in planner.words.value
    assert planner.words.value.startswith("<b>Your plan:</b> Mon, Wed, Fri at 21:00 from Mon 2 Mar 2026")


def test_nights_that_break_the_card_are_marked_on_the_calendar(plan, tmp_path):
    from rollstats.plots.calendar import calendar_grid

    planner = Planner(plan, folder=tmp_path, figure=True)
    try:
        # Mon/Wed/Fri, 2 regions, no strengthening: every rolling night breaks the card (2 regions, rolling
        # without strengthening) and Tue 3, Thu 5 Mar have no rolling before progression on Fri 6 Mar
        broken = planner.broken
        assert len(broken) == 12 + 2
        assert broken[pd.Timestamp("2026-03-03")] == "no rolling before progression"
        assert broken[pd.Timestamp("2026-03-02")] == "fewer than 3 regions; no strengthening day in its week"
        start, _, _, weeks = calendar_grid(planner.projection.nights["night"])
        marks = planner.pictures.live((start, weeks, planner.program)).figure.axes[0]
        dots = [line for line in marks.get_lines() if line.get_gid() == "broken_nights"][0]
        assert len(dots.get_xdata()) == 14 and (0.3, 1 - 0.3) in zip(dots.get_xdata(), dots.get_ydata())
        assert "14 nights that break the card are marked with a red dot" in planner.warnings_html.value
        for box in planner.strengthening_boxes[:1]:
            box.value = True      # Mondays: strengthening; 2 regions and the two empty nights remain
        # 3 regions, 150 s a night: progression on Wed 4 Mar; only Tue 3 Mar, empty before it, stays marked
        planner.sliders[("hip", "both")].value = 30
        assert planner.broken.index.strftime("%d").tolist() == ["03"]
        assert len(dots.get_xdata()) == 1
        # the cell numbers are readable: 8 pt at 100 dpi, 11 px
        assert planner.pictures.dpi == 100
        texts = [t for t in marks.texts if t.get_gid() and t.get_gid().startswith("cell:")]
        assert texts and {t.get_fontsize() for t in texts} == {8.0}
    finally:
        W.Widget.close_all()


def test_the_ics_export_offers_a_download_with_reminders(planner):
    import base64
    import re

    planner.ics_button.click()
    link = re.search(r"download='rolling-plan\.ics' href='data:text/calendar;base64,([^']+)'",
                     planner.export_status.value)
    assert link is not None
    ics = base64.b64decode(link.group(1))
    assert ics.count(b"BEGIN:VEVENT") == 12 and ics.count(b"BEGIN:VALARM") == 12
    assert b"TRIGGER:PT0M" in ics and "reminder at its planned time" in planner.export_status.value


def test_compare_says_what_kept_means_and_shows_one_calendar(planner, write_text):
    planner.weeks.value = 2
    planner.log_path.value = str(write_text("log.csv", LOG))
    planner.tz.value = "Europe/Berlin"
    planner.compare_button.click()
    shown = planner.comparison_html.value
    assert "counts as <b>kept</b> when at least its planned seconds were rolled" in shown
    # planned Mon/Wed/Fri 120 s: 2, 6, 9, 13 kept; 4 (90 s) and 11 (none) not; 15 (30 s) rolled unplanned
    assert shown.count("rs-night rs-kept") == 4 and shown.count("rs-night rs-short") == 1
    assert shown.count("rs-night rs-missed") == 1 and shown.count("rs-night rs-extra") == 1
    assert "title='Wed 4 Mar: planned 120 s, rolled 90 s (short)'" in shown
    assert shown.count("<td class='rs-night") == 14   # one calendar, two weeks

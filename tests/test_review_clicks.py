"""Clicking a night of the Patient review's calendar or timeline, the problem nights, the busy sign,
and every subject's tables computed at once: without a browser.

Clicks are fired as ipyevents delivers them: its Event widget's message handler gets the dict the
browser sends (``offsetX``, ``offsetY`` in the displayed picture, ``boundingRect*`` its size).
The pixel of a cell is worked out independently of the code under test: from the extent of the
calendar's image (its cells are equal) or the timeline's axes box and date limits, never
through ``transData``; and the picture's own pixel there is checked to be that cell's colour.

The hand-made export (tests/test_views_patient.py) has subject s1 from Tue 3 to Thu 12 March
2026: its calendar starts on Monday 2 March and spans 2 weeks. Its problem nights, from the
rows: 3 Mar (45 s, under the 60 s minimum), 4 Mar (30 s on the side of the thigh), 5 Mar (no
rolling, daily phase), 9 Mar (holds of 3 s; the strengthening window 3 to 9 Mar), 12 Mar (2
regions in the window 10 to 12 Mar). 10 and 11 March are maintenance nights: 20 s and a rest
are no failure there.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import io

import ipywidgets as W
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from rollstats import load
from rollstats.datasets import sample_path
from rollstats.plots.where import data_point
from rollstats.render import Pictures
from rollstats.views import FIGURES, drawing_key, figure_key, review, subject_tables
from rollstats.views.patient_cohort import CohortTables
from rollstats.widgets import PatientReview

from test_views_patient import write_export

D = dt.date


@pytest.fixture
def drawn(tmp_path):
    review = PatientReview(write_export(tmp_path), folder=tmp_path)
    review.subject.value = "s1"
    yield review
    W.Widget.close_all()


def fire(review: PatientReview, name: str, x: float, y: float, width: float, height: float) -> None:
    """A click on the picture of figure ``name`` displayed ``width`` x ``height``, at (x, y) from its top left."""
    content = {"event": "click", "type": "click", "offsetX": x, "offsetY": y, "boundingRectWidth": width,
               "boundingRectHeight": height, "relativeX": round(x), "relativeY": round(y)}
    review.nights.events[name]._handle_mouse_msg(None, content, [])


def picture(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def calendar_cell_point(review: PatientReview, week: int, weekday: int) -> tuple[float, float, float, float]:
    """The centre of a calendar cell in the picture's pixels from its top left, and the picture's size:
    from the image's extent in the figure (7 equal rows by weeks), not through the axes' transform."""
    drawing = review.pictures.drawing(drawing_key(review.view, "calendar"))
    box = drawing.image.get_window_extent()
    weeks = drawing.image.get_array().shape[1]
    width, height = drawing.figure.bbox.width, drawing.figure.bbox.height
    x = box.x0 + (week + 0.5) * box.width / weeks
    y = height - (box.y1 - (weekday + 0.5) * box.height / 7)   # rows from the top, Monday first
    return x, y, width, height


def test_data_point_scales_the_displayed_picture_to_the_figure_by_hand():
    # a 4 x 2 in figure laid out at 100 dpi, its picture drawn at 50 dpi (200 x 100 px) and shown at
    # 300 x 150 CSS px; the axes cover 0.25 to 0.75 of the width and 0.1 to 0.9 of the height and
    # show x 0 to 10, y 0 to 4. The click (225, 75) is the picture's pixel (150, 50): the right edge
    # of the axes (x 10) and half way up (y 2); (150, 135) is the pixel (100, 90): x 5, y 0.
    fig = Figure(figsize=(4, 2), dpi=100)
    ax = fig.add_axes((0.25, 0.1, 0.5, 0.8), xlim=(0, 10), ylim=(0, 4))
    assert data_point(fig, ax, 50, 225, 75, 300, 150) == pytest.approx((10.0, 2.0))
    assert data_point(fig, ax, 50, 150, 135, 300, 150) == pytest.approx((5.0, 0.0))
    assert data_point(fig, ax, 50, 150, 145, 300, 150) is None   # below the axes
    assert data_point(fig, ax, 50, 150, 75, 0, 150) is None      # nothing displayed


def test_a_click_on_a_calendar_cell_shows_that_nights_audit(drawn):
    assert drawn.night.value == D(2026, 3, 12)   # the last night, at first
    x, y, width, height = calendar_cell_point(drawn, 1, 2)   # week 1 (from Mon 2 Mar), Wednesday: 11 March
    # the picture's pixel there has the colour of that night's cell (a rest night of maintenance)
    drawing = drawn.pictures.drawing(drawing_key(drawn.view, "calendar"))
    cell = drawing.image.get_array()[2, 1]
    assert tuple(picture(drawn.calendar.value)[int(y), int(x)]) == tuple(int(v) for v in cell)
    fire(drawn, "calendar", x * 1.5, y * 1.5, width * 1.5, height * 1.5)   # shown half as large again
    assert drawn.night.value == D(2026, 3, 11)
    assert "11 Mar 2026" in drawn.audit_view.value


def test_a_click_off_the_nights_changes_nothing(drawn):
    before = drawn.night.value
    x, y, width, height = calendar_cell_point(drawn, 0, 0)   # Mon 2 March: before the observation
    fire(drawn, "calendar", x, y, width, height)
    fire(drawn, "calendar", 2, 2, width, height)             # the figure's corner: no cell
    assert drawn.night.value == before


def test_a_click_on_a_bar_of_the_timeline_shows_that_nights_audit(drawn):
    drawing = drawn.pictures.drawing(drawing_key(drawn.view, "timeline"))
    ax = drawing.figure.axes[0]   # the nightly seconds: bars centred on their nights
    box, (lo, hi) = ax.get_window_extent(), ax.get_xlim()
    x = box.x0 + (mdates.date2num(pd.Timestamp("2026-03-06")) + 0.2 - lo) / (hi - lo) * box.width
    y = drawing.figure.bbox.height - (box.y0 + 5)   # just above the bottom of the panel
    fire(drawn, "timeline", x, y, drawing.figure.bbox.width, drawing.figure.bbox.height)
    assert drawn.night.value == D(2026, 3, 6)


def test_the_buttons_step_through_the_problem_nights_of_the_range(drawn):
    assert drawn.nights.problems == [pd.Timestamp(f"2026-03-{d:02d}") for d in (3, 4, 5, 9, 12)]
    assert "5 nights with a problem" in drawn.nights.count.value
    assert drawn.nights.next.disabled and not drawn.nights.previous.disabled   # on 12 March, the last
    drawn.nights.previous.click()
    assert drawn.night.value == D(2026, 3, 9) and "9 Mar 2026" in drawn.audit_view.value
    drawn.nights.previous.click()
    assert drawn.night.value == D(2026, 3, 5)
    drawn.nights.next.click()
    assert drawn.night.value == D(2026, 3, 9)
    drawn.dates.value = (D(2026, 3, 6), D(2026, 3, 10))   # only 9 March is left in the range
    assert drawn.nights.problems == [pd.Timestamp("2026-03-09")]
    drawn.night.value = D(2026, 3, 6)
    assert drawn.nights.previous.disabled and not drawn.nights.next.disabled
    drawn.nights.next.click()
    assert drawn.night.value == D(2026, 3, 9) and drawn.nights.next.disabled


def test_a_new_subject_hides_the_old_pictures_until_its_own_are_set(tmp_path):
    review = PatientReview(sample_path("cohort"), folder=tmp_path)
    events = []
    review.busy.label.observe(lambda c: events.append(("busy", bool(c["new"]))), names="value")
    review.calendar.layout.observe(lambda c: events.append(("calendar shown", c["new"] != "hidden")),
                                   names="visibility")
    review.summary_view.observe(lambda c: events.append(("numbers", None)), names="value")
    review.calendar.observe(lambda c: events.append(("calendar picture", None)), names="value")
    review.subject.value = review.subject.options[3]
    assert events[:2] == [("busy", True), ("calendar shown", False)]
    numbers, new_picture = events.index(("numbers", None)), events.index(("calendar picture", None))
    shown = events.index(("calendar shown", True))
    assert numbers < shown and new_picture < shown   # hidden while the numbers and the picture change
    assert events[-1] == ("busy", False) and review.busy.label.value == ""
    assert review.subject.options[3] in review.summary_view.value
    W.Widget.close_all()


def test_every_subjects_tables_at_once_equal_one_subject_at_a_time():
    segments = load(sample_path("cohort")).segments
    cohort = CohortTables(segments)
    assert cohort.sliced and len(cohort.subjects) == 30
    for subject in cohort.subjects:
        at_once, alone = cohort.tables(subject), subject_tables(segments, subject)
        assert at_once.exercises_logged == alone.exercises_logged and at_once.subject == alone.subject
        for name in ("nights", "windows", "checks", "sessions", "region_seconds", "audit", "notes", "pain", "marks"):
            left, right = getattr(at_once, name), getattr(alone, name)
            if left is None or right is None:
                assert left is right, (subject, name)
                continue
            pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True),
                                          check_dtype=len(right) > 0, obj=f"{subject} {name}")
    with pytest.raises(ValueError, match="no segments of subject"):
        cohort.tables("nobody")


def test_a_kept_figure_lays_out_as_one_of_the_same_key():
    def build(top: float):
        def make():
            fig = Figure(figsize=(4, 3), layout="constrained")
            ax = fig.subplots()
            ax.set_ylim(0, top)
            ax.set_ylabel("seconds")
            fig.suptitle("a title")
            return type("Drawing", (), {"figure": fig})(), [fig.texts[0]], []
        return make

    pictures = Pictures(dpi=40)
    pictures.live_png(None, "a", build(900), lambda d: None)
    pictures.live_png(None, "b", build(800), lambda d: None)    # labels of 3 digits as well: reused
    pictures.live_png(None, "c", build(1200), lambda d: None)   # '1200' is longer: laid out anew
    a, b, c = (pictures.drawing(k).figure for k in "abc")
    assert np.allclose(b.axes[0].get_position().bounds, a.axes[0].get_position().bounds)
    assert b.texts[0].get_position() == a.texts[0].get_position()
    # the constrained layout of c moved its axes right of a's, to make room for the wider labels
    assert c.axes[0].get_position().x0 > a.axes[0].get_position().x0
    # and b's picture is the one a full draw of b gives
    live = pictures.live("b")
    assert np.array_equal(live.rgba().copy(), live.full_rgba())


def test_the_neighbours_drawn_ahead_are_the_pictures_a_switch_draws(tmp_path):
    ahead = PatientReview(sample_path("cohort"), folder=tmp_path)
    plain = PatientReview(sample_path("cohort"), folder=tmp_path)
    options = list(ahead.subject.options)
    for review_ in (ahead, plain):
        review_.subject.value = options[3]
    assert ahead.ahead.neighbours() == [options[4], options[2]]
    for name in FIGURES:
        assert ahead.ahead.draw(options[4], name)
        assert not ahead.ahead.draw(options[4], name)   # kept: not drawn twice
    ahead.subject.value = plain.subject.value = options[4]
    assert not set(ahead.redrawn) & set(FIGURES)          # the switch drew none of the three
    assert set(FIGURES) <= set(plain.redrawn)
    for name in FIGURES:   # the same layouts were made in the same order: the same pictures
        assert getattr(ahead, name).value == getattr(plain, name).value, name
    W.Widget.close_all()


def test_drawing_ahead_runs_on_the_event_loop_one_figure_at_a_time(tmp_path):
    review_ = PatientReview(sample_path("cohort"), folder=tmp_path)
    options = list(review_.subject.options)
    review_.ahead.schedule()   # no event loop here: nothing planned is drawn
    before = review_.pictures.built

    async def idle_kernel():
        review_.ahead.delay = 0.01
        review_.ahead.schedule()
        for _ in range(500):
            if not review_.ahead._pending and review_.ahead._handle is None:
                return
            await asyncio.sleep(0.02)

    asyncio.run(idle_kernel())
    # the next subject's calendar, timeline and pain by week (it logs pain; one body map for all)
    assert review_.pictures.built == before + 3
    view = review(review_.subject_tables(options[1]))
    assert all((name, figure_key(view, name)) in review_.pictures for name in (*FIGURES, "pain"))
    W.Widget.close_all()

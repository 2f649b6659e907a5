"""Figures (rollstats.plots) and the display metrics behind them (rollstats.metrics.cohort).

Every figure is built from a small hand-made table and checked for what it shows: cell colours,
bar heights, patch colours, curve steps. The metrics are checked against hand-worked numbers.
"""
from __future__ import annotations

import dataclasses

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

import rollstats
from rollstats.metrics.cohort import (adherence_by_week_since_start, kaplan_meier, region_side_seconds,
                                      time_to_progression, weekly_adherence)
from rollstats.plots import (COLOURS, leg_seconds, plot_adherence_by_week, plot_adherence_distribution,
                             plot_body_map, plot_calendar, plot_region_seconds, plot_time_to_progression,
                             plot_timeline, plot_weekly_adherence, show_timeline_nights, timeline_drawing)
from rollstats.plots.calendar import compliant_levels
from rollstats.plots.pain import pain_drawing, show_pain_weeks
from rollstats.program import Program

from metrics_helpers import row, segments

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (only to prove the figures stay out of pyplot's registry)


@pytest.fixture(autouse=True)
def no_pyplot_state():
    """The figures use the object API: nothing may appear in pyplot's list of open figures."""
    plt.close("all")
    yield
    assert plt.get_fignums() == [], "a plotting function used pyplot's global state"
    plt.close("all")


def luminance(rgba) -> float:
    r, g, b = rgba[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def nights_frame(rolled: list[float], start: str = "2026-03-04", progression_at: int | None = None,
                 subject: str = "a", minimum: float = 60.0) -> pd.DataFrame:
    """A nights table (the columns the figures read) for one subject, by hand."""
    n = len(rolled)
    idx = np.arange(n)
    progression = idx == progression_at if progression_at is not None else np.zeros(n, dtype=bool)
    maintenance = idx > progression_at if progression_at is not None else np.zeros(n, dtype=bool)
    window = np.where(maintenance, (idx - (progression_at or 0) - 1) // 7, -1)
    seconds = np.asarray(rolled, dtype="float64")
    return pd.DataFrame({
        "subject_id": subject, "night": pd.date_range(start, periods=n), "night_index": idx,
        "rolled_s": seconds, "compliant": seconds >= minimum, "cumulative_s": np.cumsum(seconds),
        "progression": progression, "phase": np.where(maintenance, "maintenance", "daily"),
        "maintenance_window": pd.Series(window, dtype="Int64").where(maintenance),
    })


# --- calendar -------------------------------------------------------------------------------------

ROUNDING = 0.5 / 255   # the calendar's cells are 8-bit colours: each channel rounded to a 255th


def cell_colours(fig) -> np.ndarray:
    """The calendar's cell colours as RGBA from 0 to 1 (rows: Mon to Sun; columns: weeks)."""
    cells = fig.axes[0].images[0].get_array()
    assert cells.dtype == np.uint8
    return cells / 255

def test_calendar_cells_carry_the_colour_of_each_night(figures):
    # Wed 4 Mar 2026 to Sun 15 Mar 2026: two calendar weeks (Mon 2 Mar, Mon 9 Mar)
    rolled = [70, 0, 30, 200, 130, 60, 0, 0, 90, 0, 45, 0]
    t = nights_frame(rolled, progression_at=5)   # Mon 9 Mar is the progression night
    fig = plot_calendar(t)
    figures(fig)
    image = cell_colours(fig)
    assert image.shape == (7, 2, 4)
    _, greens, _ = compliant_levels(60)
    expect = {
        (2, 0): greens[0],                      # Wed 4 Mar, 70 s: compliant, 60-119 s
        (3, 0): to_rgba(COLOURS["missed"]),     # Thu 5 Mar, 0 s in the daily phase: a miss
        (4, 0): to_rgba(COLOURS["short"]),      # Fri 6 Mar, 30 s: rolled but short
        (5, 0): greens[2],                      # Sat 7 Mar, 200 s: 180 s or more
        (6, 0): greens[1],                      # Sun 8 Mar, 130 s
        (0, 1): greens[0],                      # Mon 9 Mar, 60 s: exactly the minimum is compliant
        (1, 1): to_rgba(COLOURS["rest"]),       # Tue 10 Mar, 0 s in maintenance: a rest night
        (4, 1): to_rgba(COLOURS["rest"]),       # Fri 13 Mar, 0 s in maintenance
        (5, 1): to_rgba(COLOURS["short"]),      # Sat 14 Mar, 45 s in maintenance
    }
    for (r, c), colour in expect.items():
        np.testing.assert_allclose(image[r, c], colour, atol=ROUNDING, err_msg=f"cell row {r} column {c}")
    # Mon 2 and Tue 3 Mar are before observation: transparent
    assert image[0, 0, 3] == 0 and image[1, 0, 3] == 0
    # darker green for more seconds
    assert luminance(greens[0]) > luminance(greens[1]) > luminance(greens[2])
    # the progression night is framed at (column 1, row 0) and seconds are written in the cells
    frame = [p for p in fig.axes[0].patches if p.get_gid() == "progression"]
    assert len(frame) == 1 and frame[0].get_xy() == (0.5, -0.5)
    assert {"70", "200", "45"} <= {tx.get_text() for tx in fig.axes[0].texts}


def test_calendar_needs_a_subject_when_the_table_holds_several(figures):
    t = pd.concat([nights_frame([70, 0]), nights_frame([10, 80], subject="b")], ignore_index=True)
    with pytest.raises(ValueError, match="2 subjects"):
        plot_calendar(t)
    fig = plot_calendar(t, subject="b")
    figures(fig)
    image = cell_colours(fig)
    np.testing.assert_allclose(image[2, 0], to_rgba(COLOURS["short"]), atol=ROUNDING)   # Wed 4 Mar: 10 s


def test_calendar_draws_into_a_given_axes(figures):
    fig = Figure()
    ax = fig.subplots()
    assert plot_calendar(nights_frame([70, 0, 80]), ax=ax) is fig
    assert [image.get_gid() for image in ax.images] == ["calendar"]
    figures(fig)


def test_calendar_reads_the_minimum_from_the_program(figures):
    default = Program.default()
    program = dataclasses.replace(default, daily=dataclasses.replace(default.daily, minimum_s=90.0))
    t = nights_frame([100, 200], minimum=90)
    fig = plot_calendar(t, program=program)
    figures(fig)
    _, greens, labels = compliant_levels(90)
    assert labels[0] == "90-179 s"
    np.testing.assert_allclose(cell_colours(fig)[2, 0], greens[0], atol=ROUNDING)   # 100 s: 1x-2x of 90


# --- timeline -------------------------------------------------------------------------------------

def test_timeline_shows_nights_total_phase_and_windows(figures):
    # progression on night 3 (index 2); maintenance windows: nights 3-9 (2 compliant: met),
    # nights 10-16 (1 compliant: not met), nights 17-18 (partial)
    rolled = [100, 120, 90] + [0, 70, 0, 80, 0, 0, 0] + [0, 0, 65, 0, 0, 30, 0] + [60, 0]
    t = nights_frame(rolled, progression_at=2)
    fig = plot_timeline(t)
    figures(fig)
    top, middle, bottom = fig.axes
    bars = top.collections[0]
    heights = [float(p.vertices[:, 1].max()) for p in bars.get_paths()]
    assert heights == pytest.approx(rolled)
    colours = bars.get_facecolors()
    np.testing.assert_allclose(colours[0], to_rgba(COLOURS["compliant"]))
    np.testing.assert_allclose(colours[15], to_rgba(COLOURS["short"]))       # 30 s
    line = next(ln for ln in middle.get_lines() if ln.get_gid() == "cumulative")
    assert list(line.get_ydata()) == [100, 220, 310]                          # daily phase only
    # windows 0 and 1 (not hatched) are one collection, in their order; the partial window 2 a hatched box
    complete = next(c for c in bottom.collections if c.get_gid() == "windows:0-1")
    np.testing.assert_allclose(complete.get_facecolors(), [to_rgba(COLOURS["met"]), to_rgba(COLOURS["not_met"])])
    day = matplotlib.dates.date2num
    spans = [(p.vertices[:, 0].min(), p.vertices[:, 0].max()) for p in complete.get_paths()]
    assert spans == pytest.approx([(day(pd.Timestamp(d0)) - 0.5, day(pd.Timestamp(d1)) + 0.5)
                                   for d0, d1 in (("2026-03-07", "2026-03-13"), ("2026-03-14", "2026-03-20"))])
    partial = next(p for p in bottom.patches if p.get_gid() == "window:2:partial")
    assert partial.get_hatch() == "//" and complete.get_hatch() is None
    assert (partial.get_x(), partial.get_x() + partial.get_width()) == pytest.approx(   # its 7 nights, cut by the end
        (day(pd.Timestamp("2026-03-21")) - 0.5, day(pd.Timestamp("2026-03-27")) + 0.5))
    progression = [ln for ln in bottom.get_lines() if ln.get_gid() == "progression"]
    assert len(progression) == 1
    assert progression[0].get_xdata()[0] == pytest.approx(matplotlib.dates.date2num(pd.Timestamp("2026-03-06")))
    assert "progression night 6 Mar 2026 (night 3)" in top.get_title(loc="left")
    assert "maintenance windows met over the whole observation: 1 of 2 complete" in top.get_title(loc="left")


def lane_gids(fig) -> list[str]:
    """The named patches of the timeline's phase lane, without the veils of a range shown."""
    return [p.get_gid() for p in fig.axes[2].patches if p.get_gid() and not p.get_gid().startswith("veil")]


def test_timeline_fades_the_nights_outside_a_range_in_every_panel(figures):
    # nights 2 to 11 Mar 2026; range 4 to 6 Mar: veils over the
    # half-nights' span 1 Mar 12:00 to 3 Mar 12:00 and 6 Mar 12:00 to 11 Mar 12:00, in each panel
    t = nights_frame([100, 0, 70, 0, 0, 90, 0, 0, 60, 0], start="2026-03-02")
    timeline = timeline_drawing(t, shown=("2026-03-04", "2026-03-06"))
    fig = timeline.figure
    figures(fig)
    day = matplotlib.dates.date2num
    assert [ax for ax, _, _ in timeline.veils] == fig.axes
    for (ax, before, after), name in zip(timeline.veils, ("seconds", "total", "phase")):
        assert ax.get_label() == name and before in ax.patches and after in ax.patches
        assert (before.get_x(), before.get_x() + before.get_width()) == pytest.approx(
            (day(pd.Timestamp("2026-03-01 12:00")), day(pd.Timestamp("2026-03-03 12:00"))))
        assert (after.get_x(), after.get_x() + after.get_width()) == pytest.approx(
            (day(pd.Timestamp("2026-03-06 12:00")), day(pd.Timestamp("2026-03-11 12:00"))))
        assert before.get_visible() and after.get_visible()
    for ax in fig.axes:   # the panels still span the whole observation
        assert ax.get_xlim() == pytest.approx((day(pd.Timestamp("2026-03-01 12:00")), day(pd.Timestamp("2026-03-11 12:00"))))
    # the whole observation shown: nothing faded
    show_timeline_nights(timeline, "2026-03-02", "2026-03-11")
    assert not any(p.get_visible() for ax in fig.axes for p in ax.patches if p.get_gid().startswith("veil"))


def test_timeline_without_progression_says_so(figures):
    fig = plot_timeline(nights_frame([50, 0, 70]))
    figures(fig)
    assert "no progression yet: 2 min of 5 min so far" in fig.axes[0].get_title(loc="left")
    assert lane_gids(fig) == ["daily_phase"]


def test_timeline_and_calendar_on_a_real_nights_table(figures):
    rows = [row(d, 100) for d in (1, 2, 3)] + [row(d, 70) for d in (5, 7, 12)]
    table = rollstats.nights(segments(rows))
    fig = plot_timeline(table, rollstats.maintenance_windows(table))
    figures(fig)
    assert lane_gids(fig) == ["daily_phase", "window:0:met", "window:1:partial"]
    cal = plot_calendar(table)   # Sun 1 Mar to Thu 12 Mar 2026: three calendar weeks
    figures(cal)
    image = cell_colours(cal)
    assert image.shape == (7, 3, 4)
    np.testing.assert_allclose(image[6, 0], compliant_levels(60)[1][0], atol=ROUNDING)          # Sun 1 Mar, 100 s
    frame = next(p for p in cal.axes[0].patches if p.get_gid() == "progression")
    assert frame.get_xy() == (0.5, 0.5)                                          # Tue 3 Mar: 300 s in total
    np.testing.assert_allclose(image[2, 1], to_rgba(COLOURS["rest"]), atol=ROUNDING)            # Wed 4 Mar: rest


# --- body map -------------------------------------------------------------------------------------

BODY = pd.DataFrame({
    "subject_id": "a",
    "region": ["thigh_front", "thigh_back", "thigh_lateral", "thigh_outer_front", "calf", "hip", "unspecified"],
    "side": ["right", "right", "right", "left", "both", None, None],
    "seconds": [300.0, 120.0, 60.0, 30.0, 200.0, 90.0, 45.0],
})


def test_leg_seconds_hand_worked():
    legs, extra = leg_seconds(BODY)
    assert legs.loc["thigh_front"].tolist() == [0.0, 300.0]           # [left, right]
    assert legs.loc["calf"].tolist() == [200.0, 200.0]                # both legs at once: on each
    assert legs.loc["hip"].tolist() == [90.0, 90.0]                   # no side: shown on both
    assert legs.loc["thigh_outer_front"].tolist() == [30.0, 0.0]
    assert extra == {"unspecified": 45.0, "other": 0.0, "both": 200.0, "no_side": 90.0}


def test_leg_seconds_from_summary_columns():
    summary = pd.DataFrame({"subject_id": ["a", "b"], "seconds_calf": [10.0, 20.0], "seconds_hip": [5.0, 0.0]})
    legs, _ = leg_seconds(summary)
    assert legs.loc["calf"].tolist() == [30.0, 30.0]
    legs, _ = leg_seconds(summary, subject="b")
    assert legs.loc["calf"].tolist() == [20.0, 20.0] and legs.loc["hip"].tolist() == [0.0, 0.0]


def test_body_map_shades_regions_by_seconds_and_marks_the_lateral_line(figures):
    fig = plot_body_map(BODY)
    figures(fig)
    patches = {p.get_gid(): p for ax in fig.axes for p in ax.patches if p.get_gid()}
    # the right thigh's clock: darker where there are more seconds
    right = {"thigh_front": 300, "thigh_back": 120, "thigh_lateral": 60, "thigh_inner": 0}
    ordered = sorted(right, key=right.get)
    lum = [luminance(patches[f"right:{r}:clock"].get_facecolor()) for r in ordered]
    assert lum == sorted(lum, reverse=True) and len(set(lum)) == len(lum)
    darkest = min((luminance(p.get_facecolor()), gid) for gid, p in patches.items() if gid != "lateral_line")
    assert darkest[1].startswith("right:thigh_front:")
    # one colour scale over views: the same region and leg has the same colour in each view
    np.testing.assert_allclose(patches["right:thigh_front:front"].get_facecolor(),
                               patches["right:thigh_front:clock"].get_facecolor())
    np.testing.assert_allclose(patches["left:calf:back"].get_facecolor(), patches["right:calf:back"].get_facecolor())
    # the lateral line: 2 clocks + 2 legs x 2 views
    lateral = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == "lateral_line"]
    assert len(lateral) == 6
    assert any(t.get_gid() == "lateral_warning" for ax in fig.axes for t in ax.texts)
    assert "not on the map: 45 s with no region" in " ".join(t.get_text() for t in fig.texts)
    assert len(fig.axes) == 4   # front, back, clocks, colour bar


def test_body_map_clock_is_mirrored(figures):
    fig = plot_body_map(BODY)
    figures(fig)
    wedges = {p.get_gid(): p for p in fig.axes[2].patches if p.get_gid()}

    def centre_angle(gid):
        w = wedges[gid]
        return ((w.theta1 + w.theta2) / 2) % 360

    # 12 o'clock is 90 degrees; 3 o'clock 0 degrees; 9 o'clock 180 degrees
    assert centre_angle("right:thigh_lateral:clock") == pytest.approx(0)
    assert centre_angle("left:thigh_lateral:clock") == pytest.approx(180)
    assert centre_angle("right:thigh_front:clock") == pytest.approx(90)
    assert centre_angle("left:thigh_front:clock") == pytest.approx(90)
    assert centre_angle("right:thigh_inner:clock") == pytest.approx(180)     # 8-10 o'clock
    assert centre_angle("left:thigh_inner:clock") == pytest.approx(0)        # 2-4 o'clock
    assert centre_angle("right:thigh_outer_front:clock") == pytest.approx(30)   # 2 o'clock
    assert centre_angle("left:thigh_outer_front:clock") == pytest.approx(150)   # 10 o'clock


def test_body_map_without_lateral_time_has_no_warning(figures):
    fig = plot_body_map(pd.DataFrame({"region": ["calf"], "seconds": [60.0]}))
    figures(fig)
    assert not any(t.get_gid() == "lateral_warning" for ax in fig.axes for t in ax.texts)
    assert "no side logged" in " ".join(t.get_text() for t in fig.texts)


# --- bars -----------------------------------------------------------------------------------------

def test_region_side_seconds_hand_worked():
    rows = [row(3, 30, "quads", side="left"), row(3, 40, "quads", side="right"), row(4, 50, "quads", side="left"),
            row(4, 20, "calves"), row(4, 25, "hip", activity="strengthening")]
    t = region_side_seconds(segments(rows))
    assert t[["region", "side", "seconds"]].astype(object).where(t.notna(), None).values.tolist() == [
        ["thigh_front", "left", 80.0], ["thigh_front", "right", 40.0], ["calf", None, 20.0]]


def test_region_bars(figures):
    t = pd.DataFrame({"region": ["thigh_lateral", "calf", "calf"], "side": ["right", "left", "right"],
                      "seconds": [15.0, 30.0, 50.0]})
    fig = plot_region_seconds(t)
    figures(fig)
    ax = fig.axes[0]
    widths = sorted(float(p.get_width()) for p in ax.patches if p.get_width() > 0)
    assert widths == [15.0, 30.0, 50.0]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels == ["side of thigh (IT band): avoid", "calves"]
    assert ax.get_yticklabels()[0].get_color() == COLOURS["avoid"]


def test_weekly_adherence_hand_worked(figures):
    # Sun 1 Mar, then Mon 2 - Sun 8 Mar, then Mon 9 Mar
    t = pd.DataFrame({"subject_id": "a", "night": pd.date_range("2026-03-01", periods=9),
                      "compliant": [True, True, False, True, True, True, False, False, True],
                      "phase": ["daily"] * 4 + ["maintenance"] * 5})
    w = weekly_adherence(t)
    assert w["week_start"].tolist() == [pd.Timestamp("2026-02-23"), pd.Timestamp("2026-03-02"),
                                        pd.Timestamp("2026-03-09")]
    assert w["compliant_nights"].tolist() == [1, 4, 1]
    assert w["nights"].tolist() == [1, 7, 1]
    assert w["phase"].tolist() == ["daily", "mixed", "maintenance"]
    fig = plot_weekly_adherence(t)
    figures(fig)
    heights = [float(p.get_height()) for p in fig.axes[0].patches]
    assert heights == pytest.approx([1.0, 4 / 7, 1.0])


# --- cohort ---------------------------------------------------------------------------------------

def test_adherence_by_week_since_start_hand_worked():
    # week 0 shares: a 4/7, b 5/7, c 5/7, d 6/7; week 1: a 1/1, b 0/2
    comp = {"a": [1, 1, 1, 1, 0, 0, 0, 1], "b": [1, 1, 1, 1, 1, 0, 0, 0, 0], "c": [1, 0, 1, 1, 1, 0, 1],
            "d": [1, 1, 1, 1, 1, 1, 0]}
    t = pd.DataFrame([{"subject_id": s, "night_index": i, "compliant": bool(v), "phase": "daily"}
                      for s, vals in comp.items() for i, v in enumerate(vals)])
    out = adherence_by_week_since_start(t)
    assert out["week"].tolist() == [0, 1]
    assert out["subjects"].tolist() == [4, 2]
    assert out["nights"].tolist() == [28, 3]
    mean, sd = 5 / 7, np.sqrt((2 / 49) / 3)
    half = 3.1824463052837078 * sd / 2          # t(0.975, 3) * sd / sqrt(4)
    assert out.loc[0, "mean"] == pytest.approx(mean)
    assert out.loc[0, "sd"] == pytest.approx(sd)
    assert out.loc[0, "low"] == pytest.approx(mean - half)
    assert out.loc[0, "high"] == pytest.approx(mean + half)
    assert out.loc[1, "mean"] == pytest.approx(0.5)
    assert out.loc[1, "low"] == 0.0 and out.loc[1, "high"] == 1.0   # clipped: n=2, shares 1 and 0
    single = adherence_by_week_since_start(t.loc[t["subject_id"] == "a"])
    assert np.isnan(single.loc[0, "low"]) and np.isnan(single.loc[0, "high"])


def test_adherence_by_week_since_start_keeps_one_phase():
    t = pd.DataFrame({"subject_id": "a", "night_index": range(9), "compliant": [True] * 3 + [False, True] * 3,
                      "phase": ["daily"] * 3 + ["maintenance"] * 6})
    daily = adherence_by_week_since_start(t, phase="daily")
    assert daily["mean"].tolist() == [1.0] and daily["phase"].tolist() == ["daily"]
    maint = adherence_by_week_since_start(t, phase="maintenance")
    assert maint["mean"].tolist() == pytest.approx([2 / 4, 1 / 2])   # nights 3-6, nights 7-8


def test_plot_adherence_by_week(figures):
    w = pd.DataFrame({"week": [0, 1, 2], "phase": "all", "subjects": [5, 4, 1], "mean": [0.8, 0.6, 0.5],
                      "low": [0.6, 0.3, np.nan], "high": [1.0, 0.9, np.nan]})
    fig = plot_adherence_by_week(w)
    figures(fig)
    ax = fig.axes[0]
    mean = next(ln for ln in ax.get_lines() if ln.get_gid() == "mean")
    # week 3 has 1 subject, under the minimum of 3: drawn apart (hollow, not joined), not on the line
    assert list(mean.get_xdata()) == [1, 2, 3] and list(mean.get_ydata())[:2] == [0.8, 0.6]
    assert np.isnan(mean.get_ydata()[2])
    few = next(ln for ln in ax.get_lines() if ln.get_gid() == "few")
    assert list(few.get_xdata()) == [3] and list(few.get_ydata()) == [0.5]
    assert any(c.get_gid() == "interval" for c in ax.collections)
    assert [t.get_text() for t in ax.texts][:3] == ["5", "4", "1"]


def test_adherence_distribution(figures):
    s = pd.DataFrame({"daily_adherence": [0.0, 0.05, 0.5, 0.55, 0.95, 1.0, np.nan]})
    fig = plot_adherence_distribution(s)
    figures(fig)
    counts = [int(p.get_height()) for p in fig.axes[0].patches]
    assert counts == [2, 0, 0, 0, 0, 2, 0, 0, 0, 2]
    median = next(ln for ln in fig.axes[0].get_lines() if ln.get_gid() == "median")
    assert median.get_xdata()[0] == pytest.approx(0.525)
    assert "1 without a value" in fig.axes[0].get_title(loc="left")


KM_TIMES = pd.DataFrame({"nights": [3, 5, 6, 8, 10], "progressed": [True, True, False, True, False]})


def test_kaplan_meier_hand_worked():
    km = kaplan_meier(KM_TIMES)
    assert km["nights"].tolist() == [0, 3, 5, 6, 8, 10]
    assert km["at_risk"].tolist() == [5, 5, 4, 3, 2, 1]
    assert km["progressed"].tolist() == [0, 1, 1, 0, 1, 0]
    assert km["censored"].tolist() == [0, 0, 0, 1, 0, 1]
    # S = 4/5 after 3, 4/5 * 3/4 = 3/5 after 5, unchanged at the censoring at 6, 3/5 * 1/2 after 8
    assert km["survival"].tolist() == pytest.approx([1, 0.8, 0.6, 0.6, 0.3, 0.3])
    assert (km["low"] <= km["survival"]).all() and (km["survival"] <= km["high"]).all()
    # log(-log) Greenwood interval at night 3: var = 1/(5*4); se of log(-log S) = sqrt(var)/|log S|
    s = 0.8
    se = np.sqrt(1 / 20) / abs(np.log(s))
    z = 1.959963984540054
    assert km.loc[1, "low"] == pytest.approx(s ** np.exp(z * se))
    assert km.loc[1, "high"] == pytest.approx(s ** np.exp(-z * se))


def test_kaplan_meier_without_progression_is_flat():
    km = kaplan_meier(pd.DataFrame({"nights": [4, 9], "progressed": [False, False]}))
    assert km["survival"].tolist() == [1.0, 1.0, 1.0]
    assert km["low"].tolist() == [1.0, 1.0, 1.0]


def test_time_to_progression_censors_at_the_end_of_observation():
    summary = pd.DataFrame({"subject_id": ["a", "b", "c"], "nights_observed": [30, 12, 8],
                            "nights_to_progression": pd.array([5, pd.NA, 8], dtype="Int64")})
    t = time_to_progression(summary)
    assert t["nights"].tolist() == [5, 12, 8]
    assert t["progressed"].tolist() == [True, False, True]


def test_time_to_progression_from_a_real_summary():
    rows = [row(d, 100, subject_id="p") for d in (1, 2, 3)] + [row(d, 70, subject_id="q") for d in (1, 5)]
    t = time_to_progression(rollstats.summarize(segments(rows)))
    # p reaches 300 s on night 3; q never does and is censored at its 5 observed nights (1-5 Mar)
    assert t.set_index("subject_id").loc[["p", "q"]].values.tolist() == [[3, True], [5, False]]


def test_km_curve_steps_equal_the_estimate(figures):
    fig = plot_time_to_progression(kaplan_meier(KM_TIMES))
    figures(fig)
    ax = fig.axes[0]
    curve = next(ln for ln in ax.get_lines() if ln.get_gid() == "km")
    assert list(curve.get_xdata()) == [0, 3, 5, 6, 8, 10]
    assert list(curve.get_ydata()) == pytest.approx([1, 0.8, 0.6, 0.6, 0.3, 0.3])
    assert curve.get_drawstyle() == "steps-post"
    censored = next(ln for ln in ax.get_lines() if ln.get_gid() == "censored")
    assert list(censored.get_xdata()) == [6, 10] and list(censored.get_ydata()) == pytest.approx([0.6, 0.3])
    assert "5 subjects, 3 progressed" in ax.get_title(loc="left")
    progressed = plot_time_to_progression(kaplan_meier(KM_TIMES), progressed=True)
    figures(progressed)
    up = next(ln for ln in progressed.axes[0].get_lines() if ln.get_gid() == "km")
    assert list(up.get_ydata()) == pytest.approx([0, 0.2, 0.4, 0.4, 0.7, 0.7])


def test_every_figure_saves_as_png(tmp_path, figures):
    t = nights_frame([100, 120, 90, 0, 70, 0, 80, 0, 0], progression_at=2)
    made = [plot_calendar(t), plot_timeline(t), plot_body_map(BODY), plot_region_seconds(BODY),
            plot_weekly_adherence(t), plot_time_to_progression(kaplan_meier(KM_TIMES))]
    for i, fig in enumerate(made):
        figures(fig)
        path = tmp_path / f"{i}.png"
        fig.savefig(path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_gallery_renders_the_sample_patient(tmp_path):
    from rollstats.plots import gallery

    paths = gallery.render(tmp_path, names=("bodymap", "calendar", "timeline"), dpi=40)
    assert [p.name for p in paths] == ["bodymap.png", "calendar.png", "timeline.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)
    with pytest.raises(ValueError, match="unknown figure"):
        gallery.render(tmp_path, names=("nope",))


# --- pain before and after rolling, by week -------------------------------------------------------

def pain_weeks_frame() -> pd.DataFrame:
    """Weeks of 7 nights from Wed 4 Mar 2026 (the first night of observation): week 0 with both scores,
    week 1 with a score after rolling only, week 2 without any score (no row), week 3 before only."""
    first = pd.to_datetime(["2026-03-04", "2026-03-11", "2026-03-25"])
    return pd.DataFrame({"week": [0, 1, 3], "week_first": first, "week_last": first + pd.Timedelta(days=6),
                         "sessions": [3, 1, 2], "mean_pain_before": [6.0, np.nan, 2.0],
                         "mean_pain_after": [3.0, 2.0, np.nan]})


def num(date: str) -> float:
    return float(mdates.date2num(pd.Timestamp(date)))


def test_pain_weeks_at_their_middles_within_whole_weeks(figures):
    chart = pain_drawing(pain_weeks_frame(), "a", ("2026-03-04", "2026-03-26"))
    figures(chart.figure)
    ax = chart.figure.axes[0]
    # each week at its middle night (Saturday): 7, 14 and 28 Mar
    assert list(chart.before.get_xdata()) == [num("2026-03-07"), num("2026-03-28")]
    assert list(chart.before.get_ydata()) == [6.0, 2.0]
    assert list(chart.after.get_xdata()) == [num("2026-03-07"), num("2026-03-14")]
    assert list(chart.after.get_ydata()) == [3.0, 2.0]
    stems = [c for c in ax.collections if c.get_segments()]
    assert len(stems) == 1 and [s.tolist() for s in stems[0].get_segments()] == [[[num("2026-03-07"), 3.0],
                                                                                  [num("2026-03-07"), 6.0]]]
    # the span ends on 26 Mar, inside the last week: the axes reach that week's end (31 Mar)
    assert ax.get_xlim() == (num("2026-03-04") - 0.5, num("2026-03-31") + 0.5)
    assert chart.title.get_text() == "a: pain before and after rolling, by week (from 4 Mar 2026 to 26 Mar 2026)"
    assert [v.get_visible() for v in chart.veils] == [False, False]


def covered_nights(chart) -> set[pd.Timestamp]:
    """The nights of the axes whose middle lies under a visible veil."""
    lo, hi = chart.figure.axes[0].get_xlim()
    nights = [n for n in pd.date_range("2026-03-01", "2026-04-05") if lo < num(n) < hi]
    return {n for n in nights for v in chart.veils
            if v.get_visible() and v.get_x() < num(n) < v.get_x() + v.get_width()}


def test_pain_veils_fade_the_weeks_holding_no_night_of_the_range(figures):
    chart = pain_drawing(pain_weeks_frame(), "a", ("2026-03-04", "2026-03-31"), shown=("2026-03-12", "2026-03-20"))
    figures(chart.figure)
    # 12 and 20 Mar lie in the weeks of 11 and 18 Mar: those stay clear, 4-10 and 25-31 Mar are faded
    assert chart.title.get_text() == "a: the weeks of 11 Mar 2026 to 24 Mar 2026 (this range); the other weeks faded"
    before, after = chart.veils
    assert (before.get_x(), before.get_width()) == (num("2026-03-04") - 0.5, 7.0)
    assert (after.get_x(), after.get_width()) == (num("2026-03-25") - 0.5, 7.0)
    nights = pd.date_range("2026-03-04", "2026-03-31")
    week = {n: (n - nights[0]).days // 7 for n in nights}
    for i, first in enumerate(nights):
        for last in nights[i::3]:
            changed = show_pain_weeks(chart, first, last)
            assert changed == [*chart.veils, chart.title]
            expect = {n for n in nights if week[n] < week[first] or week[n] > week[last]}
            assert covered_nights(chart) == expect, (first, last)
            assert ("faded" in chart.title.get_text()) == bool(expect), (first, last)
    show_pain_weeks(chart)   # no range: nothing faded, the title of the whole span
    assert covered_nights(chart) == set()
    assert chart.title.get_text() == "a: pain before and after rolling, by week (from 4 Mar 2026 to 31 Mar 2026)"


def test_pain_without_any_score_says_so_and_fades_by_night(figures):
    empty = pain_weeks_frame().iloc[:0]
    chart = pain_drawing(empty, "a", ("2026-03-04", "2026-03-12"), shown=("2026-03-06", "2026-03-07"))
    figures(chart.figure)
    assert chart.title.get_text() == "a: no pain score logged from 4 Mar 2026 to 12 Mar 2026"
    assert chart.figure.axes[0].get_legend() is None and len(chart.before.get_xdata()) == 0
    assert covered_nights(chart) == {pd.Timestamp(f"2026-03-{d:02d}") for d in (4, 5, 8, 9, 10, 11, 12)}

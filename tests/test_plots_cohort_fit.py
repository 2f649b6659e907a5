"""The cohort figures fit their data (issue 17): weeks with few subjects drawn apart with every
week's n written, whole-week ticks, and a Kaplan-Meier axis that ends near the last progression."""
from __future__ import annotations

import numpy as np
import pandas as pd

from rollstats.metrics.cohort import kaplan_meier
from rollstats.plots import plot_adherence_by_week, plot_time_to_progression


def lines(fig) -> dict:
    return {line.get_gid(): line for line in fig.axes[0].get_lines() if line.get_gid()}


def test_a_last_partial_week_of_few_subjects_is_drawn_apart():
    by_week = pd.DataFrame({"week": [0, 1, 2, 3], "subjects": [30, 28, 25, 5], "mean": [0.9, 0.8, 0.7, 0.0],
                            "low": [0.8, 0.7, 0.6, 0.0], "high": [1.0, 0.9, 0.8, 0.1], "phase": "all"})
    fig = plot_adherence_by_week(by_week)   # fewer than ceil(30 / 4) = 8 subjects: apart
    drawn = lines(fig)
    assert np.isnan(drawn["mean"].get_ydata()[3]) and drawn["mean"].get_ydata()[:3].tolist() == [0.9, 0.8, 0.7]
    assert drawn["few"].get_xdata().tolist() == [4] and drawn["few"].get_ydata().tolist() == [0.0]
    assert drawn["few"].get_markerfacecolor() == "white"
    ax = fig.axes[0]
    n = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    assert n == ["30", "28", "25", "5"]
    assert [float(t) for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]] == [1.0, 2.0, 3.0, 4.0]
    assert "weeks with fewer than 8 subjects (apart)" in [t.get_text() for t in ax.get_legend().get_texts()]
    # with a minimum of 3 every week is joined
    assert len(lines(plot_adherence_by_week(by_week, min_subjects=3))["few"].get_xdata()) == 0


def test_the_kaplan_meier_axis_ends_near_the_last_progression():
    # 4 subjects progress on nights 3, 5, 5 and 7; 6 are followed to night 110 without progressing
    times = pd.DataFrame({"subject_id": [f"s{i}" for i in range(10)],
                          "nights": [3, 5, 5, 7] + [110] * 6, "progressed": [True] * 4 + [False] * 6})
    fig = plot_time_to_progression(kaplan_meier(times), progressed=True)
    ax = fig.axes[0]
    assert ax.get_xlim() == (0.0, 11.0)   # 7 + max(3, 7 / 2) = 10.5, rounded up
    assert ax.get_xlabel() == "nights since the subject's first night (no further progression up to night 110)"
    assert all(float(t).is_integer() for t in ax.get_xticks())
    # every subject followed only to night 8: the axis ends there, with no note
    short = times.assign(nights=[3, 5, 5, 7] + [8] * 6)
    ax = plot_time_to_progression(kaplan_meier(short), progressed=True).axes[0]
    assert ax.get_xlim() == (0.0, 8.0) and ax.get_xlabel() == "nights since the subject's first night"


def test_the_at_risk_row_sits_right_under_the_tick_labels_and_over_the_axis_label():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    times = pd.DataFrame({"subject_id": [f"s{i}" for i in range(10)],
                          "nights": [3, 5, 5, 7] + [110] * 6, "progressed": [True] * 4 + [False] * 6})
    for size in ((7.5, 4.0), (7.5, 9.0)):   # the row keeps its place however tall the figure
        fig = plot_time_to_progression(kaplan_meier(times), progressed=True)
        fig.set_size_inches(*size)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        ax = fig.axes[0]
        row = [t for t in ax.texts if t.get_gid() == "at_risk"]
        # ticks 0, 2, ..., 10: all 10 subjects at risk up to night 3, 9 up to 5, 7 up to 7, then 6
        assert [t.get_text() for t in row] == ["10", "10", "9", "7", "6", "6", "at risk"]
        boxes = [t.get_window_extent(renderer) for t in row]
        ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        label = ax.xaxis.label.get_window_extent(renderer)
        top, bottom = max(b.y1 for b in boxes), min(b.y0 for b in boxes)
        under_ticks = min(b.y0 for b in ticks) - top          # pixels between tick labels and the row
        over_label = bottom - label.y1                        # pixels between the row and the axis label
        assert 0 < under_ticks < 6 and 0 < over_label < 10, (size, under_ticks, over_label)
        assert max(b.y1 for b in boxes) - min(b.y1 for b in boxes) < 1   # one row, "at risk" with it

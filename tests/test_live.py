"""Figures to pictures (rollstats.render) and the veils and title of a calendar's range.

Every blitted picture is compared pixel for pixel with a full draw, and the PNG bytes of the
one road from a figure to an image with matplotlib's own ``savefig``; the veils are compared
cell by cell with the nights before and after the range.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from matplotlib.text import Text
from PIL import Image

from rollstats.plots import calendar_drawing
from rollstats.plots.calendar import cells_before, show_nights
from rollstats.plots.pain import pain_drawing, show_pain_weeks
from rollstats.program import Program
from rollstats.render import LiveFigure, Pictures, draw_order, figure_png, figure_rgba, png_bytes

from test_plots import nights_frame

X = np.linspace(0, 10, 60)


# --- png_bytes --------------------------------------------------------------------------------------

@pytest.mark.parametrize("channels, mode", [(4, "RGBA"), (3, "RGB")])
def test_png_bytes_decode_to_the_same_pixels(channels, mode):
    pixels = np.random.default_rng(channels).integers(0, 256, size=(7, 13, channels), dtype=np.uint8)
    data = png_bytes(pixels, level=9)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR" and int.from_bytes(data[16:20], "big") == 13 and int.from_bytes(data[20:24], "big") == 7
    image = Image.open(io.BytesIO(data))
    assert image.mode == mode and image.size == (13, 7)
    np.testing.assert_array_equal(np.asarray(image), pixels)


def test_an_opaque_picture_is_stored_as_rgb_with_the_same_pixels():
    pixels = np.random.default_rng(5).integers(0, 256, size=(7, 13, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    image = Image.open(io.BytesIO(png_bytes(pixels)))
    assert image.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(image.convert("RGBA")), pixels)


# --- figure_png: the one road from a figure to PNG bytes --------------------------------------------

def decoded(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def test_figure_png_gives_the_pixels_of_savefig():
    fig, *_ = line_figure(np.sin(X))
    fig.suptitle("a title", fontsize=11)
    mine = figure_png(fig, dpi=70)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=70)   # matplotlib's own writer, through Pillow
    np.testing.assert_array_equal(decoded(mine), decoded(buffer.getvalue()))
    assert decoded(mine).shape == (210, 280, 4) and fig.dpi == 100   # 4 x 3 inches at 70 dpi; dpi left as it was
    np.testing.assert_array_equal(decoded(mine), figure_rgba(fig, dpi=70))


# --- LiveFigure -----------------------------------------------------------------------------------

def line_figure(y):
    """A fixed-layout figure: a line under a text, a legend over it, and a text far off."""
    fig = Figure(figsize=(4, 3))
    ax = fig.add_axes((0.15, 0.2, 0.75, 0.7))
    line, = ax.plot(X, y, linewidth=2, label="rolled")
    ax.set_xlim(-0.5, 10.5)
    ax.set_ylim(-1.3, 1.3)
    over = ax.text(5, 0, "OVER THE LINE", ha="center", va="center", fontsize=14, zorder=5)
    ax.legend(loc="upper right")
    far = fig.text(0.01, 0.01, "far away", fontsize=8)
    return fig, line, over, far


def full_draw(fig, dpi=100) -> np.ndarray:
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_live_figure_redraws_the_changing_line_and_what_lies_above_it():
    fig, line, over, far = line_figure(np.sin(X))   # the first line spans the whole box of its later shapes
    live = LiveFigure(fig, [line], dpi=80)
    assert line in live.redrawn and over in live.redrawn and fig.axes[0].get_legend() in live.redrawn
    assert far not in live.redrawn
    first = live.rgba().copy()
    for k, y in enumerate([np.cos(X), 0.5 * np.sin(3 * X), np.zeros_like(X) + 0.1, -np.sin(X)]):
        line.set_ydata(y)
        blitted = live.rgba().copy()
        assert not np.array_equal(blitted, first)
        # the same figure built afresh with these data and drawn in full: the same picture
        np.testing.assert_array_equal(blitted, full_draw(line_figure(y)[0], dpi=80), err_msg=f"change {k}")
        live.forget()
        np.testing.assert_array_equal(blitted, live.rgba(), err_msg=f"change {k}, after forget")


def text_figure(words: str):
    """Texts of every kind the figures use: a figure title, several lines, rotated, bold, small, not
    antialiased, on a coloured box, mathtext; returns the figure and the texts that carry ``words``."""
    fig = Figure(figsize=(4, 3))
    ax = fig.add_axes((0.1, 0.15, 0.8, 0.7))
    title = fig.suptitle(f"{words}: a title", fontsize=11)
    lines = ax.text(0.15, 0.8, f"{words}\n120 s", fontsize=7.5, ha="center", va="center")
    turned = ax.text(0.45, 0.45, f"keep {words}", rotation=33, fontweight="bold", fontsize=9)
    boxed = ax.text(0.75, 0.15, words, fontsize=6.5, color="white", backgroundcolor="navy", antialiased=False)
    ax.set_xlabel("nights", fontsize=8)
    ax.text(0.2, 0.3, r"$\sum s$ math", fontsize=8)
    return fig, [title, lines, turned, boxed]


def test_texts_redrawn_over_the_kept_pixels_are_those_of_a_full_draw():
    fig, texts = text_figure("calf")
    live = LiveFigure(fig, texts, dpi=90, margin_px=40)
    live.rgba()
    for words in ("thigh front", "hip", "calf"):   # longer and shorter words, then the first ones again
        texts[0].set_text(f"{words}: a title")
        texts[1].set_text(f"{words}\n120 s")
        texts[2].set_text(f"keep {words}")
        texts[3].set_text(words)
        np.testing.assert_array_equal(live.rgba(), full_draw(text_figure(words)[0], dpi=90), err_msg=words)


def test_without_redrawing_the_text_above_the_picture_is_wrong():
    """A plain blit of the line alone paints it over the text: the overlap rule is needed."""
    fig, line, _, _ = line_figure(np.sin(X))
    fig.set_dpi(80)
    canvas = FigureCanvasAgg(fig)
    line.set_animated(True)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    line.set_ydata(np.zeros_like(X))   # right through the text
    canvas.restore_region(background)
    fig.draw_artist(line)
    naive = np.asarray(canvas.buffer_rgba()).copy()
    expected = full_draw(line_figure(np.zeros_like(X))[0], dpi=80)
    assert not np.array_equal(naive, expected)
    fig2, line2, _, _ = line_figure(np.sin(X))
    live = LiveFigure(fig2, [line2], dpi=80)
    live.rgba()
    line2.set_ydata(np.zeros_like(X))
    np.testing.assert_array_equal(live.rgba(), expected)


def bars_figure(xlim):
    """Low bars and a low line on the left, tall bars on the right under a text."""
    fig = Figure(figsize=(4, 3))
    ax = fig.add_axes((0.15, 0.2, 0.75, 0.7))
    x = np.arange(20)
    bars = ax.bar(x, np.where(x < 10, 1, 8), color="tab:green")
    line, = ax.plot(x, 0.3 + 0.2 * (x % 3), color="black")
    note = ax.text(0.5, 0.5, "note", transform=ax.transAxes, ha="center", fontsize=16, zorder=6)
    ax.set_ylim(0, 9)
    ax.set_xlim(*xlim)
    return fig, ax, [*bars.patches, line], note


@pytest.mark.parametrize("as_moving", [True, False])
def test_moving_artists_follow_new_limits(as_moving):
    """Tall bars come under the text only after the limits change: they must be declared moving."""
    fig, ax, movers, note = bars_figure((-0.5, 9.5))
    changing = [ax.xaxis] + ([] if as_moving else movers)   # the tick labels change with the limits
    live = LiveFigure(fig, changing, moving=movers if as_moving else (), dpi=90)
    assert all(a in live.redrawn for a in movers) and (note in live.redrawn) == as_moving
    live.rgba()
    same = []
    for xlim in [(4.5, 14.5), (9.5, 19.5), (7.5, 17.5), (-0.5, 9.5)]:   # tall bars under the text, then none
        ax.set_xlim(*xlim)
        same.append(np.array_equal(live.rgba(), full_draw(bars_figure(xlim)[0], dpi=90)))
    assert same == ([True] * 4 if as_moving else [False, False, False, True])


def veiled_figure(x0=None):
    """A text under a legend in the upper right and, when ``x0`` is given, a white veil from ``x0`` to the
    right end, above the text and under the legend (the veils of the timeline and the pain figure)."""
    fig = Figure(figsize=(4, 2))
    ax = fig.add_axes((0.1, 0.15, 0.85, 0.75))
    ax.plot(X, np.sin(X), label="rolled")
    ax.text(8, 0.5, "LATE", fontsize=14, ha="center")
    ax.legend(loc="upper right")
    ax.set_xlim(0, 10)
    veil = ax.add_patch(Rectangle((0 if x0 is None else x0, 0), 10 - (x0 or 0), 1, transform=ax.get_xaxis_transform(),
                                  facecolor=(1, 1, 1, 0.72), edgecolor="none", zorder=4.5, visible=x0 is not None))
    return fig, veil


def test_a_moving_artist_hidden_at_first_keeps_what_lies_above_it_on_top():
    """A veil hidden when the background is kept may later cover any part of its axes: the legend
    above it must be drawn again over it (the review's figures start with no veil)."""
    fig, veil = veiled_figure()
    live = LiveFigure(fig, [], moving=[veil], dpi=80)
    live.rgba()
    live.prepare()   # the background is kept while the veil is hidden
    assert fig.axes[0].get_legend() in live.redrawn
    for x0 in (6.0, 2.5, 9.0):   # over the text, then over the legend too
        veil.set_x(x0)
        veil.set_width(10 - x0)
        veil.set_visible(True)
        np.testing.assert_array_equal(live.rgba(), full_draw(veiled_figure(x0)[0], dpi=80), err_msg=str(x0))


def pain_weeks_table(n_weeks: int = 8, start: str = "2026-03-04") -> pd.DataFrame:
    """Weekly pain of a subject observed from a Wednesday: weeks of 7 nights from it, scores by hand
    (week 2 has no score after rolling, week 5 no score at all)."""
    first = pd.date_range(start, periods=n_weeks, freq="7D")
    before = [6.0, 7.5, 5.0, 4.0, 4.5, np.nan, 2.0, 1.0][:n_weeks]
    after = [3.0, 4.0, np.nan, 2.0, 1.5, np.nan, 1.0, 0.5][:n_weeks]
    keep = ~(np.isnan(before) & np.isnan(after))
    return pd.DataFrame({"week": np.arange(n_weeks), "week_first": first, "week_last": first + pd.Timedelta(days=6),
                         "sessions": 3, "mean_pain_before": before, "mean_pain_after": after}).loc[keep]


def test_the_pain_figure_kept_drawn_gives_the_picture_of_a_full_draw():
    """A new range moves the pain figure's two veils and rewrites its title over the kept pixels: the
    picture is, pixel for pixel, the one the same figure built afresh for that range (its own
    constrained layout included) gives; the legend above the veils stays on top."""
    weeks = pain_weeks_table()
    span = ("2026-03-04", "2026-04-26")   # 54 nights: the last week holds 5 of them
    chart = pain_drawing(weeks, "a", span)
    live = LiveFigure(chart.figure, [chart.title], dpi=60, moving=chart.moving)
    whole = live.rgba().copy()
    np.testing.assert_array_equal(whole, full_draw(pain_drawing(weeks, "a", span).figure, dpi=60))
    seen = []
    for shown in [("2026-03-10", "2026-03-24"), ("2026-04-20", "2026-04-26"), ("2026-03-04", "2026-03-04"),
                  ("2026-03-18", "2026-04-10"), ("2026-03-04", "2026-04-26")]:
        show_pain_weeks(chart, *shown)
        picture = live.rgba().copy()
        fresh = pain_drawing(weeks, "a", span, shown=shown)
        assert fresh.title.get_text() == chart.title.get_text(), shown
        np.testing.assert_array_equal(picture, full_draw(fresh.figure, dpi=60), err_msg=str(shown))
        seen.append(picture)
    assert not np.array_equal(seen[0], whole) and np.array_equal(seen[-1], whole)   # the whole range: no veil


# --- draw_order -----------------------------------------------------------------------------------

def recorded_order(fig) -> list:
    """The artists whose ``draw`` a full draw calls, in order (their draw methods are wrapped)."""
    called = []
    watched = [c for c in fig.get_children() if c is not fig.patch and c not in fig.axes]
    watched += [a for ax in fig.axes for a in ax.get_children()]

    def wrap(artist):
        draw = artist.draw

        def recording(renderer, *args, **kwargs):
            called.append(artist)
            return draw(renderer, *args, **kwargs)
        artist.draw = recording

    for artist in watched:
        wrap(artist)
    FigureCanvasAgg(fig).draw()
    return called


def test_draw_order_is_the_order_of_a_full_draw():
    fig = Figure()
    top = fig.add_axes((0.1, 0.1, 0.5, 0.5), zorder=2)
    low = fig.add_axes((0.3, 0.3, 0.5, 0.5), zorder=1)
    bare = fig.add_axes((0.6, 0.6, 0.3, 0.3), zorder=3)
    bare.set_axis_off()
    note = fig.text(0.5, 0.95, "figure text")   # zorder 3, added after bare: after it
    txt = low.text(0.5, 0.5, "t", zorder=4)
    line, = low.plot([0, 1], [0, 1], zorder=2)
    rect = low.add_patch(Rectangle((0, 0), 0.5, 0.5, zorder=1))
    shade = bare.fill_between([0, 1], [0, 1])
    order = draw_order(fig)
    assert order == recorded_order(fig)
    # the lower axes first, patch first, then its children by zorder (stable among equals)
    spines = list(low.spines.values())
    titles = [a for a in low.get_children() if isinstance(a, Text) and a not in low.texts]   # centre, left, right
    assert len(titles) == 3 and titles[0] is low.title
    expected_low = [low.patch, rect, low.xaxis, low.yaxis, line, *spines, *titles, txt]   # titles: zorder 3
    assert order[:len(expected_low)] == expected_low
    assert order.index(top.patch) == len(expected_low)
    assert order.index(top.patch) < order.index(shade) < order.index(note) == len(order) - 1
    # an axes without axis: no patch, spines nor axis objects
    for hidden in (bare.patch, bare.xaxis, bare.yaxis, *bare.spines.values()):
        assert hidden not in order


# --- calendar veils and title ---------------------------------------------------------------------

def covered(corners, n_weeks) -> set:
    if len(corners) == 0:
        return set()
    path = Path(np.asarray(corners, dtype=float))
    return {(c, r) for c in range(n_weeks) for r in range(7) if path.contains_point((c, r))}


@pytest.mark.parametrize("n_weeks", [1, 2, 3, 5])
def test_cells_before_covers_exactly_the_earlier_cells(n_weeks):
    for col in range(n_weeks):
        for row in range(7):
            corners = cells_before(col, row)
            expect = {(c, r) for c in range(n_weeks) for r in range(7) if 7 * c + r < 7 * col + row}
            assert covered(corners, n_weeks) == expect, (col, row)
            assert (corners == []) == (not expect)
            xs, ys = zip(*corners) if corners else ((0,), (0,))
            assert min(xs) >= -0.5 and max(xs) <= col + 0.5 and min(ys) >= -0.5 and max(ys) <= 6.5


@pytest.mark.parametrize("start, n", [("2026-03-04", 3), ("2026-03-02", 7), ("2026-03-08", 9), ("2026-03-05", 26)])
def test_veils_cover_the_cells_outside_the_range(figures, start, n):
    t = nights_frame([70.0] * n, start=start)
    nights = t["night"]
    monday = nights.iloc[0] - pd.Timedelta(days=nights.iloc[0].day_of_week)
    n_weeks = (nights.iloc[-1] - monday).days // 7 + 1
    cells = {(c, r): 7 * c + r for c in range(n_weeks) for r in range(7)}

    def check(calendar, lo, hi):
        i_lo, i_hi = (nights.iloc[lo] - monday).days, (nights.iloc[hi] - monday).days
        for side, veil, expect in (("before", calendar.veils[0], {k for k, v in cells.items() if v < i_lo}),
                                   ("after", calendar.veils[1], {k for k, v in cells.items() if v > i_hi})):
            assert veil.get_visible() == bool(expect), (side, lo, hi)
            if expect:
                assert covered(veil.get_xy(), n_weeks) == expect, (side, lo, hi)

    calendar = calendar_drawing(t, shown=(nights.iloc[1], nights.iloc[n - 2]))
    figures(calendar.figure)
    check(calendar, 1, n - 2)
    for lo in range(n):
        for hi in range(lo, n):
            show_nights(calendar, t, "a", Program.default(), nights.iloc[lo], nights.iloc[hi])
            check(calendar, lo, hi)


def test_calendar_title_counts_the_range(figures):
    # Wed 4 to Sun 15 Mar 2026; Mon 9 Mar (index 5) is the progression night, maintenance after it
    t = nights_frame([70, 0, 30, 200, 130, 60, 0, 0, 90, 0, 45, 0], progression_at=5)
    cases = {
        None: ["a: 4 Mar 2026 to 15 Mar 2026 (12 nights)",
               "daily phase: 4 of 6 nights at least 60 s; maintenance: 1 of 6 nights compliant"],
        # Thu 5 to Thu 12: daily 5-9 Mar (200, 130 and 60 s compliant), maintenance 10-12 Mar (90 s)
        ("2026-03-05", "2026-03-12"): ["a: 5 Mar 2026 to 12 Mar 2026 (8 nights; others faded)",
                                       "in this range, daily phase: 3 of 5 nights at least 60 s; "
                                           "maintenance: 1 of 3 nights compliant"],
        # a start before the first night is cut to it; no maintenance night: no maintenance count
        ("2026-03-01", "2026-03-06"): ["a: 4 Mar 2026 to 6 Mar 2026 (3 nights; others faded)",
                                       "in this range, daily phase: 1 of 3 nights at least 60 s"],
        # an end after the last night is cut to it; only maintenance nights (45 s is short)
        ("2026-03-13", "2026-03-20"): ["a: 13 Mar 2026 to 15 Mar 2026 (3 nights; others faded)",
                                       "no night of the daily phase in this range; maintenance: 0 of 3 nights compliant"],
    }
    for shown, lines in cases.items():
        calendar = calendar_drawing(t, shown=shown)
        figures(calendar.figure)
        assert calendar.title in calendar.figure.texts   # a figure title, from the figure's left edge
        assert calendar.title.get_text().split("\n") == lines, shown

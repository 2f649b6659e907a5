"""The cache of a widget's pictures (rollstats.render.Pictures): what is kept, what is drawn again.

A picture kept is the bytes drawn before; a layout reused gives the picture that the figure's
own constrained layout gives when only its data changed; a picture drawn on a figure kept drawn
is, pixel for pixel, a full draw of that figure.
"""
from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image

from rollstats.render import Pictures, figure_rgba


def decoded(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def bars(heights, title: str = "nights", layout: str = "constrained") -> Figure:
    """A bar chart with fixed limits: new heights change no tick label, so the layout stays the same."""
    fig = Figure(figsize=(4, 3), layout=layout)
    ax = fig.subplots()
    ax.bar(range(len(heights)), heights, color="tab:green")
    ax.set_ylim(0, 10)
    ax.set_xlim(-1, 5)
    ax.set_ylabel("seconds per night (s)")
    ax.set_title(title)
    return fig


def test_a_picture_is_kept_by_what_it_shows_and_forgotten_least_recently_used_first():
    pictures = Pictures(dpi=30, keep=2)
    made = []

    def build(heights):
        def make():
            made.append(heights)
            return bars(heights)
        return make

    a = pictures.png("a", build([1, 2, 3]))
    assert pictures.png("a", build([9, 9, 9])) is a and made == [[1, 2, 3]]   # kept: nothing built
    pictures.png("b", build([3, 2, 1]))
    pictures.png("a", build([1, 2, 3]))   # "a" used again: "b" is now the oldest
    pictures.png("c", build([2, 2, 2]))
    assert "a" in pictures and "c" in pictures and "b" not in pictures
    assert made == [[1, 2, 3], [3, 2, 1], [2, 2, 2]] and pictures.built == 3
    assert decoded(a).shape == (90, 120, 4)   # 4 x 3 inches at 30 dpi


def test_a_layout_is_reused_for_a_figure_of_the_same_shape():
    pictures = Pictures(dpi=40)
    first = bars([1, 2, 3, 4])
    pictures.png("first", lambda: first)
    kept = first.axes[0].get_position().bounds   # where the constrained layout put the axes
    second = bars([4, 3, 2, 1])
    data = pictures.png("second", lambda: second)
    assert not isinstance(second.get_layout_engine(), ConstrainedLayoutEngine)   # no layout computed
    assert second.axes[0].get_position().bounds == kept
    # the same picture as the figure's own constrained layout gives: only the data changed
    np.testing.assert_array_equal(decoded(data), figure_rgba(bars([4, 3, 2, 1]), dpi=40))
    # a title of two lines is another shape: its own layout, and a lower top for the axes
    third = bars([1, 1, 1, 1], title="nights\nof the range")
    pictures.png("third", lambda: third)
    assert isinstance(third.get_layout_engine(), ConstrainedLayoutEngine)
    assert third.axes[0].get_position().y1 < kept[1] + kept[3]


def test_a_figure_without_layout_engine_is_drawn_as_it_is():
    pictures = Pictures(dpi=40)
    fig = bars([1, 2, 3, 4], layout="none")
    data = pictures.png("plain", lambda: fig)
    np.testing.assert_array_equal(decoded(data), figure_rgba(bars([1, 2, 3, 4], layout="none"), dpi=40))


class Drawing:
    """A figure and a line that ``show`` moves: what a drawing of rollstats.plots holds."""

    def __init__(self):
        self.figure = bars([3, 6, 1, 9])
        self.line, = self.figure.axes[0].plot([-1, 5], [1, 1], color="black", linewidth=3, zorder=0.5)   # under the bars


def test_pictures_of_a_figure_kept_drawn_are_full_draws_of_it():
    pictures = Pictures(dpi=40)
    builds, drawing = [], []

    def build():
        builds.append(1)
        drawing.append(Drawing())
        d = drawing[-1]
        title = d.figure.axes[0].title
        return d, [title], [d.line]

    def show(level):
        def set_level(d):
            d.line.set_ydata([level, level])
            d.figure.axes[0].set_title(f"level {level}")
        return set_level

    for level in (2, 5, 0.5, 8):   # the line behind the bars that reach it: they are drawn again over it
        data = pictures.live_png(("level", level), "lines", build, show(level))
        live = pictures.live("lines")
        np.testing.assert_array_equal(decoded(data), live.full_rgba(), err_msg=str(level))
        assert live.figure.axes[0].get_title() == f"level {level}"
    assert builds == [1] and pictures.built == 1   # one figure, changed in place
    kept = pictures.live_png(("level", 2), "lines", build, show(9))   # level 2 was kept: nothing shown
    assert drawing[0].figure.axes[0].get_title() == "level 8" and kept == pictures.live_png(
        ("level", 2), "lines", build, show(2))
    pictures.live_png(None, "lines", build, show(3))   # None: drawn, and not kept
    assert ("level", 3) not in pictures and drawing[0].figure.axes[0].get_title() == "level 3"
    assert pictures.live("other") is None

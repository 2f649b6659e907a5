"""Figures kept between changes: what stays is drawn once, what changes is drawn again over it.

A widget that shows the same figure for another date range changes a few artists (an image's
colours, a title, the limits of a date axis) and leaves the rest (legends, labels, outlines)
as it was. Drawing text is most of matplotlib's cost, so :class:`LiveFigure` draws the whole
figure once, keeps the pixels of everything that does not change (the background), and for
each new state puts those pixels back and draws only the changing artists over them: the
blitting technique of matplotlib's animation guide, done on an off-screen Agg canvas.

The picture is the one a full draw gives: an unchanging artist that matplotlib would draw
*after* a changing one and that overlaps it is redrawn with it, so the stacking order holds.
Only matplotlib's public API is used: ``canvas.copy_from_bbox`` / ``restore_region`` keep and
put back the pixels, ``figure.draw_artist`` draws one artist over them.
:func:`rollstats.render.png_bytes` then encodes the pixels.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from .png import png_bytes


def draw_order(fig: Figure) -> list[Artist]:
    """The artists of ``fig`` in the order a full draw paints them (figure children by zorder,
    each axes' patch first and then its children by zorder, stable among equals).

    >>> fig = Figure()
    >>> ax = fig.subplots()
    >>> line, = ax.plot([0, 1])
    >>> order = draw_order(fig)
    >>> order[0] is ax.patch, order.index(line) < order.index(ax.title)   # zorder 2, then 3
    (True, True)
    """
    order: list[Artist] = []
    for child in sorted((c for c in fig.get_children() if c is not fig.patch), key=lambda a: a.get_zorder()):
        if isinstance(child, Axes):  # as Axes.draw: no patch nor spines without a frame, no axis when off
            framed = child.axison and child.get_frame_on()
            hidden = {id(child.patch)} | ({id(s) for s in child.spines.values()} if not framed else set())
            hidden |= {id(child.xaxis), id(child.yaxis)} if not child.axison else set()
            inner = [a for a in child.get_children() if id(a) not in hidden]
            order.extend(([child.patch] if framed else []) + sorted(inner, key=lambda a: a.get_zorder()))
        else:
            order.append(child)
    return order


def _extent(artist: Artist, renderer, margin: float, moving: bool) -> Bbox | None:
    """Where ``artist`` paints now, grown by ``margin`` pixels and cut to its clip box; where it may
    paint when ``moving`` (its clip box: the axes it lives in, hidden now or not, since a change may
    show it). None when hidden or not measurable."""
    clip = artist.get_clip_box() if artist.get_clip_on() and not isinstance(artist, Axis) else None
    if moving and clip is not None:   # (an axis is clipped in name only: its ticks lie outside the axes)
        return clip
    if not artist.get_visible():
        return None
    try:
        box = artist.get_tightbbox(renderer) if hasattr(artist, "get_tightbbox") else None
        box = box if box is not None else artist.get_window_extent(renderer)
    except (RuntimeError, ValueError, TypeError):  # an artist with nothing to measure
        return None
    if box is None or not np.isfinite(box.bounds).all() or box.width < 0:
        return None
    box = box.padded(margin)
    return Bbox.intersection(box, clip) if clip is not None else box


def _meet(a: Bbox, b: Bbox) -> bool:
    """Whether two boxes share more than an edge."""
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


class LiveFigure:
    """A figure whose ``changing`` and ``moving`` artists are redrawn over a kept background.

    ``changing`` artists keep their place and change their look (colour, text, image data);
    ``moving`` ones may go anywhere inside their clip box (the contents of an axes whose
    limits change). After a change to those artists, :meth:`png` gives the new picture;
    change anything else, then call :meth:`forget` so the next picture draws everything
    again. The artists redrawn are marked animated, which ``savefig`` of this figure leaves out
    of figure-level texts: save pictures with :meth:`png`. The layout is fixed by the first
    draw (a constrained layout runs once). A
    changing text that grows far beyond where it was at the first draw may overlap
    unchanging artists drawn above it: keep such texts clear of the others (``margin_px``
    is the room allowed, in pixels). ``dpi`` is the resolution of the pictures (dots per inch).

    >>> fig = Figure(figsize=(2, 1))
    >>> ax = fig.subplots()
    >>> line, = ax.plot([0, 1], [0, 1])
    >>> live = LiveFigure(fig, [line], dpi=50)
    >>> first = live.png()
    >>> line.set_ydata([1, 0])
    >>> live.png() != first, live.rgba().shape
    (True, (50, 100, 4))
    """

    def __init__(self, fig: Figure, changing: Iterable[Artist], dpi: float = 100, moving: Iterable[Artist] = (),
                 margin_px: float = 3.0):
        self.figure = fig
        self.figure.set_dpi(dpi)
        self.canvas = FigureCanvasAgg(fig)
        self._changing = list(changing)
        self._moving = list(moving)
        self._margin = margin_px
        self._redrawn: list[Artist] | None = None
        self._background = None
        self._drawn = False   # whether a full draw has laid the figure out (and drawn it) yet

    @property
    def redrawn(self) -> list[Artist]:
        """The artists drawn at each change, in painting order (the changing ones and those above them)."""
        if self._redrawn is None:
            self._setup()
        return list(self._redrawn)

    def _setup(self) -> None:
        # a draw that paints nothing (unless a full draw came first): runs the layout engine once,
        # and lets every artist measure itself
        if not self._drawn:
            self.figure.draw_without_rendering()
        if self.figure.get_layout_engine() is not None:
            self.figure.set_layout_engine("none")
        renderer = self.canvas.get_renderer()
        moving = {id(a) for a in self._moving}
        changing = moving | {id(a) for a in self._changing}
        redrawn, boxes = [], []
        for artist in draw_order(self.figure):
            # a changing artist may grow (a longer text): ``margin`` pixels; antialiasing: 1 pixel
            box = _extent(artist, renderer, self._margin if id(artist) in changing else 1.0, id(artist) in moving)
            if id(artist) in changing or (box is not None and any(_meet(box, b) for b in boxes)):
                redrawn.append(artist)
                if box is not None:
                    boxes.append(box)
        for artist in redrawn:
            artist.set_animated(True)
        self._redrawn = redrawn

    def forget(self) -> None:
        """Start again at the next picture: a full draw, and the artists to redraw found anew (after
        changing an artist that was not declared, or moving one far from where it was)."""
        for artist in self._redrawn or ():
            artist.set_animated(False)
        self._redrawn = self._background = None

    def full_rgba(self) -> np.ndarray:
        """The picture a full draw of the figure as it is now gives (a copy; for checks: slow)."""
        if self._redrawn is None:
            self._setup()
        for artist in self._redrawn:
            artist.set_animated(False)
        try:
            self.canvas.draw()
            return np.asarray(self.canvas.buffer_rgba()).copy()
        finally:
            for artist in self._redrawn:
                artist.set_animated(True)
            self._background = None  # the canvas now holds every artist: take the background again

    @property
    def prepared(self) -> bool:
        """Whether the background is kept: the next picture redraws only the changing artists."""
        return self._background is not None

    def prepare(self) -> None:
        """Find the artists to redraw and keep the background now (the work the first picture of a
        figure leaves for later, see :meth:`rgba`); nothing when done already."""
        if self._redrawn is None:
            self._setup()
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)

    def rgba(self) -> np.ndarray:
        """The current picture as a height x width x 4 array (a view on the canvas: copy to keep it).

        The first picture of a figure is one full draw, which also fixes its layout; the
        background is kept by the next picture (or :meth:`prepare`), so that a figure shown once
        costs one draw only."""
        if not self._drawn and self._redrawn is None:
            self.canvas.draw()   # everything, the layout engine included
            self._drawn = True
            if self.figure.get_layout_engine() is not None:
                self.figure.set_layout_engine("none")
            return np.asarray(self.canvas.buffer_rgba())
        if self._redrawn is None:
            self._setup()
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in self._redrawn:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())

    def png(self, level: int = 1) -> bytes:
        """The current picture as PNG bytes (see :func:`png_bytes`)."""
        return png_bytes(self.rgba(), level)

"""An Agg canvas that lays each text out once: the glyph bitmap of a measured text is kept for drawing it.

matplotlib places a text by measuring it (FreeType lays its glyphs out) and then draws it (the
glyphs are laid out again and rasterised). On a slow machine that layout is most of the cost of
a redraw whose texts change: each glyph costs tens of microseconds. :class:`TextKeepingCanvas`
gives its figure a renderer that rasterises a text when it measures it and keeps the bitmap
(the last ``keep`` texts), so that drawing it, now or after any later change that brings the
same words back, only blends those pixels. They are the pixels the plain Agg renderer draws:
the same calls to FreeType, in the same order, with the same font, size and hinting.

Only plain text is kept (mathtext and TeX go the usual way). Used by
:class:`rollstats.plots.live.LiveFigure`, whose figures redraw the same kinds of text at each
change.
"""
from __future__ import annotations

from math import cos, radians, sin

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager

from .._lru import LRU


class TextKeepingRenderer(RendererAgg):
    """An Agg renderer that keeps the glyph bitmap, size and offsets of the texts it lays out.

    >>> from matplotlib.font_manager import FontProperties
    >>> renderer = TextKeepingRenderer(40, 20, 72)
    >>> size = renderer.get_text_width_height_descent("12 s", FontProperties(size=8), False)
    >>> len(renderer.kept), size == RendererAgg(40, 20, 72).get_text_width_height_descent(
    ...     "12 s", FontProperties(size=8), False)
    (1, True)
    """

    def __init__(self, width: float, height: float, dpi: float, keep: int = 512):
        super().__init__(width, height, dpi)
        self.kept = LRU(keep)   #: laid-out texts: (bitmap, width, height, descent, x offset, y offset), pixels

    def _laid_out(self, s: str, prop, antialiased: bool) -> tuple:
        # what FreeType's layout depends on: the words, the font files and size, the resolution, hinting
        key = (s, hash(prop), tuple(fontManager._find_fonts_by_props(prop)), self.dpi, get_hinting_flag(),
               mpl.rcParams["text.hinting_factor"], mpl.rcParams["text.kerning_factor"], bool(antialiased))
        kept = self.kept.get(key)
        if kept is None:  # the calls of RendererAgg.draw_text and get_text_width_height_descent, once
            font = self._prepare_font(prop)
            font.set_text(s, 0.0, flags=get_hinting_flag())
            font.draw_glyphs_to_bitmap(antialiased=antialiased)
            (width, height), (x_offset, y_offset) = font.get_width_height(), font.get_bitmap_offset()
            kept = self.kept.put(key, (np.asarray(font).copy(), width / 64, height / 64, font.get_descent() / 64,
                                       x_offset / 64, y_offset / 64))
        return kept

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        _, width, height, descent, _, _ = self._laid_out(s, prop, mpl.rcParams["text.antialiased"])
        return width, height, descent

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        bitmap, _, _, descent, x_offset, y_offset = self._laid_out(s, prop, gc.get_antialiased())
        # where the bitmap's corner goes from the text's anchor (the descent turned with the text)
        x = round(x + x_offset + descent * sin(radians(angle)))
        y = round(y + y_offset + descent * cos(radians(angle)))
        self._renderer.draw_text_image(bitmap, x, y + 1, angle, gc)


class TextKeepingCanvas(FigureCanvasAgg):
    """An Agg canvas whose renderer is a :class:`TextKeepingRenderer` (made anew when the figure's
    size or resolution changes, as Agg's own)."""

    def get_renderer(self):
        width, height = self.figure.bbox.size
        key = (width, height, self.figure.dpi)
        if getattr(self, "_kept_for", None) != key:
            self.renderer = TextKeepingRenderer(width, height, self.figure.dpi)
            self._kept_for = key
        return self.renderer

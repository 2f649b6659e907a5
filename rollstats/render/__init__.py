"""Figures to pictures: the one place where a matplotlib figure becomes pixels and PNG bytes.

:mod:`rollstats.plots` builds figures and :mod:`rollstats.views` arranges them with the words
of a review; neither draws nor keeps a picture. This package does, with matplotlib's public API
only:

- :func:`figure_png` (and :func:`figure_rgba`): a full draw on matplotlib's Agg canvas,
  encoded by :func:`png_bytes` (unfiltered rows, ISA-L's deflate);
- :class:`LiveFigure`: a figure kept drawn, whose changing artists are drawn again over the
  kept pixels of the rest (blitting: ``copy_from_bbox``, ``restore_region``, ``draw_artist``);
- :class:`Pictures`: every cache of a widget's pictures (PNG bytes by what they show, figures
  kept drawn, constrained layouts reused between figures of the same shape, or of the same
  :func:`live_layout_key` for figures kept drawn).
"""
from .display import show_figures_as_png
from .live import LiveFigure, draw_order
from .pictures import LRU, Pictures, layout_shape, live_layout_key
from .png import figure_png, figure_rgba, png_bytes

__all__ = ["LRU", "LiveFigure", "Pictures", "draw_order", "figure_png", "figure_rgba", "layout_shape", "live_layout_key",
           "png_bytes", "show_figures_as_png"]

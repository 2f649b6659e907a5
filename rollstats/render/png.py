"""The one road from a figure to PNG bytes: matplotlib's Agg canvas draws it, :func:`png_bytes` encodes it.

Both the figures drawn once (a report, a cohort figure) and the figures kept drawn between
changes (:class:`rollstats.render.LiveFigure`) end here, so a picture on screen and the same
picture in a report are the same bytes when drawn at the same resolution.
"""
from __future__ import annotations

import struct
import zlib

import numpy as np
from isal import isal_zlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def png_bytes(rgba: np.ndarray, level: int = 1) -> bytes:
    """PNG bytes of an image array (height x width x 4 RGBA, or x 3 RGB, ``uint8``).

    Rows are stored unfiltered and deflated by ISA-L (:mod:`isal.isal_zlib`: faster than
    :mod:`zlib` for the same size; ``benchmarks/widgets.py`` times both) at ``level`` (0: fastest
    to 3: smallest; more is taken as 3): quick for figures, whose flat colours compress well
    without the filters. An opaque picture (every alpha 255, as a figure on a white ground) is
    stored as RGB: a quarter less to deflate.

    >>> data = png_bytes(np.zeros((2, 3, 4), dtype=np.uint8))
    >>> data[:8], data[16:24]   # the signature, then width 3 and height 2 (pixels)
    (b'\\x89PNG\\r\\n\\x1a\\n', b'\\x00\\x00\\x00\\x03\\x00\\x00\\x00\\x02')
    >>> png_bytes(np.full((2, 3, 4), 255, dtype=np.uint8))[25]   # colour type 2 (RGB): opaque
    2
    """
    height, width, channels = rgba.shape
    if channels == 4 and (rgba[..., 3] == 255).all():
        channels = 3
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # no filter on any row
    pixels = rows[:, 1:].reshape(height, width, channels)   # a view: only the last axis is split
    for c in range(channels):  # a channel at a time: numpy copies a strided RGB slice far slower
        pixels[..., c] = rgba[..., c]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6 if channels == 4 else 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", isal_zlib.compress(rows, min(level, 3)))
            + chunk(b"IEND", b""))


def figure_rgba(fig: Figure, dpi: float | None = None) -> np.ndarray:
    """The pixels of a full draw of ``fig`` on an Agg canvas (height x width x 4, ``uint8``, a copy),
    at ``dpi`` dots per inch (default: the figure's own, which is left as it was).

    >>> fig = Figure(figsize=(2, 1))   # inches
    >>> figure_rgba(fig, dpi=30).shape, fig.dpi
    ((30, 60, 4), 100.0)
    """
    canvas = FigureCanvasAgg(fig)
    kept = fig.dpi
    if dpi is not None:
        fig.set_dpi(dpi)
    try:
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()
    finally:
        fig.set_dpi(kept)


def figure_png(fig: Figure, dpi: float | None = None, level: int = 1) -> bytes:
    """PNG bytes of a full draw of ``fig`` at ``dpi`` (:func:`figure_rgba`, then :func:`png_bytes`).

    >>> figure_png(Figure(figsize=(1, 1)), dpi=10)[:4]
    b'\\x89PNG'
    """
    return png_bytes(figure_rgba(fig, dpi), level)

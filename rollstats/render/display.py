"""Figures shown as pictures in IPython: a PNG formatter for matplotlib's ``Figure``.

The figures of :mod:`rollstats.plots` are built without pyplot, so no backend gives them a
picture: a notebook, ``jupyter nbconvert --execute`` and Voila would print their ``repr``
(``<Figure size 808x340 with 1 Axes>``). When :mod:`rollstats` is imported inside IPython,
:func:`show_figures_as_png` tells IPython's display formatter to turn every ``Figure`` into
PNG bytes (through :func:`figure_png`, the package's one road from a figure to pixels, which is
why this lives in :mod:`rollstats.render` and not beside the figure builders). Outside IPython
nothing happens.
"""
from __future__ import annotations

from matplotlib.figure import Figure

from .png import figure_png


def figure_png_for_display(fig: Figure) -> bytes:
    """The PNG bytes IPython shows for ``fig`` (a full draw at the figure's own resolution).

    >>> figure_png_for_display(Figure(figsize=(1, 1), dpi=20))[:4]
    b'\\x89PNG'
    """
    return figure_png(fig)


def show_figures_as_png(shell=None) -> bool:
    """Register :func:`figure_png_for_display` as the ``image/png`` formatter of ``Figure`` in the
    running IPython (or ``shell``); True when registered, False outside IPython.

    >>> show_figures_as_png()   # plain Python (a doctest): no IPython, nothing to register
    False
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or getattr(shell, "display_formatter", None) is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png_for_display)
    return True

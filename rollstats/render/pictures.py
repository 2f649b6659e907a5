"""What a widget keeps between changes: its pictures, the figures it keeps drawn, the layouts it reuses.

:class:`Pictures` is the one cache of a widget's images. A picture is asked for by what it
shows (a key the caller makes from its inputs: equal keys, equal pictures), and comes back as
PNG bytes, either kept from before or drawn now:

- :meth:`Pictures.png` for a figure built anew each time (the cohort figures): its
  constrained layout is computed once per shape of figure and reused for the next figure of
  that shape;
- :meth:`Pictures.live_png` for a figure kept drawn and changed in place (the review's
  calendar, timeline, body map and pain by week, the Planner's calendar): a :class:`LiveFigure`
  redraws only what the change touches.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from .live import LiveFigure
from .png import figure_png


class LRU(OrderedDict):
    """A small least-recently-used cache (``maxsize`` entries).

    >>> cache = LRU(2)
    >>> for key, value in (("a", 1), ("b", 2), ("a", 1), ("c", 3)):
    ...     _ = cache.get(key) or cache.put(key, value)
    >>> list(cache)   # "b" was used least recently
    ['a', 'c']
    """

    def __init__(self, maxsize: int = 48):
        super().__init__()
        self.maxsize = maxsize

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def put(self, key, value):
        """Keep ``value`` under ``key`` (forgetting the least recently used beyond ``maxsize``); return it."""
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)
        return value


def layout_shape(fig: Figure) -> tuple | None:
    """What a figure's constrained layout depends on, as far as new data in the same kind of figure
    goes: its size (inches) and, per axes, its texts, legend entries and title lines. None when the
    layout cannot be reused (no layout engine, or texts placed on the figure itself).

    >>> fig = Figure(figsize=(3, 2), layout="constrained")
    >>> _ = fig.subplots().set_title("two\\nlines")
    >>> layout_shape(fig)
    ((3.0, 2.0), ((0, 0, (0, 2, 0)),))
    """
    engine = fig.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine) or fig.texts:
        return None

    def axes_shape(ax):
        legend = ax.get_legend()
        titles = tuple(ax.get_title(loc=loc).count("\n") + bool(ax.get_title(loc=loc))
                       for loc in ("left", "center", "right"))
        return (len(ax.texts), len(legend.legend_handles) if legend is not None else 0, titles)

    return tuple(fig.get_size_inches().round(3).tolist()), tuple(axes_shape(ax) for ax in fig.axes)


def live_layout_key(fig: Figure) -> tuple | None:
    """What the constrained layout of a figure kept drawn depends on, finer than :func:`layout_shape`
    (one subject's figure reuses another's layout): its size, per axes its texts, legend entries,
    title lines and the longest label of each axis (a wider number moves the axes), and the lines
    of every text placed on the figure itself (a suptitle). None without a layout engine.

    >>> fig = Figure(figsize=(3, 2), layout="constrained")
    >>> ax = fig.subplots()
    >>> _ = ax.set_ylim(0, 900), fig.suptitle("one line")
    >>> key = live_layout_key(fig)
    >>> _ = ax.set_ylim(0, 1200)   # the longest tick label grows: '900' to '1200'
    >>> key == live_layout_key(fig), key[0]
    (False, (3.0, 2.0))
    """
    engine = fig.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        return None

    def longest(axis) -> tuple:
        formatter = axis.get_major_formatter()
        lo, hi = sorted(axis.get_view_interval())
        locs = [v for v in axis.get_majorticklocs() if lo <= v <= hi]   # the ticks drawn
        labels = formatter.format_ticks(locs) if axis.get_visible() else []
        offset = formatter.get_offset() if hasattr(formatter, "get_offset") else ""
        return max((len(label) for label in labels), default=0), bool(offset)

    def axes_key(ax):
        legend = ax.get_legend()
        titles = tuple(ax.get_title(loc=loc).count("\n") + bool(ax.get_title(loc=loc))
                       for loc in ("left", "center", "right"))
        return (len(ax.texts), len(legend.legend_handles) if legend is not None else 0, titles,
                longest(ax.xaxis), longest(ax.yaxis))

    texts = tuple(text.get_text().count("\n") + 1 for text in fig.texts)
    return tuple(fig.get_size_inches().round(3).tolist()), texts, tuple(axes_key(ax) for ax in fig.axes)


class Pictures:
    """PNG pictures by what they show, drawn at ``dpi`` dots per inch: the last ``keep`` pictures,
    the last ``figures`` figures kept drawn and the layouts of the last ``layouts`` figure shapes.

    >>> pictures = Pictures(dpi=20)
    >>> def build():
    ...     fig = Figure(figsize=(2, 1), layout="constrained")
    ...     fig.subplots().plot([0, 1])
    ...     return fig
    >>> first = pictures.png("a line", build)
    >>> pictures.png("a line", build) is first, "a line" in pictures, pictures.built
    (True, True, 1)
    """

    def __init__(self, dpi: float = 100, keep: int = 96, figures: int = 12, layouts: int = 64):
        self.dpi = dpi
        self.built = 0   #: figures built and drawn in full (a kept figure changed in place does not count)
        self._pngs = LRU(keep)
        self._live = LRU(figures)
        self._layouts = LRU(layouts)

    def __contains__(self, shows: Hashable) -> bool:
        """Whether the picture of ``shows`` is kept (asking for it draws nothing)."""
        return shows in self._pngs

    def clear(self) -> None:
        """Forget every picture and figure (layouts stay: they depend on the shape of a figure only)."""
        self._pngs.clear()
        self._live.clear()

    def png(self, shows: Hashable, build: Callable[[], Figure]) -> bytes:
        """PNG bytes of the figure ``build()`` makes, which shows ``shows``: kept from before, or built
        and drawn now, with the constrained layout of an earlier figure of the same
        :func:`layout_shape` when there is one (the figure is then left without layout engine)."""
        data = self._pngs.get(shows)
        if data is not None:
            return data
        fig = build()
        self.built += 1
        shape = layout_shape(fig)
        positions = self._layouts.get(shape) if shape is not None else None
        if positions is not None:
            fig.set_layout_engine("none")
            for ax, position in zip(fig.axes, positions):
                ax.set_position(position)
            return self._pngs.put(shows, figure_png(fig, self.dpi))
        data = figure_png(fig, self.dpi)
        if shape is not None:   # the draw ran the layout engine: keep where it put the axes
            self._layouts.put(shape, [ax.get_position() for ax in fig.axes])
        return self._pngs.put(shows, data)

    def live_png(self, shows: Hashable | None, kept: Hashable, build: Callable[[], tuple],
                 show: Callable[[object], object]) -> bytes:
        """PNG bytes of a picture of ``shows`` (None: not kept) drawn on the figure kept under ``kept``.

        ``build()`` makes that figure when it is not kept: it returns ``(drawing, changing,
        moving)``, where ``drawing.figure`` is the figure and the two lists are the artists
        ``show`` changes in place and those it may move within their axes (see
        :class:`LiveFigure`). ``show(drawing)`` then sets the drawing to what the picture shows.

        >>> from types import SimpleNamespace
        >>> def build():
        ...     fig = Figure(figsize=(2, 1))
        ...     line, = fig.subplots().plot([0, 1], [0, 0])
        ...     return SimpleNamespace(figure=fig, line=line), [], [line]   # the line moves
        >>> pictures = Pictures(dpi=20)
        >>> low = pictures.live_png("low", "lines", build, lambda d: d.line.set_ydata([0, 0]))
        >>> high = pictures.live_png("high", "lines", build, lambda d: d.line.set_ydata([1, 1]))
        >>> low != high, pictures.built   # two pictures, one figure
        (True, 1)
        """
        data = self._pngs.get(shows) if shows is not None else None
        if data is not None:
            return data
        entry = self._live.get(kept)
        layout = None
        if entry is None:
            drawing, changing, moving = build()
            entry = self._live.put(kept, (drawing, LiveFigure(drawing.figure, changing, self.dpi, moving=moving)))
            self.built += 1
            show(drawing)
            layout = self._reuse_layout(drawing.figure)
        else:
            show(entry[0])
        data = entry[1].png()
        if layout is not None:   # the first draw ran the layout engine: keep where it put things
            fig = entry[0].figure
            self._layouts.put(layout, ([ax.get_position() for ax in fig.axes],
                                       [text.get_position() for text in fig.texts]))
        return data if shows is None else self._pngs.put(shows, data)

    def _reuse_layout(self, fig: Figure) -> tuple | None:
        """Lay ``fig`` out as an earlier kept figure of the same :func:`live_layout_key` (another
        subject's) and return None; or return the key under which to keep the layout its first draw
        makes (None too when it has no layout engine)."""
        key = live_layout_key(fig)
        if key is None:
            return None
        layout = self._layouts.get(("live", key))
        if layout is None:
            return ("live", key)
        fig.set_layout_engine("none")
        for ax, position in zip(fig.axes, layout[0]):
            ax.set_position(position)
        for text, position in zip(fig.texts, layout[1]):
            text.set_position(position)
        return None

    def drawing(self, kept: Hashable):
        """The drawing kept under ``kept`` (as ``build`` of :meth:`live_png` made it), None when none is:
        its figure is laid out as the last picture drawn on it."""
        entry = self._live.get(kept)
        return entry[0] if entry is not None else None

    def prepare(self, kept: Hashable) -> None:
        """Get the figure kept under ``kept`` ready to change (see :meth:`LiveFigure.prepare`): work a
        widget can do once a new figure is on screen, so that the next change redraws little."""
        entry = self._live.get(kept)
        if entry is not None:
            entry[1].prepare()

    def live(self, kept: Hashable) -> LiveFigure | None:
        """The figure kept drawn under ``kept`` (None when there is none), to check its pictures."""
        entry = self._live.get(kept)
        return entry[1] if entry is not None else None

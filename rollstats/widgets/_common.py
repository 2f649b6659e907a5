"""Helpers shared by the review and cohort widgets: reading a file with progress, uploads, HTML bits.

Nothing here computes a figure of the card nor draws one (:mod:`rollstats.render` does): these
helpers move files and bytes between the controls and the pure functions of the package.
"""
from __future__ import annotations

import base64
import html
import tempfile
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..io import LoadResult, load
from ..program import Program
from ..words import date_text

#: File types the readers take (for FileUpload's ``accept``).
LOG_TYPES = ".csv,.json,.jsonl,.ndjson,.parquet,.pq,.xlsx,.xml,.zip"


def error_html(text: str) -> str:
    """An error line for an HTML widget (text escaped).

    >>> error_html("no <file>")
    "<span class='rs-error' style='color:#b2182b'>no &lt;file&gt;</span>"
    """
    return f"<span class='rs-error' style='color:#b2182b'>{html.escape(str(text))}</span>"


#: Left-aligned headers and cells with room between columns, cells on one line (headers may
#: wrap), for tables of :func:`table_html`.
#: ``:where`` gives these rules no weight, so a widget's own stylesheet for its table wins.
TABLE_CSS = ("<style>:where(.rollstats-table) :where(th, td)"
             "{text-align:left;padding:2px 14px 2px 0;vertical-align:bottom}"
             ":where(.rollstats-table th){line-height:1.3}:where(.rollstats-table td){white-space:nowrap}</style>")


def table_html(frame: pd.DataFrame, classes: str = "rollstats-table") -> str:
    """A table as HTML, every cell escaped, missing values empty, each header over its column.

    Headers and cells are left-aligned alike (pandas alone sets the headers right and leaves the
    cells to the page, so headers drift off their columns), with room between the columns; a
    stylesheet of the caller's ``classes`` overrides both (:data:`TABLE_CSS`).

    >>> page = table_html(pd.DataFrame({"a": ["<b>"]}))
    >>> "<td>&lt;b&gt;</td>" in page, '<tr style="text-align: left;">' in page
    (True, True)
    """
    return TABLE_CSS + frame.to_html(index=False, border=0, classes=classes, na_rep="", escape=True,
                                     float_format="{:g}".format, justify="left")


def data_link(name: str, data: bytes, mime: str, text: str | None = None) -> str:
    """An HTML link that downloads ``data`` as the file ``name`` (a ``data:`` URI, no server needed).

    >>> data_link("a.csv", b"x,y", "text/csv")
    "<a download='a.csv' href='data:text/csv;base64,eCx5' target='_blank'>a.csv</a>"
    """
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (f"<a download='{html.escape(name, quote=True)}' href='{uri}' target='_blank'>"
            f"{html.escape(text or name)}</a>")


def chosen_range(slider: W.SelectionRangeSlider) -> tuple:
    """The (first, last) values a range slider points at, read through its index (its ``value`` can
    lag behind when new options keep the old index)."""
    values = [option[1] for option in slider.options]
    lo, hi = slider.index
    return values[lo], values[hi]


def set_range_options(slider: W.SelectionRangeSlider, values: list, label) -> None:
    """Give a range slider new options (``label(value)`` shown) and select all of them."""
    slider.options = [(label(v), v) for v in values]
    slider.index = (0, len(values) - 1)
    slider.value = (values[0], values[-1])


def range_words(first, last) -> str:
    """The range of nights a slider points at, written out in full for the label beside it (a
    range slider's own readout is cut after a few characters), escaped for HTML.

    >>> import datetime as dt
    >>> range_words(dt.date(2026, 1, 12), dt.date(2026, 4, 11))
    '12 Jan 2026 to 11 Apr 2026'
    """
    return f"{html.escape(date_text(first))} to {html.escape(date_text(last))}"


def figure_image() -> W.Image:
    """An Image for a figure's PNG, shown at its own size (not stretched by the box around it;
    narrowed to fit a smaller screen)."""
    return W.Image(format="png", layout=W.Layout(max_width="100%", height="auto", align_self="flex-start"))


def progress_bar(css: str) -> W.IntProgress:
    """A progress bar, hidden until :class:`Progress` shows it."""
    bar = W.IntProgress(value=0, min=0, max=100, description="", layout=W.Layout(visibility="hidden"))
    bar.add_class(css)
    return bar


class Progress:
    """Show a bar while long work runs: ``with Progress(bar) as p: p.step(40, "reading")``."""

    def __init__(self, bar: W.IntProgress):
        self.bar = bar

    def __enter__(self) -> Progress:
        self.bar.bar_style = "info"
        self.bar.value = 0
        self.bar.layout.visibility = "visible"
        return self

    def step(self, value: int, what: str = "") -> None:
        self.bar.value = max(0, min(100, int(value)))
        if what:
            self.bar.description = what

    def __exit__(self, kind, exc, tb) -> None:
        self.bar.value = 100
        self.bar.description = "done" if kind is None else "failed"
        self.bar.bar_style = "success" if kind is None else "danger"
        self.bar.layout.visibility = "hidden"


def read_with_progress(paths, progress: Progress, tz: str | None, program: Program,
                       share: float = 80.0) -> LoadResult:
    """:func:`rollstats.load` with the bar moving from 0 to ``share`` percent as files (or bytes) are read."""
    def per_file(done: int, total: int, path: Path) -> None:
        progress.step(share * done / max(total, 1), f"read {done}/{total}")

    def per_byte(done: int, total: int) -> None:  # Apple Health exports report their bytes
        if total:
            progress.step(share * done / total, "reading")

    progress.step(1, "reading")
    return load(paths, tz=tz, program=program, progress=per_file, on_progress=per_byte)


def read_upload(upload: W.FileUpload, progress: Progress, tz: str | None, program: Program) -> tuple[LoadResult, str]:
    """Read the files of a FileUpload (written to a temporary folder first); returns the load and their names."""
    items = list(upload.value)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for item in items:
            path = Path(folder) / (Path(str(item["name"])).name or "upload")
            path.write_bytes(bytes(item["content"]))
            paths.append(path)
        result = read_with_progress(paths, progress, tz, program)
    return result, ", ".join(Path(str(item["name"])).name for item in items)


class Pause:
    """A switch that keeps observers quiet while a widget sets several controls at once.

    >>> pause = Pause()
    >>> with pause.hold():
    ...     inside = pause.on
    >>> inside, pause.on
    (True, False)
    """

    def __init__(self) -> None:
        self.on = False

    @contextmanager
    def hold(self):
        """Pause observers inside the ``with`` block (nesting keeps the outer state)."""
        before, self.on = self.on, True
        try:
            yield
        finally:
            self.on = before

"""Progress on the command line: one line on stderr, rewritten in place.

Shown only where a person watches: when stderr is a terminal, or when asked (``--progress``).
Nothing here changes a result; a :class:`Progress` that is not shown does nothing.

>>> import io
>>> out = io.StringIO()
>>> bar = Progress("summary", total=4, stream=out, show=True, every_s=0)
>>> for _ in range(4):
...     bar.advance()
>>> bar.done()
>>> out.getvalue().splitlines()[-1].split("\\r")[-1]
'summary: 4/4 [#########################] 100% done'
"""
from __future__ import annotations

import sys
import time


class Progress:
    """A counter of done steps out of ``total`` (None: unknown), drawn as a bar on one line.

    ``show`` None means: only when ``stream`` (default stderr) is a terminal. Redraws at most
    every ``every_s`` seconds; :meth:`done` ends the line.
    """

    def __init__(self, label: str, total: int | None = None, *, stream=None, show: bool | None = None,
                 every_s: float = 0.2, unit: str = ""):
        self.label, self.total, self.unit = label, total, unit
        self.stream = stream if stream is not None else sys.stderr
        self.show = _is_terminal(self.stream) if show is None else bool(show)
        self.every_s = every_s
        self.count = 0
        self.began = time.perf_counter()
        self._drawn = -1e9

    def advance(self, steps: int = 1, note: str = "") -> None:
        """``steps`` more are done (``note``: a word on what, e.g. a file name)."""
        self.count += steps
        self.draw(note)

    def update(self, count: int, total: int | None = None, note: str = "") -> None:
        """Set the count (and the total, when it becomes known)."""
        self.count = count
        if total is not None:
            self.total = total
        self.draw(note)

    def draw(self, note: str = "", force: bool = False) -> None:
        if not self.show:
            return
        now = time.perf_counter()
        if not force and now - self._drawn < self.every_s and (self.total is None or self.count < self.total):
            return
        self._drawn = now
        self.stream.write("\r" + self.line(note))
        self.stream.flush()

    def line(self, note: str = "") -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.total:
            share = min(1.0, self.count / self.total)
            bar = "#" * int(share * 25)
            text = f"{self.label}: {self.count:,}/{self.total:,}{unit} [{bar:<25}] {share * 100:3.0f}%"
        else:
            text = f"{self.label}: {self.count:,}{unit} ({time.perf_counter() - self.began:.0f} s)"
        return f"{text} {note}".rstrip()

    def done(self, note: str = "done") -> None:
        """Draw the final state and end the line (nothing when not shown)."""
        if self.show:
            self.draw(note, force=True)
            self.stream.write("\n")
            self.stream.flush()


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False

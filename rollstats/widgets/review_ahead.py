"""Drawing ahead: the Patient review draws the next and the previous subject's figures while idle.

A clinician often goes through the subjects in the list's order. Once a subject is on screen,
:class:`DrawAhead` draws, one figure at a time and only while the kernel has nothing else to
do, the calendar, timeline, body map and pain figure of the subjects just before and after it in the
list, as they show when chosen (their whole observation); choosing one of them then shows kept
pictures.
A subject picked elsewhere in the list is drawn when chosen. The last step collects Python's
garbage (the figures dropped from the caches hold reference cycles): a full collection over the
kept figures takes 100 to 200 ms and would otherwise fall, every few subjects, in the middle of
drawing one. The steps run on the kernel's event
loop (between messages from the page, so a click waits at most one figure); without a running
loop (plain Python, tests) nothing is scheduled, and :meth:`draw` can be called directly.
"""
from __future__ import annotations

import asyncio
import gc

from ..views import figure_key, review
from ..views.patient_figures import LIVE, PAIN, has_pain


class DrawAhead:
    """Draw the neighbours of the subject shown in ``widget`` (a PatientReview) ahead of time,
    ``delay`` seconds after each change, one figure per step."""

    def __init__(self, widget, delay: float = 0.3):
        self.widget, self.delay = widget, delay
        self._pending: list[tuple[str, str]] = []
        self._handle = None

    def neighbours(self) -> list[str]:
        """The subjects after and before the one shown in the list (those that exist)."""
        options = list(self.widget.subject.options)
        if self.widget.subject.value not in options:
            return []
        i = options.index(self.widget.subject.value)
        return [options[j] for j in (i + 1, i - 1) if 0 <= j < len(options)]

    def draw(self, subject: str, name: str) -> bool:
        """Draw the picture of figure ``name`` that ``subject`` shows when chosen (kept by the widget's
        pictures); False when it was kept already, cannot be drawn or is not shown (a pain figure
        without a pain score)."""
        w = self.widget
        try:
            view = review(w.subject_tables(subject))
        except ValueError:
            return False
        if (name, figure_key(view, name)) in w.pictures or (name == PAIN and not has_pain(view)):
            return False
        w.png(name, view)
        return True

    def schedule(self) -> None:
        """Plan the neighbours' figures, drawn from ``delay`` seconds on while the kernel is idle."""
        self.cancel()
        if not self.widget.figures:
            return
        self._pending = [(s, name) for s in self.neighbours() for name in LIVE] + [(None, "garbage")]
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:   # no event loop (plain Python): nothing is drawn ahead
            return
        self._handle = loop.call_later(self.delay, self._step)

    def cancel(self) -> None:
        """Stop drawing ahead (a new change came)."""
        if self._handle is not None:
            self._handle.cancel()
        self._handle, self._pending = None, []

    def _step(self) -> None:
        self._handle = None
        while self._pending:
            subject, name = self._pending.pop(0)
            if subject is None:   # the last step: a full collection now, while nothing waits for it
                gc.collect()
                break
            if self.draw(subject, name):
                break   # one figure per step: the page's next message waits at most that long
        if self._pending:
            self._handle = asyncio.get_running_loop().call_later(0.01, self._step)

"""The Patient review's night audit beside the calendar, and its busy sign.

:class:`NightPanel` listens to clicks on the calendar's and the timeline's pictures (ipyevents'
:class:`~ipyevents.Event` on the Image widgets: a maintained widget library, no JavaScript of
ours) and shows the audit of the night clicked; two buttons step to the previous or next night
of the range with a problem (:func:`rollstats.views.patient_clicks.problem_nights`). Which night
a click lands on is :func:`rollstats.views.patient_clicks.clicked_night`'s work, through the
figure's own transforms. :class:`Busy` shows "Drawing…" while the review redraws and can hide
pictures meanwhile, so that one subject's pictures never stand under another's numbers.
"""
from __future__ import annotations

import html
from contextlib import contextmanager

import ipywidgets as W
import pandas as pd
from ipyevents import Event

from ..views import drawing_key, review_drawing, show_review
from ..views.patient_clicks import clicked_night, problem_nights, step_night

#: the figures whose cells or bars a click picks a night on
CLICKABLE = ("calendar", "timeline")


class Busy:
    """A label saying that the review is drawing, set before the work and cleared after it.

    >>> busy = Busy()
    >>> with busy("Drawing B3…"):
    ...     inside = busy.label.value
    >>> "Drawing B3" in inside, busy.label.value
    (True, '')
    """

    def __init__(self) -> None:
        self.label = W.HTML(value="", layout=W.Layout(min_height="1.6em"))
        self.label.add_class("rs-busy")

    @contextmanager
    def __call__(self, text: str = "Drawing…", hide=()):
        """Inside: the label says ``text`` (and carries the class ``rs-busy-on``) and the widgets
        ``hide`` are hidden (their place kept); both undone on leaving, even on an error."""
        self.label.value = f"<span class='rs-busy-on'>&#8987; {html.escape(text)}</span>"
        for widget in hide:
            widget.layout.visibility = "hidden"
        try:
            yield
        finally:
            for widget in hide:
                widget.layout.visibility = "visible"
            self.label.value = ""


class NightPanel:
    """Clicks on the review's calendar and timeline, and buttons to the previous and next problem
    night of the range, choosing the night whose audit ``review`` shows.

    ``review`` is a :class:`~rollstats.widgets.PatientReview`: its ``night`` dropdown and
    ``audit_view`` show the night chosen, its ``pictures`` hold the drawings clicked on.
    """

    def __init__(self, review):
        self.review = review
        why = "a failed rule or no rolling in the daily phase"
        def fixed():   # a button as wide as its words, never squeezed
            return W.Layout(width="auto", flex="0 0 auto")

        self.previous = W.Button(description="Previous problem", icon="arrow-left", layout=fixed(),
                                 tooltip=f"the night before this one with {why}")
        self.next = W.Button(description="Next problem", icon="arrow-right", layout=fixed(),
                             tooltip=f"the night after this one with {why}")
        self.count = W.HTML()
        for control, css in ((self.previous, "rs-previous-problem"), (self.next, "rs-next-problem"),
                             (self.count, "rs-problem-count")):
            control.add_class(css)
        self.problems: list[pd.Timestamp] = []   #: the problem nights of the range shown
        self.events = {}
        for name in CLICKABLE:
            event = Event(source=getattr(review, name), watched_events=["click"])
            event.on_dom_event(lambda content, name=name: self.clicked(name, content))
            self.events[name] = event
        self.previous.on_click(lambda _button: self.step(-1))
        self.next.on_click(lambda _button: self.step(1))
        self.widget = W.VBox([W.HBox([self.previous, self.next]), self.count])

    def show_range(self) -> None:
        """List the problem nights of the review's range (after a new subject or range)."""
        view = self.review.view
        self.problems = [] if view is None else [
            n for n in problem_nights(view.tables) if view.first <= n <= view.last]
        count = len(self.problems)
        self.count.value = (f"{count} night{'s' if count != 1 else ''} with a problem in this range"
                            if view is not None else "")
        self.update_buttons()

    def update_buttons(self) -> None:
        """Enable the buttons that have a problem night to go to from the night shown."""
        night = self.review.night.value
        for button, step in ((self.previous, -1), (self.next, 1)):
            button.disabled = night is None or step_night(self.problems, night, step) is None

    def step(self, step: int) -> pd.Timestamp | None:
        """Show the problem night before (``step`` -1) or after (1) the night shown; returns it."""
        if self.review.night.value is None:
            return None
        night = step_night(self.problems, self.review.night.value, step)
        if night is not None:
            self.show(night)
        return night

    def show(self, night) -> None:
        """Show the audit of ``night`` (in the range: the night list points at it)."""
        value = pd.Timestamp(night).date()
        if value in {v for _, v in self.review.night.options}:
            self.review.night.value = value   # the review's observer writes the audit
        self.update_buttons()

    def night_at(self, name: str, content: dict) -> pd.Timestamp | None:
        """The night under a click (ipyevents' event ``content``) on the picture of figure ``name``."""
        review, view = self.review, self.review.view
        if view is None or not review.figures:
            return None
        key = drawing_key(view, name)
        drawing = review.pictures.drawing(key)
        if drawing is None:   # no longer kept: drawn again as shown (the same layout)
            review.pictures.live_png(None, key, lambda: review_drawing(view, name),
                                     lambda d: show_review(d, view, name))
            drawing = review.pictures.drawing(key)
        return clicked_night(view.tables, name, drawing, review.dpi, content)

    def clicked(self, name: str, content: dict) -> pd.Timestamp | None:
        """Handle a click on figure ``name``: show the audit of the night under it (in the range
        shown); returns that night, None when the click is on no night of the range."""
        night = self.night_at(name, content)
        view = self.review.view
        if night is None or not (view.first <= night <= view.last):
            return None
        self.show(night)
        return night

"""The redraw benchmark of the widgets: one subject-year, a widget change, how long until it shows.

The target of the issue: recomputing and redrawing one subject-year after a widget change takes
at most 100 ms (median). This script generates a synthetic subject followed for 365 nights
(``rollstats.datasets.generate_cohort``, archetype ``patient``, plus a second subject to switch
to), loads it in a :class:`rollstats.widgets.PatientReview`, and times each kind of change from
setting the control's value to the moment every view and image shows the new state (the
observers run synchronously, so the setter returns when they are done):

- ``dates``: a new date range (random, 4 weeks to a year, never seen before): slice the
  subject's tables, key figures, mistakes, night list and audit, and the four figures (kept
  drawn by :class:`rollstats.render.Pictures`: only what changes is drawn again, by
  :class:`rollstats.render.LiveFigure`: the veils over the other nights of the calendar and the
  timeline, over the other weeks of the pain figure, the body map's shading);
- ``dates, text only``: the same changes on a review without figures (``figures=False``);
- ``dates, zlib deflate``: the same changes on a review whose pictures are deflated by zlib
  instead of ISA-L: what ISA-L saves;
- ``dates, seen before``: ranges shown before (the PNGs are kept);
- ``night``: another night for the audit (no figure depends on it);
- ``subject, first visit`` / ``subject, again``: switching subject (tables computed and figures
  drawn in full once);
- ``naive redraw``: what a widget without caching would do for a date change: recompute the
  nights table and the sessions' pain from the segments, build the four figures anew with the
  plotting functions (the pain by week of the range's nights), render each with its own
  constrained layout at the default PNG compression (the reference for the ratios).

The Planner is timed on a plan of a year (52 weeks, the default plan otherwise):

- ``planner: seconds``: moving a seconds slider: the plan projected through the metrics anew
  (its segments, nights, windows), its warnings, the maintenance schedule and the calendar
  (kept drawn by :class:`rollstats.render.Pictures`);
- ``planner: hold``: moving the hold slider: only the segments' holds and the warnings (holds
  change no night, so the nights, windows and calendar are kept);
- ``planner, naive``: the same projection with the calendar built anew and saved with a tight
  bounding box, as the widget did before (the reference for the planner's ratios).

Wall-clock medians are printed with the CPU time of this process (steadier on a busy
machine), the wall median's ratio to the 100 ms target and the CPU median's ratio to the naive
redraw's (the review's, or the planner's for its rows). The first line names the versions of
Python and matplotlib (text is drawn glyph by glyph in Python from matplotlib 3.11 on).

Run: ``python benchmarks/widgets.py [--repeat N] [--dpi D]``.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import platform
import statistics
import tempfile
import time
import types
import zlib
from pathlib import Path

import numpy as np

import ipywidgets as W
import matplotlib

import rollstats.render.png as render_png
from rollstats.datasets import generate_cohort
from rollstats.metrics import nights as nights_table
from rollstats.metrics import pain_weeks, session_pain
from rollstats.metrics.cohort import region_side_seconds
from rollstats.plots import plot_body_map, plot_calendar, plot_pain, plot_timeline
from rollstats.plan import default_plan, project
from rollstats.widgets import PatientReview, Planner

TARGET_S = 0.100


def subject_year(folder: Path, seed: int = 2026) -> Path:
    """Write a synthetic export: subject Y1 over 365 nights (and Y2, to switch to); return its path."""
    frame = generate_cohort(n_nights=365, seed=seed, start="2026-01-05", archetypes=["patient", "adherent"],
                            id_prefix="Y")
    path = folder / "subject-year.csv"
    frame.to_csv(path, index=False)
    return path


def timed(action) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def ranges(options: list, n: int, rng: np.random.Generator) -> list[tuple]:
    """``n`` distinct date ranges of 28 nights or more over ``options`` (the slider's nights)."""
    out, seen = [], set()
    while len(out) < n:
        first = int(rng.integers(0, len(options) - 28))
        last = int(rng.integers(first + 27, len(options)))
        if (first, last) not in seen and (first, last) != (0, len(options) - 1):
            seen.add((first, last))
            out.append((options[first], options[last]))
    return out


@contextlib.contextmanager
def zlib_deflate():
    """Inside: pictures deflated by the standard library's zlib instead of ISA-L."""
    kept = render_png.isal_zlib
    render_png.isal_zlib = types.SimpleNamespace(compress=zlib.compress)
    try:
        yield
    finally:
        render_png.isal_zlib = kept


def naive_redraw(review: PatientReview, first, last, dpi: float) -> None:
    """Recompute and redraw from the segments, with nothing kept between changes."""
    segments = review.segments.loc[review.segments["subject_id"] == review.subject.value]
    table = nights_table(segments, review.program, until=review.segments["night"].max())
    inside = segments.loc[(segments["night"].dt.date >= first) & (segments["night"].dt.date <= last)]
    in_range = table.loc[(table["night"].dt.date >= first) & (table["night"].dt.date <= last)]
    pain = session_pain(segments, review.program)
    for fig in (plot_calendar(table, program=review.program, shown=(first, last)),
                plot_timeline(table, program=review.program, shown=(first, last)),
                plot_body_map(region_side_seconds(inside)),
                plot_pain(pain_weeks(pain, in_range), review.subject.value, (first, last))):
        fig.savefig(io.BytesIO(), format="png", dpi=dpi)
        fig.clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="changes timed per kind (default 15)")
    parser.add_argument("--dpi", type=float, default=100,
                        help="resolution of the figures on screen (default 100, as the widget's)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(7)
    results: dict[str, list[tuple[float, float]]] = {}

    with tempfile.TemporaryDirectory() as folder:
        path = subject_year(Path(folder))
        review = PatientReview(dpi=args.dpi)
        wall, cpu = timed(lambda: review.load(path))
        print(f"Python {platform.python_version()}, matplotlib {matplotlib.__version__}")
        print(f"subject-year: {path.name}, {len(review.segments)} segments, subjects {list(review.subject.options)}; "
              f"load and first draw {wall * 1000:.0f} ms")
        text_only = PatientReview(segments=review.segments, figures=False)
        options = [value for _, value in review.dates.options]
        # warm-up: fonts, caches, the first constrained layout of each figure shape
        for first, last in ranges(options, 3, np.random.default_rng(99)):
            review.dates.value = (first, last)

        chosen = ranges(options, args.repeat, rng)
        with_pain = 0
        for first, last in chosen:
            results.setdefault("dates", []).append(timed(lambda: setattr(review.dates, "value", (first, last))))
            with_pain += "pain" in review.redrawn
            results.setdefault("dates, text only", []).append(
                timed(lambda: setattr(text_only.dates, "value", (first, last))))
        with zlib_deflate():
            other_review = PatientReview(segments=review.segments, dpi=args.dpi)
            for first, last in ranges(options, 3, np.random.default_rng(99)):   # the same warm-up
                other_review.dates.value = (first, last)
            for first, last in chosen:
                results.setdefault("dates, zlib deflate", []).append(
                    timed(lambda: setattr(other_review.dates, "value", (first, last))))
        other_review.close()
        for first, last in chosen:
            review.dates.value = (options[0], options[-1])
            results.setdefault("dates, seen before", []).append(
                timed(lambda: setattr(review.dates, "value", (first, last))))
        nights = [value for _, value in review.night.options]
        for night in rng.choice(len(nights), size=min(args.repeat, len(nights)), replace=False):
            results.setdefault("night", []).append(timed(lambda: setattr(review.night, "value", nights[int(night)])))
        other = [s for s in review.subject.options if s != review.subject.value][0]
        start = review.subject.value
        results["subject, first visit"] = [timed(lambda: setattr(review.subject, "value", other))]
        for _ in range(min(args.repeat, 5)):
            results.setdefault("subject, again", []).append(timed(lambda: setattr(review.subject, "value", start)))
            review.subject.value = other
        review.subject.value = start
        for first, last in chosen:
            results.setdefault("naive redraw", []).append(timed(lambda: naive_redraw(review, first, last, args.dpi)))
        results.update(planner_changes(args.repeat, rng))
        W.Widget.close_all()

    naive = {"review": statistics.median(c for _, c in results["naive redraw"]),
             "planner": statistics.median(c for _, c in results["planner, naive"])}
    print(f"the pain figure was shown and drawn in {with_pain} of the {len(chosen)} new date ranges")
    print(f"\nmedians over {args.repeat} changes (subject-year, {args.dpi:g} dpi); target {TARGET_S * 1000:.0f} ms;"
          " ratios: wall / target, cpu / cpu of the naive redraw")
    print(f"{'change':28} {'wall ms':>8} {'cpu ms':>8} {'/ target':>9} {'/ naive':>8}")
    for name, times in results.items():
        wall = statistics.median(w for w, _ in times)
        cpu = statistics.median(c for _, c in times)
        reference = naive["planner" if name.startswith("planner") else "review"]
        print(f"{name:28} {wall * 1000:8.1f} {cpu * 1000:8.1f} {wall / TARGET_S:9.2f} {cpu / reference:8.2f}")
    return 0


def planner_changes(repeat: int, rng: np.random.Generator) -> dict[str, list[tuple[float, float]]]:
    """Time slider changes of a Planner holding a 52-week plan, and the naive redraw of the same plans."""
    planner = Planner(default_plan("2026-01-05"))
    planner.weeks.value = 52
    for _ in range(3):  # warm-up
        planner.hold.value = int(rng.integers(10, 40))
    results: dict[str, list[tuple[float, float]]] = {"planner: seconds": [], "planner: hold": [],
                                                      "planner, naive": []}
    sliders = list(planner.sliders.values())
    for _ in range(repeat):
        slider = sliders[int(rng.integers(len(sliders)))]
        value = int(rng.integers(0, 61)) * 5
        results["planner: seconds"].append(timed(lambda: setattr(slider, "value", value)))
        results["planner: hold"].append(timed(lambda: setattr(planner.hold, "value", int(rng.integers(5, 60)))))
        results["planner, naive"].append(timed(lambda: naive_plan(planner)))
    return results


def naive_plan(planner: Planner) -> None:
    """Project the plan and draw its calendar from scratch, saved with a tight bounding box."""
    projection = project(planner.plan, planner.program)
    fig = plot_calendar(projection.nights, program=planner.program)
    fig.savefig(io.BytesIO(), format="png", dpi=80, bbox_inches="tight")
    fig.clear()


if __name__ == "__main__":
    raise SystemExit(main())

"""Render the figures for the shipped synthetic samples as PNG files (the images in ``docs/img``).

``python -m rollstats.plots.gallery [OUTDIR] [NAME ...]`` writes ``OUTDIR/<name>.png`` (default
``docs/img``, the three one-patient figures). Names: see :data:`FIGURES`.
"""
from __future__ import annotations

import sys
from pathlib import Path

from matplotlib.figure import Figure

#: Figure name -> (sample, what it shows).
FIGURES: dict[str, tuple[str, str]] = {
    "bodymap": ("patient", "where the time went, legs front and back and the thigh clocks"),
    "calendar": ("patient", "the calendar of nights"),
    "timeline": ("patient", "the progression timeline"),
    "regions": ("patient", "time per region and side"),
    "weekly": ("patient", "adherence per calendar week"),
    "cohort_distribution": ("cohort", "daily adherence across subjects"),
    "cohort_by_week": ("cohort", "adherence by week since start"),
    "cohort_progression": ("cohort", "time to progression, Kaplan-Meier"),
}
DEFAULT = ("bodymap", "calendar", "timeline")


def build(name: str, segments) -> Figure:
    """The figure ``name`` for a canonical segment table (one patient, or a cohort)."""
    from .. import metrics
    from ..metrics import cohort
    from . import (plot_adherence_by_week, plot_adherence_distribution, plot_body_map, plot_calendar,
                   plot_region_seconds, plot_time_to_progression, plot_timeline, plot_weekly_adherence)

    if name in ("bodymap", "regions"):
        seconds = cohort.region_side_seconds(segments)
        subject = str(seconds["subject_id"].iloc[0])
        if name == "regions":
            return plot_region_seconds(seconds, subject=subject)
        return plot_body_map(seconds, subject=subject, title=f"{subject}: where the rolling time went")
    if name.startswith("cohort_"):
        summary = metrics.summarize(segments)
        if name == "cohort_distribution":
            return plot_adherence_distribution(summary)
        if name == "cohort_by_week":
            return plot_adherence_by_week(cohort.adherence_by_week_since_start(metrics.nights(segments)))
        return plot_time_to_progression(cohort.kaplan_meier(cohort.time_to_progression(summary)))
    table = metrics.nights(segments)
    return {"calendar": plot_calendar, "timeline": plot_timeline, "weekly": plot_weekly_adherence}[name](table)


def render(outdir: str | Path = "docs/img", names=DEFAULT, dpi: int = 110) -> list[Path]:
    """Write ``<outdir>/<name>.png`` for each name; returns the paths."""
    from ..datasets import load_sample

    unknown = sorted(set(names) - set(FIGURES))
    if unknown:
        raise ValueError(f"unknown figure(s) {unknown}; known: {sorted(FIGURES)}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    samples = {s: load_sample(s).segments for s in {FIGURES[n][0] for n in names}}
    paths = []
    for name in names:
        fig = build(name, samples[FIGURES[name][0]])
        path = outdir / f"{name}.png"
        fig.savefig(path, dpi=dpi)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    outdir = args[0] if args else "docs/img"
    for path in render(outdir, tuple(args[1:]) or DEFAULT):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Tables behind the figures that the other metrics do not give directly.

Pure functions, tables in, tables out (no I/O, no plotting):

- :func:`region_side_seconds`: rolling seconds per subject, region and side (segments in);
- :func:`weekly_adherence`: share of compliant nights per subject and calendar week;
- :func:`adherence_by_week_since_start`: the cohort's mean weekly adherence by week since each
  subject's first night, with a Student-t interval;
- :func:`time_to_progression` and :func:`kaplan_meier`: nights to the progression night, with
  subjects who never progress censored at the end of their observation, and the Kaplan-Meier
  estimate of the share not yet progressed (computed by :func:`scipy.stats.ecdf`).
"""
from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd

from ..regions import REGIONS
from .observation import observed

#: Columns of :func:`kaplan_meier`.
KM_COLUMNS: tuple[str, ...] = ("nights", "at_risk", "progressed", "censored", "survival", "low", "high")


def region_side_seconds(segments: pd.DataFrame, until: str | dt.date | None = None) -> pd.DataFrame:
    """Rolling seconds per subject, region and side, over the observation.

    Columns: ``subject_id``, ``region`` (canonical, in :data:`rollstats.regions.REGIONS`
    order), ``side`` (``both``, ``left``, ``right``, then NA where the export does not say),
    ``seconds`` (rolling time, s). Only ``activity = rolling`` counts; combinations without
    time are left out. Segments after ``until`` are ignored, as in :func:`rollstats.nights`.

    >>> from rollstats.io import canonicalise
    >>> from rollstats.program import Program
    >>> raw = pd.DataFrame({"subject_id": ["a"] * 3, "region": ["quads", "quads", "calves"],
    ...     "side": ["left", "right", None], "start": ["2026-03-03T21:00+01:00"] * 3,
    ...     "duration_s": [30, 40, 50]})
    >>> t = region_side_seconds(canonicalise(raw, "demo", Program.default()).segments)
    >>> t[["region", "side", "seconds"]].values.tolist()
    [['thigh_front', 'left', 30.0], ['thigh_front', 'right', 40.0], ['calf', <NA>, 50.0]]
    """
    inside, _ = observed(segments, until)
    rolling = inside.loc[inside["activity"] == "rolling"]
    return sum_region_side(pd.DataFrame({"subject_id": rolling["subject_id"], "region": rolling["region"],
                                         "side": rolling["side"], "seconds": rolling["duration_s"]}))


def sum_region_side(rows: pd.DataFrame) -> pd.DataFrame:
    """Sum ``seconds`` of ``rows`` (``subject_id, region, side, seconds``) per subject, region and side.

    The one order of such tables: subjects sorted, regions in :data:`rollstats.regions.REGIONS`
    order, sides alphabetical with none (NA or empty) last; pairs of no time are left out. In
    numpy (a review sums a range of one subject's nights at every change of the range).

    >>> rows = pd.DataFrame({"subject_id": ["s"] * 4, "region": ["hip", "calf", "thigh_front", "calf"],
    ...     "side": ["", "left", "right", "left"], "seconds": [30.0, 10.0, 20.0, 5.0]})
    >>> sum_region_side(rows)[["region", "side", "seconds"]].values.tolist()
    [['thigh_front', 'right', 20.0], ['calf', 'left', 15.0], ['hip', <NA>, 30.0]]
    """
    subject, subjects = pd.factorize(rows["subject_id"].astype("str"), sort=True)
    order = {r: i for i, r in enumerate(REGIONS)}
    region = np.array([order.get(r, len(REGIONS)) for r in rows["region"].astype("str")], dtype="int64")
    side_text = rows["side"].astype("string").fillna("").to_numpy(dtype=object)
    side, sides = pd.factorize(side_text, sort=True)
    sides = np.asarray(sides, dtype=object)
    if len(sides) and sides[0] == "":  # none last: move the empty side to the end
        side = np.where(side == 0, len(sides) - 1, side - 1)
        sides = np.concatenate([sides[1:], sides[:1]])
    n_regions, n_sides = len(REGIONS) + 1, max(len(sides), 1)
    key = (subject * n_regions + region) * n_sides + side
    pair, inverse = np.unique(key, return_inverse=True)   # sorted: by subject, region, then side
    seconds = np.bincount(inverse, weights=rows["seconds"].to_numpy(dtype="float64"),
                          minlength=len(pair)).astype("float64")
    keep = seconds > 0
    pair, seconds = pair[keep], seconds[keep]
    names = np.asarray(list(REGIONS) + ["other"], dtype=object)
    return pd.DataFrame({
        "subject_id": pd.array(np.asarray(subjects, dtype=object)[pair // (n_regions * n_sides)], dtype="str"),
        "region": pd.array(names[(pair // n_sides) % n_regions], dtype="str"),
        "side": pd.array([v or None for v in sides[pair % n_sides]] if len(sides) else [], dtype="string"),
        "seconds": seconds,
    })


def weekly_adherence(nights_table: pd.DataFrame) -> pd.DataFrame:
    """Per subject and calendar week (Monday to Sunday): observed nights, compliant nights, share.

    Columns: ``subject_id``, ``week_start`` (the Monday), ``nights`` (observed nights of that
    week, fewer than 7 at the ends of observation), ``compliant_nights``, ``adherence``
    (= compliant_nights / nights, 0 to 1), ``daily_nights`` and ``maintenance_nights`` (nights of
    each phase), ``phase`` (``daily``, ``maintenance``, or ``mixed`` for the week of the change).

    >>> t = pd.DataFrame({"subject_id": ["a"] * 9,
    ...     "night": pd.date_range("2026-03-01", periods=9),  # a Sunday, then Mon 2 to Mon 9
    ...     "compliant": [True, True, False, True, True, True, False, False, True],
    ...     "phase": ["daily"] * 9})
    >>> w = weekly_adherence(t)
    >>> w["compliant_nights"].tolist(), w["nights"].tolist(), w["adherence"].round(3).tolist()
    ([1, 4, 1], [1, 7, 1], [1.0, 0.571, 1.0])
    """
    night = pd.to_datetime(nights_table["night"])
    work = pd.DataFrame({
        "subject_id": nights_table["subject_id"].to_numpy(),
        "week_start": (night - pd.to_timedelta(night.dt.day_of_week, unit="D")).to_numpy(),
        "compliant": nights_table["compliant"].to_numpy(dtype=bool),
        "daily": (nights_table["phase"] == "daily").to_numpy(dtype=bool),
    })
    out = (work.groupby(["subject_id", "week_start"], sort=True)
           .agg(nights=("compliant", "size"), compliant_nights=("compliant", "sum"),
                daily_nights=("daily", "sum"))
           .reset_index())
    out = out.astype({"nights": "int64", "compliant_nights": "int64", "daily_nights": "int64"})
    out["adherence"] = out["compliant_nights"] / out["nights"]
    out["maintenance_nights"] = out["nights"] - out["daily_nights"]
    out["phase"] = np.select([out["maintenance_nights"] == 0, out["daily_nights"] == 0],
                             ["daily", "maintenance"], "mixed")
    return out[["subject_id", "week_start", "nights", "compliant_nights", "adherence",
                "daily_nights", "maintenance_nights", "phase"]]


def adherence_by_week_since_start(nights_table: pd.DataFrame, phase: str | None = None,
                                  level: float = 0.95) -> pd.DataFrame:
    """The cohort's adherence by week since each subject's first night, with an interval.

    Week ``k`` (0-based) holds each subject's nights ``7k`` to ``7k + 6`` (``night_index //
    7``): every observed night by default (``phase=None``), or only those of ``phase``
    (``"daily"``, as daily adherence is defined: subjects then leave the table once they
    progress, often within the first week; or ``"maintenance"``). Each subject with nights in
    week ``k`` gives one share, compliant nights / its nights that week (a partial week counts
    as one share). Over every night, a progressed subject is asked for only
    ``maintenance.min_per_window`` compliant nights of ``maintenance.window_nights``, so the
    expected share falls after the first week or so; subjects enrolled late leave the later
    weeks, as observation ends on one date for all.

    Per week: ``phase`` (the ``phase`` argument, ``"all"`` for None), ``subjects`` (n),
    ``nights``, ``mean`` (the mean of the shares, 0 to 1), ``sd`` (sample standard deviation),
    and the interval ``low``, ``high`` = mean -/+ t(q, n - 1) * sd / sqrt(n) with q = (1 +
    ``level``) / 2 (Student t: the normal approximation corrected for small n), clipped to
    [0, 1]; NaN with fewer than two subjects. The shares are bounded and often piled at 0 or
    1, so with few subjects read the interval as a guide, not an exact coverage.

    >>> t = pd.DataFrame({"subject_id": ["a"] * 8 + ["b"] * 7,
    ...     "night_index": list(range(8)) + list(range(7)),
    ...     "compliant": [1, 1, 1, 1, 1, 1, 1, 0] + [1, 0, 1, 0, 1, 0, 1], "phase": ["daily"] * 15})
    >>> adherence_by_week_since_start(t)[["week", "subjects", "mean"]].round(3).values.tolist()
    [[0.0, 2.0, 0.786], [1.0, 1.0, 0.0]]
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    rows = nights_table if phase is None else nights_table.loc[nights_table["phase"] == phase]
    work = pd.DataFrame({
        "subject_id": rows["subject_id"].to_numpy(),
        "week": rows["night_index"].to_numpy(dtype="int64") // 7,
        "compliant": rows["compliant"].to_numpy(dtype="float64"),
    })
    per_subject = (work.groupby(["week", "subject_id"], sort=True)
                   .agg(share=("compliant", "mean"), nights=("compliant", "size")).reset_index())
    per_week = per_subject.groupby("week", sort=True)
    out = pd.DataFrame({
        "subjects": per_week.size().astype("int64"),
        "nights": per_week["nights"].sum().astype("int64"),
        "mean": per_week["share"].mean(),
        "sd": per_week["share"].std(ddof=1),
    })
    from scipy import stats  # imported here: scipy.stats takes half a second to import

    n = out["subjects"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        tq = stats.t.ppf((1 + level) / 2, np.where(n > 1, n - 1, np.nan))
        half = tq * out["sd"].to_numpy() / np.sqrt(n)
    out["low"] = np.clip(out["mean"].to_numpy() - half, 0.0, 1.0)
    out["high"] = np.clip(out["mean"].to_numpy() + half, 0.0, 1.0)
    out = out.reset_index().astype({"week": "int64"})
    out.insert(1, "phase", phase or "all")
    return out


def time_to_progression(summary: pd.DataFrame) -> pd.DataFrame:
    """Per subject: nights to the progression night, or nights observed when censored.

    From :func:`rollstats.summarize`: ``nights`` = ``nights_to_progression`` (first night to
    the progression night, both counted) for a subject who progressed (``progressed`` true),
    else ``nights_observed`` (censored at the end of observation, ``progressed`` false).

    >>> s = pd.DataFrame({"subject_id": ["a", "b"], "nights_observed": [20, 9],
    ...     "nights_to_progression": pd.array([6, pd.NA], dtype="Int64")})
    >>> time_to_progression(s).values.tolist()
    [['a', 6, True], ['b', 9, False]]
    """
    progressed = summary["nights_to_progression"].notna().to_numpy(dtype=bool)
    to_progression = summary["nights_to_progression"].to_numpy(dtype="float64", na_value=np.nan)
    nights_ = np.where(progressed, to_progression, summary["nights_observed"].to_numpy(dtype="float64"))
    return pd.DataFrame({"subject_id": summary["subject_id"].to_numpy(),
                         "nights": nights_.astype("int64"), "progressed": progressed})


def kaplan_meier(times: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier estimate of the share of subjects not yet progressed, by nights since start.

    ``times`` is :func:`time_to_progression`'s table (``nights``, ``progressed``). One row for
    night 0 (survival 1) and one per distinct time: ``at_risk`` (subjects with ``nights`` at
    least this), ``progressed`` and ``censored`` (at this time), ``survival`` (the estimate just
    after this night: the product of (1 - progressed / at_risk) so far) and its pointwise
    ``level`` interval ``low``, ``high`` (Greenwood variance on the log(-log) scale, as
    :func:`scipy.stats.ecdf` computes it; 1 where the estimate is 1, 0 where it is 0).

    >>> t = pd.DataFrame({"nights": [3, 5, 6, 8, 10], "progressed": [True, True, False, True, False]})
    >>> km = kaplan_meier(t)
    >>> km["at_risk"].tolist(), km["survival"].round(6).tolist()
    ([5, 5, 4, 3, 2, 1], [1.0, 0.8, 0.6, 0.6, 0.3, 0.3])
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    nights_ = times["nights"].to_numpy(dtype="float64")
    event = times["progressed"].to_numpy(dtype=bool)
    unique, inverse = np.unique(nights_, return_inverse=True)
    counts = np.bincount(inverse, minlength=len(unique)).astype("int64")
    events = np.bincount(inverse, weights=event, minlength=len(unique)).astype("int64")
    censored = counts - events
    at_risk = len(nights_) - np.cumsum(counts) + counts
    if len(unique):
        from scipy import stats  # imported here: scipy.stats takes half a second to import

        data = stats.CensoredData(uncensored=nights_[event], right=nights_[~event])
        result = stats.ecdf(data).sf
        survival = result.evaluate(unique)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ci = result.confidence_interval(confidence_level=level, method="log-log")
            low, high = ci.low.evaluate(unique), ci.high.evaluate(unique)
    else:
        survival = low = high = np.array([], dtype="float64")
    out = pd.DataFrame({
        "nights": np.concatenate([[0.0], unique]),
        "at_risk": np.concatenate([[len(nights_)], at_risk]).astype("int64"),
        "progressed": np.concatenate([[0], events]).astype("int64"),
        "censored": np.concatenate([[0], censored]).astype("int64"),
        "survival": np.concatenate([[1.0], survival]),
        "low": np.concatenate([[1.0], low]),
        "high": np.concatenate([[1.0], high]),
    })
    for col in ("low", "high"):
        out[col] = out[col].where(out["survival"] < 1, 1.0).where(out["survival"] > 0, 0.0)
    return out

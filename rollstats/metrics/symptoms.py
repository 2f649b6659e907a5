"""Symptoms: symptom-triggered sessions, pain change per session and by week, resolution.

The card says to roll "each night or when symptoms come on" and to keep rolling after the
symptoms resolve. Pain is the 0-10 score an export may log per segment (``pain_before``,
``pain_after``); where nothing is logged the figures are NaN / NaT, never zero.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..program import Program
from .flags import sessions


def session_pain(segments: pd.DataFrame, program: Program | None = None,
                 sessions_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per session with rolling: its trigger and the pain before and after it.

    Sessions are those of :func:`rollstats.metrics.sessions`. ``symptom`` is true when a
    rolling segment of the session has ``trigger = symptom``. ``pain_before`` is the first
    ``pain_before`` logged in the session (by segment start), ``pain_after`` the last
    ``pain_after``; ``pain_change = pain_after - pain_before`` (points, negative = relief), NaN
    unless both are logged. Columns: ``subject_id, session, night, first_start, symptom,
    pain_before, pain_after, pain_change``. ``sessions_table``: those sessions, when already
    computed with ``pain=True`` (the segments are then not read again).

    >>> from rollstats.io import canonicalise
    >>> raw = pd.DataFrame({"subject_id": ["a", "a"], "region": ["quads", "calves"],
    ...     "start": ["2026-03-03T21:00+01:00", "2026-03-03T21:02+01:00"], "duration_s": [60, 60],
    ...     "trigger": ["symptom", "routine"], "pain_before": [6, None], "pain_after": [None, 3]})
    >>> session_pain(canonicalise(raw, "demo", Program.default()).segments)[
    ...     ["symptom", "pain_before", "pain_after", "pain_change"]].values.tolist()
    [[True, 6.0, 3.0, -3.0]]
    """
    program = program or Program.default()
    sess = sessions(segments, program, pain=True) if sessions_table is None else sessions_table
    columns = ["subject_id", "session", "night", "first_start", "symptom", "pain_before", "pain_after"]
    if not len(sess):
        empty = {c: pd.Series(dtype="float64") for c in columns + ["pain_change"]}
        empty.update(subject_id=pd.Series(dtype="str"), night=pd.Series(dtype="datetime64[us]"),
                     symptom=pd.Series(dtype="bool"), session=pd.Series(dtype="int64"))
        return pd.DataFrame(empty)
    # pain_before: the first logged in the session, pain_after: the last (sessions(pain=True))
    out = sess.loc[sess["segments"] > 0, columns].copy()
    out["pain_change"] = out["pain_after"] - out["pain_before"]
    return out.reset_index(drop=True)


def pain_by_week(pain: pd.DataFrame, nights_table: pd.DataFrame, week_nights: int = 7) -> pd.DataFrame:
    """Per subject and week of observation: sessions with pain and their mean scores.

    ``week`` is ``night_index // week_nights`` (week 0 starts on the first night of
    observation). Only weeks with a logged pain score appear. Columns: ``subject_id, week,
    first_night, sessions, pain_sessions`` (sessions with both scores), ``mean_pain_before,
    mean_pain_after, mean_pain_change`` (points).

    >>> p = pd.DataFrame({"subject_id": ["a"] * 3, "night": pd.to_datetime(["2026-03-01", "2026-03-02",
    ...     "2026-03-09"]), "pain_before": [6.0, 4.0, 3.0], "pain_after": [3.0, 3.0, np.nan]})
    >>> p["pain_change"] = p["pain_after"] - p["pain_before"]
    >>> t = pd.DataFrame({"subject_id": ["a"] * 9, "night": pd.date_range("2026-03-01", periods=9),
    ...     "night_index": range(9)})
    >>> pain_by_week(p, t)[["week", "pain_sessions", "mean_pain_before", "mean_pain_change"]].values.tolist()
    [[0.0, 2.0, 5.0, -2.0], [1.0, 0.0, 3.0, nan]]
    """
    p = pain.merge(nights_table[["subject_id", "night", "night_index"]], on=["subject_id", "night"],
                   how="inner")
    p = p.loc[p["pain_before"].notna() | p["pain_after"].notna()]
    # sums over (subject, week) in numpy: a review asks for this at every change of its range
    week = (p["night_index"].to_numpy(dtype="int64") // week_nights)
    coded = pd.api.types.is_integer_dtype(p["subject_id"])   # codes of summarize: no text
    subject, subjects = pd.factorize(p["subject_id"] if coded else p["subject_id"].astype("str"), sort=True)
    width = int(week.max()) + 1 if len(week) else 1
    pair, inverse = np.unique(subject * width + week, return_inverse=True)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(inverse, weights=values, minlength=len(pair))

    def mean(column: str) -> np.ndarray:
        values = p[column].to_numpy(dtype="float64", na_value=np.nan)
        known = ~np.isnan(values)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total(np.where(known, values, 0.0)) / total(known.astype("float64"))

    nights = p["night"].to_numpy(dtype="datetime64[us]").astype("int64")
    first = np.full(len(pair), np.iinfo(np.int64).max, dtype="int64")
    np.minimum.at(first, inverse, nights)
    return pd.DataFrame({
        "subject_id": (np.asarray(subjects)[pair // width] if coded else
                       pd.array(np.asarray(subjects, dtype=object)[pair // width], dtype="str")),
        "week": (pair % width).astype("int64"),
        "first_night": first.astype("datetime64[us]"),
        "sessions": total(np.ones(len(p))).astype("int64"),
        "pain_sessions": total(p["pain_change"].notna().to_numpy(dtype="float64")).astype("int64"),
        "mean_pain_before": mean("pain_before"), "mean_pain_after": mean("pain_after"),
        "mean_pain_change": mean("pain_change"),
    })


def pain_weeks(pain: pd.DataFrame, nights_table: pd.DataFrame, week_nights: int = 7) -> pd.DataFrame:
    """One subject's pain by week, placed on the calendar: :func:`pain_by_week` with each week's nights.

    ``pain`` (rows of :func:`session_pain`) and ``nights_table`` (rows of :func:`rollstats.nights`)
    are one subject's, possibly cut to a range of nights. Adds ``week_first`` and ``week_last``,
    the first and last night of the week (``week_nights`` nights from the first night of
    observation, so ``night_index`` must be the whole observation's). Scores are points (0-10).

    >>> p = pd.DataFrame({"subject_id": "a", "night": pd.to_datetime(["2026-03-02", "2026-03-10"]),
    ...     "pain_before": [6.0, 4.0], "pain_after": [3.0, 2.0]})
    >>> p["pain_change"] = p["pain_after"] - p["pain_before"]
    >>> t = pd.DataFrame({"subject_id": "a", "night": pd.date_range("2026-03-02", periods=12),
    ...     "night_index": range(1, 13)})   # the first night of observation was 1 Mar
    >>> w = pain_weeks(p, t)
    >>> [(str(a.date()), str(b.date())) for a, b in zip(w["week_first"], w["week_last"])]
    [('2026-03-01', '2026-03-07'), ('2026-03-08', '2026-03-14')]
    """
    weeks = pain_by_week(pain, nights_table, week_nights)
    if nights_table.empty:
        return weeks.assign(week_first=pd.Series(dtype="datetime64[us]"), week_last=pd.Series(dtype="datetime64[us]"))
    first = pd.Timestamp(nights_table["night"].iloc[0]) - pd.Timedelta(days=int(nights_table["night_index"].iloc[0]))
    start = first + pd.to_timedelta(weeks["week"] * week_nights, unit="D")
    return weeks.assign(week_first=start, week_last=start + pd.Timedelta(days=week_nights - 1))


def night_pain(segments: pd.DataFrame) -> pd.DataFrame:
    """Per subject and night with any pain score: ``pain``, the highest score logged that night.

    The highest of every ``pain_before`` and ``pain_after`` of the night is used, not the last
    ``pain_after``: rolling brings short relief, and a night that starts at 6 and ends at 2
    has not shown the symptoms gone.

    >>> s = pd.DataFrame({"subject_id": ["a", "a"], "night": pd.to_datetime(["2026-03-01"] * 2),
    ...     "pain_before": [6.0, np.nan], "pain_after": [2.0, 1.0]})
    >>> night_pain(s)["pain"].tolist()
    [6.0]
    """
    both = segments[["subject_id", "night"]].assign(
        pain=np.fmax(segments["pain_before"].to_numpy(dtype="float64", na_value=np.nan),
                     segments["pain_after"].to_numpy(dtype="float64", na_value=np.nan)))
    both = both.loc[both["pain"].notna()]
    return both.groupby(["subject_id", "night"], sort=True)["pain"].max().reset_index()


def resolution(segments: pd.DataFrame, nights_table: pd.DataFrame,
               program: Program | None = None) -> pd.DataFrame:
    """Per subject: the night symptoms resolved and the adherence on the nights after it.

    Logged nights are nights with a pain score (:func:`night_pain`); nights without one are
    skipped, they neither break nor extend a run. Symptoms **resolve** on the
    ``symptoms.resolved_nights``-th (3rd) of the first run of logged nights in a row whose
    pain is at most ``symptoms.resolved_pain_max`` (2), provided an earlier logged night was
    above it (no symptoms, nothing to resolve). ``resolved_night`` is that night (NaT if none);
    ``nights_after_resolved`` and ``compliant_after_resolved`` count observed nights strictly
    after it; ``adherence_after_resolved`` is their ratio (NaN with no night after).

    >>> seg = pd.DataFrame({"subject_id": ["a"] * 4, "night": pd.date_range("2026-03-01", periods=4),
    ...     "pain_before": [5.0, 2.0, 1.0, 2.0], "pain_after": [np.nan] * 4})
    >>> t = pd.DataFrame({"subject_id": ["a"] * 6, "night": pd.date_range("2026-03-01", periods=6),
    ...     "compliant": [True] * 5 + [False]})
    >>> r = resolution(seg, t)
    >>> str(r.loc["a", "resolved_night"].date()), float(r.loc["a", "adherence_after_resolved"])
    ('2026-03-04', 0.5)
    """
    program = program or Program.default()
    rules = program.symptoms
    pain = night_pain(segments)
    subject = pain["subject_id"]
    low = (pain["pain"] <= rules.resolved_pain_max).to_numpy()
    seen_high = pd.Series(~low, index=pain.index).groupby(subject).cummax().to_numpy()
    run = pd.Series(np.cumsum(~low), index=pain.index)
    length = pd.Series(low.astype("int64"), index=pain.index).groupby([subject, run]).cumsum()
    hit = pain.loc[low & seen_high & (length == rules.resolved_nights).to_numpy()]
    resolved = hit.groupby("subject_id")["night"].min()

    subjects = pd.Index(nights_table["subject_id"].unique(), name="subject_id").sort_values()
    resolved = resolved.astype("datetime64[us]")
    where = resolved.index.get_indexer(nights_table["subject_id"])  # -1: not resolved -> NaT
    cut = np.append(resolved.to_numpy(dtype="datetime64[us]"), np.datetime64("NaT", "us"))[where]
    after = nights_table.loc[(nights_table["night"].to_numpy() > cut), ["subject_id", "compliant"]]
    per = after.groupby("subject_id")
    out = pd.DataFrame({"resolved_night": resolved.reindex(subjects).astype("datetime64[us]")})
    out["nights_after_resolved"] = per.size().reindex(subjects, fill_value=0).astype("int64")
    out["compliant_after_resolved"] = per["compliant"].sum().reindex(subjects, fill_value=0).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["adherence_after_resolved"] = (out["compliant_after_resolved"] / out["nights_after_resolved"]
                                           ).where(out["nights_after_resolved"] > 0).astype("float64")
    return out


def _slope(weeks: pd.DataFrame, column: str) -> pd.Series:
    """Least-squares slope of ``column`` against ``week`` per subject (points per week)."""
    w = weeks.loc[weeks[column].notna(), ["subject_id", "week", column]]
    x, y = w["week"].astype("float64"), w[column].astype("float64")
    g = pd.DataFrame({"subject_id": w["subject_id"], "x": x, "y": y, "xy": x * y, "xx": x * x})
    s = g.groupby("subject_id").agg(n=("x", "size"), x=("x", "sum"), y=("y", "sum"), xy=("xy", "sum"),
                                     xx=("xx", "sum"))
    spread = s["n"] * s["xx"] - s["x"] ** 2
    return ((s["n"] * s["xy"] - s["x"] * s["y"]) / spread).where((s["n"] >= 2) & (spread > 0))


def symptom_summary(segments: pd.DataFrame, nights_table: pd.DataFrame,
                    program: Program | None = None, week_nights: int = 7,
                    sessions_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per subject: pain sessions, mean change, weekly trend, resolution and adherence after it.

    ``pain_sessions`` are rolling sessions with both scores; ``mean_pain_change`` their mean
    ``pain_change`` (points, NaN without one); ``pain_before_trend_per_week`` the least-squares
    slope of the weekly mean ``pain_before`` over weeks with one (points per week, NaN with
    fewer than two such weeks); then the columns of :func:`resolution`. ``sessions_table``: as
    for :func:`session_pain`.

    >>> seg = pd.DataFrame({"subject_id": ["a"], "night": pd.to_datetime(["2026-03-01"]),
    ...     "start": pd.to_datetime(["2026-03-01T20:00Z"]), "duration_s": [60.0],
    ...     "activity": ["rolling"], "region": ["calf"], "trigger": ["symptom"], "hold_count": [pd.NA],
    ...     "hold_s": [pd.NA], "pain_before": [5.0], "pain_after": [3.0]})
    >>> t = pd.DataFrame({"subject_id": ["a"], "night": pd.to_datetime(["2026-03-01"]),
    ...     "night_index": [0], "compliant": [True]})
    >>> float(symptom_summary(seg, t).loc["a", "mean_pain_change"])
    -2.0
    """
    program = program or Program.default()
    subjects = pd.Index(nights_table["subject_id"].unique(), name="subject_id").sort_values()
    pain = session_pain(segments, program, sessions_table)
    both = pain.loc[pain["pain_change"].notna()].groupby("subject_id")["pain_change"]
    weeks = pain_by_week(pain, nights_table, week_nights)
    out = pd.DataFrame({
        "pain_sessions": both.size().reindex(subjects, fill_value=0).astype("int64"),
        "mean_pain_change": both.mean().reindex(subjects).astype("float64"),
        "pain_before_trend_per_week": _slope(weeks, "mean_pain_before").reindex(subjects).astype("float64"),
    }, index=subjects)
    return out.join(resolution(segments, nights_table, program))

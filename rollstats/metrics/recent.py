"""A clinician's first questions about one subject, and the nights each common mistake touched.

Pure functions over one subject's tables (the rows of :func:`rollstats.nights`, of
:func:`rollstats.metrics.sessions` and of :func:`rollstats.metrics.check_windows`):

- :func:`recent`: when the subject last rolled, the current streak, and the last week of
  nights against the week before, all as of a given night;
- :func:`mistake_nights`: per night, which of the card's four mistakes touched it and how many
  seconds each one judged and found at fault;
- :func:`mistake_costs`: those nights summed per mistake, the worst first.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: The card's four common mistakes, as named in the summary's flag columns.
MISTAKE_KINDS: tuple[str, ...] = ("lateral_thigh", "too_fast", "standalone", "narrow")


def recent(nights_table: pd.DataFrame, as_of=None, week_nights: int = 7) -> dict:
    """One subject's latest state as of the night ``as_of`` (default: its last night).

    Only nights up to ``as_of`` count. ``last_rolled`` is the last night with a rolling segment
    (NaT if none) and ``nights_since_rolled`` the nights from it to ``as_of`` (0: rolled that
    night; NA if never). ``current_streak`` is the run of compliant nights ending on ``as_of``
    (0 when that night is not compliant). The last week is the ``week_nights`` nights ending
    on ``as_of`` (``this_week_*``), the week before the ``week_nights`` before those
    (``last_week_*``); each gives its ``first`` and ``last`` night, observed ``nights`` (fewer
    near the start of observation), ``compliant`` nights and hips-and-legs seconds (``s``).

    >>> t = pd.DataFrame({"night": pd.date_range("2026-03-01", periods=10),
    ...     "rolled_s": [60.0, 0, 70, 80, 0, 0, 90, 65, 30, 0], "segments": [1, 0, 1, 1, 0, 0, 1, 1, 1, 0]})
    >>> t["compliant"] = t["rolled_s"] >= 60
    >>> r = recent(t, "2026-03-08")
    >>> str(r["last_rolled"].date()), r["nights_since_rolled"], r["current_streak"]
    ('2026-03-08', 0, 2)
    >>> r["this_week_compliant"], r["this_week_s"], r["last_week_nights"], r["last_week_s"]
    (4, 305.0, 1, 60.0)
    """
    rows = nights_table.sort_values("night")
    nights = pd.to_datetime(rows["night"]).to_numpy()
    end = nights[-1] if as_of is None else np.datetime64(pd.Timestamp(as_of).normalize().as_unit("us"))
    upto = nights <= end
    nights = nights[upto]
    compliant = rows["compliant"].to_numpy(dtype=bool)[upto]
    seconds = rows["rolled_s"].to_numpy(dtype="float64")[upto]
    rolled = rows["segments"].to_numpy()[upto] > 0
    day = np.timedelta64(1, "D")
    out: dict = {"as_of": pd.Timestamp(end)}
    if rolled.any():
        last = nights[np.flatnonzero(rolled)[-1]]
        out["last_rolled"], out["nights_since_rolled"] = pd.Timestamp(last), int((end - last) // day)
    else:
        out["last_rolled"], out["nights_since_rolled"] = pd.NaT, pd.NA
    misses = np.flatnonzero(~compliant)
    out["current_streak"] = int(len(compliant) - 1 - misses[-1]) if len(misses) else len(compliant)
    for name, back in (("this_week", 0), ("last_week", week_nights)):
        hi = end - back * day
        lo = hi - (week_nights - 1) * day
        inside = (nights >= lo) & (nights <= hi)
        out.update({f"{name}_first": pd.Timestamp(lo), f"{name}_last": pd.Timestamp(hi),
                    f"{name}_nights": int(inside.sum()), f"{name}_compliant": int(compliant[inside].sum()),
                    f"{name}_s": float(seconds[inside].sum())})
    return out


def mistake_nights(nights_table: pd.DataFrame, sessions_table: pd.DataFrame,
                   checks_table: pd.DataFrame) -> pd.DataFrame:
    """Per night of one subject: which of the card's mistakes touched it, and its seconds at stake.

    For each kind of :data:`MISTAKE_KINDS`: ``<kind>`` (bool) is true on a night the mistake
    touched, ``<kind>_s`` the seconds found at fault that night and ``<kind>_judged_s`` the
    seconds the check could judge (so a range's share at fault is the sum of one over the sum
    of the other):

    - ``lateral_thigh``: nights with rolling on the side of the thigh; ``lateral_s`` of
      ``thigh_s``;
    - ``too_fast``: nights of a session whose holds were too short; the hips-and-legs seconds
      of those sessions, of sessions that log holds;
    - ``standalone`` and ``narrow``: the nights with rolling of a check window flagged so;
      the night's ``rolled_s``, when its window can say (flag true or false).

    >>> t = pd.DataFrame({"night": pd.date_range("2026-03-01", periods=3), "check_window": [0, 0, 0],
    ...     "rolled_s": [100.0, 0, 80], "segments": [1, 0, 1], "lateral_s": [20.0, 0, 0],
    ...     "thigh_s": [50.0, 0, 80]})
    >>> s = pd.DataFrame({"night": pd.to_datetime(["2026-03-03"]), "rolled_s": [80.0], "hold_count": [2],
    ...     "too_fast": pd.array([True], dtype="boolean")})
    >>> c = pd.DataFrame({"check_window": [0], "standalone": pd.array([pd.NA], dtype="boolean"),
    ...     "narrow": pd.array([True], dtype="boolean")})
    >>> m = mistake_nights(t, s, c)
    >>> m[["lateral_thigh", "too_fast", "standalone", "narrow"]].values.tolist()
    [[True, False, False, True], [False, False, False, False], [False, True, False, True]]
    >>> m["narrow_s"].tolist(), m["standalone_judged_s"].tolist()
    ([100.0, 0.0, 80.0], [0.0, 0.0, 0.0])
    """
    rows = nights_table.reset_index(drop=True)
    night = pd.to_datetime(rows["night"])
    rolled_s = rows["rolled_s"].to_numpy(dtype="float64")
    out = pd.DataFrame({"night": night})
    lateral = rows["lateral_s"].to_numpy(dtype="float64")
    out["lateral_thigh"] = lateral > 0
    out["lateral_thigh_s"] = lateral
    out["lateral_thigh_judged_s"] = rows["thigh_s"].to_numpy(dtype="float64")

    s = sessions_table
    fast = s["too_fast"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    holds = (s["hold_count"] > 0).to_numpy(dtype=bool)
    where = night.searchsorted(pd.to_datetime(s["night"]).to_numpy())   # each session's night
    where = np.clip(where, 0, max(len(rows) - 1, 0))
    session_s = s["rolled_s"].to_numpy(dtype="float64")
    out["too_fast_s"] = np.bincount(where[fast], weights=session_s[fast], minlength=len(rows))[:len(rows)]
    out["too_fast_judged_s"] = np.bincount(where[holds], weights=session_s[holds], minlength=len(rows))[:len(rows)]
    out["too_fast"] = np.bincount(where[fast], minlength=len(rows))[:len(rows)] > 0

    with_rolling = rows["segments"].to_numpy() > 0
    window = pd.Index(checks_table["check_window"])
    at = window.get_indexer(rows["check_window"])   # -1: a window not in the table
    for kind in ("standalone", "narrow"):
        flag = np.append(checks_table[kind].astype("boolean").to_numpy(dtype="float64", na_value=np.nan), np.nan)[at]
        hit = (flag == 1) & with_rolling
        out[kind] = hit
        out[f"{kind}_s"] = np.where(hit, rolled_s, 0.0)
        out[f"{kind}_judged_s"] = np.where(~np.isnan(flag), rolled_s, 0.0)
    columns = ["night"] + [c for k in MISTAKE_KINDS for c in (k, f"{k}_s", f"{k}_judged_s")]
    return out[columns]


def mistake_costs(touched: pd.DataFrame, seen: dict | None = None) -> pd.DataFrame:
    """Per mistake, over the nights of ``touched`` (rows of :func:`mistake_nights`): what it cost.

    Columns ``mistake, nights`` (nights touched), ``seconds`` (at fault), ``judged_s`` and
    ``share`` (seconds at fault over seconds judged, NaN when nothing could be judged). Rows are
    ordered worst first: by nights touched, then share, both descending; a kind ``seen`` maps
    to False or None (not seen, or cannot say) goes after every other, whatever its nights.

    >>> m = pd.DataFrame({"night": pd.date_range("2026-03-01", periods=2),
    ...     "lateral_thigh": [True, True], "lateral_thigh_s": [30.0, 10], "lateral_thigh_judged_s": [60.0, 20],
    ...     "too_fast": [False, False], "too_fast_s": [0.0, 0], "too_fast_judged_s": [0.0, 0],
    ...     "standalone": [True, True], "standalone_s": [90.0, 70], "standalone_judged_s": [90.0, 70],
    ...     "narrow": [True, False], "narrow_s": [90.0, 0], "narrow_judged_s": [90.0, 70]})
    >>> mistake_costs(m)[["mistake", "nights", "share"]].values.tolist()
    [['standalone', 2, 1.0], ['lateral_thigh', 2, 0.5], ['narrow', 1, 0.5625], ['too_fast', 0, nan]]
    """
    rows = []
    for kind in MISTAKE_KINDS:
        at_fault, judged = float(touched[f"{kind}_s"].sum()), float(touched[f"{kind}_judged_s"].sum())
        rows.append({"mistake": kind, "nights": int(touched[kind].sum()), "seconds": at_fault, "judged_s": judged,
                     "share": at_fault / judged if judged > 0 else float("nan")})
    out = pd.DataFrame(rows)
    known = np.array([True if seen is None else seen.get(k) is True for k in out["mistake"]])
    order = np.lexsort((-out["share"].fillna(-1.0).to_numpy(), -out["nights"].to_numpy(), ~known))
    return out.iloc[order].reset_index(drop=True)

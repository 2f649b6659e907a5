"""A cohort at a glance: its size, span and medians, and who needs attention first."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .engagement import ALERT_LEVELS
from .summary import FLAG_COLUMNS

#: Alert levels from the least to the most serious (``dropped`` is worst).
ALERT_RANK: dict[str, int] = {level: i + 1 for i, (level, _) in enumerate(ALERT_LEVELS)}


def overview(summary: pd.DataFrame) -> dict:
    """The cohort of a :func:`rollstats.summarize` table in a few numbers.

    Keys: ``subjects``, ``nights`` (observed nights, all subjects), ``compliant_nights``,
    ``compliant_share`` (compliant nights / nights, 0 to 1; NaN with no night),
    ``first_night`` and ``last_night`` (Timestamps, NaT with no subject), ``progressed``
    (subjects with a progression night), ``median_daily_adherence`` and
    ``median_maintenance_adherence`` (medians over the subjects with a value, shares 0 to 1;
    NaN with none), ``median_nights_to_progression`` (over the subjects who progressed, nights
    from the first night to the progression night, both counted; NaN with none).

    >>> s = pd.DataFrame({"nights_observed": [10, 20, 30], "compliant_nights": [5, 10, 30],
    ...     "first_night": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-03"]),
    ...     "last_night": pd.to_datetime(["2026-03-30"] * 3), "daily_adherence": [0.5, 1.0, float("nan")],
    ...     "maintenance_adherence": [float("nan")] * 3, "nights_to_progression": pd.array([3, pd.NA, 5], dtype="Int64")})
    >>> o = overview(s)
    >>> o["subjects"], o["nights"], o["progressed"], o["median_daily_adherence"], o["median_nights_to_progression"]
    (3, 60, 2, 0.75, 4.0)
    """
    to_progression = pd.to_numeric(summary["nights_to_progression"], errors="coerce").dropna()
    return {
        "subjects": int(len(summary)),
        "nights": int(summary["nights_observed"].sum()),
        "compliant_nights": int(summary["compliant_nights"].sum()),
        "compliant_share": (float(summary["compliant_nights"].sum() / summary["nights_observed"].sum())
                            if len(summary) and summary["nights_observed"].sum() else float("nan")),
        "first_night": summary["first_night"].min() if len(summary) else pd.NaT,
        "last_night": summary["last_night"].max() if len(summary) else pd.NaT,
        "progressed": int(len(to_progression)),
        "median_daily_adherence": float(summary["daily_adherence"].median()),
        "median_maintenance_adherence": float(summary["maintenance_adherence"].median()),
        "median_nights_to_progression": float(to_progression.median()) if len(to_progression) else float("nan"),
    }


def needs_attention(summary: pd.DataFrame) -> pd.DataFrame:
    """Subjects with a disengagement alert in force or a mistake flagged, the worst first.

    Order: the alert in force on the last night (``dropped``, then ``stalled``, then
    ``low_engagement``, then none), then the longer run of nights without rolling, then the
    more flags, then the lower maintenance adherence, then the subject. Columns:
    ``subject_id, current_alert`` (NA with none), ``nights_without_rolling``, ``since`` (the
    first night of that run, NaT with none), ``flags`` (the names of the flags that are
    true, e.g. ``["lateral_thigh"]``), ``maintenance_adherence``.

    >>> s = pd.DataFrame({"subject_id": ["a", "b", "c"], "current_alert": ["low_engagement", pd.NA, "stalled"],
    ...     "nights_without_rolling": [3, 0, 15], "last_night": pd.to_datetime(["2026-03-30"] * 3),
    ...     "flag_narrow": pd.array([True, False, pd.NA], dtype="boolean"), "maintenance_adherence": [1.0, 1.0, 0.5]})
    >>> t = needs_attention(s)
    >>> t["subject_id"].tolist(), str(t["since"].iloc[0].date()), t["flags"].tolist()
    (['c', 'a'], '2026-03-16', [[], ['narrow']])
    """
    flags = [c for c in FLAG_COLUMNS if c in summary]
    true = summary[flags].astype("boolean").fillna(False).astype(bool) if flags else pd.DataFrame(index=summary.index)
    named = [[c.removeprefix("flag_") for c in flags if row[c]] for _, row in true.iterrows()]
    level = summary["current_alert"].astype("object").where(summary["current_alert"].notna(), None)
    idle = summary["nights_without_rolling"].astype("int64")
    out = pd.DataFrame({
        "subject_id": summary["subject_id"].astype("str").to_numpy(),
        "current_alert": level.to_numpy(),
        "nights_without_rolling": idle.to_numpy(),
        "since": (pd.to_datetime(summary["last_night"]) - pd.to_timedelta(idle - 1, unit="D")).where(idle > 0).to_numpy(),
        "flags": named,
        "maintenance_adherence": summary["maintenance_adherence"].to_numpy(dtype="float64"),
    })
    keep = out["current_alert"].notna().to_numpy() | np.array([bool(f) for f in named], dtype=bool)
    out = out.loc[keep]
    order = pd.DataFrame({"alert": -out["current_alert"].map(ALERT_RANK).fillna(0).to_numpy(),
                          "idle": -out["nights_without_rolling"].to_numpy(),
                          "flags": -out["flags"].map(len).to_numpy(),
                          "maintenance": out["maintenance_adherence"].fillna(2.0).to_numpy(),
                          "subject": out["subject_id"].to_numpy()}, index=out.index)
    ranked = order.sort_values(["alert", "idle", "flags", "maintenance", "subject"], kind="stable").index
    return out.loc[ranked].reset_index(drop=True)

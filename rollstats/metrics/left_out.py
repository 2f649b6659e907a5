"""Who is in the export but not in the summary, and why: a summary counts subjects who rolled."""
from __future__ import annotations

import datetime as dt

import pandas as pd

#: Reasons, in the order they are checked.
REASONS: tuple[str, ...] = ("no_rolling", "not_enrolled", "outside_observation", "no_counted_rolling")


def left_out(segments: pd.DataFrame, summary: pd.DataFrame, until: str | dt.date | None = None,
             enrolment: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per subject of ``segments`` without a row in ``summary``, with the reason.

    ``reason`` is ``no_rolling`` (only other activities logged: ``activities`` names them, e.g.
    ``strengthening``), ``not_enrolled`` (an ``enrolment`` is given and does not list the
    subject), ``outside_observation`` (rolling logged only after ``until`` or outside the
    enrolment window) or ``no_counted_rolling`` (rolling logged in observation, none of it on
    the regions the card counts). Columns: ``subject_id, reason, activities, segments`` (the
    subject's segments in the export), ``first_night, last_night`` (of those segments).

    >>> seg = pd.DataFrame({"subject_id": ["a", "b", "c"], "activity": ["rolling", "strengthening", "rolling"],
    ...     "night": pd.to_datetime(["2026-03-01", "2026-03-01", "2026-03-09"])})
    >>> left_out(seg, pd.DataFrame({"subject_id": ["a"]}), until="2026-03-05")[["subject_id", "reason"]].values.tolist()
    [['b', 'no_rolling'], ['c', 'outside_observation']]
    """
    subject = segments["subject_id"].astype("str")
    gone = ~subject.isin(set(summary["subject_id"].astype("str")))
    rows = segments.loc[gone].assign(subject_id=subject[gone])
    columns = ["subject_id", "reason", "activities", "segments", "first_night", "last_night"]
    if not len(rows):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    per = rows.groupby("subject_id", sort=True)
    out = pd.DataFrame({"segments": per.size().astype("int64"),
                        "first_night": per["night"].min(), "last_night": per["night"].max()})
    rolling = rows.loc[rows["activity"].astype("str") == "rolling"]
    out["activities"] = per["activity"].agg(lambda a: ", ".join(sorted(set(map(str, a)) - {"rolling"})))
    has_rolling = out.index.isin(rolling["subject_id"].unique())
    end = pd.Timestamp(until) if until is not None else None
    inside = rolling if end is None else rolling.loc[rolling["night"] <= end]
    rolled_inside = out.index.isin(inside["subject_id"].unique())
    enrolled = (out.index.isin(enrolment["subject_id"].astype("str")) if enrolment is not None
                else pd.Series(True, index=out.index).to_numpy())
    out["reason"] = "no_counted_rolling"
    out.loc[~rolled_inside | (enrolment is not None), "reason"] = "outside_observation"
    out.loc[~enrolled, "reason"] = "not_enrolled"
    out.loc[~has_rolling, "reason"] = "no_rolling"
    return out.rename_axis("subject_id").reset_index()[columns]

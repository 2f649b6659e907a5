"""The canonical segment table: the one table every reader produces and every metric takes.

One row is one **segment**: a stretch of one activity on one region of one side.

==============  ======================  ==================================================
column          dtype                   meaning
==============  ======================  ==================================================
subject_id      str                     who rolled
start           datetime64[us, UTC]     the absolute instant the segment started
local_start     datetime64[us]          the subject's wall clock at the start (no zone)
night           datetime64[us]          the night (midnight of its date) the segment counts for
duration_s      float64                 length in seconds, measured in absolute time
region          category (REGIONS)      canonical region, see :mod:`rollstats.regions`
region_label    str                     the label as the export wrote it (NA if none)
side            category (SIDES)        left, right or both; NA where the export does not say
activity        category (ACTIVITIES)   rolling, strengthening or other
trigger         category (TRIGGERS)     routine, or symptom when symptoms started the session
hold_count      Int64                   holds on tender spots logged in the segment (NA: not logged)
hold_s          Float64                 total seconds held over those holds (NA: not logged)
pain_before     Float64                 pain 0-10 before the segment (NA: not logged)
pain_after      Float64                 pain 0-10 after the segment (NA: not logged)
notes           str                     free text (NA if none)
source          str                     the file the row came from
source_row      int64                   the row's 1-based position among the file's data records
==============  ======================  ==================================================

Refused rows go to the **rejects** table (:data:`REJECT_COLUMNS`): ``source``, ``source_row``,
``column``, ``value``, ``reason``; one row per refused record.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .errors import RollstatsError
from .regions import REGIONS, SIDES

ACTIVITIES: tuple[str, ...] = ("rolling", "strengthening", "other")
TRIGGERS: tuple[str, ...] = ("routine", "symptom")

#: Activity labels seen in exports (lower case, single spaces) and what they mean.
ACTIVITY_ALIASES: dict[str, str] = {
    "": "rolling",
    "rolling": "rolling",
    "roll": "rolling",
    "foam rolling": "rolling",
    "foam roll": "rolling",
    "massage ball": "rolling",
    "self massage": "rolling",
    "self-massage": "rolling",
    "myofascial release": "rolling",
    "smr": "rolling",
    "strengthening": "strengthening",
    "strength": "strengthening",
    "strength training": "strengthening",
    "strengthen": "strengthening",
    "other": "other",
    "stretch": "other",
    "stretching": "other",
}

#: Trigger labels seen in exports and what they mean.
TRIGGER_ALIASES: dict[str, str] = {
    "": "routine",
    "routine": "routine",
    "scheduled": "routine",
    "planned": "routine",
    "nightly": "routine",
    "symptom": "symptom",
    "symptoms": "symptom",
    "pain": "symptom",
    "flare": "symptom",
    "flare-up": "symptom",
}

REGION_DTYPE = pd.CategoricalDtype(list(REGIONS))
SIDE_DTYPE = pd.CategoricalDtype(list(SIDES))
ACTIVITY_DTYPE = pd.CategoricalDtype(list(ACTIVITIES))
TRIGGER_DTYPE = pd.CategoricalDtype(list(TRIGGERS))

#: Column name -> dtype of the canonical segment table, in column order.
SEGMENT_DTYPES: dict[str, object] = {
    "subject_id": "str",
    "start": "datetime64[us, UTC]",
    "local_start": "datetime64[us]",
    "night": "datetime64[us]",
    "duration_s": "float64",
    "region": REGION_DTYPE,
    "region_label": "str",
    "side": SIDE_DTYPE,
    "activity": ACTIVITY_DTYPE,
    "trigger": TRIGGER_DTYPE,
    "hold_count": "Int64",
    "hold_s": "Float64",
    "pain_before": "Float64",
    "pain_after": "Float64",
    "notes": "str",
    "source": "str",
    "source_row": "int64",
}
SEGMENT_COLUMNS: tuple[str, ...] = tuple(SEGMENT_DTYPES)

REJECT_DTYPES: dict[str, object] = {
    "source": "str", "source_row": "int64", "column": "str", "value": "str", "reason": "str",
}
REJECT_COLUMNS: tuple[str, ...] = tuple(REJECT_DTYPES)


class SchemaError(RollstatsError, ValueError):
    """A table handed to rollstats is not a canonical segment table."""


def empty_segments() -> pd.DataFrame:
    """A canonical segment table with no rows.

    >>> list(empty_segments().columns[:3])
    ['subject_id', 'start', 'local_start']
    """
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in SEGMENT_DTYPES.items()})


#: An export's end and duration may disagree by this much (s), from rounding; more is refused.
END_TOLERANCE_S = 1.0


def empty_rejects() -> pd.DataFrame:
    """A rejects table with no rows."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in REJECT_DTYPES.items()})


def _schema() -> pa.DataFrameSchema:
    nullable = {"region_label", "side", "hold_count", "hold_s", "pain_before", "pain_after", "notes"}
    checks: dict[str, list[pa.Check]] = {
        "duration_s": [pa.Check.gt(0)],
        "hold_count": [pa.Check.ge(0)],
        "hold_s": [pa.Check.ge(0)],
        "pain_before": [pa.Check.in_range(0, 10)],
        "pain_after": [pa.Check.in_range(0, 10)],
        "source_row": [pa.Check.ge(1)],
    }
    columns = {
        name: pa.Column(dtype, checks=checks.get(name, []), nullable=name in nullable)
        for name, dtype in SEGMENT_DTYPES.items()
    }
    return pa.DataFrameSchema(columns, strict=False, ordered=False)


_SCHEMA: pa.DataFrameSchema | None = None


def validate_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """Check that ``segments`` is a canonical segment table; return it unchanged.

    Raises :class:`SchemaError` listing the first problems (column, check, rows).

    >>> validate_segments(empty_segments()).shape
    (0, 17)
    """
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = _schema()
    try:
        _SCHEMA.validate(segments, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = [f"column {r.column!r}: {r.check} (row {r['index']}, value {r.failure_case!r})"
                 for _, r in cases.head(5).iterrows()]
        raise SchemaError("not a canonical segment table: " + "; ".join(lines)) from None
    return segments

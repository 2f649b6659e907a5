"""Region of each row: its label through the aliases, and a thigh label through its clock
position and side (the clock is read as a right thigh seen from the front, mirrored for the
left). The rule is worked out once per distinct (label, side, clock) and spread over the rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..regions import ALIASES, REGIONS, RIGHT_THIGH_CLOCK, SIDE_ALIASES, SIDES
from . import arrowcells as cells
from .coded import NOWHERE, Coded
from .problems import Problems

_CLOCK = np.array([-1] + [REGIONS.index(RIGHT_THIGH_CLOCK[h]) for h in range(1, 13)], dtype=np.int64)


def regions(region_keys, side_keys, clock: Coded, problems: Problems) -> tuple[np.ndarray, np.ndarray | None]:
    """Region codes (int8) through the aliases and the thigh clock, and the rows whose label no
    alias knows (None when there is none). ``region_keys`` and ``side_keys``: each row's code and
    the :func:`~rollstats.regions.normalise_label` key of each code (see
    :func:`rollstats.io.coded.labels`); refusals of the clock go to ``problems``.

    >>> from rollstats.io.coded import coded, labels
    >>> raw = pd.DataFrame({"region": ["thigh", "quads", "toes"], "side": ["left", "", ""],
    ...                     "clock": ["3", "", ""]}, dtype="str")
    >>> keys = labels({name: coded(raw, name) for name in ("region", "side")})
    >>> region, unknown = regions(keys["region"], keys["side"], coded(raw, "clock"), Problems(3))
    >>> [REGIONS[r] for r in region], unknown.tolist()  # 3 o'clock on the left is 9 on the right
    (['thigh_inner', 'thigh_front', 'other'], [False, False, True])
    """
    codes, keys = region_keys
    side_codes, side_names = side_keys
    sizes = (len(keys), len(side_names), len(clock.values))
    if sizes[0] * sizes[1] * sizes[2] <= max(1 << 12, len(codes) // 4):
        label, side, hour = np.unravel_index(np.arange(sizes[0] * sizes[1] * sizes[2]), sizes)
        triple = (codes.astype(np.int64) * sizes[1] + side_codes) * sizes[2] + clock.codes
        spread = lambda per_triple: per_triple[triple]  # noqa: E731
        where = lambda per_triple: per_triple[triple] if per_triple.any() else NOWHERE  # noqa: E731
    else:
        label, side, hour = codes, side_codes, clock.codes
        spread = where = lambda per_row: per_row  # noqa: E731
    per_key = cells.lookup(np.arange(len(keys)), keys, ALIASES, REGIONS)
    region = per_key[label]
    is_thigh = cells.key_is(label, keys, "thigh")
    unknown = (region < 0) & ~is_thigh
    region = np.where(region < 0, REGIONS.index("other"), region)
    has_clock = clock.valid_values[hour]
    thigh = cells.key_is(label, keys, "thigh", "") & has_clock
    if thigh.any():
        hours = cells.numbers(clock.values)[hour]
        valid = np.isin(hours, np.arange(1, 13))
        hour_i = np.where(valid, hours, 12).astype(np.int64)
        side_code = cells.lookup(side, side_names, SIDE_ALIASES, SIDES)
        left, right = side_code == SIDES.index("left"), side_code == SIDES.index("right")
        by_clock = np.where(left, _CLOCK[np.where(hour_i == 12, 12, 12 - hour_i)], _CLOCK[hour_i])
        ambiguous = ~left & ~right & ~np.isin(hour_i, (6, 12))
        by_clock = np.where(valid & ~ambiguous, by_clock, -1)
        bad_hour = thigh & ~valid
        problems.add(where(bad_hour), "clock", clock.strings, "clock must be a whole hour from 1 to 12")
        problems.add(where(thigh & ~bad_hour & (by_clock < 0)), "clock", clock.strings,
                     "thigh clock position without a left or right side is ambiguous")
        region = np.where(thigh, by_clock, region)
    region = np.where(is_thigh & ~has_clock, REGIONS.index("unspecified"), region)
    return spread(region.astype(np.int8)), (spread(unknown) if unknown.any() else None)

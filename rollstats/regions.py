"""The body regions of the card, the labels real exports use for them, and the thigh clock.

This module is vocabulary, not rules: it says what a label *means*. Which regions count
toward a night, which are a mistake, and so on, is decided by the program
(:mod:`rollstats.program`).

The thigh clock is the thigh seen from above with 12 o'clock to the front. It is mirrored
between the legs: on the right thigh 3 o'clock is the outside, on the left thigh it is the
inside. A left-thigh hour ``h`` therefore reads as the right thigh's ``12 - h``.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Canonical regions, in display order.
REGIONS: tuple[str, ...] = (
    "thigh_front",
    "thigh_back",
    "thigh_outer_front",
    "thigh_outer_back",
    "thigh_lateral",
    "thigh_inner",
    "calf",
    "hip",
    "unspecified",
    "other",
)

#: Sides a segment can name; a missing side is NA.
SIDES: tuple[str, ...] = ("left", "right", "both")

#: Labels seen in exports, after :func:`normalise_label`, and the region they mean.
ALIASES: dict[str, str] = {
    **{r: r for r in REGIONS},
    "quads": "thigh_front",
    "quad": "thigh_front",
    "quadriceps": "thigh_front",
    "front thigh": "thigh_front",
    "thigh front": "thigh_front",
    "anterior thigh": "thigh_front",
    "hamstrings": "thigh_back",
    "hamstring": "thigh_back",
    "hams": "thigh_back",
    "back thigh": "thigh_back",
    "thigh back": "thigh_back",
    "posterior thigh": "thigh_back",
    "outer front thigh": "thigh_outer_front",
    "thigh outer front": "thigh_outer_front",
    "outer back thigh": "thigh_outer_back",
    "thigh outer back": "thigh_outer_back",
    "it band": "thigh_lateral",
    "itb": "thigh_lateral",
    "it-band": "thigh_lateral",
    "iliotibial band": "thigh_lateral",
    "iliotibial": "thigh_lateral",
    "lateral thigh": "thigh_lateral",
    "thigh lateral": "thigh_lateral",
    "side of thigh": "thigh_lateral",
    "adductors": "thigh_inner",
    "adductor": "thigh_inner",
    "inner thigh": "thigh_inner",
    "thigh inner": "thigh_inner",
    "calves": "calf",
    "lower leg": "calf",
    "glutes": "hip",
    "glute": "hip",
    "gluteus": "hip",
    "buttocks": "hip",
    "buttock": "hip",
    "hips": "hip",
    "": "unspecified",
}

#: Right-thigh clock hour -> region. Left-thigh hour h reads as right-thigh hour 12 - h.
RIGHT_THIGH_CLOCK: dict[int, str] = {
    11: "thigh_front", 12: "thigh_front", 1: "thigh_front",
    2: "thigh_outer_front",
    3: "thigh_lateral",
    4: "thigh_outer_back",
    5: "thigh_back", 6: "thigh_back", 7: "thigh_back",
    8: "thigh_inner", 9: "thigh_inner", 10: "thigh_inner",
}

SIDE_ALIASES: dict[str, str] = {
    "left": "left", "l": "left", "lt": "left",
    "right": "right", "r": "right", "rt": "right",
    "both": "both", "b": "both", "bilateral": "both", "left and right": "both",
}

_SPACES = re.compile(r"[\s_]+")


def normalise_label(labels: pd.Series) -> pd.Series:
    """Lower-case labels and fold underscores and runs of white space into one space.

    >>> normalise_label(pd.Series(["  IT_Band ", "Front  Thigh"])).tolist()
    ['it band', 'front thigh']
    """
    text = labels.astype("string").fillna("")
    return text.str.strip().str.lower().str.replace(_SPACES, " ", regex=True)


def canonical_side(sides: pd.Series) -> pd.Series:
    """Map side labels onto ``left``, ``right``, ``both``; empty is NA, unknown text is NA too.

    Returns a pair-free Series of strings; callers decide whether unknown text is an error
    by comparing with :func:`normalise_label` of the input.

    >>> canonical_side(pd.Series(["L", "Right", None])).tolist()
    ['left', 'right', <NA>]
    """
    key = normalise_label(sides)
    return key.map(SIDE_ALIASES).astype("string")


def clock_region(side: pd.Series, clock: pd.Series) -> pd.Series:
    """Region of a thigh clock position, mirrored for the left leg.

    ``side`` holds canonical sides (``left``/``right``/NA), ``clock`` whole hours 1-12 (NA where
    none). The result is NA where the hour is missing, out of range, or ambiguous (no side, or
    ``both``, and an hour other than the symmetric 12 and 6).

    >>> clock_region(pd.Series(["right", "left", None]), pd.Series([3, 3, 12])).tolist()
    ['thigh_lateral', 'thigh_inner', 'thigh_front']
    """
    hour = pd.to_numeric(clock, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    valid = np.isin(hour, np.arange(1, 13))
    hour_i = np.where(valid, hour, 12).astype(int)
    mirrored = np.where(hour_i == 12, 12, 12 - hour_i)
    lookup = np.array([""] + [RIGHT_THIGH_CLOCK[h] for h in range(1, 13)], dtype=object)
    side_arr = side.astype("string").fillna("").to_numpy(dtype=object)
    right = lookup[hour_i]
    left = lookup[mirrored]
    out = np.where(side_arr == "left", left, right)
    # docs/rules.md: without a side only the symmetric positions (12 and 6) can be read
    ambiguous = (side_arr != "left") & (side_arr != "right") & ~np.isin(hour_i, (6, 12))
    out = np.where(valid & ~ambiguous, out, None)
    return pd.Series(out, index=side.index, dtype="string")

"""The kinds of subject the synthetic generator knows, as tables of traits.

Each archetype is a handful of numbers (ranges are drawn uniformly per subject) that the
generator in :mod:`rollstats.datasets.synthetic` turns into nights, sessions and segments.
Nothing here is a rule of the program: these are behaviours, the analytics decide what they mean.
"""
from __future__ import annotations

import numpy as np

#: Archetype -> one line for people (the sample README and the ``archetypes`` attribute).
DESCRIPTIONS: dict[str, str] = {
    "adherent": "rolls most nights, about 60-180 s over several regions",
    "lapsing": "rolls well for the first weeks, then stops or rolls rarely",
    "progressing": "rolls nightly until past 5 minutes in total, then 2-3 nights a week",
    "never_starting": "only strengthening, or one very short rolling segment (under 60 s)",
    "lateral_thigh": "spends much of the thigh time on the side of the thigh (IT band, clock 3 right / 9 left)",
    "too_fast": "logs holds on tender spots, but each hold lasts under 5 s on average",
    "narrow": "rolls only one or two regions",
    "traveller": "rolls regularly, with a trip of a few weeks in another UTC offset",
    "patient": "progresses, then keeps up 2-3 nights a week with two missed weeks; some IT band time",
}

#: How often each archetype appears in a default cohort (``patient`` is for single files only).
DEFAULT_MIX: dict[str, float] = {
    "adherent": 0.22, "lapsing": 0.15, "progressing": 0.15, "never_starting": 0.08,
    "lateral_thigh": 0.10, "too_fast": 0.10, "narrow": 0.10, "traveller": 0.10,
}

# schedule: 0 steady (nightly with probability p_active), 1 lapsing, 2 progressing, 3 never
STEADY, LAPSING, PROGRESSING, NEVER = 0, 1, 2, 3
# regions: 0 broad, 1 lateral habit, 2 narrow
BROAD, LATERAL, NARROW = 0, 1, 2

_D = dict(schedule=STEADY, p_active=(0.8, 0.92), total_s=(60, 180), short_night=0.10,
          regions=BROAD, lateral_share=(0.0, 0.0), holds=0.4, hold_mean_s=(7, 15),
          strength=(0.15, 0.45), symptom=(0.0, 0.05), pain_log=0.3, travel=0,
          missed_weeks=0, stagger=1, lapse_night=(0, 0), p_late=(0.0, 0.0))

#: Archetype -> traits. Ranges (lo, hi) are drawn per subject; fractions are probabilities.
TRAITS: dict[str, dict] = {
    "adherent": {**_D, "p_active": (0.82, 0.95), "strength": (0.3, 0.6)},
    "lapsing": {**_D, "schedule": LAPSING, "p_active": (0.75, 0.9), "total_s": (50, 150),
                "lapse_night": (14, 35), "p_late": (0.0, 0.12), "strength": (0.1, 0.4)},
    "progressing": {**_D, "schedule": PROGRESSING, "p_active": (0.9, 0.98), "total_s": (60, 130),
                    "short_night": 0.06, "strength": (0.25, 0.5)},
    "never_starting": {**_D, "schedule": NEVER, "p_active": (0.0, 0.0), "strength": (0.2, 0.5),
                       "symptom": (0.0, 0.0), "holds": 0.0, "pain_log": 0.0},
    "lateral_thigh": {**_D, "p_active": (0.6, 0.85), "regions": LATERAL,
                      "lateral_share": (0.35, 0.6)},
    "too_fast": {**_D, "p_active": (0.7, 0.9), "holds": 1.0, "hold_mean_s": (1.5, 4.0)},
    "narrow": {**_D, "p_active": (0.6, 0.9), "regions": NARROW},
    "traveller": {**_D, "p_active": (0.7, 0.9), "travel": 1},
    "patient": {**_D, "schedule": PROGRESSING, "p_active": (0.85, 0.9), "total_s": (55, 75),
                "short_night": 0.12, "regions": LATERAL, "lateral_share": (0.2, 0.3),
                "holds": 1.0, "symptom": (0.06, 0.1), "pain_log": 1.0, "strength": (0.15, 0.3),
                "missed_weeks": 2, "stagger": 0},
}
NAMES: tuple[str, ...] = tuple(TRAITS)


def assign(n_subjects: int, rng: np.random.Generator, mix: dict[str, float] | None = None) -> np.ndarray:
    """Archetype codes (indexes into :data:`NAMES`) for ``n_subjects``, in random order.

    Counts follow ``mix`` by largest remainder; with at least as many subjects as archetypes
    in the mix, every archetype appears at least once.

    >>> codes = assign(30, np.random.default_rng(0))
    >>> sorted({NAMES[c] for c in codes}) == sorted(DEFAULT_MIX)
    True
    """
    mix = mix or DEFAULT_MIX
    names = list(mix)
    weights = np.array([mix[k] for k in names], dtype=float)
    weights /= weights.sum()
    floor = np.ones(len(names), dtype=np.int64) if n_subjects >= len(names) else np.zeros(len(names), np.int64)
    share = (n_subjects - floor.sum()) * weights
    counts = floor + np.floor(share).astype(np.int64)
    rest = n_subjects - counts.sum()
    if rest:
        # largest remainder, ties broken at random so small cohorts vary with the seed
        order = np.lexsort((rng.random(len(names)), -(share - np.floor(share))))
        counts[order[:rest]] += 1
    codes = np.repeat([NAMES.index(k) for k in names], counts)
    return rng.permutation(codes)


def draw(codes: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per-subject trait values: ranges drawn uniformly, fixed values copied.

    >>> t = draw(np.array([NAMES.index("too_fast")]), np.random.default_rng(1))
    >>> bool(t["hold_mean_s"][0] < 5), int(t["holds"][0])
    (True, 1)
    """
    out: dict[str, np.ndarray] = {}
    for trait in _D:  # one loop per trait, never per subject
        values = [TRAITS[name][trait] for name in NAMES]
        if isinstance(values[0], tuple):
            lo = np.array([v[0] for v in values], dtype=float)[codes]
            hi = np.array([v[1] for v in values], dtype=float)[codes]
            out[trait] = lo + (hi - lo) * rng.random(len(codes))
        else:
            out[trait] = np.array(values)[codes]
    return out


def region_weights(t: dict, rng: np.random.Generator) -> np.ndarray:
    """Per-subject probabilities of the eight rolling regions, from the ``regions`` trait.

    Order: front, back, outer front, outer back, lateral, inner thigh, calf, hip. Broad
    subjects spread over all (a few put 2-8 % on the lateral line), lateral-habit subjects
    put ``lateral_share`` there, narrow subjects use one or two regions.

    >>> w = region_weights(draw(np.array([NAMES.index("narrow")]), np.random.default_rng(0)),
    ...                    np.random.default_rng(0))
    >>> int((w > 0).sum()) <= 2, float(w.sum().round(6))
    (True, 1.0)
    """
    n = len(t["regions"])
    base = np.array([1.0, 1.0, 0.3, 0.3, 0.1, 0.6, 1.0, 0.9])
    w = rng.gamma(4.0 * base, size=(n, len(base)))
    # most people keep off the side of the thigh; some spend a little time there
    lateral = t["regions"] == LATERAL
    some = np.where(rng.random(n) < 0.4, rng.uniform(0.02, 0.08, n), 0.0)
    share = np.where(lateral, t["lateral_share"], some)[:, None]
    w[:, 4] = 0.0
    w /= w.sum(axis=1, keepdims=True)
    w = np.where(np.arange(len(base)) == 4, share, w * (1 - share))
    # narrow: one or two of front, back, calf, hip, inner
    keep = np.zeros_like(w, dtype=bool)
    options = np.array([0, 1, 6, 7, 5])
    first = rng.permuted(np.tile(options, (n, 1)), axis=1)
    keep[np.arange(n), first[:, 0]] = True
    keep[np.arange(n), first[:, 1]] = rng.random(n) < 0.5
    narrow = np.where(keep, rng.uniform(0.3, 1.0, w.shape), 0.0)
    narrow /= narrow.sum(axis=1, keepdims=True)
    return np.where((t["regions"] == NARROW)[:, None], narrow, w)

"""A seeded generator of synthetic cohorts in the native export columns.

The generator works in three layers, each on whole numpy arrays (no loop per row, night or
subject): a **night plan** (subjects x nights: who rolls, strengthens or has symptoms that night,
for how long and at what time), **sessions** (one per planned activity), and **segments**
(each session split into 1-8 stretches of 15-120 s, or 1-3 strengthening exercises).
Behaviours come from the archetypes in :mod:`rollstats.datasets.archetypes`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..times import known_zone
from . import archetypes as arch
from .render import LABELS, OTHER, ROLL_REGIONS, fixed_text, iso_text, localize, region_labels, wall_in

#: The columns of a generated table, in order (the native export columns, without end and tz).
COLUMNS: tuple[str, ...] = ("subject_id", "start", "duration_s", "region", "side", "clock", "activity",
                            "trigger", "hold_count", "hold_s", "pain_before", "pain_after", "notes")
HOME_ZONES: dict[str, float] = {"Europe/Berlin": 0.85, "Europe/London": 0.15}
TRIP_ZONES: dict[str, float] = {"Asia/Tokyo": 0.5, "America/New_York": 0.3, "Asia/Singapore": 0.2}
NOTES: tuple[str, ...] = ("felt tight", "after a long run", "sore, but better after", "short on time",
                          "knee ached on the stairs", "tight after the drive, left side worse",
                          "lateral knee pain", "did it before bed", "jet lag")
_ROUTINE, _SYMPTOM, _STRENGTH = 0, 1, 2
_H = 3600


def generate_cohort(n_subjects: int = 30, n_nights: int = 120, seed: int = 0, start="2026-01-05",
                    tz_naive: str | None = None, *, archetypes=None, id_prefix: str = "S") -> pd.DataFrame:
    """A synthetic cohort of foam-rolling logs, one row per segment, in native export columns.

    ``n_subjects`` are followed over ``n_nights`` nights from the night of ``start`` (a date);
    most enrol within the first two weeks. ``duration_s`` and ``hold_s`` are seconds, ``start``
    is ISO 8601 local wall-clock text with its UTC offset (``2026-01-05T21:30:12+01:00``), or,
    with ``tz_naive="Europe/Berlin"`` (any IANA zone), the wall clock in that zone without an
    offset (then every subject lives in that zone). ``archetypes`` (a list of names from
    ``rollstats.datasets.archetypes.NAMES``, one per subject) replaces the seeded mix.
    The same arguments always give the same table. The subjects' archetypes are in
    ``frame.attrs["archetypes"]`` (subject_id -> name).

    Rows are sorted by subject and local time. ``subject_id`` and ``start`` are text;
    ``region``, ``side``, ``activity``, ``trigger`` and ``notes`` are categoricals; ``clock``,
    ``hold_count`` and the 0-10 pains are nullable integers, ``hold_s`` a nullable float
    (empty where not logged). In ``tz_naive`` mode a segment whose wall clock would fall in a
    DST gap or fold of that zone is left out, since a naive export cannot say when it was.
    Vectorised: about a million segments a second.

    >>> df = generate_cohort(n_subjects=3, n_nights=14, seed=1)
    >>> list(df.columns[:4]), bool((df["duration_s"] > 0).all())
    (['subject_id', 'start', 'duration_s', 'region'], True)
    >>> df.equals(generate_cohort(n_subjects=3, n_nights=14, seed=1))
    True
    """
    unknown = sorted(set(() if archetypes is None else archetypes) - set(arch.NAMES))
    if unknown:
        raise ValueError(f"unknown archetype {unknown[0]!r}; known: {', '.join(arch.NAMES)}")
    if tz_naive is not None and not known_zone(tz_naive):
        raise ValueError(f"unknown time zone {tz_naive!r}: give an IANA name such as Europe/Berlin")
    n_subjects = n_subjects if archetypes is None else len(archetypes)
    if n_subjects < 1 or n_nights < 1:
        raise ValueError("a cohort needs at least one subject and one night")
    rng = np.random.default_rng(seed)
    if archetypes is None:
        codes = arch.assign(n_subjects, rng)
    else:
        codes = np.array([arch.NAMES.index(a) for a in archetypes], dtype=np.int64)
    traits = arch.draw(codes, rng)
    zones = list(HOME_ZONES) + list(TRIP_ZONES)
    if tz_naive is not None and tz_naive not in zones:
        zones.append(tz_naive)
    subjects = _subjects(traits, n_nights, zones, tz_naive, rng)
    day0 = (pd.Timestamp(start).normalize() - pd.Timestamp(0)).days
    plan = _plan(traits, subjects, n_nights, day0, rng)
    seg = _segments(plan, subjects, day0, rng)
    ids = _ids(n_subjects, id_prefix)
    frame = _frame(seg, subjects, zones, tz_naive, ids, rng)
    frame.attrs["archetypes"] = dict(zip(ids, np.array(arch.NAMES)[codes].tolist()))
    return frame


def _ids(n: int, prefix: str) -> list[str]:
    """Subject ids of one width: S01...S30, or S00001... for bigger cohorts."""
    digits = np.char.zfill(np.arange(1, n + 1).astype(str), len(str(n)))
    return np.char.add(prefix, digits).tolist()


def _pick(options: dict[str, float], n: int, rng: np.random.Generator) -> np.ndarray:
    p = np.array(list(options.values()))
    return rng.choice(len(p), size=n, p=p / p.sum())


def _subjects(t: dict, n_nights: int, zones: list[str], tz_naive, rng: np.random.Generator) -> dict:
    """Per-subject habits: enrolment, home and trip zone, time of day, labels, holds, pain."""
    n = len(t["schedule"])
    s = {"n": n, "traits": t}
    s["enrol"] = t["stagger"] * rng.integers(0, min(14, n_nights // 8) + 1, n)
    home = _pick(HOME_ZONES, n, rng) if tz_naive is None else np.full(n, zones.index(tz_naive))
    s["home"] = home
    s["trip_zone"] = len(HOME_ZONES) + _pick(TRIP_ZONES, n, rng)
    s["trip_start"] = (rng.uniform(0.3, 0.55, n) * n_nights).astype(np.int64)
    s["trip_end"] = np.where(t["travel"] == 1, s["trip_start"] + rng.integers(14, 29, n), -1)
    # habit: 0 evening, 1 late (23:00-00:40, so the 04:00 night boundary matters), 2 morning
    habit = rng.choice(3, size=n, p=[0.72, 0.12, 0.16])
    mu = np.choose(habit, [rng.uniform(19.5, 22.25, n), rng.uniform(23.0, 23.9, n), rng.uniform(6.5, 7.75, n)])
    s["habit"], s["tod_mu"], s["tod_sd"] = habit, mu * _H, rng.uniform(0.25, 0.75, n) * _H
    s["tod_lo"] = np.choose(habit, [18.75, 22.5, 6.0]) * _H
    s["tod_hi"] = np.choose(habit, [23.99, 24.66, 9.0]) * _H
    s["style"] = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])  # region labels: names, clock, mixed
    s["variant"] = rng.integers(0, 3, n)
    s["strength_other"] = rng.random(n) < 0.5  # strengthening rows say region "other", else blank
    s["holds"] = rng.random(n) < t["holds"]
    s["pain"] = rng.random(n) < t["pain_log"]
    s["weights"] = arch.region_weights(t, rng)
    return s


def _plan(t: dict, s: dict, n_nights: int, day0: int, rng: np.random.Generator) -> dict:
    """The subjects x nights plan: masks of routine, symptom and strengthening sessions."""
    n, shape = s["n"], (s["n"], n_nights)
    night = np.broadcast_to(np.arange(n_nights), shape)
    since = night - s["enrol"][:, None]
    present = since >= 0
    for g in range(int(t["missed_weeks"].max(initial=0))):  # at most two gaps, not per row
        lo, hi = (0.3, 0.45) if g == 0 else (0.6, 0.8)
        gap0 = s["enrol"] + (rng.uniform(lo, hi, n) * (n_nights - s["enrol"])).astype(np.int64)
        gap = (night >= gap0[:, None]) & (night < (gap0 + rng.integers(7, 11, n))[:, None])
        present &= ~(gap & (t["missed_weeks"] > g)[:, None])
    lapsed = (t["schedule"] == arch.LAPSING)[:, None] & (since >= t["lapse_night"][:, None].astype(np.int64))
    trip = (night >= s["trip_start"][:, None]) & (night < s["trip_end"][:, None])
    weekend = np.isin((day0 + night + 3) % 7, (4, 5))  # Friday and Saturday nights (1 Jan 1970: Thu)
    p = np.where(lapsed, t["p_late"][:, None], t["p_active"][:, None]) * np.where(weekend, 0.85, 1.0)
    p = p * np.where(trip, 0.75, 1.0)
    slack = np.where(lapsed, 0.3, 1.0)
    routine = present & (rng.random(shape) < p)
    short = rng.random(shape) < t["short_night"][:, None]
    # a night's rolling: around the subject's typical total, never under 60 s unless short
    usual = np.maximum(t["total_s"][:, None] * rng.uniform(0.8, 1.25, shape), rng.uniform(61, 70, shape))
    total = np.where(short, rng.uniform(20, 59, shape), usual)
    symptom = present & (rng.random(shape) < t["symptom"][:, None] * slack)
    sym_total = rng.uniform(30, 120, shape)
    strength = present & (rng.random(shape) < t["strength"][:, None] * slack)

    never = t["schedule"] == arch.NEVER
    routine &= ~never[:, None]
    # never-starting: half of them try once, one short segment within their first two weeks
    once = never & (rng.random(n) < 0.5)
    tried = s["enrol"] + rng.integers(0, 14, n)
    pick = once[:, None] & (night == np.minimum(tried, n_nights - 1)[:, None])
    routine |= pick
    total = np.where(pick, rng.uniform(15, 45, shape), total)

    # progressing: nightly until the running total passes 300 s, then 2-3 nights a week
    prog = t["schedule"] == arch.PROGRESSING
    cum = np.cumsum(np.where(routine, total, 0) + np.where(symptom, sym_total, 0), axis=1)
    reached = cum >= 300
    p_night = np.where(reached.any(axis=1) & prog, reached.argmax(axis=1), n_nights)
    after = night - p_night[:, None] - 1
    windows = n_nights // 7 + 2
    rank = np.argsort(np.argsort(rng.random((n, windows, 7)), axis=2), axis=2)
    quota = rng.choice([1, 2, 3, 4], size=(n, windows), p=[0.08, 0.45, 0.4, 0.07])
    w = np.clip(after // 7, 0, windows - 1)
    rows = np.arange(n)[:, None]
    keep = rank[rows, w, np.clip(after, 0, None) % 7] < quota[rows, w]
    routine = np.where(after >= 0, present & keep, routine)

    # time of day: the subject's habit give or take, folded back into the habit's hours
    lo, hi = s["tod_lo"][:, None], s["tod_hi"][:, None]
    tod = s["tod_mu"][:, None] + s["tod_sd"][:, None] * rng.standard_normal(shape)
    tod = np.where(tod < lo, 2 * lo - tod, tod)
    tod = np.clip(np.where(tod > hi, 2 * hi - tod, tod), lo, hi)
    return {"routine": routine, "symptom": symptom, "strength": strength,
            "total": np.round(total), "sym_total": np.round(sym_total), "tod": np.round(tod),
            "trip": trip}


# order of a night's sessions: evening people have symptoms in the afternoon, then strengthen
# and roll; morning people strengthen and roll first. Rows: evening/late, morning.
_RANK = np.array([[2, 0, 1], [1, 2, 0]])


def _segments(plan: dict, s: dict, day0: int, rng: np.random.Generator) -> dict:
    """Sessions from the plan, then their segments, with wall-clock start seconds since 1970."""
    parts = [np.nonzero(plan[k]) for k in ("routine", "symptom", "strength")]
    subj = np.concatenate([p[0] for p in parts])
    night = np.concatenate([p[1] for p in parts])
    kind = np.repeat([_ROUTINE, _SYMPTOM, _STRENGTH], [len(p[0]) for p in parts])
    total = np.concatenate([plan["total"][parts[0]], plan["sym_total"][parts[1]], np.zeros(len(parts[2][0]))])
    order = np.lexsort((_RANK[(s["habit"][subj] == 2).astype(np.int64), kind], night, subj))
    subj, night, kind, total = subj[order], night[order], kind[order], total[order]
    tod = plan["tod"][subj, night]
    n_sess = len(subj)

    rolling = kind != _STRENGTH
    lo = np.ceil(total / 70)
    hi = np.maximum(lo, np.minimum(8, np.floor(total / 25)))
    count = np.where(rolling, lo + np.floor(rng.random(n_sess) * (hi - lo + 1)), rng.integers(1, 4, n_sess))
    count = np.maximum(count, 1).astype(np.int64)
    sess = np.repeat(np.arange(n_sess), count)
    first = np.cumsum(count) - count
    last = first + count - 1
    m = len(sess)
    pos = np.arange(m) - first[sess]
    roll = rolling[sess]

    # split each rolling total exactly into pieces of 15-120 s (weights 0.8-1.2, T/n in 25-70)
    w = rng.uniform(0.8, 1.2, m)
    cw = np.cumsum(w)
    base = cw[first] - w[first]
    edge = np.round(total[sess] * (cw - base[sess]) / (cw[last] - base)[sess])
    prev = np.where(pos == 0, 0, np.concatenate(([0.0], edge[:-1])))
    duration = np.where(roll, edge - prev, rng.integers(60, 601, m)).astype(np.int64)
    step = duration + np.where(roll, rng.integers(3, 16, m), rng.integers(20, 91, m))
    cs = np.cumsum(step)
    offset = cs - step - (cs[first] - step[first])[sess]
    span = offset[last] + duration[last]
    start = np.where(kind == _ROUTINE, tod,
                     np.where(kind == _SYMPTOM, np.round(rng.uniform(11, 17.5, n_sess) * _H),
                              tod - span - rng.integers(60, 181, n_sess))).astype(np.int64)
    seg_subj = subj[sess]
    seg_night = night[sess]
    wall = (day0 + seg_night) * 86400 + start[sess] + offset

    # regions: one per pair of segments (right then left, or the other way round)
    cdf = np.cumsum(s["weights"], axis=1)
    cdf[:, -1] = 1.0
    flat = (cdf + np.arange(s["n"])[:, None]).ravel()
    k = np.searchsorted(flat, seg_subj + rng.random(m), side="right") - seg_subj * len(ROLL_REGIONS)
    k = np.minimum(k, len(ROLL_REGIONS) - 1)[np.arange(m) - pos % 2]
    left = (rng.random(n_sess) < 0.5)[sess] ^ (pos % 2 == 1)
    label, clock = region_labels(k, s["style"][seg_subj], s["variant"][seg_subj], left, rng)
    strength_label = np.where(s["strength_other"][seg_subj], OTHER, -1)
    return {"subj": seg_subj, "night": seg_night, "wall": wall, "duration": duration, "roll": roll,
            "label": np.where(roll, label, strength_label), "clock": np.where(roll, clock, 0),
            "side": np.where(roll, left.astype(np.int64), -1), "kind": kind[sess], "sess": sess,
            "pos": pos, "n_sess": n_sess, "trip": plan["trip"][seg_subj, seg_night]}


def _frame(seg: dict, s: dict, zones: list[str], tz_naive, ids: list[str],
           rng: np.random.Generator) -> pd.DataFrame:
    """The native table: times in zones as text, holds, pain and notes, in subject-time order."""
    subj, m, n_sess = seg["subj"], len(seg["subj"]), seg["n_sess"]
    t = s["traits"]
    zone = np.where(seg["trip"], s["trip_zone"][subj], s["home"][subj])
    utc, ok = localize(seg["wall"], zone, zones)

    # holds on tender spots: total seconds stays well inside the segment (<= 80 %)
    mean = t["hold_mean_s"][subj]
    cap = np.floor(0.8 * seg["duration"] / (1.2 * mean))
    holds = np.minimum(rng.integers(0, 5, m), cap)
    hold_s = np.round(holds * mean * rng.uniform(0.8, 1.2, m), 1)
    logged = seg["roll"] & s["holds"][subj]

    sess_kind = np.zeros(n_sess, dtype=np.int64)
    sess_kind[seg["sess"]] = seg["kind"]
    symptom = sess_kind == _SYMPTOM
    before = np.where(symptom, rng.integers(3, 9, n_sess), rng.integers(0, 4, n_sess))
    after = np.maximum(before - np.where(symptom, rng.integers(1, 4, n_sess), rng.integers(0, 2, n_sess)), 0)
    pain = np.where(seg["kind"] == _SYMPTOM, True, (seg["kind"] == _ROUTINE) & s["pain"][subj])

    # a note now and then, on the first segment of a session; "jet lag" only while away
    note = np.where(rng.random(n_sess) < 0.04, rng.integers(0, len(NOTES) - 1, n_sess), -1)[seg["sess"]]
    note = np.where(seg["trip"] & (note >= 0) & (rng.random(m) < 0.5), len(NOTES) - 1, note)
    note = np.where(seg["pos"] == 0, note, -1)

    if tz_naive is None:
        wall, offset = seg["wall"], (seg["wall"] - utc) // 60
    else:
        wall, same = wall_in(utc, tz_naive)
        ok &= same
        offset = None
    # rows whose wall clock falls in a DST gap or fold are left out: no export could say when
    ok = slice(None) if ok.all() else ok
    text = iso_text(wall[ok], None if offset is None else offset[ok])

    def cat(codes, categories):
        return pd.Categorical.from_codes(np.asarray(codes)[ok], categories=list(categories))

    def nullable(values, present, dtype):
        kind = pd.arrays.IntegerArray if dtype == "Int64" else pd.arrays.FloatingArray
        return kind(values[ok].astype(dtype.lower()), ~present[ok])

    columns = {
        "subject_id": fixed_text(ids, subj[ok]),
        "start": text,
        "duration_s": seg["duration"][ok],
        "region": cat(seg["label"], LABELS),
        "side": cat(seg["side"], ("right", "left")),
        "clock": nullable(seg["clock"], seg["clock"] > 0, "Int64"),
        "activity": cat(np.where(seg["roll"], 0, 1), ("rolling", "strengthening")),
        "trigger": cat((seg["kind"] == _SYMPTOM).astype(np.int64), ("routine", "symptom")),
        "hold_count": nullable(holds.astype(np.int64), logged, "Int64"),
        "hold_s": nullable(hold_s, logged, "Float64"),
        "pain_before": nullable(before[seg["sess"]], pain, "Int64"),
        "pain_after": nullable(after[seg["sess"]], pain, "Int64"),
        "notes": cat(note, NOTES),
    }
    return pd.DataFrame(columns, copy=False)

"""The audit table, worked by hand.

s1  3 Mar: 45 s quads with 4 holds / 12 s (mean 3 s: too fast)      -> 45 s, short by 15
    4 Mar: 45 s quads + 30 s IT band (lateral)                       -> 75 s, meets
    5 Mar: 200 s calves                                              -> cumulative 45+75+200 = 320
           -> progression night 5 Mar
    6 Mar: nothing                                                    -> 0 s, short by 60
    maintenance W0 6..12 Mar: compliant 7, 9, 12 Mar (60 s each) -> 3 -> met, complete
    (observation ends 12 Mar)
s2  3 Mar: 60 s hip
"""
from __future__ import annotations

import pandas as pd

from rollstats import metrics as M

try:
    from metrics_helpers import N, flag, row, segments
except ImportError:  # pragma: no cover
    from tests.metrics_helpers import N, flag, row, segments


def export():
    return segments([
        row(3, 45, "quads", hold_count=4, hold_s=12),
        row(4, 45, "quads"), row(4, 30, "IT band", side="right", hhmm="21:01"),
        row(5, 200, "calves"),
        row(7, 60), row(9, 60), row(12, 60),
        row(3, 60, "hip", subject_id="s2"),
    ])


def rules(audit, rule, subject="s1"):
    a = audit[(audit["subject_id"] == subject) & (audit["rule"] == rule)]
    return a.sort_values("night").reset_index(drop=True)


def at(audit, rule, night, subject="s1"):
    a = rules(audit, rule, subject)
    a = a[a["night"] == night]
    assert len(a) == 1, f"expected one {rule} row on {night} for {subject}, got {len(a)}"
    return a.iloc[0]


def test_audit_columns():
    a = M.audit(export())
    assert list(a.columns)[:7] == ["subject_id", "night", "rule", "passed", "value", "threshold",
                                   "message"]


def test_daily_minimum_short_night_message():
    r = at(M.audit(export()), "daily_minimum", N(3))
    assert r["message"] == "night of 3 Mar 2026: 45 s on hips and legs, 15 s short of the 60 s minimum"
    assert flag(r["passed"]) is False
    assert r["value"] == 45
    assert r["threshold"] == 60


def test_daily_minimum_met_night_message():
    r = at(M.audit(export()), "daily_minimum", N(4))
    assert r["message"] == "night of 4 Mar 2026: 75 s on hips and legs, meets the 60 s minimum"
    assert flag(r["passed"]) is True
    assert r["value"] == 75
    assert r["threshold"] == 60


def test_daily_minimum_empty_night_message():
    # 6 Mar: nothing logged -> 0 s, 60 s short
    r = at(M.audit(export()), "daily_minimum", N(6))
    assert r["message"] == "night of 6 Mar 2026: 0 s on hips and legs, 60 s short of the 60 s minimum"
    assert flag(r["passed"]) is False
    assert r["value"] == 0


def test_daily_minimum_on_every_night():
    # s1 observed 3..12 Mar -> 10 nights; s2 3..12 Mar -> 10 nights
    a = M.audit(export())
    assert list(rules(a, "daily_minimum")["night"]) == [N(d) for d in range(3, 13)]
    assert len(rules(a, "daily_minimum", "s2")) == 10


def test_progression_row_on_the_progression_night():
    a = M.audit(export())
    p = rules(a, "progression")
    assert list(p["night"]) == [N(5)]
    # s2 never reaches 300 (60 s in all) -> no progression row
    assert len(rules(a, "progression", "s2")) == 0


def test_maintenance_window_row_on_the_last_night_of_each_complete_window():
    # W0 6..12 Mar complete (ends on the last observed night), 3 compliant -> met
    m = rules(M.audit(export()), "maintenance_window")
    assert list(m["night"]) == [N(12)]
    assert flag(m["passed"].iloc[0]) is True


def test_lateral_thigh_rows_on_nights_with_lateral_time():
    lt = rules(M.audit(export()), "lateral_thigh")
    assert list(lt["night"]) == [N(4)]


def test_too_fast_rows_on_nights_with_a_too_fast_session():
    tf = rules(M.audit(export()), "too_fast")
    assert list(tf["night"]) == [N(3)]


def test_subject_filter():
    a = M.audit(export(), subject="s2")
    assert set(a["subject_id"]) == {"s2"}
    assert len(a) > 0
    dm = a[a["rule"] == "daily_minimum"].sort_values("night")
    assert dm["message"].iloc[0] == \
        "night of 3 Mar 2026: 60 s on hips and legs, meets the 60 s minimum"
    # the filter does not change the end of observation (12 Mar, from s1)
    assert dm["night"].max() == N(12)
    b = M.audit(export(), subject="s1")
    assert set(b["subject_id"]) == {"s1"}
    full = M.audit(export())
    assert len(a) + len(b) == len(full)


def test_audit_respects_until():
    a = M.audit(export(), until="2026-03-04")
    assert list(rules(a, "daily_minimum")["night"]) == [N(3), N(4)]
    assert len(rules(a, "progression")) == 0

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
    from metrics_helpers import N, flag, flags, row, segments
except ImportError:  # pragma: no cover
    from tests.metrics_helpers import N, flag, flags, row, segments


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


def test_after_progression_a_night_without_rolling_is_a_rest_night_not_a_failure():
    # 6 Mar: nothing logged, the night after progression (5 Mar) -> maintenance window 1, rest
    r = at(M.audit(export()), "maintenance_night", N(6))
    assert r["message"] == "night of 6 Mar 2026: rest night, no rolling (maintenance window 1)"
    assert flag(r["passed"]) is None
    assert r["value"] == 0
    r = at(M.audit(export()), "maintenance_night", N(7))
    assert r["message"] == "night of 7 Mar 2026: 60 s on hips and legs, a compliant night (maintenance window 1)"
    assert flag(r["passed"]) is True


def test_the_daily_minimum_is_checked_up_to_the_progression_night_only():
    # s1 progresses on 5 Mar: daily rows 3, 4, 5 Mar; 6..12 Mar are maintenance nights.
    # s2 never progresses (60 s in all): a daily row on each of its 10 nights, 3..12 Mar.
    a = M.audit(export())
    assert list(rules(a, "daily_minimum")["night"]) == [N(3), N(4), N(5)]
    assert list(rules(a, "maintenance_night")["night"]) == [N(d) for d in range(6, 13)]
    assert len(rules(a, "daily_minimum", "s2")) == 10
    assert len(rules(a, "maintenance_night", "s2")) == 0


def test_two_compliant_nights_in_every_window_leave_no_failure_in_maintenance():
    # 300 s on 1 Mar: progression night 1 Mar. Windows of 7 nights from 2 Mar: W1 2..8, W2 9..15,
    # W3 16..22 Mar. Two compliant nights (60 s) in W1 and W2, one in W3; observation ends on
    # 22 Mar (the last night logged), so all three windows are complete. 30 s on 11 Mar counts
    # for nothing but fails nothing either.
    rows = [row(1, 300), row(3, 60), row(6, 60), row(9, 60), row(11, 30), row(13, 60), row(22, 60)]
    a = M.audit(segments(rows))
    failed = M.failures(a)
    # all on quads: every check window covers 1 region (narrow, listed after the nights)
    assert failed["rule"].tolist() == ["maintenance_window", "narrow", "narrow", "narrow"]
    assert failed["night"].tolist() == [N(22), N(7), N(14), N(22)]
    assert failed["message"].iloc[0] == ("maintenance window 3 (16 Mar 2026 to 22 Mar 2026): "
                                         "1 of the 2 compliant nights the card asks")
    met = rules(a, "maintenance_window")
    assert flags(met["passed"]) == [True, True, False]
    assert met["message"].iloc[0] == ("maintenance window 1 (2 Mar 2026 to 8 Mar 2026): 2 compliant nights, "
                                      "meets the 2 to 3 the card asks")
    assert at(a, "maintenance_night", N(11))["message"] == (
        "night of 11 Mar 2026: 30 s on hips and legs, under the 60 s of a compliant night: a rest night "
        "(maintenance window 2)")
    assert not (a.loc[a["rule"] == "maintenance_night", "passed"] == False).any()  # noqa: E712


def test_failures_list_missed_windows_before_the_nights():
    # daily phase: 45 s on 3 Mar (short), 300 s on 4 Mar -> progression 4 Mar; window 1 is
    # 5..11 Mar with no compliant night (missed); window 2 12..18 Mar with 2 (met).
    a = M.audit(segments([row(3, 45), row(4, 300), row(12, 60), row(18, 60)]))
    failed = M.failures(a)
    # then the narrow check windows from the first night, 3..9, 10..16 and 17..18 Mar (quads only)
    assert list(zip(failed["rule"], failed["night"])) == [("maintenance_window", N(11)), ("daily_minimum", N(3)),
                                                          ("narrow", N(9)), ("narrow", N(16)), ("narrow", N(18))]
    assert failed["message"].iloc[2] == ("nights 3 Mar 2026 to 9 Mar 2026: rolling covered 1 region, fewer than 3; "
                                         "the card asks for the front, back and sides of the thigh, the calves "
                                         "and the hips")


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

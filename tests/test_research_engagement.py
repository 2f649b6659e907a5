"""Sliding-window adherence, remote-monitoring data days and disengagement alerts, by hand.

Default program: daily.minimum_s = 60; monitoring: alerts at 2 / 14 / 21 nights without
rolling, data-day periods of 30 nights needing 16 nights with rolling.
Nights are counted from 1 Mar 2026 (night 0); every start is 21:00 +01:00.
"""
from __future__ import annotations

import pandas as pd
import pytest

from rollstats import metrics as M
from rollstats.cli import main
from rollstats.io import canonicalise
from rollstats.program import Program

BASE = pd.Timestamp("2026-03-01")


def night(n: int) -> pd.Timestamp:
    return BASE + pd.Timedelta(days=n)


def rows(spec: dict[int, float], subject: str = "s1", **extra) -> list[dict]:
    """Native rows: {night offset: seconds on quads}."""
    return [{"subject_id": subject, "start": f"{night(n).date()}T21:00:00+01:00", "duration_s": s,
             "region": "quads", **extra} for n, s in spec.items()]


def segments(native: list[dict]) -> pd.DataFrame:
    out = canonicalise(pd.DataFrame(native), "test.csv", Program.default())
    assert len(out.rejects) == 0
    return out.segments


def table(native: list[dict], last: int) -> pd.DataFrame:
    """Nights table observed up to night ``last``."""
    return M.nights(segments(native), until=str(night(last).date()))


# --- sliding windows -------------------------------------------------------------------------

def test_rolling_adherence_over_3_night_windows_every_2_nights():
    # nights 0-6, compliant on 0, 1, 3, 6 (night 2 has 59 s: not compliant)
    # window 0 = nights 0-2: 2 of 3; window 1 = nights 2-4: 1 of 3; window 2 = nights 4-6: 1 of 3
    # a 4th window would start on night 6 and is partial (1 night): left out by default
    t = table(rows({0: 60, 1: 60, 2: 59, 3: 60, 6: 90}), last=6)
    got = M.rolling_adherence(t, window=3, step=2)
    assert got["window"].tolist() == [0, 1, 2]
    assert got["first_night"].tolist() == [night(0), night(2), night(4)]
    assert got["last_night"].tolist() == [night(2), night(4), night(6)]
    assert got["compliant_nights"].tolist() == [2, 1, 1]
    assert got["adherence"].tolist() == pytest.approx([2 / 3, 1 / 3, 1 / 3])
    assert got["complete"].all()
    # with partial windows: window 3 = night 6 alone, 1 of 1
    partial = M.rolling_adherence(t, window=3, step=2, partial=True)
    assert partial[["nights", "compliant_nights", "complete"]].values.tolist()[-1] == [1, 1, False]


def test_rolling_adherence_per_subject_and_the_cohort_curve():
    # a: nights 0-6 all compliant -> 7-night window 0: 7/7 = 1
    # b: first night 0, compliant on night 0 only, observed to night 6 -> 1/7
    # b's window starts on its own first night; c (first night 3) has only 4 nights: no window
    native = rows({n: 60 for n in range(7)}, "a") + rows({0: 60}, "b") + rows({3: 60}, "c")
    got = M.rolling_adherence(table(native, last=6), window=7)
    assert got["subject_id"].tolist() == ["a", "b"]
    assert got["adherence"].tolist() == pytest.approx([1.0, 1 / 7])
    cohort = M.cohort_adherence(got)
    # window 0: 2 subjects, mean (1 + 1/7) / 2 = 4/7
    assert cohort[["window", "subjects"]].values.tolist() == [[0, 2]]
    assert cohort["mean_adherence"].iloc[0] == pytest.approx(4 / 7)


@pytest.mark.parametrize("window, step", [(0, 1), (7, 0), (2.5, 1)])
def test_rolling_adherence_refuses_bad_windows(window, step):
    t = table(rows({0: 60}), last=1)
    with pytest.raises(ValueError, match="whole numbers"):
        M.rolling_adherence(t, window=window, step=step)


# --- data days -------------------------------------------------------------------------------

def test_a_period_with_exactly_16_data_days_is_met_and_15_is_not():
    # a: rolling on nights 0-15 (16 nights, 10 s each: short nights count, any rolling is data)
    # b: rolling on nights 0-14 (15 nights); both observed to night 29 = one complete period
    native = rows({n: 10 for n in range(16)}, "a") + rows({n: 10 for n in range(15)}, "b")
    got = M.data_days(table(native, last=29))
    assert got[["subject_id", "period", "nights", "data_days", "complete"]].values.tolist() == [
        ["a", 0, 30, 16, True], ["b", 0, 30, 15, True]]
    assert got["met"].tolist() == [True, False]
    assert got["days_needed"].tolist() == [0, 1]
    assert got["first_night"].tolist() == [night(0)] * 2
    assert got["last_night"].tolist() == [night(29)] * 2


def test_an_open_period_is_unknown_while_16_can_still_be_reached():
    # rolling on nights 0-15 -> period 0 met. Period 1 starts on night 30 (30 nights from the start).
    # a: observed to night 39 -> period 1 has 10 nights, 0 data days, 20 nights left: 0 + 20 >= 16: NA
    # b: observed to night 44 -> 15 nights, 0 data days, 15 left: 0 + 15 < 16 -> already false
    a = M.data_days(table(rows({n: 60 for n in range(16)}), last=39))
    b = M.data_days(table(rows({n: 60 for n in range(16)}), last=44))
    assert a["period"].tolist() == [0, 1]
    assert a["first_night"].iloc[1] == night(30)
    assert a["nights"].tolist() == [30, 10]
    assert a["met"].iloc[0] == True  # noqa: E712 (nullable boolean)
    assert a["met"].iloc[1] is pd.NA
    assert b["met"].iloc[1] == False  # noqa: E712
    assert M.data_days_summary(a).loc["s1"].tolist() == [1, 1, 0]


def test_a_night_with_only_strengthening_is_no_data_day():
    native = rows({0: 60}) + rows({1: 600}, activity="strengthening")
    got = M.data_days(table(native, last=1))
    assert got["data_days"].tolist() == [1]


# --- alerts ----------------------------------------------------------------------------------

def test_a_run_of_exactly_14_nights_is_stalled_and_not_dropped():
    # rolling on night 0 and night 15: nights 1-14 have none = a run of 14 nights
    # low_engagement (2): alert on the run's 2nd night = night 2; stalled (14): its 14th = night 14
    got = M.alerts(table(rows({0: 60, 15: 60}), last=15))
    assert got["level"].tolist() == ["low_engagement", "stalled"]
    assert got["threshold"].tolist() == [2, 14]
    assert got["alert_night"].tolist() == [night(2), night(14)]
    assert got["run_start"].tolist() == [night(1)] * 2
    assert got["run_end"].tolist() == [night(14)] * 2
    assert got["run_nights"].tolist() == [14, 14]
    assert not got["ongoing"].any()


def test_13_nights_is_only_low_engagement_and_21_is_dropped():
    # 13: nights 1-13 without rolling -> low only. 21: nights 1-21 -> low (night 2), stalled
    # (night 14), dropped (night 21); the run goes on to the end of observation (night 21)
    thirteen = M.alerts(table(rows({0: 60, 14: 60}), last=14))
    assert thirteen["level"].tolist() == ["low_engagement"]
    assert thirteen["run_nights"].tolist() == [13]
    dropped = M.alerts(table(rows({0: 60}), last=21))
    assert dropped["level"].tolist() == ["low_engagement", "stalled", "dropped"]
    assert dropped["alert_night"].tolist() == [night(2), night(14), night(21)]
    assert dropped["ongoing"].all()
    current = M.alerts_summary(table(rows({0: 60}), last=21))
    assert current.loc["s1", "current_alert"] == "dropped"
    assert current.loc["s1", "nights_without_rolling"] == 21


def test_one_night_without_rolling_is_no_alert_and_short_rolling_ends_a_run():
    # nights 1 and 3 empty (runs of 1); night 2 has 5 s of rolling: logged, so it ends the run
    got = M.alerts(table(rows({0: 60, 2: 5, 4: 60}), last=4))
    assert len(got) == 0
    summary = M.alerts_summary(table(rows({0: 60, 2: 5, 4: 60}), last=4))
    assert summary.loc["s1", "current_alert"] is pd.NA or pd.isna(summary.loc["s1", "current_alert"])
    assert summary.loc["s1", "nights_without_rolling"] == 0
    assert summary.loc["s1", "longest_run_without_rolling"] == 1


def test_thresholds_come_from_the_program():
    # low at 3 nights: a run of 2 is no alert; a run of 3 is
    program = Program.default().replace(monitoring={"low_engagement_nights": 3})
    two = M.alerts(M.nights(segments(rows({0: 60, 3: 60})), program), program)
    three = M.alerts(M.nights(segments(rows({0: 60, 4: 60})), program), program)
    assert len(two) == 0
    assert three["alert_night"].tolist() == [night(3)]


@pytest.mark.parametrize("change, message", [
    ({"stalled_nights": 21}, "'monitoring.stalled_nights' (21) must be less than 'monitoring.dropped_nights'"),
    ({"low_engagement_nights": 14}, "'monitoring.low_engagement_nights' (14) must be less than"),
    ({"data_days_required": 31}, "'monitoring.data_days_required' (31) is more than"),
])
def test_the_program_refuses_monitoring_settings_out_of_order(change, message):
    from rollstats.program import ProgramError
    with pytest.raises(ProgramError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Program.default().replace(monitoring=change)


# --- summary and command line ----------------------------------------------------------------

def test_the_summary_carries_data_days_and_the_current_alert():
    # rolling on nights 0-15, observed to night 29 by a second subject's last night:
    # 16 data days in the one complete period; nights 16-29 = 14 without rolling -> stalled
    native = rows({n: 60 for n in range(16)}) + rows({29: 60}, "z")
    summary = M.summarize(segments(native)).set_index("subject_id")
    s1 = summary.loc["s1"]
    assert (s1["data_day_periods_complete"], s1["data_day_periods_met"]) == (1, 1)
    assert s1["current_alert"] == "stalled"
    assert s1["nights_without_rolling"] == 14


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.csv"
    pd.DataFrame(rows({0: 60, 1: 60}, "a") + rows({0: 60, 21: 60}, "b")).to_csv(path, index=False)
    return path


def test_cli_alerts_and_datadays(export, capsys):
    # a: rolling nights 0-1, observed to night 21 (b's last night) -> nights 2-21 = 20 without:
    # low (night 3) and stalled (night 15), ongoing. b: nights 1-20 = 20 without, then rolling.
    assert main(["alerts", str(export), "--format", "json", "--current"]) == 0
    import json
    got = json.loads(capsys.readouterr().out)
    assert [(r["subject_id"], r["level"], r["alert_night"]) for r in got] == [
        ("a", "low_engagement", "2026-03-04"), ("a", "stalled", "2026-03-16")]
    assert main(["datadays", str(export), "--subject", "b", "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("subject_id,period,first_night,last_night,nights,data_days")
    assert out[1].startswith("b,0,2026-03-01,2026-03-22,22,2,16,14,False")
    assert main(["alerts", str(export), "--subject", "nobody"]) == 2
    assert "no subject 'nobody'" in capsys.readouterr().err

"""The planning logic of rollstats.plan, worked out by hand from the card's rules.

The reference plan: 60 s on the quads and 60 s on the calves (both legs at once) on Mon, Wed
and Fri from Monday 2 March 2026, at 21:00. Planned nights: 2, 4, 6, 9, 11, 13 ... March.
Cumulative seconds on hips and legs: 120, 240, 360 -> progression on the 3rd planned night,
Friday 6 March (300 s reached). Maintenance from Saturday 7 March in windows of 7 nights
(7-13, 14-20, 21-27 March), each holding 3 planned nights of 120 s -> met; a 4-week plan ends
on Sunday 29 March, inside the 4th window (partial).
"""
from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest

import rollstats
from rollstats.io import canonicalise
from rollstats.plan import (Plan, PlanError, default_plan, load_plan, maintenance_schedule, plan_segments,
                            plan_summary, plan_to_csv, plan_vs_actual, plan_warnings, project, save_plan, to_ics)
from rollstats.plan.files import fold
from rollstats.program import Program

MONDAY = dt.date(2026, 3, 2)
STAMP = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def reference(**changes) -> Plan:
    fields = dict(start=MONDAY, nights=("Mon", "Wed", "Fri"), seconds={"quads": 60, "calves": 60}, hold_s=20,
                  weeks=4)
    fields.update(changes)
    return Plan(**fields)


def dates(values) -> list[str]:
    return [str(pd.Timestamp(v).date()) for v in values]


# ----- the plan and its segments

def test_planned_nights_are_exactly_mon_wed_fri():
    seg = plan_segments(reference(weeks=2))
    assert dates(seg["night"].unique()) == ["2026-03-02", "2026-03-04", "2026-03-06", "2026-03-09",
                                           "2026-03-11", "2026-03-13"]
    first = seg.loc[seg["night"] == pd.Timestamp("2026-03-02")]
    assert first["local_start"].dt.strftime("%H:%M:%S").tolist() == ["21:00:00", "21:01:00"]
    assert first["region"].tolist() == ["thigh_front", "calf"]
    assert first["duration_s"].tolist() == [60.0, 60.0]
    assert first["hold_count"].tolist() == [3, 3] and first["hold_s"].tolist() == [60.0, 60.0]


def test_plan_segments_are_a_canonical_table():
    seg = plan_segments(reference(strengthening=["Tue"]))
    rollstats.validate_segments(seg)
    assert list(seg.columns) == list(rollstats.SEGMENT_COLUMNS)
    assert set(seg["subject_id"]) == {"plan"}
    strength = seg.loc[seg["activity"] == "strengthening"]
    assert dates(strength["night"]) == ["2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24"]
    assert strength["local_start"].dt.strftime("%H:%M").unique().tolist() == ["21:00"]  # no rolling that night


def test_strengthening_follows_the_rolling_on_the_same_night():
    seg = plan_segments(reference(strengthening=["Mon"], weeks=1))
    monday = seg.loc[seg["night"] == pd.Timestamp("2026-03-02")]
    assert monday["activity"].tolist() == ["rolling", "rolling", "strengthening"]
    assert monday["local_start"].dt.strftime("%H:%M").tolist() == ["21:00", "21:01", "21:02"]


def test_csv_of_the_plan_reads_back_through_the_ingest_as_the_same_segments():
    plan = reference(strengthening=["Tue"])
    text = plan_to_csv(plan)
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    back = canonicalise(raw, "plan.csv", Program.default(), tz="UTC")
    assert len(back.rejects) == 0
    ours = plan_segments(plan)
    keys = ["subject_id", "start", "local_start", "night", "duration_s", "region", "side", "activity",
            "hold_count", "hold_s"]
    pd.testing.assert_frame_equal(back.segments[keys], ours[keys])


def test_aliases_sides_and_repeats_are_read():
    plan = Plan(MONDAY, seconds={("calves", "left"): 30, ("calf", "left"): 15, "IT band": 20, "hip": 0})
    assert plan.seconds == (("thigh_lateral", "both", 20.0), ("calf", "left", 45.0))
    assert plan.night_s == 65.0
    assert Plan(MONDAY, nights=[4, "wednesday", "Mon"]).nights == (0, 2, 4)


@pytest.mark.parametrize("fields, words", [
    (dict(nights=["Funday"]), "weekdays"),
    (dict(nights=[7]), "weekdays"),
    (dict(seconds={"back": 60}), "not a region"),
    (dict(seconds={("calf", "middle"): 60}), "side"),
    (dict(seconds={"calf": -5}), "0 or more"),
    (dict(weeks=0), "weeks"),
    (dict(hold_s=-1), "hold_s"),
    (dict(start=None), "first night"),
])
def test_a_plan_that_cannot_be_used_is_refused(fields, words):
    with pytest.raises(PlanError, match=words):
        Plan(**{"start": MONDAY, **fields})


# ----- the projection: the same metrics as a real log

def test_progression_on_the_third_planned_night_the_friday():
    p = project(reference())
    planned = p.nights.loc[p.nights["segments"] > 0]
    assert planned["cumulative_s"].tolist()[:3] == [120.0, 240.0, 360.0]
    assert str(p.progression_night.date()) == "2026-03-06"
    assert p.nights.loc[p.nights["progression"], "night_index"].tolist() == [4]


def test_maintenance_windows_after_progression_are_met():
    w = project(reference()).windows
    assert dates(w["first_night"]) == ["2026-03-07", "2026-03-14", "2026-03-21", "2026-03-28"]
    assert w["compliant_nights"].tolist() == [3, 3, 3, 0]
    assert w["complete"].tolist() == [True, True, True, False]
    assert w["met"].tolist() == [True, True, True, pd.NA]
    assert not w["over_max"].any()
    assert maintenance_schedule(project(reference()))["status"].tolist() == ["met", "met", "met", "partial"]


@pytest.mark.parametrize("hold", [35.0, 7.0, None])
def test_a_new_hold_projected_from_the_last_projection_equals_a_fresh_one(hold):
    """Kept nights and windows, holds planned anew: the same tables a projection from scratch gives
    (60 s segments: holds of 35 s -> 1 hold of 35 s; 7 s -> 8 holds, 56 s; none -> no holds)."""
    first = project(reference(strengthening=["Tue"], maintenance_nights=["Mon", "Thu"]))
    plan = reference(strengthening=["Tue"], maintenance_nights=["Mon", "Thu"], hold_s=hold)
    quick, fresh = project(plan, previous=first), project(plan)
    assert quick.nights is first.nights and quick.plan == plan
    for name in ("segments", "nights", "windows", "checks"):
        pd.testing.assert_frame_equal(getattr(quick, name), getattr(fresh, name))
    rolling = quick.segments.loc[quick.segments["activity"] == "rolling"]
    expected = {35.0: (1, 35.0), 7.0: (8, 56.0)}.get(hold)
    if expected is None:
        assert rolling["hold_count"].isna().all() and rolling["hold_s"].isna().all()
    else:
        assert set(rolling["hold_count"]) == {expected[0]} and set(rolling["hold_s"]) == {expected[1]}


def test_a_projection_of_another_plan_is_not_reused():
    first = project(reference())
    other = project(reference(seconds={"quads": 30, "calves": 30}), previous=first)
    assert other.nights is not first.nights
    assert str(other.progression_night.date()) == "2026-03-11"   # 60 s a night: 300 s on the 5th night
    pd.testing.assert_frame_equal(other.nights, project(reference(seconds={"quads": 30, "calves": 30})).nights)


@pytest.mark.parametrize("start, first_row_s", [("2026-03-02", 120.0), ("2026-03-01", 0.0)])
def test_the_projection_observes_the_plan_from_its_start_to_its_last_night(start, first_row_s):
    """Whether the plan rolls on its first night (Mon 2 Mar) or not (Sun 1 Mar: a night without
    rolling first), the nights run from ``start`` to ``last_night``: the table the plan's window
    as an enrolment gives."""
    plan = reference(start=start, strengthening=["Tue"], maintenance_nights=["Tue", "Sat"])
    p = project(plan)
    assert dates(p.nights["night"].iloc[[0, -1]]) == [start, str(plan.last_night)]
    assert p.nights["rolled_s"].iloc[0] == first_row_s
    window = pd.DataFrame({"subject_id": ["plan"], "start": [start], "end": [str(plan.last_night)]})
    pd.testing.assert_frame_equal(p.nights, rollstats.nights(p.segments, enrolment=window))


def test_maintenance_nights_switch_after_the_projected_progression():
    # every night 120 s: 120, 240, 360 -> progression Wed 4 Mar; then Mon, Wed, Fri only
    p = project(default_plan("2026-03-02"))
    assert str(p.progression_night.date()) == "2026-03-04"
    rolled = p.nights.loc[p.nights["segments"] > 0, "night"]
    assert dates(rolled)[:7] == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-06", "2026-03-09",
                                 "2026-03-11", "2026-03-13"]
    assert p.windows["compliant_nights"].tolist() == [3, 3, 3, 3, 3, 1]  # Thu 5 .. Wed 11 holds 6, 9, 11
    assert plan_warnings(default_plan("2026-03-02")) == []


def test_a_progression_after_the_first_four_weeks_switches_the_nights_there():
    # Mondays only, 70 s: 70, 140, 210, 280 (Mon 23 Mar), 350 on Mon 30 Mar, the 29th night of the
    # plan: the progression night; then Tue and Fri (strengthening on Wednesdays all along)
    plan = reference(nights=["Mon"], seconds={"calves": 70}, weeks=7, maintenance_nights=["Tue", "Fri"],
                     strengthening=["Wed"])
    p = project(plan)
    assert str(p.progression_night.date()) == "2026-03-30"
    rolled = p.nights.loc[p.nights["segments"] > 0, "night"]
    assert dates(rolled) == ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30",
                             "2026-03-31", "2026-04-03", "2026-04-07", "2026-04-10", "2026-04-14", "2026-04-17"]
    assert (p.nights.loc[p.nights["night"].dt.day_of_week == 2, "strengthening_s"] > 0).all()


def test_single_night_mode_is_the_programs_setting_not_the_plans():
    program = Program.default().replace(progression={"mode": "single_night"})
    assert project(reference(), program).progression_night is None
    big = reference(seconds={"quads": 150, "calves": 150})
    assert str(project(big, program).progression_night.date()) == "2026-03-02"


# ----- warnings in plain words

def keeps_the_card(**changes) -> Plan:
    # every night 4 regions x 20 s = 80 s: 80, 160, 240, 320 -> progression Thu 5 Mar
    fields = dict(start=MONDAY, seconds={"quads": 20, "hamstrings": 20, "calves": 20, "glutes": 20}, hold_s=20,
                  strengthening=["Tue"], weeks=4)
    fields.update(changes)
    return Plan(**fields)


def test_a_plan_that_keeps_the_card_has_no_warning():
    assert plan_warnings(keeps_the_card()) == []
    assert str(project(keeps_the_card()).progression_night.date()) == "2026-03-05"


def test_thirty_seconds_a_night_warns_about_the_60_s_minimum():
    warnings = plan_warnings(keeps_the_card(seconds={"quads": 10, "hamstrings": 10, "calves": 10}))
    assert warnings[0] == ("A planned night has 30 s on hips and legs, under the card's minimum of 60 s a night: "
                           "plan at least 60 s.")


def test_it_band_time_warns_about_the_lateral_line():
    warnings = plan_warnings(keeps_the_card(seconds={"quads": 20, "hamstrings": 20, "calves": 20, "IT band": 15}))
    assert len(warnings) == 1 and warnings[0].startswith("The plan puts 15 s a night directly on the side of the thigh")


def test_a_three_second_hold_warns():
    warnings = plan_warnings(keeps_the_card(hold_s=3))
    assert warnings == ["Holds of 3 s on tender spots are too short: the card asks to hold each tender spot at "
                        "least 5 s so the ball can sink in."]


def test_no_strengthening_day_warns():
    warnings = plan_warnings(keeps_the_card(strengthening=()))
    assert len(warnings) == 1 and warnings[0].startswith("No strengthening day is planned")


def test_two_regions_warn_about_narrow_rolling():
    warnings = plan_warnings(keeps_the_card(seconds={"quads": 40, "calves": 40}))
    assert warnings == ["The plan rolls 2 regions (front of the thigh, calves): the card asks for the front, back "
                        "and sides of the thigh, the calves and the hips; plan at least 3 regions."]


def test_gaps_before_progression_too_little_in_maintenance_and_no_progression_warn():
    gaps = plan_warnings(keeps_the_card(nights=("Mon", "Wed", "Fri")))  # 80 s: Mon 2 .. Mon 9 (320 s)
    assert gaps == ["Until progression the card asks for rolling every night: 4 of the 8 nights up to the "
                    "progression night have none planned (Tue, Thu, Sat, Sun)."]
    once = plan_warnings(keeps_the_card(maintenance_nights=["Sun"]))
    assert once == ["After progression the card asks for at least 2 nights of 60 s in every 7 nights: 3 of the "
                    "plan's 3 complete windows have fewer."]
    never = plan_warnings(keeps_the_card(nights=["Mon"], weeks=3))  # 80, 160, 240 < 300
    assert never[-1] == "At 80 s a night the plan does not reach the 300 s that lead to the next stretch within its 3 weeks."
    assert plan_warnings(Plan(MONDAY, nights=()))[0].startswith("No night of the week is chosen")


def test_summary_of_the_reference_plan():
    assert plan_summary(reference(strengthening=["Tue"])).splitlines() == [
        "plan: Mon, Wed, Fri at 21:00 from Mon 2 Mar 2026 to Sun 29 Mar 2026 (4 weeks): 12 nights of 120 s",
        "progression night: Fri 6 Mar 2026, the 3rd planned night (360 s in total, 300 s needed)",
        "maintenance: 3 complete windows of 7 nights from Sat 7 Mar 2026: 3 met, 0 short; 1 partial at the end",
        "warnings: 2"]


# ----- iCalendar (RFC 5545)

def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def events(text: str) -> list[dict[str, str]]:
    """The properties of each VEVENT (those of a component inside it, a VALARM, left out)."""
    out, current, inner = [], None, False
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            out.append(current)
            current = None
        elif line.startswith(("BEGIN:", "END:")) and current is not None:
            inner = line.startswith("BEGIN:")
        elif current is not None and not inner:
            name, _, value = line.partition(":")
            current[name] = value
    return out


def test_ics_has_one_event_per_planned_night_with_the_right_times():
    text = to_ics(reference(weeks=2, strengthening=["Mon"]), stamp=STAMP)
    found = events(text)
    assert [e["DTSTART"] for e in found] == ["20260302T210000", "20260304T210000", "20260306T210000",
                                             "20260309T210000", "20260311T210000", "20260313T210000"]
    # Mondays: 120 s of rolling then 600 s of strengthening -> 21:12; other nights 21:02
    assert [e["DTEND"] for e in found] == ["20260302T211200", "20260304T210200", "20260306T210200",
                                           "20260309T211200", "20260311T210200", "20260313T210200"]
    assert {e["DTSTAMP"] for e in found} == {"20260301T120000Z"}
    assert len({e["UID"] for e in found}) == 6
    assert found[0]["SUMMARY"] == "Foam rolling\\, 120 s + strengthening"
    assert found[2]["SUMMARY"] == "Foam rolling\\, 120 s (progression night)"
    assert "front of the thigh\\, both legs: 60 s\\ncalves\\, both legs: 60 s" in found[1]["DESCRIPTION"]


def test_ics_follows_the_rfc_line_rules():
    card = "Rollen Sie jede Nacht mindestens 60 Sekunden – Oberschenkel, Waden, Hüfte; nicht seitlich. " * 3
    text = to_ics(reference(weeks=1), Program.default().replace(card=card), stamp=STAMP)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    raw = text.encode("utf-8").split(b"\r\n")[:-1]
    assert max(len(line) for line in raw) == 75  # long lines are folded, at 75 octets
    for line in raw:
        line.decode("utf-8")  # no UTF-8 character is cut by a fold
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 3
    for event in events(text):
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= set(event)
        assert "Hüfte\\; nicht seitlich." in event["DESCRIPTION"]


def test_each_event_reminds_at_the_planned_time():
    text = to_ics(reference(weeks=1), stamp=STAMP)
    lines = unfold(text)
    # one alarm per event (3 planned nights), inside it, shown at the event's start with its title
    assert lines.count("BEGIN:VALARM") == lines.count("END:VALARM") == 3
    first = lines.index("BEGIN:VALARM")
    assert lines[first:first + 5] == ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Foam rolling\\, 120 s",
                                      "TRIGGER:PT0M", "END:VALARM"]
    assert lines[first + 5] == "END:VEVENT"
    assert "BEGIN:VALARM" not in to_ics(reference(weeks=1), stamp=STAMP, reminder=False)


def test_fold_counts_octets_and_keeps_characters_whole():
    line = "SUMMARY:" + "ä" * 60  # 8 + 120 octets
    physical = fold(line).split("\r\n")
    # octets 0-7 'SUMMARY:', then 'ä' at 8-9, 10-11 ... 74-75: a cut at 75 would split it -> 74, then " " + 54
    assert [len(p.encode()) for p in physical] == [74, 55]
    assert physical[1].startswith(" ") and "".join(p.removeprefix(" ") for p in physical) == line
    assert fold("X" * 75) == "X" * 75


def test_a_strengthening_day_without_rolling_is_its_own_event():
    found = events(to_ics(reference(weeks=1, strengthening=["Tue"]), stamp=STAMP))
    assert [e["SUMMARY"] for e in found] == ["Foam rolling\\, 120 s", "Strengthening exercises",
                                            "Foam rolling\\, 120 s", "Foam rolling\\, 120 s (progression night)"]


# ----- files

def test_save_and_load_give_the_same_plan(tmp_path):
    plan = default_plan("2026-03-02")
    path = save_plan(plan, tmp_path / "plan.json")
    assert json.loads(path.read_text())["plan"]["nights"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert load_plan(path) == plan


@pytest.mark.parametrize("content, words", [
    ("{not json", "not valid JSON"),
    ('{"format": "something else"}', "not a rollstats plan"),
    ('{"format": "rollstats-plan", "plan": {"start": "2026-03-02", "colour": "red"}}', "unknown field 'colour'"),
    ('{"format": "rollstats-plan", "plan": {"nights": ["Mon"]}}', "'start' is missing"),
])
def test_a_bad_plan_file_is_refused_with_its_name(tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(PlanError, match=words) as info:
        load_plan(path)
    assert str(path) in str(info.value)


def test_plan_to_csv_writes_the_native_format(tmp_path):
    path = tmp_path / "plan.csv"
    text = plan_to_csv(reference(weeks=1), path)
    assert path.read_text() == text
    assert text.splitlines()[:3] == ["subject_id,start,duration_s,region,side,activity,hold_count,hold_s",
                                     "plan,2026-03-02T21:00:00,60,thigh_front,both,rolling,3,60",
                                     "plan,2026-03-02T21:01:00,60,calf,both,rolling,3,60"]
    segments = rollstats.load(path, tz="Europe/Berlin").segments
    assert dates(segments["night"].unique()) == ["2026-03-02", "2026-03-04", "2026-03-06"]


# ----- plan vs actual

LOG = """subject_id,start,duration_s,region,activity
P1,2026-03-02T21:00:00+01:00,60,quads,
P1,2026-03-02T21:01:00+01:00,60,calves,
P1,2026-03-03T19:00:00+01:00,900,,strengthening
P1,2026-03-04T21:00:00+01:00,90,quads,
P1,2026-03-05T21:00:00+01:00,60,quads,
P1,2026-03-07T00:30:00+01:00,150,hamstrings,
P1,2026-03-09T22:00:00+01:00,120,calves,
P1,2026-03-13T21:00:00+01:00,200,glutes,
P2,2026-03-15T21:00:00+01:00,60,quads,
"""


@pytest.fixture
def log(write_text):
    return rollstats.load(write_text("log.csv", LOG)).segments


def test_plan_vs_actual_night_by_night_and_week_by_week(log):
    per_night, per_week = plan_vs_actual(reference(weeks=2), log, subject="P1")
    assert dates(per_night["night"]) == dates(pd.date_range("2026-03-02", "2026-03-15"))
    assert per_night["planned_s"].tolist() == [120, 0, 120, 0, 120, 0, 0, 120, 0, 120, 0, 120, 0, 0]
    # 00:30 on Saturday 7 March is the night of Friday 6 March; strengthening does not count
    assert per_night["actual_s"].tolist() == [120, 0, 90, 60, 150, 0, 0, 120, 0, 0, 0, 200, 0, 0]
    kept = per_night.loc[per_night["planned"], "kept"].tolist()
    assert kept == [True, False, True, True, False, True]
    assert per_night.loc[per_night["extra"], "weekday"].tolist() == ["Thu"]
    assert per_week[["planned_nights", "kept_nights", "extra_nights", "nights"]].values.tolist() == [
        [3, 2, 1, 7], [3, 2, 0, 7]]
    assert per_week["match_rate"].round(4).tolist() == [0.6667, 0.6667]
    assert per_week["complete"].tolist() == [True, True]


def test_plan_vs_actual_stops_at_the_end_of_the_log_or_until(log):
    per_night, per_week = plan_vs_actual(reference(weeks=4), log, subject="P1")
    assert str(per_night["night"].max().date()) == "2026-03-15"  # the log's latest night (P2's)
    per_night, per_week = plan_vs_actual(reference(weeks=4), log, subject="P1", until="2026-03-06")
    assert len(per_night) == 5 and per_week["complete"].tolist() == [False]
    assert per_week["match_rate"].tolist() == [2 / 3]


def test_plan_vs_actual_needs_a_subject_when_the_log_holds_several(log):
    with pytest.raises(PlanError, match="2 subjects"):
        plan_vs_actual(reference(), log)
    with pytest.raises(PlanError, match="no subject 'P9'"):
        plan_vs_actual(reference(), log, subject="P9")


def test_a_time_after_midnight_stays_on_the_planned_night():
    # 00:30 is before the 04:00 day start: Monday night's rolling happens on Tuesday's date
    seg = plan_segments(reference(weeks=1, time="00:30"))
    assert dates(seg["night"].unique()) == ["2026-03-02", "2026-03-04", "2026-03-06"]
    assert seg["local_start"].dt.strftime("%a %H:%M").tolist()[:2] == ["Tue 00:30", "Tue 00:31"]
    assert events(to_ics(reference(weeks=1, time="00:30"), stamp=STAMP))[0]["DTSTART"] == "20260303T003000"

"""The review of one subject (rollstats.views): key figures, mistakes, audit, the one-file report.

The hand-made export (all times 21:00 +01:00, 2026), subject ``s1``:

| night | rolling | s on hips and legs | compliant | cumulative |
|---|---|---|---|---|
| Tue 3 Mar | 45 s quads (right) | 45 | no (15 s short) | 45 |
| Wed 4 Mar | 75 s calves (left), 30 s IT band (right) | 105 | yes | 150 |
| Thu 5 Mar | - | 0 | no | 150 |
| Fri 6 Mar | 60 s hamstrings (both) | 60 | yes | 210 |
| Sat 7 Mar | 100 s glutes | 100 | yes | 310: progression night |
| Sun 8 Mar | - | 0 | no | |
| Mon 9 Mar | 70 s quads, 3 holds of 9 s in all (3 s each: too fast) | 70 | yes | |
| Tue 10 Mar | 20 s quads | 20 | no | |
| Wed 11 Mar | 300 s strengthening | 0 | no | |
| Thu 12 Mar | 65 s calves, a note with a script tag | 65 | yes | |

A second subject, whose id is a script tag, rolls 80 s quads on 5 Mar and 40 s calves on 6 Mar,
with a note holding an image tag. Observation ends on 12 Mar for both (the table's last night).
Check windows of s1: 3-9 Mar (5 regions, no strengthening: standalone) and 10-12 Mar (quads and
calves: 2 regions, narrow; strengthening on the 11th). Maintenance: 8-14 Mar, partial.
Thigh time of s1: 45 + 30 + 60 + 70 + 20 = 225 s, of which 30 s lateral (13%).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rollstats.io import load
from rollstats.views import (key_figure_lines, key_figures, mistakes, night_audit, night_audit_html,
                                      patient_report_html, report_file_name, review, subject_tables, summary_text,
                                      write_patient_report)

HOSTILE = "<script>alert(1)</script>"
NOTE = "<script>alert('x')</script> felt tight"
HOSTILE_NOTE = "<img src=x onerror=alert(2)>"


def _row(day: int, seconds: float, region: str, subject: str = "s1", **extra) -> dict:
    return {"subject_id": subject, "start": f"2026-03-{day:02d}T21:00:00+01:00", "duration_s": seconds,
            "region": region, **extra}


ROWS = [
    _row(3, 45, "quads", side="right"),
    _row(4, 75, "calves", side="left"),
    {**_row(4, 30, "IT band", side="right"), "start": "2026-03-04T21:02:00+01:00"},
    _row(6, 60, "hamstrings", side="both"),
    _row(7, 100, "glutes"),
    _row(9, 70, "quads", hold_count=3, hold_s=9),
    _row(10, 20, "quads"),
    _row(11, 300, "other", activity="strengthening"),
    _row(12, 65, "calves", notes=NOTE),
    _row(5, 80, "quads", subject=HOSTILE, notes=HOSTILE_NOTE),
    _row(6, 40, "calves", subject=HOSTILE),
]


def write_export(folder) -> str:
    """The hand-made export above as a native CSV in ``folder``; returns its path."""
    path = folder / "hand-made.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def segments(tmp_path_factory):
    result = load(write_export(tmp_path_factory.mktemp("export")))
    assert result.report.rows_rejected == 0
    return result.segments


@pytest.fixture(scope="module")
def tables(segments):
    return subject_tables(segments, "s1")


def test_tables_cover_the_whole_observation(tables):
    assert [n.day for n in tables.nights["night"]] == list(range(3, 13))
    assert tables.progression_night == pd.Timestamp("2026-03-07")
    assert tables.exercises_logged


def test_key_figures_over_the_whole_observation_and_a_range(tables):
    k = key_figures(review(tables))
    assert (k["nights"], k["compliant_nights"]) == (10, 5)  # 4, 6, 7, 9, 12
    assert (k["daily_phase_nights"], k["daily_phase_compliant_nights"]) == (5, 3)  # 3-7 Mar: 4, 6, 7
    assert k["longest_streak"] == 2  # 6 and 7 Mar
    assert k["rolled_s"] == 45 + 105 + 60 + 100 + 70 + 20 + 65
    assert k["maintenance_windows_complete"] == 0  # 8-14 Mar is cut by the end of observation
    assert k["lateral_thigh_s"] == 30 and round(k["lateral_thigh_share"], 4) == round(30 / 225, 4)

    k = key_figures(review(tables, "2026-03-06", "2026-03-10"))
    assert (k["nights"], k["compliant_nights"], k["longest_streak"]) == (5, 3, 2)  # 6, 7, 9
    assert (k["daily_phase_nights"], k["daily_phase_compliant_nights"]) == (2, 2)  # 6, 7
    assert k["progression_in_range"] and k["lateral_thigh_s"] == 0
    lines = dict(key_figure_lines(review(tables, "2026-03-08", "2026-03-12")))
    assert lines["Compliant nights (this range)"] == "2 of 5 nights (40%)"  # 9 and 12
    assert lines["Compliant nights (whole observation)"] == "5 of 10 nights (50%)"
    assert lines["Progression night (whole observation)"] == "Sat 7 Mar 2026 (before this range)"
    assert lines["Daily phase (this range)"] == "no night of the daily phase in this range"


def test_seconds_per_region_and_side_of_a_range(tables):
    def rows(first, last):
        t = review(tables, first, last).region_seconds
        assert list(t.columns) == ["subject_id", "region", "side", "seconds"] and set(t["subject_id"]) <= {"s1"}
        return [(r, None if pd.isna(s) else s, v) for r, s, v in zip(t["region"], t["side"], t["seconds"])]

    # 3-9 Mar, regions in the program's order, then sides (none last), as for a cohort
    # (rollstats.metrics.cohort.sum_region_side): the strengthening of the 11th is not rolling
    assert rows("2026-03-03", "2026-03-09") == [
        ("thigh_front", "right", 45.0), ("thigh_front", None, 70.0), ("thigh_back", "both", 60.0),
        ("thigh_lateral", "right", 30.0), ("calf", "left", 75.0), ("hip", None, 100.0)]
    assert rows("2026-03-10", "2026-03-12") == [("thigh_front", None, 20.0), ("calf", None, 65.0)]
    assert rows("2026-03-08", "2026-03-08") == []   # a night of no rolling
    empty = review(tables, "2026-03-08", "2026-03-08").region_seconds
    assert empty["seconds"].dtype == "float64" and empty["region"].dtype == "str"


def test_region_side_sums_leave_out_pairs_of_no_time():
    from rollstats.metrics.cohort import sum_region_side

    rows = pd.DataFrame({"night": pd.to_datetime(["2026-03-03"] * 3 + ["2026-03-04"] * 2),
                         "region": ["hip", "calf", "hip", "calf", "thigh_front"],
                         "side": ["", "left", "", "left", "right"], "seconds": [30.0, 0.0, 15.0, 0.0, 20.0]})
    t = sum_region_side(rows.assign(subject_id="s9"))
    assert t["region"].tolist() == ["thigh_front", "hip"]       # calf left: 0 s in all, left out
    assert t["side"].isna().tolist() == [False, True] and t["seconds"].tolist() == [20.0, 45.0]
    assert set(t["subject_id"]) == {"s9"}


def test_a_range_is_clamped_to_the_observation(tables):
    view = review(tables, dt.date(2026, 2, 1), dt.date(2026, 4, 1))
    assert (view.first, view.last) == (pd.Timestamp("2026-03-03"), pd.Timestamp("2026-03-12"))
    with pytest.raises(ValueError, match="starts"):
        review(tables, "2026-03-09", "2026-03-04")


def test_mistakes_with_the_cards_advice(tables):
    found = {m.flag: m for m in mistakes(review(tables))}
    lateral = found["lateral_thigh"]
    assert lateral.status is True
    assert lateral.finding == "30 s on the side of the thigh (IT band)."
    assert lateral.cost == "on 1 night, 13% of the time on the thighs"
    assert "2 and 4 o'clock positions rather than 3 o'clock" in lateral.advice
    assert found["too_fast"].status is True
    assert found["too_fast"].finding.startswith("1 of 1 session with holds logged averaged under 5 s per hold")
    assert "sinks in" in found["too_fast"].advice
    assert found["standalone"].finding == "1 of 2 weeks (7 nights each) had rolling but no strengthening exercise logged."
    assert found["narrow"].finding == "1 of 2 weeks (7 nights each) covered fewer than 3 regions."

    # 6-8 Mar: no lateral time, no holds, no check window ends in it
    found = {m.flag: m for m in mistakes(review(tables, "2026-03-06", "2026-03-08"))}
    assert [found[f].status for f in ("lateral_thigh", "too_fast", "standalone", "narrow")] == [False, None, None, None]
    assert found["lateral_thigh"].finding == "No rolling on the side of the thigh."
    assert found["too_fast"].finding.startswith("No holds on tender spots logged")


def test_the_audit_of_one_night_in_words(tables):
    rows = night_audit(tables, "2026-03-03")
    assert rows["message"].tolist() == ["night of 3 Mar 2026: 45 s on hips and legs, 15 s short of the 60 s minimum"]
    assert night_audit(tables, dt.date(2026, 3, 7))["rule"].tolist() == ["daily_minimum", "progression"]
    shown = night_audit_html(tables, "2026-03-12")
    # 12 Mar is in maintenance (window 1: 8-14 Mar), judged with its window, not on its own
    assert "night of 12 Mar 2026: 65 s on hips and legs, a compliant night (maintenance window 1)" in shown
    assert night_audit(tables, "2026-03-08")["message"].tolist() == [
        "night of 8 Mar 2026: rest night, no rolling (maintenance window 1)"]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; felt tight" in shown and "<script>" not in shown
    assert "not a night" in night_audit_html(tables, "2026-04-01")


def test_summary_text(tables):
    text = summary_text(review(tables, "2026-03-03", "2026-03-05"))
    lines = text.splitlines()
    assert lines[:3] == ["Subject: s1", "As of Thu 5 Mar 2026", "  Last rolled: Wed 4 Mar 2026, 1 night earlier"]
    assert lines[6:8] == ["In this range: Tue 3 Mar 2026 to Thu 5 Mar 2026 (3 nights)",
                          "  Compliant nights: 1 of 3 nights (33%)"]
    # the mistakes last: seen first with a cross, then those the log cannot tell; 3-5 Mar holds the IT
    # band night (4 Mar: 30 s of 45 + 30 = 75 s on the thighs), no holds and no end of a check window
    assert lines[-5:] == ["Common mistakes",
                          "  \u2717 Rolling directly on the side of the thigh: seen, on 1 night, 40% of the time on the "
                          "thighs",
                          "  ? Rolling too fast: cannot say", "  ? Using self-massage as a standalone: cannot say",
                          "  ? Rolling too few regions: cannot say"]


def test_report_name_is_safe_for_any_subject_id():
    # the tags: first 8 hex digits of SHA-256 of the id (`printf '../..' | sha256sum`)
    assert report_file_name(HOSTILE, "2026-03-05", "2026-03-12") == (
        "rollstats-review-script_alert_1_script-5c140d35-2026-03-05-2026-03-12.html")
    assert report_file_name("../..", "2026-03-05", "2026-03-05") == (
        "rollstats-review-subject-0cfd1c96-2026-03-05-2026-03-05.html")


def test_the_report_embeds_figures_and_escapes_every_text(segments, tmp_path):
    view = review(subject_tables(segments, HOSTILE))
    images = {"calendar": b"\x89PNG fake", "timeline": b"\x89PNG fake"}
    page = patient_report_html(view, images=images, made=dt.datetime(2026, 3, 13, 9, 0), source="<b>file</b>.csv")
    assert page.count("data:image/png;base64,") == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page  # the note, in the notes table
    assert "<script" not in page and "<img src=x" not in page and "<b>file</b>" not in page
    assert "Made 2026-03-13 09:00" in page

    path = write_patient_report(view, tmp_path / "reports", dpi=40)  # the real figures, rendered
    assert path.name == "rollstats-review-script_alert_1_script-5c140d35-2026-03-05-2026-03-12.html"
    text = path.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,iVBORw0KGgo") == 3  # calendar, timeline, body map (no pain logged)
    assert "No pain score logged in this range." in text
    assert "<script" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_report_lists_a_missed_maintenance_window_before_the_nights():
    try:
        from metrics_helpers import row, segments
    except ImportError:  # pragma: no cover
        from tests.metrics_helpers import row, segments
    # 45 s on 3 Mar (15 s short), 300 s on 4 Mar: progression night; window 1 (5-11 Mar) has no
    # compliant night, window 2 (12-18 Mar) has two; the rest nights of maintenance are no failures
    table = segments([row(3, 45), row(4, 300), row(12, 60), row(18, 60)])
    page = patient_report_html(review(subject_tables(table, "s1")), images={})
    window = page.index("maintenance window 1 (5 Mar 2026 to 11 Mar 2026): 0 of the 2 compliant nights the card asks")
    night = page.index("night of 3 Mar 2026: 45 s on hips and legs, 15 s short of the 60 s minimum")
    assert window < night
    assert "rest night, no rolling" not in page and "night of 6 Mar 2026" not in page

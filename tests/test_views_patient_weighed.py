"""Issue 16, points 2-5, in the review's words and the report: mistakes weighed, the first
questions, one scope per number, plain words. The export is the one of test_views_patient.py
(subject s1, 3-12 Mar 2026; its table of nights is in that module's docstring)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from metrics_helpers import row, segments
from rollstats.program import Program
from rollstats.views import key_figure_lines, mistakes, mistakes_html, patient_report_html, review, subject_tables
from rollstats.views.patient_figures import review_drawing, review_figure
from rollstats.views.patient_rules import rules_in_force

from test_views_patient import ROWS


@pytest.fixture(scope="module")
def tables():
    return subject_tables(segments(ROWS[:9]), "s1")


def test_seen_mistakes_come_first_the_costliest_first(tables):
    # 3-12 Mar: no strengthening in 3-9 Mar touches 5 rolling nights; too few regions in 10-12 Mar, 2;
    # short holds (9 Mar) and the IT band (4 Mar), 1 each: the holds' 100% before the band's 13%
    items = mistakes(review(tables))
    assert [(m.flag, m.mark, m.verdict, m.nights) for m in items] == [
        ("standalone", "\u2717", "seen", 5), ("narrow", "\u2717", "seen", 2), ("too_fast", "\u2717", "seen", 1),
        ("lateral_thigh", "\u2717", "seen", 1)]
    assert [m.cost for m in items] == ["on 5 nights, 82% of the rolling in the weeks checked",   # 380 / 465 s
                                       "on 2 nights, 18% of the rolling in the weeks checked",   # 85 / 465 s
                                       "on 1 night, 100% of the rolling in sessions that log holds",
                                       "on 1 night, 13% of the time on the thighs"]             # 30 / 225 s
    # 6-10 Mar: nothing on the side of the thigh; the holds of 9 Mar; the 3-9 Mar window ends in the range
    items = mistakes(review(tables, "2026-03-06", "2026-03-10"))
    assert [(m.flag, m.verdict) for m in items] == [("standalone", "seen"), ("too_fast", "seen"),
                                                   ("lateral_thigh", "not seen"), ("narrow", "not seen")]


def test_the_mistakes_html_sets_seen_apart_with_marks_in_words(tables):
    # 6-10 Mar: the 3-9 Mar window (no strengthening) touches 6, 7 and 9 Mar; short holds on 9 Mar
    page = mistakes_html(mistakes(review(tables, "2026-03-06", "2026-03-10")))
    seen, rest = page.split("<b>Not seen</b>")
    assert seen.count("\u2717</span> seen") == 2 and "Using self-massage as a standalone" in seen
    assert "on 3 nights" in seen and "(calendar: \u25a0 bottom left)" in seen
    assert seen.index("standalone") < seen.index("Rolling too fast")
    assert rest.count("\u2713</span> not seen") == 2 and "No rolling on the side of the thigh." in rest
    assert "The card:" in seen and "The card:" not in rest   # the card's advice goes with what was seen
    assert "Cannot say" not in page
    # 5-8 Mar: nothing seen, and three checks without data
    page = mistakes_html(mistakes(review(tables, "2026-03-05", "2026-03-08")))
    assert "None of the card's common mistakes seen in this range." in page
    assert page.split("<b>Cannot say</b>")[1].count("?</span> cannot say") == 3


def test_the_calendar_marks_the_nights_each_mistake_touched(tables):
    calendar, _, _ = review_drawing(review(tables), "calendar")
    # the calendar starts on Mon 2 Mar: 3 Mar is week 0, row 1; 9 Mar week 1, row 0; 12 Mar week 1, row 3
    assert calendar.marks["lateral_thigh"].get_data() == ([-0.3], [1.7])          # 4 Mar, top left
    assert calendar.marks["too_fast"].get_data() == ([1.3], [-0.3])               # 9 Mar, top right
    assert calendar.marks["narrow"].get_data() == ([1.3, 1.3], [1.3, 3.3])        # 10 and 12 Mar, bottom right
    xs, ys = calendar.marks["standalone"].get_data()                              # 3, 4, 6, 7, 9 Mar
    assert [round(x, 1) for x in xs] == [-0.3] * 4 + [0.7] and [round(y, 1) for y in ys] == [1.3, 2.3, 4.3, 5.3, 0.3]
    legend = [t.get_text() for t in calendar.figure.axes[0].get_legend().get_texts()]
    assert "top left: on the side of the thigh" in legend and "bottom right: a week of too few regions" in legend


def test_first_questions_and_one_scope_per_number(tables):
    lines = dict(key_figure_lines(review(tables, "2026-03-06", "2026-03-10")))
    # as of Tue 10 Mar: 20 s that night (rolled, not compliant); 4-10 Mar against 27 Feb-3 Mar
    assert lines["Last rolled (as of the last night shown)"] == "Tue 10 Mar 2026, the last night shown"
    assert lines["Current streak (as of the last night shown)"] == "none: Tue 10 Mar 2026 was not a compliant night"
    assert lines["Last 7 nights (as of the last night shown)"] == (
        "4 compliant nights of 7, 5 min 55 s (4 Mar to 10 Mar 2026)")   # 105 + 60 + 100 + 70 + 20 s
    assert lines["The 7 nights before (as of the last night shown)"] == (
        "0 compliant nights of 1, 45 s (25 Feb to 3 Mar 2026)")
    assert lines["Daily phase (this range)"] == "2 of 2 nights compliant (100%)"
    assert lines["Maintenance windows met (this range)"] == "no complete maintenance window lies wholly in this range"
    assert lines["Maintenance windows met (whole observation)"] == "no complete maintenance window yet"
    assert not any(re.search(r"\b0 of 0\b", text) for text in lines.values())


PAIN_ROWS = [row(3, pain_before=6, pain_after=3), row(4, pain_before=4, pain_after=2), row(10, pain_before=3),
             row(12)]


def test_pain_in_the_key_figures_the_figure_and_the_report():
    # weeks from 3 Mar: 3-9 Mar means 5 before, 2.5 after; 10-16 Mar 3 before; the sessions: 13 / 3 before
    view = review(subject_tables(segments(PAIN_ROWS), "s1"))
    lines = dict(key_figure_lines(view))
    assert lines["Pain (0-10) (this range)"] == "4.3 before rolling, 2.5 after, on average over 3 sessions with a score"
    ax = review_figure(view, "pain").axes[0]
    before, after = (next(ln for ln in ax.get_lines() if ln.get_gid() == gid) for gid in ("pain_before", "pain_after"))
    assert before.get_ydata().tolist() == [5.0, 3.0] and after.get_ydata().tolist() == [2.5]
    page = patient_report_html(view, dpi=30)
    assert page.count("data:image/png;base64,iVBORw0KGgo") == 4   # calendar, timeline, body map, pain
    assert "Pain before and after rolling, by week" in page
    lines = dict(key_figure_lines(review(subject_tables(segments(PAIN_ROWS), "s1"), "2026-03-11", "2026-03-12")))
    assert lines["Pain (0-10) (this range)"] == "no score logged in this range"


def test_plain_words_and_rules_as_sentences(tables):
    page = patient_report_html(review(tables), images={}, made=dt.datetime(2026, 3, 13, 9, 0))
    assert "<th>Compliant nights</th><td>5 of 10 nights (50%)</td>" in page
    assert "<th>Current streak</th><td>1 compliant night in a row</td>" in page   # 12 Mar; 11 Mar was not
    assert "<th>Night</th><th>Rule</th><th>What the log shows</th>" in page
    assert "daily.minimum_s" not in page and "<pre>" not in page   # no config dump
    assert "<li>A night is compliant with at least 60 s of rolling on the hips and legs.</li>" in page
    assert "No pain score logged in this range." in page
    # a program of its own speaks its own numbers, with the right plurals
    program = Program.default().replace(maintenance={"min_per_window": 1}, daily={"minimum_s": 90})
    rules = rules_in_force(program)
    assert "A night is compliant with at least 90 s of rolling on the hips and legs." in rules
    assert any("a week is met with at least 1 compliant night (more than 3" in line for line in rules)

"""The card's words as fields of the program: shown by the views, refused when empty, numbers filled in.

The default words are the card's (docs/rules.md, "Common mistakes"): roll the 2 and 4 o'clock
positions of the right thigh rather than 3 o'clock (mirrored on the left: 10 and 8, and 9 on the
line), hold a tender spot at least 5 s, do not roll without strengthening, roll the front, back
and sides of the thigh, the calves and the hips. The literal strings below were written down
from the views before the words moved into the program file, and must not change.
"""
from __future__ import annotations

import pytest

from rollstats.datasets import load_sample
from rollstats.plan import Plan, plan_warnings
from rollstats.program import Program, ProgramError
from rollstats.program_words import clock_hours, fill, mistake_words
from rollstats.views import mistakes, mistakes_html, patient_report_html, review, subject_tables, summary_text

LATERAL = ("The card: the outside of the thigh is dense connective tissue that does not respond well to rolling "
           "and can be very painful. Roll the areas in front of and behind it instead: on the right thigh the 2 and "
           "4 o'clock positions rather than 3 o'clock (10 and 8 o'clock on the left).")
TOO_FAST = ("The card: hold pressure on one spot for several seconds (at least 5 s) so the ball sinks in to the "
            "deeper tissues rather than gliding across the surface.")
STANDALONE = ("The card: do not use self-massage on its own. Do exercises designed to strengthen as well; rolling "
              "alone may lower the body's load tolerance and with it the ability to function.")
NARROW = ("The card: roll the front, back and side of the thigh (just in front of and behind the IT band), the "
          "calves, and the buttocks around the belt line.")
TITLES = {"lateral_thigh": "Rolling directly on the side of the thigh", "too_fast": "Rolling too fast",
          "standalone": "Using self-massage as a standalone", "narrow": "Rolling too few regions"}


@pytest.fixture(scope="module")
def segments():
    return load_sample("patient").segments


def _toml(tmp_path, text: str):
    path = tmp_path / "own.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_words_for_the_sample_patient_are_unchanged(segments):
    # titles and advice are the program's words; the findings, their order (costliest first)
    # and costs are the weighed view's (tests/test_views_patient_weighed.py)
    tables = subject_tables(segments, "P1")
    whole = {m.flag: (m.title, m.status, m.advice) for m in mistakes(review(tables))}
    assert whole == {"lateral_thigh": (TITLES["lateral_thigh"], True, LATERAL),
                     "too_fast": (TITLES["too_fast"], False, TOO_FAST),
                     "standalone": (TITLES["standalone"], True, STANDALONE),
                     "narrow": (TITLES["narrow"], True, NARROW)}
    week = review(tables, "2026-01-12", "2026-01-18")
    assert {m.flag: (m.title, m.status, m.advice) for m in mistakes(week)} == {
        "lateral_thigh": (TITLES["lateral_thigh"], False, LATERAL), "too_fast": (TITLES["too_fast"], False, TOO_FAST),
        "standalone": (TITLES["standalone"], False, STANDALONE), "narrow": (TITLES["narrow"], False, NARROW)}
    assert summary_text(week).splitlines()[-4:] == [
        "  \u2713 Rolling directly on the side of the thigh: not seen", "  \u2713 Rolling too fast: not seen",
        "  \u2713 Using self-massage as a standalone: not seen", "  \u2713 Rolling too few regions: not seen"]


def test_a_program_of_its_own_shows_its_own_words(segments, tmp_path):
    path = _toml(tmp_path, '\n'.join([
        'card = "Roll {daily.minimum_s} s a night, legs and hips."',
        "[mistakes]", "roll_instead_hours = [1, 5]",
        "[words.too_fast]", 'advice = "Stay on each sore spot for {mistakes.min_hold_s} s or longer."',
        "[words.narrow]", 'title = "Too few places rolled"', ""]))
    own = Program.from_toml(path)
    view = review(subject_tables(segments, "P1", program=own))
    found = {m.flag: m for m in mistakes(view)}
    # its own advice, the number filled from mistakes.min_hold_s (5 s, the card's: not overridden)
    assert found["too_fast"].advice == "Stay on each sore spot for 5 s or longer."
    assert found["too_fast"].title == TITLES["too_fast"]             # the title of [words.too_fast] stays
    assert found["narrow"].title == "Too few places rolled"
    assert found["narrow"].advice == NARROW                          # the advice of [words.narrow] stays
    assert found["standalone"].advice == STANDALONE
    # the card's advice with the program's own hours: 1 and 5 right, 12 - h = 11 and 7 left; the line is still 3
    assert found["lateral_thigh"].advice == LATERAL.replace("the 2 and 4 o'clock", "the 1 and 5 o'clock").replace(
        "(10 and 8 o'clock", "(11 and 7 o'clock")
    assert "1 and 5 o'clock positions rather than 3 o'clock (11 and 7 o'clock on the left)" in (
        found["lateral_thigh"].advice)
    # the same words reach the HTML list, the plain text and the one-file report
    # (the advice is shown beside the mistakes seen: the side of the thigh is, holds too short are not)
    assert "thigh the 1 and 5 o" in mistakes_html(list(found.values()))  # (o'clock is escaped in HTML)
    assert any(line.strip().startswith("\u2717 Too few places rolled: seen") for line in summary_text(view).splitlines())
    page = patient_report_html(view, images={})
    assert "thigh the 1 and 5 o" in page and "Too few places rolled" in page
    assert "Roll 60 s a night, legs and hips.</p>" in page


def test_an_empty_advice_is_refused_naming_the_field(tmp_path):
    path = _toml(tmp_path, '[words.standalone]\nadvice = ""\n')
    with pytest.raises(ProgramError) as err:
        Program.from_toml(path)
    assert str(path) in str(err.value) and "'words.standalone.advice'" in str(err.value)
    assert "not empty" in str(err.value)
    with pytest.raises(ProgramError, match=r"'words\.too_fast\.advice' must be a text that is not empty"):
        Program.default().replace(words={"too_fast": {"advice": " \n "}})
    with pytest.raises(ProgramError, match=r"'words\.lateral_thigh\.short'"):
        Program.default().replace(words={"lateral_thigh": {"short": ""}})


def test_the_numbers_in_the_words_come_from_the_rules():
    p = Program.default().replace(mistakes={"min_hold_s": 8, "roll_instead_hours": [1, 5]})
    assert "(at least 8 s)" in mistake_words(p, "too_fast").advice
    assert mistake_words(p, "too_fast").short == ("the card asks to hold each tender spot at least 8 s so the ball "
                                                  "can sink in")
    # widening the lateral line to 2 o'clock (thigh_outer_front) moves the hours to avoid: 2 and 3, left 10 and 9
    wide = Program.default().replace(mistakes={"lateral_regions": ["thigh_outer_front", "thigh_lateral"],
                                               "roll_instead_hours": [1, 4]})
    assert clock_hours(wide) == {"avoid_right": (2, 3), "avoid_left": (10, 9),
                                 "instead_right": (1, 4), "instead_left": (11, 8)}
    assert "the 1 and 4 o'clock positions rather than 2 and 3 o'clock (11 and 8 o'clock on the left)" in (
        mistake_words(wide, "lateral_thigh").advice)
    # the card's own hours stay where the card puts them, and a 12 o'clock mirrors onto itself
    assert fill("{clock.instead_left}|{clock.avoid_left}", Program.default()) == "10 and 8|9"
    assert fill("{clock.instead_left}", Program.default().replace(mistakes={"roll_instead_hours": [12, 1, 5]})) == (
        "12, 11 and 7")


def test_the_plan_warnings_end_with_the_programs_words():
    plan = Plan("2026-03-02", seconds={"quads": 30, "IT band": 20, "calves": 30, "hamstrings": 30}, hold_s=3,
                strengthening=["Tue"], weeks=1)
    # the card's words: 20 s a night on the lateral line, holds of 3 s under the card's 5 s
    assert plan_warnings(plan)[:2] == [
        "The plan puts 20 s a night directly on the side of the thigh (IT band): the card says not to roll there; "
        "roll just in front of and behind it instead (2 and 4 o'clock on the right thigh, 10 and 8 on the left).",
        "Holds of 3 s on tender spots are too short: the card asks to hold each tender spot at least 5 s so the "
        "ball can sink in."]
    own = Program.default().replace(words={"lateral_thigh": {"short": "keep off the IT band"},
                                           "too_fast": {"short": "stay {mistakes.min_hold_s} s on each spot"}},
                                    mistakes={"min_hold_s": 4})
    assert plan_warnings(plan, own)[:2] == [
        "The plan puts 20 s a night directly on the side of the thigh (IT band): keep off the IT band.",
        "Holds of 3 s on tender spots are too short: stay 4 s on each spot."]


def test_the_audit_ends_each_mistake_with_the_programs_short_words(tmp_path):
    import pandas as pd

    from rollstats import audit
    from rollstats.io import canonicalise

    # one night: 30 s at 3 o'clock on the right thigh (the lateral line: all of the thigh time) and 40 s on the calves,
    # four holds of 2 s each in the calf segment (mean 2 s, under the 5 s minimum)
    raw = pd.DataFrame({"subject_id": ["a", "a"], "region": ["thigh", "calves"], "side": ["right", "right"],
                        "clock": ["3", ""], "start": ["2026-03-03T21:00+01:00", "2026-03-03T21:01+01:00"],
                        "duration_s": [30, 40], "hold_count": ["", "4"], "hold_s": ["", "8"]})
    path = _toml(tmp_path, "\n".join([
        "[mistakes]", "roll_instead_hours = [1, 5]",
        "[words.lateral_thigh]", 'short = "stay off the band; use {clock.instead_right} o\'clock instead"',
        "[words.too_fast]", 'short = "stay {mistakes.min_hold_s} s on each spot"', ""]))
    for program, lateral, fast in (
            (Program.default(), "the card says not to roll there; roll just in front of and behind it instead "
                                "(2 and 4 o'clock on the right thigh, 10 and 8 on the left)",
             "the card asks to hold each tender spot at least 5 s so the ball can sink in"),
            (Program.from_toml(path), "stay off the band; use 1 and 5 o'clock instead", "stay 5 s on each spot")):
        rows = audit(canonicalise(raw, "demo", program).segments, program)
        messages = dict(zip(rows["rule"], rows["message"]))
        assert messages["lateral_thigh"] == ("night of 3 Mar 2026: 30 s directly on the side of the thigh "
                                             "(100% of thigh time); " + lateral)
        assert messages["too_fast"] == "night of 3 Mar 2026: holds on tender spots averaged 2 s, under 5 s; " + fast

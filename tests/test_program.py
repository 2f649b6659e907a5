"""The program definition: the card's defaults, TOML overrides, and refusals naming the field."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from rollstats.program import Program, ProgramError, load_program

CARD_THIGH = ("thigh_front", "thigh_back", "thigh_outer_front", "thigh_outer_back",
              "thigh_lateral", "thigh_inner")


def test_defaults_equal_the_card():
    p = Program.default()
    # docs/rules.md: daily minimum 60 s, progression total 300 s, day start 04:00
    assert p.daily.minimum_s == 60.0
    assert p.progression.total_s == 300.0
    assert p.night.day_start == dt.time(4, 0)
    # maintenance: 7-night windows, at least 2, more than 3 noted
    assert (p.maintenance.window_nights, p.maintenance.min_per_window, p.maintenance.max_per_window) == (7, 2, 3)
    # too fast under 5 s mean hold; narrow under 3 regions; 7-night check windows
    assert p.mistakes.min_hold_s == 5.0
    assert p.mistakes.min_regions == 3
    assert p.mistakes.window_nights == 7
    # max_segment_s 3600; sessions split on gaps over 15 min = 900 s
    assert p.limits.max_segment_s == 3600.0
    assert p.night.session_gap_s == 900.0
    # choices: cumulative progression; unspecified counts as hips and legs (setting)
    assert p.progression.mode == "cumulative"
    assert p.daily.unspecified_counts is True
    # hips and legs: the six thigh regions, calf and hip; lateral line is thigh_lateral
    assert set(p.daily.counted_regions) == set(CARD_THIGH) | {"calf", "hip"}
    assert p.mistakes.lateral_regions == ("thigh_lateral",)
    assert set(p.mistakes.thigh_regions) == set(CARD_THIGH)
    assert set(p.hips_and_legs) == set(CARD_THIGH) | {"calf", "hip", "unspecified"}
    # the card: roll the two and four o'clock positions of the right thigh, not three o'clock
    assert p.mistakes.roll_instead_hours == (2, 4)
    assert load_program() == p


def _toml(tmp_path, text: str):
    path = tmp_path / "program.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_override_keeps_the_other_fields(tmp_path):
    path = _toml(tmp_path, "[daily]\nminimum_s = 90\n\n[progression]\nmode = \"single_night\"\n")
    p = Program.from_toml(path)
    default = Program.default()
    assert p.daily.minimum_s == 90.0
    assert p.progression.mode == "single_night"
    # the rest of [daily] and [progression] is the card's
    assert p.daily.counted_regions == default.daily.counted_regions
    assert p.daily.streak_scope == default.daily.streak_scope
    assert p.progression.total_s == 300.0
    # untouched sections are equal as a whole
    assert p.night == default.night and p.maintenance == default.maintenance
    assert p.mistakes == default.mistakes and p.limits == default.limits
    assert p.name == default.name
    assert load_program(path) == p


def test_toml_time_of_day_value(tmp_path):
    # a TOML local time and a quoted one both work
    assert Program.from_toml(_toml(tmp_path, "[night]\nday_start = 05:30:00\n")).night.day_start == dt.time(5, 30)
    assert Program.from_toml(_toml(tmp_path, "[night]\nday_start = \"03:15\"\n")).night.day_start == dt.time(3, 15)


@pytest.mark.parametrize("text, names", [
    ("[nightly]\nday_start = \"04:00\"\n", ["'nightly'"]),
    ("[daily]\nminimun_s = 60\n", ["daily.minimun_s"]),
    ("[daily]\nminimum_s = \"sixty\"\n", ["daily.minimum_s", "a number"]),
    ("[daily]\nminimum_s = -1\n", ["daily.minimum_s"]),
    ("[daily]\nminimum_s = nan\n", ["daily.minimum_s"]),
    ("[daily]\nunspecified_counts = \"yes\"\n", ["daily.unspecified_counts"]),
    ("[maintenance]\nwindow_nights = 7.5\n", ["maintenance.window_nights", "whole number"]),
    ("[maintenance]\nwindow_nights = 0\n", ["maintenance.window_nights"]),
    ("[progression]\nmode = \"weekly\"\n", ["progression.mode", "'cumulative'", "'single_night'"]),
    ("[daily]\nstreak_scope = \"forever\"\n", ["daily.streak_scope"]),
    ("[daily]\ncounted_regions = [\"thigh_front\", \"knee\"]\n", ["daily.counted_regions"]),
    ("[mistakes]\nlateral_regions = \"thigh_lateral\"\n", ["mistakes.lateral_regions"]),
    ("[night]\nday_start = \"25:00\"\n", ["night.day_start"]),
    ("[maintenance]\nmin_per_window = 8\n", ["maintenance.min_per_window", "maintenance.window_nights"]),
    ("[maintenance]\nmin_per_window = 4\nmax_per_window = 3\n",
     ["maintenance.max_per_window", "maintenance.min_per_window"]),
    ("[limits]\nmax_segment_s = 0\n", ["limits.max_segment_s"]),
    ("daily = 60\n", ["'daily'", "section"]),
    ("name = 3\n", ["'name'"]),
    ("card = \"\"\n", ["'card'", "not empty"]),
    ("card = \"at least {daily.minimum} s\"\n", ["'card'", "{daily.minimum}"]),
    ("[mistakes]\nroll_instead_hours = [2, 3]\n", ["mistakes.roll_instead_hours", "3 o'clock",
                                                    "mistakes.lateral_regions"]),
    ("[mistakes]\nroll_instead_hours = [13]\n", ["mistakes.roll_instead_hours", "1 to 12"]),
    ("[mistakes]\nroll_instead_hours = []\n", ["mistakes.roll_instead_hours"]),
    ("[mistakes]\nroll_instead_hours = [2.5]\n", ["mistakes.roll_instead_hours"]),
    # no hour of the clock left on the lateral line: the card's advice names {clock.avoid_right}
    ("[mistakes]\nlateral_regions = [\"calf\"]\n", ["words.lateral_thigh.advice", "{clock.avoid_right}"]),
    ("words = \"x\"\n", ["'words'", "section"]),
    ("[words]\ntoo_fast = \"x\"\n", ["'words.too_fast'", "section"]),
    ("[words.too_fst]\ntitle = \"x\"\n", ["words.too_fst", "too_fast"]),
    ("[words.too_fast]\nadvise = \"x\"\n", ["words.too_fast.advise", "advice"]),
    ("[words.too_fast]\nadvice = 3\n", ["words.too_fast.advice"]),
    ("[words.narrow]\ntitle = \"  \"\n", ["words.narrow.title", "not empty"]),
    ("[words.narrow]\nadvice = \"roll {mistakes.min_regoins} regions\"\n",
     ["words.narrow.advice", "{mistakes.min_regoins}"]),
    ("[words.narrow]\nshort = \"roll {mistakes.thigh_regions}\"\n",
     ["words.narrow.short", "{mistakes.thigh_regions}"]),
])
def test_bad_program_file_names_the_field(tmp_path, text, names):
    path = _toml(tmp_path, text)
    with pytest.raises(ProgramError) as err:
        Program.from_toml(path)
    message = str(err.value)
    assert str(path) in message
    for name in names:
        assert name in message


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(ProgramError, match="not valid TOML"):
        Program.from_toml(_toml(tmp_path, "[daily\nminimum_s = 60\n"))
    with pytest.raises(ProgramError, match="cannot be read"):
        Program.from_toml(tmp_path / "nowhere.toml")


def test_replace_changes_one_field_and_checks_it():
    p = Program.default().replace(limits={"max_segment_s": 100})
    assert p.limits.max_segment_s == 100.0
    assert p.daily == Program.default().daily
    # the default is not changed by replace()
    assert Program.default().limits.max_segment_s == 3600.0
    with pytest.raises(ProgramError, match="limits.max_segment_s"):
        Program.default().replace(limits={"max_segment_s": "long"})
    with pytest.raises(ProgramError, match="limits.max_segmnt_s"):
        Program.default().replace(limits={"max_segmnt_s": 100})


def test_replace_keeps_earlier_changes():
    # Regression: to_dict() wrote times as HH:MM, so a second replace() dropped the seconds.
    p = Program.default().replace(night={"day_start": "04:30:15"})
    assert p.night.day_start == dt.time(4, 30, 15)
    q = p.replace(daily={"minimum_s": 90})
    assert q.night.day_start == dt.time(4, 30, 15)
    assert q.daily.minimum_s == 90.0


def test_describe_lists_every_field():
    text = Program.default().describe()
    lines = text.splitlines()
    named = {line.split(" = ")[0] for line in lines if " = " in line}
    # the card's fields, listed by hand from docs/rules.md and the built-in program file
    card_fields = {
        "night.day_start", "night.session_gap_s", "limits.max_segment_s",
        "daily.minimum_s", "daily.counted_regions", "daily.unspecified_counts", "daily.streak_scope",
        "progression.total_s", "progression.mode", "progression.next_exercise",
        "maintenance.window_nights", "maintenance.min_per_window", "maintenance.max_per_window",
        "mistakes.lateral_regions", "mistakes.thigh_regions", "mistakes.min_hold_s",
        "mistakes.min_regions", "mistakes.window_nights", "mistakes.roll_instead_hours",
        *(f"words.{m}.{w}" for m in ("lateral_thigh", "too_fast", "standalone", "narrow")
          for w in ("title", "advice", "short")),
    }
    assert card_fields <= named

    # and every field of every section the program holds, tables within tables too
    def leaves(prefix, value):
        if not dataclasses.is_dataclass(value):
            return {prefix}
        return set().union(*(leaves(f"{prefix}.{f.name}", getattr(value, f.name)) for f in dataclasses.fields(value)))

    program = Program.default()
    for section in dataclasses.fields(program):
        value = getattr(program, section.name)
        if dataclasses.is_dataclass(value):
            assert leaves(section.name, value) <= named
    assert "night.day_start = 04:00" in lines
    assert "daily.minimum_s = 60.0" in lines
    assert "progression.mode = cumulative" in lines
    assert "mistakes.roll_instead_hours = [2, 4]" in lines
    # words are listed as the file writes them, placeholders unfilled; the card's line is filled
    assert "words.too_fast.title = Rolling too fast" in lines
    assert ("words.too_fast.short = the card asks to hold each tender spot at least {mistakes.min_hold_s} s so "
            "the ball can sink in") in lines
    assert lines[1] == "card: Perform at least 60 seconds of rolling each night or when symptoms come on."
    assert lines[0] == "program: Myofascial Release for Lower Body"


def test_a_words_override_keeps_the_other_texts(tmp_path):
    path = _toml(tmp_path, "[words.too_fast]\nadvice = \"Hold {mistakes.min_hold_s} s.\"\n")
    p, default = Program.from_toml(path), Program.default()
    assert p.words.too_fast.advice == "Hold {mistakes.min_hold_s} s."
    # the other fields of the same table and the other tables stay the card's
    assert p.words.too_fast.title == "Rolling too fast"
    assert p.words.too_fast.short == default.words.too_fast.short
    assert (p.words.lateral_thigh, p.words.standalone, p.words.narrow) == (
        default.words.lateral_thigh, default.words.standalone, default.words.narrow)
    # replace() takes a table in a table, and a later replace() keeps it
    q = p.replace(words={"narrow": {"title": "Too few places"}}).replace(daily={"minimum_s": 90})
    assert (q.words.narrow.title, q.words.too_fast.advice) == ("Too few places", "Hold {mistakes.min_hold_s} s.")
    assert q.words.narrow.advice == default.words.narrow.advice


def test_the_card_sentence_takes_its_number_from_the_rules():
    default = Program.default()
    assert default.card == "Perform at least 60 seconds of rolling each night or when symptoms come on."
    # the file writes the number once, as daily.minimum_s
    assert default.card_template == ("Perform at least {daily.minimum_s} seconds of rolling each night or when "
                                     "symptoms come on.")
    assert default.to_dict()["card"] == default.card_template
    stricter = default.replace(daily={"minimum_s": 90})
    assert stricter.card == "Perform at least 90 seconds of rolling each night or when symptoms come on."
    own = default.replace(card="Roll {daily.minimum_s} s after {night.day_start}, then {progression.next_exercise}.")
    assert own.card == "Roll 60 s after 04:00, then the next stretch of the home programme."


def test_from_dict_needs_every_field():
    default = Program.default()
    assert Program.from_dict(default.to_dict()) == default
    data = default.to_dict()
    del data["words"]["standalone"]["advice"]
    with pytest.raises(ProgramError, match="'words.standalone.advice' is missing"):
        Program.from_dict(data)
    data = default.to_dict()
    del data["words"]["narrow"]
    with pytest.raises(ProgramError, match="'words.narrow' is missing"):
        Program.from_dict(data)

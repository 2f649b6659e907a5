"""Region labels, aliases and the mirrored thigh clock, read through the native CSV reader."""
from __future__ import annotations

import pandas as pd
import pytest

from rollstats.io import load

START = "2026-03-03T22:{minute:02d}:00+01:00"

# Every alias docs/rules.md lists, in the spellings of real exports (case and spacing aside),
# and the canonical region docs/rules.md gives it.
RULES_ALIASES = [
    ("quads", "thigh_front"),
    ("  Quads ", "thigh_front"),
    ("quadriceps", "thigh_front"),
    ("front thigh", "thigh_front"),
    ("Front  Thigh", "thigh_front"),
    ("hamstrings", "thigh_back"),
    ("back thigh", "thigh_back"),
    ("IT band", "thigh_lateral"),
    ("IT_Band", "thigh_lateral"),
    ("ITB", "thigh_lateral"),
    ("iliotibial band", "thigh_lateral"),
    ("Lateral Thigh", "thigh_lateral"),
    ("adductors", "thigh_inner"),
    ("inner thigh", "thigh_inner"),
    ("calves", "calf"),
    ("glutes", "hip"),
    ("glute", "hip"),
    ("buttocks", "hip"),
    # the canonical names themselves
    ("thigh_front", "thigh_front"),
    ("THIGH_OUTER_BACK", "thigh_outer_back"),
    ("calf", "calf"),
    ("hip", "hip"),
]


def _csv(rows: list[dict[str, str]]) -> str:
    columns = ["subject_id", "start", "duration_s", "region", "side", "clock"]
    lines = [",".join(columns)]
    for i, row in enumerate(rows):
        cells = {"subject_id": "s1", "start": START.format(minute=i), "duration_s": "60", **row}
        lines.append(",".join(cells.get(c, "") for c in columns))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("label, region", RULES_ALIASES)
def test_alias_maps_to_canonical_region(write_text, label, region):
    path = write_text("alias.csv", _csv([{"region": label}]))
    segments, rejects, report = load(path)
    assert len(rejects) == 0
    assert segments["region"].tolist() == [region]
    # the label as written is kept (stripped of outer spaces)
    assert segments["region_label"].iloc[0] == label.strip()
    assert report.unknown_region_labels == {}


# Hand-derived from docs/rules.md, not from rollstats.regions:
# right thigh: 11, 12, 1 front; 2 outer_front; 3 lateral; 4 outer_back; 5, 6, 7 back; 8, 9, 10 inner.
RIGHT = {
    1: "thigh_front", 2: "thigh_outer_front", 3: "thigh_lateral", 4: "thigh_outer_back",
    5: "thigh_back", 6: "thigh_back", 7: "thigh_back", 8: "thigh_inner", 9: "thigh_inner",
    10: "thigh_inner", 11: "thigh_front", 12: "thigh_front",
}
# left hour h reads as right 12 - h (12 stays 12):
# 1->11 front, 2->10 inner, 3->9 inner, 4->8 inner, 5->7 back, 6->6 back, 7->5 back,
# 8->4 outer_back, 9->3 lateral, 10->2 outer_front, 11->1 front, 12->12 front.
LEFT = {
    1: "thigh_front", 2: "thigh_inner", 3: "thigh_inner", 4: "thigh_inner",
    5: "thigh_back", 6: "thigh_back", 7: "thigh_back", 8: "thigh_outer_back",
    9: "thigh_lateral", 10: "thigh_outer_front", 11: "thigh_front", 12: "thigh_front",
}


def test_left_table_agrees_with_the_rules_table():
    # docs/rules.md's table: outer_front at 10 on the left, outer_back at 8, lateral at 9, inner at 3
    assert LEFT[10] == "thigh_outer_front" and LEFT[8] == "thigh_outer_back"
    assert LEFT[9] == "thigh_lateral" and LEFT[3] == "thigh_inner"
    assert RIGHT[9] == "thigh_inner" and RIGHT[3] == "thigh_lateral"


@pytest.mark.parametrize("side, table", [("right", RIGHT), ("left", LEFT)])
def test_thigh_clock_mirrored(write_text, side, table):
    rows = [{"region": "thigh", "side": side, "clock": str(hour)} for hour in range(1, 13)]
    path = write_text("clock.csv", _csv(rows))
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    got = dict(zip(segments.sort_values("source_row")["source_row"], segments.sort_values("source_row")["region"]))
    # row i holds hour i
    assert got == table


def test_side_spellings_and_empty_region_with_clock(write_text):
    path = write_text("clock.csv", _csv([
        {"region": "Thigh", "side": "R", "clock": "3"},   # right 3 -> lateral
        {"region": "thigh", "side": "L", "clock": "3"},   # left 3 -> right 9 -> inner
        {"region": "", "side": "right", "clock": "2"},    # empty region with a clock is a thigh: outer_front
        {"region": "thigh", "side": "left", "clock": "3.0"},  # 3.0 is the whole hour 3 -> inner
    ]))
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    assert segments.sort_values("source_row")["region"].tolist() == [
        "thigh_lateral", "thigh_inner", "thigh_outer_front", "thigh_inner"]
    assert segments.sort_values("source_row")["side"].tolist() == ["right", "left", "right", "left"]


@pytest.mark.parametrize("hour", [1, 2, 3, 4, 5, 7, 8, 9, 10, 11])
def test_clock_without_side_refused_when_asymmetric(write_text, hour):
    # docs/rules.md: with no side only the symmetric positions 12 and 6 can be read. Hours 1, 11, 5
    # and 7 happen to name the same region on both legs, but the position itself differs
    # (front-outer on one leg, front-inner on the other), so they are refused too.
    path = write_text("clock.csv", _csv([{"region": "thigh", "clock": str(hour)}]))
    segments, rejects, _ = load(path)
    assert len(segments) == 0
    assert rejects["column"].tolist() == ["clock"]
    assert "ambiguous" in rejects["reason"].iloc[0]


def test_clock_with_side_both_refused_when_asymmetric(write_text):
    # both legs at 3 o'clock: lateral on the right, inner on the left
    path = write_text("clock.csv", _csv([{"region": "thigh", "side": "both", "clock": "3"}]))
    segments, rejects, _ = load(path)
    assert len(segments) == 0
    assert rejects["column"].tolist() == ["clock"]


@pytest.mark.parametrize("hour, region", [(12, "thigh_front"), (6, "thigh_back")])
def test_clock_without_side_accepted_when_symmetric(write_text, hour, region):
    path = write_text("clock.csv", _csv([{"region": "thigh", "clock": str(hour)}]))
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    assert segments["region"].tolist() == [region]
    assert segments["side"].isna().all()


@pytest.mark.parametrize("clock", ["0", "13", "2.5", "x", "-3"])
def test_bad_clock_refused(write_text, clock):
    path = write_text("clock.csv", _csv([{"region": "thigh", "side": "right", "clock": clock}]))
    segments, rejects, _ = load(path)
    assert len(segments) == 0
    assert rejects["column"].tolist() == ["clock"]
    assert rejects["value"].tolist() == [clock]
    assert "1 to 12" in rejects["reason"].iloc[0]


def test_unknown_labels_become_other_and_are_counted(write_text):
    path = write_text("unknown.csv", _csv([
        {"region": "toes"},
        {"region": "upper back"},
        {"region": "toes"},
        {"region": "quads"},
    ]))
    segments, rejects, report = load(path)
    assert len(rejects) == 0
    assert segments.sort_values("source_row")["region"].tolist() == ["other", "other", "other", "thigh_front"]
    # toes twice, upper back once; quads is known and not listed
    assert report.unknown_region_labels == {"toes": 2, "upper back": 1}
    assert report.rows_accepted == 4


def test_empty_region_is_unspecified(write_text):
    path = write_text("empty.csv", _csv([{"region": ""}, {"region": "   "}]))
    segments, rejects, report = load(path)
    assert len(rejects) == 0
    assert segments["region"].tolist() == ["unspecified", "unspecified"]
    assert segments["region_label"].isna().all()
    assert report.unknown_region_labels == {}


def test_thigh_without_clock_is_unspecified(write_text):
    path = write_text("thigh.csv", _csv([{"region": "thigh", "side": "left"}]))
    segments, rejects, report = load(path)
    assert len(rejects) == 0
    assert segments["region"].tolist() == ["unspecified"]
    assert report.unknown_region_labels == {}


def test_unknown_side_refused(write_text):
    path = write_text("side.csv", _csv([{"region": "quads", "side": "sideways"}]))
    segments, rejects, _ = load(path)
    assert len(segments) == 0
    assert rejects["column"].tolist() == ["side"]
    assert rejects["value"].tolist() == ["sideways"]

"""Times, offsets, time zones and nights, read through the native CSV reader.

Every expected value below is worked out by hand in the comment next to it.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rollstats.io import load
from rollstats.program import Program
from rollstats.times import night_of, parse_times

HEADER = "subject_id,start,duration_s,region\n"


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def by_row(segments: pd.DataFrame) -> pd.DataFrame:
    return segments.set_index("source_row").sort_index()


# --- the night boundary at 04:00 ------------------------------------------------------------

def test_night_boundary_at_four_in_the_morning(write_text):
    path = write_text("nights.csv", HEADER + (
        "s1,2026-03-03T23:50:00+01:00,60,quads\n"   # 23:50 - 4 h = 19:50 on 3 Mar -> night 3 Mar
        "s1,2026-03-04T00:30:00+01:00,60,quads\n"   # 00:30 - 4 h = 20:30 on 3 Mar -> night 3 Mar
        "s1,2026-03-04T03:59:00+01:00,60,quads\n"   # 03:59 - 4 h = 23:59 on 3 Mar -> night 3 Mar
        "s1,2026-03-04T04:00:00+01:00,60,quads\n"   # 04:00 - 4 h = 00:00 on 4 Mar -> night 4 Mar
    ))
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    nights = by_row(segments)["night"]
    assert nights.loc[1] == day("2026-03-03")
    assert nights.loc[2] == day("2026-03-03")
    assert nights.loc[3] == day("2026-03-03")
    assert nights.loc[4] == day("2026-03-04")


def test_night_of_directly():
    local = pd.Series(pd.to_datetime(["2026-03-03 23:50", "2026-03-04 00:30",
                                      "2026-03-04 03:59", "2026-03-04 04:00"]))
    got = night_of(local, dt.time(4, 0))
    # same arithmetic as above: 3 Mar, 3 Mar, 3 Mar, 4 Mar, each at midnight
    assert got.tolist() == [day("2026-03-03"), day("2026-03-03"), day("2026-03-03"), day("2026-03-04")]


def test_day_start_is_a_program_setting(write_text):
    path = write_text("late.csv", HEADER + "s1,2026-03-04T04:30:00+01:00,60,quads\n")
    # default 04:00: 04:30 - 4 h = 00:30 on 4 Mar -> night 4 Mar
    segments, _, _ = load(path)
    assert segments["night"].iloc[0] == day("2026-03-04")
    # day_start 05:00: 04:30 - 5 h = 23:30 on 3 Mar -> night 3 Mar
    later = Program.default().replace(night={"day_start": "05:00"})
    segments, _, _ = load(path, program=later)
    assert segments["night"].iloc[0] == day("2026-03-03")


def test_nights_follow_the_wall_clock_on_dst_days(write_text):
    path = write_text("dst_nights.csv", HEADER + (
        # spring: 04:30 CEST (+02:00) on 29 Mar. Wall clock: 04:30 - 4 h = 00:30 on 29 Mar -> night 29 Mar.
        # (Absolute arithmetic would give 02:30 UTC - 4 h = 22:30 UTC = 23:30 CET on 28 Mar: wrong.)
        "s1,2026-03-29 04:30,60,quads\n"
        # autumn: 03:30 CET (+01:00) on 25 Oct. Wall clock: 03:30 - 4 h = 23:30 on 24 Oct -> night 24 Oct.
        # (Absolute arithmetic would give 02:30 UTC - 4 h = 22:30 UTC = 00:30 CEST on 25 Oct: wrong.)
        "s1,2026-10-25 03:30,60,quads\n"
    ))
    segments, rejects, _ = load(path, tz="Europe/Berlin")
    assert len(rejects) == 0
    rows = by_row(segments)
    assert rows.loc[1, "night"] == day("2026-03-29")
    assert rows.loc[1, "start"] == utc("2026-03-29 02:30")   # 04:30 - 2 h
    assert rows.loc[2, "night"] == day("2026-10-24")
    assert rows.loc[2, "start"] == utc("2026-10-25 02:30")   # 03:30 - 1 h


# --- per-record offsets -----------------------------------------------------------------------

def test_traveller_nights_follow_each_records_offset(write_text):
    path = write_text("travel.csv", HEADER + (
        "s1,2026-03-03T23:30:00+09:00,60,quads\n"  # Tokyo
        "s1,2026-03-04T05:00:00+09:00,60,quads\n"  # Tokyo, early morning
        "s1,2026-03-05T02:00:00+01:00,60,quads\n"  # back in Berlin
        "s1,2026-03-05 22:00:00 +0100,60,quads\n"  # Apple's spelling of an offset
    ))
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    rows = by_row(segments)
    # row 1: 23:30 at +09:00 = 14:30 UTC on 3 Mar; wall 23:30 on 3 Mar; night 3 Mar
    assert rows.loc[1, "start"] == utc("2026-03-03 14:30")
    assert rows.loc[1, "local_start"] == pd.Timestamp("2026-03-03 23:30")
    assert rows.loc[1, "night"] == day("2026-03-03")
    # row 2: 05:00 at +09:00 = 20:00 UTC on 3 Mar; wall 05:00 on 4 Mar; 05:00 - 4 h = 01:00 -> night 4 Mar
    # (the UTC clock, 20:00 on 3 Mar, would have put it on 3 Mar)
    assert rows.loc[2, "start"] == utc("2026-03-03 20:00")
    assert rows.loc[2, "local_start"] == pd.Timestamp("2026-03-04 05:00")
    assert rows.loc[2, "night"] == day("2026-03-04")
    # row 3: 02:00 at +01:00 = 01:00 UTC on 5 Mar; wall 02:00 on 5 Mar; 22:00 on 4 Mar -> night 4 Mar
    assert rows.loc[3, "start"] == utc("2026-03-05 01:00")
    assert rows.loc[3, "local_start"] == pd.Timestamp("2026-03-05 02:00")
    assert rows.loc[3, "night"] == day("2026-03-04")
    # row 4: 22:00 at +01:00 = 21:00 UTC on 5 Mar; wall 22:00; night 5 Mar
    assert rows.loc[4, "start"] == utc("2026-03-05 21:00")
    assert rows.loc[4, "local_start"] == pd.Timestamp("2026-03-05 22:00")
    assert rows.loc[4, "night"] == day("2026-03-05")


def test_offset_wins_over_the_file_zone(write_text):
    path = write_text("offset.csv", HEADER + "s1,2026-03-03T23:30:00+09:00,60,quads\n")
    segments, _, _ = load(path, tz="Europe/Berlin")
    # the offset says +09:00: 14:30 UTC, wall clock 23:30 as written (not 15:30 Berlin time)
    assert segments["start"].iloc[0] == utc("2026-03-03 14:30")
    assert segments["local_start"].iloc[0] == pd.Timestamp("2026-03-03 23:30")


def test_negative_and_half_hour_offsets():
    got = parse_times(pd.Series(["2026-03-03T20:00-03:30", "2026-03-03T09:05:30+05:30"]))
    # 20:00 at -03:30 = 23:30 UTC; 09:05:30 at +05:30 = 03:35:30 UTC
    assert got["instant"].tolist() == [utc("2026-03-03 23:30"), utc("2026-03-03 03:35:30")]
    assert got["local"].tolist() == [pd.Timestamp("2026-03-03 20:00"), pd.Timestamp("2026-03-03 09:05:30")]
    assert got["reason"].isna().all()


# --- naive times and time zones ---------------------------------------------------------------

def test_spring_forward_gap_shifts_forward(write_text):
    # Berlin, 29 Mar 2026: clocks jump from 02:00 CET to 03:00 CEST; 02:30 does not exist.
    path = write_text("gap.csv", HEADER + "s1,2026-03-29 02:30,60,quads\n")
    segments, rejects, _ = load(path, tz="Europe/Berlin")
    assert len(rejects) == 0
    # shifted forward to the end of the gap: 03:00 CEST = 01:00 UTC
    assert segments["local_start"].iloc[0] == pd.Timestamp("2026-03-29 03:00")
    assert segments["start"].iloc[0] == utc("2026-03-29 01:00")
    # 03:00 - 4 h = 23:00 on 28 Mar -> night 28 Mar
    assert segments["night"].iloc[0] == day("2026-03-28")


def test_autumn_fold_is_refused_as_ambiguous(write_text):
    # Berlin, 25 Oct 2026: clocks go back from 03:00 CEST to 02:00 CET; 02:30 happens twice.
    path = write_text("fold.csv", HEADER + (
        "s1,2026-10-25 02:30,60,quads\n"
        "s1,2026-10-25T02:30+02:00,60,quads\n"  # with an offset it is the first 02:30: 00:30 UTC
    ))
    segments, rejects, _ = load(path, tz="Europe/Berlin")
    assert len(rejects) == 1
    reject = rejects.iloc[0]
    assert reject["source_row"] == 1
    assert reject["column"] == "start"
    assert "ambiguous" in reject["reason"]
    assert segments["source_row"].tolist() == [2]
    assert segments["start"].iloc[0] == utc("2026-10-25 00:30")


def test_duration_across_spring_forward_is_absolute(write_text):
    path = write_text("span.csv", "subject_id,start,end,region\n"
                                  "s1,2026-03-29 01:50,2026-03-29 03:10,quads\n")
    segments, rejects, _ = load(path, tz="Europe/Berlin")
    assert len(rejects) == 0
    # 01:50 CET = 00:50 UTC; 03:10 CEST = 01:10 UTC; 20 minutes = 1200 s (the wall clock says 80 min)
    assert segments["duration_s"].iloc[0] == 1200.0
    assert segments["start"].iloc[0] == utc("2026-03-29 00:50")


def test_duration_across_fall_back_is_absolute(write_text):
    path = write_text("span.csv", "subject_id,start,end,region\n"
                                  "s1,2026-10-25 01:50,2026-10-25 03:10,quads\n")
    roomy = Program.default().replace(limits={"max_segment_s": 10000})
    segments, rejects, _ = load(path, tz="Europe/Berlin", program=roomy)
    assert len(rejects) == 0
    # 01:50 CEST = 23:50 UTC on 24 Oct; 03:10 CET = 02:10 UTC; 2 h 20 min = 8400 s (wall clock: 80 min)
    assert segments["duration_s"].iloc[0] == 8400.0


def test_tz_column_overrides_the_file_zone(write_text):
    path = write_text("zones.csv", "subject_id,start,duration_s,region,tz\n"
                                   "s1,2026-03-03 23:50,60,quads,Asia/Tokyo\n"
                                   "s2,2026-03-03 23:50,60,quads,\n")
    segments, rejects, _ = load(path, tz="Europe/Berlin")
    assert len(rejects) == 0
    rows = by_row(segments)
    # row 1 in Tokyo (+09:00): 14:50 UTC; row 2 falls back to the file zone Berlin (+01:00): 22:50 UTC
    assert rows.loc[1, "start"] == utc("2026-03-03 14:50")
    assert rows.loc[2, "start"] == utc("2026-03-03 22:50")
    # both keep the wall clock written
    assert rows.loc[1, "local_start"] == pd.Timestamp("2026-03-03 23:50")
    assert rows.loc[2, "local_start"] == pd.Timestamp("2026-03-03 23:50")


def test_unknown_zone_name_is_refused(write_text):
    path = write_text("mars.csv", "subject_id,start,duration_s,region,tz\n"
                                  "s1,2026-03-03 23:50,60,quads,Mars/Olympus\n"
                                  "s1,2026-03-04 23:50,60,quads,Europe/Berlin\n")
    segments, rejects, _ = load(path)
    assert segments["source_row"].tolist() == [2]
    assert rejects["source_row"].tolist() == [1]
    assert rejects["column"].iloc[0] == "start"
    assert "unknown time zone" in rejects["reason"].iloc[0]
    assert "Mars/Olympus" in rejects["reason"].iloc[0]


def test_unknown_file_zone_refuses_naive_rows_only(write_text):
    path = write_text("mars.csv", HEADER + "s1,2026-03-03 23:50,60,quads\n"
                                           "s1,2026-03-04T23:50+01:00,60,quads\n")
    segments, rejects, _ = load(path, tz="Mars/Olympus")
    # the row with its own offset needs no zone
    assert segments["source_row"].tolist() == [2]
    assert rejects["source_row"].tolist() == [1]
    assert "unknown time zone" in rejects["reason"].iloc[0]


def test_naive_time_without_zone_is_refused(write_text):
    path = write_text("naive.csv", HEADER + "s1,2026-03-03 23:50,60,quads\n")
    segments, rejects, _ = load(path)
    assert len(segments) == 0
    assert rejects["column"].tolist() == ["start"]
    assert "no time zone" in rejects["reason"].iloc[0]


def test_empty_tz_cell_without_file_zone_is_refused_for_no_zone(write_text):
    # Regression: an empty tz cell next to a filled one used to be refused as "ambiguous".
    path = write_text("partial.csv", "subject_id,start,duration_s,region,tz\n"
                                     "s1,2026-03-03 23:50,60,quads,Europe/Berlin\n"
                                     "s1,2026-03-04 23:50,60,quads,\n")
    segments, rejects, _ = load(path)
    assert segments["source_row"].tolist() == [1]
    assert segments["start"].iloc[0] == utc("2026-03-03 22:50")  # 23:50 CET - 1 h
    assert rejects["source_row"].tolist() == [2]
    assert "no time zone" in rejects["reason"].iloc[0]
    assert "ambiguous" not in rejects["reason"].iloc[0]


def test_aware_parquet_row_without_tz_cell_keeps_its_own_wall_clock(tmp_path):
    # Regression: with a partly filled tz column, rows without a zone lost their wall clock
    # (NaT, then NaT night) although the datetime column carries its own zone.
    frame = pd.DataFrame({
        "subject_id": ["s1", "s1"],
        "start": pd.to_datetime(["2026-03-03 23:50", "2026-03-04 23:50"]).tz_localize("Europe/Berlin"),
        "duration_s": [60.0, 60.0],
        "region": ["quads", "quads"],
        "tz": ["Asia/Tokyo", None],
    })
    path = tmp_path / "aware.parquet"
    frame.to_parquet(path)
    segments, rejects, _ = load(path)
    assert len(rejects) == 0
    row = by_row(segments).loc[2]
    # 23:50 CET = 22:50 UTC; no tz cell: the column's own zone gives the wall clock 23:50, night 4 Mar
    assert row["start"] == utc("2026-03-04 22:50")
    assert row["local_start"] == pd.Timestamp("2026-03-04 23:50")
    assert row["night"] == day("2026-03-04")


def test_unreadable_times_are_refused():
    got = parse_times(pd.Series(["2026-02-30T10:00+01:00", "yesterday", "2026-03-03", ""]))
    assert got["instant"].isna().all()
    # 30 Feb does not exist, "yesterday" is no ISO time, a date alone has no time of day
    assert got["reason"].iloc[:3].str.startswith("unreadable time").all()
    assert got["reason"].iloc[3] == "missing time"


@pytest.mark.parametrize("text", ["2026-03-03T22:00:00Z", "2026-03-03T22:00z", "2026-03-03 22:00 UTC",
                                  "2026-03-03T23:00+0100", "2026-03-03T23:00+01"])
def test_offset_spellings(text):
    got = parse_times(pd.Series([text]))
    # each spelling names the instant 22:00 UTC
    assert got["instant"].iloc[0] == utc("2026-03-03 22:00")

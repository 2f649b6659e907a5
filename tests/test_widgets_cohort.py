"""The Cohort explorer without a browser: filters in, the per-subject table and CSV files out.

The hand-made cohort (60 s of quads at 21:00 +01:00 a night unless said; 2026; the export ends
on 15 March, the last night in the table), with an enrolment giving each an ``arm``:

| subject | arm | enrolled | rolls | progression | nights | compliant |
|---|---|---|---|---|---|---|
| a | A | 2 Mar | 2-8 Mar, 10 Mar | 6 Mar (300 s, 5th night) | 14 | 8 (5 daily, 3 maintenance) |
| b | B | 2 Mar | 2, 4, 6, 15 Mar | never (240 s) | 14 | 4 |
| c | A | 4 Mar | 30 s on 4 and 5 Mar, 200 s on 9 Mar | never (260 s) | 12 | 1 |
| =1+1 | B | 2 Mar | 100 s on 2, 3, 4 Mar, 60 s on 8 Mar | 4 Mar (3rd night) | 14 | 4 (3 daily) |

Maintenance windows: a 7-13 Mar (7, 8, 10: met), 14-15 partial; =1+1 5-11 Mar (8: not met),
12-15 partial. Adherence over everything: a 8/14, b 4/14, c 1/12, =1+1 4/14.
"""
from __future__ import annotations

import datetime as dt

import ipywidgets as W
import pandas as pd
import pytest

from rollstats.datasets import sample_path
from rollstats.widgets import CohortExplorer
from rollstats.widgets.cohort import cohort_tables, filter_nights, progression_times, subject_table

D = dt.date


def _rows(subject: str, days, seconds=60) -> list[dict]:
    return [{"subject_id": subject, "start": f"2026-03-{d:02d}T21:00:00+01:00", "region": "quads",
             "duration_s": seconds} for d in days]


ROWS = (_rows("a", [2, 3, 4, 5, 6, 7, 8, 10]) + _rows("b", [2, 4, 6, 15]) + _rows("c", [4, 5], 30)
        + _rows("c", [9], 200) + _rows("=1+1", [2, 3, 4], 100) + _rows("=1+1", [8]))
ENROLMENT = "subject_id,start,end,arm\na,2026-03-02,,A\nb,2026-03-02,,B\nc,2026-03-04,,A\n=1+1,2026-03-02,,B\n"


@pytest.fixture
def files(tmp_path):
    export = tmp_path / "cohort.csv"
    pd.DataFrame(ROWS).to_csv(export, index=False)
    enrolment = tmp_path / "enrolment.csv"
    enrolment.write_text(ENROLMENT, encoding="utf-8")
    return export, enrolment


@pytest.fixture
def explorer(files, tmp_path):
    export, enrolment = files
    widget = CohortExplorer(export, enrolment=enrolment, folder=tmp_path / "csv", figures=False)
    yield widget
    W.Widget.close_all()


def table(explorer) -> dict[str, tuple]:
    """subject -> (nights, compliant nights) of the per-subject table as shown."""
    t = explorer.subjects
    return {s: (n, c) for s, n, c in zip(t["subject_id"], t["nights_observed"], t["compliant_nights"])}


def order(explorer) -> list[str]:
    html = explorer.table_view.value
    return [cell.split("</td>")[0] for cell in html.split("<tr>\n      <td>")[1:]]


def test_the_whole_cohort_sorted_by_adherence(explorer):
    assert table(explorer) == {"a": (14, 8), "b": (14, 4), "c": (12, 1), "=1+1": (14, 4)}
    assert explorer.dates.value == (D(2026, 3, 2), D(2026, 3, 15))
    assert list(explorer.groups) == ["arm"] and explorer.groups["arm"].options == (("all", "all"), ("A", "A"),
                                                                                    ("B", "B"))
    # lowest first: c 1/12, then the tie at 4/14 by subject ('=' sorts before 'b'), then a 8/14
    assert order(explorer) == ["c", "=1+1", "b", "a"]
    explorer.sort_order.value = "highest first"
    assert order(explorer) == ["a", "=1+1", "b", "c"]
    s = explorer.subjects.set_index("subject_id")
    assert s.loc["a", "maintenance_windows_met"] == 1 and s.loc["=1+1", "maintenance_windows_complete"] == 1
    assert s.loc["=1+1", "maintenance_windows_met"] == 0 and s.loc["a", "nights_to_progression"] == 5
    assert explorer.summary.splitlines() == [
        "4 of 4 subjects; nights 2 Mar 2026 to 15 Mar 2026; all nights",
        "compliant nights: 17 of 54; adherence per subject: median 29%, from 8% to 57%",
        "progressed by the end of the range: 2 of 4",
        "maintenance windows met: 1 of 2"]


def test_subgroup_phase_and_dates_filter_the_table(explorer):
    explorer.groups["arm"].value = "A"
    assert table(explorer) == {"a": (14, 8), "c": (12, 1)}
    explorer.phase.value = "daily"  # a: 2-6 Mar; c: never progresses, all 12 nights
    assert table(explorer) == {"a": (5, 5), "c": (12, 1)}
    explorer.groups["arm"].value = "all"
    assert table(explorer) == {"a": (5, 5), "b": (14, 4), "c": (12, 1), "=1+1": (3, 3)}
    explorer.phase.value = "maintenance"  # only those who progressed
    assert table(explorer) == {"a": (9, 3), "=1+1": (11, 1)}
    explorer.phase.value = "all"
    explorer.dates.value = (D(2026, 3, 2), D(2026, 3, 8))
    assert table(explorer) == {"a": (7, 7), "b": (7, 3), "c": (5, 0), "=1+1": (7, 4)}
    s = explorer.subjects.set_index("subject_id")
    assert s["maintenance_windows_complete"].sum() == 0  # no window lies wholly in 2-8 Mar
    assert "nights 2 Mar 2026 to 8 Mar 2026" in explorer.summary_view.value


def test_time_to_progression_is_censored_at_the_end_of_the_range(files):
    export, enrolment = files
    from rollstats import load, read_enrolment

    tables = cohort_tables(load(export).segments, enrolment=read_enrolment(enrolment))
    times = progression_times(tables, "2026-03-02", "2026-03-05")
    # a progresses on its 5th night (6 Mar), after the range: censored at 4 nights; =1+1 on its 3rd
    assert times.set_index("subject_id").loc[["a", "=1+1", "b", "c"]].values.tolist() == [
        [4, False], [3, True], [4, False], [2, False]]
    assert sorted(filter_nights(tables, groups={"arm": "B"})["subject_id"].unique()) == ["=1+1", "b"]
    assert sorted(subject_table(tables, groups={"arm": "B"})["subject_id"]) == ["=1+1", "b"]


def test_csv_files_hold_the_filtered_tidy_tables(explorer, tmp_path):
    explorer.groups["arm"].value = "B"
    written = explorer.write_csv()
    assert [p.name for p in written] == ["cohort-arm-B-2026-03-02-to-2026-03-15-subjects.csv",
                                         "cohort-arm-B-2026-03-02-to-2026-03-15-nights.csv",
                                         "cohort-arm-B-2026-03-02-to-2026-03-15-weeks.csv"]
    assert "Written for nights 2 Mar 2026 to 15 Mar 2026, all nights, arm = B" in explorer.csv_status.value
    subjects = pd.read_csv(written[0], dtype={"subject_id": str})
    assert subjects["subject_id"].tolist() == ["'=1+1", "b"]  # the formula neutralised; sorted by adherence
    assert subjects["compliant_nights"].tolist() == [4, 4] and subjects["arm"].tolist() == ["B", "B"]
    nights = pd.read_csv(written[1])
    assert len(nights) == 28 and set(nights["subject_id"]) == {"'=1+1", "b"}
    weeks = pd.read_csv(written[2])
    assert weeks["week"].tolist() == [0, 1] and weeks["subjects"].tolist() == [2, 2]
    assert all(str(p) in explorer.csv_status.value for p in written)
    assert explorer.downloads.value.count("href='data:text/csv;base64,") == 3

    explorer.phase.value = "daily"
    assert explorer.csv_status.value == "" and explorer.downloads.value == ""   # a new filter clears them
    daily = explorer.write_csv()
    nights = pd.read_csv(daily[1])
    assert len(nights) == 14 + 3  # b: all 14 nights; =1+1: 2-4 Mar
    explorer.groups["arm"].value = "A"
    explorer.phase.value = "all"
    other = explorer.write_csv()
    # three filters, nine files: none written over another
    assert daily[0].name == "cohort-arm-B-daily-2026-03-02-to-2026-03-15-subjects.csv"
    assert other[0].name == "cohort-arm-A-2026-03-02-to-2026-03-15-subjects.csv"
    assert len({p.name for p in written + daily + other}) == 9
    assert pd.read_csv(written[0])["arm"].tolist() == ["B", "B"]  # the B file is still B's


def test_css_classes_and_layout(explorer):
    for name, css in {"path": "rs-path", "load_button": "rs-load", "dates": "rs-dates", "phase": "rs-phase",
                      "sort": "rs-sort", "table_view": "rs-subject-table", "csv_button": "rs-csv-button",
                      "progress": "rs-progress", "distribution": "rs-figure-distribution"}.items():
        assert css in getattr(explorer, name)._dom_classes, name
    assert "rs-group-arm" in explorer.groups["arm"]._dom_classes
    assert explorer.groups_box.children == (explorer.groups["arm"],)


def test_figures_follow_the_filters(files, tmp_path):
    export, enrolment = files
    explorer = CohortExplorer(export, enrolment=enrolment, dpi=40)
    try:
        before = [explorer.distribution.value, explorer.by_week_image.value, explorer.progression.value]
        assert all(data[:4] == b"\x89PNG" for data in before)
        explorer.phase.value = "daily"
        after = [explorer.distribution.value, explorer.by_week_image.value, explorer.progression.value]
        assert after[0] != before[0] and after[1] != before[1]
        assert after[2] == before[2]  # time to progression does not depend on the phase filter
    finally:
        W.Widget.close_all()


def test_the_shipped_cohort_has_no_group_filter_and_errors_are_shown(tmp_path):
    explorer = CohortExplorer(sample_path("cohort"), figures=False)
    try:
        assert explorer.groups == {} and len(explorer.subjects) == 29   # 30 in the file, S05 left out
        explorer.enrolment.value = str(tmp_path / "missing.csv")
        explorer.load_button.click()
        assert "Not read" in explorer.status.value
        assert len(explorer.subjects) == 29  # what was shown stays
    finally:
        W.Widget.close_all()


def test_the_table_has_plain_headers_and_sorts_by_any_column(explorer):
    head = explorer.table_view.value.split("</thead>")[0]
    assert "<th>compliant nights</th>" in head and "<th>adherence %</th>" in head and "<th>subject</th>" in head
    assert "compliant_nights" not in head and "_s<" not in head
    assert explorer.table_view.value.count("<tr") == 1 + 4   # header and every subject: nothing cut
    assert explorer.table_view.layout.max_height is None   # no inner scroll: every row on the page
    assert "None" not in explorer.table_view.value   # b and c never progress: empty cells
    assert ("nights to progression", "nights_to_progression") in explorer.sort.options
    explorer.sort.value = "nights_to_progression"   # =1+1: 3, a: 5, then b and c (never) by subject
    assert order(explorer) == ["=1+1", "a", "b", "c"]
    explorer.sort.value = "compliant_nights"        # c 1, then b and =1+1 (4) by subject, a 8
    assert order(explorer) == ["c", "=1+1", "b", "a"]
    explorer.groups["arm"].value = "A"              # a new filter keeps the sort
    assert explorer.sort.value == "compliant_nights" and order(explorer) == ["c", "a"]


def test_needs_attention_lists_alerts_then_flags_worst_first(explorer):
    # over 2-15 Mar: a last rolled on 10 Mar (5 nights without), c on 9 Mar (6), =1+1 on 8 Mar (7): all
    # three past the 2 nights of low engagement; b rolled on 15 Mar. Flags: adherence under half (b and =1+1
    # 4/14, c 1/12) and =1+1's one complete maintenance window, missed.
    assert explorer.attention.values.tolist() == [
        ["=1+1", "low_engagement", 7, "adherence 29%; 1 of 1 maintenance windows missed"],
        ["c", "low_engagement", 6, "adherence 8%"],
        ["a", "low_engagement", 5, ""],
        ["b", "", 0, "adherence 29%"]]
    assert "<b>=1+1</b>: low engagement (7 nights without rolling); adherence 29%" in explorer.attention_view.value
    # 2-8 Mar: a and =1+1 rolled on 8 Mar (=1+1 4 of 7 nights, no complete window); b not since 6 Mar
    # (2 nights, 3 of 7 compliant), c not since 5 Mar (3 nights, 0 of 5): the longer run first
    explorer.dates.value = (D(2026, 3, 2), D(2026, 3, 8))
    assert explorer.attention.values.tolist() == [["c", "low_engagement", 3, "adherence 0%"],
                                                  ["b", "low_engagement", 2, "adherence 43%"]]


def test_subjects_left_out_are_named_with_the_reason(files, tmp_path):
    export, _ = files
    enrolment = tmp_path / "partial.csv"
    enrolment.write_text("subject_id,start,end,arm\na,2026-03-02,,A\nb,2026-03-02,,B\nz,2026-03-02,,B\n")
    explorer = CohortExplorer(export, enrolment=enrolment, figures=False)
    try:
        # z is enrolled without a row: observed, 14 nights without rolling; c and =1+1 are not enrolled
        assert sorted(explorer.subjects["subject_id"]) == ["a", "b", "z"]
        assert explorer.excluded[["subject_id", "reason"]].values.tolist() == [["=1+1", "not_enrolled"],
                                                                               ["c", "not_enrolled"]]
        # in the cohort report's words: c has three segments, on 4, 5 and 9 Mar
        assert ("Left out: <b>c</b>: not in the enrolment file (3 segments, 4 Mar 2026 to 9 Mar 2026)"
                in explorer.excluded_view.value)
    finally:
        W.Widget.close_all()


def test_choosing_a_subject_opens_its_review_below(explorer):
    from rollstats.widgets import PatientReview

    assert [v for _, v in explorer.review_pick.options] == ["", "c", "=1+1", "b", "a"]
    explorer.review_pick.value = "b"
    assert isinstance(explorer.review, PatientReview) and explorer.review.subject.value == "b"
    assert explorer.review.widget in explorer.review_box.children
    assert "Patient review of b" in explorer.review_box.children[0].value
    explorer.groups["arm"].value = "A"    # b leaves the table: the choice is cleared, the review stays named
    assert [v for _, v in explorer.review_pick.options] == ["", "c", "a"]
    explorer.review_pick.value = "a"
    assert explorer.review.subject.value == "a"
    explorer.review_pick.value = ""
    assert explorer.review is None and explorer.review_box.children == ()


def test_the_dates_chosen_are_written_in_full(explorer):
    assert explorer.dates.readout is False
    assert explorer.dates_label.value == "2 Mar 2026 to 15 Mar 2026"
    explorer.dates.value = (D(2026, 3, 3), D(2026, 3, 12))
    assert explorer.dates_label.value == "3 Mar 2026 to 12 Mar 2026"


def _shared(explorer_table: pd.DataFrame, summary: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    shared = [c for c in explorer_table.columns if c in summary.columns]
    mine = explorer_table[shared].sort_values("subject_id").reset_index(drop=True)
    return mine, summary[shared].sort_values("subject_id").reset_index(drop=True)


def test_the_whole_range_and_all_phases_is_the_summary_on_the_shared_columns(files):
    from rollstats import load, read_enrolment, summarize

    segments = load(sample_path("cohort")).segments
    explorer = CohortExplorer(segments=segments, figures=False)
    try:
        assert explorer.dates.value == (D(2026, 1, 5), D(2026, 5, 4)) and explorer.phase.value == "all"
        mine, summary = _shared(explorer.subjects, summarize(segments))
        assert mine.columns.tolist() == [
            "subject_id", "first_night", "last_night", "nights_observed", "compliant_nights", "rolled_s",
            "lateral_thigh_s", "progression_night", "nights_to_progression", "maintenance_windows_complete",
            "maintenance_windows_met", "maintenance_adherence"]
        pd.testing.assert_frame_equal(mine, summary)
    finally:
        W.Widget.close_all()
    # with an enrolment: each subject observed over its window, and the group column shared too
    export, enrolment = files
    segments = load(export).segments
    explorer = CohortExplorer(segments=segments, enrolment=enrolment, figures=False)
    try:
        mine, summary = _shared(explorer.subjects, summarize(segments, enrolment=read_enrolment(enrolment)))
        assert "arm" in mine.columns and len(mine) == 4
        pd.testing.assert_frame_equal(mine, summary, check_dtype=False)
    finally:
        W.Widget.close_all()


def test_a_subject_who_only_strengthened_is_left_out_as_in_the_summary_and_report(tmp_path):
    from rollstats import load, summarize
    from rollstats.metrics.left_out import left_out
    from rollstats.report import cohort_report

    result = load(sample_path("cohort"))
    summary = summarize(result.segments)
    explorer = CohortExplorer(sample_path("cohort"), figures=False)
    try:
        # S05 logged strengthening only: one answer, the summary's and the report's
        assert "S05" not in set(summary["subject_id"])
        pd.testing.assert_frame_equal(explorer.excluded, left_out(result.segments, summary))
        line = "<b>S05</b>: only strengthening logged, no rolling (79 segments, 23 Jan 2026 to 30 Apr 2026)"
        assert line in explorer.excluded_view.value
        report = cohort_report(summary, result.segments, result.report, result.rejects, explorer.program, images={})
        assert line in report
        # and nowhere else on the page: not a row, not "dropped out" in the attention list, not a review
        assert "S05" not in set(explorer.subjects["subject_id"]) and "S05" not in set(explorer.rows["subject_id"])
        assert "S05" not in set(explorer.attention["subject_id"]) and "S05" not in explorer.attention_view.value
        assert "S05" not in [v for _, v in explorer.review_pick.options]
        assert explorer.summary.splitlines()[0].startswith("29 of 29 subjects;")
        assert "29 subjects, 1 left out (named below)." in explorer.status.value
    finally:
        W.Widget.close_all()


def test_a_file_where_everyone_is_left_out_is_refused_with_the_reason(files, tmp_path):
    export, _ = files
    explorer = CohortExplorer(export, figures=False)
    try:
        only = tmp_path / "strength.csv"
        only.write_text("subject_id,start,duration_s,region,activity\n"
                        "s1,2026-03-02T21:00:00+01:00,300,,strengthening\n", encoding="utf-8")
        assert explorer.load(str(only)) is False
        assert ("Not read: strength.csv: no subject to show, all are left out (s1: only strengthening logged, "
                "no rolling (1 segment, 2 Mar 2026 to 2 Mar 2026))") in explorer.status.value
        assert sorted(explorer.subjects["subject_id"]) == ["=1+1", "a", "b", "c"]   # what was shown stays
    finally:
        W.Widget.close_all()


def test_the_file_box_shows_the_name_given(files, tmp_path, monkeypatch):
    export, _ = files
    explorer = CohortExplorer(sample_path("cohort"), figures=False)
    try:
        assert explorer.path.value == "cohort.csv"   # not the package's folder on this machine
        explorer.load(str(export))                   # a name typed (here: in code) stays as given
        assert explorer.path.value == str(export) and len(explorer.subjects) == 4
        explorer.load(sample_path("cohort"))
        monkeypatch.chdir(tmp_path)   # another cohort.csv here (4 subjects): Load reads the file behind the name
        explorer.load_button.click()
        assert "Not read" not in explorer.status.value and len(explorer.subjects) == 29
        assert explorer.status.value.startswith("<b>cohort.csv</b>: rows read 8285")
    finally:
        W.Widget.close_all()

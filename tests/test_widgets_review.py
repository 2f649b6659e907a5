"""The Patient review without a browser: load, set values, click buttons, read what it shows.

The hand-made export is the one of test_views_patient.py (subject s1 from 3 to 12 March 2026:
compliant on 4, 6, 7, 9 and 12 March; progression night 7 March; and a subject whose id is a
script tag). The shipped sample patient P1 is used where a longer log matters.
"""
from __future__ import annotations

import base64
import datetime as dt
import io

import ipywidgets as W
import numpy as np
import pytest
from matplotlib.image import AxesImage
from matplotlib.patches import Patch
from matplotlib.text import Text
from PIL import Image

from rollstats.datasets import sample_path
from rollstats.render import figure_png
from rollstats.views import FIGURES, drawing_key, review_figure
from rollstats.widgets import PatientReview

from test_views_patient import HOSTILE, write_export

D = dt.date


@pytest.fixture
def export(tmp_path):
    return write_export(tmp_path)


@pytest.fixture
def widget(export, tmp_path):
    """The review of the hand-made export, without figures (the tests of words run faster)."""
    review_ = PatientReview(export, folder=tmp_path / "reports", figures=False)
    yield review_
    W.Widget.close_all()


@pytest.fixture
def drawn(export, tmp_path):
    """The same, with its figures."""
    review_ = PatientReview(export, folder=tmp_path / "reports")
    yield review_
    W.Widget.close_all()


def compliant_line(review_: PatientReview) -> str:
    """The range's compliant nights (the first of the two: the range's group comes before the observation's)."""
    html = review_.summary_view.value
    return html.split("<th>Compliant nights</th><td>")[1].split("</td>")[0]


def test_loading_shows_the_first_subject_over_its_whole_observation(drawn, export):
    assert drawn.path.value == export.name   # a Path given in code shows as its file name
    labels = [label for label, _ in drawn.dates.options]   # the slider's own labels, first and last night
    assert drawn.dates_label.value == f"{labels[0]} to {labels[-1]}" and not drawn.dates.readout
    assert "hand-made.csv" in drawn.status.value and "rows read 11: accepted 11" in drawn.status.value
    assert drawn.progress.value == 100 and drawn.progress.description == "done"
    assert list(drawn.subject.options) == [HOSTILE, "s1"]  # sorted: '<' comes before 's'
    assert drawn.subject.value == HOSTILE
    assert drawn.dates.value == (D(2026, 3, 5), D(2026, 3, 12))
    for image in (drawn.calendar, drawn.timeline, drawn.bodymap):
        assert image.value[:4] == b"\x89PNG"
    assert "&lt;script&gt;" in drawn.summary_view.value and "<script>" not in drawn.summary_view.value


def test_every_control_and_view_has_its_css_class(widget):
    expected = {"path": "rs-path", "load_button": "rs-load", "upload": "rs-upload", "subject": "rs-subject",
                "dates": "rs-dates", "dates_label": "rs-dates-label", "night": "rs-night", "report_button": "rs-report-button",
                "report_folder": "rs-report-folder", "report_status": "rs-report-status",
                "calendar": "rs-figure-calendar", "timeline": "rs-figure-timeline", "bodymap": "rs-figure-bodymap",
                "mistakes": "rs-mistakes", "audit_view": "rs-audit", "summary_view": "rs-summary",
                "progress": "rs-progress"}
    for name, css in expected.items():
        assert css in getattr(widget, name)._dom_classes, name
    assert isinstance(widget.widget, W.Box)
    assert isinstance(widget.dates, W.SelectionRangeSlider) and isinstance(widget.progress, W.IntProgress)


def test_changing_subject_and_dates_recomputes_without_reading_the_file(drawn, export):
    export.unlink()  # nothing may be read again
    drawn.subject.value = "s1"
    assert drawn.dates.options[0] == ("3 Mar 2026", D(2026, 3, 3)) and len(drawn.dates.options) == 10
    assert drawn.dates.value == (D(2026, 3, 3), D(2026, 3, 12))
    assert compliant_line(drawn) == "5 of 10 nights (50%)"  # 4, 6, 7, 9, 12
    before = {name: getattr(drawn, name).value for name in ("calendar", "timeline", "bodymap")}

    drawn.dates.value = (D(2026, 3, 6), D(2026, 3, 10))
    assert compliant_line(drawn) == "3 of 5 nights (60%)"  # 6, 7, 9
    assert "In this range: Fri 6 Mar 2026 to Tue 10 Mar 2026 (5 nights)" in drawn.summary_view.value
    assert drawn.redrawn == ["calendar", "timeline", "bodymap"]
    for name, data in before.items():
        assert getattr(drawn, name).value != data, name
    assert [value for _, value in drawn.night.options] == [D(2026, 3, d) for d in range(6, 11)]
    assert "No rolling on the side of the thigh." in drawn.mistakes.value  # the IT band night (4 Mar) is out

    drawn.dates.value = (D(2026, 3, 3), D(2026, 3, 12))  # back: the images shown before, none redrawn
    assert drawn.redrawn == []
    assert {name: getattr(drawn, name).value for name in before} == before


def test_a_range_without_new_rolling_keeps_the_body_map(drawn):
    drawn.subject.value = "s1"
    drawn.dates.value = (D(2026, 3, 9), D(2026, 3, 12))
    bodymap = drawn.bodymap.value
    drawn.dates.value = (D(2026, 3, 9), D(2026, 3, 11))  # 12 Mar (calves) leaves: the map changes
    assert drawn.redrawn == ["calendar", "timeline", "bodymap"] and drawn.bodymap.value != bodymap
    drawn.dates.value = (D(2026, 3, 8), D(2026, 3, 11))  # 8 Mar has no rolling: same seconds, same map
    assert drawn.redrawn == ["calendar", "timeline"]


def test_the_mistakes_with_the_cards_advice(widget):
    widget.subject.value = "s1"
    shown = widget.mistakes.value
    assert ("\u2717</span> seen</span> <b>Rolling directly on the side of the thigh</b>: on 1 night, 13% of the time "
            "on the thighs. 30 s on the side of the thigh (IT band).") in shown
    assert "roll the 2 and 4 o&#x27;clock positions" not in shown  # the card's words, escaped as text
    assert "the 2 and 4 o&#x27;clock positions rather than 3 o&#x27;clock" in shown
    assert "1 of 2 weeks (7 nights each) had rolling but no strengthening exercise logged." in shown


def test_the_audit_of_a_chosen_night(widget):
    widget.subject.value = "s1"
    assert widget.night.value == D(2026, 3, 12)  # the last night of the range
    widget.night.value = D(2026, 3, 3)
    assert "night of 3 Mar 2026: 45 s on hips and legs, 15 s short of the 60 s minimum" in widget.audit_view.value
    widget.night.value = D(2026, 3, 7)
    assert "night of 7 Mar 2026: 310 s on hips and legs in total, reaching the 300 s threshold" in (
        widget.audit_view.value)
    widget.dates.value = (D(2026, 3, 6), D(2026, 3, 9))  # the chosen night is still in the range: kept
    assert widget.night.value == D(2026, 3, 7)
    widget.dates.value = (D(2026, 3, 9), D(2026, 3, 12))  # no longer: the last night of the range
    assert widget.night.value == D(2026, 3, 12)
    assert "Notes: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; felt tight" in widget.audit_view.value


def test_the_report_button_writes_one_escaped_html_file(widget, tmp_path):
    widget.report_dpi = 40  # small figures: faster
    widget.dates.value = (D(2026, 3, 6), D(2026, 3, 12))
    widget.report_button.click()
    path = tmp_path / "reports" / "rollstats-review-script_alert_1_script-5c140d35-2026-03-06-2026-03-12.html"
    assert path.is_file()
    assert str(path) in widget.report_status.value and "rs-report-path" in widget.report_status.value
    assert "download=" in widget.report_status.value  # and a data: link for a browser
    text = path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script" not in text
    assert "&lt;img src=x onerror=alert(2)&gt;" not in text  # that note is from 5 Mar, out of the range
    assert text.count("data:image/png;base64,") == 3
    assert "hand-made.csv" in text  # the file read, its name only


def test_report_into_a_folder_that_cannot_be_made(widget, tmp_path):
    (tmp_path / "file").write_text("x")
    widget.report_folder.value = str(tmp_path / "file" / "sub")
    widget.report_button.click()
    assert "Report not written" in widget.report_status.value


def test_upload_a_file(export, tmp_path):
    review_ = PatientReview(figures=False)
    try:
        assert review_.subject.options == () and review_.dates.disabled
        data = export.read_bytes()
        review_.upload.value = ({"name": "upload.csv", "type": "text/csv", "size": len(data),
                                 "content": memoryview(data), "last_modified": dt.datetime(2026, 3, 13)},)
        assert review_.subject.options == (HOSTILE, "s1") and "upload.csv" in review_.status.value
        assert review_.source == "upload.csv"
    finally:
        W.Widget.close_all()


def test_errors_are_shown_not_raised(tmp_path):
    review_ = PatientReview(figures=False)
    try:
        review_.load_button.click()
        assert "Choose a file" in review_.status.value
        review_.path.value = str(tmp_path / "missing.csv")
        review_.load_button.click()
        assert "Not read" in review_.status.value and review_.progress.description == "failed"
        review_.report_button.click()
        assert "Load a file" in review_.report_status.value
        bad = tmp_path / "<b>bad.csv"
        bad.write_text("subject_id,start,duration_s\nx,never,60\n")
        review_.load(bad)
        assert "no accepted rows" in review_.status.value and "<b>bad" not in review_.status.value
        assert review_.subject.options == () and review_.summary_view.value == ""
    finally:
        W.Widget.close_all()


def test_the_shipped_patient(tmp_path):
    review_ = PatientReview(sample_path("patient"), figures=False)
    try:
        assert compliant_line(review_) == "28 of 90 nights (31%)"
        review_.dates.value = (D(2026, 1, 12), D(2026, 1, 18))  # the daily phase, up to the progression night
        assert compliant_line(review_) == "5 of 7 nights (71%)"
        assert review_.summary.splitlines()[8] == "  Daily phase: 5 of 7 nights compliant (71%)"
    finally:
        W.Widget.close_all()


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def test_figures_kept_drawn_give_the_picture_of_a_full_draw(drawn):
    """The live figures (drawn once, then only what moves redrawn over the kept pixels) give, pixel for
    pixel, the picture of a full draw, range after range: the body map losing its lateral-line warning
    (4 Mar) and its calves (12 Mar), the veils of the timeline and the calendar; and they show what a
    figure drawn from scratch shows (same texts, same colours; only the layout was fixed earlier)."""
    drawn.subject.value = "s1"
    drawn.dates.value = (D(2026, 3, 3), D(2026, 3, 9))
    for first, last in ((4, 10), (5, 12), (3, 11), (8, 8)):
        drawn.dates.value = (D(2026, 3, first), D(2026, 3, last))
        assert drawn.redrawn == list(FIGURES), (first, last)   # every picture drawn now, on a kept figure
        for name in FIGURES:
            live = drawn.pictures.live(drawing_key(drawn.view, name))
            shown = pixels(getattr(drawn, name).value)
            assert (shown != live.full_rgba()).any(axis=-1).sum() == 0, (first, last, name)
            assert drawing(live.figure) == drawing(review_figure(drawn.view, name)), (first, last, name)
    assert drawn.pictures.built == 2 * 2 + 1   # a calendar and a timeline per subject seen (two), one body map


def drawing(fig) -> list:
    """What a figure shows, apart from where the layout put it: visible texts, colours, images, limits."""
    def of(artist):
        if isinstance(artist, Text):
            return ("text", artist.get_text(), artist.get_color()) if artist.get_visible() else ("hidden",)
        if isinstance(artist, AxesImage):
            return ("image", artist.get_array().round(6).tolist())
        if isinstance(artist, Patch):   # and where it lies in data coordinates (veils move with the range)
            if not artist.get_visible() or artist.get_gid() is None:   # (spines: placed by the layout)
                return ("patch", artist.get_gid(), artist.get_visible())
            where = artist.get_path().get_extents(artist.get_patch_transform()).bounds
            return ("patch", artist.get_gid(), tuple(np.round(artist.get_facecolor(), 6)), tuple(np.round(where, 6)))
        return (type(artist).__name__,)
    shown = [of(t) for t in fig.texts]   # the figure's own texts: its title and super labels too
    for ax in fig.axes:
        shown.append(("limits", tuple(np.round(ax.get_xlim(), 6)), tuple(np.round(ax.get_ylim(), 6))))
        shown += [of(a) for a in ax.get_children() if isinstance(a, (Text, AxesImage, Patch))]
    return shown


def test_the_report_embeds_the_figures_on_screen(drawn, tmp_path):
    drawn.subject.value = "s1"
    drawn.dates.value = (D(2026, 3, 4), D(2026, 3, 9))
    drawn.report_button.click()
    text = (tmp_path / "reports" / "rollstats-review-s1-e8bc163c-2026-03-04-2026-03-09.html").read_text(encoding="utf-8")
    for image in (drawn.calendar, drawn.timeline, drawn.bodymap):  # drawn at the report's resolution: reused
        assert base64.b64encode(image.value).decode("ascii") in text


def test_the_pain_figure_is_kept_drawn_and_follows_the_range(tmp_path):
    """The shipped patient logs pain: the figure shows the weekly means of the whole observation and fades
    the weeks holding no night of the range. A new range redraws the veils and the title over the kept
    figure; the picture is a full draw's and the one a figure built from scratch for the report gives.
    A range without a score says so in words instead."""
    review_ = PatientReview(sample_path("patient"), folder=tmp_path, dpi=30, report_dpi=30)
    try:
        assert review_.pain.value[:4] == b"\x89PNG" and review_.pain_note.value == ""
        assert "rs-figure-pain" in review_.pain._dom_classes
        built = review_.pictures.built
        # weeks run Monday to Sunday from Mon 12 Jan 2026; Wed 14 Jan and Fri 20 Feb: the weeks of 12 Jan to 22 Feb
        for (m0, d0), (m1, d1), weeks in (((1, 12), (1, 25), "12 Jan 2026 to 25 Jan 2026"),
                                          ((1, 14), (2, 20), "12 Jan 2026 to 22 Feb 2026"),
                                          ((3, 1), (4, 11), "23 Feb 2026 to 12 Apr 2026")):
            review_.dates.value = (D(2026, m0, d0), D(2026, m1, d1))
            assert "pain" in review_.redrawn and review_.pain.layout.display is None, weeks
            live = review_.pictures.live(drawing_key(review_.view, "pain"))
            assert live.figure.axes[0].get_title(loc="left") == (
                f"P1: the weeks of {weeks} (this range); the other weeks faded")
            shown = pixels(review_.pain.value)
            assert (shown != live.full_rgba()).any(axis=-1).sum() == 0, weeks
            np.testing.assert_array_equal(shown, pixels(figure_png(review_figure(review_.view, "pain"), 30)))
        assert review_.pictures.built == built   # changed in place: no figure built
        text = review_.write_report().read_text(encoding="utf-8")
        assert text.count("data:image/png;base64,iVBORw0KGgo") == 4
        assert base64.b64encode(review_.pain.value).decode("ascii") in text   # the picture on screen
        review_.dates.value = (D(2026, 3, 25), D(2026, 3, 31))   # no session with a score these nights
        assert review_.pain.value == b"" and review_.pain.layout.display == "none" and "pain" not in review_.redrawn
        assert review_.pain_note.value == "<i>No pain score logged in this range.</i>"
        review_.dates.value = (D(2026, 3, 16), D(2026, 3, 31))   # 16 Mar has a score: shown, on the kept figure
        assert review_.pain_note.value == "" and review_.pain.layout.display is None
        live = review_.pictures.live(drawing_key(review_.view, "pain"))
        assert (pixels(review_.pain.value) != live.full_rgba()).any(axis=-1).sum() == 0
        assert review_.pictures.built == built
    finally:
        W.Widget.close_all()


def test_the_review_shows_the_first_questions_and_the_scopes(widget):
    widget.subject.value = "s1"
    widget.dates.value = (D(2026, 3, 8), D(2026, 3, 12))
    shown = widget.summary_view.value
    assert "<th colspan='2' class='rs-group'>As of Thu 12 Mar 2026</th>" in shown
    assert "<th>Last rolled</th><td>Thu 12 Mar 2026, the last night shown</td>" in shown
    assert "<th>Daily phase</th><td>no night of the daily phase in this range</td>" in shown
    assert "Whole observation: Tue 3 Mar 2026 to Thu 12 Mar 2026 (10 nights)" in shown
    assert " 0 of 0" not in shown

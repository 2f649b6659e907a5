"""The cohort report of ``rollstats summary --report``: its HTML parsed into sections, headers, rows
and lists, checked against figures worked out by hand from a small export."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from rollstats.cli import main

# A: 3 Mar 200 s quads, 4 Mar 30 s IT band + 70 s calves, 5 Mar nothing, 6 Mar 90 s glutes.
#    4 nights, 3 compliant; cumulative 200, 300 -> progresses on 4 Mar (night 2): daily phase
#    3-4 Mar, 2 of 2 compliant; maintenance 5-6 Mar, no complete 7-night window -> "—".
#    Flags: 30 s on the side of the thigh -> true; strengthening is in the file but not A's -> true;
#    4 regions -> not narrow; no holds logged -> too fast cannot be told.
# D: 3 Mar 90 s glutes only. Observation ends on the export's last night, 6 Mar: 4 nights, 1
#    compliant, never progresses (90 < 300 s) -> daily phase 1 of 4 (25%). 4-6 Mar without
#    rolling: 3 nights, at least the 2 of an alert -> low engagement since 4 Mar; one region ->
#    too few regions; no strengthening.
# <b>B</b>: strengthening only -> left out, escaped.   One row refused (no subject).
EXPORT = """subject_id,start,duration_s,region,activity
A,2026-03-03T21:00:00+01:00,200,quads,
A,2026-03-04T21:00:00+01:00,30,IT band,
A,2026-03-04T21:01:00+01:00,70,calves,
A,2026-03-06T22:00:00+01:00,90,glutes,
D,2026-03-03T21:00:00+01:00,90,glutes,
<b>B</b>,2026-03-04T10:00:00+01:00,600,,strengthening
,2026-03-04T21:00:00+01:00,60,quads,
"""


class Page(HTMLParser):
    """The parts of the report a reader sees: h2 sections with their text, table cells, list items."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, list[str]] = {}
        self.current, self.tag, self.tables = None, [], []
        self.items: dict[str, list[str]] = {}
        self.images, self.meta, self.tags = [], [], set()
        self._text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag == "meta":
            self.meta.append(attrs)
        if tag == "table":
            self.tables.append({"class": attrs.get("class"), "headers": [], "rows": []})
        if tag == "tr":
            self.tables[-1]["rows"].append([])
        if tag in ("h2", "th", "td", "li", "p"):
            self._text = ""
        self.tag.append(tag)

    def handle_endtag(self, tag):
        text = " ".join(self._text.split())
        if tag == "h2":
            self.current = text
            self.sections[text], self.items[text] = [], []
        elif tag == "th":
            self.tables[-1]["headers"].append(text)
        elif tag == "td":
            self.tables[-1]["rows"][-1].append(text)
        elif tag == "li" and self.current:
            self.items[self.current].append(text)
        elif tag == "p" and self.current:
            self.sections[self.current].append(text)
        if self.tag:
            self.tag.pop()

    def handle_data(self, data):
        self._text += data


@pytest.fixture
def page(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["summary", str(path), "--report", str(out)]) == 0
    capsys.readouterr()
    raw = out.read_text(encoding="utf-8")
    parsed = Page()
    parsed.feed(raw)
    return raw, parsed


def test_the_sections_come_in_the_reading_order(page):
    _, p = page
    assert list(p.sections) == ["The cohort", "Figures", "Needs attention", "Per subject", "Subjects left out",
                                "What was read", "Rules in force"]


def test_the_cohort_is_told_in_words(page):
    _, p = page
    said = p.sections["The cohort"]
    # 4 + 4 nights, compliant 3 + 1 = 4 of 8; A progressed after 2 nights, D did not
    assert said[0] == ("2 subjects rolled over 8 nights, from 3 Mar 2026 to 6 Mar 2026; "
                       "4 of those nights were compliant (50%).")
    assert said[1] == "1 of 2 progressed to the next exercise, after a median of 2 nights (those who progressed)."
    # daily phase: A 100%, D 25% -> median 62.5% -> 62% (rounded half to even); no maintenance window
    assert said[2] == ("Median adherence in the daily phase: 62% of its nights compliant; in maintenance: "
                       "\u2014 of the 7-night windows met.")
    assert said[3] == "Left out: 1 subject of the export (see below); 1 row refused on reading."


def test_the_subject_table_has_plain_headers_and_words(page):
    _, p = page
    subjects, refused = p.tables
    assert subjects["class"] == "subjects"
    assert subjects["headers"] == ["Subject", "Nights", "Compliant nights", "Daily-phase adherence", "Progressed on",
                         "Maintenance windows met", "Mistakes flagged"]
    assert [r for r in subjects["rows"] if r] == [
        ["A", "4", "3", "2 of 2 (100%)", "4 Mar 2026", "\u2014", "side of thigh, no strengthening"],
        ["D", "4", "1", "1 of 4 (25%)", "\u2014", "\u2014", "no strengthening, few regions"],
    ]
    notes = " ".join(p.sections["Per subject"])
    assert "\u2014 means none" in notes and "None" not in notes
    # too fast cannot be told for either subject: no holds logged
    assert "The log cannot tell whether holds were long enough (no holds logged) for 2 subjects: A, D." in notes
    # the refused row (no subject) is row 7 of the file, in a table of its own
    assert refused["headers"] == ["File", "Row", "Column", "Value", "Reason"]
    assert [r[:3] for r in refused["rows"] if r] == [["export.csv", "7", "subject_id"]]


def test_needs_attention_puts_the_alert_first_then_the_mistakes_by_kind(page):
    _, p = page
    assert p.items["Needs attention"] == [
        "D: no rolling for the last 3 nights, since 4 Mar 2026 (low engagement); no strengthening logged, "
        "too few regions",
        "Rolled on the side of the thigh (1 subject): A",
        "No strengthening logged (1 subject): A",
    ]


def test_the_left_out_subject_is_named_with_the_reason_and_escaped(page):
    raw, p = page
    assert p.items["Subjects left out"] == [
        "<b>B</b>: only strengthening logged, no rolling (1 segment, 4 Mar 2026 to 4 Mar 2026)"]
    assert "&lt;b&gt;B&lt;/b&gt;" in raw and "<b>B</b>" not in raw.replace("<b>&lt;b&gt;B&lt;/b&gt;</b>", "")


def test_the_rules_are_sentences_not_settings(page):
    raw, p = page
    rules = p.items["Rules in force"]
    assert "A night is compliant with at least 60 s of rolling on the thighs, calves and hips (time on an " \
           "unspecified region counts too)." in rules
    assert any(r.startswith("Maintenance phase: after progression, each window of 7 nights asks for 2 to 3")
               for r in rules)
    assert "daily.minimum_s" not in raw and "<pre>" not in raw


def test_one_file_with_its_figures_inside_and_nothing_fetched(page):
    raw, p = page
    assert len(p.images) == 3 and all(src.startswith("data:image/png;base64,iVBORw0KGgo") for src in p.images)
    csp = [m["content"] for m in p.meta if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "img-src data:" in csp[0]
    assert not {"script", "link", "iframe"} & p.tags
    assert "http://" not in raw and "https://" not in raw

"""The one-file HTML report of a subject under review: figures embedded, every text escaped."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re
import unicodedata
from pathlib import Path

import pandas as pd

from ..metrics import failures
from .patient import FIGURE_TITLES, RULE_WORDS, Review, SubjectTables
from .patient_figures import PAIN, review_images
from .patient_mistakes import VERDICTS, Mistake, mistakes
from .patient_rules import rules_in_force
from .patient_words import day, key_figure_groups, night_audit, night_notes




# ----------------------------------------------------------------- the one-file report
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1100px; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
img { max-width: 100%; display: block; margin: 0.5em 0 1.5em; }
.note { color: #555; font-size: 0.9em; }
th.rs-group { background: #e4e9f2; }
"""
#: A rule's outcome on a night as a mark with words (never colour alone): met, not met, or neither
#: (a rest night of maintenance, which its window judges).
_OUTCOMES = {True: ("\u2713", "met", "#1a7837"), False: ("\u2717", "not met", "#b2182b"),
             None: ("\u25cb", "rest night", "#636363")}


def _mark(passed: bool | None) -> str:
    mark, words, colour = _OUTCOMES[passed]
    return (f"<span class='rs-outcome' style='color:{colour};font-weight:bold'>{mark} {words}:</span>")


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def data_uri(png_bytes: bytes) -> str:
    """A ``data:image/png;base64,...`` URI of PNG bytes (to embed an image in one HTML file)."""
    return "data:image/png;base64," + base64.b64encode(png_bytes).decode("ascii")


#: Longest readable part of a subject id in a report's file name (bytes of UTF-8).
_NAME_PART_BYTES = 60


def subject_tag(subject: str) -> str:
    """The first 8 hex digits of SHA-256 of the exact subject id (UTF-8): what tells apart
    subjects whose ids read alike in a file name.

    >>> subject_tag("P1")
    'fbeae7c1'
    """
    return hashlib.sha256(str(subject).encode("utf-8")).hexdigest()[:8]


def report_file_name(subject: str, first, last) -> str:
    """``rollstats-review-<subject>-<tag>-<first>-<last>.html``, at most 120 bytes of UTF-8.

    ``<subject>`` keeps the id's letters and digits (any script, NFC) and ``. _ -``, anything
    else becomes ``_``, cut to 60 bytes; ``<tag>`` is :func:`subject_tag` of the exact id, so
    ``Müller`` and ``Möller``, ``a/b`` and ``a_b``, or ``P1`` and ``p1`` (on a file system
    that ignores case) never share a name.

    >>> report_file_name("P1", "2026-01-12", "2026-04-11")
    'rollstats-review-P1-fbeae7c1-2026-01-12-2026-04-11.html'
    >>> report_file_name("<script>/../x", "2026-01-12", "2026-01-12")
    'rollstats-review-script_.._x-7712e2c6-2026-01-12-2026-01-12.html'
    """
    text = unicodedata.normalize("NFC", str(subject))
    kept = "".join(c if c.isalnum() or c in "._-" else "_" for c in text)
    safe = re.sub(r"_+", "_", kept).strip("._-") or "subject"
    safe = safe.encode("utf-8")[:_NAME_PART_BYTES].decode("utf-8", "ignore").rstrip("._-") or "subject"
    return (f"rollstats-review-{safe}-{subject_tag(subject)}-"
            f"{pd.Timestamp(first):%Y-%m-%d}-{pd.Timestamp(last):%Y-%m-%d}.html")


def _verdict(m: Mistake) -> str:
    mark, words, colour = VERDICTS[m.status]
    return (f"<span class='rs-verdict' style='color:{colour};font-weight:bold'>"
            f"<span class='rs-verdict-mark'>{_e(mark)}</span> {_e(words)}</span>")


def mistakes_html(items: list[Mistake]) -> str:
    """The mistakes, weighed, as HTML: those seen first (in the given order, the costliest first),
    each with its verdict mark and words, its cost, its calendar mark, what the log shows and the
    card's advice; then those not seen, then those the log cannot tell, apart and shorter
    (all text escaped; the colours are inline, so the widget shows them too)."""
    seen = [m for m in items if m.status is True]
    parts = []
    if seen:
        rows = "".join(
            f"<li class='rs-seen'>{_verdict(m)} <b>{_e(m.title)}</b>: {_e(m.cost)}. {_e(m.finding)} "
            f"<span class='note'>(calendar: {_e(m.calendar_mark)})</span>"
            f"<br><span class='note'>{_e(m.advice)}</span></li>" for m in seen)
        parts.append(f"<ol class='rs-mistakes-seen' style='padding-left:1.3em'>{rows}</ol>")
    else:
        parts.append("<p>None of the card's common mistakes seen in this range.</p>")
    for status, heading in ((False, "Not seen"), (None, "Cannot say")):
        rest = [m for m in items if m.status is status]
        if rest:
            rows = "".join(f"<li>{_verdict(m)} <b>{_e(m.title)}</b>: {_e(m.finding)}</li>" for m in rest)
            parts.append(f"<p class='rs-mistakes-{'not-seen' if status is False else 'unknown'}'"
                         f" style='margin:0.4em 0 0'><b>{heading}</b></p>"
                         f"<ul style='list-style:none;padding-left:0.5em;margin-top:0.2em'>{rows}</ul>")
    return f"<div class='rs-mistakes'>{''.join(parts)}</div>"


def key_figures_html(view: Review) -> str:
    """The key figures as an HTML table, under a heading row per scope (as of the last night shown,
    this range, the whole observation); all text escaped."""
    rows = f"<tr><th>Subject</th><td>{_e(view.subject)}</td></tr>" + "".join(
        f"<tr><th colspan='2' class='rs-group'>{_e(heading)}</th></tr>"
        + "".join(f"<tr><th>{_e(label)}</th><td>{_e(text)}</td></tr>" for label, text in lines)
        for heading, lines in key_figure_groups(view))
    return f"<table class='rs-key-figures'>{rows}</table>"


def rules_html(program) -> str:
    """The rules in force as an HTML list of sentences (:func:`rules_in_force`; all text escaped)."""
    return "<ul class='rs-rules'>" + "".join(f"<li>{_e(line)}</li>" for line in rules_in_force(program)) + "</ul>"


def night_audit_html(tables: SubjectTables, night) -> str:
    """Every rule checked on ``night`` and the notes logged that night, as HTML (all text escaped)."""
    rows = night_audit(tables, night)
    if rows.empty:
        return f"<p>{_e(day(night))}: not a night of this subject's observation.</p>"
    # passed: True (met), False (failed) or NA: a rest night of maintenance, judged with its window
    items = "".join(f"<li>{_mark(None if pd.isna(p) else bool(p))} {_e(m)}</li>"
                    for p, m in zip(rows["passed"], rows["message"]))
    notes = night_notes(tables, night)
    noted = ("<p class='note'>Notes: " + "; ".join(_e(n) for n in notes) + "</p>") if notes else ""
    return f"<p><b>Audit of the night of {_e(day(night))}</b></p><ul>{items}</ul>{noted}"


def patient_report_html(view: Review, images: dict[str, bytes] | None = None, title: str | None = None,
                        made: dt.datetime | None = None, source: str | None = None, dpi: float = 100) -> str:
    """The review of one subject over a range as one HTML page a clinician can attach to a record.

    Key figures, the card's common mistakes with its advice, the figures (``images``: PNG bytes
    by name, rendered at ``dpi`` when not given) embedded as ``data:image/png;base64`` URIs,
    the failed rules night by night, the notes logged, and the rules in force. Every text,
    subject id and note included, is HTML-escaped; the page loads nothing from elsewhere.
    ``made`` (default: now) and ``source`` (the file read, if any) are printed in the header.
    """
    images = images if images is not None else review_images(view, dpi)
    made = made or dt.datetime.now()
    program = view.program
    title = title or f"Rolling review of {view.subject}"
    figures = "".join(
        f"<h3>{_e(FIGURE_TITLES.get(name, name))}</h3>"
        f"<img alt='{_e(FIGURE_TITLES.get(name, name))} of {_e(view.subject)}' src='{data_uri(data)}'>"
        for name, data in images.items())
    if PAIN not in images:
        figures += f"<h3>{_e(FIGURE_TITLES[PAIN])}</h3><p>No pain score logged in this range.</p>"
    failed = failures(view.audit)  # missed maintenance windows first
    failed_rows = "".join(f"<tr><td>{_e(day(n))}</td><td>{_e(RULE_WORDS.get(r, r))}</td><td>{_e(m)}</td></tr>"
                          for n, r, m in zip(failed["night"], failed["rule"], failed["message"]))
    failed_html = (f"<table><tr><th>Night</th><th>Rule</th><th>What the log shows</th></tr>{failed_rows}</table>"
                   if failed_rows else "<p>No rule failed in this range.</p>")
    notes = view.notes
    note_rows = "".join(f"<tr><td>{_e(day(n))}</td><td>{_e(f'{pd.Timestamp(s):%H:%M}')}</td><td>{_e(t)}</td></tr>"
                        for n, s, t in zip(notes["night"], notes["start"], notes["notes"]))
    notes_html = (f"<table><tr><th>Night</th><th>Time</th><th>Note</th></tr>{note_rows}</table>"
                  if note_rows else "<p>No notes logged in this range.</p>")
    read = f" from <code>{_e(source)}</code>" if source else ""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        _subject_mark(view.subject),
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'\">",
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='note'>Nights {_e(day(view.first))} to {_e(day(view.last))}{read}. Made "
        f"{_e(f'{made:%Y-%m-%d %H:%M}')} with rollstats and the program <b>{_e(program.name)}</b>: "
        f"{_e(program.card)}</p>",
        "<h2>Key figures</h2>", key_figures_html(view),
        "<h2>Common mistakes</h2>", mistakes_html(mistakes(view)),
        "<h2>Figures</h2>", figures,
        "<h2>Rules not met</h2>", failed_html,
        "<h2>Notes logged</h2>", notes_html,
        "<h2>Rules in force</h2>", rules_html(program),
        "<p class='note'>Definitions of every figure: docs/definitions.md of rollstats.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_patient_report(view: Review, folder: str | Path = ".", images: dict[str, bytes] | None = None,
                         **options) -> Path:
    """Write :func:`patient_report_html` to ``<folder>/`` :func:`report_file_name`.

    The folder is created if needed; ``options`` go to :func:`patient_report_html`. A report of
    the same subject and nights is replaced; any other file of that name (another subject's
    report, whose id gives the same tag, or a file rollstats did not write) is never
    overwritten: :class:`FileExistsError`. Returns the path.

    >>> import tempfile, rollstats
    >>> from rollstats.datasets import sample_path
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(rollstats.load(sample_path("patient")).segments, "P1"))
    >>> write_patient_report(view, tempfile.mkdtemp(), images={}).name
    'rollstats-review-P1-fbeae7c1-2026-01-12-2026-04-11.html'
    """
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / report_file_name(view.subject, view.first, view.last)
    page = patient_report_html(view, images, **options)
    mark = _subject_mark(view.subject)
    if path.exists() and mark not in path.read_text(encoding="utf-8", errors="replace")[:4096]:
        raise FileExistsError(f"{path}: exists and is not a report of subject {view.subject!r}; "
                              "not overwritten (move it, or write the report to another folder)")
    path.write_text(page, encoding="utf-8")
    return path


def _subject_mark(subject: str) -> str:
    """The line in a report's head that names its subject by the SHA-256 of the exact id."""
    return f"<meta name='rollstats-subject' content='{hashlib.sha256(str(subject).encode('utf-8')).hexdigest()}'>"

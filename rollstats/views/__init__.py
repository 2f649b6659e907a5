"""Views: pure, per-subject and per-cohort views of the metrics that widgets and reports show.

A view computes its tables once, slices them by dates, tells them in words and says which
figures of :mod:`rollstats.plots` show them and how a range changes them; :mod:`rollstats.render`
turns those figures into pictures and keeps them, and widgets (:mod:`rollstats.widgets`) only
wire controls to both, so the screen and the report say the same. No widgets here, and no files
except the writers.

- :mod:`.patient` (+ ``patient_words``, ``patient_figures``, ``patient_html``): one subject under review;
- :mod:`.cohort`: a cohort filtered by dates, subgroup and phase.
"""

from .patient import (
    FIGURES,
    FIGURE_TITLES,
    MISTAKES,
    RULE_WORDS,
    Review,
    SubjectTables,
    review,
    subject_tables,
    subjects,
)
from .patient_words import (
    Mistake,
    day,
    key_figure_lines,
    key_figures,
    mistakes,
    night_audit,
    night_notes,
    summary_text,
)
from .patient_figures import (drawing_key, figure_key, review_drawing, review_figure, review_images, show_range,
                              show_review)
from .patient_html import (
    data_uri,
    key_figures_html,
    mistakes_html,
    night_audit_html,
    patient_report_html,
    report_file_name,
    write_patient_report,
)

__all__ = [
    "FIGURES",
    "FIGURE_TITLES",
    "MISTAKES",
    "Mistake",
    "RULE_WORDS",
    "Review",
    "SubjectTables",
    "data_uri",
    "day",
    "drawing_key",
    "figure_key",
    "key_figure_lines",
    "key_figures",
    "key_figures_html",
    "mistakes",
    "mistakes_html",
    "night_audit",
    "night_audit_html",
    "night_notes",
    "patient_report_html",
    "report_file_name",
    "review",
    "review_drawing",
    "review_figure",
    "review_images",
    "show_range",
    "show_review",
    "subject_tables",
    "subjects",
    "summary_text",
    "write_patient_report",
]

"""rollstats: adherence analytics for foam-rolling and massage-ball session logs.

The public API, in the order data flows (io -> metrics -> plots; the widgets, views and reports
have packages of their own: ``rollstats.widgets``, ``rollstats.views``, ``rollstats.report``)::

    import rollstats
    segments, rejects, report = rollstats.load("sample_data/cohort.csv")   # io
    table = rollstats.nights(segments)                                      # metrics
    summary = rollstats.summarize(segments)
    rollstats.audit(segments, subject="S01")
    rollstats.plot_calendar(table, "S01")                                   # plots

The rules applied are a :class:`Program` (the card by default; ``Program.from_toml(path)``
for your own). Every figure is defined in ``docs/definitions.md``.
"""
from .errors import IngestError, RollstatsError
from .program import Program, ProgramError, load_program
from .schema import SEGMENT_COLUMNS, SchemaError, validate_segments
# reading: exports of every format, mapping files, enrolment files, cohort stores (one door: load)
from .io import IngestReport, LoadResult, load
from .io.enrolment import read_enrolment
from .io.inspect import suggest_mapping
from .io.mapping import Mapping, MappingError, load_mapping
from .store import StoreError, read_store
from .store import append as append_to_store
from .privacy import PrivacyError, keygen, pseudonym, pseudonymise, read_key, write_export
# the card's rules and the research measures, as tables
from .metrics import (EnrolmentError, alerts, audit, check_windows, cohort_adherence, data_days, maintenance_windows,
                      nights, progression_nights, rolling_adherence, sessions, streaks, strength, strength_score,
                      summarize, symptom_summary)
from .metrics.cohort import (adherence_by_week_since_start, kaplan_meier, region_side_seconds, time_to_progression,
                             weekly_adherence)
# planning nights ahead
from .plan import (Plan, PlanError, load_plan, plan_segments, plan_summary, plan_to_csv, plan_vs_actual,
                   plan_warnings, project, save_plan, to_ics)
# figures from those tables
from .plots import (plot_adherence_by_week, plot_adherence_distribution, plot_body_map, plot_calendar,
                    plot_region_seconds, plot_time_to_progression, plot_timeline, plot_weekly_adherence)

from .render import show_figures_as_png

show_figures_as_png()  # inside IPython (a notebook, nbconvert, Voila) a Figure shows as a picture

__version__ = "0.1.0"

__all__ = [
    "RollstatsError", "IngestError", "ProgramError", "SchemaError",
    "Program", "load_program", "validate_segments", "SEGMENT_COLUMNS",
    "load", "LoadResult", "IngestReport", "read_enrolment",
    "Mapping", "MappingError", "load_mapping", "suggest_mapping",
    "read_store", "append_to_store", "StoreError",
    "keygen", "read_key", "pseudonym", "pseudonymise", "write_export", "PrivacyError",
    "nights", "summarize", "audit", "sessions", "maintenance_windows", "check_windows", "streaks",
    "progression_nights",
    "rolling_adherence", "cohort_adherence", "strength_score", "strength", "data_days", "alerts",
    "symptom_summary", "EnrolmentError",
    "region_side_seconds", "weekly_adherence", "adherence_by_week_since_start", "time_to_progression",
    "kaplan_meier",
    "Plan", "PlanError", "plan_segments", "project", "plan_warnings", "plan_summary", "to_ics", "plan_to_csv",
    "save_plan", "load_plan", "plan_vs_actual",
    "plot_calendar", "plot_timeline", "plot_body_map", "plot_region_seconds", "plot_weekly_adherence",
    "plot_adherence_distribution", "plot_adherence_by_week", "plot_time_to_progression",
]

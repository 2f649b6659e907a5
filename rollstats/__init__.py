"""rollstats: adherence analytics for foam-rolling and massage-ball session logs.

The public API, in the order data flows::

    import rollstats
    segments, rejects, report = rollstats.load("sample_data/cohort.csv")   # io
    table = rollstats.nights(segments)                                      # metrics
    summary = rollstats.summarize(segments)
    rollstats.audit(segments, subject="S01")

The rules applied are a :class:`Program` (the card by default; ``Program.from_toml(path)``
for your own). Every figure is defined in ``docs/definitions.md``.
"""
from .errors import IngestError, RollstatsError
from .io import IngestReport, LoadResult, load
from .metrics import (audit, check_windows, maintenance_windows, nights, progression_nights, sessions,
                      streaks, summarize)
from .io.enrolment import read_enrolment
from .metrics import (EnrolmentError, alerts, cohort_adherence, data_days, rolling_adherence, strength,
                      strength_score, symptom_summary)
from .program import Program, ProgramError, load_program
from .plan import (Plan, PlanError, load_plan, plan_segments, plan_summary, plan_to_csv, plan_vs_actual,
                   plan_warnings, project, save_plan, to_ics)
from .schema import SEGMENT_COLUMNS, SchemaError, validate_segments

__version__ = "0.1.0"

__all__ = [
    "load", "LoadResult", "IngestReport",
    "nights", "summarize", "audit", "sessions", "maintenance_windows", "check_windows", "streaks",
    "progression_nights",
    "read_enrolment", "rolling_adherence", "cohort_adherence", "strength_score", "strength",
    "data_days", "alerts", "symptom_summary", "EnrolmentError",
    "Program", "load_program",
    "Plan", "PlanError", "plan_segments", "project", "plan_warnings", "plan_summary", "to_ics", "plan_to_csv",
    "save_plan", "load_plan", "plan_vs_actual",
    "validate_segments", "SEGMENT_COLUMNS",
    "RollstatsError", "IngestError", "ProgramError", "SchemaError",
]

# figures (rollstats.plots) and the display tables behind them (rollstats.metrics.cohort)
from .metrics.cohort import (adherence_by_week_since_start, kaplan_meier, region_side_seconds,  # noqa: E402
                             time_to_progression, weekly_adherence)
from .plots import (plot_adherence_by_week, plot_adherence_distribution, plot_body_map, plot_calendar,  # noqa: E402
                    plot_region_seconds, plot_time_to_progression, plot_timeline, plot_weekly_adherence)

__all__ += [
    "region_side_seconds", "weekly_adherence", "adherence_by_week_since_start", "time_to_progression",
    "kaplan_meier",
    "plot_calendar", "plot_timeline", "plot_body_map", "plot_region_seconds", "plot_weekly_adherence",
    "plot_adherence_distribution", "plot_adherence_by_week", "plot_time_to_progression",
]

# any app's export (mapping file), the cohort store, and sharing with pseudonyms
from .io.inspect import suggest_mapping  # noqa: E402
from .io.mapping import Mapping, MappingError, load_mapping  # noqa: E402
from .privacy import PrivacyError, keygen, pseudonym, pseudonymise, read_key, write_export  # noqa: E402
from .store import StoreError, read_store  # noqa: E402
from .store import append as append_to_store  # noqa: E402

__all__ += [
    "Mapping", "MappingError", "load_mapping", "suggest_mapping",
    "read_store", "append_to_store", "StoreError",
    "keygen", "read_key", "pseudonym", "pseudonymise", "write_export", "PrivacyError",
]

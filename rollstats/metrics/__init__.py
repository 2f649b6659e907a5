"""Rules and metrics: pure functions from the canonical segment table to tables of figures.

Flow: segments -> :func:`nights` -> :func:`maintenance_windows`, :func:`check_windows`,
:func:`streaks`; segments -> :func:`sessions`; everything -> :func:`summarize`, :func:`audit`.
"""
from .audit import AUDIT_COLUMNS, audit, failures
from .flags import any_flag, check_windows, sessions
from .maintenance import maintenance_adherence, maintenance_windows, streaks
from .nights import REGION_COLUMNS, nights, progression_nights
from .observation import exercises_logged, observed
from .summary import FLAG_COLUMNS, summarize
from .cohort_table import cohort_table, counted_subjects
# research measures (docs/definitions.md, "Research measures")
from .engagement import (ALERT_LEVELS, alerts, alerts_summary, cohort_adherence, data_days,
                         data_days_summary, no_rolling_runs, rolling_adherence)
from .enrolment import EnrolmentError, enrolment_table, observation_windows, within_windows
from .research import RESEARCH_COLUMNS, research_summary
from .strength import strength, strength_score, strength_summary
from .recent import MISTAKE_KINDS, mistake_costs, mistake_nights, recent
from .symptoms import night_pain, pain_by_week, pain_weeks, resolution, session_pain, symptom_summary

__all__ = ["nights", "progression_nights", "maintenance_windows", "maintenance_adherence", "streaks",
           "sessions", "check_windows", "any_flag", "summarize", "audit", "failures", "observed", "exercises_logged",
           "REGION_COLUMNS", "FLAG_COLUMNS", "AUDIT_COLUMNS",
           "enrolment_table", "observation_windows", "within_windows", "EnrolmentError",
           "rolling_adherence", "cohort_adherence", "data_days", "data_days_summary", "alerts",
           "alerts_summary", "no_rolling_runs", "ALERT_LEVELS", "strength_score", "strength",
           "strength_summary", "session_pain", "pain_by_week", "night_pain", "resolution",
           "symptom_summary", "research_summary", "RESEARCH_COLUMNS", "pain_weeks", "recent",
           "mistake_nights", "mistake_costs", "MISTAKE_KINDS", "cohort_table", "counted_subjects"]

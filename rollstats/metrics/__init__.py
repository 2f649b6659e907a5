"""Rules and metrics: pure functions from the canonical segment table to tables of figures.

Flow: segments -> :func:`nights` -> :func:`maintenance_windows`, :func:`check_windows`,
:func:`streaks`; segments -> :func:`sessions`; everything -> :func:`summarize`, :func:`audit`.
"""
from .audit import AUDIT_COLUMNS, audit
from .flags import any_flag, check_windows, sessions
from .maintenance import maintenance_adherence, maintenance_windows, streaks
from .nights import REGION_COLUMNS, nights, observed, progression_nights
from .summary import FLAG_COLUMNS, summarize

__all__ = ["nights", "progression_nights", "maintenance_windows", "maintenance_adherence", "streaks",
           "sessions", "check_windows", "any_flag", "summarize", "audit", "observed",
           "REGION_COLUMNS", "FLAG_COLUMNS", "AUDIT_COLUMNS"]

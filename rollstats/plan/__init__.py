"""Planning sessions against the card: a plan, its projection, its words, its files.

- :mod:`.core`: the :class:`Plan` value type, checked when it is made;
- :mod:`.projection`: the planned segments and their projection through the same metrics as
  a real log;
- :mod:`.words`: warnings and summaries in plain words;
- :mod:`.files`: iCalendar and CSV exports, saving and loading, plan vs actual;
- :mod:`.marks`: the nights that break the card, plan and log on one calendar grid.
"""
from .core import PLAN_SIDES, PLAN_SUBJECT, REGION_WORDS, WEEKDAYS, Plan, PlanError, default_plan
from .projection import Projection, plan_segments, project
from .marks import broken_nights
from .files import load_plan, plan_to_csv, plan_vs_actual, save_plan, to_ics
from .words import card_rules, maintenance_schedule, maintenance_text, plan_summary, plan_warnings, progression_text

__all__ = ["Plan", "PlanError", "Projection", "default_plan", "plan_segments", "project", "plan_warnings",
           "plan_summary", "maintenance_schedule", "progression_text", "maintenance_text", "to_ics",
           "plan_to_csv", "save_plan", "load_plan", "plan_vs_actual", "WEEKDAYS", "REGION_WORDS",
           "PLAN_SIDES", "PLAN_SUBJECT", "card_rules", "broken_nights"]

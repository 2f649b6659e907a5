"""Widgets for JupyterLab: classes that wire ipywidgets controls to the package's pure functions.

Each widget keeps what it shows in attributes (HTML values, image bytes, tables), so it runs
and is tested without a browser; display one as the last expression of a notebook cell.

- :class:`Planner`: plan rolling nights, see the projected progression and maintenance,
  the card's warnings, export .ics / CSV, and compare a saved plan with the log.
- :class:`PatientReview`: one subject's log over a date range: calendar, timeline, body map,
  the card's common mistakes with its advice, any night's audit, a one-file HTML report.
- :class:`CohortExplorer`: a cohort filtered by dates, subgroup and phase: the cohort figures,
  a per-subject table sorted by adherence, CSV downloads of the tidy tables.
"""
from .cohort import CohortExplorer
from .planner import Planner
from .review import PatientReview

__all__ = ["Planner", "PatientReview", "CohortExplorer"]

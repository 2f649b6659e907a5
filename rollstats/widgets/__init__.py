"""Widgets for JupyterLab: classes that wire ipywidgets controls to the package's pure functions.

Each widget keeps what it shows in attributes (HTML values, image bytes, tables), so it runs
and is tested without a browser; display one as the last expression of a notebook cell.

- :class:`Planner`: plan rolling nights, see the projected progression and maintenance,
  the card's warnings, export .ics / CSV, and compare a saved plan with the log.
"""
from .planner import Planner

__all__ = ["Planner"]

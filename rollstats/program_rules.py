"""The rules of a program, one frozen dataclass per section of a program file.

Part of :mod:`rollstats.program` (import from there): that module reads a program file into
these sections, checks them and fills the defaults; this one only says what each field means.
The words people read are sections too, typed in :mod:`rollstats.program_words`.

>>> DailyRules(minimum_s=60.0, counted_regions=("calf",), unspecified_counts=True,
...            streak_scope="observation").minimum_s
60.0
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class NightRules:
    """When a night starts and what holds a session together."""

    day_start: dt.time  #: wall-clock time at which a new night begins
    session_gap_s: float  #: longest gap (s) between segments of one session


@dataclass(frozen=True)
class Limits:
    """Plausibility limits applied when reading exports."""

    max_segment_s: float  #: a segment longer than this (s) is refused


@dataclass(frozen=True)
class DailyRules:
    """The nightly goal of the daily phase."""

    minimum_s: float  #: seconds on hips and legs that make a night compliant
    counted_regions: tuple[str, ...]  #: regions that count as hips and legs
    unspecified_counts: bool  #: whether rolling with no region counts as hips and legs
    streak_scope: str  #: "observation" or "daily_phase"


@dataclass(frozen=True)
class ProgressionRules:
    """When the subject progresses to the next exercise."""

    total_s: float  #: seconds of hips-and-legs rolling that trigger progression
    mode: str  #: "cumulative" or "single_night"
    next_exercise: str  #: what the card says to do next


@dataclass(frozen=True)
class MaintenanceRules:
    """The keep-it-up goal after progression."""

    window_nights: int  #: nights per maintenance window
    min_per_window: int  #: compliant nights that meet a window
    max_per_window: int  #: more compliant nights than this are noted


@dataclass(frozen=True)
class MistakeRules:
    """The card's common mistakes, made checkable."""

    lateral_regions: tuple[str, ...]  #: regions that are "directly on the side of the thigh"
    thigh_regions: tuple[str, ...]  #: regions that make up thigh time
    min_hold_s: float  #: a session's mean hold under this (s) is "too fast"
    min_regions: int  #: a window covering fewer regions is "narrow"
    window_nights: int  #: window length (nights) for the standalone and narrow checks
    roll_instead_hours: tuple[int, ...]  #: right-thigh clock hours to roll instead (left: mirrored)


@dataclass(frozen=True)
class CheckinRules:
    """How a yes/no check-in (a session of unknown length) counts."""

    meets_minimum: bool  #: true: a check-in meets daily.minimum_s; false: logged but too short


@dataclass(frozen=True)
class MonitoringRules:
    """Engagement measures used by clinicians and studies beyond the card itself."""

    low_engagement_nights: int  #: nights in a row without rolling for a low-engagement alert
    stalled_nights: int  #: ... for a stalled alert
    dropped_nights: int  #: ... for a dropped alert
    data_days_period_nights: int  #: length of a remote-monitoring period (nights)
    data_days_required: int  #: nights with any rolling needed in a period


@dataclass(frozen=True)
class SymptomRules:
    """When symptoms count as resolved."""

    resolved_pain_max: float  #: pain (0-10) at or below this counts as resolved
    resolved_nights: int  #: logged nights in a row at or below it


__all__ = ["NightRules", "Limits", "DailyRules", "ProgressionRules", "MaintenanceRules", "MistakeRules",
           "CheckinRules", "MonitoringRules", "SymptomRules"]

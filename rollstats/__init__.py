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
from .program import Program, ProgramError, load_program
from .schema import SEGMENT_COLUMNS, SchemaError, validate_segments

__version__ = "0.1.0"

__all__ = [
    "load", "LoadResult", "IngestReport",
    "nights", "summarize", "audit", "sessions", "maintenance_windows", "check_windows", "streaks",
    "progression_nights",
    "Program", "load_program",
    "validate_segments", "SEGMENT_COLUMNS",
    "RollstatsError", "IngestError", "ProgramError", "SchemaError",
]

"""Readers: one module per file format, all producing the canonical segment table.

:func:`load` (:mod:`rollstats.io.sources`) is where every read starts: it decides which
reader reads each path and combines the parts by the one rule of :mod:`rollstats.io.combine`.
``READERS`` maps export file suffixes to readers.
"""
from .base import NATIVE_COLUMNS, RawTable, canonicalise
from .combine import DUPLICATE_KEY
from .loader import READERS
from .results import IngestReport, LoadResult
from .sources import Source, find_sources, load, parquet_pieces

__all__ = ["load", "LoadResult", "IngestReport", "READERS", "NATIVE_COLUMNS", "DUPLICATE_KEY",
           "RawTable", "canonicalise", "find_sources", "Source", "parquet_pieces"]

"""Readers: one module per file format, all producing the canonical segment table.

``load`` is the entry point; ``READERS`` maps file suffixes to readers.
"""
from .base import NATIVE_COLUMNS, RawTable, canonicalise
from .loader import DUPLICATE_KEY, READERS, IngestReport, LoadResult, expand_paths, load

__all__ = ["load", "LoadResult", "IngestReport", "READERS", "NATIVE_COLUMNS", "DUPLICATE_KEY",
           "RawTable", "canonicalise", "expand_paths"]

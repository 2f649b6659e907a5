"""Zips: Apple and Loop Habit Tracker exports with random contents (habits, types, units, Checkmarks values),
both layouts at once, unrelated members, empty and nested zips, damaged archives.

Each example draws a batch of files; every one must load with the row identity holding, or be
refused with one RollstatsError naming the file (see fuzzlib.py).
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import fuzzgen
import fuzzlib


@fuzzlib.fuzz_settings("zip")
@given(data=st.data())
def test_fuzz_zip(fuzz, data):
    fuzzlib.run_batch(fuzz, data, fuzzgen.zip_files(), fuzzlib.BATCH["zip"])

"""Apple Health export.xml: workouts with random attributes, bad dates and durations, records and other
elements, internal DTDs, entity declarations and external DTDs (refused), UTF-16, BOMs, truncated XML.

Each example draws a batch of files; every one must load with the row identity holding, or be
refused with one RollstatsError naming the file (see fuzzlib.py).
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import fuzzgen
import fuzzlib


@fuzzlib.fuzz_settings("apple")
@given(data=st.data())
def test_fuzz_apple(fuzz, data):
    fuzzlib.run_batch(fuzz, data, fuzzgen.apple_files(), fuzzlib.BATCH["apple"])

"""Native JSON: arrays, JSON lines, single objects, records that are not objects, nested and wrongly
typed values, NaN and huge numbers, deep nesting, other encodings, damaged bytes and garbage.

Each example draws a batch of files; every one must load with the row identity holding, or be
refused with one RollstatsError naming the file (see fuzzlib.py).
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import fuzzgen
import fuzzlib


@fuzzlib.fuzz_settings("json")
@given(data=st.data())
def test_fuzz_json(fuzz, data):
    fuzzlib.run_batch(fuzz, data, fuzzgen.json_files(), fuzzlib.BATCH["json"])

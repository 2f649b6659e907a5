"""Native Parquet: random column types (text, ints, floats, bools, naive and tz-aware timestamps of every
unit, dates, nulls, dictionaries, binary, decimals, durations, lists, structs), damaged bytes and garbage.

Each example draws a batch of files; every one must load with the row identity holding, or be
refused with one RollstatsError naming the file (see fuzzlib.py).
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import fuzzgen
import fuzzlib


@fuzzlib.fuzz_settings("parquet")
@given(data=st.data())
def test_fuzz_parquet(fuzz, data):
    fuzzlib.run_batch(fuzz, data, fuzzgen.parquet_files(), fuzzlib.BATCH["parquet"])

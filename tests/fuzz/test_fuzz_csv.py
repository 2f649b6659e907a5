"""Native CSV: encodings (UTF-8, BOM, UTF-16 with and without a mark, Latin-1, cp1252), delimiters, quoting,
embedded line breaks, decimal commas, blank lines, wrong column counts, damaged bytes and garbage.

Each example draws a batch of files; every one must load with the row identity holding, or be
refused with one RollstatsError naming the file (see fuzzlib.py).
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import fuzzgen
import fuzzlib


@fuzzlib.fuzz_settings("csv")
@given(data=st.data())
def test_fuzz_csv(fuzz, data):
    fuzzlib.run_batch(fuzz, data, fuzzgen.csv_files(), fuzzlib.BATCH["csv"])

"""One table of text cells, written as CSV, JSON, Parquet and XLSX: the four loads must agree
(all refused, or the same counts, rows accepted and rows refused on the same columns), and each
must pass the checks of every fuzzed file (see fuzzlib.py)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import fuzzgen
import fuzzlib


@fuzzlib.fuzz_settings("same")
@given(data=st.data())
def test_fuzz_same_table_in_four_formats(fuzz, data):
    fuzzlib.run_same(fuzz, data, fuzzgen.same_table_files())

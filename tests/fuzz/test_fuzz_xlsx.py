"""Native XLSX: small workbooks with mixed cell types (inline and shared strings, numbers, booleans, date
styles, ISO dates, errors, formulas), gaps and cells past the header, broken packages, damaged zips.

Each example draws a batch of files; every one must load with the row identity holding, or be
refused with one RollstatsError naming the file (see fuzzlib.py).
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import fuzzgen
import fuzzlib


@fuzzlib.fuzz_settings("xlsx")
@given(data=st.data())
def test_fuzz_xlsx(fuzz, data):
    fuzzlib.run_batch(fuzz, data, fuzzgen.xlsx_files(), fuzzlib.BATCH["xlsx"])

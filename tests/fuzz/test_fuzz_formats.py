"""One fuzz test per family of files (csv, json, parquet, xlsx, apple, zip), each fed by its
generator in fuzzgen.py and given its share of the budget; README.md in this folder says what
each generates.

Each example draws a batch of files; every one must load with the row identity holding, or be
refused with one RollstatsError naming the file (see fuzzlib.py). One family alone:
``python3 -m pytest tests/fuzz/test_fuzz_formats.py -k zip``.
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import fuzzgen
import fuzzlib


def _family_test(family: str, files):
    """The fuzz test of one family: its own hypothesis settings (budget) and generator, and its own
    name (named before hypothesis wraps it: the name keys its examples database)."""
    def test(fuzz, data):
        fuzzlib.run_batch(fuzz, data, files(), fuzzlib.BATCH[family])

    test.__name__ = test.__qualname__ = f"test_fuzz_{family}"
    return fuzzlib.fuzz_settings(family)(given(data=st.data())(test))


test_fuzz_csv = _family_test("csv", fuzzgen.csv_files)
test_fuzz_json = _family_test("json", fuzzgen.json_files)
test_fuzz_parquet = _family_test("parquet", fuzzgen.parquet_files)
test_fuzz_xlsx = _family_test("xlsx", fuzzgen.xlsx_files)
test_fuzz_apple = _family_test("apple", fuzzgen.apple_files)
test_fuzz_zip = _family_test("zip", fuzzgen.zip_files)

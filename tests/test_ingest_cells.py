"""Cell readers of the checking core on their own: ISO times read from the bytes, label keys
right from one batch to the next, stripping skipped only where it changes nothing, numbers cast
whole. Expected values are worked out with the standard library or by hand."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from rollstats.io import arrowcells as cells
from rollstats.io._fast import fixed_iso
from rollstats.io.coded import coded, labels
from rollstats.regions import normalise_label


def _us(*parts: int) -> int:
    return (datetime(*parts) - datetime(1970, 1, 1)) // timedelta(microseconds=1)


def test_fixed_iso_reads_each_layout_one_layout_per_column():
    # a column of one layout is read as one matrix of bytes; each case alone and all mixed
    cases = {
        "2024-02-29T23:59:59-05:30": (_us(2024, 2, 29, 23, 59, 59), -330.0),
        "1999-12-31T00:00:00+14:00": (_us(1999, 12, 31), 840.0),
        "2261-12-31T23:59:59Z": (_us(2261, 12, 31, 23, 59, 59), 0.0),
        "1678-01-01 00:00:00": (_us(1678, 1, 1), None),
    }
    for cell, (wall, offset) in cases.items():
        w, o, ok = fixed_iso(pd.Series([cell, cell], dtype="str"))
        assert ok.tolist() == [True, True], cell
        assert w.tolist() == [wall, wall], cell
        assert (np.isnan(o).all() if offset is None else o.tolist() == [offset, offset]), cell
    w, o, ok = fixed_iso(pd.Series(list(cases), dtype="str"))
    assert ok.all() and w.tolist() == [v[0] for v in cases.values()]


def test_fixed_iso_refuses_impossible_or_other_cells():
    bad = ["2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-04-31T00:00:00Z", "2024-03-03T24:00:00Z",
           "2024-03-03T23:5a:00Z", "2024-03-03T23:50:00+01-00", "2024/03/03T23:50:00Z", "1677-12-31T23:59:59Z",
           "2024-03-03X23:50:00", "2024-03-03T23:50:00+0100"]
    for cell in bad:
        w, o, ok = fixed_iso(pd.Series([cell] * 3, dtype="str"))
        assert not ok.any(), cell
        assert (w == np.iinfo(np.int64).min).all() and np.isnan(o).all(), cell


def _coded(columns: dict) -> dict:
    raw = cells.RawCells(columns)
    return {name: coded(raw, name) for name in columns}


def test_labels_give_normalise_label_keys_across_batches():
    # the first batch as plain text, the second dictionary-encoded as the CSV reader gives it
    first = labels(_coded({"region": pa.array(["Quads", " IT_band", None]),
                                 "side": pa.array([None, None, None], pa.string())}))
    second = labels(_coded({"region": pa.array(["quads", "Front  THIGH", "Quads"]).dictionary_encode(),
                                  "side": pa.array(["L", "l ", "x"]).dictionary_encode()}))
    for got, values in ((first["region"], ["Quads", " IT_band", None]),
                        (second["region"], ["quads", "Front  THIGH", "Quads"]),
                        (second["side"], ["L", "l ", "x"])):
        codes, keys = got
        expected = normalise_label(pd.Series(values, dtype="string")).tolist()
        assert [keys[c] for c in codes] == expected
    codes, keys = first["side"]
    assert [keys[c] for c in codes] == ["", "", ""]


def test_text_strips_only_where_needed():
    raw = pd.DataFrame({"tidy": ["a", "b c", None, "d"], "padded": ["a", " b", None, "c\t"],
                        "empty": ["a", "", "b", None], "wide": ["a", "\u00e9", "b", "c"]}, dtype="str")
    assert cells.text(raw, "tidy").to_pylist() == ["a", "b c", None, "d"]
    assert cells.text(raw, "padded").to_pylist() == ["a", "b", None, "c"]
    assert cells.text(raw, "empty").to_pylist() == ["a", None, "b", None]
    assert cells.text(raw, "wide").to_pylist() == ["a", "\u00e9", "b", "c"]
    nbsp = pd.DataFrame({"a": ["\u00a0x\u3000", "y"]}, dtype="str")
    assert cells.text(nbsp, "a").to_pylist() == ["x", "y"]


def test_numbers_cast_whole_and_cell_by_cell_agree():
    plain = pa.array(["90", None, "-0", "1.5", ".25"])
    assert cells.numbers(plain).tolist()[2:] == [0.0, 1.5, 0.25]
    assert np.isnan(cells.numbers(plain)[1]) and not np.signbit(cells.numbers(plain)[2])
    mixed = pa.array(["90", None, "-0", "1.5", ".25", "x"])
    assert cells.numbers(mixed)[[0, 2, 3, 4]].tolist() == [90.0, 0.0, 1.5, 0.25]
    assert np.isnan(cells.numbers(mixed)[[1, 5]]).all()

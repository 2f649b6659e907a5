"""Hypothesis strategies that build realistic but hostile exports of every format rollstats reads.

Each strategy returns a :class:`fuzzlib.Generated`: the file's bytes, its name, the options to
load it with, and what the generator knows (whether it must load, be refused, or either; how
many records it holds). Cells come from lists of valid, odd and invalid values as real exports
write them, plus short free text over a hostile alphabet; files are kept small (a few rows).
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

from fuzzlib import Generated

# --- cells ----------------------------------------------------------------------------------------

NATIVE = ("subject_id", "start", "end", "duration_s", "region", "side", "clock", "activity", "trigger",
          "hold_count", "hold_s", "pain_before", "pain_after", "notes", "tz", "checkin")
EXTRA_COLUMNS = ("device", "Unnamed: 0", "", "id", "start_time", "subject")
NUMBER_COLUMNS = ("duration_s", "clock", "hold_count", "hold_s", "pain_before", "pain_after")

SUBJECTS = ["s1", "s2", "P001", "", " ", "  s1  ", "17", "17.0", "ü-7", "=1+1", "null", "NaN", "NA",
            "None", "-", "s1\u00a0", "#N/A"]
TIMES = [
    "2026-03-03T22:00:00+01:00", "2026-03-03T21:00:00Z", "2026-03-03T23:50+01:00", "2026-03-04T05:00+09:00",
    "2026-03-03 21:30:00 +0100", "2016-11-14 07:25:41 -0700", "2026-03-03T21:30:00.123456+01:00",
    "2026-03-03T21:30:00,5Z", "2026-03-03T21:30", "2026-03-03 21:30:00", "2026-03-29 02:30", "2026-10-25 02:30",
    "2026-11-01T01:30:00", "2026-03-03", "21:30", "2026-02-30T21:00+01:00", "2026-03-03T25:00+01:00",
    "2026-03-03T21:00+25:00", "2026-03-03T21:00+14:00", "2026-03-03T21:00-12:00", "2026-03-03T21:00+0530",
    "2026-03-03T21:00+05", "2026-03-03T21:00 UTC", "2026-03-03T21:00z", "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00Z", "1677-09-21T00:12:43Z", "2262-04-12T00:00:00Z", "1970-01-01T00:00:00Z",
    "1709500000", "not a time", "", "  ", "nan", "NaT", "T", "2026-03-03T21:00:00+01:00junk",
    " 2026-03-03T22:00:00+01:00 ", "2026-03-03T22:01:30+01:00", "2026-03-03T21:59:00+01:00",
]
DURATIONS = ["60", "90", "90.5", "90.0", "0", "-5", "3600", "3600.0001", "4000", "1e3", "1e400", "-1e400",
             "inf", "-inf", "nan", "NaN", "1,5", "1.234,5", "60,5", "abc", "", " 60 ", "0x10", "60s",
             "1" + "0" * 30, "1_000", "٣٠", "True", "0.0000001", "-0", "+60", "1e-320"]
REGIONS = ["quads", "Quads", " QUADS ", "quadriceps", "front thigh", "hamstrings", "back thigh", "IT band",
           "ITB", "iliotibial band", "lateral thigh", "adductors", "inner thigh", "calves", "calf", "glutes",
           "glute", "buttocks", "hip", "thigh", "thigh_front", "thigh_outer_back", "unspecified", "other",
           "toes", "back", "", "IT-band", "Wade", "\U0001f9b5", '=HYPERLINK("x")']
SIDES = ["left", "right", "both", "L", "R", "Left", "", "middle", "l/r"]
CLOCKS = ["1", "2", "3", "4", "6", "9", "12", "12.0", "0", "13", "3.5", "x", "", "-3", "1e300", "inf"]
ACTIVITIES = ["", "rolling", "strengthening", "strength training", "other", "Rolling", "juggling", "foam rolling"]
TRIGGERS = ["", "routine", "symptom", "symptoms", "pain", "x"]
COUNTS = ["0", "3", "-1", "2.5", "x", "", "1e30", "inf", "nan", "9223372036854775808", "2"]
HOLDS = ["0", "5", "30.5", "-1", "99999", "x", "", "inf", "nan", "10"]
PAINS = ["0", "5", "10", "10.5", "-1", "11", "x", "", "nan", "inf", "3"]
NOTES = ["", "a", "comma, inside", 'quote " inside', "line\nbreak", "cr\rreturn", "tab\tx", "semi;colon",
         "pipe|x", "=cmd|' /C calc'!A0", "ü€", "\u2028sep", "long " * 20, "'single'", "\\"]
TZ_CELLS = ["", "Europe/Berlin", "UTC", "America/New_York", "Mars/Olympus", "Europe", "../../etc/passwd",
            "Europe/Berlin ", "utc", "EST", "Etc/GMT+5", "Asia/Kathmandu"]
CHECKINS = ["", "true", "yes", "1", "y", "false", "no", "TRUE", "x"]
#: Zones given to ``load(tz=...)``: None (no zone), real ones with DST or odd offsets, unknown ones.
LOAD_ZONES = [None, None, None, "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
              "Asia/Kathmandu", "Pacific/Kiritimati", "Mars/Olympus", "Europe"]
LOAD_SUBJECTS = [None, None, "P001", "", " x ", "ü"]

HOSTILE = ",;\t|\"'\n\r =+-@\\0123456789.:eTZaéü€\u00a0\ufeff/#"
free_text = st.text(alphabet=HOSTILE, max_size=10)

CELLS: dict[str, list[str]] = {
    "subject_id": SUBJECTS, "start": TIMES, "end": TIMES, "duration_s": DURATIONS, "region": REGIONS,
    "side": SIDES, "clock": CLOCKS, "activity": ACTIVITIES, "trigger": TRIGGERS, "hold_count": COUNTS,
    "hold_s": HOLDS, "pain_before": PAINS, "pain_after": PAINS, "notes": NOTES, "tz": TZ_CELLS,
    "checkin": CHECKINS,
}
_CELL_STRATEGIES = {k: st.one_of(st.sampled_from(v), st.sampled_from(v), st.sampled_from(v), free_text)
                    for k, v in CELLS.items()}
_ANY_CELL = st.one_of(st.sampled_from([c for cells in CELLS.values() for c in cells]), free_text)


def cell(column: str) -> st.SearchStrategy[str]:
    """Text cells for a column (by its native name; any cell for another column)."""
    return _CELL_STRATEGIES.get(key_of(column), _ANY_CELL)


def key_of(name: str) -> str:
    """The native name a header stands for, as the reader compares it (strip, lower case)."""
    return str(name).strip().lower()


@st.composite
def headers(draw, allow_extra: bool = True) -> list[str]:
    """Column names: mostly the required ones plus some others, in any order and spelling."""
    shape = draw(st.sampled_from(["native"] * 6 + ["minimal", "random"]))
    if shape == "random":
        pool = list(NATIVE) + (list(EXTRA_COLUMNS) if allow_extra else [])
        names = draw(st.lists(st.sampled_from(pool), max_size=6, unique=True))
    else:
        names = ["subject_id", "start", draw(st.sampled_from(["duration_s", "end", "both"]))]
        if names[-1] == "both":
            names[-1:] = ["end", "duration_s"]
        if shape == "native":
            names += draw(st.lists(st.sampled_from(NATIVE[4:] + (EXTRA_COLUMNS if allow_extra else ())),
                                   max_size=5, unique=True))
        order = draw(st.permutations(range(len(names))))
        names = [names[i] for i in order]
    spelling = draw(st.sampled_from(["plain"] * 5 + ["upper", "spaces", "twice"]))
    if spelling == "upper" and names:
        i = draw(st.integers(0, len(names) - 1))
        names[i] = names[i].upper()
    elif spelling == "spaces" and names:
        i = draw(st.integers(0, len(names) - 1))
        names[i] = f" {names[i]} "
    elif spelling == "twice" and names:
        # the same column twice, once in other case: a collision after the reader lower-cases
        names.append(draw(st.sampled_from(names)).title())
    return names


def has_required(names) -> bool:
    keys = {key_of(n) for n in names}
    return {"subject_id", "start"} <= keys and bool(keys & {"end", "duration_s"})


def collides(names) -> bool:
    keys = [key_of(n) for n in names]
    return len(keys) != len(set(keys))


@st.composite
def rows_for(draw, names: list[str], max_rows: int = 6) -> list[list[str]]:
    """Rows of text cells for ``names``, with some exact copies of earlier rows mixed in."""
    rows = draw(st.lists(st.tuples(*[cell(n) for n in names]).map(list), max_size=max_rows)) if names else []
    if rows and draw(st.booleans()):
        for index in draw(st.lists(st.integers(0, len(rows) - 1), max_size=2)):
            rows.append(list(rows[index]))
    return rows


@st.composite
def load_options(draw, zip_habit: list[str] | None = None) -> dict:
    options = {"tz": draw(st.sampled_from(LOAD_ZONES)), "subject": draw(st.sampled_from(LOAD_SUBJECTS))}
    if zip_habit is not None:
        options["habit"] = draw(st.sampled_from([None, None, *zip_habit, "no such habit"]))
    return {k: v for k, v in options.items() if v is not None}


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True about once in ``n`` draws. (``st.integers(0, n - 1) == 0`` is true far more often:
    hypothesis favours the simplest choice, so here the simplest choice is False, and shrinking
    leads away from the rare branch.)"""
    return st.sampled_from(range(n)).map(lambda i: i == n - 1)


def metrics_flag() -> st.SearchStrategy[bool]:
    """About one file in 32 also goes through summarize and nights (they cost ~0.2 s a call)."""
    return one_in(32)


# --- whole-file garbage ---------------------------------------------------------------------------

GARBAGE = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\n\n\n", b"\x00" * 64, b"PK\x03\x04" + b"\x00" * 40,
           b"PK\x05\x06" + b"\x00" * 18, b"PAR1", b"PAR1" + b"\x00" * 16 + b"PAR1", b"<?xml version='1.0'?>",
           b"[", b"{", b"null", b"[1, 2, 3]", b'{"a": 1}', b"\xff\xfe\x00", b"\x1f\x8b\x08\x00" + b"\x00" * 20,
           b"<HealthData>", b"%PDF-1.4\n", b"\r\n\r\n", b"\t", b'"', b'"""', b"\xef\xbb\xbf\xef\xbb\xbf"]


def garbage() -> st.SearchStrategy[bytes]:
    return st.one_of(st.sampled_from(GARBAGE), st.binary(max_size=300),
                     st.text(alphabet=HOSTILE, max_size=200).map(lambda t: t.encode("utf-8")))


@st.composite
def mutated(draw, data: bytes) -> tuple[bytes, str]:
    """A damaged copy of ``data``: cut short, bytes flipped, inserted or removed."""
    how = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "duplicate"]))
    if not data:
        return draw(st.binary(min_size=1, max_size=20)), "insert"
    at = draw(st.integers(0, len(data) - 1))
    if how == "truncate":
        return data[:at], how
    if how == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:], how
    if how == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:], how
    if how == "delete":
        end = draw(st.integers(at + 1, min(len(data), at + 16)))
        return data[:at] + data[end:], how
    end = draw(st.integers(at + 1, min(len(data), at + 64)))
    return data[:end] + data[at:end] + data[end:], how


# --- CSV ----------------------------------------------------------------------------------------

CSV_NAMES = ["sessions.csv", "Sessions 2026.CSV", "ü-log.csv", "a b#%.csv", "export.csv", "-lead.csv"]
ENCODINGS = ["utf-8"] * 4 + ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be-bom", "latin-1", "cp1252"]


def encode_text(text: str, encoding: str) -> tuple[bytes, bool]:
    """Bytes of ``text``; the flag says whether rollstats' sniffer must read them back exactly."""
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be"), True
    if encoding == "utf-16-le":  # no byte-order mark: sniffed from the NUL bytes, ASCII only
        return text.encode("utf-16-le"), text.isascii() and "\x00" not in text and len(text) >= 2
    if encoding in ("latin-1", "cp1252"):
        data = text.encode(encoding, errors="replace")
        return data, True
    return text.encode(encoding), True


def _decimal_comma(value: str) -> str:
    return value.replace(".", ",") if re.fullmatch(r"-?\d+\.\d+", value) else value


@st.composite
def csv_files(draw) -> Generated:
    name = draw(st.sampled_from(CSV_NAMES))
    options = draw(load_options())
    metrics = draw(metrics_flag())
    if draw(one_in(10)):
        return Generated("csv", "garbage", name, draw(garbage()), options, metrics=metrics)
    names = draw(headers())
    rows = draw(rows_for(names))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    if delimiter != "," and draw(st.booleans()):
        numbers = [key_of(n) in NUMBER_COLUMNS for n in names]
        rows = [[_decimal_comma(c) if numbers[i] else c for i, c in enumerate(r)] for r in rows]
    shape = draw(st.sampled_from(["plain"] * 9 + ["trailing", "ragged-long", "ragged-short", "preamble"]))
    if shape == "trailing":  # a delimiter after the last cell of every record, as some exporters write
        rows = [r + [""] for r in rows]
    elif shape in ("ragged-long", "ragged-short") and rows:
        i = draw(st.integers(0, len(rows) - 1))
        rows = [list(r) for r in rows]
        rows[i] = rows[i] + [draw(cell("notes"))] if shape == "ragged-long" else rows[i][:-1]
    bare_cr = any(rows) and draw(one_in(6))
    if bare_cr:  # a CR alone inside a cell (csv leaves it unquoted with "\n" records and minimal quoting)
        i = draw(st.sampled_from([k for k, r in enumerate(rows) if r]))
        # not in the empty cell a trailing delimiter makes: a CR there is a cell past the header
        j = draw(st.integers(0, max(0, len(rows[i]) - 1 - (shape == "trailing"))))
        at = draw(st.integers(0, len(rows[i][j])))
        rows = [list(r) for r in rows]
        rows[i][j] = rows[i][j][:at] + "\r" + draw(st.sampled_from(["", "=1+1", "@x", "n"])) + rows[i][j][at:]
    buffer = io.StringIO()
    if shape == "preamble":  # a title line above the header, as some apps write
        buffer.write(draw(st.sampled_from(["Export from FoamApp", "sep=;", "", "# sessions"])) + "\n")
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=terminator, quoting=quoting)
    if names:
        writer.writerow(names)
    clean = bool(names)
    if terminator == "\n" and quoting == csv.QUOTE_MINIMAL and any("\r" in c for r in rows for c in r):
        clean = False  # csv writes a lone CR unquoted then, and a CR ends a record for CSV readers
    marks = []  # where each record starts in the text, and where the last one ends
    for row in rows:
        marks.append(buffer.tell())
        writer.writerow(row)
    marks.append(buffer.tell())
    text = buffer.getvalue()
    unclosed = None
    if rows and draw(one_in(8)):  # one record with a quote that opens a cell and is never closed
        i = draw(st.integers(0, len(rows) - 1))
        cells = [re.sub('["\r\n]', "", c).replace(delimiter, "") for c in rows[i]] or [""]
        j = draw(st.integers(0, len(cells) - 1))
        cells[j] = '"' + cells[j]
        line = delimiter.join(cells) + terminator
        text = text[:marks[i]] + line + text[marks[i + 1]:]
        # with no quote after it, the cell runs to the end of the file: that must be refused
        unclosed = j, '"' not in text[marks[i] + len(line):]
    if draw(one_in(6)):  # blank lines between records: not records
        lines = text.split("\n")
        at = draw(st.integers(1, len(lines)))
        text = "\n".join(lines[:at] + [""] + lines[at:])
    # a single empty cell is written as "" by csv: a record; one of whitespace only is a record too
    encoding = draw(st.sampled_from(ENCODINGS))
    data, exact = encode_text(text, encoding)
    variant = f"table/{encoding}/{'comma' if delimiter == ',' else repr(delimiter)}"
    variant += "/cr-in-cell" if bare_cr else ""
    variant += "/unclosed-quote" if unclosed else ""
    if shape != "plain":
        variant += "/" + shape
        clean = clean and shape == "trailing"
        if shape == "trailing" and len(names) == 1:
            clean = False  # "x," is two cells to a reader of one column: no trailing delimiter there
    if draw(one_in(6)):
        data, how = draw(mutated(data))
        variant, clean = f"damaged/{how}", False
    if len(names) == 1 and any(r == [""] for r in rows):
        clean = False  # a lone empty cell is a blank line to some readers
    if unclosed is not None:
        # refused (or, if a later quote closes the cell, either way); the quote starts a cell for
        # the scan when it starts the line, or when the native header makes the delimiter sure
        sure = unclosed[0] == 0 or (has_required(names) and shape != "preamble")
        refused = unclosed[1] and sure and exact and not variant.startswith("damaged/")
        return Generated("csv", variant, name, data, options, expect="error" if refused else "either",
                         metrics=metrics)
    known = clean and exact and not collides(names)
    if not known:
        return Generated("csv", variant, name, data, options, metrics=metrics)
    if has_required(names):
        return Generated("csv", variant, name, data, options, expect="load", expected_rows=len(rows),
                         max_row=len(rows), metrics=metrics)
    return Generated("csv", variant, name, data, options, expect="error", metrics=metrics)


# --- JSON ---------------------------------------------------------------------------------------

JSON_NAMES = ["sessions.json", "log.jsonl", "export.ndjson", "Ü data.JSON"]

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.sampled_from([0, 60, 90, 3600, -5, 1e20, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.5, 60.0, 90.5, 1e308, -0.0]),
)
json_values = st.recursive(json_scalars | free_text, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from(["a", "start", "x"]), inner, max_size=2), max_leaves=4)


def json_cell(column: str) -> st.SearchStrategy:
    return st.one_of(cell(column), cell(column), cell(column), json_scalars, json_values)


@st.composite
def json_records(draw) -> tuple[list, bool]:
    names = draw(headers(allow_extra=True))
    records = []
    for _ in range(draw(st.integers(0, 5))):
        present = [n for n in names if not draw(one_in(6))]  # some keys left out
        records.append({n: draw(json_cell(n)) for n in present})
    if records and draw(st.booleans()):
        records.append(dict(records[draw(st.integers(0, len(records) - 1))]))
    keys = {k for r in records for k in r}
    return records, keys


@st.composite
def json_files(draw) -> Generated:
    name = draw(st.sampled_from(JSON_NAMES))
    options = draw(load_options())
    metrics = draw(metrics_flag())
    kind = draw(st.sampled_from(["array"] * 4 + ["lines"] * 3 + ["object", "not-objects", "garbage", "deep"]))
    if kind == "garbage":
        return Generated("json", kind, name, draw(garbage()), options, metrics=metrics)
    if kind == "deep":
        depth = draw(st.sampled_from([10, 1000, 100_000]))
        text = "[" * depth + "]" * depth if draw(st.booleans()) else '{"a":' * depth + "1" + "}" * depth
        return Generated("json", kind, name, text.encode(), options, metrics=metrics)
    records, keys = draw(json_records())
    if kind == "not-objects":
        records = list(records) + [draw(json_scalars | st.lists(json_scalars, max_size=2))]
        order = draw(st.permutations(range(len(records))))
        records = [records[i] for i in order]
    if kind == "object":
        text = json.dumps(records[0] if records else {}, ensure_ascii=draw(st.booleans()))
        expected = 1
    elif kind == "lines":
        sep = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
        text = sep.join(json.dumps(r, ensure_ascii=draw(st.booleans())) for r in records)
        text += draw(st.sampled_from(["", "\n", "\n  \n"]))
        expected = len(records)
    else:
        text = json.dumps(records, indent=draw(st.sampled_from([None, 2])), ensure_ascii=draw(st.booleans()))
        expected = len(records)
    encoding = draw(st.sampled_from(["utf-8"] * 5 + ["utf-8-sig", "utf-16", "latin-1"]))
    data, _ = encode_text(text, encoding)
    clean = encoding in ("utf-8", "utf-8-sig") or (encoding == "latin-1" and text.isascii())
    variant = f"{kind}/{encoding}"
    if draw(one_in(7)):
        data, how = draw(mutated(data))
        variant, clean = f"{kind}/damaged/{how}", False
    if kind == "not-objects":
        return Generated("json", variant, name, data, options, expect="error" if clean else "either",
                         metrics=metrics)
    if kind == "lines" and not records and clean:
        # nothing but blank lines: "the file is empty"
        return Generated("json", variant, name, data, options, expect="error", metrics=metrics)
    if not clean or collides(keys):
        return Generated("json", variant, name, data, options, metrics=metrics)
    if kind == "object" and not records:
        keys = set()
    if kind == "object":
        keys = set(records[0]) if records else set()
    if not has_required(keys):
        return Generated("json", variant, name, data, options, expect="error", metrics=metrics)
    return Generated("json", variant, name, data, options, expect="load", expected_rows=expected,
                     max_row=expected, metrics=metrics)


# --- Parquet ------------------------------------------------------------------------------------

PARQUET_NAMES = ["sessions.parquet", "part-0.pq", "Ü 2026.parquet"]
ARROW_KINDS = ["string"] * 4 + ["large_string", "int64", "int32", "uint64", "float64", "float32", "bool",
                                "timestamp", "timestamp_tz", "date32", "null", "dictionary", "binary",
                                "decimal", "duration", "list", "struct"]
PARQUET_ZONES = ["UTC", "Europe/Berlin", "America/New_York", "+05:30", "Asia/Kathmandu"]


def _arrow_values(draw, kind: str, column: str, n: int):
    """(values, pyarrow type) of one column of ``n`` rows."""
    import datetime as dt
    import decimal

    import pyarrow as pa

    def maybe(strategy):
        return [draw(st.one_of(st.none(), strategy, strategy, strategy)) for _ in range(n)]

    if kind in ("string", "large_string", "dictionary"):
        values = maybe(cell(column))
        kind_type = {"string": pa.string(), "large_string": pa.large_string(),
                     "dictionary": pa.dictionary(pa.int32(), pa.string())}[kind]
        return values, kind_type
    if kind == "int64":
        return maybe(st.integers(-(2**63), 2**63 - 1) | st.sampled_from([0, 1, 3, 12, 60, 90, 3600, -5])), pa.int64()
    if kind == "int32":
        return maybe(st.integers(-(2**31), 2**31 - 1) | st.sampled_from([0, 3, 60])), pa.int32()
    if kind == "uint64":
        return maybe(st.integers(0, 2**64 - 1) | st.sampled_from([0, 60])), pa.uint64()
    if kind in ("float64", "float32"):
        floats = st.floats(width=64 if kind == "float64" else 32) | st.sampled_from([0.0, 60.0, 90.5, 3.0, 1e20])
        return maybe(floats), pa.float64() if kind == "float64" else pa.float32()
    if kind == "bool":
        return maybe(st.booleans()), pa.bool_()
    if kind in ("timestamp", "timestamp_tz"):
        unit = draw(st.sampled_from(["s", "ms", "us", "ns"]))
        low, high = ((dt.datetime(1678, 1, 1), dt.datetime(2261, 12, 31)) if unit == "ns"
                     else (dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)))
        common = st.datetimes(dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 31))
        values = maybe(st.one_of(common, common, st.datetimes(low, high)))
        zone = draw(st.sampled_from(PARQUET_ZONES)) if kind == "timestamp_tz" else None
        if zone is not None:  # the wall clock in that zone
            values = [None if v is None else v.replace(tzinfo=dt.UTC) for v in values]
        return values, pa.timestamp(unit, tz=zone)
    if kind == "date32":
        return maybe(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))), pa.date32()
    if kind == "null":
        return [None] * n, pa.null()
    if kind == "binary":
        return maybe(cell(column).map(lambda t: t.encode("utf-8")) | st.binary(max_size=6)), pa.binary()
    if kind == "decimal":
        return maybe(st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False)
                     .map(decimal.Decimal)), pa.decimal128(12, 2)
    if kind == "duration":
        return maybe(st.integers(-10**6, 10**6)), pa.duration("s")
    if kind == "list":
        return maybe(st.lists(st.integers(0, 99), max_size=3)), pa.list_(pa.int64())
    return maybe(st.fixed_dictionaries({"a": st.integers(0, 9)})), pa.struct([("a", pa.int64())])


@st.composite
def parquet_files(draw) -> Generated:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = draw(st.sampled_from(PARQUET_NAMES))
    options = draw(load_options())
    metrics = draw(metrics_flag())
    if draw(one_in(12)):
        return Generated("parquet", "garbage", name, draw(garbage()), options, metrics=metrics)
    names = draw(headers())
    n = draw(st.integers(0, 5))
    arrays, kinds = [], []
    for column in names:
        kind = draw(st.sampled_from(ARROW_KINDS))
        values, arrow_type = _arrow_values(draw, kind, column, n)
        if kind == "dictionary":
            arrays.append(pa.array(values, pa.string()).dictionary_encode())
        else:
            arrays.append(pa.array(values, arrow_type))
        kinds.append(kind)
    if names:
        table = pa.table(arrays, names=names)
    else:
        table = pa.table({}) if n == 0 else pa.table({"__placeholder": pa.nulls(n)}).drop(["__placeholder"])
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=draw(st.sampled_from([None, 1, 2])),
                   compression=draw(st.sampled_from(["snappy", "none", "zstd"])))
    data = buffer.getvalue()
    variant = "table/" + ("+".join(sorted(set(kinds) - {"string"})) or "string")
    clean = True
    if draw(one_in(8)):
        data, how = draw(mutated(data))
        variant, clean = f"damaged/{how}", False
    if not clean or collides(names):
        return Generated("parquet", variant, name, data, options, metrics=metrics)
    expected = table.num_rows
    if has_required(names):
        return Generated("parquet", variant, name, data, options, expect="load", expected_rows=expected,
                         max_row=expected, metrics=metrics)
    return Generated("parquet", variant, name, data, options, expect="error", metrics=metrics)


# --- XLSX ---------------------------------------------------------------------------------------

XLSX_NAMES = ["sessions.xlsx", "Export (1).xlsx", "ü.XLSX"]
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{_PKG}">'
             f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheets><sheet name="Sessions" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{_PKG}">'
                 f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
                 f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                 '</Relationships>')
#: cellXfs 0: general, 1: date (numFmt 14), 2: date and time (22), 3: time (20), 4: text (49)
STYLES = (f'<?xml version="1.0" encoding="UTF-8"?>\n<styleSheet xmlns="{_MAIN}">'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0"/>'
          '<xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/>'
          '<xf numFmtId="20" applyNumberFormat="1"/><xf numFmtId="49" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')

_XML_CHARS = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _column_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


@st.composite
def xlsx_cell(draw, column: str) -> tuple[str | None, object]:
    """(the <c> element's inner XML and attributes, the value pandas should see: None for empty).

    Returns ``(xml, present)``: ``present`` is False when the cell holds nothing a reader keeps.
    """
    kind = draw(st.sampled_from(["str"] * 5 + ["shared", "num", "bool", "date", "datetime", "time", "error",
                                                "formula", "empty", "isodate", "bad-num"]))
    if kind in ("str", "shared"):
        text = _XML_CHARS.sub("", draw(cell(column)))
        return (kind, text), text != ""
    if kind == "num":
        value = draw(st.sampled_from(["60", "90.5", "3", "0", "-5", "1e308", "1E-5", "17", "3600", "45356.875"]))
        return ("num", value), True
    if kind == "bad-num":
        return ("num", draw(st.sampled_from(["abc", "", "1e999", "nan", "--1"]))), None
    if kind == "bool":
        return ("bool", draw(st.sampled_from(["0", "1", "2", "x"]))), None
    if kind in ("date", "datetime", "time"):
        serial = draw(st.sampled_from(["46084", "46084.875", "0.875", "1", "60", "2958465", "-1", "3000000"]))
        return (kind, serial), None
    if kind == "isodate":
        return ("isodate", draw(st.sampled_from(["2026-03-03T21:30:00", "2026-03-03", "bad", "2026-02-30"]))), None
    if kind == "error":
        return ("error", draw(st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!", "#REF!"]))), None
    if kind == "formula":
        return ("formula", draw(st.sampled_from(["60", "", "x"]))), None
    return ("empty", ""), False


def _breaks_openpyxl(kind: str, value: str) -> bool:
    """Whether openpyxl may refuse the whole workbook over this cell (a damaged cell value)."""
    return (kind == "num" and value in ("abc", "", "1e999", "nan", "--1")) or (kind == "bool" and value == "x") \
        or (kind in ("date", "datetime", "time") and value in ("-1", "3000000")) \
        or (kind == "isodate" and value in ("bad", "2026-02-30"))


def _cell_xml(ref: str, kind: str, value: str, shared: list[str]) -> str:
    if kind == "str":
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(value, {chr(13): "&#13;"})}</t></is></c>'
    if kind == "shared":
        shared.append(value)
        return f'<c r="{ref}" t="s"><v>{len(shared) - 1}</v></c>'
    if kind == "num":
        return f'<c r="{ref}"><v>{escape(value)}</v></c>'
    if kind == "bool":
        return f'<c r="{ref}" t="b"><v>{value}</v></c>'
    if kind in ("date", "datetime", "time"):
        style = {"date": 1, "datetime": 2, "time": 3}[kind]
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    if kind == "isodate":
        return f'<c r="{ref}" t="d"><v>{value}</v></c>'
    if kind == "error":
        return f'<c r="{ref}" t="e"><v>{escape(value)}</v></c>'
    if kind == "formula":
        cached = f"<v>{escape(value)}</v>" if value else ""
        return f'<c r="{ref}" t="str"><f>A1&amp;""</f>{cached}</c>'
    return f'<c r="{ref}"/>'


def workbook_bytes(sheet_rows: list[str], shared: list[str], hostile: str | None = None) -> bytes:
    """A minimal XLSX package around the given ``<row>`` elements."""
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN}"><sheetData>'
             + "".join(sheet_rows) + "</sheetData></worksheet>")
    strings = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{_MAIN}" count="{len(shared)}">'
               + "".join(f'<si><t xml:space="preserve">{escape(s, {chr(13): "&#13;"})}</t></si>' for s in shared)
               + "</sst>")
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
             "xl/_rels/workbook.xml.rels": WORKBOOK_RELS, "xl/styles.xml": STYLES,
             "xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": strings}
    if hostile == "entity-sheet":
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(
            "\n<worksheet", '\n<!DOCTYPE worksheet [<!ENTITY e "x">]>\n<worksheet', 1)
    elif hostile == "no-workbook":
        del parts["xl/workbook.xml"]
    elif hostile == "no-content-types":
        del parts["[Content_Types].xml"]
    elif hostile == "no-sheet":
        del parts["xl/worksheets/sheet1.xml"]
    elif hostile == "bad-shared-index":
        parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>",
                                                          '<row r="99"><c r="A99" t="s"><v>9999</v></c></row></sheetData>')
    elif hostile == "bad-sheet-xml":
        parts["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]
    elif hostile == "no-sheets-listed":
        parts["xl/workbook.xml"] = WORKBOOK.replace('<sheet name="Sessions" sheetId="1" r:id="rId1"/>', "")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, text in parts.items():
            archive.writestr(member, text)
    return buffer.getvalue()


@st.composite
def xlsx_files(draw) -> Generated:
    name = draw(st.sampled_from(XLSX_NAMES))
    options = draw(load_options())
    metrics = draw(metrics_flag())
    kind = draw(st.sampled_from(["sheet"] * 6 + ["openpyxl", "hostile", "garbage"]))
    if kind == "garbage":
        return Generated("xlsx", kind, name, draw(garbage()), options, metrics=metrics)
    names = draw(headers())
    if kind == "openpyxl":
        return _openpyxl_book(draw, name, names, options, metrics)
    shared: list[str] = []
    rows_xml = []
    risky = False
    if names:
        rows_xml.append('<row r="1">' + "".join(_cell_xml(f"{_column_letter(i)}1", "str", n, shared)
                                                  for i, n in enumerate(names)) + "</row>")
    kept = 0
    uncertain = False
    row_number = 1
    width = len(names)
    for _ in range(draw(st.integers(0, 5)) if names else 0):
        row_number += draw(st.sampled_from([1, 1, 1, 2]))  # a skipped row number is an empty row
        cells = [draw(xlsx_cell(n)) for n in names]
        if draw(one_in(8)):  # a cell past the header
            cells.append(draw(xlsx_cell("notes")))
        xml = "".join(_cell_xml(f"{_column_letter(i)}{row_number}", k, v, shared)
                      for i, ((k, v), _) in enumerate(cells))
        rows_xml.append(f'<row r="{row_number}">{xml}</row>')
        present = [p for _, p in cells]
        risky |= any(_breaks_openpyxl(kind, value) for (kind, value), _ in cells)
        if any(p is True for p in present):
            kept += 1
        elif any(p is None for p in present):
            uncertain = True  # a cell whose value a reader may or may not keep (errors, odd dates)
        width = max(width, len(cells))
    shape = draw(st.sampled_from([None] * 10 + list(SHEET_SHAPES))) if names else None
    refused_shape = False
    if shape is not None:
        rows_xml, added, row_number, refused_shape = draw(sheet_shape(shape, rows_xml, row_number, len(names),
                                                                      shared))
        kept += added
    hostile = draw(st.sampled_from([None] * 18 + ["entity-sheet", "no-workbook", "no-content-types", "no-sheet",
                                                 "bad-shared-index", "bad-sheet-xml", "no-sheets-listed"]))
    data = workbook_bytes(rows_xml, shared, hostile)
    variant = f"sheet/{hostile}" if hostile else "sheet"
    variant += f"/{shape}" if shape else ""
    clean = hostile is None
    if draw(one_in(10)):
        data, how = draw(mutated(data))
        variant, clean = f"damaged/{how}", False
    if hostile in ("entity-sheet", "no-workbook", "no-content-types", "no-sheet", "bad-sheet-xml",
                   "no-sheets-listed"):
        return Generated("xlsx", variant, name, data, options, expect="error" if clean or hostile else "either",
                         metrics=metrics)
    if not clean or risky:
        return Generated("xlsx", variant, name, data, options, metrics=metrics)
    if refused_shape:  # past the sheet's last row, or nested past the XML depth limit
        return Generated("xlsx", variant, name, data, options, expect="error", metrics=metrics)
    if collides(names) or not names:
        return Generated("xlsx", variant, name, data, options, metrics=metrics)
    if not has_required(names):
        return Generated("xlsx", variant, name, data, options, expect="error", metrics=metrics)
    return Generated("xlsx", variant, name, data, options, expect="load",
                     expected_rows=None if uncertain else kept, max_row=row_number - 1, metrics=metrics)


#: Sheet shapes that cost a reader memory or time if it trusts them: one cell far away (a row
#: near the last, a column near XFD), a row past the last a sheet has, XML nested deep inside a
#: cell, a long attribute on a row.
SHEET_SHAPES = ("far-row", "far-header", "past-grid", "deep-cell", "long-attr")
#: The last row and column of a sheet (XFD1048576), and how deep XML may nest.
LAST_ROW, LAST_COLUMN, XML_DEPTH = 1_048_576, 16_384, 64


@st.composite
def sheet_shape(draw, shape: str, rows_xml: list[str], row_number: int, header_width: int, shared: list[str]):
    """``rows_xml`` (the header row first, ``header_width`` cells) with one hostile shape added:
    (rows, rows it adds that hold a value, the last row number, whether a reader must refuse
    the sheet)."""
    rows = list(rows_xml)
    far = draw(st.sampled_from([0, 3, 25, 701, LAST_COLUMN - 1]))
    if shape == "far-header":  # a named column far to the right of the header
        column = _column_letter(max(far, header_width))
        cell = _cell_xml(f"{column}1", "str", draw(st.sampled_from(["far", "zz notes", "Ü"])), shared)
        rows[0] = rows[0].replace("</row>", cell + "</row>")
        return rows, 0, row_number, False
    column = _column_letter(far)
    if shape == "far-row":  # one cell in a row far below, the rows between missing
        row_number = max(row_number + 1, draw(st.sampled_from([row_number + 1, row_number + 100, 65_536,
                                                               LAST_ROW])))
        rows.append(f'<row r="{row_number}"><c r="{column}{row_number}"><v>1</v></c></row>')
        return rows, 1, row_number, False
    if shape == "past-grid":
        number = draw(st.sampled_from([LAST_ROW + 1, 2**31, 10**12]))
        rows.append(f'<row r="{number}"><c r="A{number}"><v>1</v></c></row>')
        return rows, 0, row_number, True
    row_number += 1
    if shape == "deep-cell":  # worksheet, sheetData, row and c are 4 levels: the cell holds the rest
        levels = draw(st.sampled_from([1, 20, XML_DEPTH - 4, XML_DEPTH - 3, 200]))
        inner = "<x>" * levels + "</x>" * levels
        rows.append(f'<row r="{row_number}"><c r="A{row_number}">{inner}</c></row>')
        return rows, 0, row_number, 4 + levels > XML_DEPTH
    size = draw(st.sampled_from([20_000, 70_000, 300_000]))  # long-attr: across several 16 KiB reads
    text = "".join(draw(st.lists(st.sampled_from(["x", ">", " ", "&amp;", "ü", "&#10;"]), min_size=1, max_size=8)))
    rows.append(f'<row r="{row_number}" note="{text * (size // len(text) + 1)}"/>')
    return rows, 0, row_number, False


def _openpyxl_book(draw, name, names, options, metrics) -> Generated:
    """A workbook as openpyxl writes it: typed cells (numbers, datetimes, booleans, text)."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if names:
        sheet.append(names)
    typed = st.one_of(
        st.none(), st.booleans(), st.sampled_from([60, 90.5, 0, -5, 3600, 1e20, 3, 12]),
        st.datetimes(dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 31)),
        st.datetimes(dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 31), timezones=st.just(dt.UTC))
        .map(lambda d: d.replace(tzinfo=None)),
        st.dates(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), st.times(),
    )
    kept = 0
    for _ in range(draw(st.integers(0, 4)) if names else 0):
        row = [draw(st.one_of(cell(n).map(lambda t: _XML_CHARS.sub("", t)), typed)) for n in names]
        # openpyxl stores a text cell starting with "=" as a formula: keep such text out
        row = [v[1:] if isinstance(v, str) and v.startswith("=") else v for v in row]
        sheet.append(row)
        if any(v is not None and v != "" for v in row):
            kept += 1
    buffer = io.BytesIO()
    book.save(buffer)
    if not names or collides(names):
        return Generated("xlsx", "openpyxl", name, buffer.getvalue(), options, metrics=metrics)
    if not has_required(names):
        return Generated("xlsx", "openpyxl", name, buffer.getvalue(), options, expect="error", metrics=metrics)
    return Generated("xlsx", "openpyxl", name, buffer.getvalue(), options, expect="load", expected_rows=None,
                     metrics=metrics)


# --- Apple Health XML ---------------------------------------------------------------------------

APPLE_NAMES = ["export.xml", "Export 2.XML", "ä.xml"]
ROLLING = "HKWorkoutActivityTypePreparationAndRecovery"
STRENGTH = ("HKWorkoutActivityTypeTraditionalStrengthTraining", "HKWorkoutActivityTypeFunctionalStrengthTraining")
WORKOUT_TYPES = [ROLLING, ROLLING, ROLLING, *STRENGTH, "HKWorkoutActivityTypeRunning", "HKWorkoutActivityTypeYoga",
                 "", "preparationandrecovery", ROLLING + " "]
APPLE_DATES = ["2026-03-03 21:30:00 +0100", "2016-11-14 07:25:41 -0700", "2026-03-03 21:31:30 +0100",
               "2026-03-29 02:30:00 +0100", "2026-03-03T21:30:00+01:00", "2026-03-03 21:30:00", "2026-03-03",
               "", "yesterday", "2026-13-03 21:30:00 +0100", "2026-03-03 21:30:00 +9999",
               "9999-12-31 23:59:59 +1400"]
APPLE_DURATIONS = ["1.5", "5", "0", "-1", "60", "61", "nan", "inf", "1e400", "abc", "", "90.25", "3600"]
APPLE_UNITS = ["min", "min", "s", "sec", "h", "hr", "MIN", "", "days", "ms"]
DTD = ('<!DOCTYPE HealthData [\n<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>\n'
       '<!ATTLIST HealthData locale CDATA #REQUIRED>\n<!ELEMENT Workout ((MetadataEntry|WorkoutEvent)*)>\n'
       '<!ATTLIST Workout workoutActivityType CDATA #REQUIRED duration CDATA #IMPLIED>\n]>\n')


@st.composite
def apple_workout(draw) -> tuple[str, str | None]:
    """(the element, its activity by the default types or None when passed over)."""
    kind = draw(st.sampled_from(WORKOUT_TYPES + [None]))
    attrs: dict[str, str] = {}
    if kind is not None:
        attrs["workoutActivityType"] = kind
    for key, values in (("duration", APPLE_DURATIONS), ("durationUnit", APPLE_UNITS),
                        ("startDate", APPLE_DATES), ("endDate", APPLE_DATES), ("creationDate", APPLE_DATES),
                        ("sourceName", ["Health", "Ümit's Watch", 'quote "x"', "<&>", ""]),
                        ("totalEnergyBurned", ["12", "x"])):
        if not draw(one_in(5)):
            attrs[key] = draw(st.sampled_from(values) | free_text.map(lambda t: _XML_CHARS.sub("", t)))
    text = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
    children = draw(st.lists(st.sampled_from([
        '<MetadataEntry key="HKIndoorWorkout" value="1"/>', '<WorkoutEvent type="HKWorkoutEventTypePause"/>',
        '<WorkoutStatistics type="x" sum="3"/>', '<Workout workoutActivityType="' + ROLLING + '"/>',
        "<!-- a comment -->", "text"]), max_size=2))
    element = f"<Workout {text}>{''.join(children)}</Workout>" if children else f"<Workout {text}/>"
    activity = "rolling" if kind == ROLLING else "strengthening" if kind in STRENGTH else None
    return element, activity


OTHER_ELEMENTS = {
    "record": ('<Record type="HKQuantityTypeIdentifierStepCount" value="12" startDate="2026-03-03 21:30:00 +0100"/>',
               "apple records"),
    "record-meta": ('<Record type="HKQuantityTypeIdentifierHeartRate" value="60"><MetadataEntry key="k" value="v"/>'
                    + "</Record>", "apple records"),
    "summary": ('<ActivitySummary dateComponents="2026-03-03" activeEnergyBurned="0"/>', "apple activity summaries"),
    "correlation": ('<Correlation type="HKCorrelationTypeIdentifierBloodPressure"><Record type="x" value="1"/>'
                    + "</Correlation>", "apple correlations"),
    "other": ('<ClinicalRecord type="x"/>', "apple other entries"),
    "header": ('<ExportDate value="2026-03-07 10:00:00 +0100"/>', None),
    "me": ('<Me HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>', None),
    "comment": ("<!-- exported -->", None),
    "pi": ("<?app data?>", None),
}


@st.composite
def apple_xml(draw) -> tuple[bytes, str, str, int | None, dict | None, int]:
    """(bytes, variant, expect, expected rows, expected passed over, top-level workouts) of an
    Apple Health export.xml (``source_row`` counts every top-level workout)."""
    parts: list[str] = []
    rows = workouts = 0
    passed: dict[str, int] = {}
    for _ in range(draw(st.integers(0, 8))):
        if draw(one_in(3)):
            element, label = OTHER_ELEMENTS[draw(st.sampled_from(sorted(OTHER_ELEMENTS)))]
            parts.append(element)
            if label:
                passed[label] = passed.get(label, 0) + 1
        else:
            element, activity = draw(apple_workout())
            parts.append(element)
            workouts += 1
            if activity:
                rows += 1
            else:
                passed["apple workouts of other types"] = passed.get("apple workouts of other types", 0) + 1
    shape = draw(st.sampled_from([None] * 9 + list(XML_SHAPES)))
    too_deep = False
    if shape is not None:
        element, activity, too_deep = draw(apple_shape(shape))
        parts.insert(draw(st.integers(0, len(parts))), element)
        if activity is False:
            passed["apple records"] = passed.get("apple records", 0) + 1
        else:
            workouts += 1
            rows += activity is not None
            if activity is None:
                passed["apple workouts of other types"] = passed.get("apple workouts of other types", 0) + 1
    prolog = draw(st.sampled_from(["decl", "decl", "none", "decl-utf16"]))
    doctype = draw(st.sampled_from(["dtd", "dtd", "dtd", "none", "none", "entity", "external", "parameter"]))
    root = draw(st.sampled_from(["HealthData"] * 8 + ["healthdata", "Export"]))
    head = {"decl": '<?xml version="1.0" encoding="UTF-8"?>\n', "none": "",
            "decl-utf16": '<?xml version="1.0" encoding="UTF-16"?>\n'}[prolog]
    head += {"dtd": DTD, "none": "", "entity": '<!DOCTYPE HealthData [<!ENTITY x "roll">]>\n',
             "external": '<!DOCTYPE HealthData SYSTEM "http://example.invalid/health.dtd">\n',
             "parameter": '<!DOCTYPE HealthData [<!ENTITY % p "x">]>\n'}[doctype]
    body = f'<{root} locale="en_DE">\n ' + "\n ".join(parts) + f"\n</{root}>\n"
    text = head + body
    data = text.encode("utf-16") if prolog == "decl-utf16" else text.encode("utf-8")
    if prolog == "none" and draw(one_in(5)):
        data = codecs.BOM_UTF8 + data
    variant = f"{prolog}/{doctype}" + ("" if root == "HealthData" else "/root") + (f"/{shape}" if shape else "")
    if draw(one_in(7)):
        data, how = draw(mutated(data))
        return data, f"damaged/{how}", "either", None, None, workouts
    if doctype in ("entity", "external", "parameter") or root != "HealthData" or too_deep:
        return data, variant, "error", None, None, workouts
    return data, variant, "load", rows, passed, workouts


#: XML shapes that cost a reader memory or time if it keeps what it has read: elements nested
#: deep, a workout of many children, a long attribute (each kept to a few hundred kB).
XML_SHAPES = ("deep", "wide", "long-attr")
#: How deep elements may nest (<HealthData> is 1, an entry 2).
APPLE_DEPTH = 64


@st.composite
def apple_shape(draw, shape: str) -> tuple[str, str | bool | None, bool]:
    """(an entry of that shape, its activity: a workout's as :func:`apple_workout` gives it, False
    for a record; whether a reader must refuse the file for it)."""
    if shape == "deep":  # a record with elements nested inside it
        levels = draw(st.sampled_from([1, 30, APPLE_DEPTH - 2, APPLE_DEPTH - 1, 300, 20_000]))
        inner = "<m>" * levels + "</m>" * levels
        return f'<Record type="HKQuantityTypeIdentifierHeartRate" value="60">{inner}</Record>', False, \
            2 + levels > APPLE_DEPTH
    element, activity = draw(apple_workout())
    if shape == "wide":  # a workout of thousands of children
        child = draw(st.sampled_from(["<e/>", '<WorkoutEvent type="HKWorkoutEventTypeLap"/>', "<e>x</e>"]))
        count = draw(st.sampled_from([1000, 5000, 100_000 // len(child)]))
        head, _, rest = element.partition(">")
        if head.endswith("/"):
            return f"{head[:-1]}>{child * count}</Workout>", activity, False
        return f"{head}>{child * count}{rest}", activity, False
    size = draw(st.sampled_from([20_000, 70_000, 300_000]))  # long-attr: across several 16 KiB reads
    text = "".join(draw(st.lists(st.sampled_from(["x", ">", " ", "&amp;", "ü", "&#10;", "'"]), min_size=1,
                                 max_size=8)))
    return element.replace("<Workout ", f'<Workout note="{text * (size // len(text) + 1)}" ', 1), activity, False


@st.composite
def apple_files(draw) -> Generated:
    name = draw(st.sampled_from(APPLE_NAMES))
    options = draw(load_options())
    metrics = draw(metrics_flag())
    if draw(one_in(12)):
        return Generated("apple", "garbage", name, draw(garbage()), options, metrics=metrics)
    data, variant, expect, rows, passed, workouts = draw(apple_xml())
    return Generated("apple", variant, name, data, options, expect=expect, expected_rows=rows,
                     expected_passed=passed, max_row=workouts, metrics=metrics)


# --- zips: Apple and Loop exports, and others -----------------------------------------------------

ZIP_NAMES = ["export.zip", "Loop Habits CSV 2026-03-07.zip", "backup.ZIP", "ü export.zip"]
HABIT_NAMES = ["Foam rolling", "Rolling", "foam roll \U0001f9b5", "Meditation", "Walk", "Stretch", "",
               "Roll, \"hips\"", "Night\nwalk"]
HABIT_TYPES = ["YES_NO", "NUMERICAL", "", "numerical", "BOOLEAN"]
HABIT_UNITS = ["", "min", "s", "h", "minutes", "km", "MIN", "seconds"]
LOOP_VALUES = ["YES_MANUAL", "YES_MANUAL", "YES_AUTO", "NO", "SKIP", "UNKNOWN", "2", "1", "0", "3", "-1", "15000",
               "2500", "0.5", "-2000", "nan", "inf", "1e400", "abc", "", "yes_manual", "4000000", "60000"]
LOOP_DATES = ["2026-03-03", "2026-03-04", "2026-02-30", "", "x", "2026-03-03T10:00", "03/03/2026", "2026-3-3"]
HABITS_HEADERS = [
    ["Position", "Name", "Type", "Question", "Description", "FrequencyNumerator", "FrequencyDenominator",
     "Color", "Unit", "Target Type", "Target Value", "Archived?"],
    ["Position", "Name", "Question", "Description", "NumRepetitions", "Interval", "Color"],
    ["Position", "Name", "Type", "Unit"],
    ["name", "TYPE", "unit"],
]


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)  # "\r\n": a cell with either is quoted
    return buffer.getvalue()


@st.composite
def loop_members(draw) -> tuple[dict[str, bytes], list[str], int | None, bool]:
    """Members of a Loop export; the habit names; the chosen habit's days where certain; whether
    the export is well formed (so it must load)."""
    root = draw(st.sampled_from(["", "", "Loop Habits CSV 2026-03-07/"]))
    header = draw(st.sampled_from(HABITS_HEADERS))
    habits = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        habits.append({"Position": f"{number:03d}", "Name": draw(st.sampled_from(HABIT_NAMES)),
                       "Type": draw(st.sampled_from(HABIT_TYPES)), "Unit": draw(st.sampled_from(HABIT_UNITS))})
    keys = [h.strip().lower() for h in header]
    table = [header] + [[{"position": h["Position"], "name": h["Name"], "type": h["Type"],
                          "unit": h["Unit"]}.get(k, "") for k in keys] for h in habits]
    members = {root + "Habits.csv": _csv_text(table).encode("utf-8")}
    days: dict[str, int] = {}
    values: dict[str, list[str]] = {}
    for h in habits:
        if draw(one_in(6)):
            continue  # a habit without its folder
        dates = draw(st.lists(st.tuples(st.sampled_from(LOOP_DATES), st.sampled_from(LOOP_VALUES),
                                        st.sampled_from(NOTES[:6])), max_size=6))
        with_header = draw(st.booleans())
        rows = ([["Date", "Value", "Notes"]] if with_header else []) + [list(r) for r in dates]
        text = _csv_text(rows)
        data = text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig"])))
        members[f"{root}{h['Position']} {h['Name']}/Checkmarks.csv"] = data
        days[h["Position"]] = sum(1 for r in dates if any(c.strip() for c in r))  # blank rows are no days
        values[h["Position"]] = [value for _, value, _ in dates]
    if draw(st.booleans()):
        members[root + "Checkmarks.csv"] = b"Date,Foam rolling\n2026-03-03,2\n"
        members[root + "Scores.csv"] = b"Date,Foam rolling\n2026-03-03,0.5\n"
    names = [h["Name"] for h in habits]
    has_type = "type" in keys
    matching = [h for h in habits if re.search("roll|foam", h["Name"], re.IGNORECASE)]
    kinds_ok = all((h["Type"].upper() if has_type else "") in ("", "YES_NO", "NUMERICAL") for h in habits)
    total = None
    well_formed = False
    if len(matching) == 1 and kinds_ok:
        chosen = matching[0]
        numerical = has_type and chosen["Type"].upper() == "NUMERICAL"
        unit_ok = not numerical or ("unit" in keys and chosen["Unit"].strip().lower() in
                                    ("s", "sec", "secs", "second", "seconds", "min", "mins", "minute",
                                     "minutes", "h", "hr", "hrs", "hour", "hours"))
        # an export before Loop 2.3.1 (no Type column) whose values hold an amount (a whole number
        # other than the codes 2, 1, 0, 3, -1) is a numerical habit of unknown unit: refused
        amounts = not has_type and any(re.fullmatch(r"-?\d+", v) and int(v) not in (2, 1, 0, 3, -1)
                                       for v in values.get(chosen["Position"], []))
        if chosen["Position"] in days and unit_ok and not amounts:
            well_formed = True
            total = days[chosen["Position"]]
    return members, names, total, well_formed


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED, dirs: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        if dirs:
            for folder in sorted({m.rsplit("/", 1)[0] + "/" for m in members if "/" in m}):
                archive.writestr(folder, b"")
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


@st.composite
def zip_files(draw) -> Generated:
    name = draw(st.sampled_from(ZIP_NAMES))
    metrics = draw(metrics_flag())
    kind = draw(st.sampled_from(["apple"] * 3 + ["loop"] * 4 + ["both", "unrelated", "empty", "nested", "garbage"]))
    compression = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
    dirs = draw(st.booleans())
    expect, rows, passed, total, max_row = "either", None, None, None, None
    habits: list[str] = []
    if kind == "garbage":
        return Generated("zip", kind, name, draw(garbage()), draw(load_options(zip_habit=[])), metrics=metrics)
    if kind in ("apple", "both"):
        xml, sub, expect, rows, passed, max_row = draw(apple_xml())
        member = draw(st.sampled_from(["apple_health_export/export.xml", "export.xml"]))
        members = {member: xml}
        for extra in draw(st.lists(st.sampled_from(["apple_health_export/export_cda.xml",
                                                    "apple_health_export/workout-routes/route_1.gpx",
                                                    "apple_health_export/electrocardiograms/ecg_1.csv"]),
                                   max_size=2, unique=True)):
            members[extra] = b"<x/>"
        if kind == "both":
            loop, habits, _, _ = draw(loop_members())
            members.update(loop)
        variant = f"{kind}/{sub}"
    elif kind == "loop":
        members, habits, total, well_formed = draw(loop_members())
        expect, max_row = ("load" if well_formed else "either"), total
        variant = "loop" if well_formed else "loop/odd"
    elif kind == "unrelated":
        members = {m: b"hello" for m in draw(st.lists(st.sampled_from(
            ["readme.txt", "data.csv", "a/Checkmarks.csv", "a/b/Habits.csv", "apple_health_export/export_cda.xml",
             "Export.XML", "../evil.txt", "/abs.txt", "line\nbreak.txt"]), min_size=1, max_size=3, unique=True))}
        expect, variant = "error", kind
    elif kind == "nested":
        inner = zip_bytes({"export.xml": b"<HealthData/>"})
        members, expect, variant = {"export.zip": inner}, "error", kind
    else:
        members, expect, variant = {}, "error", kind
    data = zip_bytes(members, compression, dirs)
    options = draw(load_options(zip_habit=habits))
    if options.get("habit") is not None:
        wanted = options["habit"].strip().casefold()
        if kind == "loop" and not any(h.casefold() == wanted for h in habits):
            expect, total, max_row = "error", None, None  # "no habit named ..."
        elif kind == "loop":
            expect, total, max_row = "either", None, None  # another habit than the default: not modelled
    if draw(one_in(7)):
        data, how = draw(mutated(data))
        return Generated("zip", f"damaged/{how}", name, data, options, metrics=metrics)
    return Generated("zip", variant, name, data, options, expect=expect, expected_rows=rows, expected_passed=passed,
                     expected_total=total, max_row=max_row, metrics=metrics)


# --- one table in four formats ----------------------------------------------------------------------

@st.composite
def same_table_files(draw) -> list[Generated]:
    """One table of text cells written as CSV, JSON, Parquet (string columns) and XLSX (inline
    strings): the four loads must agree on every count and on which rows are accepted and why
    the others are refused. Rows of nothing but empty cells are left out (a spreadsheet's blank
    row is no record, a CSV line of empty cells is)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = list(dict.fromkeys(_XML_CHARS.sub("", n) for n in draw(headers()))) or ["subject_id", "start", "end"]
    rows = [[_XML_CHARS.sub("", c) for c in r] for r in draw(rows_for(names))]
    rows = [r for r in rows if any(c.strip() for c in r)]
    options = draw(load_options())
    metrics = draw(metrics_flag())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows(rows)
    as_csv = buffer.getvalue().encode("utf-8")
    as_json = json.dumps([dict(zip(names, r)) for r in rows], ensure_ascii=False).encode("utf-8")
    out = io.BytesIO()
    pq.write_table(pa.table([pa.array([r[i] for r in rows], pa.string()) for i in range(len(names))], names=names), out)
    as_parquet = out.getvalue()
    shared: list[str] = []
    sheet = ['<row r="1">' + "".join(_cell_xml(f"{_column_letter(i)}1", "str", n, shared)
                                     for i, n in enumerate(names)) + "</row>"]
    for number, row in enumerate(rows, start=2):
        sheet.append(f'<row r="{number}">' + "".join(
            _cell_xml(f"{_column_letter(i)}{number}", "str", c, shared) for i, c in enumerate(row)) + "</row>")
    as_xlsx = workbook_bytes(sheet, shared)
    if collides(names):
        expect, expected = "either", None
    else:
        expect, expected = ("load", len(rows)) if has_required(names) else ("error", None)
    formats = [("csv", as_csv), ("json", as_json), ("parquet", as_parquet), ("xlsx", as_xlsx)]
    if not rows:  # "[]" names no columns: JSON refuses it where the others read a header
        del formats[1]
    return [Generated("same", fmt, f"table.{fmt}", data, options, expect=expect, expected_rows=expected,
                      max_row=expected, metrics=metrics) for fmt, data in formats]

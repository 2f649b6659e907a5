"""Text tables as apps and spreadsheets write them: which encoding, which delimiter, which decimal.

Exports from Excel in a European locale are often Latin-1 (or Windows-1252) with ``;`` between
fields and ``60,5`` for sixty and a half; some apps write UTF-16 with a byte-order mark and tabs.
This module guesses each of the three from the bytes, and reads the table as text cells:

- **encoding**: a byte-order mark decides (UTF-8, UTF-16 LE/BE); without one, NUL bytes in
  every other position mean UTF-16 without a mark; then the whole file is checked as UTF-8
  (streaming); failing that it is Windows-1252 when it decodes as such, else Latin-1 (which
  decodes any bytes).
- **delimiter**: of ``,`` ``;`` tab and ``|``, the one that splits the first lines into the
  same number of fields (more than one), the most fields winning a tie.
- **decimal**: ``,`` when the delimiter is not a comma and cells like ``60,5`` appear while
  none like ``60.5`` do; else ``.``.

:func:`sniff` also runs the checks of :mod:`rollstats.io.csvguard` before any parse: a line of
more than 1,000 cells, or a quoted cell never closed (or closed lines later inside a cell), is
refused with its line.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from .csvguard import check

#: Delimiters tried, in order of preference on a tie.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
#: Bytes read to guess the delimiter and the decimal mark.
_SAMPLE_BYTES = 64 * 1024
_CHUNK = 1 << 20
_COMMA_NUMBER = re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})*,\d+$|^[-+]?\d+,\d+$")
_POINT_NUMBER = re.compile(r"^[-+]?\d+\.\d+$")


@dataclass(frozen=True)
class Dialect:
    """How a text table is written: ``encoding`` (a Python codec name), ``delimiter``, ``decimal``."""

    encoding: str
    delimiter: str
    decimal: str = "."


def detect_encoding(path: str | Path) -> str:
    """The codec that reads ``path``: utf-8-sig, utf-16, utf-8, cp1252 or latin-1.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile(delete=False); _ = f.write("a;b\\nWäde;1\\n".encode("latin-1")); f.close()
    >>> detect_encoding(f.name)
    'latin-1'
    >>> os.remove(f.name)
    """
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        sample = handle.read(_SAMPLE_BYTES)
        guess = _bomless_utf16(sample)
        if guess:
            return guess
        handle.seek(0)
        if _decodes(handle, "utf-8"):
            return "utf-8"
        handle.seek(0)
        if _decodes(handle, "cp1252"):
            return "cp1252" if re.search(rb"[\x80-\x9f]", sample) else "latin-1"
    return "latin-1"


def _bomless_utf16(sample: bytes) -> str | None:
    """UTF-16 without a mark: ASCII text has a NUL in every odd (LE) or even (BE) byte."""
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _decodes(handle, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        while chunk := handle.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(text: str, names: tuple[str, ...] = ()) -> str:
    """The delimiter that splits the first lines of ``text`` into equal, most numerous fields.

    With ``names`` (expected header names, lower case), the delimiter whose header holds the
    most of them wins first: a native export's header decides for it.

    >>> sniff_delimiter("Datum;Dauer;Bereich\\n03.03.2024 21:30;5,5;Wade\\n")
    ';'
    >>> sniff_delimiter("a\\tb\\n1\\t2\\n"), sniff_delimiter("just one column\\nx\\n")
    ('\\t', ',')
    """
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line short
    best, best_score = ",", (0, 0.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)]
        if not counts or counts[0] < 2:
            continue
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        header = next(csv.reader(io.StringIO(lines[0]), delimiter=delimiter))
        known = sum(h.strip().lower() in names for h in header)
        score = (known, consistent, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def sniff_decimal(cells: pd.DataFrame, delimiter: str) -> str:
    """``","`` when the text cells hold decimal commas (``60,5``) and no decimal points.

    >>> sniff_decimal(pd.DataFrame({"d": ["5,5", "3"], "t": ["03.03.2024", None]}), ";")
    ','
    >>> sniff_decimal(pd.DataFrame({"d": ["5,5", "2.5"]}), ";")
    '.'
    """
    if delimiter == ",":
        return "."
    comma = point = 0
    for _, col in cells.items():
        text = col.dropna().astype("string").str.strip()
        comma += int(text.str.match(_COMMA_NUMBER).sum())
        point += int(text.str.match(_POINT_NUMBER).sum())
    return "," if comma and not point else "."


def to_point_decimal(values: pd.Series) -> pd.Series:
    """Text numbers written with a decimal comma, as text with a decimal point.

    ``"60,5"`` -> ``"60.5"``, ``"1.234,5"`` -> ``"1234.5"`` (points before a comma group
    thousands); anything else is left as it was, for the reader to accept or refuse.

    >>> to_point_decimal(pd.Series(["60,5", "1.234,5", "90", "abc", None])).tolist()
    ['60.5', '1234.5', '90', 'abc', <NA>]
    """
    text = values.astype("string").str.strip()
    comma = text.str.match(_COMMA_NUMBER).fillna(False).astype(bool)
    fixed = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return text.mask(comma, fixed)


def sniff(path: str | Path, encoding: str | None = None, delimiter: str | None = None,
          names: tuple[str, ...] = ()) -> Dialect:
    """Guess how the text table at ``path`` is written; given values are taken as they are.

    ``names`` are header names to expect (see :func:`sniff_delimiter`). The decimal mark is
    guessed from the first rows (see :func:`sniff_decimal`).

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
    >>> _ = f.write("Datum;Dauer\\n03.03.2024;5,5\\n".encode("utf-8-sig")); f.close()
    >>> sniff(f.name)
    Dialect(encoding='utf-8-sig', delimiter=';', decimal=',')
    >>> os.remove(f.name)
    """
    encoding = encoding or detect_encoding(path)
    with open(path, "rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    delimiter = delimiter or sniff_delimiter(text.lstrip("\ufeff"), names)
    check(path, encoding, delimiter)  # before any parse: a line of 10^5 cells, a cell left open
    try:
        head = _read(path, Dialect(encoding, delimiter), nrows=50)
    except IngestError:
        return Dialect(encoding, delimiter)
    return Dialect(encoding, delimiter, sniff_decimal(head, delimiter))


def read_table(path: str | Path, dialect: Dialect | None = None, nrows: int | None = None) -> tuple[pd.DataFrame, Dialect]:
    """Read a delimited text table as text cells (empty cells NA), sniffing what is not given.

    Returns the frame (header row as column names, blank lines skipped) and the dialect used.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
    >>> _ = f.write("Datum\\tDauer\\n03.03.2024\\t5,5\\n".encode("utf-16")); f.close()
    >>> frame, d = read_table(f.name)
    >>> frame.iloc[0].tolist(), d
    (['03.03.2024', '5,5'], Dialect(encoding='utf-16', delimiter='\\t', decimal=','))
    >>> os.remove(f.name)
    """
    dialect = dialect or sniff(path)
    return _read(path, dialect, nrows), dialect


def _read(path: str | Path, dialect: Dialect, nrows: int | None = None) -> pd.DataFrame:
    try:
        # index_col=False: a trailing delimiter does not make the first column an index (which
        # shifts every cell one column right); a cell past the header that holds something refuses
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""], nrows=nrows, index_col=False,
                                encoding=dialect.encoding, sep=dialect.delimiter, skip_blank_lines=True)
    except pd.errors.ParserWarning:
        raise IngestError(f"{path}: not a readable delimited text file (a row has more cells than the header "
                          "row)") from None
    except pd.errors.EmptyDataError:
        raise IngestError(f"{path}: the file is empty (no header row)") from None
    except (pd.errors.ParserError, UnicodeError, ValueError, LookupError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IngestError(f"{path}: not a readable delimited text file ({first})") from None
    frame.columns = [str(c).lstrip("\ufeff").strip() for c in frame.columns]
    return frame

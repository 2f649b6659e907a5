"""Cheap checks on a delimited text file before it is parsed: row width and quoting.

- **Width**: a row of hundreds of thousands of cells makes the parsers build as many columns
  (tens of seconds, gigabytes) only for the file to be refused later. Lines are measured
  before any parse; a line of more than :data:`MAX_COLUMNS` cells refuses the file.
- **Quoting**: a quoted cell whose closing quote is missing runs on into the next lines. The
  parsers take what follows as part of that cell: to the end of the file (pyarrow accepts
  that, and rows vanish without a word), or to the next stray quote. :func:`check` finds both
  without parsing the file: it follows the quote characters only, and refuses the file with
  the line where the unclosed cell starts.

Both look at the file as an array of code units (bytes; UTF-16 units), block by block with
numpy: the positions of quotes and line breaks, and the delimiters of long lines only.

The quote rules are those of the parsers rollstats uses (pyarrow, pandas), for ``"`` as the
quote and doubled quotes inside quoted cells. In a run of ``k`` quotes, pairs are literal
quotes inside a quoted cell; only an odd run can open or close one. An odd run at the start
of a cell (after a delimiter, a line break or at the start of the file) opens a cell when
outside one and closes it when inside; anywhere else it closes a cell when inside one and is
a plain character when outside.
"""
from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np

from ..errors import IngestError

#: Most cells a line may have (native exports have 16 columns; app exports some dozens).
MAX_COLUMNS = 1000
#: Code units looked at per block by the quote scan.
_BLOCK = 16 << 20
_QUOTE, _LF, _CR = 0x22, 0x0A, 0x0D
#: Encodings whose bytes ``"`` ``,`` ``;`` ``|`` tab CR LF only ever stand for those characters.
_BYTE_CODECS = ("utf_8", "utf_8_sig", "latin_1", "iso8859_1", "cp1252", "ascii")


def check(path: str | Path, encoding: str, delimiter: str) -> None:
    """Refuse a file with a line of more than :data:`MAX_COLUMNS` cells, or with a quoted cell
    that runs on past its line without being closed properly; each error names the line.

    Two quoting faults are refused, with the line where the quoted cell opens: the cell is
    never closed (the rest of the file would be one cell), or it spans lines and its closing
    quote is followed by more text instead of a delimiter or the end of the line (a quote is
    missing or stray, and the lines in between would be one cell). Quoted cells that span
    lines and end properly (notes written over several lines) pass.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    >>> _ = f.write('id,note\\na,"fine\\nover two lines"\\nb,"never closed\\nc,x\\n'); f.close()
    >>> try:
    ...     check(f.name, "utf-8", ",")
    ... except IngestError as exc:
    ...     print(str(exc).split(": ", 1)[1][:48])
    line 4: a quoted cell opens here and is never cl
    >>> _ = open(f.name, "w").write(",".join(f"c{i}" for i in range(5000)) + "\\n")
    >>> try:
    ...     check(f.name, "utf-8", ",")
    ... except IngestError as exc:
    ...     print(str(exc).split(": ", 1)[1])
    line 1 has 5,000 cells; rollstats reads at most 1,000 columns (a table has one header row of names)
    >>> os.remove(f.name)
    """
    units, begin = _code_units(path, encoding)
    if units is None or len(units) == 0:
        return
    seps = np.array([ord(delimiter), _LF, _CR], dtype=units.dtype)
    n = len(units)
    inside, opened, broke = False, -1, False  # broke: a line break since ``opened``
    line_start = begin
    a = begin
    while a < n:
        b = min(a + _BLOCK, n)
        while b < n and units[b - 1] == _QUOTE and units[b] == _QUOTE:  # never cut a run of quotes
            rest = np.flatnonzero(units[b: b + _BLOCK] != _QUOTE)
            b = b + int(rest[0]) if len(rest) else min(b + _BLOCK, n)
        line_start = _widths(path, units, a, b, line_start, seps[0])
        inside, opened, broke = _scan(path, units, a, b, begin, seps, inside, opened, broke)
        a = b
    _width(path, units, line_start, n, seps[0])
    if inside:
        raise IngestError(f"{path}: line {_line_of(units, opened)}: a quoted cell opens here and is never "
                          "closed (a '\"' is missing), so the rest of the file would be read as one cell")


def open_at_end(line: bytes, delimiter: str) -> bool:
    """Whether a quoted cell is still open at the end of ``line`` (bytes of one line of a
    byte-coded file, read from outside any quoted cell), by the quote rules of :func:`check`.

    >>> open_at_end(b'a,"b', ","), open_at_end(b'a,"b ""c"" d",e', ","), open_at_end(b'a,b"c', ",")
    (True, False, False)
    """
    units = np.frombuffer(line, dtype=np.uint8)
    if not len(units):
        return False
    seps = np.array([ord(delimiter), _LF, _CR], dtype=np.uint8)
    return _scan("", units, 0, len(units), 0, seps, False, -1, False)[0]


def _widths(path, units: np.ndarray, a: int, b: int, line_start: int, delimiter) -> int:
    """Check the lines that end in ``[a, b)``; returns where the last, unfinished one starts."""
    block = np.asarray(units[a:b])
    low = np.flatnonzero(block <= _CR)  # LF and CR are among few characters this low
    breaks = low[(block[low] == _LF) | (block[low] == _CR)] + a
    starts = np.concatenate(([line_start], breaks[:-1] + 1))
    long = breaks - starts >= MAX_COLUMNS  # a line of more cells has at least that many delimiters
    for s, e in zip(starts[long], breaks[long]):
        _width(path, units, int(s), int(e), delimiter)
    return int(breaks[-1]) + 1 if len(breaks) else line_start


def _width(path, units: np.ndarray, s: int, e: int, delimiter) -> None:
    """Refuse the line ``[s, e)`` if it has more than MAX_COLUMNS cells (delimiters between
    quotes, counted from the start of the line, are not counted)."""
    if e - s < MAX_COLUMNS:
        return
    found, odd = 0, 0
    for a in range(s, e, _BLOCK):  # in blocks: a line may be as long as the file
        part = np.asarray(units[a: min(a + _BLOCK, e)])
        hits = part == delimiter
        quotes = part == _QUOTE
        if quotes.any():
            parity = (np.cumsum(quotes, dtype=np.uint8) + odd) % 2  # wraps at 256: parity holds
            hits &= parity == 0
            odd = int(parity[-1])
        found += int(hits.sum())
    if found + 1 > MAX_COLUMNS:
        raise IngestError(f"{path}: line {_line_of(units, s)} has {found + 1:,} cells; rollstats reads at most "
                          f"{MAX_COLUMNS:,} columns (a table has one header row of names)")


def _scan(path, units: np.ndarray, a: int, b: int, begin: int, seps: np.ndarray,
          inside: bool, opened: int, broke: bool) -> tuple[bool, int, bool]:
    """One block ``[a, b)`` of the quote scan: the state after it (see :func:`check`).

    Events are the odd runs of quotes: one at a cell start flips the state, any other leaves
    it "outside". So the state before an event depends only on the events since the last
    non-start one, and all of those are cell starts: it is "inside" when their number is odd.
    """
    lo = max(a - 1, 0)
    block = np.asarray(units[lo: min(b + 1, len(units))])  # one unit either side, for neighbours
    quotes = np.flatnonzero(block[a - lo: b - lo] == _QUOTE) + (a - lo)
    if not len(quotes):
        return inside, opened, broke or (inside and _has_break(block[a - lo: b - lo]))
    first = np.empty(len(quotes), dtype=bool)
    first[0], first[1:] = True, np.diff(quotes) != 1
    heads = np.flatnonzero(first)
    odd = np.diff(np.append(heads, len(quotes))) % 2 == 1
    starts = quotes[heads[odd]]  # odd runs: where each starts and ends (block positions)
    ends = quotes[np.append(heads[1:], len(quotes))[odd] - 1]
    if not len(starts):  # pairs of quotes only: the state stays
        return inside, opened, broke or (inside and _has_break(block[a - lo: b - lo]))
    before = block[starts - 1]
    at_start = (before == seps[0]) | (before == _LF) | (before == _CR)
    at_start |= starts + lo == begin
    resets = np.flatnonzero(~at_start)

    def inside_before(k: np.ndarray) -> np.ndarray:
        """Whether the state is "inside" just before events ``k`` (and after event ``k - 1``)."""
        if not len(resets):
            return inside ^ (k % 2 == 1)
        at = np.searchsorted(resets, k) - 1  # the last reset before each event
        since = np.where(at >= 0, k - resets[np.maximum(at, 0)] - 1, k)
        return np.where(at >= 0, since % 2 == 1, inside ^ (since % 2 == 1))

    after = ends + 1
    beyond = after >= len(block)  # the end of the file (the block holds one unit past b)
    nxt = block[np.minimum(after, len(block) - 1)]
    followed = beyond | (nxt == seps[0]) | (nxt == _LF) | (nxt == _CR)
    junk = np.flatnonzero(~followed)
    # an event right after a reset opens a cell (the usual case: no state to work out)
    junk = junk[~at_start[junk] | (junk == 0) | at_start[np.maximum(junk - 1, 0)]]
    for k in junk[inside_before(junk)]:  # closes followed by more text: fine on one line only
        o = int(starts[k - 1]) + lo if k > 0 else opened
        c = int(starts[k]) + lo
        spans = (broke and o == opened) if o < a else False
        if spans or _has_break(np.asarray(units[max(o, a): c])):
            raise IngestError(f"{path}: line {_line_of(units, o)}: the quoted cell that opens here runs on to line "
                              f"{_line_of(units, c)}, where its closing '\"' is followed by more text (a '\"' is "
                              "missing or stray)")
    still = bool(inside_before(np.array([len(starts)]))[0])
    if still:
        new = int(starts[-1]) + lo  # the last event opened it (a non-start one never does)
        broke = (broke and new == opened) or _has_break(np.asarray(units[max(new, a): b]))
        return True, new, broke
    return False, -1, False


def _has_break(units: np.ndarray) -> bool:
    return bool(((units == _LF) | (units == _CR)).any())


def _code_units(path: str | Path, encoding: str) -> tuple[np.ndarray | None, int]:
    """The file as an array of code units (bytes, or UTF-16 units) and where the text starts."""
    try:
        name = codecs.lookup(encoding).name.replace("-", "_")
    except LookupError:
        return None, 0
    size = Path(path).stat().st_size
    if size == 0:
        return None, 0
    data = np.memmap(path, dtype=np.uint8, mode="r")
    if name in _BYTE_CODECS or name.startswith(("iso8859", "cp125")):
        return data, 3 if bytes(data[:3]) == codecs.BOM_UTF8 else 0
    if name.startswith("utf_16"):
        head = bytes(data[:2])
        big = name.endswith("be") or (name == "utf_16" and head == codecs.BOM_UTF16_BE)
        units = np.memmap(path, dtype=">u2" if big else "<u2", mode="r", shape=(size // 2,))
        return units, 1 if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else 0
    # any other codec: the decoded text as code points (such files are read whole anyway)
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        text = handle.read()
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4"), 1 if text.startswith("\ufeff") else 0


def _line_of(units: np.ndarray, at: int) -> int:
    """The 1-based line of code unit ``at`` (CR LF, LF and a lone CR each end a line)."""
    line = 1
    for a in range(0, at, _BLOCK):
        b = min(a + _BLOCK, at)
        body, ext = units[a:b], units[a: min(b + 1, len(units))]
        pairs = int(((ext[:-1] == _CR) & (ext[1:] == _LF)).sum())  # CR LF starting in [a, b)
        line += int((body == _LF).sum()) + int((body == _CR).sum()) - pairs
    return line

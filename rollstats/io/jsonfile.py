"""Native JSON exports: an array of objects, or JSON lines (one object per line)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from .base import RawTable


def _integer(digits: str) -> int | str:
    """A JSON integer as a Python int; one too long for Python to convert (over 4,300 digits,
    ``sys.get_int_max_str_digits``) stays its text, to be read or refused like any cell.

    >>> _integer("42"), len(_integer("9" * 5000))
    (42, 5000)
    """
    try:
        return int(digits)
    except ValueError:
        return digits


def read(path: str | Path) -> RawTable:
    """Read a JSON array of records or a JSON-lines file; values keep their JSON types.

    Raises :class:`~rollstats.errors.IngestError` naming the line of a broken record. An
    integer of more digits than Python converts is kept as its text (a duration of 5,000
    digits is then refused as not a number; an id keeps its digits).

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    >>> _ = f.write('[{"subject_id": 7, "start": "2026-03-03T21:00+01:00", "duration_s": 90}]'); f.close()
    >>> read(f.name).frame.iloc[0].tolist()
    [7, '2026-03-03T21:00+01:00', 90]
    >>> os.remove(f.name)
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    stripped = text.lstrip()
    if not stripped:
        raise IngestError(f"{path}: the file is empty")
    if stripped.startswith("["):
        try:
            records = json.loads(text, parse_int=_integer)
        except json.JSONDecodeError as exc:
            raise IngestError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        except ValueError as exc:  # any other value Python cannot hold
            raise IngestError(f"{path}: a value that cannot be read ({exc})") from None
        except RecursionError:
            raise IngestError(f"{path}: not a table of records (values nested too deeply)") from None
    else:
        records = []
        # not str.splitlines: it also breaks at U+2028, U+2029 and U+0085, which JSON strings may hold
        for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line, parse_int=_integer))
            except json.JSONDecodeError as exc:
                raise IngestError(f"{path}: line {number} is not valid JSON ({exc.msg})") from None
            except ValueError as exc:  # any other value Python cannot hold
                raise IngestError(f"{path}: line {number}: a value that cannot be read ({exc})") from None
            except RecursionError:
                raise IngestError(f"{path}: line {number} is not a record (values nested too deeply)") from None
    bad = next((i for i, r in enumerate(records, start=1) if not isinstance(r, dict)), None)
    if bad is not None:
        raise IngestError(f"{path}: record {bad} is not an object with named fields")
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    frame = frame.astype(object).where(frame.notna(), None) if len(frame) else frame
    return RawTable(frame)

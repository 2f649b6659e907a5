"""Enrolment CSV files: which subjects a study observed, from which night to which night.

One header row, then one row per subject::

    subject_id,start,end,arm
    P001,2026-03-01,2026-04-30,A
    P002,2026-03-08,,B

``start`` and ``end`` are nights (``YYYY-MM-DD``, both included); an empty ``end`` means the
end of the export. Other columns are group columns (arm, site, ...). The cells are checked by
:func:`rollstats.enrolment.enrolment_table`; any bad row refuses the whole file with
every problem named by file, row and column, since a study cannot be summarised over a
guessed enrolment.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..enrolment import EnrolmentError, enrolment_table


def read_enrolment(path: str | Path) -> pd.DataFrame:
    """Read and check the enrolment CSV at ``path`` (UTF-8, a BOM is accepted).

    Returns the table of :func:`~rollstats.enrolment.enrolment_table`: ``subject_id``
    (text), ``start`` and ``end`` (midnight Timestamps, ``end`` NaT when empty), then the group
    columns as text. Rows are counted among the data rows (row 1 is the line after the header).

    >>> import os, tempfile
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    >>> _ = f.write("subject_id,start,end,arm\\nP1,2026-03-01,2026-03-31,A\\nP2,2026-03-40,,B\\n"); f.close()
    >>> try:
    ...     read_enrolment(f.name)
    ... except EnrolmentError as exc:
    ...     print(str(exc).replace(f.name, "e.csv"))
    e.csv: 1 problem: row 2, column 'start': '2026-03-40' is not a date (use YYYY-MM-DD)
    >>> os.remove(f.name)
    """
    path = Path(path)
    if not path.is_file():
        raise EnrolmentError(f"{path}: no such enrolment file")
    try:
        frame = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""],
                            encoding="utf-8-sig", skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise EnrolmentError(f"{path}: the enrolment file is empty (no header row)") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EnrolmentError(f"{path}: not a readable CSV file ({first})") from None
    if frame.empty:
        raise EnrolmentError(f"{path}: the enrolment file has a header but no subject")
    return enrolment_table(frame, str(path))


__all__ = ["read_enrolment", "EnrolmentError"]

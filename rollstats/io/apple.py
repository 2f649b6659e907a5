"""Apple Health exports: the ``export.xml`` file, or the ``export.zip`` the Health app writes.

The export is read as a stream of tags (:mod:`rollstats.io.xmlguard`): no element tree is
built, each entry's attributes are read as it starts and nothing else of it is kept, so memory
stays flat on a file of several gigabytes, however deep or wide its elements; a zip member is
streamed from the archive through :mod:`rollstats.io.safezip`, never extracted.

What becomes a segment
    ``Workout`` elements whose ``workoutActivityType`` is listed in ``apple_types.toml`` (next
    to this module, read by :mod:`rollstats.io.apple_types`; override with ``workout_types=``): by default
    ``HKWorkoutActivityTypePreparationAndRecovery`` is ``rolling`` on region ``unspecified``,
    and the traditional and functional strength-training types are ``strengthening``.
What is passed over, and counted in the ingest report
    every other workout (``apple workouts of other types``), every ``Record``
    (``apple records``), ``ActivitySummary`` (``apple activity summaries``), ``Correlation``
    (``apple correlations``, its inner records included) and any other data element
    (``apple other entries``). The header elements ``ExportDate`` and ``Me`` are not data
    and are not counted.
Times
    ``startDate`` such as ``2016-11-14 07:25:41 -0700`` keeps its own offset for the wall
    clock (and so for the night).
Duration
    the workout's ``duration`` in its ``durationUnit`` (``s``, ``min`` or ``h``): Apple leaves
    paused time out of it. Only where the duration is missing or unreadable does
    ``endDate - startDate`` give the length.
Subject
    an export names nobody: ``subject`` (default: the file's stem, ``export`` for
    ``export.zip``).
Rows
    ``source_row`` is the workout's 1-based position among all ``Workout`` elements of the
    file (passed-over workouts included), so a figure can be traced to its element.
Safety
    Apple's file opens with an internal DTD (element and attribute declarations), which is
    accepted. Any entity declaration (the billion-laughs bomb, external entities) and any
    external DTD are refused with an :class:`~rollstats.errors.IngestError` naming the file,
    before anything is expanded or fetched. So are elements nested deeper than
    :data:`~rollstats.io.xmlguard.MAX_DEPTH`, more than :data:`MAX_ENTRY_ELEMENTS` elements
    inside one entry, and a tag (or comment, or declaration) longer than
    :data:`~rollstats.io.xmlguard.MAX_TOKEN_BYTES`: none of these occurs in a real export.
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from ..errors import IngestError
from . import safezip, xmlguard
from .apple_types import ACTIVITIES, TYPES_FILE, AppleTypesError, workout_types
from .base import RawTable

#: Members of an ``export.zip`` that hold the export, in order of preference.
ZIP_MEMBERS: tuple[str, ...] = ("apple_health_export/export.xml", "export.xml")
#: ``durationUnit`` -> seconds per unit.
DURATION_UNITS: dict[str, float] = {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0, "hr": 3600.0}
#: Region given to every workout: Apple does not say which part of the body was rolled.
REGION = "unspecified"

_PASSED = {
    "Record": "apple records",
    "ActivitySummary": "apple activity summaries",
    "Correlation": "apple correlations",
}
_OTHER_WORKOUTS = "apple workouts of other types"
_OTHER_ENTRIES = "apple other entries"
_HEADER = {"ExportDate", "Me"}
_PROGRESS_STEP = 1 << 20  # report progress every MiB read
#: At most this many elements inside one entry (a child of ``<HealthData>``, such as a workout
#: with its events and metadata; real ones hold tens to hundreds).
MAX_ENTRY_ELEMENTS = 100_000


def zip_member(names: list[str]) -> str | None:
    """The member of an archive that holds an Apple export, or None when there is none.

    >>> zip_member(["apple_health_export/export_cda.xml", "apple_health_export/export.xml"])
    'apple_health_export/export.xml'
    >>> zip_member(["Habits.csv"]) is None
    True
    """
    present = set(names)
    for name in ZIP_MEMBERS:
        if name in present:
            return name
    return None


def read(path: str | Path, subject: str | None = None,
         workout_types: Mapping[str, Any] | str | Path | None = None,
         on_progress: Callable[[int, int], None] | None = None) -> RawTable:
    """Read an Apple Health ``export.xml`` or ``export.zip`` into a raw table, streaming.

    ``subject`` is the subject id of every segment (default: the file's stem);
    ``workout_types`` overrides which workout types count as what (see
    :func:`workout_types`); ``on_progress(done, total)`` is called as the XML is read, with
    bytes read so far and the XML's total size in bytes.

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "export.xml"
    >>> _ = path.write_text('''<?xml version="1.0"?><!DOCTYPE HealthData [<!ELEMENT HealthData ANY>]>
    ... <HealthData><Record type="HKQuantityTypeIdentifierStepCount" value="12"/>
    ... <Workout workoutActivityType="HKWorkoutActivityTypePreparationAndRecovery" duration="1.5"
    ...   durationUnit="min" startDate="2024-03-03 21:30:00 +0100" endDate="2024-03-03 21:31:30 +0100"/>
    ... </HealthData>''')
    >>> raw = read(path, subject="P001")
    >>> row = raw.frame.iloc[0]
    >>> row["subject_id"], row["start"], float(row["duration_s"]), row["activity"]
    ('P001', '2024-03-03 21:30:00 +0100', 90.0, 'rolling')
    >>> raw.passed_over
    {'apple records': 1}
    >>> tmp.cleanup()
    """
    path = Path(path)
    kinds = _workout_types(workout_types)
    subject = path.stem if subject is None else subject
    if _is_zip(path):
        with safezip.open_zip(path) as archive:
            member = zip_member(archive.names)
            if member is None:
                raise IngestError(f"{path}: no Apple Health export in this zip (looked for "
                                  f"{' or '.join(ZIP_MEMBERS)})")
            total = archive.size(member)
            with archive.open(member, on_read=_throttled(on_progress, total)) as stream:
                table = _parse(stream, path, subject, kinds)
    else:
        try:
            total = os.path.getsize(path)
            handle = open(path, "rb")
        except OSError as exc:
            raise IngestError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        with safezip.CountingStream(handle, what=str(path), on_read=_throttled(on_progress, total)) as stream:
            table = _parse(stream, path, subject, kinds)
    if on_progress is not None:
        on_progress(total, total)
    return table


def _workout_types(value) -> dict[str, str]:
    return workout_types(value)


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _throttled(on_progress: Callable[[int, int], None] | None, total: int) -> Callable[[int], None] | None:
    if on_progress is None:
        return None
    last = [0]

    def report(done: int) -> None:
        if done - last[0] >= _PROGRESS_STEP:
            last[0] = done
            on_progress(done, total)

    return report


class _Export(xmlguard.Walker):
    """Walks ``<HealthData>``: an entry (a child of the root) is read by its attributes as it
    starts; nothing else of it is kept, and at most ``max_entry_elements`` elements may nest in it."""

    def __init__(self, what: str, kinds: dict[str, str], max_entry_elements: int):
        super().__init__(what)
        self.kinds = kinds
        self.max_entry_elements = max_entry_elements
        self.rows: dict[str, list] = {c: [] for c in ("start", "end", "duration_s", "activity", "notes")}
        self.positions: list[int] = []
        self.passed: Counter[str] = Counter()
        self.workouts = 0
        self.inside = 0  # elements read so far inside the current entry
        self.rooted = False

    def enter(self, tag: str, attrs: list[str]) -> None:
        if self.depth > 2:
            self.inside += 1
            if self.inside > self.max_entry_elements:
                raise IngestError(f"{self.what}: refused: more than {self.max_entry_elements} elements "
                                  f"inside one <{xmlguard.shown(self.entry)}> (no Apple export holds that many)")
            return
        if self.depth == 1:
            self.rooted = True
            if tag != "HealthData":
                raise IngestError(f"{self.what}: not an Apple Health export (the XML starts "
                                  f"with <{xmlguard.shown(tag)}>, not <HealthData>)")
            return
        self.inside = 0
        self.entry = tag
        if tag == "Workout":
            self.workouts += 1
            attrib = xmlguard.attributes(attrs)
            activity = self.kinds.get(attrib.get("workoutActivityType", ""))
            if activity is None:
                self.passed[_OTHER_WORKOUTS] += 1
                return
            start, end, seconds = _times(attrib)
            rows = self.rows
            rows["start"].append(start)
            rows["end"].append(end)
            rows["duration_s"].append(seconds)
            rows["activity"].append(activity)
            rows["notes"].append(_note(attrib))
            self.positions.append(self.workouts)
        elif tag in _PASSED:
            self.passed[_PASSED[tag]] += 1
        elif tag not in _HEADER:
            self.passed[_OTHER_ENTRIES] += 1


def _parse(stream, source: Path, subject: str, kinds: dict[str, str]) -> RawTable:
    """Walk the entries of ``<HealthData>``; keep wanted workouts, count the rest."""
    walker = _Export(str(source), kinds, MAX_ENTRY_ELEMENTS)
    xmlguard.walk(xmlguard.chunks(stream), walker)
    if not walker.rooted:
        raise IngestError(f"{source}: the file is empty (no <HealthData> element)")
    rows, positions = walker.rows, walker.positions
    frame = pd.DataFrame({
        "subject_id": pd.Series([subject] * len(positions), dtype="string"),
        "start": pd.Series(rows["start"], dtype="string"),
        "end": pd.Series(rows["end"], dtype="string"),
        "duration_s": pd.Series(rows["duration_s"], dtype="float64"),
        "region": pd.Series([REGION] * len(positions), dtype="string"),
        "activity": pd.Series(rows["activity"], dtype="string"),
        "notes": pd.Series(rows["notes"], dtype="string"),
    })
    return RawTable(frame, source_row=pd.Series(positions, dtype="int64"), passed_over=dict(walker.passed))


def _times(attrib: dict[str, str]) -> tuple[str | None, str | None, float | None]:
    """(start text, end text or None, seconds or None): the end only where no duration is read."""
    start = attrib.get("startDate")
    seconds = None
    factor = DURATION_UNITS.get((attrib.get("durationUnit") or "").strip().lower())
    if factor is not None:
        try:
            seconds = float(attrib.get("duration", "")) * factor
        except ValueError:
            seconds = None
        if seconds is not None and seconds != seconds:  # NaN
            seconds = None
    end = None if seconds is not None else attrib.get("endDate")
    return start, end, seconds


def _note(attrib: dict[str, str]) -> str:
    kind = attrib.get("workoutActivityType", "").removeprefix("HKWorkoutActivityType")
    app = attrib.get("sourceName")
    return f"Apple Health {kind}" + (f" ({app})" if app else "")


__all__ = ["read", "workout_types", "zip_member", "AppleTypesError", "ZIP_MEMBERS", "DURATION_UNITS",
           "ACTIVITIES", "TYPES_FILE"]

"""Apple Health exports: the ``export.xml`` file, or the ``export.zip`` the Health app writes.

The export is read as a stream (``defusedxml`` iterparse, each top-level element dropped once
read), so memory stays flat on a file of several gigabytes; a zip member is streamed from the
archive through :mod:`rollstats.io.safezip`, never extracted.

What becomes a segment
    ``Workout`` elements whose ``workoutActivityType`` is listed in ``apple_types.toml`` (next
    to this module; override with ``workout_types=``): by default
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
    before anything is expanded or fetched.
"""
from __future__ import annotations

import os
import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping
from xml.etree.ElementTree import ParseError

import pandas as pd
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import iterparse as _iterparse

from ..errors import IngestError, RollstatsError
from . import safezip
from .base import RawTable

#: Members of an ``export.zip`` that hold the export, in order of preference.
ZIP_MEMBERS: tuple[str, ...] = ("apple_health_export/export.xml", "export.xml")
#: The activities a workout type can be read as.
ACTIVITIES: tuple[str, ...] = ("rolling", "strengthening", "other")
#: ``durationUnit`` -> seconds per unit.
DURATION_UNITS: dict[str, float] = {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0, "hr": 3600.0}
#: Region given to every workout: Apple does not say which part of the body was rolled.
REGION = "unspecified"
TYPES_FILE = "apple_types.toml"

_PASSED = {
    "Record": "apple records",
    "ActivitySummary": "apple activity summaries",
    "Correlation": "apple correlations",
}
_OTHER_WORKOUTS = "apple workouts of other types"
_OTHER_ENTRIES = "apple other entries"
_HEADER = {"ExportDate", "Me"}
_PROGRESS_STEP = 1 << 20  # report progress every MiB read


class AppleTypesError(RollstatsError, ValueError):
    """A workout-type setting names an unknown activity or puts a type under two activities."""


def workout_types(override: Mapping[str, Any] | str | Path | None = None) -> dict[str, str]:
    """Apple workout type -> activity (``rolling``, ``strengthening`` or ``other``).

    The defaults come from ``apple_types.toml`` next to this module. ``override`` is a mapping
    or the path of a TOML file of the same shape (``rolling = [...]`` ...); each list it gives
    replaces the default list of that activity.

    >>> kinds = workout_types()
    >>> kinds["HKWorkoutActivityTypePreparationAndRecovery"]
    'rolling'
    >>> workout_types({"rolling": ["HKWorkoutActivityTypeFlexibility"]}).get(
    ...     "HKWorkoutActivityTypePreparationAndRecovery") is None
    True
    """
    text = resources.files("rollstats.io").joinpath(TYPES_FILE).read_text("utf-8")
    settings: dict[str, Any] = tomllib.loads(text)
    where = TYPES_FILE
    if override is not None:
        if isinstance(override, (str, Path)):
            where = str(override)
            try:
                override = tomllib.loads(Path(override).read_text(encoding="utf-8"))
            except OSError as exc:
                raise AppleTypesError(f"workout types {where}: cannot be read ({exc.strerror})") from None
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise AppleTypesError(f"workout types {where}: not valid TOML ({exc})") from None
        else:
            where = "workout_types"
        settings = {**settings, **dict(override)}
    kinds: dict[str, str] = {}
    for activity, names in settings.items():
        if activity not in ACTIVITIES:
            raise AppleTypesError(f"workout types {where}: unknown activity {activity!r} "
                                  f"(known: {', '.join(ACTIVITIES)})")
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise AppleTypesError(f"workout types {where}: {activity!r} must be a list of type names")
        for name in names:
            if kinds.get(name, activity) != activity:
                raise AppleTypesError(f"workout types {where}: {name!r} is listed under both "
                                      f"{kinds[name]!r} and {activity!r}")
            kinds[name] = activity
    return kinds


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


def _refuse_external_dtd():
    """A DOCTYPE handler: an internal subset is fine, a SYSTEM or PUBLIC one is refused."""
    def handler(name, system_id, public_id, has_internal_subset):
        if system_id or public_id:
            raise DTDForbidden(name, system_id, public_id)
    return handler


def _parse(stream, source: Path, subject: str, kinds: dict[str, str]) -> RawTable:
    """Walk the top-level elements of ``<HealthData>``; keep wanted workouts, count the rest."""
    parser = DefusedXMLParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    parser.parser.StartDoctypeDeclHandler = _refuse_external_dtd()
    columns = ("start", "end", "duration_s", "activity", "notes")
    rows: dict[str, list] = {c: [] for c in columns}
    positions: list[int] = []
    passed: Counter[str] = Counter()
    workouts = 0
    depth = 0
    root = None
    try:
        for event, elem in _iterparse(stream, events=("start", "end"), parser=parser):
            if event == "start":
                depth += 1
                if root is None:
                    root = elem
                    if elem.tag != "HealthData":
                        raise IngestError(f"{source}: not an Apple Health export (the XML starts "
                                          f"with <{elem.tag}>, not <HealthData>)")
                continue
            depth -= 1
            if depth != 1:
                continue
            tag = elem.tag
            if tag == "Workout":
                workouts += 1
                activity = kinds.get(elem.get("workoutActivityType", ""))
                if activity is None:
                    passed[_OTHER_WORKOUTS] += 1
                else:
                    start, end, seconds = _times(elem)
                    rows["start"].append(start)
                    rows["end"].append(end)
                    rows["duration_s"].append(seconds)
                    rows["activity"].append(activity)
                    rows["notes"].append(_note(elem))
                    positions.append(workouts)
            elif tag in _PASSED:
                passed[_PASSED[tag]] += 1
            elif tag not in _HEADER:
                passed[_OTHER_ENTRIES] += 1
            root.clear()  # forget what was read: memory stays flat however long the file
    except EntitiesForbidden:
        raise IngestError(f"{source}: refused: the XML declares an entity; rollstats never "
                          "expands entities (entity bombs, external entities)") from None
    except (ExternalReferenceForbidden, DTDForbidden):
        raise IngestError(f"{source}: refused: the XML refers to an external document "
                          "(external DTD or entity); rollstats never fetches one") from None
    except DefusedXmlException as exc:  # pragma: no cover - any other defusedxml refusal
        raise IngestError(f"{source}: refused: unsafe XML ({type(exc).__name__})") from None
    except ParseError as exc:
        raise IngestError(f"{source}: not well-formed XML ({exc})") from None
    if root is None:
        raise IngestError(f"{source}: the file is empty (no <HealthData> element)")
    frame = pd.DataFrame({
        "subject_id": pd.Series([subject] * len(positions), dtype="string"),
        "start": pd.Series(rows["start"], dtype="string"),
        "end": pd.Series(rows["end"], dtype="string"),
        "duration_s": pd.Series(rows["duration_s"], dtype="float64"),
        "region": pd.Series([REGION] * len(positions), dtype="string"),
        "activity": pd.Series(rows["activity"], dtype="string"),
        "notes": pd.Series(rows["notes"], dtype="string"),
    })
    return RawTable(frame, source_row=pd.Series(positions, dtype="int64"), passed_over=dict(passed))


def _times(elem) -> tuple[str | None, str | None, float | None]:
    """(start text, end text or None, seconds or None): the end only where no duration is read."""
    start = elem.get("startDate")
    seconds = None
    factor = DURATION_UNITS.get((elem.get("durationUnit") or "").strip().lower())
    if factor is not None:
        try:
            seconds = float(elem.get("duration", "")) * factor
        except ValueError:
            seconds = None
        if seconds is not None and seconds != seconds:  # NaN
            seconds = None
    end = None if seconds is not None else elem.get("endDate")
    return start, end, seconds


def _note(elem) -> str:
    kind = elem.get("workoutActivityType", "").removeprefix("HKWorkoutActivityType")
    app = elem.get("sourceName")
    return f"Apple Health {kind}" + (f" ({app})" if app else "")


__all__ = ["read", "workout_types", "zip_member", "AppleTypesError", "ZIP_MEMBERS", "DURATION_UNITS"]

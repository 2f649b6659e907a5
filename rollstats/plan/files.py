"""A plan's files and its comparison with the log: iCalendar, CSV, a saved plan, plan vs actual.

Part of :mod:`rollstats.plan` (import from there). The iCalendar writer is a few lines of
RFC 5545 written here rather than a dependency: events with UID, DTSTAMP, DTSTART, DTEND,
SUMMARY and DESCRIPTION; text escaped; CRLF line ends; lines folded at 75 octets without
splitting a UTF-8 character.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..metrics import nights
from ..output import write_csv
from .core import REGION_WORDS, Plan, PlanError
from .projection import plan_enrolment, plan_segments, project
from ..program import Program

PLAN_FORMAT = "rollstats-plan"  #: the ``format`` field of a saved plan (JSON)
_SIDE_WORDS = {"left": "left leg", "right": "right leg", "both": "both legs"}
#: Native export columns of :func:`plan_to_csv` (``rollstats.load`` reads them back).
CSV_COLUMNS = ("subject_id", "start", "duration_s", "region", "side", "activity", "hold_count", "hold_s")


def _escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma escaped; line breaks as ``\\n``."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str, limit: int = 75) -> str:
    """One content line folded at ``limit`` octets (CRLF and a space before each continuation).

    >>> fold("SUMMARY:" + "x" * 80).split("\\r\\n")[1]
    ' xxxxxxxxxxxxx'
    """
    data = line.encode("utf-8")
    parts, width = [], limit
    while len(data) > width:
        cut = width
        while cut > 0 and data[cut] & 0xC0 == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(data[:cut])
        data, width = data[cut:], limit - 1
    parts.append(data)
    return "\r\n ".join(p.decode("utf-8") for p in parts)


def to_ics(plan: Plan, program: Program | None = None, stamp: dt.datetime | None = None,
           reminder: bool = True) -> str:
    """The plan as an iCalendar file: one VEVENT per night with planned rolling or strengthening.

    Times are floating local times (no zone: 21:00 wherever the phone is). DTEND is the end of
    the night's last planned segment. UIDs are the night and a digest of the plan, so a
    re-exported unchanged plan updates the same events. ``stamp`` (UTC) defaults to now. With
    ``reminder`` each event carries a VALARM that shows its title at the planned time
    (``TRIGGER:PT0M``).

    >>> ics = to_ics(Plan("2026-03-02", nights=["Mon"], seconds={"quads": 60}, weeks=1),
    ...              stamp=dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc))
    >>> [line for line in ics.split("\\r\\n") if line.startswith("DT")]
    ['DTSTAMP:20260301T000000Z', 'DTSTART:20260302T210000', 'DTEND:20260302T210100']
    """
    program = program or Program.default()
    p = project(plan, program)
    digest = hashlib.sha256(json.dumps(plan.to_dict(), sort_keys=True).encode()).hexdigest()[:16]
    stamp = (stamp or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rollstats//rolling plan//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:" + _escape("Rolling plan")]
    seg = p.segments.assign(end=p.segments["local_start"] + pd.to_timedelta(p.segments["duration_s"], unit="s"))
    for night, rows in seg.groupby("night", sort=True):
        roll = rows.loc[rows["activity"] == "rolling"]
        strength = rows.loc[rows["activity"] == "strengthening"]
        rolled = roll["duration_s"].sum()
        title = (f"Foam rolling, {rolled:g} s" if len(roll) else "Strengthening exercises") + (
            " + strengthening" if len(roll) and len(strength) else "")
        text = [f"{REGION_WORDS[r]}, {_SIDE_WORDS[s]}: {d:g} s"
                for r, s, d in zip(roll["region"], roll["side"], roll["duration_s"])]
        if len(roll) and plan.hold_s:
            text.append(f"hold each tender spot {plan.hold_s:g} s")
        if len(strength):
            text.append(f"strengthening exercises: {strength['duration_s'].sum():g} s")
        if p.progression_night is not None and night == p.progression_night:
            title += " (progression night)"
            text.append(f"progression night: from tomorrow, {program.progression.next_exercise}")
        text.append(program.card)
        lines += ["BEGIN:VEVENT", f"UID:{night:%Y%m%d}-{digest}@rollstats.plan", f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
                  f"DTSTART:{rows['local_start'].min():%Y%m%dT%H%M%S}", f"DTEND:{rows['end'].max():%Y%m%dT%H%M%S}",
                  "SUMMARY:" + _escape(title), "DESCRIPTION:" + _escape("\n".join(text)), "TRANSP:TRANSPARENT"]
        if reminder:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:" + _escape(title), "TRIGGER:PT0M", "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def plan_to_csv(plan: Plan, path: str | Path | None = None, program: Program | None = None) -> str:
    """The planned segments as CSV in the native export format (columns :data:`CSV_COLUMNS`).

    Start times are local and carry no offset: read them back with ``rollstats.load(path,
    tz=...)``. Written to ``path`` when given (UTF-8, ``\\n`` line ends); the text is returned.

    >>> print(plan_to_csv(Plan("2026-03-02", nights=["Mon"], seconds={"quads": 60}, hold_s=20, weeks=1)))
    subject_id,start,duration_s,region,side,activity,hold_count,hold_s
    plan,2026-03-02T21:00:00,60,thigh_front,both,rolling,3,60
    <BLANKLINE>
    """
    seg = plan_segments(plan, program)
    table = pd.DataFrame({"subject_id": seg["subject_id"], "start": seg["local_start"].dt.strftime("%Y-%m-%dT%H:%M:%S"),
                          "duration_s": seg["duration_s"], "region": seg["region"], "side": seg["side"],
                          "activity": seg["activity"], "hold_count": seg["hold_count"].astype("Int64"),
                          "hold_s": seg["hold_s"]})
    text = write_csv(table, float_format="%g")
    if path is not None:
        Path(path).write_text(text, encoding="utf-8", newline="")
    return text


def save_plan(plan: Plan, path: str | Path) -> Path:
    """Write the plan as JSON (``{"format": "rollstats-plan", "version": 1, "plan": {...}}``)."""
    path = Path(path)
    doc = {"format": PLAN_FORMAT, "version": 1, "plan": plan.to_dict()}
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path


def load_plan(path: str | Path) -> Plan:
    """The plan saved by :func:`save_plan`; a file that is not one raises :class:`PlanError`.

    >>> load_plan("missing.json")
    Traceback (most recent call last):
    ...
    rollstats.plan.core.PlanError: plan file missing.json: cannot be read (No such file or directory)
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanError(f"plan file {path}: cannot be read ({exc.strerror})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise PlanError(f"plan file {path}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != PLAN_FORMAT or not isinstance(doc.get("plan"), dict):
        raise PlanError(f"plan file {path}: not a rollstats plan (no \"format\": \"{PLAN_FORMAT}\" with a \"plan\")")
    try:
        return Plan.from_dict(doc["plan"])
    except (PlanError, TypeError) as exc:
        raise PlanError(f"plan file {path}: {exc}") from None


def plan_vs_actual(plan: Plan, segments: pd.DataFrame, program: Program | None = None, subject: str | None = None,
                   until: str | dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Planned against rolled seconds per night, and the share of planned nights kept per week.

    ``segments`` is a canonical segment table (``rollstats.load(...).segments``); ``subject``
    picks one subject (needed when it holds several). Nights run from ``plan.start`` to the
    plan's last night, cut at ``until`` or else at the latest night of the log. Per night:
    ``planned_s`` and ``actual_s`` (hips-and-legs seconds), ``planned``, ``kept`` (a planned
    night with ``actual_s >= planned_s``), ``extra`` (rolling on a night not planned),
    ``compliant`` (actual at least ``daily.minimum_s``). Per week from the start:
    ``planned_nights, kept_nights, match_rate`` (kept / planned, NaN with none planned).

    >>> plan = Plan("2026-03-02", nights=["Mon", "Wed"], seconds={"quads": 60}, weeks=1)
    >>> log = project(Plan("2026-03-02", nights=["Mon", "Tue"], seconds={"quads": 90}, weeks=1)).segments
    >>> per_night, per_week = plan_vs_actual(plan, log, until="2026-03-08")
    >>> per_night[["planned_s", "actual_s", "kept"]].values.tolist()[:3], float(per_week["match_rate"].iloc[0])
    ([[60.0, 90.0, True], [0.0, 90.0, False], [60.0, 0.0, False]], 0.5)
    """
    program = program or Program.default()
    ids = sorted(pd.unique(segments["subject_id"].astype("str")))
    if subject is None:
        if len(ids) != 1:
            raise PlanError(f"the log holds {len(ids)} subjects ({', '.join(ids[:5])}): choose one with subject=")
        subject = ids[0]
    elif subject not in ids:
        raise PlanError(f"the log has no subject {subject!r}")
    latest = pd.Timestamp(until) if until is not None else segments["night"].max()
    end = min(pd.Timestamp(plan.last_night), latest.normalize())
    planned = project(plan, program).nights
    planned = planned.loc[planned["night"] <= end]
    mine = segments.loc[segments["subject_id"].astype("str") == subject]
    if len(planned):
        window = plan_enrolment(plan, end.date()).assign(subject_id=subject)
        actual = nights(mine, program, enrolment=window).set_index("night")["rolled_s"]
    else:
        actual = pd.Series(dtype="float64")
    per_night = pd.DataFrame({
        "night": planned["night"].to_numpy(), "week": (planned["night_index"] // 7).to_numpy(dtype="int64"),
        "weekday": planned["night"].dt.strftime("%a").to_numpy(), "planned_s": planned["rolled_s"].to_numpy(),
        "actual_s": actual.reindex(planned["night"]).fillna(0.0).to_numpy(dtype="float64")})
    per_night["planned"] = planned["segments"].to_numpy() > 0
    per_night["kept"] = per_night["planned"] & (per_night["actual_s"] >= per_night["planned_s"])
    per_night["extra"] = ~per_night["planned"] & (per_night["actual_s"] > 0)
    per_night["compliant"] = per_night["actual_s"] >= program.daily.minimum_s
    weeks = (per_night.groupby("week", sort=True)
             .agg(first_night=("night", "min"), last_night=("night", "max"), nights=("night", "size"),
                  planned_nights=("planned", "sum"), kept_nights=("kept", "sum"), extra_nights=("extra", "sum"),
                  planned_s=("planned_s", "sum"), actual_s=("actual_s", "sum"))
             .reset_index())
    for col in ("nights", "planned_nights", "kept_nights", "extra_nights"):
        weeks[col] = weeks[col].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        weeks["match_rate"] = (weeks["kept_nights"] / weeks["planned_nights"]).where(weeks["planned_nights"] > 0)
    weeks["complete"] = weeks["nights"] == 7
    return per_night, weeks


__all__ = ["to_ics", "fold", "plan_to_csv", "save_plan", "load_plan", "plan_vs_actual", "CSV_COLUMNS", "PLAN_FORMAT"]

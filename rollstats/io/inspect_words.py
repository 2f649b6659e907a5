"""The words ``rollstats inspect`` reads headers and labels with (:mod:`rollstats.io.inspect`).

All are folded as :func:`rollstats.io.inspect.fold` folds a header: lower case, no accents, no
punctuation. A phrase matches a header that holds it as whole words.
"""
from __future__ import annotations

#: Header words -> the native column they suggest, most specific first. The length of a session
#: (``duration_s``) is chosen apart, by :data:`LENGTH_RANKS`.
ROLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pain_before", ("pain before", "schmerz vorher", "schmerz davor")),
    ("pain_after", ("pain after", "schmerz nachher", "schmerz danach")),
    ("hold_count", ("hold count", "holds", "tender spots")),
    ("hold_s", ("hold s", "hold time", "hold seconds", "holds s")),
    ("tz", ("tz", "timezone", "time zone", "zeitzone")),
    ("clock", ("clock", "clock position", "thigh clock", "o clock")),
    ("end", ("end", "end time", "ended", "stop", "finish", "ende", "fin")),
    ("subject_id", ("subject", "subject id", "user", "user id", "patient", "patient id", "participant",
                    "person", "client", "proband", "teilnehmer", "nutzer", "benutzer", "id", "name", "who",
                    "athlete", "member")),
    ("region", ("area", "muscle", "muscles", "body part", "bodypart", "region", "location", "bereich",
                "muskel", "korperteil", "koerperteil", "korperregion", "zone", "partie", "zona", "where",
                "target", "body area")),
    ("side", ("side", "seite", "leg", "bein", "cote", "lado")),
    ("notes", ("note", "notes", "comment", "comments", "notiz", "notizen", "kommentar", "bemerkung", "remarks")),
    ("activity", ("activity", "exercise", "type", "ubung", "uebung", "aktivitat")),
    ("trigger", ("trigger", "reason", "anlass")),
    ("start", ("start", "start time", "started", "begin", "date", "datetime", "timestamp", "time", "when",
               "datum", "zeit", "uhrzeit", "beginn", "day", "tag", "fecha", "hora", "heure", "date time")),
)
#: A header with one of these words names a workout, an exercise or a thing, never a person.
NOT_SUBJECT = frozenset((
    "workout", "workouts", "exercise", "exercises", "activity", "activities", "title", "session", "routine",
    "habit", "set", "lap", "route", "gear", "bike", "shoe", "shoes", "file", "filename", "device", "training",
    "ubung", "uebung", "type", "category", "template", "superset", "program", "plan", "sport",
))
#: A header with one of these words holds a measure other than a length of time (Min Temp,
#: Max HR, Calories, Distance, Best Lap Time ...), never the length of a session.
NOT_LENGTH = frozenset((
    "temp", "temperature", "hr", "heart", "heartrate", "bpm", "pulse", "calories", "calorie", "kcal", "cal",
    "energy", "distance", "dist", "km", "mi", "miles", "meters", "metres", "steps", "step", "count", "reps",
    "rep", "repetitions", "laps", "lap", "cadence", "speed", "pace", "elevation", "ascent", "descent",
    "altitude", "power", "watts", "weight", "kg", "lbs", "rpe", "score", "te", "stress", "grade", "gain",
    "loss", "strokes", "swolf", "order", "set", "sets", "effort", "load", "intensity", "uphill", "downhill",
    "sunrise", "sunset", "observation", "weather", "wind", "humidity", "sleep", "rest", "recovery", "best",
))
#: Headers of a session's length, best first: a length word; a bare ``Time`` beside a start
#: column that has its own time of day; ``Elapsed Time``; ``Moving Time``.
LENGTH_RANKS: tuple[tuple[str, ...], ...] = (
    ("duration", "length", "how long", "time spent", "total time", "timer time", "dauer", "duree",
     "duracion", "minutes", "mins", "min", "minuten", "minute", "seconds", "secs", "sec", "sekunden",
     "s", "ms", "hours", "hrs", "stunden"),
    ("time", "zeit"),
    ("elapsed", "elapsed time"),
    ("moving time",),
)
#: Of LENGTH_RANKS, the words that match only a whole header (``Time``, not ``Uphill Time``), as
#: do all words of one or two letters.
WHOLE_HEADER_ONLY = frozenset(("time", "zeit"))
#: Words of a column holding the time of day beside a date-only start column.
TIME_OF_DAY = frozenset(("time", "zeit", "uhrzeit", "hora", "heure", "start"))
UNIT_WORDS = {"ms": ("ms", "millis", "milliseconds"), "s": ("s", "sec", "secs", "seconds", "sekunden"),
              "min": ("min", "mins", "minutes", "minuten", "minute"),
              "h": ("h", "hr", "hrs", "hours", "stunden", "std")}
#: Words of a wide export's region column that are not the region (``quads_min``, ``Wade (Minuten)``).
NOISE = frozenset(("time", "duration", "dauer", "zeit", "rolled", "rolling", *sum(UNIT_WORDS.values(), ())))
#: Region labels that name no region alone: the thigh is read with the ``clock`` column (or as
#: unspecified hips-and-legs rolling without one), see :func:`rollstats.io.base.canonicalise`.
CLOCK_LABELS = frozenset(("thigh",))
#: Region labels of other languages (folded): suggestions a person checks, not aliases.
GUESSES: dict[str, str] = {
    "oberschenkel vorne": "thigh_front", "oberschenkel vorn": "thigh_front", "quadrizeps": "thigh_front",
    "oberschenkel hinten": "thigh_back", "beinbeuger": "thigh_back", "ischio": "thigh_back",
    "oberschenkel aussen": "thigh_lateral", "oberschenkel ausen": "thigh_lateral", "tractus": "thigh_lateral",
    "oberschenkel innen": "thigh_inner", "adduktoren": "thigh_inner", "oberschenkel": "thigh",
    "wade": "calf", "waden": "calf", "gesass": "hip", "gesaess": "hip", "po": "hip", "hufte": "hip",
    "huefte": "hip", "ischio jambiers": "thigh_back", "mollet": "calf", "mollets": "calf",
    "fessier": "hip", "fessiers": "hip", "adducteurs": "thigh_inner", "cuadriceps": "thigh_front",
    "isquiotibiales": "thigh_back", "gemelos": "calf", "pantorrilla": "calf", "gluteos": "hip",
    "aductores": "thigh_inner", "kuit": "calf", "kuiten": "calf", "billen": "hip",
}
DATES = ("%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y.%m.%d", "%d/%m/%y")
CLOCKS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p")
#: Time formats tried on a start column, in order (ISO 8601 is recognised before these).
FORMATS = (tuple(f"{d}{sep}{c}" for d in DATES for sep in (" ", ", ") for c in CLOCKS)
           + ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%b %d, %Y, %I:%M:%S %p", "%b %d, %Y %I:%M:%S %p",
              "%d %b %Y, %H:%M:%S", "%d %b %Y %H:%M") + DATES)

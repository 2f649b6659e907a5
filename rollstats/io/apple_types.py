"""Which Apple Health workout types rollstats reads, and as which activity.

The defaults are the lists of ``apple_types.toml`` next to this module; a caller replaces any of
them with a mapping or a TOML file of the same shape (``--workout-types TYPES.toml`` on the
command line, ``workout_types=`` in :func:`rollstats.io.apple.read` and ``rollstats.load``).
A type listed under two activities, or an activity that does not exist, is an
:class:`AppleTypesError` naming the file.
"""
from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from ..errors import RollstatsError

#: The activities a workout type can be read as.
ACTIVITIES: tuple[str, ...] = ("rolling", "strengthening", "other")
#: The defaults, a file of this package.
TYPES_FILE = "apple_types.toml"


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


__all__ = ["workout_types", "AppleTypesError", "ACTIVITIES", "TYPES_FILE"]

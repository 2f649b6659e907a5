"""The sample files shipped with rollstats: what they hold, where they are, how to remake them.

The files live twice: in ``rollstats/datasets/data/`` (package data, present wherever rollstats
is installed) and in the repository's top-level ``sample_data/`` (what the README points at).
``python -m rollstats.datasets`` writes both from the same seed, so they are identical.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import archetypes as arch
from .synthetic import generate_cohort

#: Seed of the shipped files (each file adds its position, so the three differ).
SAMPLE_SEED = 2026
#: The zone the naive sample's wall clocks are in; load it with ``--tz Europe/Berlin``.
NAIVE_ZONE = "Europe/Berlin"
#: Sample name -> arguments of :func:`generate_cohort` (without the seed).
SAMPLES: dict[str, dict] = {
    "cohort": dict(n_subjects=30, n_nights=120, start="2026-01-05", id_prefix="S"),
    "patient": dict(n_nights=90, start="2026-01-12", archetypes=["patient"], id_prefix="P"),
    # five subjects over six weeks around the night clocks go forward (29 March 2026)
    "naive_local": dict(n_nights=42, start="2026-03-09", tz_naive=NAIVE_ZONE, id_prefix="B",
                        archetypes=["adherent", "progressing", "lateral_thigh", "too_fast", "lapsing"]),
}
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
REPO_SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
_KEY = re.compile(r"(<!-- archetype key: start -->\n).*?(<!-- archetype key: end -->)", re.S)


def _check(name: str) -> None:
    if name not in SAMPLES:
        raise ValueError(f"no sample named {name!r}; the samples are: {', '.join(SAMPLES)}")


def sample_frame(name: str, seed: int = SAMPLE_SEED) -> pd.DataFrame:
    """The generated table behind one sample file (native columns, archetypes in ``attrs``).

    >>> sample_frame("patient").attrs["archetypes"]
    {'P1': 'patient'}
    """
    _check(name)
    return generate_cohort(seed=seed + list(SAMPLES).index(name), **SAMPLES[name])


def write_sample_data(folder: str | Path = "sample_data", seed: int = SAMPLE_SEED) -> dict[str, Path]:
    """Write ``cohort.csv``, ``patient.csv`` and ``naive_local.csv`` into ``folder``.

    ``cohort.csv``: 30 subjects over 120 nights, every archetype; ``patient.csv``: one subject
    over 90 nights who progresses, then misses two weeks and rolls on the IT band now and then;
    ``naive_local.csv``: 5 subjects whose times have no UTC offset (Europe/Berlin wall clock,
    across the March DST change; read it with ``tz="Europe/Berlin"``). Durations are seconds.
    A ``README.md`` in ``folder`` with an archetype key section gets that section refreshed.
    Returns name -> path written.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sorted(p.name for p in write_sample_data(tmp).values())
    ['cohort.csv', 'naive_local.csv', 'patient.csv']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    frames = {}
    for name in SAMPLES:  # three files
        frames[name] = sample_frame(name, seed)
        path = folder / f"{name}.csv"
        frames[name].to_csv(path, index=False, lineterminator="\n")
        written[name] = path
    readme = folder / "README.md"
    if readme.exists() and _KEY.search(readme.read_text(encoding="utf-8")):
        text = _KEY.sub(lambda m: m.group(1) + archetype_key(frames) + m.group(2),
                        readme.read_text(encoding="utf-8"))
        readme.write_text(text, encoding="utf-8")
    return written


def archetype_key(frames: dict[str, pd.DataFrame]) -> str:
    """A Markdown table: file, subject, archetype and what the archetype does."""
    lines = ["| file | subject | archetype | behaviour |", "|---|---|---|---|"]
    for name, frame in frames.items():
        for subject, kind in frame.attrs["archetypes"].items():
            lines.append(f"| `{name}.csv` | `{subject}` | {kind} | {arch.DESCRIPTIONS[kind]} |")
    return "\n".join(lines) + "\n"


def sample_path(name: str) -> Path:
    """Path of a shipped sample CSV: ``"cohort"``, ``"patient"`` or ``"naive_local"``.

    Looks in the package data first, then in the repository's ``sample_data/``.

    >>> sample_path("patient").name
    'patient.csv'
    """
    _check(name)
    for folder in (PACKAGE_DATA, REPO_SAMPLES):
        path = folder / f"{name}.csv"
        if path.is_file():
            return path
    raise FileNotFoundError(f"sample {name!r} is missing from {PACKAGE_DATA} and {REPO_SAMPLES}; "
                            "write it with: python -m rollstats.datasets")


def load_sample(name: str, **kwargs):
    """Load a shipped sample with :func:`rollstats.io.load`; returns its ``LoadResult``.

    ``naive_local`` is read in Europe/Berlin unless ``tz=`` says otherwise; other keyword
    arguments go to ``load`` unchanged.

    >>> segments, rejects, report = load_sample("naive_local")
    >>> report.rows_rejected, segments["subject_id"].nunique()
    (0, 5)
    """
    from ..io import load  # the readers import this package for their examples

    _check(name)
    if name == "naive_local":
        kwargs.setdefault("tz", NAIVE_ZONE)
    return load(sample_path(name), **kwargs)

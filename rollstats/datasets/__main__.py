"""Regenerate the shipped sample files: ``python -m rollstats.datasets [--seed N] [--out DIR]``.

Without ``--out`` it writes the package copy (``rollstats/datasets/data/``) and, when run from
a source checkout, the repository's ``sample_data/`` too.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from .samples import PACKAGE_DATA, REPO_SAMPLES, SAMPLE_SEED, write_sample_data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rollstats.datasets",
                                     description="Write the synthetic sample files of rollstats.")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED, help=f"seed (default {SAMPLE_SEED})")
    parser.add_argument("--out", type=Path, action="append",
                        help="folder to write into (repeatable; default: package data and sample_data/)")
    args = parser.parse_args(argv)
    folders = args.out
    if not folders:
        folders = [PACKAGE_DATA]
        if (REPO_SAMPLES.parent / "pyproject.toml").is_file():
            folders.append(REPO_SAMPLES)
    for folder in folders:
        for path in write_sample_data(folder, seed=args.seed).values():
            print(f"{path}  {path.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

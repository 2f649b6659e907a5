"""Shared fixtures for the test suite (keep this small: file-specific helpers live in their files)."""
from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure


@pytest.fixture
def write_text(tmp_path: Path):
    """Write ``text`` literally (UTF-8, ``\\n`` line ends) to ``tmp_path / name``; return the path."""

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding=encoding, newline="\n")
        return path

    return write


@pytest.fixture
def figures():
    """Collect figures made in a test (``figures(fig)``) and clear them at its end."""
    made: list[Figure] = []
    yield made.append
    for fig in made:
        fig.clear()

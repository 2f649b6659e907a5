"""The controls that read an export, shared by the review and the cohort explorer.

A path box with a Load button, an upload button, a time-zone box, a progress bar and a status
line. Reading runs with the progress bar shown and hands the result to the owning widget; a
file that cannot be read leaves a one-line reason in the status and changes nothing else.
What a path names is read through the door of every read, :func:`rollstats.load`
(:mod:`rollstats.io.sources`): exports, folders of them, Parquet datasets, cohort stores.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import ipywidgets as W

from ..errors import RollstatsError
from ..io import LoadResult
from ..program import Program
from ._common import LOG_TYPES, Progress, error_html, progress_bar, read_upload, read_with_progress

WIDE = {"description_width": "90px"}


class FileLoader:
    """Path, upload, time zone, progress and status; ``on_read(result, names)`` gets what was read.

    ``names`` are the file names read (no folders), for the status line of the owner. The File
    box shows a path given as text as it was typed; a ``Path`` object, which nobody typed (a
    shipped sample's place in the installed package, the dashboard's export), shows as its file
    name only, and Load with that name in the box reads the same file again.

    >>> from rollstats.datasets import sample_path
    >>> seen = []
    >>> loader = FileLoader(Program.default(), lambda result, names: seen.append(names))
    >>> loader.load("no-such-file.csv"), "no such file" in loader.status.value
    (False, True)
    >>> loader.load(sample_path("patient")), loader.path.value
    (True, 'patient.csv')
    >>> loader.load("patient.csv"), loader.path.value   # the name shown: the same file
    (True, 'patient.csv')
    >>> loader.close()
    """

    def __init__(self, program: Program, on_read: Callable[[LoadResult, str], None], tz: str | None = None,
                 placeholder: str = "path to an export (CSV, JSON, XLSX, zip...)", progress_at: int = 85):
        self.program, self.on_read, self.progress_at = program, on_read, progress_at
        self.path = W.Text(description="File", placeholder=placeholder, style=WIDE, layout=W.Layout(width="420px"))
        self.load_button = W.Button(description="Load", icon="folder-open", button_style="primary")
        self.upload = W.FileUpload(accept=LOG_TYPES, multiple=True, description="Upload")
        self.tz = W.Text(value=tz or "", description="Time zone", placeholder="e.g. Europe/Berlin", style=WIDE,
                         tooltip="zone of times without a UTC offset")
        self.progress = progress_bar("rs-progress")
        self.status = W.HTML()
        for control, css in ((self.path, "rs-path"), (self.load_button, "rs-load"), (self.upload, "rs-upload"),
                             (self.tz, "rs-tz"), (self.status, "rs-status")):
            control.add_class(css)
        self.load_button.on_click(self._load_clicked)
        self.upload.observe(self._uploaded, names="value")
        self.named: dict[str, Path] = {}   #: the file behind each name shown for a Path given

    @property
    def zone(self) -> str | None:
        """The time zone typed in, or None."""
        return self.tz.value.strip() or None

    def load(self, path) -> bool:
        """Read ``path`` (a file, a folder, a store or a list of them, as :func:`rollstats.load`
        takes them); True when it was read."""
        if isinstance(path, str) and path.strip() in self.named:
            path = self.named[path.strip()]
        if isinstance(path, Path):
            self.named[path.name] = path
            self.path.value = path.name
        elif isinstance(path, str):
            self.path.value = path
        if isinstance(path, (str, Path)):
            paths = Path(path).expanduser()
        else:
            paths = [Path(p).expanduser() for p in path]
        names = ", ".join(p.name for p in ([paths] if isinstance(paths, Path) else paths))
        return self._read(lambda progress: (read_with_progress(paths, progress, self.zone, self.program), names))

    def _load_clicked(self, _button=None) -> None:
        if self.path.value.strip():
            self.load(self.path.value.strip())
        elif self.upload.value:
            self._uploaded()
        else:
            self.status.value = error_html("Choose a file: type its path or upload it.")

    def _uploaded(self, change=None) -> None:
        if self.upload.value:
            self._read(lambda progress: read_upload(self.upload, progress, self.zone, self.program))

    def _read(self, read) -> bool:
        """Run ``read(progress)`` -> (LoadResult, names) with the progress bar shown; hand it on."""
        try:
            with Progress(self.progress) as progress:
                result, names = read(progress)
                progress.step(self.progress_at, "computing")
                self.on_read(result, names)
        except (OSError, RollstatsError, ValueError) as exc:
            self.status.value = error_html(f"Not read: {exc}")
            return False
        return True

    def row(self) -> W.HBox:
        """The path, Load and Upload controls on one line."""
        return W.HBox([self.path, self.load_button, self.upload])

    def close(self) -> None:
        """Close the controls (ipywidgets keeps every widget until closed)."""
        for control in (self.path, self.load_button, self.upload, self.tz, self.progress, self.status):
            control.close()

"""The Patient review's report: one HTML file of the subject and range shown, figures included.

:class:`ReportWriting` is a part of :class:`rollstats.widgets.PatientReview` (its ``report_*``
controls, ``progress``, ``view`` and pictures): the report button calls :meth:`write_report`.
"""
from __future__ import annotations

import html
from pathlib import Path

from ..views import FIGURES, Review, report_file_name, review_images, write_patient_report
from ..views.patient_figures import PAIN
from ._common import Progress, data_link, error_html


class ReportWriting:
    """The report of a :class:`~rollstats.widgets.PatientReview` (a base class of it)."""

    # ----- the report
    def write_report(self, _button=None) -> Path | None:
        """Write the one-file HTML report of the current subject and range into ``report_folder``."""
        if self.view is None:
            self.report_status.value = error_html("Load a file and choose a subject first.")
            return None
        view = self.view
        try:
            with Progress(self.progress) as progress:
                progress.step(10, "figures")
                images = self._report_images(view)
                progress.step(80, "writing")
                path = write_patient_report(view, self.report_folder.value.strip() or ".", images,
                                            source=self.source)
        except (OSError, ValueError) as exc:
            self.report_status.value = error_html(f"Report not written: {exc}")
            return None
        link = data_link(report_file_name(view.subject, view.first, view.last), path.read_bytes(), "text/html",
                         "download it")
        self.report_status.value = (f"Report written to <code class='rs-report-path'>{html.escape(str(path))}</code>"
                                    f" ({link}).")
        return path

    def _report_images(self, view: Review) -> dict[str, bytes]:
        """The figures for the report: those on screen when they are drawn at the report's resolution."""
        if self.figures and self.report_dpi == self.dpi and view is self.view:
            shown = {name: getattr(self, name).value for name in FIGURES}
            return {**shown, PAIN: self.pain.value} if self.pain.value else shown
        return review_images(view, self.report_dpi)

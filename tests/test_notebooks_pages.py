"""Figures of the package show as pictures when a notebook is executed (nbclient, as
``jupyter nbconvert --execute`` and Voila run it): quickstart.ipynb's four figure cells give
an ``image/png`` output, not the ``<Figure size ...>`` text a figure without pyplot prints."""
from __future__ import annotations

import base64
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]


def test_quickstart_figures_are_pictures(tmp_path):
    nb = nbformat.read(REPO / "notebooks" / "quickstart.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    figure_cells = [c for c in nb.cells if c.cell_type == "code" and "rollstats.plot_" in c.source]
    # the calendar, the timeline, the histogram and the Kaplan-Meier curve
    assert len(figure_cells) == 4
    for cell in figure_cells:
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert len(results) == 1, cell.source
        data = results[0]["data"]
        png = base64.b64decode(data["image/png"])
        assert png[:8] == b"\x89PNG\r\n\x1a\n", cell.source
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert width > 300 and height > 150, (cell.source, width, height)
        assert "<Figure size" in data["text/plain"]  # the text stays as the fallback
    # the other cells print no Figure text either
    texts = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not any("<Figure size" in t for t in texts)


NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb")) + [REPO / "rollstats" / "notebooks" / "review_dashboard.ipynb"]
TITLES = {"quickstart": "rollstats quickstart", "cohort_adherence": "Cohort explorer",
          "plan_my_sessions": "Plan my rolling nights", "review_a_patient": "Review a patient",
          "review_dashboard": "Patient review (rollstats)"}


def test_each_page_is_titled_after_what_it_shows():
    # Voila titles the page (its browser tab) with the notebook's metadata title, else the file name
    assert {p.stem: nbformat.read(p, as_version=4).metadata.get("title") for p in NOTEBOOKS} == TITLES


def test_no_cell_shows_a_widgets_state_outside_the_widget():
    """A cell that prints a widget's attributes shows them once, when the page is made: after any
    change of the filters or the plan it gives a second, stale answer (and a page without code cannot
    run it again). Widgets are built and shown in one cell; nothing else reads them."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        names = {}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            for widget in ("CohortExplorer(", "Planner(", "PatientReview("):
                if widget in cell.source:
                    name = cell.source.split(f"= {widget}")[0].split()[-1]
                    names[name] = cell.source
        for cell in nb.cells:
            for name, made in names.items():
                if cell.cell_type == "code" and cell.source != made:
                    assert f"{name}." not in cell.source and f"{name})" not in cell.source, (path.name, cell.source)
            text = cell.source.lower()
            assert "run again" not in text and "cell again" not in text, (path.name, cell.source)

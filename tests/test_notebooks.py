"""Every notebook runs top to bottom (outputs are not committed), shows its figures inline, and
renders to one self-contained HTML page for readers (``python docs/notebooks.py``)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
_spec = importlib.util.spec_from_file_location("docs_notebooks", DOCS / "notebooks.py")
notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notebooks)


@pytest.mark.parametrize("path", notebooks.NOTEBOOKS, ids=[p.name for p in notebooks.NOTEBOOKS])
def test_notebook_runs_and_renders(path):
    stored = nbformat.read(path, as_version=4)
    assert not any(cell.get("outputs") for cell in stored.cells if cell.cell_type == "code")
    notebook = notebooks.executed(path)
    images = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    ]
    assert images, "the notebook's figures are not shown inline"
    page = notebooks.rendered(notebook)
    assert page.count('src="data:image/png;base64,') == len(images)
    assert not re.search(r'(src|href)="https?://', page), "the page loads something from the web"

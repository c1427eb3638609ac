"""Rendered copies of the notebooks, for readers: each one executed top to bottom and written
as one self-contained HTML page (figures embedded), outputs still kept out of git::

    python docs/notebooks.py                 # docs/notebooks/*.html
    python docs/notebooks.py --out site/     # elsewhere

The tests execute and render the same way (tests/test_notebooks.py), writing nothing.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def executed(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` run top to bottom in its own folder."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return notebook


def rendered(notebook: nbformat.NotebookNode) -> str:
    """An executed notebook as one HTML page, its figures embedded as data URIs and no
    script loaded from the web (the notebooks need no JavaScript to be read)."""
    exporter = HTMLExporter(template_name="classic", embed_images=True)
    body, _ = exporter.from_notebook_node(notebook)
    return re.sub(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\n?', "", body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "notebooks")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in NOTEBOOKS:
        target = args.out / f"{path.stem}.html"
        target.write_text(rendered(executed(path)), encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()

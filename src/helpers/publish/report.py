"""One offline HTML report from a run's executed notebooks (nbconvert, code hidden).

Example:
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 01 · 解析")])
    >>> "解析" in combine_notebooks([("01_parse", nb)]).cells[1].source
    True
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from helpers.core import io

HIDDEN_TAGS = {"parameters", "injected-parameters"}
# NOTE: MathJax and require.js would be fetched from a CDN; the report must open offline and
# uses no maths or widgets, so both are left out.
EXPORTER_SETTINGS = {
    "exclude_input": True,
    "exclude_input_prompt": True,
    "exclude_output_prompt": True,
    "embed_images": True,
    "mathjax_url": "",
    "require_js_url": "",
}
EXTERNAL_SCRIPT_RE = re.compile(r"<script[^>]+src=\"https?://[^\"]*\"[^>]*>\s*</script>")


def combine_notebooks(notebooks: list[tuple[str, nbformat.NotebookNode]]) -> nbformat.NotebookNode:
    """Concatenate executed notebooks into one, a heading per stage, parameter cells dropped.

    Args:
        notebooks: ``(stage label, executed notebook)`` pairs in run order.

    Returns:
        A new notebook (inputs unchanged; the exporter hides code).
    """
    combined = nbformat.v4.new_notebook()
    for label, nb in notebooks:
        combined.cells.append(nbformat.v4.new_markdown_cell(f'<a id="{label}"></a>'))
        combined.cells += [
            cell
            for cell in nb.cells
            if not HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", []))
            and not cell.get("metadata", {}).get("papermill", {}).get("exception")
        ]
    combined.metadata["language_info"] = {"name": "python"}
    return combined


def export_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Render ``nb`` as a self-contained HTML page titled ``title``."""
    exporter = HTMLExporter(template_name="lab", **EXPORTER_SETTINGS)
    nb.metadata["title"] = title
    html, _ = exporter.from_notebook_node(nb)
    return EXTERNAL_SCRIPT_RE.sub("", html)


def build_html_report(run_dir: Path, labels: list[str], title: str) -> Path:
    """Write ``run_dir/report.html`` from ``run_dir/notebooks/<label>.ipynb`` in order."""
    notebooks = [
        (label, nbformat.read(run_dir / "notebooks" / f"{label}.ipynb", as_version=4))
        for label in labels
    ]
    html = export_html(combine_notebooks(notebooks), title)
    return io.write_text(html, run_dir / "report.html")

"""Create a stage notebook skeleton that follows the house layout.

Usage: python scripts/new_notebook.py 03 facts "Extract numeric facts" facts.parquet [more outputs]

The skeleton has: purpose (markdown), the shared ``parameters`` cell, the derived-paths cell,
and empty load / process / check / save sections. Edit it in JupyterLab afterwards.
"""

from __future__ import annotations

import sys

import nbformat

from helpers.core.params import PARAMETERS_SOURCE, SETUP_SOURCE
from helpers.core.paths import NOTEBOOKS_DIR


def build(number: str, stage: str, purpose: str, outputs: list[str]) -> nbformat.NotebookNode:
    """Return a new notebook for stage ``number``_``stage``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["helpers"] = {"outputs": outputs}
    params = nbformat.v4.new_code_cell(PARAMETERS_SOURCE)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {number} · {stage}\n\n{purpose}"),
        params,
        nbformat.v4.new_code_cell(SETUP_SOURCE),
        nbformat.v4.new_markdown_cell("## Load inputs"),
        nbformat.v4.new_markdown_cell("## Process data"),
        nbformat.v4.new_markdown_cell("## Check"),
        nbformat.v4.new_markdown_cell("## Save outputs"),
    ]
    return nb


if __name__ == "__main__":
    num, name, text, *outs = sys.argv[1:]
    path = NOTEBOOKS_DIR / f"{num}_{name}.ipynb"
    if path.exists():
        sys.exit(f"{path} exists; not overwriting")
    nbformat.write(build(num, name, text, outs), path)
    print(path)

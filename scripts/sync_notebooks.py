"""Rewrite every stage notebook's parameters cell and setup cell from ``helpers.core.params``.

Run after adding or changing a shared parameter: ``python scripts/sync_notebooks.py``.
Outputs are cleared as well (notebooks are committed without them).
"""

from __future__ import annotations

import nbformat

from helpers.core.params import PARAMETERS_SOURCE, SETUP_SOURCE
from helpers.core.paths import NOTEBOOKS_DIR
from helpers.pipeline.runner import discover_stages


def sync(nb: nbformat.NotebookNode) -> bool:
    """Update ``nb`` in place; return whether anything changed."""
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            new = PARAMETERS_SOURCE
        elif "params.stage_dirs(" in cell.source:
            new = SETUP_SOURCE
        else:
            new = cell.source
        if new != cell.source or cell.outputs or cell.execution_count is not None:
            cell.source, cell.outputs, cell.execution_count = new, [], None
            changed = True
    return changed


if __name__ == "__main__":
    for stage in discover_stages(NOTEBOOKS_DIR):
        nb = nbformat.read(stage.path, as_version=4)
        if sync(nb):
            nbformat.write(nb, stage.path)
            print(f"updated {stage.path.name}")

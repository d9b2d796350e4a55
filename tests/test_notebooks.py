"""Every stage notebook follows the house layout and is committed without outputs."""

from __future__ import annotations

import ast
import re

import nbformat
import papermill as pm
import pytest

from helpers.core.params import PARAMETER_NAMES, PARAMETERS, SETUP_SOURCE
from helpers.core.paths import NOTEBOOKS_DIR
from helpers.pipeline.runner import discover_stages

STAGES = discover_stages(NOTEBOOKS_DIR)
IDS = [s.label for s in STAGES]


@pytest.fixture(params=STAGES, ids=IDS)
def notebook(request):
    return request.param, nbformat.read(request.param.path, as_version=4)


def test_committed_without_outputs(notebook):
    stage, nb = notebook
    dirty = [
        i + 1
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.outputs or c.execution_count is not None)
    ]
    assert dirty == [], f"{stage.label}: clear outputs of cells {dirty} before committing"


def test_parameters_cell_declares_shared_names_as_typed_literals(notebook):
    stage, nb = notebook
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{stage.label}: exactly one cell tagged 'parameters'"
    body = ast.parse(cells[0].source).body
    assert all(isinstance(n, ast.AnnAssign) and isinstance(n.value, ast.Constant) for n in body), (
        "parameters cell holds annotated literals only (papermill does not recompute defaults)"
    )
    info = pm.inspect_notebook(str(stage.path))
    assert tuple(info) == PARAMETER_NAMES
    declared = {name: p["inferred_type_name"] for name, p in info.items()}
    assert declared == {p.name: p.type_name for p in PARAMETERS}
    assert all(p["help"] for p in info.values())


def test_setup_cell_is_the_shared_one(notebook):
    stage, nb = notebook
    setups = [c.source for c in nb.cells if "params.stage_dirs(" in c.source]
    assert setups == [SETUP_SOURCE], f"{stage.label}: run scripts/sync_notebooks.py"


def test_no_functions_or_classes_in_notebooks(notebook):
    stage, nb = notebook
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert not defs, f"{stage.label}: move {[d.name for d in defs]} into src/helpers"


def test_notebook_declares_its_outputs(notebook):
    stage, nb = notebook
    outputs = nb.metadata.get("helpers", {}).get("outputs")
    assert outputs, f"{stage.label}: list written tables in metadata.helpers.outputs"


def test_every_table_has_one_writer():
    # NOTE: 02_dedup once rewrote 01's articles.parquet; now each stage writes its own tables
    # (articles_dedup.parquet), so an incremental run never reads a table two stages shaped.
    writers: dict[str, list[str]] = {}
    for stage in discover_stages(NOTEBOOKS_DIR):
        nb = nbformat.read(stage.path, as_version=4)
        for table in nb.metadata.get("helpers", {}).get("outputs", []):
            writers.setdefault(table, []).append(stage.label)
    shared = {table: labels for table, labels in writers.items() if len(labels) > 1}
    assert not shared, f"tables written by more than one stage: {shared}"
    for stage in discover_stages(NOTEBOOKS_DIR):
        nb = nbformat.read(stage.path, as_version=4)
        source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        written = set(re.findall(r'write_table\([^\n]*"(\w+\.parquet)"', source))
        others = {t for t in written if stage.label not in writers.get(t, [stage.label])}
        assert not others, f"{stage.label} writes {others}, which another stage lists as its own"

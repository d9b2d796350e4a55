"""The in-process executor: same notebooks, same injected parameters, same outputs as a kernel."""

from __future__ import annotations

import nbformat
import pytest
from conftest import write_stage_notebook
from papermill.exceptions import PapermillExecutionError

from helpers.core.params import DEFAULTS
from helpers.pipeline import inprocess, runner

RAW_NAME = "原始 資料 '引號'"


def _params(tmp_path) -> dict:
    raw = tmp_path / RAW_NAME
    raw.mkdir(exist_ok=True)
    return {**DEFAULTS, "labels": "zh-Hant", "raw_dir": str(raw),
            "processed_dir": str(tmp_path / "p"), "run_dir": str(tmp_path / "r")}  # fmt: skip


def _run(tmp_path, *code: str, outputs=()):
    nb = write_stage_notebook(tmp_path / "nbs" / "01_x.ipynb", list(code), list(outputs))
    params = _params(tmp_path)
    return inprocess.execute_notebook(nb, tmp_path / "out.ipynb", params, cwd=nb.parent)


def test_outputs_are_recorded_like_a_kernel(tmp_path):
    out = _run(
        tmp_path,
        "import pandas as pd\nprint('出口')\ndisplay(pd.DataFrame({'份额': [49.36]}))\n1 + 1",
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n"
        "import sys\nprint('警告', file=sys.stderr)",
    )
    first, second = out.cells[-2].outputs, out.cells[-1].outputs
    assert [o.output_type for o in first] == ["stream", "display_data", "execute_result"]
    assert first[0].text == "出口\n" and "text/html" in first[1].data
    assert first[2].data["text/plain"] == "2" and first[2].execution_count == 4
    kinds = {o.output_type: o for o in second}
    assert kinds["stream"].name == "stderr" and "image/png" in kinds["display_data"].data
    saved = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert saved.cells[-2].outputs[0].text == "出口\n"


def test_parameters_are_injected_as_papermill_does(tmp_path):
    out = _run(tmp_path, "print(raw_dir, labels)")
    tags = [c.metadata.get("tags", []) for c in out.cells]
    assert ["injected-parameters"] in tags, "papermill's own injected cell"
    assert out.cells[-1].outputs[0].text == f"{tmp_path / RAW_NAME} zh-Hant\n"


def test_each_notebook_gets_a_fresh_namespace(tmp_path):
    _run(tmp_path, "leftover = '上一个笔记本'")
    with pytest.raises(PapermillExecutionError, match="NameError"):
        _run(tmp_path, "leftover")


def test_failure_raises_with_the_failing_line_and_saves_the_partial_notebook(tmp_path):
    source = "x = 1\nassert x == 1, 'ok'\nassert x == 2, (\n    '份额超过 100'\n)\ny = 3"
    with pytest.raises(PapermillExecutionError) as info:
        _run(tmp_path, source, "print('never')")
    err = info.value
    assert err.ename == "AssertionError" and "份额超过 100" in err.evalue
    assert runner.failing_line(err.source, err.traceback) == "assert x == 2, ("
    saved = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert saved.cells[-2].outputs[-1].output_type == "error"
    assert saved.cells[-1].outputs == [], "later cells are not run"


def test_cwd_is_the_notebook_folder_and_restored(tmp_path):
    import os

    before = os.getcwd()
    out = _run(tmp_path, "import os\nprint(os.getcwd())")
    assert out.cells[-1].outputs[0].text.strip() == str(tmp_path / "nbs")
    assert os.getcwd() == before


@pytest.mark.parametrize("executor", ["papermill", "inprocess"])
def test_runner_names_the_failing_line_with_either_executor(tmp_path, executor):
    raw = tmp_path / "raw"
    raw.mkdir()
    nbs = tmp_path / "nbs"
    code = (
        "import pandas as pd\nshares = pd.Series([34.0, 340.0])\nassert shares.max() <= 100, '>100'"
    )
    write_stage_notebook(nbs / "01_check.ipynb", [code], [])
    cfg = runner.RunConfig(raw, tmp_path / "p", tmp_path / "r", notebooks_dir=nbs,
                           executor=executor)  # fmt: skip
    out = runner.run_pipeline(cfg, echo=lambda _: None)
    assert not out.ok
    assert "(`assert shares.max() <= 100, '>100'`)" in out.message, out.message


def test_unknown_executor_is_a_usage_error(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_stage_notebook(tmp_path / "nbs" / "01_a.ipynb", ["pass"], [])
    cfg = runner.RunConfig(raw, tmp_path / "p", tmp_path / "r", notebooks_dir=tmp_path / "nbs",
                           executor="dask")  # fmt: skip
    with pytest.raises(runner.RunError, match="executor must be one of") as info:
        runner.run_pipeline(cfg, echo=lambda _: None)
    assert info.value.exit_code == 2

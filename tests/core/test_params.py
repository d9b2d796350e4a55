"""Notebook parameters: one declaration, validated values, paths independent of the cwd."""

from __future__ import annotations

import pytest

from helpers.core import params
from helpers.core.paths import NOTEBOOKS_DIR, PROJ_ROOT


def test_defaults_resolve_to_project_folders_from_any_cwd(monkeypatch, tmp_path):
    monkeypatch.chdir(NOTEBOOKS_DIR)  # where JupyterLab and the runner start kernels
    dirs = params.stage_dirs(params.DEFAULTS["raw_dir"], str(tmp_path / "p"), str(tmp_path / "r"))
    assert dirs.raw == PROJ_ROOT / "data" / "raw" / "sample"
    monkeypatch.chdir(tmp_path)
    again = params.stage_dirs(params.DEFAULTS["raw_dir"], str(tmp_path / "p"), str(tmp_path / "r"))
    assert again.raw == dirs.raw


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param({"labels": "fr"}, "labels must be one of", id="bad-label"),
        pytest.param({"lang": "en"}, "unknown parameter", id="unknown-name"),
        pytest.param({"raw_dir": 3}, "must be a str", id="not-a-string"),
        pytest.param({"incremental": "yes"}, "must be a bool", id="not-a-bool"),
        pytest.param({"since": "2025/07/01"}, "since must be YYYY-MM-DD", id="bad-since"),
    ],
)
def test_bad_parameters_are_rejected(values, message):
    with pytest.raises(params.ParameterError, match=message):
        params.validate_parameters(values)


def test_missing_raw_dir_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="--raw-dir"):
        params.stage_dirs(str(tmp_path / "无"), str(tmp_path), str(tmp_path))


def test_parameters_source_is_literal_and_complete():
    lines = params.PARAMETERS_SOURCE.splitlines()
    assert [line.split(":")[0] for line in lines] == list(params.PARAMETER_NAMES)
    assert all("  # " in line for line in lines)


def test_papermill_reads_every_declared_parameter(tmp_path):
    from conftest import write_stage_notebook

    nb = write_stage_notebook(tmp_path / "01_x.ipynb", [])
    import papermill as pm

    assert tuple(pm.inspect_notebook(str(nb))) == params.PARAMETER_NAMES
    assert all("=" not in p.comment for p in params.PARAMETERS)

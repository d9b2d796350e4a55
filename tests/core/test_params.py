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
        pytest.param({"min_confidence": "0.9"}, "must be a float", id="confidence-as-text"),
        pytest.param({"min_confidence": True}, "must be a float", id="confidence-as-bool"),
        pytest.param({"min_confidence": 1.2}, "between 0 and 1", id="confidence-above-1"),
        pytest.param({"min_confidence": -0.1}, "between 0 and 1", id="confidence-below-0"),
        pytest.param({"min_confidence": float("nan")}, "between 0 and 1", id="confidence-nan"),
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


@pytest.mark.parametrize("value", [0.0, 0.93, 1.0, 1, 0], ids=str)
def test_min_confidence_takes_numbers_from_0_to_1(value):
    assert params.validate_parameters({"min_confidence": value}) == {"min_confidence": value}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("0.85", 0.85, id="flag-text"),
        pytest.param(1, 1.0, id="yaml-int"),
        pytest.param(0.5, 0.5, id="float"),
    ],
)
def test_parse_min_confidence(value, expected):
    assert params.parse_min_confidence(value) == expected


@pytest.mark.parametrize("value", ["high", None, False, "1.5", [0.9]], ids=repr)
def test_parse_min_confidence_rejects(value):
    with pytest.raises(params.ParameterError, match="min_confidence"):
        params.parse_min_confidence(value)


def test_min_confidence_is_a_typed_float_literal_in_the_parameters_cell():
    line = next(x for x in params.PARAMETERS_SOURCE.splitlines() if x.startswith("min_confidence"))
    assert line.startswith(f"min_confidence: float = {params.DEFAULTS['min_confidence']!r}  # ")
    assert '"min_confidence": min_confidence' in params.SETUP_SOURCE

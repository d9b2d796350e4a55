"""``python -m helpers evaluate|bench`` reach the developer tools (dispatch in helpers/__main__)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import __main__ as dispatch
from helpers.core.paths import PROJ_ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpers", *args], capture_output=True, text=True, cwd=PROJ_ROOT
    )


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        pytest.param(("evaluate", "--help"), 0, "python -m helpers evaluate", id="evaluate"),
        pytest.param(("calibrate", "--help"), 0, "--real DIR", id="calibrate"),
        pytest.param(("evaluate", "facts", "--help"), 0, "--min-confidence", id="charted-view"),
        pytest.param(
            ("bench",),
            2,
            "python -m helpers bench {dedup, explorer, facts, noise, parse, scale}",
            id="bench",
        ),
        pytest.param(("--help",), 0, "evaluate", id="help-lists-the-commands"),
    ],
)
def test_commands_dispatch(args, code, expected):
    out = run(*args)
    assert out.returncode == code, out.stderr
    assert expected in out.stdout + out.stderr


def test_evaluate_scores_a_gold_file_in_process(capsys):
    gold = PROJ_ROOT / "tests" / "fixtures" / "sample_truth" / "facts.csv"
    raw = PROJ_ROOT / "data" / "raw" / "sample"
    assert dispatch.main(["evaluate", "facts", "--gold", str(gold), "--raw", str(raw)]) == 0
    assert "== facts vs" in capsys.readouterr().out

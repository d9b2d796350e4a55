"""Code style gates that CI enforces through `make test`: what `make lint` runs.

ruff lint (with docstrings, Google convention, for src/), ruff format, and the complexity gate
(radon counts boolean operators; limit 10, exceptions marked ``# NOTE: complexity N: why``).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers.core.paths import PROJ_ROOT

TARGETS = ["src", "tests", "scripts", "notebooks"]


@pytest.mark.parametrize(
    "args",
    [pytest.param(["check"], id="lint"), pytest.param(["format", "--check"], id="format")],
)
def test_ruff_clean(args):
    out = subprocess.run(
        [sys.executable, "-m", "ruff", *args, *TARGETS],
        cwd=PROJ_ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, f"run `make format` or fix:\n{out.stdout}{out.stderr}"


def test_complexity_gate():
    import importlib.util

    path = PROJ_ROOT / "scripts" / "check_complexity.py"
    spec = importlib.util.spec_from_file_location("check_complexity", path)
    gate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gate)
    found = gate.problems([PROJ_ROOT / "src"])
    assert not found, "\n".join(found)


def test_complexity_gate_catches_an_unmarked_function(tmp_path):
    import importlib.util

    path = PROJ_ROOT / "scripts" / "check_complexity.py"
    spec = importlib.util.spec_from_file_location("check_complexity", path)
    gate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gate)
    # eleven decision points: one if, ten boolean operators (ruff's C901 would say 2)
    terms = " or ".join(f"x == {i}" for i in range(11))
    (tmp_path / "m.py").write_text(f"def f(x):\n    if {terms}:\n        return 1\n")
    assert len(gate.problems([tmp_path])) == 1
    (tmp_path / "m.py").write_text(
        f"# NOTE: complexity 12: a test.\ndef f(x):\n    if {terms}:\n        return 1\n"
    )
    assert gate.problems([tmp_path]) == []

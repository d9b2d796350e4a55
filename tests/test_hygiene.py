"""Code style gates that CI enforces through `make test`: ruff lint and ruff format."""

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

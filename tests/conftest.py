"""Shared test helpers: build small stage notebooks, locate ../shared."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from helpers.core.params import PARAMETERS_SOURCE, SETUP_SOURCE
from helpers.core.paths import SHARED_DIR


def write_stage_notebook(path: Path, code: list[str], outputs: list[str] = ()) -> Path:
    """Write a stage notebook: parameters cell, the standard setup cell, then ``code`` cells."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["helpers"] = {"outputs": list(outputs)}
    params = nbformat.v4.new_code_cell(PARAMETERS_SOURCE)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(SETUP_SOURCE)]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in code]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared folder beside the checkout; skips the test when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} is absent (it sits beside the checkout on dev machines and CI)")
    return SHARED_DIR


BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# NOTE: flags from the machine notes: without the background-networking ones Chromium keeps
# trying to reach hosts this sandbox cannot reach.
HEADLESS_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> str:
    """Debian's Chromium; skips the test where it is missing."""
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    pytest.skip("no Chromium on this machine (apt-get install chromium; .ci/run does it as root)")


def run_chromium(browser: str, tmp_path: Path, *args: str) -> str:
    """Run headless Chromium with a fresh profile; return what it printed (e.g. --dump-dom)."""
    cmd = [browser, *HEADLESS_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout

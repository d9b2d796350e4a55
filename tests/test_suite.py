"""The real notebook suite, end to end through the runner, on a small fixture raw folder."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from helpers import io, runner
from helpers.paths import NOTEBOOKS_DIR, PROJ_ROOT
from helpers.runner import RunConfig

RAW_SMALL = PROJ_ROOT / "tests" / "fixtures" / "raw_small"


@pytest.mark.slow
def test_whole_suite_runs_on_fixture_set(tmp_path):
    cfg = RunConfig(
        raw_dir=RAW_SMALL,
        processed_dir=tmp_path / "processed",
        reports_dir=tmp_path / "reports",
        notebooks_dir=NOTEBOOKS_DIR,
    )
    lines: list[str] = []
    out = runner.run_pipeline(cfg, echo=lines.append)
    assert out.ok, out.message
    stages = runner.discover_stages(NOTEBOOKS_DIR)
    manifest = json.loads((out.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok"
    assert [n["notebook"] for n in manifest["notebooks"]] == [s.label for s in stages]
    assert set(manifest["inputs"]) == {p.name for p in RAW_SMALL.iterdir()}
    for stage in stages:
        executed = nbformat.read(out.run_dir / "notebooks" / stage.path.name, as_version=4)
        assert executed.metadata["papermill"]["parameters"]["labels"] == "zh-Hans"
        for name in runner.expected_outputs(stage):
            assert (cfg.processed_dir / name).exists(), f"{stage.label} did not leave {name}"
    articles = io.read_table(cfg.processed_dir / "articles.parquet")
    assert len(articles) >= 5  # two dump articles, two feed items, one HTML page
    assert (cfg.reports_dir / "latest").resolve() == out.run_dir.resolve()
    assert len(lines) == 2 * len(stages)


def test_cli_help_documents_flags_and_exit_codes():
    out = subprocess.run(
        [sys.executable, "-m", "helpers", "run", "--help"],
        capture_output=True,
        text=True,
        cwd=PROJ_ROOT,
    )
    assert out.returncode == 0
    flags = ["--raw-dir", "--processed-dir", "--reports-dir", "--labels", "--only", "--from"]
    for text in [*flags, "--params", "--wait", "Exit status: 0 ok, 1 a stage failed, 2 bad"]:
        assert text in out.stdout

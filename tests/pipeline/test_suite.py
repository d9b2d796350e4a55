"""The real notebook suite, end to end through the runner, on a small fixture raw folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from helpers.core import io
from helpers.core.paths import NOTEBOOKS_DIR, PROJ_ROOT
from helpers.pipeline import runner
from helpers.pipeline.runner import RunConfig

RAW_SMALL = PROJ_ROOT / "tests" / "fixtures" / "raw_small"
NEW_FEED = (
    '{"title": "文远知行车队规模扩大", "url": "https://example.com/a/9", "source": "出行观察", '
    '"date": "2025-10-15", "content": "文远知行表示，公司在全球的自动驾驶出租车车队已超过400辆，'
    '覆盖多个国家的城市，并计划继续扩大运营范围。"}\n'
)


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
    # facts below min_confidence: in the review table (processed, run tables), counted
    review = io.read_table(cfg.processed_dir / "review.parquet")
    assert (out.run_dir / "tables" / "review.csv").exists()
    assert manifest["review"]["facts"] == len(review)
    facts = io.read_table(cfg.processed_dir / "facts.parquet")
    assert set(review["fact_id"]) <= set(facts["fact_id"])
    assert (review["confidence"] < manifest["parameters"]["min_confidence"]).all()
    assert (cfg.reports_dir / "latest").resolve() == out.run_dir.resolve()
    # one start and one end line per stage (plus a report.pdf line where no Chromium is found)
    assert len([x for x in lines if not x.startswith("report.pdf skipped: ")]) == 2 * len(stages)


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


@pytest.mark.slow
def test_incremental_run_equals_full_rebuild(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_SMALL, raw)

    def run(processed: str, *, incremental: bool) -> runner.RunOutcome:
        cfg = RunConfig(
            raw_dir=raw,
            processed_dir=tmp_path / processed,
            reports_dir=tmp_path / f"reports-{processed}",
            notebooks_dir=NOTEBOOKS_DIR,
            incremental=incremental,
            pdf=False,  # the PDF is tested in tests/publish; here: incremental == full rebuild
        )
        out = runner.run_pipeline(cfg, echo=lambda _: None)
        assert out.ok, out.message
        return out

    run("inc", incremental=False)
    (raw / "new_feed.jsonl").write_text(NEW_FEED, encoding="utf-8")
    out = run("inc", incremental=True)
    assert out.manifest["parameters"]["incremental"] is True
    executed = (out.run_dir / "notebooks" / "01_parse.ipynb").read_text(encoding="utf-8")
    assert "--incremental: 3 unchanged files reused, 1 parsed" in executed
    run("full", incremental=False)
    for table in ["articles.parquet", "facts.parquet", "parse_report.parquet"]:
        pd.testing.assert_frame_equal(
            io.read_table(tmp_path / "inc" / table), io.read_table(tmp_path / "full" / table)
        )

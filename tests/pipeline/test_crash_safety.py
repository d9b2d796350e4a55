"""SIGKILL at any moment leaves data/processed and reports/latest a complete good state.

Stage tables are written into a staging folder and swapped in with one atomic exchange
(:func:`helpers.pipeline.runs.promote_staging`); ``latest`` is an atomically replaced symlink.
The test kills real runs (a subprocess of ``python -m helpers run``) at seeded random moments and
checks after each kill that every processed table comes from one and the same successful run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import write_stage_notebook

from helpers.core.paths import PROJ_ROOT
from helpers.pipeline import runs

# Two stages; every table carries the run that wrote it, so a mix of two runs is visible.
WRITE_FIRST = (
    "import pandas as pd\n"
    "for i in range(4):\n"
    "    io.write_table(pd.DataFrame({'run': [dirs.run.name], 'i': [i]}),"
    " dirs.processed / f'first_{i}.parquet')"
)
WRITE_SECOND = (
    "first = io.read_table(dirs.processed / 'first_0.parquet')\n"
    "assert first['run'].iloc[0] == dirs.run.name, 'read this run'\n"
    "io.write_table(first.assign(stage=2), dirs.processed / 'second.parquet')"
)
TABLES = {*(f"first_{i}.parquet" for i in range(4)), "second.parquet"}
KILLS = 12


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("比亚迪出口", encoding="utf-8")
    nbs = tmp_path / "nbs"
    write_stage_notebook(nbs / "01_first.ipynb", [WRITE_FIRST], sorted(TABLES - {"second.parquet"}))
    write_stage_notebook(nbs / "02_second.ipynb", [WRITE_SECOND], ["second.parquet"])
    return {"raw": raw, "nbs": nbs, "processed": tmp_path / "p", "reports": tmp_path / "r"}


def start_run(project: dict[str, Path]) -> subprocess.Popen:
    args = [
        sys.executable, "-m", "helpers", "run", "--executor", "inprocess", "--no-pdf",
        "--raw-dir", str(project["raw"]), "--processed-dir", str(project["processed"]),
        "--reports-dir", str(project["reports"]), "--notebooks-dir", str(project["nbs"]),
    ]  # fmt: skip
    return subprocess.Popen(args, cwd=PROJ_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def assert_good_state(project: dict[str, Path]) -> str:
    """Every table present, readable and from one run whose manifest says ok; return that run."""
    processed = project["processed"]
    names = {p.name for p in processed.glob("*.parquet")}
    assert names == TABLES, f"incomplete processed folder: {sorted(names)}"
    markers = {pd.read_parquet(processed / n)["run"].iloc[0] for n in names}
    assert len(markers) == 1, f"tables of different runs mixed: {markers}"
    (run,) = markers
    manifest = json.loads((project["reports"] / run / "manifest.json").read_text("utf-8"))
    assert manifest["status"] == "ok", f"processed tables of run {run} ({manifest['status']})"
    latest = project["reports"] / runs.LATEST_NAME
    latest_manifest = json.loads((latest / "manifest.json").read_text("utf-8"))
    assert latest_manifest["status"] == "ok", "latest points at a successful run"
    return run


@pytest.mark.slow
def test_sigkill_at_random_moments_keeps_a_complete_good_state(project):
    t0 = time.perf_counter()
    first = start_run(project)
    assert first.wait(timeout=120) == 0, first.stderr.read().decode()
    duration = time.perf_counter() - t0
    good = assert_good_state(project)
    rng = random.Random(20261205)
    seen = {good}
    for _ in range(KILLS):
        proc = start_run(project)
        time.sleep(rng.uniform(0.0, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        seen.add(assert_good_state(project))
    final = start_run(project)
    assert final.wait(timeout=120) == 0, final.stderr.read().decode()
    assert assert_good_state(project) not in seen, "a new run succeeds after the kills"
    parent = project["processed"].parent
    assert not list(parent.glob(".p.staging-*")), "stale staging folders are cleaned up"


def test_promotion_swaps_the_whole_folder_in_one_step(tmp_path):
    processed = tmp_path / "processed"
    processed.mkdir()
    (processed / "articles.parquet").write_text("old")
    (processed / ".gitkeep").write_text("")
    staging = runs.prepare_staging(processed, "20261205T000000Z-abcdef0")
    assert (staging / ".gitkeep").exists(), "dot files travel with the folder"
    (staging / "articles.parquet").unlink()
    (staging / "articles.parquet").write_text("new")
    staged_inode = os.stat(staging).st_ino
    moved = runs.promote_staging(staging, processed)
    assert os.stat(processed).st_ino == staged_inode, "the staging folder became the folder"
    assert (processed / "articles.parquet").read_text() == "new"
    assert moved == ["articles.parquet"] and not staging.exists()

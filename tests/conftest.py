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


def extracted_facts(raw_dir: Path):
    """Stages 01 and 03 on a small raw folder, in process: its fact ids, found by content.

    Tests name facts by what they are (article title, number as written) rather than by a
    hard-coded id, so a parser change that alters an article's text (and so every id in it)
    does not break them.
    """
    from helpers import facts, parse

    articles = parse.parse_raw_dir(raw_dir).articles
    table = facts.extract_facts(articles, canonical_only=False)
    return table.merge(articles[["article_id", "title"]], on="article_id", how="left")


def finished_small_run(tmp: Path, raw_dir: Path) -> dict[str, Path]:
    """A copy of ``raw_dir`` run through every notebook in process, under ``tmp``.

    Returns:
        The run's processed folder, its run folder (``latest``) and its corrections folder:
        what the explorer is opened with.
    """
    from helpers.core.paths import NOTEBOOKS_DIR
    from helpers.pipeline import runner

    shutil.copytree(raw_dir, tmp / "raw")
    cfg = runner.RunConfig(raw_dir=tmp / "raw", processed_dir=tmp / "p", reports_dir=tmp / "r",
                           notebooks_dir=NOTEBOOKS_DIR, corrections_dir=tmp / "c",
                           executor="inprocess")  # fmt: skip
    out = runner.run_pipeline(cfg, echo=lambda _: None)
    assert out.ok, out.message
    return {"processed": tmp / "p", "run": tmp / "r" / "latest", "corrections": tmp / "c"}


def as_parts(table, folder: Path, n_parts: int) -> Path:
    """The table as stages 01 and 02 write it: ``n_parts`` parts of whole raw files, in order."""
    from helpers.core import io

    files = table["source_file"].unique().tolist()
    for i in range(n_parts):
        mine = files[i * len(files) // n_parts : (i + 1) * len(files) // n_parts]
        io.write_part(table[table["source_file"].isin(mine)], folder, i)
    return folder


@pytest.fixture(scope="module")
def sample_dedup_articles():
    """Stage 02's articles of the bundled sample (parsed and deduplicated in process)."""
    from helpers import dedup, parse
    from helpers.core.paths import SAMPLE_RAW_DIR

    return dedup.deduplicate(parse.parse_raw_dir(SAMPLE_RAW_DIR).articles).articles


def fact_id_of(table, number_text: str) -> str:
    """The one fact read from ``number_text``; fails unless exactly one."""
    ids = table.loc[table["number_text"] == number_text, "fact_id"].tolist()
    assert len(ids) == 1, f"{len(ids)} facts read from {number_text!r}"
    return ids[0]


@pytest.fixture(scope="session")
def dask_engine():
    """``dask_engine(n)``: a DaskEngine on a LocalCluster of ``n`` worker processes.

    NOTE: one cluster per worker count for the whole session, started on first use and closed
    at the end (a start costs seconds; a test costs less). The clusters are the ones
    ``--engine dask`` starts (:func:`helpers.pipeline.engine.start_cluster`): separate worker
    processes, so every task and result really crosses a process boundary and is pickled.
    ``processes=False`` would start faster but pass objects in memory and test less.
    """
    from distributed import Client

    from helpers.pipeline.engine import DaskEngine, start_cluster

    opened: dict[int, DaskEngine] = {}

    def engine(workers: int) -> DaskEngine:
        if workers not in opened:
            cluster = start_cluster(workers, dashboard=":0")
            opened[workers] = DaskEngine(Client(cluster), owns_cluster=True, progress=None)
            opened[workers]._cluster = cluster
        return opened[workers]

    yield engine
    for each in opened.values():
        each.close()

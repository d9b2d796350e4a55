"""Both engines give identical tables, whatever the worker count and partition size (issue 17).

Stages 01-03 run over partitions (:mod:`helpers.parse.partitioned`, ...) through the local
engine and through dask clusters of 1 and 2 worker processes (the session's clusters of
``tests/conftest.py``), with partitions from one raw file each to everything in one, on the
bundled sample and on a generated corpus (JSON Lines and CSV feeds). Every table they write
must be equal to the local engine's: articles, cleaning log, report, quarantine, clusters
(``articles_dedup``, the dedup report and pairs), facts (written by month by the workers and
read back), the facts log, review and findings, and the topic facts stages 04-06 build their
tables from (read as they read them: their topic's rows). A last test runs the
committed notebooks 01-04 in-process with ``--engine dask`` against a running scheduler.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import dedup, facts, parse, share
from helpers.core import io
from helpers.core.partitions import LocalEngine
from helpers.core.paths import NOTEBOOKS_DIR, SAMPLE_RAW_DIR
from helpers.devtools.bench.scale import write_corpus
from helpers.pipeline import engine as engines
from helpers.pipeline import runner

TOPICS = ("ev_exports", "chip_share", "robotaxi_fleet")
WHOLE = 1 << 30  # bytes: every raw file in one partition
MIN_CONFIDENCE = 0.6  # high enough that the review table of stage 03 is not empty
# (dask workers, partitions: "file" = one raw file each / "third" = about a third of the
# corpus each, articles per facts batch). 1 vs 2 workers on the same partitions, and two
# partition sizes on 2 workers; the local engine over partitions equals the whole-table
# functions in tests/{parse,dedup,facts}/test_partitioned.py, so it is the baseline here.
CONFIGS = [
    pytest.param(1, "third", 120, id="dask1-thirds"),
    pytest.param(2, "third", 120, id="dask2-thirds"),
    pytest.param(2, "file", 1, id="dask2-file-each"),
]


def partition_bytes(raw, size: str) -> int:
    """Bytes per stage-01 partition: 1 (every file alone) or a third of the folder."""
    if size == "file":
        return 1
    return sum(p.stat().st_size for p in raw.iterdir() if p.is_file()) // 3


def run_stages(raw, out, engine, partition_bytes: int, batch: int) -> dict[str, pd.DataFrame]:
    """Stages 01-03 over partitions into ``out``; every table as the next stage reads it."""
    first = parse.partitioned.parse_to_parts(
        raw, out, engine=engine, partition_bytes=partition_bytes
    )
    run = dedup.partitioned.deduplicate_parts(out / "articles.parquet", engine=engine)
    dedup.partitioned.write_dedup_parts(
        run, run.result.articles, out / "articles_dedup.parquet", engine=engine
    )
    # stage 03 as its notebook runs it: workers extract, score, check and write the facts
    third = facts.stage.run_stage(
        out / "articles_dedup.parquet", out / "facts.parquet", engine=engine,
        batch_articles=batch, min_confidence=MIN_CONFIDENCE,
    )  # fmt: skip
    for name, table in {
        "parse_report": first.report,
        "quarantine": first.quarantine,
        "dedup_report": run.result.report,
        "dedup_pairs": run.result.pairs,
        "facts_log": third.log,
        "review": third.review,
        "findings_03_facts": third.findings,
    }.items():
        io.write_table(table, out / f"{name}.parquet")
    names = ["articles", "cleaning_log", "articles_dedup", "facts", "parse_report",
             "quarantine", "dedup_report", "dedup_pairs", "facts_log", "review",
             "findings_03_facts"]  # fmt: skip
    tables = {name: io.read_table(out / f"{name}.parquet") for name in names}
    for topic in TOPICS:
        # as notebooks 04-06 read them: the topic's facts, the columns of their articles
        prepared = share.prepare_facts(*share.prepare.read_topic(out, topic), topic=topic)
        tables[f"prepared_{topic}"] = prepared.reset_index(drop=True)
    return tables


@pytest.fixture(scope="module")
def generated_raw(tmp_path_factory):
    """300 generated articles in 6 feeds of 50 (JSON Lines and CSV): stories with copies."""
    raw = tmp_path_factory.mktemp("generated") / "raw"
    write_corpus(raw, 300, seed=5, file_articles=50)
    return raw


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, generated_raw):
    """The local engine's tables, everything in one partition, for each corpus."""
    raws = {"sample": SAMPLE_RAW_DIR, "generated": generated_raw}
    local = LocalEngine(progress=None)
    return {
        name: run_stages(raw, tmp_path_factory.mktemp(name), local, WHOLE, 10_000)
        for name, raw in raws.items()
    }


@pytest.mark.parametrize("corpus", ["sample", "generated"])
@pytest.mark.parametrize(("workers", "size", "batch"), CONFIGS)
def test_tables_equal_the_local_engines(
    request, baseline, dask_engine, tmp_path, corpus, workers, size, batch
):
    raw = SAMPLE_RAW_DIR if corpus == "sample" else request.getfixturevalue("generated_raw")
    engine = dask_engine(workers)
    assert engine.workers() == workers
    tables = run_stages(raw, tmp_path, engine, partition_bytes(raw, size), batch)
    expected = baseline[corpus]
    assert tables.keys() == expected.keys()
    for name, table in tables.items():
        pd.testing.assert_frame_equal(table, expected[name], obj=name)
    # not vacuous: copies were clustered, facts found, topic tables filled, partitions many
    assert expected["articles_dedup"]["dup_rule"].notna().sum() >= 5
    assert sum(len(expected[f"prepared_{topic}"]) for topic in TOPICS) >= 5
    n_parts = len(io.table_parts(tmp_path / "articles.parquet"))
    n_files = expected["articles"]["source_file"].nunique()
    assert n_parts == n_files if size == "file" else 3 <= n_parts < n_files


def test_the_suite_on_a_running_scheduler_equals_the_local_run(dask_engine, tmp_path):
    address = dask_engine(2).client.scheduler.address
    processed = {}
    for name, settings in {
        "local": runner.EngineSettings(),
        "dask": runner.EngineSettings("dask", scheduler=address, partition_mb=1),
    }.items():
        processed[name] = tmp_path / name / "processed"
        # NOTE: stages 01-04: the stages with an engine and the first table built from their
        # facts; 05-07 add charts and slides from the same facts (seconds, nothing new here).
        cfg = runner.RunConfig(SAMPLE_RAW_DIR, processed[name], tmp_path / name / "reports",
                               only=("1", "2", "3", "4"), notebooks_dir=NOTEBOOKS_DIR,
                               executor="inprocess", pdf=False, engine=settings)  # fmt: skip
        outcome = runner.run_pipeline(cfg, echo=lambda _: None)
        assert outcome.ok, outcome.message
    names = sorted(p.name for p in processed["local"].iterdir() if p.suffix == ".parquet")
    assert {"articles.parquet", "facts.parquet", "share_ev_exports.parquet"} <= set(names)
    assert names == sorted(p.name for p in processed["dask"].iterdir() if p.suffix == ".parquet")
    for name in names:
        local = io.read_table(processed["local"] / name)
        pd.testing.assert_frame_equal(io.read_table(processed["dask"] / name), local, obj=name)


def test_open_engine_refuses_what_it_cannot_run(dask_engine):
    with pytest.raises(engines.EngineError, match="engine must be one of"):
        engines.open_engine("spark")
    with pytest.raises(engines.EngineError, match="needs --engine dask"):
        engines.open_engine("local", "tcp://127.0.0.1:8786")
    address = dask_engine(2).client.scheduler.address
    joined = engines.open_engine("dask", address, progress=None)
    try:  # an address joins the running cluster: no cluster of its own
        assert joined.workers() == 2 and not joined.owns_cluster
        assert f"2 workers, 2 threads, scheduler {address}" in joined.describe()
        assert joined.map(str.upper, ["蔚来", "ab"], label="示例") == ["蔚来", "AB"]
    finally:
        engines.close_engine(joined)

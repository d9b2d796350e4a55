"""Stage 02 over partitions equals deduplicate() on the whole table."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import dedup, parse
from helpers.core import io
from helpers.core.partitions import LocalEngine
from helpers.core.paths import SAMPLE_RAW_DIR
from helpers.dedup import partitioned
from helpers.devtools.bench.dedup_corpus import build_corpus


@pytest.fixture(scope="module")
def sample():
    return parse.parse_raw_dir(SAMPLE_RAW_DIR).articles


@pytest.fixture(scope="module")
def generated():
    corpus = build_corpus(1500, seed=11)
    keep = ["article_id", "title", "body", "published_date", "source_name"]
    table = corpus[[c for c in keep if c in corpus]].copy()
    table["source_file"] = [f"feed_{i // 100:03d}.jsonl" for i in range(len(table))]
    table["source_line"] = [i % 100 + 1 for i in range(len(table))]
    table["body_raw"] = table["body"]
    return table


def as_parts(table: pd.DataFrame, folder, n_parts: int):
    files = table["source_file"].unique().tolist()
    for i in range(n_parts):
        mine = files[i * len(files) // n_parts : (i + 1) * len(files) // n_parts]
        io.write_part(table[table["source_file"].isin(mine)], folder, i)
    return folder


def roundtrip(table, path):
    return io.read_table(io.write_table(table, path))


@pytest.mark.parametrize("corpus", ["sample", "generated"])
@pytest.mark.parametrize("n_parts", [1, 4])
def test_partitions_equal_the_whole_table(request, tmp_path, corpus, n_parts, monkeypatch):
    table = request.getfixturevalue(corpus)
    # small chunks: the exact check runs in many pieces
    monkeypatch.setattr(partitioned, "CHECK_CHARS", 20_000)
    whole = dedup.deduplicate(table)
    parts = as_parts(table, tmp_path / "articles.parquet", n_parts)
    run = partitioned.deduplicate_parts(parts, engine=LocalEngine(progress=None))
    target = partitioned.write_dedup_parts(
        run, run.result.articles, tmp_path / "out.parquet", engine=LocalEngine(progress=None)
    )
    pd.testing.assert_frame_equal(
        io.read_table(target), roundtrip(whole.articles, tmp_path / "a.parquet")
    )
    pd.testing.assert_frame_equal(run.result.report, whole.report)
    pd.testing.assert_frame_equal(run.result.pairs, whole.pairs)
    assert (whole.articles["dup_rule"].notna()).sum() > (5 if corpus == "sample" else 200)

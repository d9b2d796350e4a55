"""Stage 03 over article batches equals one pass over the whole table."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import as_parts

from helpers import facts
from helpers.core import io
from helpers.core.partitions import LocalEngine
from helpers.facts import partitioned


@pytest.fixture(scope="module")
def articles(sample_dedup_articles):
    return sample_dedup_articles


@pytest.mark.parametrize(("n_parts", "batch"), [(1, 10_000), (3, 1), (5, 7)])
def test_batches_equal_one_pass(articles, tmp_path, n_parts, batch):
    table = as_parts(articles, tmp_path / "articles_dedup.parquet", n_parts)
    out = partitioned.extract_to_parts(
        table, engine=LocalEngine(progress=None), batch_articles=batch
    )
    whole = facts.extract_facts(articles)
    assert len(whole) > 100 and out.bad_spans == 0
    pd.testing.assert_frame_equal(out.facts, whole)
    pd.testing.assert_frame_equal(out.log, facts.facts_log(articles, whole))
    assert out.n_batches >= n_parts
    dated = articles.set_index("article_id")["published_date"].str[:7]
    assert (out.months == whole["article_id"].map(dated).fillna("undated")).all()


def test_facts_by_month_read_back_in_month_order(articles, tmp_path):
    out = partitioned.extract_to_parts(
        io.write_table(articles, tmp_path / "a.parquet"), engine=LocalEngine(progress=None)
    )
    target = partitioned.write_facts(out.facts, out.months, tmp_path / "facts.parquet")
    back = io.read_table(target)
    order = out.months.sort_values(kind="stable").index
    expected = out.facts.loc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        back, io.read_table(io.write_table(expected, tmp_path / "f.parquet"))
    )
    month = out.months.iloc[0]
    assert set(io.read_table(target, keys=[month])["fact_id"]) == set(
        out.facts.loc[out.months == month, "fact_id"]
    )

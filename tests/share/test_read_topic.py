"""Notebooks 04-06 read only their topic's facts and a few article columns: same tables."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import dedup, parse, share
from helpers.core import io
from helpers.core.partitions import LocalEngine
from helpers.core.paths import SAMPLE_RAW_DIR
from helpers.facts import stage

TOPICS = ("ev_exports", "chip_share", "robotaxi_fleet")


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    """The sample's articles_dedup and facts.parquet (by month, many parts) as stage 03 writes."""
    out = tmp_path_factory.mktemp("processed")
    articles = dedup.deduplicate(parse.parse_raw_dir(SAMPLE_RAW_DIR).articles).articles
    table = io.write_table(articles, out / "articles_dedup.parquet")
    stage.run_stage(table, out / "facts.parquet", engine=LocalEngine(progress=None),
                    batch_articles=5)  # fmt: skip
    return out


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_read_gives_the_tables_of_the_whole_read(processed, topic):
    facts, articles = share.prepare.read_topic(processed, topic)
    whole = io.read_table(processed / "facts.parquet")
    all_articles = io.read_table(processed / "articles_dedup.parquet")
    expected = share.prepare_facts(whole, all_articles, topic=topic)
    assert len(expected) > 0 and len(io.table_parts(processed / "facts.parquet")) > 3
    pd.testing.assert_frame_equal(share.prepare_facts(facts, articles, topic=topic), expected)
    assert set(facts["topic"]) == {topic} and "body" not in articles
    assert len(articles) < len(all_articles)
    kept = dict(topic=topic, since="", n_reference=0, labels="en")
    assert share.prepare.kept_summary(expected, facts, **kept) == share.prepare.kept_summary(
        expected, whole, **kept
    )

"""Stage 03 over batches (``facts.stage.run_stage``) equals the whole-table steps, row for row.

The reference is what notebook 03 did before issue 17's memory work: every batch's facts
gathered into one frame, then corrections, confidence, value checks, the review table and the
facts written by month. Reviewed corrections of every kind are applied (reject, set of a
value, of a metric and of an implausible share, add by quote, add from a URL, an alias and a
stale one), with ``min_confidence`` high enough to fill the review table.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import as_parts

from helpers.catalog import corrections as cor
from helpers.core import io
from helpers.core.partitions import LocalEngine
from helpers.facts import checks, confidence, corrections, partitioned, stage, summary

MIN_CONFIDENCE = 0.6
LOCAL = LocalEngine(progress=None)


@pytest.fixture(scope="module")
def articles(sample_dedup_articles):
    return sample_dedup_articles


def whole_table(table, target, reviewed, batch: int) -> dict:
    """Stage 03 as the notebook ran it with every fact in one frame (the reference)."""
    run = partitioned.extract_to_parts(table, engine=LOCAL, batch_articles=batch,
                                       aliases=corrections.aliases_of(reviewed))  # fmt: skip
    quoted = partitioned.articles_for_corrections(table, reviewed)
    facts_table, fact_log = corrections.apply_fact_corrections(run.facts, quoted, reviewed)
    corrections_log = cor.new_log(
        corrections.alias_log(reviewed, facts_table) + fact_log.to_dict("records")
    )
    facts_table = confidence.add_confidence(facts_table)
    facts_table, findings = checks.check_fact_values(facts_table)
    partitioned.write_facts(facts_table, partitioned.months_of(facts_table, table, run), target)
    return {
        "target": target,
        "table": facts_table,
        "facts": io.read_table(target),
        "log": partitioned.recount_log(run.log, facts_table),
        "findings": findings,
        "review": confidence.review_table(facts_table, MIN_CONFIDENCE),
        "corrections_log": corrections_log,
    }


def reviewed_for(facts: pd.DataFrame, articles: pd.DataFrame) -> list[cor.Correction]:
    """Corrections of every kind, aimed at facts spread over the sample's files."""
    topical = facts[facts["is_topic_fact"]].reset_index(drop=True)
    first, middle, last = topical.iloc[0], topical.iloc[len(topical) // 2], topical.iloc[-1]
    share = facts[facts["metric"] == "market_share"].iloc[0]
    body = articles.set_index("article_id").loc[middle["article_id"], "body"]
    quote = body[middle["sentence_start"] : middle["sentence_start"] + 4]
    echo = body[middle["char_start"] : middle["char_end"]]
    lines = [
        f"- {{action: reject, fact_id: {first['fact_id']}, who: a, when: t, why: 重复}}",
        f"- {{action: set, fact_id: {last['fact_id']}, set: {{value: 123456}}, who: a, when: t,"
        " why: 笔误}",
        f"- {{action: set, fact_id: {middle['fact_id']}, set: {{metric: sales}}, who: a, when: t,"
        " why: 口径}",
        f"- {{action: set, fact_id: {share['fact_id']}, set: {{value: 340}}, who: a, when: t,"
        " why: 试一个越界值}",
        f"- {{action: add, article_id: {middle['article_id']}, quote: '{quote}', fact: "
        "{entity_id: byd, metric: exports, value: 1000, unit: vehicles}, who: a, when: t, "
        "why: 漏读}",
        f"- {{action: add, article_id: {middle['article_id']}, quote: '{echo}', fact: "
        f"{{entity_id: byd, metric: {middle['metric']}, value: 7, unit: vehicles}}, who: a, "
        "when: t, why: 已读过}",
        "- {action: add, source_url: 'https://auto.example.cn/a/1', quote: 出口一万辆, fact: "
        "{entity_id: byd, metric: exports, value: 10000, unit: vehicles}, who: a, when: t, "
        "why: 网页}",
        "- {action: alias, text: 迪子, entity_id: byd, who: a, when: t, why: 俗称}",
        f"- {{action: reject, fact_id: f-0000000000000000, seen: {{article_id: "
        f"{last['article_id']}, number_text: 9辆}}, who: a, when: t, why: 旧}}",
    ]
    return cor.parse_corrections("\n".join(lines), "c.yaml")


@pytest.fixture(scope="module")
def reviewed(articles, tmp_path_factory):
    table = io.write_table(articles, tmp_path_factory.mktemp("whole") / "articles.parquet")
    return reviewed_for(partitioned.extract_to_parts(table, engine=LOCAL).facts, articles)


@pytest.mark.parametrize(("n_parts", "batch"), [(1, 10_000), (3, 1), (5, 7)])
@pytest.mark.parametrize("with_corrections", [True, False], ids=["corrected", "as-extracted"])
def test_stage_over_batches_equals_the_whole_table_steps(
    articles, reviewed, tmp_path, n_parts, batch, with_corrections
):
    table = as_parts(articles, tmp_path / "articles_dedup.parquet", n_parts)
    fixes = reviewed if with_corrections else []
    expected = whole_table(table, tmp_path / "whole" / "facts.parquet", fixes, batch)
    target = tmp_path / "facts.parquet"
    out = stage.run_stage(table, target, engine=LOCAL, batch_articles=batch, reviewed=fixes,
                          min_confidence=MIN_CONFIDENCE)  # fmt: skip
    pd.testing.assert_frame_equal(io.read_table(target), expected["facts"])
    for name in ("log", "findings", "review", "corrections_log"):
        pd.testing.assert_frame_equal(getattr(out, name), expected[name], obj=name)
    assert out.violations == dict.fromkeys(stage.VIOLATIONS, 0)
    assert out.n_facts == len(expected["table"])
    # not vacuous: every kind of correction did something, the review queue is not empty
    assert len(expected["review"]) > 0
    if with_corrections:  # the share set to 340 % is a finding
        assert len(expected["findings"]) > 0
        statuses = set(expected["corrections_log"]["status"])
        assert {"applied", "stale"} <= statuses
        assert (expected["table"]["review_status"] == "added").sum() == 2
    # one file per month, as the whole-table write made; each holds what that write put there
    months = [io.part_key(p) for p in io.table_parts(expected["target"])]
    assert [io.part_key(p) for p in io.table_parts(target)] == months
    month = months[-1]
    pd.testing.assert_frame_equal(io.read_table(target, keys=[month]),
                                  io.read_table(expected["target"], keys=[month]))  # fmt: skip


@pytest.mark.parametrize("batch", [1, 10_000])
def test_notebook_views_equal_those_of_the_whole_table(articles, reviewed, tmp_path, batch):
    table = as_parts(articles, tmp_path / "articles_dedup.parquet", 3)
    expected = whole_table(table, tmp_path / "whole" / "facts.parquet", reviewed, batch)
    whole = expected["table"]
    out = stage.run_stage(table, tmp_path / "facts.parquet", engine=LOCAL, batch_articles=batch,
                          reviewed=reviewed, min_confidence=MIN_CONFIDENCE)  # fmt: skip
    views = out.views
    pd.testing.assert_frame_equal(views.coverage, summary.coverage(whole))
    pd.testing.assert_frame_equal(summary.topic_count_table(views),
                                  summary.topic_fact_counts(whole))  # fmt: skip
    pd.testing.assert_frame_equal(views.confidence,
                                  summary.confidence_counts(whole, MIN_CONFIDENCE))  # fmt: skip
    topical = whole[whole["is_topic_fact"].astype(bool)]
    cols = summary.SAMPLE_COLUMNS["topic_facts"]
    pd.testing.assert_frame_equal(
        views.samples["topic_facts"], topical.groupby("topic").head(5)[cols].reset_index(drop=True)
    )
    inferred = whole[whole["period_inferred"] & whole["is_topic_fact"]]
    pd.testing.assert_frame_equal(
        views.samples["inferred"],
        inferred[summary.SAMPLE_COLUMNS["inferred"]].head(10).reset_index(drop=True),
    )
    parts = whole[whole["part_of"] != ""]
    assert views.counts["parts"] == len(parts) > 0
    assert summary.missing_in(views.coverage, "en") == summary.missing_topics(whole, "en")


def test_an_empty_articles_table_gives_empty_tables_with_their_columns(articles, tmp_path):
    table = io.write_table(articles.iloc[:0], tmp_path / "articles_dedup.parquet")
    expected = whole_table(table, tmp_path / "whole" / "facts.parquet", [], 10)
    out = stage.run_stage(table, tmp_path / "facts.parquet", engine=LOCAL)
    pd.testing.assert_frame_equal(io.read_table(tmp_path / "facts.parquet"), expected["facts"])
    assert out.n_facts == 0 and list(out.log.columns) == list(expected["log"].columns)

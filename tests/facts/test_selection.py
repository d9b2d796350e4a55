"""Stage 03 reads what stage 02 marks: every figure of a story reaches facts (issue 15)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import dedup, facts

from ..dedup.cases import (
    LAST_PARAGRAPH,
    OTHER_UPDATE_PARAGRAPH,
    RELATED,
    STORY,
    UPDATE_PARAGRAPH,
    monthly_brief,
)


def read(bodies: dict[str, str], **columns) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run stage 02 then stage 03; return (articles_dedup, facts)."""
    df = pd.DataFrame(
        {"article_id": list(bodies), "body": list(bodies.values()), **columns}
    ).assign(published_date=columns.get("published_date", "2025-12-05"))
    articles = dedup.deduplicate(df).articles
    return articles, facts.extract_facts(articles)


def values(table: pd.DataFrame) -> set[float]:
    return set(table["value"].round(6))


def assert_spans_point_into_their_bodies(articles: pd.DataFrame, table: pd.DataFrame) -> None:
    bodies = articles.set_index("article_id")["body"]
    for a, s, e, t in table[["article_id", "char_start", "char_end", "number_text"]].itertuples(
        index=False
    ):
        assert bodies[a][s:e] == t


def test_every_figure_of_twelve_template_briefs_reaches_facts():
    briefs = {f"b{m:02d}": monthly_brief(m) for m in range(1, 13)}
    articles, table = read({k: body for k, (body, _) in briefs.items()})
    assert articles["is_canonical"].all()
    for article_id, (_, figures) in briefs.items():
        assert set(figures) <= values(table[table["article_id"] == article_id]), article_id
    assert_spans_point_into_their_bodies(articles, table)


def test_the_figure_of_an_updated_copy_reaches_facts():
    articles, table = read({"a-orig": STORY, "z-update": STORY + "\n" + UPDATE_PARAGRAPH})
    assert articles["cluster_id"].nunique() == 1
    assert {48000.0, 1260.0} <= values(table)
    assert (table["value"] == 48000.0).sum() == 1  # the shared figure is read once


def test_two_updates_each_add_a_figure_and_both_reach_facts():
    one, two = STORY + "\n" + UPDATE_PARAGRAPH, STORY + "\n" + OTHER_UPDATE_PARAGRAPH
    articles, table = read({"orig": STORY, "upd1": one, "upd2": two})
    assert articles["cluster_id"].nunique() == 1
    assert {48000.0, 1260.0, 1300000.0} <= values(table)
    assert (table["value"] == 48000.0).sum() == 1
    copy = articles[~articles["is_canonical"] & (articles["read_spans"] != "")]
    assert len(copy) == 1
    # The copy's figure is attributed to the copy, with a span into the copy's body.
    from_copy = table[table["article_id"] == copy["article_id"].iloc[0]]
    assert len(from_copy) >= 1
    assert_spans_point_into_their_bodies(articles, table)
    log = facts.facts_log(articles, table)
    assert set(log["article_id"]) == {*articles.loc[articles["is_canonical"], "article_id"],
                                      copy["article_id"].iloc[0]}  # fmt: skip


def test_the_last_paragraph_a_cut_reprint_dropped_reaches_facts():
    full, cut = STORY + "\n" + LAST_PARAGRAPH, STORY + "\n" + RELATED
    articles, table = read(
        {"a-cut": cut, "z-full": full},
        quality_score=[1.0, 0.5],
        published_date=["2025-12-01", "2025-12-05"],
    )
    assert articles.set_index("article_id")["is_canonical"].to_dict() == {
        "a-cut": False,
        "z-full": True,
    }
    assert {48000.0, 362000.0, 21.5} <= values(table)


@pytest.mark.parametrize("whole", [True, False], ids=["cached-whole", "fresh"])
def test_a_copy_read_in_part_is_cached_with_its_spans(whole):
    one, two = STORY + "\n" + UPDATE_PARAGRAPH, STORY + "\n" + OTHER_UPDATE_PARAGRAPH
    articles, table = read({"orig": STORY, "upd1": one, "upd2": two})
    log = facts.facts_log(articles, table)
    if whole:  # an earlier run read the copy whole (it was the representative then)
        log = log.assign(read_spans="")
    _reused, todo = facts.cache.split_for_facts(
        facts.selection.articles_to_read(articles).assign(date_hint=""), (table, log)
    )
    partial = articles.loc[articles["read_spans"] != "", "article_id"].tolist()
    assert (set(todo["article_id"]) == set(partial)) is whole

"""Fact corrections: aliases reach the entity step, edits keep originals, stale stays stale."""

from __future__ import annotations

import json

import pandas as pd

from helpers.catalog import corrections as cor
from helpers.facts import cache, corrections, extract

BODY = "迪子2025年海外销量约105万辆，同比增长超过一倍。"
ARTICLES = pd.DataFrame({"article_id": ["a1"], "body": [BODY], "published_date": ["2025-12-31"],
                         "is_canonical": [True], "title": ["出海"]})  # fmt: skip
ALIAS = (("迪子", "byd"),)


def _parse(*lines: str) -> list[cor.Correction]:
    return cor.parse_corrections("\n".join(lines), "c.yaml")


def test_alias_reaches_the_entity_step_and_the_cache_key():
    alias = _parse("- {action: alias, text: 迪子, entity_id: byd, who: a, when: t, why: 俗称}")
    before = extract.extract_facts(ARTICLES)
    after = extract.extract_facts(ARTICLES, aliases=corrections.aliases_of(alias))
    assert "byd" not in set(before["entity_id"])
    assert "byd" in set(after["entity_id"])
    assert cache.extractor_version() != cache.extractor_version(corrections.aliases_of(alias))
    log = corrections.alias_log(alias, after)
    assert [r["status"] for r in log] == ["applied"]


def test_later_set_overrides_earlier_and_originals_are_kept():
    facts = extract.extract_facts(ARTICLES, aliases=ALIAS)
    fid = facts.loc[facts["metric"] == "overseas_sales", "fact_id"].iloc[0]
    fixed, log = corrections.apply_fact_corrections(facts, ARTICLES, _parse(
        f"- {{action: set, fact_id: {fid}, set: {{value: 1000000}}, who: a, when: t, why: 一}}",
        f"- {{action: set, fact_id: {fid}, set: {{value: 1060000}}, who: b, when: t, why: 二}}",
    ))  # fmt: skip
    row = fixed.set_index("fact_id").loc[fid]
    assert row["value"] == 1060000.0
    assert json.loads(row["original_values"]) == {"value": 1050000.0}
    assert log["status"].tolist() == ["overridden", "applied"]
    assert len(row["correction_ids"].split(";")) == 2


def test_add_by_quote_gets_the_stable_id_of_that_span():
    facts = extract.extract_facts(ARTICLES)
    fixed, log = corrections.apply_fact_corrections(facts, ARTICLES, _parse(
        "- {action: add, article_id: a1, quote: 一倍, fact: {entity_id: byd, metric: yoy_growth, "
        "value: 100, unit: percent}, who: a, when: t, why: 翻倍即增长100%}"))  # fmt: skip
    added = fixed[fixed["review_status"] == "added"]
    start = BODY.index("一倍")
    assert added[["char_start", "char_end", "number_text"]].values.tolist() == [
        [start, start + 2, "一倍"]]  # fmt: skip
    assert log["status"].tolist() == ["applied"]


def test_stale_and_invalid_are_reported_not_applied():
    facts = extract.extract_facts(ARTICLES, aliases=ALIAS)
    fid = facts["fact_id"].iloc[0]
    fixed, log = corrections.apply_fact_corrections(facts, ARTICLES, _parse(
        "- {action: reject, fact_id: f-0000000000000000, seen: {article_id: a1, number_text: 9辆},"
        " who: a, when: t, why: 旧}",
        f"- {{action: set, fact_id: {fid}, set: {{entity_id: no_such_company}}, who: a, when: t,"
        " why: 错}",
        "- {action: add, article_id: a1, quote: 不在文中, fact: {entity_id: byd, metric: sales, "
        "value: 1, unit: vehicles}, who: a, when: t, why: 漏}",
    ))  # fmt: skip
    assert log["status"].tolist() == ["stale", "invalid", "stale"]
    assert "still read" in log["detail"].iloc[0]
    assert not fixed["is_corrected"].any()


def test_uncorrected_restores_the_extraction():
    facts = extract.extract_facts(ARTICLES, aliases=ALIAS)
    fid = facts["fact_id"].iloc[0]
    edit = f"- {{action: set, fact_id: {fid}, set: {{metric: sales}}, who: a, when: t, why: 口径}}"
    fixed, _ = corrections.apply_fact_corrections(facts, ARTICLES, _parse(edit))
    restored = corrections.uncorrected(fixed)
    pd.testing.assert_frame_equal(restored[facts.columns].reset_index(drop=True),
                                  facts.reset_index(drop=True))  # fmt: skip

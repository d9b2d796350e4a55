"""Fact ids are stable: content-derived, independent of row order and of the subject/date rules."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.facts import extract, ids, rows

BODY = (
    "2025年1—11月，我国汽车整车出口634.3万辆，同比增长18.7%。"
    "其中比亚迪、奇瑞各出口约50万辆。小马智行车队规模超720辆。"
)


def _ids(body: str = BODY, date: str = "2025-12-01") -> list[str]:
    return [r["fact_id"] for r in extract.extract_article_facts("a1", body, date)]


def test_ids_are_unique_and_repeatable():
    first, second = _ids(), _ids()
    assert first == second
    assert len(set(first)) == len(first) >= 4


def test_each_list_gives_distinct_ids_to_one_number():
    facts = extract.extract_article_facts("a1", BODY, "2025-12-01")
    listed = [r for r in facts if r["number_text"].startswith("约50万")]
    assert {r["entity_id"] for r in listed} == {"byd", "chery"}
    assert len({r["fact_id"] for r in listed}) == 2


def test_ids_do_not_depend_on_the_subject_rule(monkeypatch):
    # NOTE: issue 14 changes who a figure belongs to; a reviewed correction must keep finding
    # the fact, so the id may not include the entity a rule picked.
    before = {r["fact_id"]: r["entity_id"] for r in extract.extract_article_facts(
        "a1", "小马智行车队规模超720辆。", "2025-12-01")}  # fmt: skip
    monkeypatch.setattr(rows, "_subject_record", lambda *a, **k: ("pony_other", "小马", ""))
    after = {r["fact_id"]: r["entity_id"] for r in extract.extract_article_facts(
        "a1", "小马智行车队规模超720辆。", "2025-12-01")}  # fmt: skip
    assert set(before) == set(after)
    assert set(before.values()) != set(after.values())


def test_ids_do_not_depend_on_the_dating_rule(monkeypatch):
    before = _ids()
    monkeypatch.setattr(rows, "choose_period", lambda *a, **k: ("1999", True, False, "sentence"))
    assert _ids() == before


def test_ids_do_not_depend_on_row_order():
    arts = pd.DataFrame({"article_id": ["a", "b"], "body": ["蔚来交付1万辆。", "小鹏交付2万辆。"],
                         "published_date": ["2025-12-01"] * 2})  # fmt: skip
    forward = set(extract.extract_facts(arts)["fact_id"])
    backward = set(extract.extract_facts(arts.iloc[::-1])["fact_id"])
    assert forward == backward


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(("a2", 10, 16, "exports"), id="other-article"),
        pytest.param(("a1", 11, 16, "exports"), id="other-span"),
        pytest.param(("a1", 10, 16, "sales"), id="other-metric"),
    ],
)
def test_id_changes_with_article_span_or_metric(changed):
    assert ids.fact_id(*changed) != ids.fact_id("a1", 10, 16, "exports")


def test_part_of_follows_a_renamed_total():
    base = ids.fact_id("a", 0, 3, "exports")
    facts = [
        {"fact_id": base, "entity_text": "甲", "part_of": ""},
        {"fact_id": base, "entity_text": "乙", "part_of": ""},
        {"fact_id": ids.fact_id("a", 9, 12, "exports"), "entity_text": "甲", "part_of": base},
    ]
    out = ids.disambiguate(facts)
    assert out[2]["part_of"] == out[0]["fact_id"] != base

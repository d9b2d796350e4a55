"""A figure whose story several outlets carried says so in its source note (issue 15, part 3)."""

from __future__ import annotations

import pandas as pd

from helpers.share import notes, prepare


def _facts() -> pd.DataFrame:
    base = {c: "" for c in prepare.FACT_COLUMNS}
    rows = [
        {**base, "fact_id": "f1", "article_id": "a1", "topic": "robotaxi_fleet",
         "entity_id": "pony_ai", "metric": "fleet_size", "value": 1000.0, "period": "2025-12",
         "data_source": "company"},
        {**base, "fact_id": "f2", "article_id": "a2", "topic": "robotaxi_fleet",
         "entity_id": "weride", "metric": "fleet_size", "value": 700.0, "period": "2025-11",
         "data_source": "company"},
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _articles(outlets: list[int] | None) -> pd.DataFrame:
    arts = pd.DataFrame({"article_id": ["a1", "a2"], "title": ["", ""],
                         "source_name": ["无人车周报", "出行观察"],
                         "published_date": ["2026-01-02", "2025-12-01"]})  # fmt: skip
    return arts if outlets is None else arts.assign(story_outlets=outlets)


def test_notes_count_the_outlets_of_a_story_in_each_label_language():
    prepared = prepare.prepare_facts(_facts(), _articles([3, 1]), topic="robotaxi_fleet")
    expected = {"zh-Hans": "3家媒体报道", "zh-Hant": "3家媒體報導", "en": "reported by 3 outlets"}
    for labels, words in expected.items():
        got = notes.add_source_notes(prepared, labels).set_index("fact_id")["source_note"]
        assert got["f1"].endswith(words) and "无人车周报" in got["f1"]
        assert "1" not in got["f2"].replace("2025-12-01", ""), "a single outlet is not counted"


def test_articles_written_before_stories_still_give_notes():
    prepared = prepare.prepare_facts(_facts(), _articles(None), topic="robotaxi_fleet")
    got = notes.add_source_notes(prepared, "zh-Hans")["source_note"].tolist()
    assert not any("媒体报道" in n for n in got) and all("无人车周报" in n or "出行观察" in n
                                                          for n in got)  # fmt: skip

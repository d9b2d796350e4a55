"""The report reads only the facts it cites, and only their articles' title, outlet and date."""

from __future__ import annotations

import pandas as pd

from helpers.core import io
from helpers.publish import report


def _processed(tmp_path):
    facts = pd.DataFrame({
        "fact_id": ["f-1", "f-2", "f-3"], "article_id": ["a1", "a2", "a2"],
        "metric": ["export_volume"] * 3, "value": [68.1, 134.4, 9.0],
        "sentence": ["一月出口68.1万辆。", "全年出口134.4万辆。", "九家经销商。"],
    })  # fmt: skip
    for i, (month, rows) in enumerate([("2026-01", facts.iloc[:1]), ("2026-02", facts.iloc[1:])]):
        io.write_part(rows, tmp_path / "facts.parquet", i, key=("month", month))
    articles = pd.DataFrame({
        "article_id": ["a1", "a2", "a3"], "title": ["一月出口", "全年出口", "无关"],
        "source_name": ["甲", "乙", "丙"], "published_date": ["2026-01-20", "2026-02-12", ""],
        "body": ["一月出口68.1万辆。", "全年出口134.4万辆。九家经销商。", "别的"],
    })  # fmt: skip
    io.write_part(articles, tmp_path / "articles_dedup.parquet", 0)
    return tmp_path


def test_only_cited_facts_with_their_articles(tmp_path):
    frame = report.evidence_source({}, _processed(tmp_path), ["f-2"])
    assert frame["fact_id"].tolist() == ["f-2"]
    row = frame.loc["f-2"]
    assert (row["title"], row["source_name"]) == ("全年出口", "乙")
    assert row["sentence"] == "全年出口134.4万辆。"
    assert "body" not in frame


def test_nothing_cited_reads_no_fact(tmp_path):
    assert report.evidence_source({}, _processed(tmp_path), []).empty


def test_a_long_table_row_wins_over_the_processed_fact(tmp_path):
    long = pd.DataFrame({"fact_id": ["f-1"], "sentence": ["长表里的句子"], "title": ["长表"]})
    frame = report.evidence_source({"ev_exports_long": long}, _processed(tmp_path), ["f-1", "f-3"])
    assert frame.loc["f-1", "sentence"] == "长表里的句子"
    assert frame.loc["f-3", "title"] == "全年出口"

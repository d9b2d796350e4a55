"""Stage 03's cache: articles read by an earlier run are not read again; same facts."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers import dedup, facts, parse
from helpers.core.paths import PACKAGE_DIR, PROJ_ROOT

SAMPLE = PROJ_ROOT / "data" / "raw" / "sample"


@pytest.fixture
def raw(tmp_path):
    assert SAMPLE.is_dir(), f"the bundled sample corpus {SAMPLE} is missing"
    dst = tmp_path / "raw"
    shutil.copytree(SAMPLE, dst)
    return dst


def test_incremental_facts_equal_full_extraction_and_read_only_new_articles(raw, monkeypatch):
    articles = dedup.deduplicate(parse.parse_raw_dir(raw).articles).articles
    canonical = articles[articles["is_canonical"]]
    before = articles[articles["article_id"] != canonical["article_id"].iloc[0]]
    old = facts.extract_facts(before)
    previous = (old, facts.facts_log(before, old))

    seen: list[str] = []
    real = facts.extract.extract_article_facts
    monkeypatch.setattr(
        facts.extract,
        "extract_article_facts",
        lambda a, b, d, **kw: seen.append(a) or real(a, b, d, **kw),
    )
    inc = facts.extract_facts(articles, previous=previous)
    assert seen == [canonical["article_id"].iloc[0]]
    monkeypatch.setattr(facts.extract, "extract_article_facts", real)
    pd.testing.assert_frame_equal(inc, facts.extract_facts(articles))


def test_changed_date_or_extractor_means_read_again():
    arts = pd.DataFrame(
        {"article_id": ["a"], "body": ["蕪湖出口汽車超83萬輛。"], "published_date": ["2025-12-01"]}
    )
    log = facts.facts_log(arts, facts.extract_facts(arts))
    moved = arts.assign(published_date="2026-12-01")
    reused, todo = facts.cache.split_for_facts(moved, (facts.extract_facts(arts), log))
    assert reused.empty and len(todo) == 1
    stale = log.assign(extractor_version="old")
    reused, todo = facts.cache.split_for_facts(arts, (facts.extract_facts(arts), stale))
    assert reused.empty and len(todo) == 1


def test_extractor_version_covers_every_stage_03_module():
    covered = {p for pattern in facts.cache.EXTRACTOR_SOURCES for p in PACKAGE_DIR.glob(pattern)}
    assert set((PACKAGE_DIR / "facts").glob("*.py")) <= covered
    assert set((PACKAGE_DIR / "text").glob("*.py")) <= covered

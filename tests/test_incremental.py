"""Incremental parsing reuses unchanged files and equals a full rebuild."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers import parse
from helpers.core import io
from helpers.core.paths import PROJ_ROOT
from helpers.facts import cache as facts_cache
from helpers.parse import cache as incremental

SAMPLE = PROJ_ROOT / "data" / "raw" / "sample"
NEW_FILE = (
    "#出口\n示例车企十月出口创新高\n"
    + "示例车企公布数据，十月出口汽车三万辆，同比增长两成，欧洲和中东市场贡献最大。" * 3
    + " (示例周刊)\n"
)


def roundtrip(result: parse.ledger.ParseResult, folder) -> dict[str, pd.DataFrame]:
    """Write and read back, as a later run sees the tables."""
    for name, file in parse.folder.OUTPUT_FILES.items():
        io.write_table(getattr(result, name), folder / file)
    loaded = parse.load_previous(folder)
    return {name: getattr(loaded, name) for name in parse.folder.OUTPUT_FILES}


@pytest.fixture
def raw(tmp_path):
    if not SAMPLE.is_dir():
        pytest.skip("bundled sample corpus missing")
    dst = tmp_path / "raw"
    shutil.copytree(SAMPLE, dst)
    return dst


def test_incremental_equals_full_rebuild_and_parses_only_changed_files(raw, tmp_path, monkeypatch):
    first = parse.parse_raw_dir(raw)
    previous = parse.load_previous(io.write_table(first.articles, tmp_path / "x.parquet").parent)
    assert previous is None  # incomplete set of tables: no reuse
    roundtrip(first, tmp_path / "prev")
    previous = parse.load_previous(tmp_path / "prev")
    # change the inputs: one new file, one edited, one deleted
    (raw / "99_new_dump.txt").write_text(NEW_FILE, encoding="utf-8")
    edited = raw / "04_nev_dump.txt"
    edited.write_bytes(edited.read_bytes().replace("新能源".encode(), "新能源汽车".encode(), 1))
    (raw / "16_export.csv").unlink()

    parsed: list[str] = []
    real = parse.folder.parse_file
    monkeypatch.setattr(
        parse.folder, "parse_file", lambda p, r: parsed.append(p.name) or real(p, r)
    )
    inc = parse.parse_raw_dir(raw, previous=previous)
    assert sorted(parsed) == ["04_nev_dump.txt", "99_new_dump.txt"]

    monkeypatch.setattr(parse.folder, "parse_file", real)
    full = parse.parse_raw_dir(raw)
    got, want = roundtrip(inc, tmp_path / "inc"), roundtrip(full, tmp_path / "full")
    for name in parse.folder.OUTPUT_FILES:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)
    assert "16_export.csv" not in set(got["articles"]["source_file"])


def test_parser_change_invalidates_every_file(raw):
    first = parse.parse_raw_dir(raw)
    hashes = dict(zip(first.report["source_file"], first.report["sha256"], strict=True))
    assert incremental.reusable_files(first.report, hashes, "other-version") == set()
    assert incremental.reusable_files(first.report, hashes, incremental.parser_version())


def test_incremental_facts_equal_full_extraction_and_read_only_new_articles(raw, monkeypatch):
    from helpers import dedup, facts

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
    from helpers import facts

    arts = pd.DataFrame(
        {"article_id": ["a"], "body": ["蕪湖出口汽車超83萬輛。"], "published_date": ["2025-12-01"]}
    )
    log = facts.facts_log(arts, facts.extract_facts(arts))
    moved = arts.assign(published_date="2026-12-01")
    reused, todo = facts_cache.split_for_facts(moved, (facts.extract_facts(arts), log))
    assert reused.empty and len(todo) == 1
    stale = log.assign(extractor_version="old")
    reused, todo = facts_cache.split_for_facts(arts, (facts.extract_facts(arts), stale))
    assert reused.empty and len(todo) == 1

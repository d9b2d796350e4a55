"""Stage 01 parse (helpers.parse): structure → articles, accounting, bad input, golden files.

Golden tests:
* hand-written fixtures in tests/fixtures/parse/ (one per noise kind and format);
* the bundled sample corpus against its answer key (fails when either is missing);
* the two real dumps in ../shared/corpus (skip when ../shared is absent).
"""

from __future__ import annotations

import re
import shutil
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from helpers import parse
from helpers.core.paths import PROJ_ROOT, SHARED_DIR
from helpers.parse import parse_raw_dir

FIXTURES = PROJ_ROOT / "tests" / "fixtures" / "parse"
SAMPLE_DIR = PROJ_ROOT / "data" / "raw" / "sample"
SAMPLE_TRUTH = PROJ_ROOT / "tests" / "fixtures" / "sample_truth" / "articles.csv"
SHARED_CORPUS = SHARED_DIR / "corpus"


def norm(text: object) -> str:
    """Compare titles after NFKC and without whitespace."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)) if isinstance(text, str) else ""


@pytest.fixture(scope="module")
def fixture_result() -> parse.ledger.ParseResult:
    return parse_raw_dir(FIXTURES)


def articles_of(result: parse.ledger.ParseResult, name: str) -> pd.DataFrame:
    return result.articles[result.articles["source_file"] == name].reset_index(drop=True)


# --- invariants ------------------------------------------------------------------------------


def test_every_file_is_accounted_for(fixture_result):
    report = fixture_result.report
    assert report["is_balanced"].all(), report[~report["is_balanced"]]
    rule_cols = [c for c in report.columns if c.startswith("removed_")]
    assert (report[rule_cols].sum(axis=1) == report["chars_removed"]).all()
    assert (report[rule_cols] >= 0).all().all()
    listed = {p.name for p in FIXTURES.iterdir()}
    assert set(report["source_file"]) == listed


def test_cleaning_log_matches_report(fixture_result):
    logged = fixture_result.cleaning.groupby(["source_file", "rule"])["chars"].sum()
    report = fixture_result.report.set_index("source_file")
    for (name, rule), chars in logged.items():
        assert report.loc[name, f"removed_{rule}"] == chars, (name, rule)


def test_ids_unique_stable_and_content_derived(fixture_result):
    ids = fixture_result.articles["article_id"]
    assert ids.is_unique and ids.str.fullmatch(r"[0-9a-f]{16}").all()
    again = parse_raw_dir(FIXTURES)
    pd.testing.assert_frame_equal(fixture_result.articles, again.articles)


def test_columns_and_types(fixture_result):
    arts = fixture_result.articles
    assert list(arts.columns) == parse.ledger.ARTICLE_COLUMNS
    assert set(arts["script"]) <= {"hant", "hans", "mixed"}
    assert arts["quality_score"].between(0, 1).all()
    assert arts["flags"].map(lambda f: isinstance(f, list)).all()


def test_outputs_round_trip_through_parquet(fixture_result, tmp_path):
    from helpers.core import io

    for name in ("articles", "quarantine", "report", "cleaning"):
        df = getattr(fixture_result, name)
        back = io.read_table(io.write_table(df, tmp_path / f"{name}.parquet"))
        assert len(back) == len(df)


# --- structure -------------------------------------------------------------------------------


def test_noisy_dump_articles(fixture_result):
    arts = articles_of(fixture_result, "noisy_dump.txt")
    assert arts["title"].tolist() == [
        "示例车企十月出口再创新高 欧洲订单占比过半",
        "示例车企十月出口再创新高 欧洲订单占比过半",  # the same article twice: dedup is stage 02
        "國內智駕晶片市場格局生變，本土廠商份額首次過半",
        "國內智駕晶片市場格局生變，本土廠商份額首次過半！",  # differs by one punctuation mark
    ]
    assert arts["source_name"].tolist() == ["示例汽车报"] * 2 + ["示例科技週刊"] * 2
    assert arts.loc[0, "body"] == arts.loc[1, "body"]
    assert arts.loc[0, "article_id"] != arts.loc[1, "article_id"]
    assert arts["tags"].map(list).tolist() == [["汽车出海"]] * 2 + [["智能驾驶"]] * 2


@pytest.mark.parametrize(
    "rule",
    [
        "seo_spam",
        "header_tag",
        "related_list",
        "comment_box",
        "repeated_caption",
        "pinyin",
        "number_spacing",
        "quote_spacing",
        "outlet_suffix",
    ],
)
def test_noisy_dump_rules_fire(fixture_result, rule):
    report = fixture_result.report.set_index("source_file")
    assert report.loc["noisy_dump.txt", f"removed_{rule}"] > 0


def test_noisy_dump_cleaning_details(fixture_result):
    arts = articles_of(fixture_result, "noisy_dump.txt")
    chip = arts.loc[2]
    assert "(nèi)" not in chip["body"] and "(jīng piàn)" not in chip["body"]
    assert "(nèi)" in chip["body_raw"]  # the original text is kept
    assert chip["body"].startswith("2025年9月3日")
    assert '"高階智駕"' in chip["body"] and "52.3%" in chip["body"]
    assert chip["published_date"] == "2025-09-03"
    assert {"garble_qmarks", "garble_private_use", "pinyin"} <= set(chip["flags"])
    assert chip["quality_score"] < 1.0 and arts.loc[3, "quality_score"] == 1.0
    assert arts.loc[0, "body"].count("图：示例车企海外工厂外景") == 1
    assert arts["script"].tolist() == ["hans", "hans", "hant", "hant"]


def test_web_page_dump(fixture_result):
    (art,) = articles_of(fixture_result, "web_page.txt").itertuples()
    assert art.title == "示例电池企业三季度装机量同比增长三成"
    assert (art.published_date, art.source_name) == ("2025-10-28", "示例能源观察")
    assert art.body.count("图：示例电池企业生产线") == 1
    assert not re.search("分享|免责|版权|转载|责任编辑|当前位置|跳到", art.body)
    fired = set(art.flags)
    assert {"repeated_paragraph", "disclaimer", "share_box", "author_footer"} <= fired


@pytest.mark.parametrize(
    "name, title, source, date",
    [
        pytest.param(
            "page.html", "示例港口十月汽车吞吐量创新高", "示例物流网", "2025-11-05", id="html"
        ),
        pytest.param(
            "feed.json", "示例芯片公司获得新一轮融资", "示例科技报", "2025-11-06", id="json"
        ),
        pytest.param(
            "export.csv", "示例车企推出低价纯电小车", "示例汽车报", "2025-09-18", id="csv"
        ),
        pytest.param(
            "feed.jsonl", "示例品牌九月海外交付量翻倍", "示例财经", "2025-10-01", id="jsonl"
        ),
    ],
)
def test_structured_formats(fixture_result, name, title, source, date):
    first = articles_of(fixture_result, name).iloc[0]
    assert (first["title"], first["source_name"], first["published_date"]) == (title, source, date)
    assert "<p>" not in first["body"] and first["body"]


def test_html_keeps_paragraphs_and_drops_chrome(fixture_result):
    body = articles_of(fixture_result, "page.html").loc[0, "body"]
    assert body.count("\n") == 2
    assert not re.search("首页|登录|相关新闻|Copyright|tracker", body)


def test_jsonl_maps_chinese_keys_and_keeps_going_after_bad_lines(fixture_result):
    arts = articles_of(fixture_result, "feed.jsonl")
    assert arts["title"].tolist()[-1] == "示例公司发布换电站建设计划"
    assert arts["published_date"].tolist()[-1] == "2025-12-03"
    reasons = fixture_result.quarantine.query("source_file == 'feed.jsonl'")["reason"]
    assert sorted(reasons) == ["invalid_json", "unknown_layout"]


def test_single_article_files_in_legacy_encodings(fixture_result):
    arts = fixture_result.articles.set_index("source_file")
    assert arts.loc["gbk_single.txt", "encoding"] == "gb18030"
    assert arts.loc["big5_single.txt", "encoding"] == "big5hkscs"
    assert arts.loc["utf16_single.txt", "encoding"] == "utf-16"
    assert pd.isna(arts.loc["gbk_single.txt", "title"])
    assert arts.loc["big5_single.txt", "script"] == "hant"


# --- noise kinds met in other real dumps (sentences written for these tests) -----------------

PARAS = [
    "2025年3月2日，示例出行公司公布了第一季度的運營數據，車隊規模達到三百輛，覆蓋兩座城市。",
    "公司表示，下一階段將把服務擴展到機場和高鐵站，並在夜間提供全無人的接送服務。",
    "分析人士認為，規模化運營的關鍵在於降低單車成本，而不僅僅是提升技術指標。",
]


def parse_text(tmp_path: Path, text: str) -> parse.ledger.ParseResult:
    (tmp_path / "dump.txt").write_text(text, encoding="utf-8")
    return parse_raw_dir(tmp_path)


def test_comment_box_before_an_untitled_copy_stays_out_of_the_body(tmp_path):
    comments = [
        "網友評論",
        "讀者甲：" + "這篇分析講得清楚，" * 4 + "希望多寫。",  # long: a full sentence
        "路人乙 3小時前 回覆 讚(7)",
        "車迷丙：期待下一篇",  # right before the copy: looks like its title
    ]
    result = parse_text(tmp_path, "\n".join([*PARAS, *comments, *PARAS]) + "\n")
    (art,) = result.articles.itertuples()
    assert art.body == "\n".join(PARAS)  # the copy's paragraphs are repeats of the first
    log = result.cleaning
    assert set(log.loc[log["rule"] == "comment_box", "text"]) == set(comments)
    assert (log["rule"] == "repeated_paragraph").sum() == len(PARAS)
    assert result.report["is_balanced"].all()


def test_photo_credit_line_does_not_end_an_untitled_article(tmp_path):
    caption = "示例車隊在夜間測試 (圖片來自網路)"
    text = "\n".join([PARAS[0], caption, caption, *PARAS[1:]]) + "\n"
    (art,) = parse_text(tmp_path, text).articles.itertuples()
    assert art.body.count(caption) == 1 and art.body.endswith(PARAS[-1])
    assert art.published_date == "2025-03-02" and pd.isna(art.source_name)
    assert "repeated_paragraph" in art.flags


def test_outlet_with_pinyin_inside_is_still_the_outlet(tmp_path):
    body = "".join(PARAS)
    (art,) = parse_text(
        tmp_path, f"示例公司擴大車隊\n{body} (示例財(cái)經(jīng))\n"
    ).articles.itertuples()
    assert art.source_name == "示例財經" and art.body == body


def test_previous_and_next_links_are_navigation(tmp_path):
    body = "".join(PARAS)
    text = f"示例公司擴大車隊\n{body} (示例報)\n上一篇：示例舊聞一則\n下一篇：示例新聞又一則\n"
    result = parse_text(tmp_path, text)
    assert len(result.articles) == 1 and result.quarantine.empty
    assert (result.cleaning["rule"] == "web_nav").sum() == 2


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, reason",
    [
        pytest.param("empty.txt", "empty_file", id="empty"),
        pytest.param("bad.json", "invalid_json", id="invalid-json"),
        pytest.param("unknown.json", "unknown_layout", id="unknown-json-layout"),
        pytest.param("unknown_layout.csv", "unknown_layout", id="unknown-csv-layout"),
        pytest.param("no_article.html", "html_without_article", id="html-without-article"),
    ],
)
def test_bad_input_is_quarantined_with_reason(fixture_result, name, reason):
    rows = fixture_result.quarantine[fixture_result.quarantine["source_file"] == name]
    assert reason in set(rows["reason"])
    status = fixture_result.report.set_index("source_file").loc[name, "status"]
    assert status == "quarantined"


def test_unknown_layout_lists_the_keys(fixture_result):
    detail = fixture_result.quarantine.query("source_file == 'unknown.json'")["detail"].iloc[0]
    assert "分数" in detail and "编号" in detail


def test_markdown_is_skipped_not_ignored(fixture_result):
    row = fixture_result.report.set_index("source_file").loc["SOURCES.md"]
    assert (row["status"], row["reason"]) == ("skipped", "documentation")


def test_binary_truncated_and_mixed_files_do_not_stop_the_run(tmp_path):
    good = "示例標題\n" + "示例正文，內容完整，描述了出口增長的情況。" * 12 + " (示例報)\n"
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    (tmp_path / "truncated.txt").write_bytes(good.encode()[:-3])  # cuts 報 in half
    (tmp_path / "mixed.txt").write_bytes(good.encode() + good.encode("gb18030"))
    (tmp_path / "whitespace.txt").write_text("\n \n\t\n", encoding="utf-8")
    result = parse_raw_dir(tmp_path)
    report = result.report.set_index("source_file")
    assert report["is_balanced"].all()
    assert report.loc["photo.jpg", "reason"] == "binary_file"
    assert report.loc["whitespace.txt", "reason"] == "no_article"
    assert report.loc["mixed.txt", "encoding"] == "gb18030+utf-8"
    truncated = articles_of(result, "truncated.txt").iloc[0]
    assert "garble_replacement" in truncated["flags"] and truncated["quality_score"] < 1
    assert len(articles_of(result, "mixed.txt")) == 2


def test_parser_error_is_quarantined_and_run_continues(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("示例正文，內容完整，描述了出口增長的情況。" * 3, "utf-8")
    csv_text = "title,body\n甲,示例正文內容足夠長，可以成為一篇文章。\n"
    (tmp_path / "b.csv").write_text(csv_text, "utf-8")

    def boom(*_args):
        raise RuntimeError("parser bug")

    monkeypatch.setitem(parse.structured.PARSERS, "csv", boom)
    result = parse_raw_dir(tmp_path)
    assert result.articles["source_file"].tolist() == ["a.txt"]
    q = result.quarantine.set_index("source_file")
    assert q.loc["b.csv", "reason"] == "unreadable" and "parser bug" in q.loc["b.csv", "detail"]


@pytest.mark.parametrize("module", [m for m, _ in parse.folder.PARSER_LIBRARIES])
def test_missing_parser_library_is_a_loud_start_up_error(tmp_path, monkeypatch, module):
    page = "<html><body><article><p>" + "示例車企出口再創新高。" * 5 + "</p></article></body>"
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    monkeypatch.setitem(sys.modules, module, None)  # an import of it now fails
    with pytest.raises(parse.folder.ParserLibraryError) as err:
        parse_raw_dir(tmp_path)
    message = str(err.value)
    assert f"{module} fails to import" in message and "pip install" in message
    assert isinstance(err.value, ImportError)


def test_import_error_inside_a_parser_is_not_quarantined(tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text("<html><body><p>示例</p></body></html>", "utf-8")

    def missing_cleaner(*_args):
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean")

    monkeypatch.setitem(parse.structured.PARSERS, "html", missing_cleaner)
    with pytest.raises(ImportError, match="lxml_html_clean"):
        parse_raw_dir(tmp_path)


def test_empty_raw_dir_gives_empty_tables(tmp_path):
    result = parse_raw_dir(tmp_path)
    assert result.articles.empty and list(result.articles.columns) == parse.ledger.ARTICLE_COLUMNS
    assert result.report.empty and result.quarantine.empty


# --- golden: real dumps in ../shared --------------------------------------------------------


@pytest.fixture(scope="module")
def shared_result(tmp_path_factory) -> parse.ledger.ParseResult:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"{SHARED_CORPUS} is absent (../shared sits beside the checkout)")
    raw = tmp_path_factory.mktemp("shared_raw")
    for name in ("002_ed959ec06ede5471.txt", "003_0d142e1d9dbab541.txt"):
        shutil.copy(SHARED_CORPUS / name, raw / name)
    return parse_raw_dir(raw)


@pytest.mark.shared
def test_real_dump_002_has_eight_titled_articles_with_outlets(shared_result):
    arts = articles_of(shared_result, "002_ed959ec06ede5471.txt")
    assert len(arts) == 8
    assert arts["title"].notna().all() and arts["title"].str.len().between(8, 40).all()
    # outlets from the trailing parentheses (facts about the file, not its sentences)
    assert arts["source_name"].tolist() == [
        "觀出行",
        "跬步書",
        "功夫財經",
        "辣筆小星",
        "錦緞",
        "鈦媒體AGI",
        "愛駕天下",
        "中國新聞社",
    ]
    assert arts["source_line"].tolist() == [2, 4, 6, 8, 10, 12, 14, 16]
    assert (arts["script"] == "hant").all() and (arts["quality_score"] == 1.0).all()
    assert not arts["body"].str.contains(r"\(觀出行\)$").any()


@pytest.mark.shared
def test_real_dump_003_is_one_untitled_article(shared_result):
    arts = articles_of(shared_result, "003_0d142e1d9dbab541.txt")
    assert len(arts) == 1
    art = arts.iloc[0]
    assert pd.isna(art["title"]) and art["script"] == "hant"
    assert art["published_date"] == "2025-11-06"
    assert art["body"].startswith("2025年11月6日")
    assert "超720輛" in art["body"] and "5500萬" in art["body"]
    assert '"全球 Robotaxi 第一股"' in art["body"]
    assert " 年 11 月" in art["body_raw"]  # original spacing kept beside the cleaned body


@pytest.mark.shared
def test_real_dumps_are_fully_accounted(shared_result):
    assert shared_result.report["is_balanced"].all()
    assert shared_result.quarantine.empty


# --- golden: the bundled sample corpus ---------------------------------------------------------


@pytest.fixture(scope="module")
def sample_pair() -> tuple[pd.DataFrame, pd.DataFrame, parse.ledger.ParseResult]:
    # NOTE: the sample and its key are bundled: missing means broken, never "not built yet".
    assert SAMPLE_TRUTH.is_file(), f"answer key {SAMPLE_TRUTH} is missing"
    assert any(SAMPLE_DIR.glob("*.*")), f"sample corpus {SAMPLE_DIR} is missing"
    result = parse_raw_dir(SAMPLE_DIR)
    truth = pd.read_csv(SAMPLE_TRUTH, dtype=str, keep_default_na=False)
    found = result.articles.copy()
    found["position"] = (found.groupby("source_file").cumcount() + 1).astype(str)
    merged = truth.merge(found, on=["source_file", "position"], how="outer", indicator=True)
    return truth, merged, result


def test_sample_finds_every_article_instance(sample_pair):
    truth, merged, result = sample_pair
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both"]
    assert len(result.articles) == len(truth)
    assert result.quarantine.empty and result.report["is_balanced"].all()


@pytest.mark.parametrize("column", ["title", "source_name", "published_date", "script"])
def test_sample_fields_match_answer_key(sample_pair, column):
    _, merged, _ = sample_pair
    if column == "title":
        wrong = merged[merged["title_x"].map(norm) != merged["title_y"].map(norm)]
    else:
        got = merged[f"{column}_y"].fillna("")
        wrong = merged[merged[f"{column}_x"] != got]
    assert wrong.empty, wrong[["source_file", "position", f"{column}_x", f"{column}_y"]]


def test_sample_distinct_articles_and_bodies(sample_pair):
    truth, merged, _ = sample_pair
    bodies = merged["body"].map(norm)
    exact = merged[merged["dup_kind"] == "exact"]
    for _, dup in exact.iterrows():
        canonical = merged[merged["sample_key"] == dup["canonical_key"]].iloc[0]
        assert norm(dup["body"]) == norm(canonical["body"]), dup["sample_key"]
    distinct_truth = truth.loc[truth["dup_kind"] == "none", "sample_key"].nunique()
    assert bodies.nunique() >= distinct_truth
    # cleaning only removes noise: the body keeps most of the answer key's characters
    ratio = bodies.str.len() / merged["body_chars_x"].astype(int)
    assert ratio.between(0.75, 1.0).all(), merged.loc[~ratio.between(0.75, 1.0), "sample_key"]

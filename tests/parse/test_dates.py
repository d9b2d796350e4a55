"""Publication dates of stage 01 (helpers.parse.dates): where a page states its date.

Every sentence below is our own; the shapes (a scraper's ``date`` marker, a time stamp after
the outlet, a date under a weather widget, dates in URLs and file names) are those of real
scraped pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.parse import dates, parse_raw_dir

BODY = "某車企上月海外銷量再創新高，主要增量來自歐洲與中東市場，公司預計今年仍將保持增長。"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(" date 2025-12-25 快訊", "2025-12-25", id="scraper-marker"),
        pytest.param("示例財經網編譯某記者 2025-11-14 04:00", "2025-11-14", id="after-outlet"),
        pytest.param("2025年12月25日 10:32", "2025-12-25", id="chinese-with-time"),
        pytest.param("2025年12月25日 星期四", "2025-12-25", id="short-date-line"),
        pytest.param("2022年10月21日07:33 | 来源:示例日报", "2022-10-21", id="stamp-and-source"),
        pytest.param("发布时间:2023-04-25 17:46:48 阅读:28 栏目:社会", "2023-04-25", id="labelled"),
        pytest.param("12/25/2025", "2025-12-25", id="us-order"),
        pytest.param("25/08/2025", "2025-08-25", id="day-first"),
        pytest.param("09/10/2024, 12:09 PM UTC", "2024-09-10", id="ambiguous-month-first"),
        pytest.param("某品牌2025年5月21日在柏林舉行新車發布會。示例社", None, id="caption-event"),
        pytest.param("2025年1~9月份，搭載城區輔助駕駛的新車銷量持續增長。", None, id="period"),
        pytest.param("截至2025年11月13日，車隊規模已超過千輛，覆蓋多座城市。", None, id="as-of"),
    ],
)
def test_line_date(line, expected):
    assert dates.line_date(line) == expected


def test_header_date_under_a_weather_widget():
    lines = ["多雲 12℃ 空氣質量 良", "首頁 > 汽車 > 新聞", "2025-12-25", BODY]
    assert dates.header_date(lines) == "2025-12-25"


def test_header_date_looks_at_the_head_only():
    lines = [BODY] * dates.HEADER_LINES + ["2025-12-25"]
    assert dates.header_date(lines) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://a.example/n2/2022/1021/c35-1.html", "2022-10-21"),
        ("http://a.example/html/2025-12/12/content_1.htm", "2025-12-12"),
        ("http://a.example/news/202212/31/250214.html", "2022-12-31"),
        ("http://a.example/chanpin/2025/02/13/detail_20250213371848.html", "2025-02-13"),
        ("http://a.example/2025-02-14/4408.aspx", "2025-02-14"),
        ("http://a.example/24h/2024/06/26140841199441.shtml", "2024-06-26"),
        ("http://a.example/detail_20250213371848.html", "2025-02-13"),
        ("http://a.example/redian/202501/127627.html", None),  # a month is not a date
        ("http://a.example/2025/1345/x.html", None),  # no calendar date
        ("https://a.example/post/141942", None),
    ],
)
def test_url_date(url, expected):
    assert dates.url_date(url) == expected


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _only_article(folder: Path):
    arts = parse_raw_dir(folder).articles
    assert len(arts) == 1, arts[["title", "body"]]
    return arts.iloc[0]


def test_marker_line_dates_the_article_below_it(tmp_path):
    _write(tmp_path, "page.txt", f" date 2026-01-02 快訊\n\n示例報／記者某某／即時報導\n{BODY}\n")
    art = _only_article(tmp_path)
    assert (art["published_date"], art["date_source"]) == ("2026-01-02", "byline")


def test_marker_before_a_sentence_is_read_and_removed(tmp_path):
    _write(tmp_path, "page.txt", f" date 2025-10-28 {BODY}\n")
    result = parse_raw_dir(tmp_path)
    art = result.articles.iloc[0]
    assert (art["published_date"], art["date_source"]) == ("2025-10-28", "dateline")
    assert art["body"].startswith("某車企") and "2025-10-28" not in art["body"]
    assert "date_marker" in set(result.cleaning["rule"])
    assert result.report["is_balanced"].all()


def test_time_stamp_line_after_title(tmp_path):
    text = f"某車企海外銷量創新高\n2022年10月21日07:33 | 来源:示例日报\n{BODY}\n"
    _write(tmp_path, "page.txt", text)
    art = _only_article(tmp_path)
    assert (art["published_date"], art["date_source"]) == ("2022-10-21", "dateline")


def test_byline_under_the_last_body_is_its_date(tmp_path):
    text = f"某車企海外銷量創新高\n\n{BODY}\n2024-06-26 14:08:16\n"
    _write(tmp_path, "page.txt", text)
    art = _only_article(tmp_path)
    assert (art["published_date"], art["date_source"]) == ("2024-06-26", "byline")


def test_event_date_in_a_caption_is_no_publication_date(tmp_path):
    caption = "某品牌2025年5月21日在柏林舉行新車發布會。示例社"
    _write(tmp_path, "page.txt", f"{caption}\n{caption}\n\n{BODY}\n")
    art = _only_article(tmp_path)
    assert pd.isna(art["published_date"]) and pd.isna(art["date_source"])


def test_date_in_file_name(tmp_path):
    _write(tmp_path, "2025-12-25_exports.txt", f"{BODY}\n")
    art = _only_article(tmp_path)
    assert (art["published_date"], art["date_source"]) == ("2025-12-25", "file_name")


def test_feed_field_then_url(tmp_path):
    records = [
        {"title": "出口新高", "content": BODY, "date": "2025-11-06 08:00"},
        {"title": "海外銷量", "content": BODY, "url": "http://a.example/2025/02/13/x.html"},
    ]
    _write(tmp_path, "feed.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    arts = parse_raw_dir(tmp_path).articles
    got = list(zip(arts["published_date"], arts["date_source"], strict=True))
    assert got == [("2025-11-06", "field"), ("2025-02-13", "url")]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(
            '<time datetime="2025-12-25T10:32:00+08:00">12月25日</time>',
            "2025-12-25",
            id="time-element",
        ),
        pytest.param("", None, id="no-date"),
    ],
)
def test_html_dates_come_from_htmldate(tmp_path, head, expected):
    page = f"<html><body><article>{head}<p>{BODY}</p><p>{BODY}</p></article></body></html>"
    _write(tmp_path, "page.html", page)
    art = _only_article(tmp_path)
    got = (art["published_date"], art["date_source"])
    assert got == (expected, "htmldate") if expected else pd.isna(list(got)).all()


def test_captioned_photo_under_the_byline_does_not_end_the_article(tmp_path):
    text = (
        " date 2025-11-13 我的頻道\n\n記者某某／綜合報導\n"
        "某車企拓展中東市場。（示例社）\n"
        f"{BODY}\n\n另一家車企的出口同樣增長，歐洲與東南亞市場的需求持續回升。\n"
    )
    _write(tmp_path, "page.txt", text)
    art = _only_article(tmp_path)
    assert art["published_date"] == "2025-11-13"
    assert "某車企上月" in art["body"] and "另一家車企" in art["body"]


def _find_dates_before(text):
    """find_dates before issue 17's second round: both patterns scanned at every position."""
    found = [
        (m.start(), m.end(), dates.iso_date(m["y"], m["m"], m["d"]))
        for m in dates.YMD_RE.finditer(text)
    ]
    found += [(m.start(), m.end(), dates._slash_iso(m)) for m in dates.SLASH_RE.finditer(text)]
    return sorted((s, e, d) for s, e, d in found if d)


def test_find_dates_tried_where_a_year_starts_gives_the_replaced_dates():
    import random

    # digits next to years (12025, 20255), every separator, slashes both ways, full-width
    # and Arabic-Indic digits (\d), invalid calendar dates, spaces, Han around them
    parts = ["2025", "1999", "20", "19", "1", "2", "12", "31", "0", "9", "年", "月", "日", "-"]
    parts += ["/", ".", " ", "　", "２０２５", "٢", "出口", "，", "12/25/2025", "25/08/2025", "13"]
    rng = random.Random(17)
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 14))) for _ in range(30000)]
    texts += ["2025年12月25日 10:32 / 25/08/2025 / 2025年1~9月", "", "2025-02-30", "12025-01-01"]
    hits = 0
    for text in texts:
        expected = _find_dates_before(text)
        assert dates.find_dates(text) == expected, text
        hits += bool(expected)
    assert hits > 1000  # the random texts hold dates, not only near misses

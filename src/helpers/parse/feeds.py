"""Structured inputs of stage 01: HTML pages, JSON / JSON Lines feeds and CSV exports.

Pure functions from decoded text to plain records (``title``, ``body``, ``published_date``,
``source_name``, ``url``); :mod:`helpers.parse.folder` turns them into articles and does the
accounting. Nothing here opens a file, executes a script or fetches a URL.

NOTE: HTML goes through trafilatura (maintained, benchmarked main-text extractor built on
lxml; it drops navigation, share boxes and comment sections by page structure and reads
title, date and site name from metadata). Hand-written lxml rules would have to re-learn
what trafilatura already encodes for thousands of page layouts; its output is then cleaned
by the same line rules as plain text, so what it misses is still caught and counted.

Example:
    >>> map_record({"標題": "比亞迪出口", "內容": "正文一段。", "來源": "示例報"}).title
    '比亞迪出口'
    >>> find_records({"data": {"items": [{"title": "甲", "content": "乙"}]}})[0]["title"]
    '甲'
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from helpers.parse.dates import find_dates

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "subject", "标题", "標題", "题目", "題目"),
    "body": (
        "body",
        "content",
        "text",
        "article",
        "articlebody",
        "maintext",
        "fulltext",
        "contenttext",
        "正文",
        "内容",
        "內容",
        "全文",
        "summary",
        "description",
        "摘要",
    ),
    "published_date": (
        "date",
        "published",
        "publishedat",
        "publishdate",
        "publishtime",
        "pubdate",
        "datepublished",
        "datetime",
        "time",
        "created",
        "createdat",
        "日期",
        "发布时间",
        "發布時間",
        "發佈時間",
        "时间",
        "時間",
    ),
    "source_name": (
        "source",
        "sourcename",
        "outlet",
        "publisher",
        "site",
        "sitename",
        "media",
        "来源",
        "來源",
        "媒体",
        "媒體",
    ),
    "url": ("url", "link", "href", "sourceurl", "链接", "鏈接", "連結", "网址", "網址"),
}
LIST_KEYS = ("articles", "data", "items", "results", "news", "list", "entries", "records", "docs")
MAX_NESTING = 3
HTML_TAG_RE = re.compile(r"<(?:p|br|div|span|a|img|h[1-6]|li|strong|em|b|i)\b[^>]*>", re.I)
BLOCK_END_RE = re.compile(r"<br\s*/?>|</(?:p|div|h[1-6]|li|tr|section|article)\s*>", re.I)
MIN_HTML_TEXT_CHARS = 20
NEWLINES_RE = re.compile(r"\s*[\r\n]+\s*")
XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
PAGE_SOURCE_RE = re.compile(r"(?:来源|來源|稿源)\s*[:：]\s*(?:<[^>]*>\s*)*([^\s<|｜，,。]{1,30})")


@dataclass(frozen=True)
class Record:
    """One article-like record of a feed, fields mapped to the articles table's names."""

    title: str
    body: str
    published_date: str | None
    source_name: str | None
    url: str | None
    metadata_chars: int  # characters of date/source/url values moved into columns


def normalize_key(key: object) -> str:
    """Fold a column or key name for matching: lower case, no spaces, ``-`` or ``_``.

    Example:
        >>> normalize_key("Published_At"), normalize_key(" 發布 時間 ")
        ('publishedat', '發布時間')
    """
    return re.sub(r"[\s_\-]+", "", str(key)).lower()


def map_keys(keys: Iterable[object]) -> dict[str, object]:
    """Map table fields to the record keys that hold them (first alias wins).

    Example:
        >>> map_keys(["headline", "Content", "pubDate"])
        {'title': 'headline', 'body': 'Content', 'published_date': 'pubDate'}
    """
    by_norm: dict[str, object] = {}
    for key in keys:
        by_norm.setdefault(normalize_key(key), key)
    found = {}
    for field, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if alias in by_norm:
                found[field] = by_norm[alias]
                break
    return found


def _as_text(value: object) -> str:
    """Render a field value as text; a nested ``{"name": ...}`` (NewsAPI source) gives its name."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title") or "")
    if isinstance(value, list):
        return "\n".join(_as_text(v) for v in value)
    return str(value)


def normalize_date(value: object) -> str | None:
    """Turn a feed's date (ISO text, Chinese date, epoch seconds or ms) into ``YYYY-MM-DD``.

    Example:
        >>> normalize_date("2025-11-06T08:00:00+08:00"), normalize_date("2025年11月6日")
        ('2025-11-06', '2025-11-06')
        >>> normalize_date(1762387200), normalize_date("12/25/2025")
        ('2025-11-06', '2025-12-25')
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    found = find_dates(_as_text(value))  # Y-M-D in any separator, 12/25/2025, 25/08/2025
    return found[0][2] if found else None


def html_fragment_to_text(fragment: str) -> str:
    r"""Turn an HTML body fragment into paragraphs separated by newlines.

    Example:
        >>> html_fragment_to_text("<p>第一段&amp;</p><p>第二段</p>")
        '第一段&\n第二段'
    """
    if not HTML_TAG_RE.search(fragment):
        return fragment
    import lxml.html

    marked = BLOCK_END_RE.sub("\n", fragment)
    text = lxml.html.fragment_fromstring(marked, create_parent="div").text_content()
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def map_record(record: dict[str, object]) -> Record | None:
    """Map one feed record to a :class:`Record`, or None when it has no body-like field.

    Example:
        >>> r = map_record({"headline": "出口", "text": "<p>正文</p>", "date": "2025-11-06"})
        >>> r.body, r.published_date
        ('正文', '2025-11-06')
        >>> map_record({"id": 1, "score": 3}) is None
        True
    """
    keys = map_keys(record)
    if "body" not in keys:
        return None
    body = html_fragment_to_text(_as_text(record[keys["body"]]))
    meta = {f: _as_text(record[k]) for f, k in keys.items() if f not in ("title", "body")}
    # NOTE: a title given as a list (["標題", "副標題"]) is one line, never several.
    title = _as_text(record.get(keys["title"])) if "title" in keys else ""
    return Record(
        title=NEWLINES_RE.sub(" ", title).strip(),
        body=body,
        published_date=normalize_date(record[keys["published_date"]])
        if "published_date" in keys
        else None,
        source_name=meta.get("source_name") or None,
        url=meta.get("url") or None,
        metadata_chars=sum(len(v) for v in meta.values()),
    )


# NOTE: complexity 16: walks nested JSON of unknown layout; one branch per container shape.
def find_records(obj: object, depth: int = 0) -> list[object] | None:
    """Find the list of article records in a parsed JSON document, or None.

    A list of objects, an object that is itself a record, or a list under a usual key
    (``articles``, ``data``, ``items``...) at most three levels down. A list that mixes
    records with other values is returned whole: each value is then a record or a
    quarantine row of its own.

    Example:
        >>> find_records([{"title": "甲", "body": "乙"}])[0]["body"]
        '乙'
        >>> find_records({"meta": 1}) is None
        True
        >>> len(find_records([{"標題": "甲", "正文": "乙"}, None, 3]))
        3
    """
    if isinstance(obj, list):
        records = [x for x in obj if isinstance(x, dict)]
        if records and len(records) == len(obj):
            return list(obj)
        # NOTE: one null or number among the records must not cost the good ones.
        return list(obj) if any("body" in map_keys(r) for r in records) else None
    if not isinstance(obj, dict) or depth > MAX_NESTING:
        return None
    if "body" in map_keys(obj):
        return [obj]
    norm = {normalize_key(k): v for k, v in obj.items()}
    for key in (*LIST_KEYS, *norm):
        if key in norm and isinstance(norm[key], list | dict):
            found = find_records(norm[key], depth + 1)
            if found:
                return found
    return None


def describe_keys(obj: object) -> str:
    """List the keys found in a JSON value, for the quarantine message.

    Example:
        >>> describe_keys([{"編號": 1, "分數": 2}])
        'keys: 分數, 編號'
    """
    if isinstance(obj, list):
        obj = next((x for x in obj if isinstance(x, dict)), obj)
    if isinstance(obj, dict):
        return "keys: " + ", ".join(sorted(str(k) for k in obj))
    return f"top-level {type(obj).__name__}, no keys"


def iter_csv_rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row_number, fields)`` of a CSV or TSV export; the delimiter is sniffed.

    Example:
        >>> list(iter_csv_rows(["標題,正文", "甲,乙"]))
        [(1, ['標題', '正文']), (2, ['甲', '乙'])]
    """
    it = iter(lines)
    first = next(it, None)
    if first is None:
        return
    delimiter = max(",;\t|", key=first.count)

    def chained() -> Iterator[str]:
        yield first + "\n"
        for line in it:
            yield line + "\n"

    # NOTE: quoted fields may hold newlines; csv.reader joins the physical lines itself.
    reader = csv.reader(chained(), delimiter=delimiter)
    for row in reader:
        yield reader.line_num, row


def html_depth_error(html: str) -> str | None:
    """Return libxml2's complaint when a page nests deeper than it parses, else None.

    NOTE: libxml2 (under lxml and trafilatura) stops at 256 levels without XML_PARSE_HUGE,
    so a deeper page loses everything below; say so rather than "no article found".

    Example:
        >>> html_depth_error("<div>" * 300 + "<p>正文</p>")
        'Excessive depth in document: 256, use XML_PARSE_HUGE option'
        >>> html_depth_error("<div><p>正文</p></div>") is None
        True
    """
    import lxml.etree

    parser = lxml.etree.HTMLParser(recover=True)
    try:
        # lxml refuses a str that still declares its encoding (<?xml ... encoding="gbk"?>)
        lxml.etree.fromstring(XML_DECLARATION_RE.sub("", html), parser)
    except (ValueError, lxml.etree.LxmlError):
        return None  # not the depth: trafilatura reads the page or reports no article
    return next((e.message for e in parser.error_log if "depth" in e.message.lower()), None)


def _page_source(html: str) -> str | None:
    """Return the outlet a page names in a ``来源：`` label, or None.

    Example:
        >>> _page_source('<span class="source">来源：<b>示例快报</b></span>')
        '示例快报'
    """
    m = PAGE_SOURCE_RE.search(html)
    return m.group(1) if m else None


@dataclass(frozen=True)
class HtmlArticle:
    """Main text and metadata trafilatura found in a page."""

    title: str
    body: str
    published_date: str | None
    source_name: str | None
    url: str | None


# NOTE: complexity 12: one fallback per way a page gives title, date and body (metadata,
# trafilatura, <title>).
def extract_html(html: str) -> HtmlArticle | None:
    """Extract the main article of an HTML page, or None when the page has none.

    Example:
        >>> page = ("<html><head><title>比亞迪出口</title></head><body><article><p>"
        ...         + "比亞迪十一月出口再創新高，海外市場的增量主要來自歐洲和東南亞。" * 2
        ...         + "</p></article></body></html>")
        >>> extract_html(page).title
        '比亞迪出口'
    """
    import trafilatura

    doc, text = None, ""
    # NOTE: precision mode keeps the page's paragraph breaks; on short pages the default
    # mode falls back to a baseline extractor that joins all paragraphs (and the date and
    # source line) into one. Recall mode is the second try for pages precision rejects.
    for mode in ({"favor_precision": True}, {"favor_recall": True}):
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
            **mode,
        )
        text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
        if len(text) >= MIN_HTML_TEXT_CHARS:
            break
    if doc is None or len(text) < MIN_HTML_TEXT_CHARS:
        return None
    return HtmlArticle(
        title=(doc.title or "").strip(),  # type: ignore[union-attr]
        body=text,
        published_date=normalize_date(doc.date) if doc.date else None,  # type: ignore[union-attr]
        source_name=_page_source(html) or doc.sitename or None,  # type: ignore[union-attr]
        url=doc.url or None,  # type: ignore[union-attr]
    )

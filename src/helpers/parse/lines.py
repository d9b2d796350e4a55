"""Line rules of stage 01: whether a whole line of a dump is noise, a title, a byline.

Spam, boilerplate, tag headers, navigation bars, reader comments (:func:`classify_line`,
:func:`match_block_header`); the patterns live in ``catalog/boilerplate.yaml``
(:mod:`helpers.catalog.boilerplate`).
"""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from helpers.catalog.boilerplate import Boilerplate, first_matching_rule, load_boilerplate
from helpers.parse import rawfiles
from helpers.parse.clean import (
    BLOCK_LINE_MAX_CHARS,
    BULLET_RE,
    BYLINE_RE,
    HEADER_TAG_RE,
    HOME_WORDS,
    LONG_BODY_CHARS,
    NAV_ITEM_MAX_CHARS,
    SENTENCE_END,
    TITLE_MAX_CHARS,
    TITLE_MIN_CHARS,
    extract_date,
    has_outlet,
    strip_pinyin,
)
from helpers.parse.dates import marker_line_date
from helpers.text.script import HAN

T = TypeVar("T")
SENTENCE_PUNCT_RE = re.compile("[。，,；;！!？?]")  # a line holding one is no nav bar or SEO spam


# --- line shapes -------------------------------------------------------------------------


def without_readings(line: str) -> str:
    """Return ``line`` without certain pinyin readings, to judge its shape (not to keep it).

    Example:
        >>> without_readings("#汽車(qì chē)產業"), without_readings("錦江出租(上海)")
        ('#汽車產業', '錦江出租(上海)')
    """
    if "(" not in line and "（" not in line:
        return line
    return _stripped_readings(line)


# NOTE: the line rules ask for the same line's shape 4-6 times (block header, tag header,
# byline, the next line's byline...); a line holding a bracket paid the pinyin scan each
# time. A pure function of the string: the last lines' answers are the same answers.
@functools.lru_cache(maxsize=64)
def _stripped_readings(line: str) -> str:
    """``strip_pinyin(line)``'s text, remembered for the last lines asked about."""
    return strip_pinyin(line)[0]


def is_title_like(line: str) -> bool:
    """Return True for a short line that can be a headline.

    Example:
        >>> is_title_like("中國汽車第一城,變了!"), is_title_like("這是一句完整的話。")
        (True, False)
    """
    line = line.strip()
    if not TITLE_MIN_CHARS <= len(line) <= TITLE_MAX_CHARS or line[-1] in SENTENCE_END:
        return False
    if BULLET_RE.match(line) or HEADER_TAG_RE.match(line) or has_outlet(line):
        return False
    return re.search(f"[{HAN}A-Za-z]", line) is not None


def is_long_body(line: str) -> bool:
    """Return True for a line long enough to be a whole article body on one line.

    Example:
        >>> is_long_body("長" * 250), is_long_body("短句。")
        (True, False)
    """
    return len(line.strip()) >= LONG_BODY_CHARS


def parse_header_tags(line: str) -> list[str] | None:
    """Return the tags of a ``#tag`` header line, or None for any other line.

    Example:
        >>> parse_header_tags("#汽車產業 #新能源")
        ['汽車產業', '新能源']
        >>> parse_header_tags("#汽車(qì chē)產業")
        ['汽車產業']
    """
    line = without_readings(line).strip()
    if not HEADER_TAG_RE.match(line):
        return None
    return [t for t in re.split(r"[\s#＃]+", line) if t]


def parse_byline(line: str) -> dict[str, str] | None:
    """Return ``{"published_date", "date_source", "source_name"}`` of a date/source line, or None.

    A byline is a short line holding only a date, a time, a source and an author.

    Example:
        >>> parse_byline("2025-11-06 10:30 来源：示例日报")
        {'published_date': '2025-11-06', 'date_source': 'byline', 'source_name': '示例日报'}
    """
    if marked := marker_line_date(line):
        return {"published_date": marked, "date_source": "byline"}
    line = without_readings(line).strip()
    if len(line) > TITLE_MAX_CHARS:
        return None
    m = BYLINE_RE.match(line)
    if not m or not (m.group("date") or m.group("source")):
        return None
    out = {}
    if m.group("date"):
        out["published_date"] = extract_date(m.group("date")) or ""
        if out["published_date"]:
            out["date_source"] = "byline"
    if m.group("source"):
        out["source_name"] = m.group("source")
    return out


def is_seo_spam(line: str, catalog: Boilerplate) -> bool:
    """Return True for a line of ``|``-separated keywords with no sentence in it.

    Example:
        >>> is_seo_spam("比亚迪|比亚迪出口|电动车出口|新能源汽车", load_boilerplate())
        True
    """
    # NOTE: the two tests that say no come first, as cheap scans: a body line has
    # punctuation, and splitting it into fields (what they were computed on) cost more.
    n_fields = line.count("|") + line.count("｜") + 1
    if n_fields < catalog.seo_min_fields or SENTENCE_PUNCT_RE.search(line):
        return False
    fields = [f.strip() for f in re.split(r"[|｜]", line)]
    return all(0 < len(f) <= catalog.seo_max_field_chars for f in fields)


# NOTE: complexity 11: one test per navigation-bar shape (separators, short items, home words).
def is_nav_bar(line: str, catalog: Boilerplate) -> bool:
    """Return True for a navigation bar: mostly known section words.

    Example:
        >>> is_nav_bar("首页 | 新闻 | 汽车 | 科技", load_boilerplate())
        True
    """
    # NOTE: punctuation says no before the split (a body line has punctuation).
    if SENTENCE_PUNCT_RE.search(line):
        return False
    fields = [f for f in re.split(r"[\s|｜/·>»›]+", line.strip()) if f]
    if len(fields) < 3:
        return False
    known = sum(f in catalog.nav_words for f in fields)
    # NOTE: a bar of short items that links to the home page is navigation even when most
    # section names are site-specific ("汽车电子网 首页 资讯 芯片 智驾").
    short = all(len(f) <= NAV_ITEM_MAX_CHARS for f in fields)
    has_home = any(f in HOME_WORDS for f in fields)
    return known / len(fields) >= 0.6 or (short and has_home and len(fields) >= 4)


def classify_line(line: str, catalog: Boilerplate | None = None) -> str | None:
    """Name the line rule that drops ``line`` on its own, or None to keep it.

    Blank lines are ``whitespace``; ``#tag`` lines ``header_tag``; date/source lines
    ``byline`` (both become metadata); then spam, navigation and the catalog rules.

    Example:
        >>> classify_line("分享到：微信 微博"), classify_line("比亞迪十一月出口大增。")
        ('share_box', None)
        >>> classify_line("首頁(shǒu yè) | 新聞 | 汽車 | 科技")
        'web_nav'
    """
    catalog = catalog or load_boilerplate()
    # NOTE: a converter's readings reach chrome lines too; they must not hide the shape.
    text = without_readings(line).strip()
    if not text:
        return "whitespace"
    if parse_header_tags(text) is not None:
        return "header_tag"
    if parse_byline(text) is not None:
        return "byline"
    if is_nav_bar(text, catalog):
        return "web_nav"
    if is_seo_spam(text, catalog):
        return "seo_spam"
    return first_matching_rule(catalog.line_rules, text)


def match_block_header(line: str, catalog: Boilerplate | None = None) -> str | None:
    """Name the block rule whose header ``line`` is (related list, comment box), or None.

    Example:
        >>> match_block_header("相關閱讀："), match_block_header("網友評論")
        ('related_list', 'comment_box')
    """
    catalog = catalog or load_boilerplate()
    return first_matching_rule(catalog.block_rules, without_readings(line).strip())


# A reader comment: a short handle and a colon ("車迷小王：…"), or the comment's
# time / reply / like line ("3小時前 回覆 讚(12)").
COMMENT_LINE_RE = re.compile(r"^[^\s:：，,。；;!！?？]{1,12}\s*[:：]\s*\S")
COMMENT_META_RE = re.compile(
    r"(?:\d+\s*(?:分鐘|分钟|小時|小时|天)前|(?:^|\s)(?:回覆|回复|舉報|举报)(?:\s|$)|"
    r"(?:讚|赞|點讚|点赞)\s*[(（]?\d+[)）]?\s*$)"
)
COMMENT_MAX_CHARS = 200


def is_comment_line(line: str) -> bool:
    """Return True for a line shaped like a reader comment or its reply/like line.

    Example:
        >>> is_comment_line("車迷小王：寫得不錯。"), is_comment_line("路人 3小時前 回覆")
        (True, True)
        >>> is_comment_line("這是一句正文，沒有署名。")
        False
    """
    text = line.strip()
    if len(text) > COMMENT_MAX_CHARS:
        return False
    return COMMENT_LINE_RE.match(text) is not None or COMMENT_META_RE.search(text) is not None


# NOTE: complexity 13: one rule per line that can continue a related-articles or comment block.
def continues_block(line: str, next_line: str | None, block: str | None = None) -> bool:
    """Return True while a related-list / comment block goes on.

    Bullet lines and short lines belong to the block. It ends at a body paragraph (a
    sentence over :data:`BLOCK_LINE_MAX_CHARS`), a byline, a ``#tag`` header, or a
    title-like line that the next article's byline or body follows (the next article, or
    the second copy of this one). Inside a ``comment_box`` block a line shaped like a
    comment (:func:`is_comment_line`) goes on whatever its length and whatever follows.

    Example:
        >>> continues_block("• 另一篇相關報導", None), continues_block("新標題", "長" * 300)
        (True, False)
        >>> continues_block("新標題", "發布時間：2025-01-02")
        False
        >>> continues_block("網友甲：說得對", "長" * 300, "comment_box")
        True
    """
    text = line.strip()
    if not text or BULLET_RE.match(text):
        return True
    # NOTE: a comment followed by an untitled copy of the article would otherwise read as
    # that copy's title, and a long comment as a body paragraph. The price: a headline
    # shaped "欄目：標題" right after a comment box is logged as comment_box, its body kept.
    if block == "comment_box" and is_comment_line(text):
        return True
    if len(text) > BLOCK_LINE_MAX_CHARS and text[-1] in "。！？!?":
        return False
    if len(text) > TITLE_MAX_CHARS or parse_header_tags(text) is not None:
        return False
    if parse_byline(text) is not None:
        return False
    starts_article = next_line is not None and (
        is_long_body(next_line) or has_outlet(next_line) or parse_byline(next_line) is not None
    )
    return not starts_article


# --- text rules ----------------------------------------------------------------------------


# --- labelling a file's lines ----------------------------------------------------------
def with_lookahead(
    items: Iterable[T], is_candidate: Callable[[T], bool]
) -> Iterator[tuple[T, T | None]]:
    """Pair each item with the next later item that ``is_candidate`` accepts.

    Example:
        >>> list(with_lookahead(["標題", "", "正文"], bool))
        [('標題', '正文'), ('', '正文'), ('正文', None)]
    """
    pending: deque[T] = deque()
    for item in items:
        pending.append(item)
        if is_candidate(item):
            while len(pending) > 1:
                yield pending.popleft(), item
    while pending:
        yield pending.popleft(), None


def label_lines(
    lines: Iterable[rawfiles.RawLine], catalog: Boilerplate
) -> Iterator[tuple[rawfiles.RawLine, str | None]]:
    """Label each line with the rule that drops it (None: content).

    Related-article lists and comment boxes are blocks: after their header line, bullet and
    short lines are dropped until a title-like line followed by a long body line.

    Example:
        >>> raw = [rawfiles.RawLine(i, t, None) for i, t in enumerate(["相關閱讀", "• 舊聞"])]
        >>> [rule for _, rule in label_lines(raw, load_boilerplate())]
        ['related_list', 'related_list']
    """
    block = None
    pairs = with_lookahead(lines, lambda r: bool(r.text.strip()) or r.overflow_chars > 0)
    for line, nxt in pairs:
        if line.overflow_chars:
            yield line, "line_too_long"
            continue
        nxt_text = nxt.text if nxt else None
        header = match_block_header(line.text, catalog)
        if header or (block and continues_block(line.text, nxt_text, block)):
            block = header or block
            yield line, block
            continue
        block = None
        yield line, classify_line(line.text, catalog)

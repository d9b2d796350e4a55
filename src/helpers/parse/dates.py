"""When an article was published, and where that date was read (the ``date_source`` column).

Stage 01 sets ``published_date`` only from evidence on the page or around it, never from the
periods an article reports (that estimate is stage 03's, flagged there as inferred). In order:

- ``field``: a date field of a feed record (JSON, JSON Lines, CSV);
- ``htmldate``: an HTML page's metadata, ``<time>`` element or JSON-LD, read by htmldate
  (trafilatura calls it while extracting the page);
- ``byline``: a line of its own holding the date (``发布时间：2025-03-02 09:15 来源：…``,
  ``date 2026-01-02 快訊``), wherever the line rules met it before or right after the body;
- ``dateline``: a date at the head of the article: the ``date 2025-12-25`` marker a scraper
  puts before the first line, a time stamp after the outlet's name (``鉅亨網 2025-11-14
  04:00``), a short date line among the first lines (under a weather widget or a navigation
  bar), or a body opening with a full date (``2025年11月6日，港交所…``);
- ``url``: a date in the article's URL path (``/2025/02/13/``, ``/202212/31/``,
  ``/2023/0516/``);
- ``file_name``: a date in the raw file's name (``2025-12-25_byd.txt``, ``20251225-xx.txt``).

NOTE: dates are read with hand rules, not ``dateparser`` (installed anyway, as a dependency of
htmldate). Measured here on the strings this module must read: dateparser reads
``2025年12月25日 10:32`` and ``12/25/2025`` as well as these rules do, but its ``search_dates``
turns a period (``2025年1~9月份``) into a date in year 1 with the month and day of the machine
clock, does not read ``二〇二五年`` dates, and has no notion of where on the page a date
stands, which is what tells a publication date from an event date here. The three written
forms below are fixed patterns; what matters is the position rule.

Example:
    >>> header_date(["經濟日報 2025-12-25 10:32", "比亞迪出口再創新高。"])
    '2025-12-25'
    >>> url_date("https://example.com/auto/2025/02/13/detail_1.html")
    '2025-02-13'
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath

from helpers.text.prefilter import nonempty_matches, opening_re

DATE_SOURCES: dict[str, str] = {
    "field": "a date field of a feed record (JSON, JSON Lines, CSV)",
    "htmldate": "an HTML page's metadata or <time> element (htmldate, through trafilatura)",
    "byline": "a date/source line of its own (发布时间：…, date 2026-01-02 快訊)",
    "dateline": "a date at the head of the article (marker, time stamp, short date line, "
    "a body opening with a full date)",
    "url": "a date in the article's URL path",
    "file_name": "a date in the raw file's name",
}
# How far down a page a date line still dates the article: a weather widget, a navigation
# bar, a title, a subtitle and a byline can stand above the body.
HEADER_LINES = 8
# A line this short holding a full date, with no sentence punctuation, is a date line
# (經濟日報 2025-12-25; 2025年12月25日 星期四). Longer lines are sentences whose dates are
# events (比亞迪2025年5月21日在柏林辦發表會。).
DATE_LINE_MAX_CHARS = 40
# A time-stamped date may sit in a longer line with the outlet, author, source and read
# count (2022年10月21日07:33 | 来源:人民网-《人民日报》).
STAMP_LINE_MAX_CHARS = 80

YMD_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*"
    r"(?P<d>\d{1,2})(?!\d)\s*日?"
)
YMD_OPENING_RE = opening_re(YMD_RE)  # [12]: where a year of 19xx or 20xx starts
# 12/25/2025 (US), 25/08/2025 (day first), 09/10/2024 (ambiguous: month first, see _slash_iso).
SLASH_RE = re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>(?:19|20)\d{2})(?![\d/])")
# A clock time right after a date: 10:32, 07:33:05, T08:00, "12:09 PM".
TIME_AFTER_RE = re.compile(r"\s*(?:,|，|T)?\s*\d{1,2}[:：]\d{2}")
LABEL_RE = re.compile(
    r"^\s*(?:date|Date|DATE|published|Published|日期|发布日期|發布日期|发布时间|發布時間|"
    r"發佈時間|时间|時間|更新时间|更新時間)\s*[:：]?\s*$"
)
# The date marker a scraper writes before the first line (" date 2025-12-25 快訊").
DATE_MARKER_RE = re.compile(r"^\s*date\s+(?=(?:19|20)\d\d-\d\d-\d\d(?!\d))")
SENTENCE_PUNCT_RE = re.compile(r"[。！？!?，,；;]")
URL_DATE_RES = (
    # /2025/02/13/, /2025-02-14/, /2025-12/12/, /2024/06/26140841.shtml (day, then an id)
    re.compile(r"/(?P<y>(?:19|20)\d\d)[/_-](?P<m>\d{1,2})[/_-](?P<d>\d{1,2})(?=[/_.-]|\d{4,}|$)"),
    # /2023/0516/, /2025/1127/
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>\d\d)(?P<d>\d\d)(?=[/_.-]|$)"),
    # /202212/31/
    re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>\d\d)/(?P<d>\d\d)(?=[/_.-]|$)"),
    # /20250213/, detail_20250213371848.html: eight digits that read as a date, then an id
    re.compile(r"[/_-](?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?=[/_.-]|\d{2,}|$)"),
)
FILE_DATE_RES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-_.](?P<m>\d{1,2})[-_.](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?!\d)"),
)


def iso_date(year: int | str, month: int | str, day: int | str) -> str | None:
    """``YYYY-MM-DD`` when the three parts make a calendar date, else None.

    Example:
        >>> iso_date(2025, 2, 29), iso_date("2024", "2", "29")  # 二月
        (None, '2024-02-29')
    """
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _slash_iso(m: re.Match) -> str | None:
    """The date of ``a/b/yyyy``.

    NOTE: a part above 12 says which is the day (25/08/2025 is 25 August, 12/25/2025 is
    25 December). When both could be months (09/10/2024) the month comes first: that is how
    the English-language page stamps met here read (``09/10/2024, 12:09 PM UTC`` was posted
    on 10 September), and dateparser's English default.
    """
    a, b, y = int(m["a"]), int(m["b"]), m["y"]
    return iso_date(y, b, a) if a > 12 else iso_date(y, a, b)


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Every full date written in ``text``: (start, end, ``YYYY-MM-DD``), in text order.

    Example:
        >>> [d for _, _, d in find_dates("2025年12月25日 10:32 / 25/08/2025 / 2025年1~9月")]
        ['2025-12-25', '2025-08-25']
    """
    # NOTE: both patterns open with a lookbehind, so finditer tried them at every position
    # of every header line (a whole body line in a dump: 5.6 % of the parse). YMD_RE is
    # tried only where its year can start (a 1 or a 2; it never matches empty, so these are
    # finditer's matches: text.prefilter.nonempty_matches), SLASH_RE only when there is a /.
    ymd = nonempty_matches(YMD_RE, YMD_OPENING_RE, text)
    found = [(m.start(), m.end(), iso_date(m["y"], m["m"], m["d"])) for m in ymd]
    if "/" in text:
        found += [(m.start(), m.end(), _slash_iso(m)) for m in SLASH_RE.finditer(text)]
    return sorted((s, e, d) for s, e, d in found if d)


def line_date(line: str) -> str | None:
    """The publication date a head-of-page line states, or None.

    A date after a ``date``/``发布时间`` label, a date followed by a clock time (a line of at
    most :data:`STAMP_LINE_MAX_CHARS`), or a full date in a short line with no sentence
    punctuation (:data:`DATE_LINE_MAX_CHARS`).

    Example:
        >>> line_date("发布时间:2023-04-25 17:46:48 阅读:28"), line_date("2025年12月25日 星期四")
        ('2023-04-25', '2025-12-25')
        >>> line_date(" date 2026-01-28 2025年大陸汽車出口版圖出現變化。")  # scraper's marker
        '2026-01-28'
        >>> line_date("比亞迪2025年5月21日在柏林辦發表會。路透") is None
        True
    """
    if m := DATE_MARKER_RE.match(line):
        return opening_date(line[m.end() :])
    text = line.strip()
    for start, end, date in find_dates(text):
        labelled = start == 0 or LABEL_RE.match(text[:start]) is not None
        stamped = TIME_AFTER_RE.match(text, end) is not None and len(text) <= STAMP_LINE_MAX_CHARS
        short = len(text) <= DATE_LINE_MAX_CHARS and not SENTENCE_PUNCT_RE.search(text)
        if stamped or short or (labelled and _rest_is_short(text[end:])):
            return date
    return None


def _rest_is_short(rest: str) -> bool:
    """What follows a date that opens a line is a label's tail, not a sentence."""
    return len(rest.strip()) <= DATE_LINE_MAX_CHARS and not SENTENCE_PUNCT_RE.search(rest)


def marker_line_date(line: str) -> str | None:
    """The date of a line that is only a scraper's marker, the date and a short tail.

    Such a line (``date 2026-01-02 快訊``, ``date 2025-11-14 鉅亨網編譯某某 2025-11-14 04:00``)
    is dropped as a byline; a marker before a sentence is not (:func:`line_date` reads it).

    Example:
        >>> marker_line_date(" date 2026-01-02 快訊")
        '2026-01-02'
        >>> marker_line_date(" date 2026-01-28 出口版圖變化。") is None
        True
    """
    m = DATE_MARKER_RE.match(line)
    if m is None:
        return None
    rest = line[m.end() :]
    date = YMD_RE.match(rest)
    if date is None or not _rest_is_short(rest[date.end() :]):
        return None
    return iso_date(date["y"], date["m"], date["d"])


def header_date(lines: list[str]) -> str | None:
    """The first date line (:func:`line_date`) among the first :data:`HEADER_LINES` lines.

    Example:
        >>> header_date(["多云 12℃", "2025-12-25", "比亞迪出口再創新高，海外增量來自歐洲。"])
        '2025-12-25'
    """
    lines = [t for t in lines if t and t.strip()][:HEADER_LINES]
    return next((d for t in lines if (d := line_date(t))), None)


def url_date(url: object) -> str | None:
    """A date in a URL's path, or None.

    Example:
        >>> url_date("http://x.cn/news/202212/31/250214.html"), url_date("http://x.cn/2023/0516/1.html")
        ('2022-12-31', '2023-05-16')
        >>> url_date("http://x.cn/redian/202501/127627.html") is None  # a month is no date
        True
    """
    if not isinstance(url, str) or not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url.strip(), flags=re.I).split("?")[0]
    for pattern in URL_DATE_RES:
        for m in pattern.finditer(path):
            if date := iso_date(m["y"], m["m"], m["d"]):
                return date
    return None


def file_name_date(source_file: object) -> str | None:
    """A date in a raw file's name (not its folders), or None.

    Example:
        >>> file_name_date("dumps/2025-12-25_byd.txt"), file_name_date("20251225-chips.html")
        ('2025-12-25', '2025-12-25')
        >>> file_name_date("002_ed959ec06ede5471.txt") is None
        True
    """
    if not isinstance(source_file, str) or not source_file:
        return None
    stem = PurePath(source_file).stem
    for pattern in FILE_DATE_RES:
        for m in pattern.finditer(stem):
            if date := iso_date(m["y"], m["m"], m["d"]):
                return date
    return None


def opening_date(first_paragraph: str) -> str | None:
    """A full date the body opens with (``2025 年 11 月 6 日，港交所…``), or None.

    NOTE: only a date at the very start counts; a date later in the first sentence
    (小馬智行於2025年11月25日發布財報) is an event's.

    Example:
        >>> opening_date("2025 年 11 月 6 日,港交所"), opening_date("公司於2025年1月1日")
        ('2025-11-06', None)
    """
    text = re.sub(r"^[\s【\[(（]*", "", first_paragraph)
    m = YMD_RE.match(text)
    return iso_date(m["y"], m["m"], m["d"]) if m else None


def find_published_date(
    meta: dict, title: str, paragraphs: list[str], source_file: str = ""
) -> tuple[str | None, str | None]:
    """The article's publication date and its source (:data:`DATE_SOURCES`), or (None, None).

    Args:
        meta: the segment's metadata (``published_date`` and ``date_source`` set by a feed
            field, a page's metadata or a byline line; ``url``).
        title: the title line as found (before cleaning).
        paragraphs: the body lines as found (before cleaning).
        source_file: the raw file's path, for a date in its name.

    Example:
        >>> find_published_date({}, "", [" date 2026-01-15 我的頻道", "記者／綜合報導"])
        ('2026-01-15', 'dateline')
        >>> find_published_date({"url": "http://x.cn/2025/02/13/a.html"}, "", ["出口增長。"])
        ('2025-02-13', 'url')
    """
    if meta.get("published_date"):
        return meta["published_date"], meta.get("date_source") or "field"
    if date := header_date([title, *paragraphs]):
        return date, "dateline"
    if paragraphs and (date := opening_date(paragraphs[0])):
        return date, "dateline"
    if date := url_date(meta.get("url")):
        return date, "url"
    if date := file_name_date(source_file):
        return date, "file_name"
    return None, None

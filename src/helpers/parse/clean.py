"""Text rules of stage 01: each rule is a named, pure function that returns what it removed.

Text rules rewrite the kept lines (pinyin, spacing, full-width characters, repeated captions
and paragraphs, invisible characters, long tokens) and return ``(new_text, edits)``. The
line rules (a whole line is noise) are :mod:`helpers.parse.lines`.

Every :class:`Edit` records the rule, the offset in the text the rule received, the original
span and its replacement, so a cleaned body can be turned back into the raw one by undoing
the edits in reverse order (:func:`undo_edits`).

Example:
    >>> text, edits = strip_pinyin("國內(nèi)汽車")
    >>> text, edits[0].rule, edits[0].text
    ('國內汽車', 'pinyin', '(nèi)')
    >>> normalize_number_spacing("2025 年 11 月")[0]
    '2025年11月'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from helpers.text.script import HAN, fold_nfkc

# Line-shape thresholds shared by the boilerplate blocks and article segmentation.
TITLE_MIN_CHARS = 4
TITLE_MAX_CHARS = 80
BLOCK_LINE_MAX_CHARS = 40  # a reader comment is short; a longer full sentence is body text
LONG_BODY_CHARS = 200  # a body line at least this long follows a title (003's longest is 175)
OUTLET_MAX_CHARS = 20

CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20"
NAV_ITEM_MAX_CHARS = 6
HOME_WORDS = frozenset({"首页", "首頁", "主页", "主頁", "Home", "HOME"})
SENTENCE_END = "。；;：:,，、"  # a title never ends with these (it may end with ! or ?)

HEADER_TAG_RE = re.compile(r"^[#＃][^\s#＃]+(?:\s*[#＃][^\s#＃]+)*$")
DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})(?!\d)"
)
BYLINE_LABEL = r"(?:发布时间|發布時間|發佈時間|发布日期|發布日期|更新时间|更新時間|时间|時間|日期)"
BYLINE_SOURCE = r"(?:来源|來源|出处|出處|稿源)"
BYLINE_RE = re.compile(
    rf"^(?:{BYLINE_LABEL}\s*[:：]\s*)?(?P<date>(?:19|20)\d{{2}}\s*[-/.年]\s*\d{{1,2}}\s*[-/.月]"
    rf"\s*\d{{1,2}}\s*日?)?(?:\s*\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
    rf"(?:\s*{BYLINE_SOURCE}\s*[:：]\s*(?P<source>[^\s|｜]{{1,30}}))?"
    r"(?:\s*(?:作者|记者|記者|编辑|編輯)\s*[:：]?\s*\S{1,20})*\s*$"
)
# NOTE: "(圖片來自網路)" closing a caption line has an outlet's shape; a photo credit is not
# an outlet, and taking it for one would end the article in the middle.
PHOTO_CREDIT = r"(?:圖片|图片|圖源|图源|配圖|配图|攝影|摄影|來自|来自|圖/|图/)"
OUTLET_RE = re.compile(
    r"(?:(?<=[。！？!?”」』\"…．.])|\s+)[(（](?P<outlet>(?![^()（）]*"
    + PHOTO_CREDIT
    + r")[^()（）。，,；;:：]{2,"
    + str(OUTLET_MAX_CHARS)
    + r"})[)）]\s*$"
)
BULLET_RE = re.compile(r"^(?:[•·▪●○◆◇■□►▶▸\-–—*]|\d{1,2}[.、)）])\s*")


@dataclass(frozen=True)
class Edit:
    """One change a text rule made: ``text`` at ``start`` became ``replacement``."""

    rule: str
    start: int
    text: str
    replacement: str = ""

    @property
    def chars_removed(self) -> int:
        """Characters the edit removed (0 for a same-length replacement)."""
        return len(self.text) - len(self.replacement)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping ``edits`` (offsets into ``text``) and return the new text.

    Example:
        >>> apply_edits("經(jīng)濟", [Edit("pinyin", 1, "(jīng)")])
        '經濟'
    """
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        out.append(text[pos : e.start])
        out.append(e.replacement)
        pos = e.start + len(e.text)
    out.append(text[pos:])
    return "".join(out)


def undo_edits(text: str, edits: list[Edit]) -> str:
    """Invert :func:`apply_edits`: rebuild the rule's input from its output and edits.

    Example:
        >>> e = [Edit("pinyin", 1, "(jīng)")]
        >>> undo_edits(apply_edits("經(jīng)濟", e), e)
        '經(jīng)濟'
    """
    out, pos, shift = [], 0, 0
    for e in sorted(edits, key=lambda e: e.start):
        new_start = e.start - shift
        out.append(text[pos:new_start])
        out.append(e.text)
        pos = new_start + len(e.replacement)
        shift += e.chars_removed
    out.append(text[pos:])
    return "".join(out)


def _regex_rule(
    rule: str,
    pattern: re.Pattern[str],
    text: str,
    repl: Callable[[re.Match[str]], str],
    matches: Iterable[re.Match[str]] | None = None,
) -> tuple[str, list[Edit]]:
    """Run a substitution rule and record each changed match as an :class:`Edit`.

    ``matches`` replaces ``pattern.finditer(text)`` when a rule finds the same matches faster.
    """
    edits = []
    for m in pattern.finditer(text) if matches is None else matches:
        new = repl(m)
        if new != m.group(0):
            edits.append(Edit(rule, m.start(), m.group(0), new))
    return (apply_edits(text, edits) if edits else text), edits


def _has_any(text: str, chars: str) -> bool:
    """Return True when ``text`` holds one of ``chars``.

    NOTE: a rule whose pattern needs one of a few characters skips its regex scan when none
    occurs (``in`` is a C scan; the patterns with a lookbehind first are scanned position by
    position): the result is the same, the cost of a paragraph without them is near zero.

    Example:
        >>> _has_any("比亞迪(BYD)", "(（"), _has_any("比亞迪", "(（")
        (True, False)
    """
    return any(c in text for c in chars)


TONE_VOWELS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")
PINYIN_INITIALS = ("", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x")
PINYIN_INITIALS += ("zh", "ch", "sh", "r", "z", "c", "s", "y", "w")
# fmt: off
PINYIN_FINALS = (
    "a", "o", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er", "i", "ia",
    "ie", "iao", "iu", "ian", "in", "iang", "ing", "iong", "u", "ua", "uo", "uai", "ui", "uan",
    "un", "uang", "ueng", "v", "ve", "van", "vn", "ue",
)
# fmt: on
PINYIN_SYLLABLES = frozenset(i + f for i in PINYIN_INITIALS for f in PINYIN_FINALS) | {
    "n",
    "ng",
    "m",
    "hm",
}
# NOTE: a reading also follows a character that a later bad re-encoding lost ("汽??(qì chē)",
# a private-use or U+FFFD character): the reading is still certain noise.
# NOTE: the patterns below open with one character class, outside any alternative or
# repeat, and look behind only after it ("[(（](?<=[汉][(（])" rather than "(?<=[汉])[(（]",
# "x(?:a|b)" rather than "xa|xb", "xx*" rather than "x+": the same matches at the same offsets).
# Python's regex engine scans for such a first character in C before it tries the pattern; a
# pattern that opens otherwise is tried at every position of the text (2-5x slower here).
PINYIN_RE = re.compile(
    rf"[(（](?<=[{HAN}\ue000-\uf8ff\ufffd?][(（])\s*(?P<py>[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+[1-5]?"
    rf"(?:[\s']+[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+[1-5]?)*)\s*[)）]"
)


def pinyin_confidence(annotation: str) -> str | None:
    """Classify a parenthesised annotation: ``"toned"``, ``"toneless"`` or None (not pinyin).

    Example:
        >>> pinyin_confidence("jīng"), pinyin_confidence("men"), pinyin_confidence("phev")
        ('toned', 'toneless', None)
    """
    tokens = re.split(r"[\s']+", annotation.strip())
    bases = [t.rstrip("12345").translate(TONE_VOWELS) for t in tokens]
    if not all(b in PINYIN_SYLLABLES for b in bases):
        return None
    marked = any(t != t.translate(TONE_VOWELS) for t in tokens)
    numbered = all(t[-1].isdigit() for t in tokens) and any(len(b) > 1 for b in bases)
    return "toned" if marked or numbered else "toneless"


def strip_pinyin(text: str, *, context: bool = False) -> tuple[str, list[Edit]]:
    """Remove pinyin readings inserted right after Han characters.

    Tone-marked or numbered readings are always removed; toneless ones (``們(men)``) only
    when ``context`` says the article already has certain pinyin, or the same text does.
    Parenthesised words that are not pinyin — ``(第一財經)``, ``(PHEV)`` — are kept.

    Args:
        text: one line or paragraph.
        context: True when other parts of the article carried toned pinyin.

    Returns:
        The text without readings and one ``pinyin`` edit per removed reading.

    Example:
        >>> strip_pinyin("經(jīng)濟(PHEV)車(第一財經)")[0]
        '經濟(PHEV)車(第一財經)'
        >>> strip_pinyin("我們(men)")[0], strip_pinyin("我們(men)", context=True)[0]
        ('我們(men)', '我們')
    """
    if not _has_any(text, "(（"):
        return text, []
    # NOTE: one scan: the matches that decide the context are the ones rewritten (the
    # same finditer twice cost 4 % of the parse; every body line of a dump holds a bracket).
    matches = list(PINYIN_RE.finditer(text))
    if not matches:
        return text, []
    kinds = {m.start(): pinyin_confidence(m.group("py")) for m in matches}
    context = context or "toned" in kinds.values()
    allowed = {"toned", "toneless"} if context else {"toned"}
    return _regex_rule(
        "pinyin",
        PINYIN_RE,
        text,
        lambda m: "" if kinds[m.start()] in allowed else m.group(0),
        matches,
    )


SPACE = r"[ \u00a0\u3000]"
# spaces after a digit before a Han character or percent sign, or after a Han character
# before a digit (see the NOTE above PINYIN_RE on where the lookbehinds sit)
NUMBER_SPACE_RE = re.compile(
    rf"{SPACE}(?:(?<=\d{SPACE}){SPACE}*(?=[{HAN}%％‰])|(?<=[{HAN}]{SPACE}){SPACE}*(?=\d))"
)
# Characters that read as the unit or date part of the number before them.
NUMBER_UNIT_CHARS = frozenset(
    "年月日時时分秒號号萬万億亿千百十元角塊块輛辆台臺部個个家款位名人次倍成%％‰"
    "公里米噸吨度級级季週周天期代股港美歐欧英韓韩澳條条項项例座艘架"
)
NUMBER_CHARS = frozenset("0123456789.,")


def _number_space(m: re.Match[str]) -> str:
    """Drop a space beside a number unless the number starts a new unit-less phrase."""
    text, start = m.string, m.start()
    if not text[start - 1].isdigit() or text[m.end()] in NUMBER_UNIT_CHARS:
        return ""
    i = start - 1
    while i > 0 and text[i - 1] in NUMBER_CHARS:
        i -= 1
    before = text[i - 1 : i].strip(" \u00a0")
    # NOTE: "。01 鐵王座" is a section number before a heading: keep its space. Inside a
    # sentence ("每股 139 港元") the number is preceded by a Han character: tighten.
    return "" if before and re.match(f"[{HAN}]", before) else m.group(0)


def normalize_number_spacing(text: str) -> tuple[str, list[Edit]]:
    """Remove spaces between digits and Chinese characters or percent signs.

    A space after a number stays when the number opens a phrase (a section number such as
    ``01 鐵王座``) and the next character is not a unit.

    Example:
        >>> normalize_number_spacing("超 5500 萬公里,增長 75.9 %")[0]
        '超5500萬公里,增長75.9%'
        >>> normalize_number_spacing("收尾。01 鐵王座")[0]
        '收尾。01 鐵王座'
    """
    if not _has_any(text, " \u00a0\u3000"):
        return text, []
    return _regex_rule("number_spacing", NUMBER_SPACE_RE, text, _number_space)


ASCII_QUOTE_RE = re.compile('"')
QUOTE_PAIR_RE = re.compile(r"(?P<lead>[ \u00a0]*)\"(?P<inner>[^\"\n]*)\"(?P<trail>[ \u00a0]*)")
CJK_QUOTE_RE = re.compile(r"[ \u00a0](?:(?<=[“「『][ \u00a0])[ \u00a0]*|[ \u00a0]*(?=[”」』]))")
CJK_CHAR_RE = re.compile(f"[{HAN}{CJK_PUNCT}，。、；：！？“”‘’「」『』（）《》—…]")


def _quote_starts(text: str) -> list[int]:
    """Every position where :data:`QUOTE_PAIR_RE` can match: a quote and the spaces before it.

    NOTE: the pattern opens with optional spaces, so a scan tries it at every position.

    Example:
        >>> _quote_starts('以 "第一"')
        [1, 2, 5]
    """
    starts: list[int] = []
    for q in (m.start() for m in ASCII_QUOTE_RE.finditer(text)):
        lead = q
        while lead > 0 and text[lead - 1] in " \u00a0":
            lead -= 1
        starts.extend(range(lead, q + 1))
    return sorted(set(starts))


def _tight_quote(m: re.Match[str]) -> str:
    """Rebuild one ``"…"`` pair without padding spaces next to Chinese text."""
    text, start, end = m.string, m.start(), m.end()
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    lead = "" if not before or CJK_CHAR_RE.match(before) else m.group("lead")
    trail = "" if not after or CJK_CHAR_RE.match(after) else m.group("trail")
    return f'{lead}"{m.group("inner").strip()}"{trail}'


def normalize_quote_spacing(text: str) -> tuple[str, list[Edit]]:
    """Remove the spaces a converter padded inside and around quotes.

    ASCII quotes are paired left to right, only in a line with an even number of them.

    Example:
        >>> normalize_quote_spacing('以 " 全球 Robotaxi 第一股 " 身份')[0]
        '以"全球 Robotaxi 第一股"身份'
        >>> normalize_quote_spacing("一股 “ 熱潮 ”")[0]
        '一股 “熱潮”'
    """
    edits: list[Edit] = []
    if _has_any(text, " \u00a0"):
        text, edits = _regex_rule("quote_spacing", CJK_QUOTE_RE, text, lambda m: "")
    if '"' not in text or text.count('"') % 2:
        return text, edits
    matches = _matches_at(QUOTE_PAIR_RE, text, _quote_starts(text))
    text2, more = _regex_rule("quote_spacing", QUOTE_PAIR_RE, text, _tight_quote, matches)
    if edits and more:
        # NOTE: offsets of a rule are relative to that rule's input; the quote pass runs on
        # the output of the CJK-quote pass, so fold both into one edit list over the input.
        return text2, [Edit("quote_spacing", 0, undo_edits(text, edits), text2)]
    return text2, edits or more


FULLWIDTH_RE = re.compile(
    r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+|(?<=[0-9０-９])(?:．(?=[0-9０-９])|％)"
)
FULLWIDTH_ANY_RE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a．％]")  # what it needs


def normalize_fullwidth(text: str) -> tuple[str, list[Edit]]:
    """Turn full-width digits and Latin letters into ASCII (NFKC on those characters only).

    Chinese punctuation (，。：) stays as it is; a full-width point or percent sign right
    after a digit becomes ASCII too, so ``１２．５％`` reads as a number.

    Example:
        >>> normalize_fullwidth("２０２５年，ＢＹＤ增長１２．５％。")[0]
        '2025年，BYD增長12.5%。'
    """
    if not FULLWIDTH_ANY_RE.search(text):
        return text, []
    return _regex_rule("fullwidth", FULLWIDTH_RE, text, lambda m: fold_nfkc(m.group(0)))


# A caption opens with a marker (▲, 圖:, 圖片來源:, 圖為) or closes with a photo credit in
# brackets ("…(圖片來自網路)"); either kind repeated back to back keeps one copy.
CAPTION_START = (
    r"(?:[▲△▼]|(?:圖片|图片|圖|图)(?:來源|来源|來自|来自|源)?\s*[:：/]|(?:圖|图)(?:為|为))"
)
CAPTION_END = r"[(（]\s*" + PHOTO_CREDIT + r"[^()（）\n]{0,20}[)）]"
CAPTION_LEAD_MAX = 60  # characters of a credited caption before its credit
CAPTION_REPEAT_RE = re.compile(
    rf"(?P<cap>{CAPTION_START}.{{2,120}}?|[^。！？!?\n]{{2,{CAPTION_LEAD_MAX}}}?{CAPTION_END})"
    r"(?:\s*(?P=cap))+"
)
CAPTION_MARK_RE = re.compile("[▲△▼圖图]")  # the first character of every CAPTION_START
CAPTION_END_RE = re.compile(CAPTION_END)


def _caption_starts(text: str) -> list[int]:
    """Every position where :data:`CAPTION_REPEAT_RE` can match, in order (a superset).

    A repeated caption opens with a marker (its first character is one of ``▲△▼圖图``) or
    lies at most :data:`CAPTION_LEAD_MAX` characters before a photo credit. NOTE: scanning
    every position with the pattern tried up to 60 lazy extensions at each (2.7 s of 22 MB);
    credits are rare and cannot overlap (a credit holds no bracket but its own), so trying
    the pattern only at these positions finds the same matches.

    Example:
        >>> _caption_starts("前文。圖:走勢")
        [3]
    """
    starts = {m.start() for m in CAPTION_MARK_RE.finditer(text)}
    for m in CAPTION_END_RE.finditer(text):
        starts.update(range(max(0, m.start() - CAPTION_LEAD_MAX), m.start() - 1))
    return sorted(starts)


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """The matches ``pattern.finditer(text)`` gives when no match can begin outside ``starts``.

    Example:
        >>> [m.group(0) for m in _matches_at(re.compile("汽車"), "汽車汽車", [0, 2])]
        ['汽車', '汽車']
    """
    pos = 0
    for start in starts:
        if start < pos:
            continue
        m = pattern.match(text, start)
        if m:
            yield m
            pos = max(m.end(), start + 1)


def collapse_repeated_captions(text: str) -> tuple[str, list[Edit]]:
    """Keep one copy of an image caption repeated back to back inside a paragraph.

    Example:
        >>> collapse_repeated_captions("前文。圖:銷量走勢,來源:示例圖:銷量走勢,來源:示例後文")[0]
        '前文。圖:銷量走勢,來源:示例後文'
        >>> collapse_repeated_captions("前文。工廠外景(圖片來自網路) 工廠外景(圖片來自網路)後文")[0]
        '前文。工廠外景(圖片來自網路)後文'
    """
    starts = _caption_starts(text)
    if not starts:
        return text, []
    matches = _matches_at(CAPTION_REPEAT_RE, text, starts)
    return _regex_rule(
        "repeated_caption", CAPTION_REPEAT_RE, text, lambda m: m.group("cap"), matches
    )


def paragraph_key(text: str) -> str:
    """Return the comparison key of a paragraph: no whitespace, NFKC.

    Example:
        >>> paragraph_key(" 圖：銷量 走勢 ")
        '圖:銷量走勢'
    """
    # NOTE: str.split() drops exactly what ``\s`` matches (a test checks every code point)
    # and is a C loop: re.sub cost 3x the fold itself.
    return fold_nfkc("".join(text.split()))


def drop_repeated_paragraphs(paragraphs: Iterable[str]) -> tuple[list[str], list[int]]:
    """Keep the first copy of each paragraph; return the kept ones and dropped indices.

    Example:
        >>> drop_repeated_paragraphs(["圖：工廠", "正文一段。", "圖：工廠"])
        (['圖：工廠', '正文一段。'], [2])
    """
    paragraphs = list(paragraphs)
    if len(paragraphs) < 2:
        return paragraphs, []  # nothing to repeat: no key needed
    seen: set[str] = set()
    kept, dropped = [], []
    for i, para in enumerate(paragraphs):
        key = paragraph_key(para)
        if key in seen:
            dropped.append(i)
            continue
        seen.add(key)
        kept.append(para)
    return kept, dropped


OUTLET_SCAN_CHARS = 80  # a trailing outlet with readings inside fits in the line's last 80


def _original_offset(pos: int, deletions: list[Edit]) -> int:
    """Map an offset in a text after ``deletions`` back to the text before them."""
    for e in sorted(deletions, key=lambda e: e.start):
        if e.start <= pos:
            pos += e.chars_removed
    return pos


def _outlet_match(text: str) -> re.Match[str] | None:
    r"""``OUTLET_RE.search(text)``, started where its match can start.

    NOTE: the pattern opens with a lookbehind or spaces, so a search tries it at every
    position of the line (9 % of the 53 MB parse: every body line ends with its outlet).
    It ends with ``[)）]\s*$``: the closing bracket is the last character before the
    trailing whitespace (``str.rstrip`` and ``\s`` strip the same characters), and the name
    holds no bracket, so the opening bracket is the last one before it; a match starts
    there or at the whitespace run right before it. Searching from that run finds the same
    match (the lookbehind still sees the character before it).

    Example:
        >>> _outlet_match("全文完。 (示例財經)").span(), _outlet_match("錦江出租(上海)")
        ((4, 11), None)
    """
    end = len(text.rstrip()) - 1
    if end < 0 or text[end] not in ")）":
        return None
    opening = max(text.rfind("(", 0, end), text.rfind("（", 0, end))
    if opening < 0:
        return None
    start = opening
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return OUTLET_RE.search(text, start)


def find_outlet(line: str) -> tuple[int, str] | None:
    """Return ``(offset, name)`` of a trailing ``(outlet)`` of a body line, or None.

    Pinyin readings a converter put inside the brackets are read through: the name comes
    without them, the offset is where the suffix starts in ``line`` itself.

    Example:
        >>> find_outlet("全文完。 (示例財(cái)經(jīng))")
        (4, '示例財經')
        >>> find_outlet("錦江出租(上海)") is None
        True
    """
    m = _outlet_match(line)
    if m:
        return m.start(), m.group("outlet").strip()
    tail = line[-OUTLET_SCAN_CHARS:]
    if ")" not in tail and "）" not in tail:
        return None
    text, edits = strip_pinyin(line)
    m = _outlet_match(text) if edits else None
    if not m:
        return None
    return _original_offset(m.start(), edits), m.group("outlet").strip()


def has_outlet(line: str) -> bool:
    """Return True when ``line`` ends with an outlet in parentheses (see :func:`find_outlet`).

    Example:
        >>> has_outlet("最後一句。 (示例日報)"), has_outlet("示例車隊 (圖片來自網路)")
        (True, False)
    """
    return find_outlet(line) is not None


def strip_outlet(line: str) -> tuple[str, str | None, Edit | None]:
    """Split a trailing outlet in parentheses off a body line.

    Returns:
        The line without the outlet, the outlet name (or None) and the ``outlet_suffix``
        edit.

    Example:
        >>> strip_outlet("全文最後一句。 (示例財經)")[:2]
        ('全文最後一句。', '示例財經')
        >>> strip_outlet("全文最後一句。 (示例財(cái)經)")[:2]
        ('全文最後一句。', '示例財經')
    """
    found = find_outlet(line)
    if found is None or pinyin_confidence(found[1]) is not None:
        return line, None, None
    start, name = found
    return line[:start], name, Edit("outlet_suffix", start, line[start:])


def extract_date(text: str) -> str | None:
    """Return the first full date in ``text`` as ``YYYY-MM-DD``, or None.

    Example:
        >>> extract_date("2025 年 11 月 6 日,港交所")
        '2025-11-06'
    """
    for m in DATE_RE.finditer(text):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


# C0 controls but tab/newline/CR, DEL, zero-width characters, bidi marks and embeddings, the
# word joiner and a BOM inside the text. NOTE: C1 controls and the soft hyphen stay: they are
# what UTF-8 read as Latin-1 leaves behind, and repair_mojibake needs them to undo it.
INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff]+"
)
LONG_TOKEN_CHARS = 500  # the longest URL in the real dumps is ~150 characters
LONG_TOKEN_RE = re.compile(rf"[!-~]{{{LONG_TOKEN_CHARS},}}")


def strip_invisible(text: str) -> tuple[str, list[Edit]]:
    r"""Remove control, zero-width and bidi characters (rule ``invisible_chars``).

    NOTE: they are invisible in any viewer but split words and numbers for every matcher
    (比亞\u200b迪, 12\u200b萬輛), and an RTL override can make a title read backwards.

    Example:
        >>> strip_invisible("比亞\u200b迪\u202e出口\x00")[0]
        '比亞迪出口'
    """
    if not INVISIBLE_RE.search(text):
        return text, []
    return _regex_rule("invisible_chars", INVISIBLE_RE, text, lambda m: "")


def drop_long_tokens(text: str) -> tuple[str, list[Edit]]:
    """Remove runs of 500+ ASCII characters without a space (rule ``long_token``).

    NOTE: no sentence is one 500-character word; such runs are pasted base64 images,
    minified script or hex dumps, and a 2 MB one would make every later rule crawl.

    Example:
        >>> drop_long_tokens("正文。" + "QUJD" * 200 + "後文")[0]
        '正文。後文'
    """
    return _regex_rule("long_token", LONG_TOKEN_RE, text, lambda m: "")


# The marker a scraper writes before a page's first line (" date 2025-12-25 正文…"): the
# date is metadata (stage 01 reads it into published_date first), not a part of a sentence.
DATE_MARKER_RE = re.compile(r"^date +(?:19|20)\d\d-\d\d-\d\d(?!\d) *")


def drop_date_marker(text: str) -> tuple[str, list[Edit]]:
    """Remove a leading ``date YYYY-MM-DD`` marker (rule ``date_marker``).

    NOTE: left in, the date would read as the period of the first figures of the sentence
    (date 2025-10-28 地平線…佔據約40%的份額 is no figure of 28 October).

    Example:
        >>> drop_date_marker("date 2026-01-28 2025年出口版圖變化")[0]
        '2025年出口版圖變化'
    """
    return _regex_rule("date_marker", DATE_MARKER_RE, text, lambda m: "")


TEXT_RULES: tuple[Callable[[str], tuple[str, list[Edit]]], ...] = (
    drop_date_marker,
    strip_invisible,
    drop_long_tokens,
    normalize_number_spacing,
    normalize_quote_spacing,
    normalize_fullwidth,
    collapse_repeated_captions,
)


def clean_paragraph(text: str, *, pinyin_context: bool = False) -> tuple[str, list[Edit]]:
    """Run the text rules on one paragraph, in order; return the text and all edits.

    Each edit's offset refers to the text as that rule received it, so undoing the edits
    rule by rule in reverse order restores the input.

    Example:
        >>> clean_paragraph(" 國內(nèi)銷量 2025 年增長 ")[0]
        '國內銷量2025年增長'
    """
    stripped = text.strip()
    edits: list[Edit] = []
    if stripped != text:
        edits.append(Edit("whitespace", 0, text, stripped))
    text, found = strip_pinyin(stripped, context=pinyin_context)
    edits += found
    for rule in TEXT_RULES:
        text, found = rule(text)
        edits += found
    return text, edits

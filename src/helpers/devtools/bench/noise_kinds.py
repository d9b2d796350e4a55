"""The kinds of real-world dump noise the noise bench injects, each a seeded pure function.

Every injector takes a dump's text and a seed and returns a :class:`Noisy` (the new text and
what was injected); :func:`inject` runs one kind by name, :func:`combine` several.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

DEV_FILES = ("002_ed959ec06ede5471.txt", "003_0d142e1d9dbab541.txt")
DEFAULT_SEED = 20251106
TITLE_MAX_CHARS = 80  # a title line is short ...
BODY_MIN_CHARS = 500  # ... and followed by a one-line body at least this long
PINYIN_RATE = 0.04  # share of characters with a known reading that get one
GARBLE_RATE = 0.01  # share of Han characters garbled
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
NUMERAL_RE = re.compile(r"[0-9０-９一二三四五六七八九十百千萬万億亿兩两零〇半成]")
SENTENCE_RE = re.compile(r"[^。！？!?]*[。！？!?]?")

# --- the noise, written for this bench --------------------------------------------------------
SEO_KEYWORDS = (
    "新能源汽车",
    "新能源汽車",
    "电动车排行榜",
    "電動車推薦",
    "汽车出口",
    "汽車出口數據",
    "自动驾驶概念股",
    "智駕晶片",
    "二手车估价",
    "充电桩加盟",
    "汽车贷款利率",
    "SUV销量排行",
    "2026新车上市",
    "混动车型推荐",
    "车险报价",
    "买车攻略",
)
# (reading, characters that take it); toned readings, as an annotating converter writes them.
READINGS = (
    ("guó", "國国"),
    ("nèi", "內内"),
    ("jīng", "經经晶京"),
    ("jì", "濟济技計计"),
    ("chē", "車车"),
    ("qì", "汽企"),
    ("chū", "出"),
    ("shì", "市示式"),
    ("chǎng", "場场廠厂"),
    ("zhōng", "中"),
    ("yè", "業业"),
    ("xiāo", "銷销"),
    ("shòu", "售"),
    ("liàng", "量輛辆"),
    ("chǎn", "產产"),
    ("diàn", "電电"),
    ("dòng", "動动"),
    ("xīn", "新"),
    ("néng", "能"),
    ("yuán", "源元"),
    ("pǐn", "品"),
    ("pái", "牌"),
    ("ōu", "歐欧"),
    ("zhōu", "洲"),
    ("měi", "美"),
    ("nián", "年"),
    ("yuè", "月"),
    ("wàn", "萬万"),
    ("yì", "億亿易意"),
    ("gōng", "公工"),
    ("sī", "司"),
    ("shù", "術术數数"),
    ("piàn", "片"),
    ("zhì", "智"),
    ("jià", "駕驾價价"),
    ("shǐ", "駛驶"),
    ("yùn", "運运"),
    ("yíng", "營营"),
    ("guī", "規规"),
    ("zī", "資资"),
    ("shuì", "稅税"),
    ("zhèng", "政"),
    ("cè", "策測测"),
    ("fā", "發发"),
    ("quán", "全"),
    ("qiú", "球"),
    ("lù", "路"),
    ("duì", "隊队"),
    ("zēng", "增"),
    ("chāo", "超"),
    ("zǒng", "總总"),
    ("gǎng", "港"),
    ("gǔ", "股"),
    ("shāng", "商"),
    ("huà", "化"),
    ("gāo", "高"),
    ("hǎi", "海"),
    ("wài", "外"),
)
READING_OF = {ch: py for py, chars in READINGS for ch in chars}
TONE_TO_NUMBER = {
    **dict.fromkeys("āēīōūǖ", "1"),
    **dict.fromkeys("áéíóúǘ", "2"),
    **dict.fromkeys("ǎěǐǒǔǚ", "3"),
    **dict.fromkeys("àèìòùǜ", "4"),
}
RELATED_HEADERS = ("相關閱讀", "相关文章：", "延伸閱讀", "猜你喜欢")
RELATED_ITEMS = (
    "示例車企發布新款純電轎車",
    "海外建廠潮下的物流難題怎麼解",
    "一文看懂智駕晶片的算力之爭",
    "电池价格回落，整车厂能省多少钱？",
    "示例品牌進入南美市場的第一年",
)
BULLETS = ("• ", "· ", "▪ ", "- ", "{i}. ", "{i}、")
COMMENT_HEADERS = ("網友評論", "网友评论（{n}）", "全部評論")
LONG_COMMENTS = (
    "示例用戶：這篇分析講得很清楚，尤其是海外建廠成本那一段，希望以後多寫一些這類文章。",
    "小李飛車：同意樓上，不過售後網點跟不上的話，銷量再高也很難長久，大家覺得呢？",
)
COMMENTS = (
    "車迷小王：寫得不錯，期待後續報導",
    "匿名用户：国产车这几年进步真的很大",
    "路人甲 {h}小時前 回覆 讚({n})",
    "老司機2025：價格再降一點就買",
    "发表评论",
    "已有{n}人參與評論",
    "查看更多評論",
)
SKIP_LINKS = ("跳到主要內容", "跳至正文", "Skip to main content")
NAV_BARS = (
    "首頁 | 新聞 | 汽車 | 科技 | 財經 | 專題",
    "示例車訊網 首頁 新車 行情 導購 論壇 登入",
    "首页 汽车 新能源 智驾 评测 视频 更多",
)
BREADCRUMBS = ("當前位置：首頁 > 汽車 > 產業", "您的位置：首页 > 新闻 > 正文")
FOOTERS = (
    "免責聲明：本文僅代表作者個人觀點，與本站無關，不構成投資建議。",
    "免责声明：本站转载的内容仅供参考，如有侵权请联系删除。",
    "本文來源於網路，轉載請註明出處。",
    "© 2026 示例車訊網 版權所有",
    "分享到：微信　微博　朋友圈",
    "返回頂部",
    "上一篇：示例車企發布新款純電轎車",
    "下一篇：海外建廠潮下的物流難題怎麼解",
    "打開APP，閱讀全文",
    "標籤：新能源 出口 智駕",
    "責任編輯：示例",
)
CAPTIONS = (
    "圖:示例車型在工廠下線 來源:示例公司",
    "圖片來源：示例公司官網",
    "图：示例车队在城市道路测试，来源：示例科技",
    "▲示例車型的座艙（圖片來自網路）",
    "示例車隊在夜間運營 (圖片來自網路)",
)


@dataclass(frozen=True)
class Noisy:
    """A noisy dump: its text, the noise fragments added, and how many copies may stay.

    Attributes:
        text: the dump with the noise.
        fragments: pieces of injected noise; none may appear in a cleaned title or body.
        repeats: injected repeats (captions); each may appear at most once per article.
        garbled: characters garbled (expected flagged, not removed).
        titles: titles the injector gave untitled articles (not noise: compared as empty).
    """

    text: str
    fragments: tuple[str, ...] = ()
    repeats: tuple[str, ...] = ()
    garbled: int = 0
    titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """Line range ``[start, end)`` of one article; ``titled``: line ``start`` is its title."""

    start: int
    end: int
    titled: bool


# --- structure of a dump ------------------------------------------------------------------------


def _is_title_line(lines: list[str], i: int) -> bool:
    """A short line that does not end a sentence, followed by a long one-line body."""
    text = lines[i].strip()
    nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
    return 0 < len(text) <= TITLE_MAX_CHARS and text[-1] not in "。；，," and len(nxt) >= 500


# NOTE: complexity 12: a small state machine over the lines of a dump (title, body, outlet).
def find_articles(lines: list[str]) -> list[Article]:
    """Locate the articles of a dump by line shape (title + long body, else one untitled).

    NOTE: deliberately simpler than stage 01's segmentation and independent of it, so the
    bench does not inherit the parser's blind spots.

    Example:
        >>> find_articles(["#汽車", "標題一", "長" * 600, "標題二", "長" * 600])
        [Article(start=1, end=3, titled=True), Article(start=3, end=5, titled=True)]
        >>> find_articles(["第一段。", "", "第二段。", ""])
        [Article(start=0, end=3, titled=False)]
    """
    starts = [i for i in range(len(lines)) if _is_title_line(lines, i)]
    content = [i for i, t in enumerate(lines) if t.strip() and not t.startswith("#")]
    if not content:
        return []
    if not starts:
        return [Article(content[0], content[-1] + 1, False)]
    bounds = [*starts, len(lines)]
    out = []
    for a, b in itertools.pairwise(bounds):
        end = b
        while end > a + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        out.append(Article(a, end, True))
    return out


def _random_article(lines: list[str], rng: random.Random) -> Article | None:
    """One article of the dump chosen by ``rng``, or None when none is found."""
    articles = find_articles(lines)
    return rng.choice(articles) if articles else None


def _lines(text: str) -> tuple[list[str], str]:
    """Split a dump into lines, remembering whether it ended with a newline."""
    tail = "\n" if text.endswith("\n") else ""
    return text[: len(text) - len(tail)].split("\n"), tail


def _insert_blocks(text: str, blocks: dict[int, list[str]]) -> str:
    """Insert lists of lines before the given line indices (an index == len: at the end)."""
    lines, tail = _lines(text)
    out = []
    for i, line in enumerate([*lines, None]):
        out.extend(blocks.get(i, []))
        if line is not None:
            out.append(line)
    return "\n".join(out) + tail


# --- line noise ----------------------------------------------------------------------------------


def make_spam_line(rng: random.Random) -> str:
    """Return one SEO keyword line: 4-9 short keywords joined by ``|`` or ``｜``.

    Example:
        >>> line = make_spam_line(random.Random(3))
        >>> 4 <= len(re.split("[|｜]", line)) <= 9
        True
    """
    words = rng.sample(SEO_KEYWORDS, rng.randint(4, 9))
    sep = rng.choice(("|", "｜", " | "))
    return sep.join(words)


def seo_spam_line(text: str, seed: int) -> Noisy:
    r"""Put an SEO keyword line before every article of the dump.

    Example:
        >>> len(seo_spam_line("第一段。\n", seed=2).text.splitlines())
        2
    """
    rng = random.Random(seed)
    spam = {a.start: make_spam_line(rng) for a in find_articles(_lines(text)[0])}
    return Noisy(_insert_blocks(text, {i: [s] for i, s in spam.items()}), tuple(spam.values()))


def _bullet(rng: random.Random, i: int) -> str:
    return rng.choice(BULLETS).format(i=i)


def related_and_comments(rng: random.Random) -> list[str]:
    """Return a "related articles" list and a comment box, as lines.

    Example:
        >>> lines = related_and_comments(random.Random(1))
        >>> len(lines) >= 6
        True
    """
    items = rng.sample(RELATED_ITEMS, rng.randint(2, 4))
    related = [rng.choice(RELATED_HEADERS)] + [
        _bullet(rng, i) + item for i, item in enumerate(items, 1)
    ]
    n = rng.randint(2, 99)
    head = rng.choice(COMMENT_HEADERS).format(n=n)
    comments = [c.format(n=n, h=rng.randint(1, 9)) for c in rng.sample(COMMENTS, 3)]
    # NOTE: a real comment can be a full sentence longer than a title: always include one.
    comments.insert(rng.randint(0, len(comments)), rng.choice(LONG_COMMENTS))
    return [*related, head, *comments]


def duplicate_with_related_and_comments(text: str, seed: int) -> Noisy:
    r"""Repeat one article right after it, with related bullets and comments in between.

    Example:
        >>> noisy = duplicate_with_related_and_comments("第一段。\n第二段。\n", seed=1)
        >>> noisy.text.count("第一段。")
        2
    """
    rng = random.Random(seed)
    lines, _ = _lines(text)
    art = _random_article(lines, rng)
    if art is None:
        return Noisy(text)
    noise = related_and_comments(rng)
    copy = lines[art.start : art.end]
    return Noisy(_insert_blocks(text, {art.end: noise + copy}), tuple(noise))


def web_nav_and_disclaimer(text: str, seed: int) -> Noisy:
    r"""Add a web page's skip link, navigation and breadcrumb on top, footers after articles.

    Example:
        >>> noisy = web_nav_and_disclaimer("第一段。\n", seed=1)
        >>> noisy.text.splitlines()[-1] in FOOTERS
        True
    """
    rng = random.Random(seed)
    top = [rng.choice(SKIP_LINKS), *rng.sample(NAV_BARS, 2), rng.choice(BREADCRUMBS)]
    blocks: dict[int, list[str]] = {0: list(top)}
    added = list(top)
    for art in find_articles(_lines(text)[0]):
        footer = rng.sample(FOOTERS, rng.randint(2, 4))
        blocks.setdefault(art.end, []).extend(footer)
        added += footer
    return Noisy(_insert_blocks(text, blocks), tuple(added))


# --- repeats ---------------------------------------------------------------------------------


def _sentence_ends(line: str) -> list[int]:
    """Offsets just after each 。 of a line (not the last character)."""
    return [m.end() for m in re.finditer("。", line) if m.end() < len(line) - 1]


def repeated_captions(text: str, seed: int) -> Noisy:
    r"""Repeat an image caption two or three times in every article.

    One-line bodies get the copies inline after a sentence; bodies of several paragraphs
    get them as lines of their own between two paragraphs.

    Example:
        >>> noisy = repeated_captions("第一段。\n第二段。\n", seed=1)
        >>> noisy.text.count(noisy.repeats[0]) in (2, 3)
        True
    """
    rng = random.Random(seed)
    lines, tail = _lines(text)
    captions, blocks = [], {}
    for art in find_articles(lines):
        cap = rng.choice(CAPTIONS)
        copies = rng.randint(2, 3)
        captions.append(cap)
        body_at = art.start + 1 if art.titled else art.start
        if art.titled and body_at == art.end - 1:
            ends = _sentence_ends(lines[body_at]) or [len(lines[body_at])]
            at = rng.choice(ends)
            sep = rng.choice(("", " "))
            line = lines[body_at]
            lines[body_at] = line[:at] + sep.join([cap] * copies) + line[at:]
        else:
            at = rng.randint(body_at + 1, max(body_at + 1, art.end - 1))
            blocks[at] = [cap] * copies
    return Noisy(_insert_blocks("\n".join(lines) + tail, blocks), repeats=tuple(captions))


def twin_title(title: str, rng: random.Random) -> str:
    """Change one punctuation mark of a title (or add one at its end).

    Example:
        >>> twin_title("中國汽車第一城,變了!", random.Random(0)) != "中國汽車第一城,變了!"
        True
    """
    swaps = {",": "，", "，": ",", "!": "！", "！": "!", "?": "？", "？": "?", ":": "："}
    spots = [i for i, ch in enumerate(title) if ch in swaps]
    if spots:
        i = rng.choice(spots)
        return title[:i] + swaps[title[i]] + title[i + 1 :]
    return title + rng.choice(("!", "！", "?"))


def _drop_one_sentence(body: str, rng: random.Random) -> str:
    """Drop one sentence without a numeral from a body line (near-identical, same facts)."""
    sentences = [s for s in SENTENCE_RE.findall(body) if s]
    plain = [i for i, s in enumerate(sentences) if len(s) > 8 and not NUMERAL_RE.search(s)]
    if not plain:
        return body
    drop = rng.choice(plain)
    return "".join(s for i, s in enumerate(sentences) if i != drop)


def near_identical_title_twin(text: str, seed: int) -> Noisy:
    r"""Add a near-identical twin of one article: title differs by one punctuation mark.

    The twin follows the original and misses one sentence without a numeral. An untitled
    article first gets a title written here (a twin needs one to differ by).

    Example:
        >>> noisy = near_identical_title_twin("第一段寫得很長。第二句也不短啊。\n", seed=1)
        >>> noisy.text.splitlines()[0].rstrip("!！?") == noisy.text.splitlines()[2].rstrip("!！?")
        True
    """
    rng = random.Random(seed)
    lines, tail = _lines(text)
    art = _random_article(lines, rng)
    if art is None:
        return Noisy(text)
    body = lines[art.start + 1 : art.end] if art.titled else lines[art.start : art.end]
    title = lines[art.start] if art.titled else "示例觀察：一家公司的規模化之路"
    twin = [twin_title(title, rng)]
    twin += [_drop_one_sentence(line, rng) if len(line) > 100 else line for line in body]
    original = [title, *body]
    lines[art.start : art.end] = original + twin
    added = () if art.titled else (title, twin[0])
    return Noisy("\n".join(lines) + tail, titles=added)


# --- character noise ------------------------------------------------------------------------


def _reading(ch: str, style: str) -> str:
    """A reading of ``ch`` in ``style`` (toned, numbered)."""
    py = READING_OF[ch]
    if style == "numbered":
        tone = next((TONE_TO_NUMBER[c] for c in py if c in TONE_TO_NUMBER), "5")
        base = "".join(c if c not in TONE_TO_NUMBER else "aeiouü"[_vowel(c)] for c in py)
        return base + tone
    return py


def _vowel(marked: str) -> int:
    """Index into ``aeiouü`` of a tone-marked vowel."""
    for i, group in enumerate(("āáǎà", "ēéěè", "īíǐì", "ōóǒò", "ūúǔù", "ǖǘǚǜ")):
        if marked in group:
            return i
    raise ValueError(marked)


# NOTE: complexity 11: one branch per reading style injected (tone marks, digits, brackets).
def pinyin_after_chars(text: str, seed: int, rate: float = PINYIN_RATE) -> Noisy:
    """Insert pinyin readings after some Han characters, as an annotating converter does.

    Mostly tone-marked in ASCII brackets, sometimes in full-width brackets or with tone
    numbers; two annotated characters in a row share one bracket (``晶片(jīng piàn)``).

    Example:
        >>> pinyin_after_chars("國內汽車", seed=1, rate=1.0).text
        '國內(guó nèi)汽車(qì chē)'
    """
    rng = random.Random(seed)
    out, added, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch not in READING_OF or rng.random() >= rate:
            out.append(ch)
            i += 1
            continue
        word = ch + (text[i + 1] if i + 1 < len(text) and text[i + 1] in READING_OF else "")
        style = "numbered" if rate < 1 and rng.random() < 0.15 else "toned"
        inner = " ".join(_reading(c, style) for c in word)
        left, right = ("（", "）") if rate < 1 and rng.random() < 0.2 else ("(", ")")
        note = f"{left}{inner}{right}"
        out.append(word + note)
        added.append(note)
        i += len(word)
    return Noisy("".join(out), tuple(added))


def _garble_char(rng: random.Random) -> str:
    """A lost character: ``??`` (a double-byte character that did not map) or private use."""
    return "??" if rng.random() < 0.7 else chr(0xE000 + rng.randrange(0x1900))


def garble(
    text: str, seed: int, rate: float = GARBLE_RATE, *, avoid_numerals: bool = False
) -> Noisy:
    """Replace some Han characters with ``??`` or private-use characters.

    Args:
        text: the dump.
        seed: random seed.
        rate: share of Han characters garbled.
        avoid_numerals: garble only sentences without a numeral, so figures, their units and
            the entities next to them stay readable.

    Example:
        >>> garble("國內汽車銷量", seed=1, rate=1.0).garbled
        6
        >>> garble("銷量12萬輛。天氣很好。", seed=1, rate=1.0, avoid_numerals=True).text[:7]
        '銷量12萬輛。'
    """
    rng = random.Random(seed)
    out, n = [], 0
    for sentence in SENTENCE_RE.findall(text):
        if avoid_numerals and NUMERAL_RE.search(sentence):
            out.append(sentence)
            continue
        for ch in sentence:
            if HAN_RE.match(ch) and rng.random() < rate:
                out.append(_garble_char(rng))
                n += 1
            else:
                out.append(ch)
    return Noisy("".join(out), garbled=n)


def garble_outside_numbers(text: str, seed: int) -> Noisy:
    """:func:`garble` restricted to sentences without a numeral.

    Example:
        >>> garble_outside_numbers("共12萬輛。", seed=1).garbled
        0
    """
    return garble(text, seed, avoid_numerals=True)


# --- all together ------------------------------------------------------------------------------

Injector = Callable[[str, int], Noisy]
NOISE_KINDS: dict[str, Injector] = {
    "seo_spam": seo_spam_line,
    "pinyin": pinyin_after_chars,
    "garble": garble,
    "garble_outside_numbers": garble_outside_numbers,
    "duplicate": duplicate_with_related_and_comments,
    "web_chrome": web_nav_and_disclaimer,
    "captions": repeated_captions,
    "title_twin": near_identical_title_twin,
}
# NOTE: character noise (a converter, a bad re-encoding) hits the article text first; the
# page chrome and copies are added on top, as a scraper would save them. Garble that can
# destroy a figure is left out of the combination so its facts stay comparable.
COMBINED_ORDER = (
    "pinyin",
    "garble_outside_numbers",
    "title_twin",
    "captions",
    "duplicate",
    "web_chrome",
    "seo_spam",
)


def combine(text: str, seed: int, kinds: Iterable[str] = COMBINED_ORDER) -> Noisy:
    r"""Apply several noise kinds in order; fragments and repeats accumulate.

    Example:
        >>> noisy = combine("標題一則\n" + "正文。" * 200 + "\n", seed=1)
        >>> len(noisy.fragments) > 5
        True
    """
    frags: list[str] = []
    repeats: list[str] = []
    titles: list[str] = []
    garbled = 0
    for i, kind in enumerate(kinds):
        noisy = NOISE_KINDS[kind](text, seed + i)
        text, garbled = noisy.text, garbled + noisy.garbled
        frags += noisy.fragments
        repeats += noisy.repeats
        titles += noisy.titles
    return Noisy(text, tuple(frags), tuple(repeats), garbled, tuple(titles))


def inject(kind: str, text: str, seed: int) -> Noisy:
    """Apply one noise kind by name (``clean``: none, ``all``: :data:`COMBINED_ORDER`).

    Example:
        >>> inject("clean", "正文。", 1).text
        '正文。'
    """
    if kind == "clean":
        return Noisy(text)
    if kind == "all":
        return combine(text, seed)
    return NOISE_KINDS[kind](text, seed)

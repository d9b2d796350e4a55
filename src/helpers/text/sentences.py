"""Split article bodies into sentences and clauses with character offsets into the body.

The facts stage reads one sentence at a time and needs every span to point into the original
``body`` (a fact's ``char_start``/``char_end`` is checked against it). Nothing here changes the
body: :func:`matching_copy` returns a same-length Simplified, width-folded copy for cue
matching, and every split returns offsets.

NOTE: sentences end at 。！？!? and at line breaks; a ``.`` never ends a sentence (decimals and
Latin names are far more common than Latin full stops in this corpus). Clauses split sentences
further at ，,；;：: — except a comma between digits (1,344,020).

NOTE: analyst notes scraped as one line (``要点 - 2025年9月,甲占比40% [5] - 乙…``) have no 。 at
all: a bullet dash between words, a bullet symbol (• ◎ ●) and a citation mark ([5]) end a
sentence too, and inside such text a space before a Chinese word ends a clause. Otherwise one
cue (a 里程碑, a 如果) would reach over every number of the block.

Example:
    >>> [(s.start, s.text) for s in split_sentences("出口709.8萬輛。同比增長21.1%！")]
    [(0, '出口709.8萬輛。'), (10, '同比增長21.1%！')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.text.script import normalize_width, opencc_converter

CITATION = r"(?:\s*\[\d{1,3}\])"
# Kept with the sentence before (end marks, citation marks) or dropped between two (a line
# break; a bullet: a dash with spaces around it between words, or a bullet symbol).
SENTENCE_END_RE = re.compile(
    rf"(?P<end>[。！？!?]+[”’」』\"')）]*{CITATION}*|{CITATION}+)"
    r"|(?P<sep>\n+|(?<![\d\s])\s+[-–—]\s+(?![\d\s])|\s*[•●◎▪◾■◆]\s*)"
)
# A comma between two digits is a thousands separator, not a clause break; a space before a
# Chinese word (after a word, not after a number: 約 5 萬台) is one in unpunctuated notes.
CLAUSE_END_RE = re.compile(
    r"(?<!\d),|,(?!\d)|[，；;：:、]|(?<=[\u4e00-\u9fffA-Za-z）)])\s+(?=[\u4e00-\u9fff])"
    r"|(?<=[\u4e00-\u9fff])\s+(?=[A-Za-z])"
)
CLAUSE_BREAKS = "，,；;：:"
# 《…》 marks a title (newspaper, report, film); 〈…〉 a chapter or article title.
TITLE_RE = re.compile(r"《[^《》\n]{1,80}》|〈[^〈〉\n]{1,80}〉")


@dataclass(frozen=True)
class Span:
    """A piece of a body: ``text == body[start:end]``."""

    start: int
    end: int
    text: str
    paragraph: int = 0


def split_sentences(body: str) -> list[Span]:
    r"""Split ``body`` into sentences; each keeps its offsets and paragraph number.

    Args:
        body: the article body (any script, any width).

    Returns:
        Non-blank sentences in order; ``paragraph`` counts line breaks before the sentence.

    Example:
        >>> [(s.text, s.paragraph) for s in split_sentences("甲出口。乙進口\n丙增長")]
        [('甲出口。', 0), ('乙進口', 0), ('丙增長', 1)]
        >>> [s.text for s in split_sentences("要點 - 甲占40% [5] - 乙占30%")]
        ['要點', '甲占40% [5]', '乙占30%']
    """
    spans: list[Span] = []
    start, paragraph = 0, 0
    for m in SENTENCE_END_RE.finditer(body):
        end = m.start() if m.lastgroup == "sep" else m.end()
        _add_span(spans, body, start, end, paragraph)
        # NOTE: a bullet starts a new item as a line break does.
        paragraph += max(m.group().count("\n"), int(m.lastgroup == "sep"))
        start = m.end()
    _add_span(spans, body, start, len(body), paragraph)
    return spans


def _add_span(spans: list[Span], body: str, start: int, end: int, paragraph: int) -> None:
    """Append body[start:end] without its outer whitespace, if anything is left."""
    text = body[start:end]
    stripped = text.strip()
    if not stripped:
        return
    lead = len(text) - len(text.lstrip())
    start += lead
    spans.append(Span(start, start + len(stripped), stripped, paragraph))


def split_clauses(sentence: Span) -> list[Span]:
    """Split a sentence into clauses at ，；： (not at a thousands comma); offsets stay body-based.

    Example:
        >>> s = split_sentences("奇瑞出口1,344,020輛,同比增長17.4%")[0]
        >>> [c.text for c in split_clauses(s)]
        ['奇瑞出口1,344,020輛,', '同比增長17.4%']
    """
    s, text = sentence.start, sentence.text
    return [Span(s + lo, s + hi, text[lo:hi], sentence.paragraph) for lo, hi in clause_bounds(text)]


def clause_bounds(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each clause of a sentence, relative to it (see :func:`split_clauses`).

    NOTE: the facts stage needs only the offsets; building a :class:`Span` per clause cost
    more than finding the clauses.

    Example:
        >>> clause_bounds("奇瑞出口1,344,020輛,同比增長17.4%")
        [(0, 15), (15, 24)]
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in CLAUSE_END_RE.finditer(text):
        if m.group() == "、":
            continue  # an enumeration comma joins list items inside one clause
        if text[start : m.end()].strip():
            bounds.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def title_spans(text: str) -> list[tuple[int, int]]:
    """Spans of titles in 《》: a year, place or firm written there is part of a name.

    NOTE: 《日本经济新闻》 is a newspaper, not the Japanese market; 《2025-2030年…报告》 is a
    report's name, not a period of any figure. The facts stage ignores what stands inside.

    Example:
        >>> title_spans("據《日本經濟新聞》報導")
        [(1, 9)]
    """
    return [(m.start(), m.end()) for m in TITLE_RE.finditer(text)]


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies inside one of ``spans``.

    Example:
        >>> inside([(1, 9)], 2, 6), inside([(1, 9)], 8, 10)
        (True, False)
    """
    return any(lo <= start and end <= hi for lo, hi in spans)


def matching_copy(text: str) -> str:
    """Return a same-length copy for cue matching: width-folded and Simplified (OpenCC ``t2s``).

    ``t2s`` works character by character, so offsets stay valid; if a conversion ever changed
    the length, the text is converted one character at a time instead.

    Example:
        >>> matching_copy("市佔率４７．６６％")
        '市占率47.66%'
    """
    folded = normalize_width(text)
    converted = opencc_converter("t2s").convert(folded)
    if len(converted) == len(folded):
        return converted
    # NOTE: never seen on this corpus; guarded so offsets can never drift.
    return "".join(c if len(c := opencc_converter("t2s").convert(ch)) == 1 else ch for ch in folded)


def format_spans(spans: list[tuple[int, int]]) -> str:
    """Write character spans as one text cell: "start-end" joined by ";" ("" for none).

    The form of ``articles_dedup.read_spans``: stage 02 writes it, stage 03 reads it.

    Example:
        >>> format_spans([(3, 10), (12, 20)]), format_spans([])
        ('3-10;12-20', '')
    """
    return ";".join(f"{lo}-{hi}" for lo, hi in spans)


def parse_spans(text: object) -> list[tuple[int, int]]:
    """Read a cell written by :func:`format_spans` back into ``(start, end)`` pairs.

    Example:
        >>> parse_spans("3-10;12-20"), parse_spans(""), parse_spans(None)
        ([(3, 10), (12, 20)], [], [])
    """
    if not isinstance(text, str) or not text:
        return []
    return [(int(lo), int(hi)) for lo, hi in (part.split("-") for part in text.split(";"))]

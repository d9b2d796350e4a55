"""Evidence one click away: short source links for fact ids and the section they lead to.

A fact id (``f-…``, a hash) is never shown as text. Every fact the report names gets a
number in order of first use (:class:`EvidenceRegister`); the link reads "出处 3" and leads to
an entry of the evidence section: the article's title, outlet and date, the file and line it
came from, and the sentence with the figure marked (:func:`sentence_parts`).

Facts store ``char_start``/``char_end`` relative to the article body and ``sentence_start``
(the sentence's offset in the body), so the figure sits at
``sentence[char_start - sentence_start : char_end - sentence_start]``.

Example:
    >>> reg = EvidenceRegister()
    >>> reg.number("f-00000000000000aa"), reg.number("f-00000000000000bb")
    (1, 2)
    >>> reg.number("f-00000000000000aa"), reg.anchor("f-00000000000000bb")
    (1, 'ev-2')
    >>> sentence_parts("奇瑞出口93.6万辆。", 10, 14, 20, "93.6万辆")
    ('奇瑞出口', '93.6万辆', '。')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from helpers.catalog import texts as lab

FACT_ID_RE = re.compile(r"f-[0-9a-f]{16}")
FACT_ID_SEP = ";"
# A sentence longer than this is cut around the figure (garbled lines can run for pages).
CONTEXT_CHARS = 120
ELLIPSIS = "…"
# Columns an evidence entry reads; the long tables of stages 04–06 carry all of them.
EVIDENCE_COLUMNS = (
    "fact_id", "entity_id", "metric", "value", "unit", "qualifier", "period", "sentence",
    "sentence_start", "char_start", "char_end", "number_text", "title", "source_name",
    "published_date", "source_file", "source_line",
)  # fmt: skip
ARTICLE_COLUMNS = ("title", "source_name", "published_date")


class EvidenceRegister:
    """Numbers for fact ids in order of first use; what the evidence section lists."""

    def __init__(self) -> None:
        """Start with no fact registered."""
        self._numbers: dict[str, int] = {}

    def number(self, fact_id: str) -> int:
        """The link number of ``fact_id`` (registered on first use)."""
        return self._numbers.setdefault(fact_id, len(self._numbers) + 1)

    def anchor(self, fact_id: str) -> str:
        """The id of ``fact_id``'s entry in the evidence section."""
        return f"ev-{self.number(fact_id)}"

    @property
    def fact_ids(self) -> list[str]:
        """Every registered fact id, in number order."""
        return list(self._numbers)

    def __len__(self) -> int:
        """How many facts are registered."""
        return len(self._numbers)


@dataclass(frozen=True)
class Link:
    """A short link to one fact's evidence entry."""

    href: str
    text: str


def split_ids(value: object) -> list[str]:
    """Fact ids of a cell: one id, ``;``-joined ids, a list, or nothing.

    Example:
        >>> split_ids("f-1;f-2"), split_ids(None), split_ids(["f-3"])
        (['f-1', 'f-2'], [], ['f-3'])
    """
    if isinstance(value, list | tuple | set) or hasattr(value, "tolist"):
        items = list(value.tolist() if hasattr(value, "tolist") else value)
        return [str(v) for v in items if isinstance(v, str) and v]
    if not isinstance(value, str):
        return []
    return [v for v in value.split(FACT_ID_SEP) if v]


def links(fact_ids: Iterable[str], register: EvidenceRegister, labels: str) -> list[Link]:
    """Links labelled "出处 N" for ``fact_ids`` (duplicates once), registering each.

    Example:
        >>> reg = EvidenceRegister()
        >>> [(k.href, k.text) for k in links(["f-a", "f-b", "f-a"], reg, "zh-Hant")]
        [('#ev-1', '出處 1'), ('#ev-2', '出處 2')]
    """
    out = []
    for fact_id in dict.fromkeys(fact_ids):
        n = register.number(fact_id)
        out.append(Link(f"#ev-{n}", lab.label("report", "source_link", labels, n=n)))
    return out


def text_tokens(text: str, register: EvidenceRegister, labels: str) -> list[str | Link]:
    """Split free text at fact ids: plain strings stay, each id becomes a :class:`Link`.

    Used for texts written by the stages (finding details, conflict notes) and for the
    appendix, so that no hash is ever shown.

    Example:
        >>> reg = EvidenceRegister()
        >>> parts = text_tokens("中汽协 709.8 [f-0123456789abcdef]", reg, "zh-Hans")
        >>> parts[0], parts[1].text, parts[2]
        ('中汽协 709.8 [', '出处 1', ']')
    """
    out: list[str | Link] = []
    last = 0
    for m in FACT_ID_RE.finditer(text):
        if m.start() > last:
            out.append(text[last : m.start()])
        out.extend(links([m.group(0)], register, labels))
        last = m.end()
    if last < len(text):
        out.append(text[last:])
    return out


def _span_in_sentence(
    sentence: str, sentence_start: object, char_start: object, char_end: object, number_text: str
) -> tuple[int, int] | None:
    """Sentence-relative span of the figure, checked against ``number_text`` when given."""
    try:
        start = int(char_start) - int(sentence_start)
        end = int(char_end) - int(sentence_start)
    except (TypeError, ValueError):
        start = end = -1
    fits = 0 <= start < end <= len(sentence)
    if fits and (not number_text or sentence[start:end] == number_text):
        return start, end
    # NOTE: a span that does not hold the number's text (a sentence cut or re-cleaned after
    # extraction) is not trusted; the number's first occurrence is marked instead.
    found = sentence.find(number_text) if number_text else -1
    return (found, found + len(number_text)) if found >= 0 else None


def sentence_parts(
    sentence: str,
    sentence_start: object,
    char_start: object,
    char_end: object,
    number_text: str = "",
) -> tuple[str, str, str]:
    """``(before, figure, after)`` of a fact's sentence, cut around the figure when long.

    Args:
        sentence: the fact's sentence.
        sentence_start: the sentence's offset in the article body.
        char_start: the figure's start in the body.
        char_end: the figure's end in the body.
        number_text: the figure as written; checks the span (see the NOTE inside).

    Returns:
        Three strings; ``figure`` is empty when no span can be trusted.

    Example:
        >>> sentence_parts("据乘联会，全年出口832万辆。", 5, 12, 17, "832万辆")
        ('据乘联会，全年出口', '832万辆', '。')
        >>> sentence_parts("无数字的句子", 0, 40, 44, "12%")
        ('无数字的句子', '', '')
    """
    sentence = sentence if isinstance(sentence, str) else ""
    number_text = number_text if isinstance(number_text, str) else ""
    span = _span_in_sentence(sentence, sentence_start, char_start, char_end, number_text)
    if span is None:
        return _shorten(sentence, 0, keep_end=False), "", ""
    start, end = span
    before, figure, after = sentence[:start], sentence[start:end], sentence[end:]
    return _shorten(before, CONTEXT_CHARS, keep_end=True), figure, _shorten(after, CONTEXT_CHARS)


def _shorten(text: str, limit: int, *, keep_end: bool = False) -> str:
    """``text`` cut to ``limit`` characters (0: 2 × CONTEXT_CHARS) with an ellipsis."""
    limit = limit or 2 * CONTEXT_CHARS
    if len(text) <= limit:
        return text
    return ELLIPSIS + text[-limit:] if keep_end else text[:limit] + ELLIPSIS


def evidence_frame(*tables: pd.DataFrame) -> pd.DataFrame:
    """One row per fact from tables that carry evidence columns (first table wins).

    Example:
        >>> a = pd.DataFrame({"fact_id": ["f-1"], "sentence": ["出口832万辆"], "title": ["甲"]})
        >>> b = pd.DataFrame({"fact_id": ["f-1", "f-2"], "sentence": ["x", "y"]})
        >>> evidence_frame(a, b)[["fact_id", "sentence"]].values.tolist()
        [['f-1', '出口832万辆'], ['f-2', 'y']]
    """
    parts = [
        t[[c for c in EVIDENCE_COLUMNS if c in t.columns]]
        for t in tables
        if isinstance(t, pd.DataFrame) and "fact_id" in t.columns and not t.empty
    ]
    if not parts:
        return pd.DataFrame(columns=list(EVIDENCE_COLUMNS))
    frame = pd.concat(parts, ignore_index=True).drop_duplicates("fact_id", keep="first")
    return frame.reindex(columns=list(EVIDENCE_COLUMNS)).set_index("fact_id", drop=False)


def facts_with_articles(facts: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Facts joined to their article's title, outlet and date (for facts of no stage table).

    Example:
        >>> f = pd.DataFrame({"fact_id": ["f-1"], "article_id": ["a1"]})
        >>> a = pd.DataFrame({"article_id": ["a1"], "title": ["出口创新高"],
        ...     "source_name": ["车市周刊"], "published_date": ["2026-01-14"]})
        >>> facts_with_articles(f, a)["title"].tolist()
        ['出口创新高']
    """
    if facts.empty or "article_id" not in facts or "article_id" not in articles:
        return facts
    cols = ["article_id", *[c for c in ARTICLE_COLUMNS if c in articles and c not in facts]]
    meta = articles[cols].drop_duplicates("article_id")
    return facts.merge(meta, on="article_id", how="left", validate="many_to_one")


@dataclass(frozen=True)
class EvidenceEntry:
    """One item of the evidence section."""

    anchor: str
    label: str
    found: bool
    figure_line: str = ""
    title: str = ""
    outlet: str = ""
    date: str = ""
    location: str = ""
    before: str = ""
    figure: str = ""
    after: str = ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _date(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    try:
        return pd.Timestamp(value).date().isoformat()
    except (TypeError, ValueError):
        return _text(value)


def _location(row: pd.Series, labels: str) -> str:
    file, line = _text(row.get("source_file")), row.get("source_line")
    if not file:
        return ""
    if line is None or pd.isna(line):
        return file
    return lab.label("report", "location", labels, file=file, line=int(line))


def evidence_entry(
    fact_id: str, n: int, row: pd.Series | None, labels: str, figure_line: str = ""
) -> EvidenceEntry:
    """The evidence entry of one fact (``row`` from :func:`evidence_frame`, None if absent).

    Example:
        >>> row = pd.Series({"sentence": "全年出口832万辆。", "sentence_start": 0,
        ...     "char_start": 4, "char_end": 9, "number_text": "832万辆", "title": "出口",
        ...     "source_name": "车市", "published_date": "2026-01-28",
        ...     "source_file": "a.txt", "source_line": 3})
        >>> e = evidence_entry("f-1", 7, row, "zh-Hans")
        >>> e.label, e.figure, e.location, e.date
        ('出处 7', '832万辆', 'a.txt 第 3 行', '2026-01-28')
    """
    label = lab.label("report", "source_link", labels, n=n)
    if row is None:
        return EvidenceEntry(f"ev-{n}", label, found=False)
    before, figure, after = sentence_parts(
        _text(row.get("sentence")), row.get("sentence_start"), row.get("char_start"),
        row.get("char_end"), _text(row.get("number_text")),
    )  # fmt: skip
    return EvidenceEntry(
        anchor=f"ev-{n}",
        label=label,
        found=True,
        figure_line=figure_line,
        title=_text(row.get("title")) or lab.label("report", "untitled", labels),
        outlet=_text(row.get("source_name")) or lab.label("report", "no_outlet", labels),
        date=_date(row.get("published_date")) or lab.label("report", "no_date", labels),
        location=_location(row, labels),
        before=before,
        figure=figure,
        after=after,
    )

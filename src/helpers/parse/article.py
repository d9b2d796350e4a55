"""One segment becomes one article: noise lines dropped, text rules applied, title, date, script."""

from __future__ import annotations

import re
from collections.abc import Iterable

from helpers.catalog.boilerplate import load_boilerplate
from helpers.parse import rawfiles
from helpers.parse.clean import PINYIN_RE as _PINYIN_RE
from helpers.parse.clean import (
    clean_paragraph,
    drop_repeated_paragraphs,
    paragraph_key,
    pinyin_confidence,
    strip_outlet,
)
from helpers.parse.dates import find_published_date
from helpers.parse.ledger import MIN_UNTITLED_CHARS, Ledger, Segment
from helpers.parse.lines import (
    label_lines,
    parse_byline,
)
from helpers.parse.quality import find_garbled_spans, quality_score, repair_mojibake
from helpers.text.script import detect_script

# --- building an article --------------------------------------------------------------------


def _drop_noise(seg: Segment, ledger: Ledger) -> list[tuple[int, str]]:
    """Apply the line rules to a segment whose lines were not labelled yet (feeds, HTML)."""
    raw = [rawfiles.RawLine(n, t, None) for n, t in seg.paragraphs]
    kept = []
    for line, rule in label_lines(raw, load_boilerplate()):
        if rule is None:
            kept.append((line.line_no, line.text))
            continue
        ledger.remove(rule, len(line.text), line=line.line_no, text=line.text, key=seg.key)
        seg.fired.add(rule)
        if rule == "byline":
            for name, value in (parse_byline(line.text) or {}).items():
                seg.meta.setdefault(name, value)
    return kept


def _strip_outlet(
    seg: Segment, paras: list[tuple[int, str]], ledger: Ledger
) -> list[tuple[int, str]]:
    """Move a trailing ``(outlet)`` of the last body line into the metadata."""
    if not paras:
        return paras
    line_no, text = paras[-1]
    text, outlet, edit = strip_outlet(text)
    if edit is None:
        return paras
    seg.meta["outlet"] = outlet
    seg.fired.add("outlet_suffix")
    ledger.log_edits([edit], line=line_no, key=seg.key, field="body")
    return [*paras[:-1], (line_no, text)]


def _has_toned_pinyin(texts: Iterable[str]) -> bool:
    """Return True when any text carries a tone-marked or numbered pinyin reading."""
    return any(
        pinyin_confidence(m.group("py")) == "toned" for t in texts for m in _PINYIN_RE.finditer(t)
    )


def _clean_text(
    text: str, seg: Segment, ledger: Ledger, *, line: int | None, field: str, context: bool
) -> str:
    """Run the text rules and the certain mojibake repair on one title or paragraph."""
    text, edits = clean_paragraph(text, pinyin_context=context)
    text, repairs = repair_mojibake(text)
    edits += repairs
    ledger.log_edits(edits, line=line, key=seg.key, field=field)
    seg.fired.update(e.rule for e in edits)
    return text


def _drop_repeats(
    seg: Segment, title: str, paras: list[tuple[int, str]], ledger: Ledger
) -> list[tuple[int, str]]:
    """Drop empty paragraphs, a first paragraph repeating the title, and repeated ones."""
    paras = [(n, t) for n, t in paras if t]
    if title and paras and paragraph_key(paras[0][1]) == paragraph_key(title):
        line_no, text = paras.pop(0)
        ledger.remove("title_repeat", len(text), line=line_no, text=text, key=seg.key, field="body")
        seg.fired.add("title_repeat")
    _, dropped = drop_repeated_paragraphs(t for _, t in paras)
    for i in dropped:
        line_no, text = paras[i]
        ledger.remove(
            "repeated_paragraph", len(text), line=line_no, text=text, key=seg.key, field="body"
        )
        seg.fired.add("repeated_paragraph")
    dropped_set = set(dropped)
    return [p for i, p in enumerate(paras) if i not in dropped_set]


def _encoding(seg: Segment, ledger: Ledger) -> str:
    """Codecs the article's lines were decoded with (``+``-joined), else the file's."""
    codecs_used = seg.codecs or ledger.codecs or {"utf-8"}
    return "+".join(sorted(codecs_used))


def _is_too_short(seg: Segment, title: str, body: str, kept: int, ledger: Ledger) -> bool:
    """Quarantine a segment with no body, or an untitled fragment; True when it was."""
    if body and (title or kept >= MIN_UNTITLED_CHARS):
        return False
    reason = "no_body" if not body else "fragment_too_short"
    detail = "nothing left after cleaning" if not body else f"untitled, {kept} characters"
    ledger.hold(reason, kept, line=seg.source_line, detail=detail, preview=title or body)
    return True


def _article_row(seg: Segment, ledger: Ledger, title: str, paras: list[tuple[int, str]],
                 dated: tuple[str | None, str | None]) -> dict:  # fmt: skip
    """The articles-table row of a cleaned segment (``dated``: the date and its source)."""
    body = "\n".join(t for _, t in paras)
    spans = find_garbled_spans(body)
    flags = seg.fired | {f"garble_{s.kind}" for s in [*spans, *find_garbled_spans(title)]}
    return {
        "article_key": seg.key,
        "source_file": seg.source_file,
        "source_line": seg.title_line or seg.source_line,
        "format": seg.format,
        "title": title or None,
        "body": body,
        "body_raw": "\n".join(seg.raw_lines),
        "published_date": dated[0],
        "date_source": dated[1],
        "source_name": seg.meta.get("outlet") or seg.meta.get("source_name") or None,
        "url": seg.meta.get("url"),
        "tags": list(seg.meta.get("tags", [])),
        "encoding": _encoding(seg, ledger),
        "script": detect_script(f"{title}\n{body}"),
        "quality_score": quality_score(body, spans),
        "flags": sorted(flags),
        "n_paragraphs": len(paras),
        "body_chars": len(body) - body.count("\n"),
    }


def build_article(seg: Segment, ledger: Ledger) -> None:
    """Clean a segment into an article row of ``ledger`` (or quarantine it).

    Example:
        >>> led = Ledger("f.txt", "text")
        >>> seg = Segment("f.txt#1", "f.txt", 1, "text", title="出口 2025 年",
        ...               paragraphs=[(2, "國內(nèi)銷量增長,出口也在增長。 (示例報)")])
        >>> build_article(seg, led)
        >>> row = led.articles[0]
        >>> row["title"], row["body"], row["source_name"]
        ('出口2025年', '國內銷量增長,出口也在增長。', '示例報')
    """
    paras = seg.paragraphs if seg.prelabelled else _drop_noise(seg, ledger)
    paras = _strip_outlet(seg, paras, ledger)
    # NOTE: the date is read before the text rules run: they drop the scraper's date marker.
    dated = find_published_date(seg.meta, seg.title, [t for _, t in paras], seg.source_file)
    context = _has_toned_pinyin([seg.title, *(t for _, t in paras)])
    title = _clean_text(seg.title, seg, ledger, line=seg.title_line, field="title", context=context)
    paras = [
        (n, _clean_text(t, seg, ledger, line=n, field="body", context=context)) for n, t in paras
    ]
    paras = _drop_repeats(seg, title, paras, ledger)
    body = "\n".join(t for _, t in paras)
    kept = len(title) + sum(len(t) for _, t in paras)
    if _is_too_short(seg, title, body, kept, ledger):
        return
    ledger.kept += kept
    ledger.articles.append(_article_row(seg, ledger, title, paras, dated))


def split_paragraphs(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    r"""Split a feed's body into numbered lines (``\r\n``, ``\r`` and ``\n`` all end a line).

    Example:
        >>> split_paragraphs("第一段\r\n第二段", 5)
        [(5, '第一段'), (6, '第二段')]
    """
    return [(first_line + i, t) for i, t in enumerate(re.split(r"\r\n|\r|\n", text))]


def count_chars(text: str) -> int:
    r"""Count characters without line terminators (the report's unit).

    Example:
        >>> count_chars("標題\r\n正文\n")
        4
    """
    return len(text) - text.count("\n") - text.count("\r")

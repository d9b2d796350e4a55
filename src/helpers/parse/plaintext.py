"""Plain-text dumps: lines labelled by the line rules, then cut into article segments."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from helpers.catalog.boilerplate import load_boilerplate
from helpers.parse import rawfiles
from helpers.parse.article import build_article
from helpers.parse.clean import find_outlet, has_outlet, strip_invisible
from helpers.parse.ledger import UNDECODABLE_SHARE, Ledger, Segment
from helpers.parse.lines import (
    is_long_body,
    is_title_like,
    label_lines,
    parse_byline,
    parse_header_tags,
    with_lookahead,
)

CAPTION_WORD_RE = re.compile(r"圖為|图为|圖片|图片|資料照|资料照|資料圖|资料图|攝影|摄影")
CAPTION_MAX_CHARS = 40  # one short sentence under a picture


@dataclass
class _TextState:
    """Segmentation state of one plain-text file."""

    ledger: Ledger
    current: Segment | None = None
    tags: list[str] = field(default_factory=list)
    pending_meta: dict[str, str] = field(default_factory=dict)

    def open_segment(self, line: rawfiles.RawLine) -> Segment:
        """Start a new segment at ``line``, carrying tags and pending byline metadata."""
        seg = Segment(
            self.ledger.new_key(), self.ledger.source_file, line.line_no, "text", prelabelled=True
        )
        seg.meta.update(self.pending_meta)
        seg.meta["tags"] = list(self.tags)
        self.pending_meta = {}
        self.current = seg
        return seg


def _title_then_body(text: str, nxt: str | None) -> bool:
    """Return True when ``text`` is a headline and ``nxt`` the start of its body."""
    if nxt is None or not is_title_like(text):
        return False
    return is_long_body(nxt) or has_outlet(nxt) or not is_title_like(nxt)


# NOTE: complexity 12: a step of the plain-text state machine: one branch per line role.
def _take_content(state: _TextState, line: rawfiles.RawLine, nxt: str | None) -> list[Segment]:
    """Add a content line: start a segment, set its title, or append to its body."""
    cur, finished = state.current, []
    strong_start = (
        is_title_like(line.text) and nxt is not None and (is_long_body(nxt) or has_outlet(nxt))
    )
    if cur is None or cur.closed or (cur.paragraphs and strong_start):
        if cur is not None:
            finished.append(cur)
        cur = state.open_segment(line)
        if _title_then_body(line.text, nxt):
            cur.title, cur.title_line = line.text, line.line_no
            if line.codec:
                cur.codecs.add(line.codec)
            return finished
    is_first = not cur.paragraphs
    cur.add_paragraph(line)
    if has_outlet(line.text) and not is_photo_caption(line.text, is_first):
        cur.closed = True
    return finished


def is_photo_caption(line: str, is_first: bool) -> bool:
    """Return True for a photo caption with its agency credit: it ends no article.

    A caption names the picture (圖為, 资料图) or, as the first line under the title or
    byline, is one short sentence before the credit.

    NOTE: real pages put a captioned photo between the reporter's byline and the story
    (記者某某／綜合報導 / 某車企出口創新高。圖為某港口。（新華社） / story…); closing the
    article at the credit cut the story off from its head and from the date above it.

    Example:
        >>> is_photo_caption("某港口汽車待運。圖為碼頭。（示例社）", False)
        True
        >>> is_photo_caption("車企拓展中東市場。（示例社）", True)
        True
        >>> is_photo_caption("全年出口增長兩成，海外市場成為主要增量來源。（示例社）", False)
        False
    """
    if CAPTION_WORD_RE.search(line):
        return True
    text = line[: find_outlet(line)[0]] if has_outlet(line) else line
    return is_first and len(text.strip()) <= CAPTION_MAX_CHARS and text.count("。") <= 1


# NOTE: complexity 15: a step of the plain-text state machine: one branch per dropped-line rule.
def _take_dropped(state: _TextState, line: rawfiles.RawLine, rule: str) -> list[Segment]:
    """Account for a dropped line; a ``#tag`` header also ends the current article."""
    ledger, cur = state.ledger, state.current
    if rule == "line_too_long":
        ledger.hold(
            "line_too_long",
            line.overflow_chars,
            line=line.line_no,
            detail=f"line of {line.overflow_chars} characters, over the line cap",
            preview=line.text,
        )
        return []
    key = cur.key if cur is not None and not cur.closed else None
    ledger.remove(rule, len(line.text), line=line.line_no, text=line.text, key=key)
    if rule == "header_tag":
        state.tags = parse_header_tags(line.text) or []
        state.current = None
        return [cur] if cur is not None else []
    if rule == "byline":
        meta = parse_byline(line.text) or {}
        target = cur.meta if cur is not None and not cur.closed and not cur.paragraphs else None
        (target if target is not None else state.pending_meta).update(meta)
    if key is not None and cur is not None:
        cur.raw_lines.append(line.text)
        cur.fired.add(rule)
    return []


def _claim_trailing_date(state: _TextState) -> None:
    """Give a byline met after the last article's body to that article when it has no date.

    NOTE: a byline between two articles opens the next one; after the last article none
    follows, and a date under the body (a page's footer stamp) is that article's own.
    """
    cur, pending = state.current, state.pending_meta
    if cur is not None and pending.get("published_date") and not cur.meta.get("published_date"):
        cur.meta.update(pending)
        state.pending_meta = {}


def segment_text(
    labelled: Iterable[tuple[rawfiles.RawLine, str | None]], ledger: Ledger
) -> Iterator[Segment]:
    """Group labelled lines into article segments (see the module docstring for the rules).

    Example:
        >>> raw = [rawfiles.RawLine(1, "標題一則", None),
        ...        rawfiles.RawLine(2, "正文" * 120 + "。 (示例報)", None)]
        >>> segs = list(segment_text(label_lines(raw, load_boilerplate()), Ledger("f", "text")))
        >>> [(s.title, len(s.paragraphs)) for s in segs]
        [('標題一則', 1)]
    """
    state = _TextState(ledger)
    pairs = with_lookahead(labelled, lambda pair: pair[1] is None)
    for (line, rule), nxt in pairs:
        if line.codec:
            ledger.codecs.add(line.codec)
        if rule is None:
            yield from _take_content(state, line, nxt[0].text if nxt else None)
        else:
            yield from _take_dropped(state, line, rule)
    if state.current is not None:
        _claim_trailing_date(state)
        yield state.current


def is_undecodable(line: rawfiles.RawLine) -> bool:
    r"""Return True when most of a line is U+FFFD: no encoding read it.

    Example:
        >>> is_undecodable(rawfiles.RawLine(1, "\ufffd" * 6 + "汽車", "utf-8", 6))
        True
        >>> is_undecodable(rawfiles.RawLine(1, "比亞迪出口\ufffd", "utf-8", 1))
        False
    """
    return line.replaced > UNDECODABLE_SHARE * len(line.text.strip())


def _screened(lines: Iterable[rawfiles.RawLine], ledger: Ledger) -> Iterator[rawfiles.RawLine]:
    """Count each line's characters; hold undecodable lines; strip invisible characters.

    NOTE: invisible characters go before any line rule sees the line: a NUL run or a
    zero-width space would otherwise hide an outlet suffix or a byline from its pattern.
    """
    for line in lines:
        ledger.chars_in += line.overflow_chars or len(line.text)
        if line.overflow_chars:
            yield line
            continue
        if is_undecodable(line):
            detail = f"{line.replaced} of {len(line.text)} characters undecodable (U+FFFD)"
            ledger.hold(
                "undecodable_line", len(line.text), line=line.line_no, detail=detail, preview=""
            )
            continue
        text, edits = strip_invisible(line.text)
        if edits:
            ledger.log_edits(edits, line=line.line_no, key=None, field="line")
            line = dataclasses.replace(line, text=text)
        yield line


def _strip_whole(text: str, ledger: Ledger) -> str:
    """Strip invisible characters from a whole-file text (HTML, JSON) and count them.

    NOTE: lxml refuses text with NUL bytes or control characters outright.
    """
    text, edits = strip_invisible(text)
    ledger.log_edits(edits, line=None, key=None, field="file")
    return text


def parse_text_file(path: Path, sniff: rawfiles.FileSniff, ledger: Ledger) -> None:
    """Parse a plain-text dump into ``ledger`` (streamed: one line in memory at a time)."""
    catalog = load_boilerplate()
    lines = _screened(rawfiles.iter_lines(path, sniff), ledger)
    for seg in segment_text(label_lines(lines, catalog), ledger):
        build_article(seg, ledger)

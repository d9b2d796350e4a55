"""Stage 01 parse: every file of a raw folder → one articles table, nothing unaccounted for.

:func:`parse_raw_dir` is what ``notebooks/01_parse.ipynb`` calls. Per file it sniffs the
kind and encoding (:mod:`helpers.rawfiles`), reads the structure — plain-text dumps here,
HTML / JSON / CSV through :mod:`helpers.feeds` — into segments, and turns each segment into
an article with the rules of :mod:`helpers.clean` and :mod:`helpers.quality`.

Nothing in the raw folder stops the run: every entry gets a ``parse_report`` row, and what is
not parsed is skipped or quarantined with one of the stable reason codes of :data:`REASONS`
(tests/test_hostile_inputs.py feeds it 70+ kinds of hostile input). Only a broken install
fails, loudly, before any file is read (:func:`check_parser_libraries`).

Accounting: "characters" are the decoded characters of a file without line terminators.
For every file ``chars_in == chars_kept + chars_removed + chars_quarantined``; removals are
split by rule (one ``removed_<rule>`` column each) and listed span by span in the cleaning
log. For plain text every rule is measured on its own, so the equation is a real check; for
HTML, JSON and CSV the markup, syntax and unused fields are the remainder (rule
``container``), checked to be non-negative.

Article boundaries in plain text come from structure, not file names: a ``#tag`` header,
a body line ending with the outlet in parentheses (``… (第一財經)``), or a title-like short
line followed by a long body line. A file whose first line is a sentence has no title.

Example:
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> body = "比亞迪十一月海外銷量再創新高，歐洲市場貢獻最大。" * 10
    >>> _ = (d / "dump.txt").write_text(f"#汽車\\n出口創新高\\n{body} (示例財經)\\n", "utf-8")
    >>> result = parse_raw_dir(d)
    >>> result.articles[["title", "source_name"]].values.tolist()
    [['出口創新高', '示例財經']]
    >>> bool(result.report["is_balanced"].all())
    True
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import importlib
import json
import re
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from helpers import feeds, incremental, rawfiles
from helpers import io as hio
from helpers.clean import PINYIN_RE as _PINYIN_RE
from helpers.clean import (
    Boilerplate,
    Edit,
    classify_line,
    clean_paragraph,
    continues_block,
    drop_repeated_paragraphs,
    extract_dateline,
    has_outlet,
    is_long_body,
    is_title_like,
    load_boilerplate,
    match_block_header,
    paragraph_key,
    parse_byline,
    parse_header_tags,
    pinyin_confidence,
    strip_invisible,
    strip_outlet,
)
from helpers.quality import detect_script, find_garbled_spans, quality_score, repair_mojibake

T = TypeVar("T")

# Libraries stage 01 cannot parse without: (module to import, what to install).
PARSER_LIBRARIES = (
    ("lxml", "lxml"),
    ("lxml_html_clean", "lxml_html_clean"),
    ("trafilatura", "trafilatura"),
    ("charset_normalizer", "charset-normalizer"),
    ("opencc", "opencc (the official binding, never opencc-python-reimplemented)"),
)

FORMAT_BY_SUFFIX = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
}
HTML_START_RE = re.compile(r"^\s*(?:<!doctype html|<html|<head|<meta)", re.I)
ID_HEX_CHARS = 16
MIN_UNTITLED_CHARS = 30  # an untitled segment shorter than this is a stray fragment
PREVIEW_CHARS = 200
ARTICLE_COLUMNS = [
    "article_id",
    "source_file",
    "source_line",
    "format",
    "title",
    "body",
    "body_raw",
    "published_date",
    "source_name",
    "url",
    "tags",
    "encoding",
    "script",
    "quality_score",
    "flags",
    "n_paragraphs",
    "body_chars",
]
QUARANTINE_COLUMNS = ["source_file", "source_line", "reason", "detail", "chars", "preview"]
# Every reason a file or a part of one is skipped or quarantined: the ``reason`` of the
# quarantine table and of ``parse_report`` (several joined by "; "). Stable, machine-readable
# codes; the human detail (which exception, which keys, which line) goes to ``detail``.
REASONS: dict[str, str] = {
    # files not read at all (parse_report status "skipped"; see rawfiles.list_raw_files)
    "dotfile": "a dotfile or a file in a dot-folder (.DS_Store, .git/...)",
    "documentation": "notes beside the data: *.md, *.rst, README, SOURCES, LICENSE ...",
    "not_regular_file": "a FIFO, socket or device: never opened (it could block the run)",
    "symlink_loop": "a symbolic link that leads back to itself",
    "dangling_symlink": "a symbolic link to nothing",
    "symlinked_folder": "a symbolic link to a folder: not followed (loops, files read twice)",
    # whole files (status "quarantined")
    "empty_file": "0 bytes",
    "binary_file": "a binary signature (PNG, ZIP, PDF...), NUL or control bytes: not text",
    "unreadable": "could not be opened or read (permission, I/O error), or the parser failed",
    "file_too_large": "HTML or JSON above the whole-file size cap",
    "nesting_too_deep": "JSON or HTML nested deeper than the parser can follow",
    "invalid_json": "JSON syntax error (whole file, or one JSON Lines line)",
    "invalid_csv": "CSV syntax error (an unclosed quote); the rows from there on",
    "unknown_layout": "no body-like field or column (the keys found are in the detail)",
    "html_without_article": "a page without main text (navigation, scripts only, empty)",
    "no_article": "every character removed by cleaning rules (blank, boilerplate only)",
    # parts of a file (status "partial" when articles remain)
    "line_too_long": "a line above the line cap: counted and previewed, never held",
    "undecodable_line": "a line that no encoding decodes (mostly U+FFFD)",
    "no_body": "a segment with nothing left after cleaning",
    "fragment_too_short": "an untitled segment too short to be an article",
}
UNDECODABLE_SHARE = 0.5  # U+FFFD share above which a line carries no text
CLEANING_COLUMNS = [
    "source_file",
    "source_line",
    "article_id",
    "field",
    "rule",
    "chars",
    "offset",
    "text",
    "replacement",
]
REPORT_COLUMNS = [
    "source_file",
    "format",
    "status",
    "reason",
    "bytes_in",
    "encoding",
    "encoding_confidence",
    "n_articles",
    "n_quarantined",
    "chars_in",
    "chars_kept",
    "chars_removed",
    "chars_quarantined",
    "is_balanced",
    "sha256",
    "parser_version",
]


class ParserLibraryError(ImportError):
    """A library the parse stage needs does not import; the message says what to install."""


def check_parser_libraries(libraries: tuple[tuple[str, str], ...] = PARSER_LIBRARIES) -> None:
    """Import every parser library now and fail loudly, naming what to install, if one fails.

    NOTE: trafilatura imports its HTML cleaner lazily (jusText → ``lxml.html.clean``, a
    separate package ``lxml_html_clean`` since lxml 5.2). Without this check a fresh venv
    missing it quarantines every HTML file one by one, quietly; a broken install is a
    set-up error of the whole run, not a property of one input file.

    Raises:
        ParserLibraryError: one or more libraries fail to import.

    Example:
        >>> check_parser_libraries()
        >>> check_parser_libraries((("汽车解析库", "汽车解析库"),))
        Traceback (most recent call last):
        ...
        helpers.parse.ParserLibraryError: stage 01 cannot parse: 汽车解析库 fails to import ...
    """
    failures = []
    for module, package in libraries:
        try:
            importlib.import_module(module)
        except Exception as exc:  # a broken compiled extension raises more than ImportError
            failures.append((module, package, f"{type(exc).__name__}: {exc}"))
    if failures:
        lines = [f"{module} fails to import ({why})" for module, _, why in failures]
        raise ParserLibraryError(
            "stage 01 cannot parse: "
            + "; ".join(lines)
            + ". Install the missing package(s): "
            + ", ".join(package for _, package, _ in failures)
            + " — e.g. `make venv` or `.venv/bin/python -m pip install -e .` from the project"
            " root (conda: `conda env update -f environment.yml`)."
        )


@dataclass(frozen=True)
class ParseResult:
    """Tables of stage 01.

    Attributes:
        articles: one row per article (see :data:`ARTICLE_COLUMNS`).
        quarantine: files and segments not parsed, with the reason.
        report: one row per file: characters in → kept / removed per rule / quarantined.
        cleaning: one row per removed or replaced span (rule, chars, original text).
    """

    articles: pd.DataFrame
    quarantine: pd.DataFrame
    report: pd.DataFrame
    cleaning: pd.DataFrame


@dataclass
class Segment:
    """A draft article: title, body lines (with line numbers) and metadata."""

    key: str
    source_file: str
    source_line: int
    format: str
    title: str = ""
    title_line: int | None = None
    paragraphs: list[tuple[int, str]] = field(default_factory=list)
    raw_lines: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    codecs: set[str] = field(default_factory=set)
    fired: set[str] = field(default_factory=set)
    prelabelled: bool = False
    closed: bool = False

    def add_paragraph(self, line: rawfiles.RawLine) -> None:
        """Append a body line."""
        self.paragraphs.append((line.line_no, line.text))
        self.raw_lines.append(line.text)
        if line.codec:
            self.codecs.add(line.codec)


@dataclass
class Ledger:
    """Everything one file produced, and where each of its characters went."""

    source_file: str
    format: str
    chars_in: int = 0
    kept: int = 0
    quarantined: int = 0
    removed: Counter[str] = field(default_factory=Counter)
    codecs: set[str] = field(default_factory=set)
    articles: list[dict[str, Any]] = field(default_factory=list)
    cleaning: list[tuple[Any, ...]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    n_segments: int = 0

    def new_key(self) -> str:
        """Return the next internal article key of this file."""
        self.n_segments += 1
        return f"{self.source_file}#{self.n_segments}"

    def remove(self, rule: str, chars: int, *, line: int | None, **span: Any) -> None:
        """Count ``chars`` removed by ``rule`` and log the span (``text``, ``key``...)."""
        self.removed[rule] += chars
        if chars or span.get("replacement"):
            # NOTE: tuples, not dicts: a 50 MB corpus logs ~10^6 spans (see CLEANING_COLUMNS).
            self.cleaning.append(
                (
                    self.source_file,
                    line,
                    span.get("key"),
                    span.get("field", "line"),
                    rule,
                    chars,
                    span.get("offset", -1),
                    span.get("text"),
                    span.get("replacement", ""),
                )
            )

    def log_edits(
        self, edits: list[Edit], *, line: int | None, key: str | None, field: str
    ) -> None:
        """Count and log the edits a text rule made."""
        for e in edits:
            self.remove(
                e.rule,
                e.chars_removed,
                line=line,
                key=key,
                field=field,
                offset=e.start,
                text=e.text,
                replacement=e.replacement,
            )

    def unaccounted(self) -> int:
        """Characters read but not yet kept, removed or quarantined (the whole-file rest)."""
        return self.chars_in - self.kept - sum(self.removed.values()) - self.quarantined

    def hold(self, reason: str, chars: int, *, line: int | None, detail: str, preview: str) -> None:
        """Quarantine ``chars`` characters with the reason (a code of :data:`REASONS`)."""
        assert reason in REASONS, f"undocumented quarantine reason {reason!r}: add it to REASONS"
        self.quarantined += chars
        self.quarantine.append(
            {
                "source_file": self.source_file,
                "source_line": line,
                "reason": reason,
                "detail": detail,
                "chars": chars,
                "preview": preview[:PREVIEW_CHARS],
            }
        )


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


# --- plain text ----------------------------------------------------------------------------


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
    cur.add_paragraph(line)
    if has_outlet(line.text):
        cur.closed = True
    return finished


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
        yield state.current


def is_undecodable(line: rawfiles.RawLine) -> bool:
    """Return True when most of a line is U+FFFD: no encoding read it.

    Example:
        >>> is_undecodable(rawfiles.RawLine(1, "\\ufffd" * 6 + "汽車", "utf-8", 6))
        True
        >>> is_undecodable(rawfiles.RawLine(1, "比亞迪出口\\ufffd", "utf-8", 1))
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


def _published_date(seg: Segment, paras: list[tuple[int, str]]) -> str | None:
    """Date from metadata (byline, feed field, page), else the body's dateline."""
    if seg.meta.get("published_date"):
        return seg.meta["published_date"]
    return extract_dateline(paras[0][1]) if paras else None


def _encoding(seg: Segment, ledger: Ledger) -> str:
    """Codecs the article's lines were decoded with (``+``-joined), else the file's."""
    codecs_used = seg.codecs or ledger.codecs or {"utf-8"}
    return "+".join(sorted(codecs_used))


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
    context = _has_toned_pinyin([seg.title, *(t for _, t in paras)])
    title = _clean_text(seg.title, seg, ledger, line=seg.title_line, field="title", context=context)
    paras = [
        (n, _clean_text(t, seg, ledger, line=n, field="body", context=context)) for n, t in paras
    ]
    paras = _drop_repeats(seg, title, paras, ledger)
    body = "\n".join(t for _, t in paras)
    kept = len(title) + sum(len(t) for _, t in paras)
    if not body or (not title and kept < MIN_UNTITLED_CHARS):
        reason = "no_body" if not body else "fragment_too_short"
        detail = "nothing left after cleaning" if not body else f"untitled, {kept} characters"
        ledger.hold(reason, kept, line=seg.source_line, detail=detail, preview=title or body)
        return
    ledger.kept += kept
    spans = find_garbled_spans(body)
    flags = seg.fired | {f"garble_{s.kind}" for s in [*spans, *find_garbled_spans(title)]}
    ledger.articles.append(
        {
            "article_key": seg.key,
            "source_file": seg.source_file,
            "source_line": seg.title_line or seg.source_line,
            "format": seg.format,
            "title": title or None,
            "body": body,
            "body_raw": "\n".join(seg.raw_lines),
            "published_date": _published_date(seg, paras),
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
    )


# --- structured formats ---------------------------------------------------------------------


def split_paragraphs(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Split a feed's body into numbered lines (``\\r\\n``, ``\\r`` and ``\\n`` all end a line).

    Example:
        >>> split_paragraphs("第一段\\r\\n第二段", 5)
        [(5, '第一段'), (6, '第二段')]
    """
    return [(first_line + i, t) for i, t in enumerate(re.split(r"\r\n|\r|\n", text))]


def count_chars(text: str) -> int:
    """Count characters without line terminators (the report's unit).

    Example:
        >>> count_chars("標題\\r\\n正文\\n")
        4
    """
    return len(text) - text.count("\n") - text.count("\r")


def _record_segment(rec: feeds.Record, ledger: Ledger, line: int, fmt: str) -> Segment:
    """Turn a mapped feed record into a segment (metadata characters counted)."""
    ledger.remove("metadata", rec.metadata_chars, line=line)
    seg = Segment(ledger.new_key(), ledger.source_file, line, fmt, title=rec.title, title_line=line)
    seg.paragraphs = split_paragraphs(rec.body, line)
    seg.raw_lines = [rec.body]
    meta = {"published_date": rec.published_date, "source_name": rec.source_name, "url": rec.url}
    seg.meta.update({k: v for k, v in meta.items() if v})
    return seg


def _add_record(obj: object, ledger: Ledger, line: int, fmt: str) -> None:
    """Build an article from one feed record, or quarantine it with the keys found."""
    try:
        rec = feeds.map_record(obj) if isinstance(obj, dict) else None
        dumped = (
            "" if rec else json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)
        )
    except RecursionError:
        detail = "a record nested deeper than Python's recursion limit"
        ledger.hold("nesting_too_deep", 0, line=line, detail=detail, preview="")
        return
    if rec is None:
        ledger.hold(
            "unknown_layout",
            count_chars(dumped),
            line=line,
            detail=f"no body-like field; {feeds.describe_keys(obj)}",
            preview=dumped,
        )
        return
    build_article(_record_segment(rec, ledger, line, fmt), ledger)


def parse_json_file(path: Path, sniff: rawfiles.FileSniff, ledger: Ledger) -> None:
    """Parse a JSON feed (a list of records, or records under a usual key)."""
    text, codec, _ = rawfiles.read_text(path, sniff)
    ledger.codecs.add(codec)
    ledger.chars_in = count_chars(text)
    text = _strip_whole(text, ledger)
    try:
        # NOTE: strict=False takes raw tabs and newlines inside strings, as sloppy exports
        # write them; the text rules clean them like any other whitespace.
        obj = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several documents: it is JSON Lines after all
            ledger.format = "jsonl"
            return _parse_jsonl_lines(split_paragraphs(text), ledger)
        where = f"line {exc.lineno}, column {exc.colno}"
        ledger.hold(
            "invalid_json",
            ledger.unaccounted(),
            line=exc.lineno,
            detail=f"{exc.msg} at {where}",
            preview=text,
        )
        return None
    except RecursionError:
        detail = "nested deeper than Python's recursion limit"
        ledger.hold("nesting_too_deep", ledger.unaccounted(), line=1, detail=detail, preview=text)
        return None
    records = feeds.find_records(obj)
    if records is None:
        detail = f"no list of article records; {feeds.describe_keys(obj)}"
        ledger.hold("unknown_layout", ledger.unaccounted(), line=1, detail=detail, preview=text)
        return None
    for i, rec in enumerate(records, start=1):
        _add_record(rec, ledger, i, "json")
    return None


def _parse_jsonl_lines(lines: Iterable[tuple[int, str]], ledger: Ledger) -> None:
    """Parse JSON Lines: one record per line; a bad line is quarantined, the rest go on."""
    for line_no, text in lines:
        if not text.strip():
            ledger.remove("whitespace", len(text), line=line_no, text=text)
            continue
        try:
            obj = json.loads(text, strict=False)
        except json.JSONDecodeError as exc:
            ledger.hold("invalid_json", len(text), line=line_no, detail=exc.msg, preview=text)
            continue
        except RecursionError:
            detail = "nested deeper than Python's recursion limit"
            ledger.hold("nesting_too_deep", len(text), line=line_no, detail=detail, preview=text)
            continue
        _add_record(obj, ledger, line_no, "jsonl")


def parse_jsonl_file(path: Path, sniff: rawfiles.FileSniff, ledger: Ledger) -> None:
    """Parse a JSON Lines feed, streamed."""
    lines = _screened(rawfiles.iter_lines(path, sniff), ledger)
    pairs = ((ln.line_no, ln.text) for ln in _tracked(lines, ledger))
    _parse_jsonl_lines(pairs, ledger)


def _tracked(lines: Iterable[rawfiles.RawLine], ledger: Ledger) -> Iterator[rawfiles.RawLine]:
    """Record codecs and quarantine over-long lines of a streamed feed."""
    for line in lines:
        if line.codec:
            ledger.codecs.add(line.codec)
        if line.overflow_chars:
            detail = f"line of {line.overflow_chars} characters"
            ledger.hold(
                "line_too_long",
                line.overflow_chars,
                line=line.line_no,
                detail=detail,
                preview=line.text,
            )
            continue
        yield line


@dataclass
class _LineTap:
    """Lines handed to the CSV reader, kept until the row they belong to is complete."""

    lines: Iterator[rawfiles.RawLine]
    pending: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            self.pending.append(line.text)
            yield line.text

    def take(self) -> list[str]:
        """Return and forget the lines read since the last call."""
        taken, self.pending = self.pending, []
        return taken


def _has_unclosed_quote(lines: list[str]) -> bool:
    """Return True when a row's lines hold an odd number of quotes (a quote never closed).

    Example:
        >>> _has_unclosed_quote(['甲,"乙', '丙,丁']), _has_unclosed_quote(['甲,"乙""丙"'])
        (True, False)
    """
    return sum(text.count('"') for text in lines) % 2 == 1


def _csv_records(tap: _LineTap, ledger: Ledger) -> None:
    """Turn the rows after the header into records; an unclosed quote's row is quarantined.

    NOTE: csv reads on to the end of the file looking for the closing quote, so that row
    swallows every line after it: quarantined whole, rows before it keep their articles.
    """
    rows = feeds.iter_csv_rows(tap)
    columns = next(rows)[1]
    tap.take()
    if "body" not in feeds.map_keys(columns):
        for _ in rows:  # drain, so every character is counted
            pass
        detail = "no body-like column; columns: " + ", ".join(columns)
        preview = ",".join(columns)
        ledger.hold("unknown_layout", ledger.unaccounted(), line=1, detail=detail, preview=preview)
        return
    for line_no, row in rows:
        lines = tap.take()
        if _has_unclosed_quote(lines):
            detail = f"a quote opened in the row ending at line {line_no} is never closed"
            chars = sum(len(t) for t in lines)
            ledger.hold("invalid_csv", chars, line=line_no, detail=detail, preview="\n".join(lines))
            continue
        _add_record(dict(zip(columns, row, strict=False)), ledger, line_no, "csv")


def parse_csv_file(path: Path, sniff: rawfiles.FileSniff, ledger: Ledger) -> None:
    """Parse a CSV/TSV export whose header names title/date/source/url/body-like columns."""
    lines = _tracked(_screened(rawfiles.iter_lines(path, sniff), ledger), ledger)
    tap = _LineTap(lines)
    try:
        _csv_records(tap, ledger)
    except StopIteration:
        return  # no header: nothing but blank input
    except csv.Error as exc:
        # NOTE: e.g. a field above csv's size limit after a stray quote: the rows read so
        # far stay articles; the rest of the file is quarantined, counted to the end.
        rest = tap.take() + [text for text in tap]
        detail = f"{exc} (rows from here on are not read)"
        chars = sum(len(t) for t in rest)
        ledger.hold("invalid_csv", chars, line=None, detail=detail, preview="\n".join(rest[:3]))


def parse_html_file(path: Path, sniff: rawfiles.FileSniff, ledger: Ledger) -> None:
    """Parse a saved web page: trafilatura's main text, then the usual line and text rules."""
    text, codec, _ = rawfiles.read_text(path, sniff)
    ledger.codecs.add(codec)
    ledger.chars_in = count_chars(text)
    text = _strip_whole(text, ledger)
    too_deep = feeds.html_depth_error(text)
    if too_deep:
        detail = f"{too_deep} (libxml2); the page nests deeper than the HTML parser reads"
        ledger.hold("nesting_too_deep", ledger.unaccounted(), line=None, detail=detail, preview="")
        return
    page = feeds.extract_html(text)
    if page is None:
        detail = "no main article text found (navigation or empty page)"
        rest = ledger.unaccounted()
        ledger.hold("html_without_article", rest, line=None, detail=detail, preview=text)
        return
    seg = Segment(ledger.new_key(), ledger.source_file, 1, "html", title=page.title)
    seg.paragraphs = split_paragraphs(page.body)
    seg.raw_lines = [page.body]
    meta = {"published_date": page.published_date, "source_name": page.source_name, "url": page.url}
    seg.meta.update({k: v for k, v in meta.items() if v})
    build_article(seg, ledger)


PARSERS: dict[str, Callable[[Path, rawfiles.FileSniff, Ledger], None]] = {
    "text": parse_text_file,
    "html": parse_html_file,
    "json": parse_json_file,
    "jsonl": parse_jsonl_file,
    "csv": parse_csv_file,
}


# --- the run ----------------------------------------------------------------------------------


def detect_format(path: Path, sniff: rawfiles.FileSniff) -> str:
    """Choose the parser from the suffix; any other suffix is plain text unless it is HTML.

    Example:
        >>> detect_format(Path("新聞.JSONL"), rawfiles.FileSniff("text", "utf-8"))
        'jsonl'
    """
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower(), "text")
    if fmt == "text" and not sniff.codec.startswith("utf-16"):
        head = rawfiles.read_head(path, 512).decode("utf-8", errors="ignore").lstrip("\ufeff")
        if HTML_START_RE.match(head):
            return "html"
    return fmt


def _finish_ledger(ledger: Ledger) -> None:
    """Book the container remainder of structured formats; check it is not negative."""
    if ledger.format == "text":
        return
    rest = ledger.chars_in - ledger.kept - sum(ledger.removed.values()) - ledger.quarantined
    ledger.removed["container"] += rest


def _size_of(path: Path) -> int | None:
    """Size in bytes of a file (of a link's target; of the link itself when that is broken)."""
    for stat in (path.stat, path.lstat):
        try:
            return stat().st_size
        except OSError:
            continue
    return None


def _report_row(ledger: Ledger, path: Path, sniff: rawfiles.FileSniff) -> dict[str, Any]:
    """Summarise a file's ledger as one report row."""
    removed = sum(ledger.removed.values())
    status = ("partial" if ledger.quarantine else "parsed") if ledger.articles else "quarantined"
    row: dict[str, Any] = {
        "source_file": ledger.source_file,
        "format": ledger.format,
        "status": status,
        "reason": "; ".join(sorted({q["reason"] for q in ledger.quarantine})),
        "bytes_in": _size_of(path),
        "encoding": "+".join(sorted(ledger.codecs)) or sniff.codec or None,
        "encoding_confidence": sniff.confidence,
        "n_articles": len(ledger.articles),
        "n_quarantined": len(ledger.quarantine),
        "chars_in": ledger.chars_in,
        "chars_kept": ledger.kept,
        "chars_removed": removed,
        "chars_quarantined": ledger.quarantined,
        "is_balanced": ledger.chars_in == ledger.kept + removed + ledger.quarantined
        and ledger.removed.get("container", 0) >= 0,
    }
    row.update({f"removed_{rule}": n for rule, n in sorted(ledger.removed.items())})
    return row


def _failure_reason(exc: Exception) -> str:
    """The quarantine reason of an exception raised while reading or parsing a file.

    Example:
        >>> _failure_reason(PermissionError(13, "權限不足")), _failure_reason(RecursionError())
        ('unreadable', 'nesting_too_deep')
    """
    if isinstance(exc, rawfiles.FileTooLarge):
        return "file_too_large"
    if isinstance(exc, RecursionError):
        return "nesting_too_deep"
    return "unreadable"


def parse_file(path: Path, raw_dir: Path) -> tuple[Ledger, dict[str, Any]]:
    """Parse one file into its ledger and report row; never raises for bad input."""
    name = path.relative_to(raw_dir).as_posix()
    sniff, ledger = rawfiles.FileSniff("unknown"), Ledger(name, "unknown")
    try:
        sniff = rawfiles.sniff_file(path)
        if sniff.kind != "text":
            ledger = Ledger(name, sniff.kind)
            reason = "empty_file" if sniff.kind == "empty" else "binary_file"
            ledger.hold(reason, 0, line=None, detail=sniff.reason, preview="")
            return ledger, _report_row(ledger, path, sniff)
        ledger = Ledger(name, detect_format(path, sniff))
        PARSERS[ledger.format](path, sniff, ledger)
    except ImportError:
        # NOTE: a library that fails to import is a broken install, not a bad file: quarantining
        # every file of that format would hide it (see check_parser_libraries).
        raise
    except Exception as exc:
        # NOTE: one bad file must not stop the run: it goes to quarantine whole, with the
        # error (permission denied, I/O error, parser bug), and its partial results are
        # dropped so the tables stay consistent.
        ledger = Ledger(name, ledger.format)
        detail = f"{type(exc).__name__}: {exc}"
        ledger.hold(_failure_reason(exc), 0, line=None, detail=detail, preview="")
        return ledger, _report_row(ledger, path, sniff)
    if not ledger.articles and not ledger.quarantine:
        detail = f"all {ledger.chars_in} characters removed by rules: " + ", ".join(
            sorted(ledger.removed)
        )
        ledger.hold("no_article", 0, line=None, detail=detail, preview="")
    _finish_ledger(ledger)
    return ledger, _report_row(ledger, path, sniff)


def article_ids(articles: pd.DataFrame) -> list[str]:
    """Derive stable ids from title and body; the k-th repeat of the same text gets ``#k``.

    Example:
        >>> df = pd.DataFrame({"title": ["出口", "出口"], "body": ["正文", "正文"]})
        >>> ids = article_ids(df)
        >>> len(set(ids)), len(ids[0])
        (2, 16)
    """
    seen: Counter[str] = Counter()
    ids = []
    for title, body in zip(articles["title"].fillna(""), articles["body"], strict=True):
        text = unicodedata.normalize("NFKC", f"{title}\n{body}")
        seen[text] += 1
        if seen[text] > 1:
            text = f"{text}\n#{seen[text]}"
        ids.append(hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_HEX_CHARS])
    assert len(set(ids)) == len(ids), "article_id collision: raise ID_HEX_CHARS"
    return ids


def _skipped_rows(skipped: list[tuple[Path, str]], raw_dir: Path) -> list[dict[str, Any]]:
    """Report rows for files the run did not read (documentation, dotfiles)."""
    return [
        {
            "source_file": p.relative_to(raw_dir).as_posix(),
            "format": "skipped",
            "status": "skipped",
            "reason": reason,
            "bytes_in": _size_of(p),
            "chars_in": 0,
            "chars_kept": 0,
            "chars_removed": 0,
            "chars_quarantined": 0,
            "is_balanced": True,
        }
        for p, reason in skipped
    ]


def _tidy_report(report: pd.DataFrame) -> pd.DataFrame:
    """Fixed columns first, then one ``removed_<rule>`` column per rule, sorted, zero-filled."""
    rule_cols = sorted(c for c in report.columns if c.startswith("removed_"))
    report = report.reindex(columns=[*REPORT_COLUMNS, *rule_cols])
    report[rule_cols] = report[rule_cols].fillna(0).astype("int64")
    return report


def _assemble(ledgers: list[Ledger], report_rows: list[dict[str, Any]]) -> ParseResult:
    """Concatenate the ledgers into the four tables, with final article ids."""
    articles = pd.DataFrame([a for led in ledgers for a in led.articles])
    if articles.empty:
        articles = pd.DataFrame(columns=["article_key", *ARTICLE_COLUMNS])
    # NOTE: an empty list would make an empty id column float64 (pandas); ids are text
    articles["article_id"] = article_ids(articles) if len(articles) else pd.Series([], dtype=object)
    key_to_id = dict(zip(articles["article_key"], articles["article_id"], strict=True))
    cleaning = pd.DataFrame.from_records(
        [c for led in ledgers for c in led.cleaning], columns=CLEANING_COLUMNS
    )
    cleaning["article_id"] = cleaning["article_id"].map(key_to_id)
    quarantine = pd.DataFrame(
        [q for led in ledgers for q in led.quarantine], columns=QUARANTINE_COLUMNS
    )
    report = _tidy_report(pd.DataFrame(report_rows))
    for col in ("source_line",):
        quarantine[col] = quarantine[col].astype("Int64")
        cleaning[col] = cleaning[col].astype("Int64")
    return ParseResult(
        articles=articles[ARTICLE_COLUMNS].reset_index(drop=True),
        quarantine=quarantine,
        report=report.sort_values("source_file", kind="stable").reset_index(drop=True),
        cleaning=cleaning,
    )


def _sha256_or_none(path: Path) -> str | None:
    """sha256 of a file, or None when it cannot be read (it is quarantined as unreadable)."""
    try:
        return hio.sha256_file(path)
    except OSError:
        return None


def parse_raw_dir(raw_dir: Path, previous: ParseResult | None = None) -> ParseResult:
    """Parse every file of ``raw_dir`` (recursively, sorted) into the stage-01 tables.

    Args:
        raw_dir: the raw folder; read only.
        previous: the tables of an earlier run (see :func:`load_previous`). Files whose
            sha256 and parser version match its report are not parsed again; their rows are
            reused. The result equals a full rebuild.

    Returns:
        :class:`ParseResult` with ``articles``, ``quarantine``, ``report`` and ``cleaning``.

    Raises:
        ParserLibraryError: a parser library does not import (checked before any file).
    """
    check_parser_libraries()
    raw_dir = Path(raw_dir)
    files, skipped = rawfiles.list_raw_files(raw_dir)
    names = [p.relative_to(raw_dir).as_posix() for p in files]
    hashes = {name: _sha256_or_none(p) for name, p in zip(names, files, strict=True)}
    version = incremental.parser_version()
    readable = {name: sha for name, sha in hashes.items() if sha}
    reused = incremental.reusable_files(previous.report, readable, version) if previous else set()
    ledgers, rows = [], _skipped_rows(skipped, raw_dir)
    for name, path in zip(names, files, strict=True):
        if name in reused:
            continue
        ledger, row = parse_file(path, raw_dir)
        ledgers.append(ledger)
        rows.append({**row, "sha256": hashes[name], "parser_version": version})
    fresh = _assemble(ledgers, rows)
    return _merge_previous(fresh, previous, reused, names) if reused else fresh


def _merge_previous(
    fresh: ParseResult, previous: ParseResult, reused: set[str], order: list[str]
) -> ParseResult:
    """Add the previous run's rows of ``reused`` files; recompute ids in full-rebuild order."""

    def merged(name: str) -> pd.DataFrame:
        parts = [getattr(fresh, name), incremental.rows_for(getattr(previous, name), reused)]
        return incremental.order_rows(pd.concat(parts, ignore_index=True), "source_file", order)

    articles, cleaning = merged("articles"), merged("cleaning")
    new_ids = article_ids(articles)
    remap = dict(
        zip(zip(articles["source_file"], articles["article_id"], strict=True), new_ids, strict=True)
    )
    articles["article_id"] = new_ids
    cleaning["article_id"] = [
        remap.get((src, old), old)
        for src, old in zip(cleaning["source_file"], cleaning["article_id"], strict=True)
    ]
    report = _tidy_report(
        pd.concat([fresh.report, incremental.rows_for(previous.report, reused)], ignore_index=True)
    )
    return ParseResult(
        articles=articles.reset_index(drop=True),
        quarantine=merged("quarantine").reset_index(drop=True),
        report=report.sort_values("source_file", kind="stable").reset_index(drop=True),
        cleaning=cleaning.reset_index(drop=True),
    )


OUTPUT_FILES = {
    "articles": "articles.parquet",
    "quarantine": "quarantine.parquet",
    "report": "parse_report.parquet",
    "cleaning": "cleaning_log.parquet",
}


def load_previous(processed_dir: Path) -> ParseResult | None:
    """Read the stage-01 tables of an earlier run from ``processed_dir``; None if incomplete."""
    paths = {k: Path(processed_dir) / v for k, v in OUTPUT_FILES.items()}
    if not all(p.exists() for p in paths.values()):
        return None
    return ParseResult(**{k: hio.read_table(p) for k, p in paths.items()})

"""What stage 01 produces and how it accounts: columns, reason codes, segments, the ledger.

Every parser writes into a :class:`Ledger` (articles, quarantine rows, the cleaning log and
the per-rule character counts of one file); :data:`REASONS` is the one table of reason
codes a file or a part of one can be skipped or quarantined with.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from helpers.parse import rawfiles
from helpers.parse.clean import Edit

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
    "date_source",  # where published_date was read (helpers.parse.dates.DATE_SOURCES)
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
        """Count and log the edits a text rule made (as :meth:`remove` does, one by one).

        NOTE: the tuple of :meth:`remove` built here directly: its keyword arguments cost
        a dict per edit (~10^6 edits on 50 MB).
        """
        for e in edits:
            chars = len(e.text) - len(e.replacement)  # Edit.chars_removed
            self.removed[e.rule] += chars
            if chars or e.replacement:
                self.cleaning.append(
                    (
                        self.source_file,
                        line,
                        key,
                        field,
                        e.rule,
                        chars,
                        e.start,
                        e.text,
                        e.replacement,
                    )
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

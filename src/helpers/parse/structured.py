"""HTML pages, JSON / JSON Lines and CSV feeds: records read through :mod:`helpers.parse.feeds`."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from helpers.parse import feeds, rawfiles
from helpers.parse.article import build_article, count_chars, split_paragraphs
from helpers.parse.ledger import Ledger, Segment
from helpers.parse.plaintext import _screened, _strip_whole, parse_text_file

# --- structured formats ---------------------------------------------------------------------


def _record_segment(rec: feeds.Record, ledger: Ledger, line: int, fmt: str) -> Segment:
    """Turn a mapped feed record into a segment (metadata characters counted)."""
    ledger.remove("metadata", rec.metadata_chars, line=line)
    seg = Segment(ledger.new_key(), ledger.source_file, line, fmt, title=rec.title, title_line=line)
    seg.paragraphs = split_paragraphs(rec.body, line)
    seg.raw_lines = [rec.body]
    meta = {"published_date": rec.published_date, "source_name": rec.source_name, "url": rec.url}
    seg.meta.update({k: v for k, v in meta.items() if v})
    if rec.published_date:
        seg.meta["date_source"] = "field"
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
    if page.published_date:
        seg.meta["date_source"] = "htmldate"  # trafilatura reads page dates with htmldate
    build_article(seg, ledger)


PARSERS: dict[str, Callable[[Path, rawfiles.FileSniff, Ledger], None]] = {
    "text": parse_text_file,
    "html": parse_html_file,
    "json": parse_json_file,
    "jsonl": parse_jsonl_file,
    "csv": parse_csv_file,
}

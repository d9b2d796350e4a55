r"""Stage 01 entry: every file of a raw folder → one articles table, nothing unaccounted for.

:func:`parse_raw_dir` is what ``notebooks/01_parse.ipynb`` calls. Per file it sniffs the
kind and encoding (:mod:`helpers.parse.rawfiles`), reads the structure — plain-text dumps in
:mod:`helpers.parse.plaintext`, HTML / JSON / CSV in :mod:`helpers.parse.structured` through
:mod:`helpers.parse.feeds` — into segments, and turns each segment into an article
(:mod:`helpers.parse.article`) with the rules of :mod:`helpers.parse.lines`,
:mod:`helpers.parse.clean` and :mod:`helpers.parse.quality`; every count goes into a
:class:`~helpers.parse.ledger.Ledger`.

Nothing in the raw folder stops the run: every entry gets a ``parse_report`` row, and what is not
parsed is skipped or quarantined with one of the stable reason codes of
:data:`~helpers.parse.ledger.REASONS` (tests/test_hostile_inputs.py feeds it 70+ kinds of hostile
input). Only a broken install fails, loudly, before any file is read
(:func:`check_parser_libraries`).

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
    >>> _ = (d / "dump.txt").write_text(f"#汽車\n出口創新高\n{body} (示例財經)\n", "utf-8")
    >>> result = parse_raw_dir(d)
    >>> result.articles[["title", "source_name"]].values.tolist()
    [['出口創新高', '示例財經']]
    >>> bool(result.report["is_balanced"].all())
    True
"""

from __future__ import annotations

import hashlib
import importlib
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.core import io as hio
from helpers.core import versions
from helpers.parse import cache as incremental
from helpers.parse import rawfiles
from helpers.parse.ledger import (
    ARTICLE_COLUMNS,
    CLEANING_COLUMNS,
    FORMAT_BY_SUFFIX,
    HTML_START_RE,
    ID_HEX_CHARS,
    QUARANTINE_COLUMNS,
    REPORT_COLUMNS,
    Ledger,
    ParseResult,
)
from helpers.parse.structured import PARSERS
from helpers.text.script import fold_nfkc

# Libraries stage 01 cannot parse without: (module to import, what to install).
PARSER_LIBRARIES = (
    ("lxml", "lxml"),
    ("lxml_html_clean", "lxml_html_clean"),
    ("trafilatura", "trafilatura"),
    ("charset_normalizer", "charset-normalizer"),
    ("opencc", "opencc (the official binding, never opencc-python-reimplemented)"),
)


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
        helpers.parse.folder.ParserLibraryError: stage 01 cannot parse: 汽车解析库 fails ...
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
        text = fold_nfkc(f"{title}\n{body}")
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
    # NOTE: an --incremental run that reuses every file concatenates an empty fresh report
    # (object columns) with the previous one; the flag must stay boolean (~ in stage 01).
    report["is_balanced"] = report["is_balanced"].astype(bool)
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
        return versions.order_rows(pd.concat(parts, ignore_index=True), "source_file", order)

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

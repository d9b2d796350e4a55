"""Stage 01: raw files to one clean articles table (notebook ``01_parse``).

Entry point: :func:`parse_raw_dir` (with :func:`load_previous` for ``--incremental`` runs).
Modules: :mod:`~helpers.parse.folder` (the run over a folder), :mod:`~helpers.parse.rawfiles`
(listing, sniffing, decoding), :mod:`~helpers.parse.plaintext` and
:mod:`~helpers.parse.structured` (segments from dumps and from HTML / JSON / CSV, with
:mod:`~helpers.parse.feeds`), :mod:`~helpers.parse.article` (a segment becomes an article),
:mod:`~helpers.parse.lines` and :mod:`~helpers.parse.clean` (line and text rules),
:mod:`~helpers.parse.quality` (garble, mojibake), :mod:`~helpers.parse.ledger` (columns,
reason codes, accounting) and :mod:`~helpers.parse.cache` (the incremental cache).
"""

from helpers.parse import (
    article,
    cache,
    clean,
    feeds,
    folder,
    ledger,
    lines,
    partitioned,
    plaintext,
    quality,
    rawfiles,
    structured,
)
from helpers.parse.folder import load_previous, parse_raw_dir
from helpers.parse.partitioned import load_report

__all__ = [
    "article",
    "cache",
    "clean",
    "feeds",
    "folder",
    "ledger",
    "lines",
    "load_previous",
    "load_report",
    "parse_raw_dir",
    "partitioned",
    "plaintext",
    "quality",
    "rawfiles",
    "structured",
]

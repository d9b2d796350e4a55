"""Incremental parsing: reuse the previous run's rows for raw files that did not change.

A file is reused only when its sha256 **and** the parser version (a hash of the stage-01 code,
its boilerplate catalogue and the versions of the libraries it calls) equal those recorded
in the previous ``parse_report``; anything else is parsed again. Article ids are recomputed
over the merged table in full-rebuild order, so an incremental result equals a full rebuild.

Example:
    >>> prev = pd.DataFrame({"source_file": ["a.txt"], "sha256": ["x"], "parser_version": ["v"]})
    >>> sorted(reusable_files(prev, {"a.txt": "x", "b.txt": "y"}, "v"))
    ['a.txt']
"""

from __future__ import annotations

import hashlib
from importlib import metadata

import pandas as pd

from helpers.paths import CATALOG_DIR, PACKAGE_DIR

# Everything whose change can change what stage 01 produces.
PARSER_SOURCES = ("parse.py", "clean.py", "quality.py", "feeds.py", "rawfiles.py")
PARSER_DATA = ("boilerplate.yaml",)
PARSER_LIBRARIES = ("trafilatura", "charset-normalizer", "lxml", "opencc")


def parser_version() -> str:
    """Return a short hash of the stage-01 code, catalogue and library versions."""
    digest = hashlib.sha256()
    for path in [PACKAGE_DIR / n for n in PARSER_SOURCES] + [CATALOG_DIR / n for n in PARSER_DATA]:
        digest.update(path.read_bytes())
    for lib in PARSER_LIBRARIES:
        try:
            digest.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{lib}=none".encode())
    return digest.hexdigest()[:12]


def reusable_files(report: pd.DataFrame, hashes: dict[str, str], version: str) -> set[str]:
    """Files whose previous report row has the same sha256 and parser version.

    Args:
        report: the previous ``parse_report`` (needs ``sha256`` and ``parser_version``).
        hashes: current ``{source_file: sha256}`` of the files to parse.
        version: the current :func:`parser_version`.

    Returns:
        Names of files whose previous rows can be reused as they are.
    """
    if report is None or not {"sha256", "parser_version"} <= set(report.columns):
        return set()
    same = report[(report["parser_version"] == version)]
    return {
        name
        for name, sha in zip(same["source_file"], same["sha256"], strict=True)
        if hashes.get(name) == sha
    }


def rows_for(table: pd.DataFrame, files: set[str]) -> pd.DataFrame:
    """The rows of ``table`` that come from ``files`` (original order kept)."""
    return table[table["source_file"].isin(files)]


def order_by_files(table: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Sort rows by the position of their ``source_file`` in ``order``, stable within a file.

    Example:
        >>> t = pd.DataFrame({"source_file": ["b", "a", "b"], "n": [1, 2, 3]})
        >>> order_by_files(t, ["a", "b"])["n"].tolist()
        [2, 1, 3]
    """
    rank = {name: i for i, name in enumerate(order)}
    key = table["source_file"].map(rank)
    return table.assign(_rank=key).sort_values("_rank", kind="stable").drop(columns="_rank")

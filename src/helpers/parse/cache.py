"""Stage 01's cache: reuse the previous run's rows for raw files that did not change.

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

import pandas as pd

from helpers.core.versions import code_version

# Everything whose change can change what stage 01 produces.
# NOTE: whole packages, not a list of files: a module split or added later still counts.
# NOTE: text/prefilter.py decides where the date and boilerplate patterns are tried.
PARSER_SOURCES = ("parse/*.py", "catalog/boilerplate.py", "text/script.py", "text/prefilter.py")
PARSER_DATA = ("boilerplate.yaml",)
PARSER_LIBRARIES = ("trafilatura", "charset-normalizer", "lxml", "opencc")


def parser_version() -> str:
    """Return a short hash of the stage-01 code, catalogue and library versions."""
    return code_version(PARSER_SOURCES, PARSER_DATA, PARSER_LIBRARIES)


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


def unchanged_files(previous: pd.DataFrame | None, report: pd.DataFrame) -> list[str]:
    """Files of ``report`` whose sha256 and parser version equal ``previous``'s (reused rows).

    Example:
        >>> old = pd.DataFrame({"source_file": ["a", "b"], "sha256": ["1", "2"],
        ...                     "parser_version": ["v", "v"]})
        >>> unchanged_files(old, old.assign(sha256=["1", "9"]))
        ['a']
    """
    if previous is None or "sha256" not in previous:
        return []
    cols = ["source_file", "sha256", "parser_version"]
    both = report[cols].merge(previous[cols], on=cols, how="inner").dropna()
    return sorted(both["source_file"])

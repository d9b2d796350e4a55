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
from pathlib import Path

import pandas as pd

from helpers.paths import CATALOG_DIR, PACKAGE_DIR

# Everything whose change can change what stage 01 produces.
PARSER_SOURCES = ("parse.py", "clean.py", "quality.py", "feeds.py", "rawfiles.py")
PARSER_DATA = ("boilerplate.yaml",)
PARSER_LIBRARIES = ("trafilatura", "charset-normalizer", "lxml", "opencc")


def _version_of(sources: tuple[str, ...], data: tuple[str, ...], libs: tuple[str, ...]) -> str:
    """Short hash of package source files, catalogue files and library versions."""
    digest = hashlib.sha256()
    for path in [PACKAGE_DIR / n for n in sources] + [CATALOG_DIR / n for n in data]:
        digest.update(path.read_bytes())
    for lib in libs:
        try:
            digest.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{lib}=none".encode())
    return digest.hexdigest()[:12]


def parser_version() -> str:
    """Return a short hash of the stage-01 code, catalogue and library versions."""
    return _version_of(PARSER_SOURCES, PARSER_DATA, PARSER_LIBRARIES)


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


def order_rows(table: pd.DataFrame, column: str, order: list[str]) -> pd.DataFrame:
    """Sort rows by the position of ``table[column]`` in ``order``, stable within a value.

    Example:
        >>> t = pd.DataFrame({"source_file": ["b", "a", "b"], "n": [1, 2, 3]})
        >>> order_rows(t, "source_file", ["a", "b"])["n"].tolist()
        [2, 1, 3]
    """
    rank = {name: i for i, name in enumerate(order)}
    key = table[column].map(rank)
    return table.assign(_rank=key).sort_values("_rank", kind="stable").drop(columns="_rank")


# Everything whose change can change what stage 03 extracts from an article.
EXTRACTOR_SOURCES = (
    "facts.py", "sentences.py", "attribution.py", "vocabulary.py", "numbers.py", "periods.py",
    "entities.py",
)  # fmt: skip
EXTRACTOR_DATA = ("metrics.yaml", "entities.yaml")


def extractor_version() -> str:
    """Return a short hash of the stage-03 code and catalogues."""
    return _version_of(EXTRACTOR_SOURCES, EXTRACTOR_DATA, ("opencc",))


def date_keys(articles: pd.DataFrame) -> list[str]:
    """The publication date of each article as text ('' when unknown; ``~date`` for a date
    taken from the article's neighbours), for cache keys.

    Example:
        >>> date_keys(pd.DataFrame({"published_date": ["2025-12-01", None]}))
        ['2025-12-01', '']
    """
    if "published_date" not in articles:
        dates = [""] * len(articles)
    else:
        dates = ["" if pd.isna(d) else str(d) for d in articles["published_date"]]
    # NOTE: an undated article read with a neighbour's date (helpers.facts.date_hints) is
    # read again when that date changes.
    hints = articles["date_hint"].tolist() if "date_hint" in articles else [""] * len(dates)
    return [d or (f"~{h}" if h else "") for d, h in zip(dates, hints, strict=True)]


def split_for_facts(
    articles: pd.DataFrame, previous: tuple[pd.DataFrame, pd.DataFrame] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split articles into (reused facts, articles still to read) using the previous log.

    An article is reused when the log holds its id with the same publication date (periods
    are resolved against it) and the same extractor version.
    """
    from helpers.facts import COLUMNS  # NOTE: local import: facts imports this module

    if previous is None:
        return pd.DataFrame(columns=COLUMNS), articles
    old_facts, log = previous
    version = extractor_version()
    log = log[log["extractor_version"] == version]
    done = set(zip(log["article_id"], log["published_date"].fillna(""), strict=True))
    keys = list(zip(articles["article_id"], date_keys(articles), strict=True))
    is_done = pd.Series([k in done for k in keys], index=articles.index, dtype=bool)
    reused_ids = set(articles.loc[is_done, "article_id"])
    reused = old_facts.loc[old_facts["article_id"].isin(reused_ids), COLUMNS]
    return reused, articles[~is_done]


def load_previous_facts(processed_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """``(facts, facts_log)`` of an earlier run in ``processed_dir``, or None if missing."""
    from helpers import io  # NOTE: local import keeps this module free of io at import time

    paths = [Path(processed_dir) / "facts.parquet", Path(processed_dir) / "facts_log.parquet"]
    if not all(p.exists() for p in paths):
        return None
    return io.read_table(paths[0]), io.read_table(paths[1])


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

"""Stage 03's cache: reuse the facts of articles the previous run already read.

An article is read again unless the previous ``facts_log`` holds its id with the same
publication date (periods are resolved against it) and the same extractor version (a hash
of the stage-03 code and catalogues, :func:`extractor_version`); the result equals a full
extraction.

Example:
    >>> date_keys(pd.DataFrame({"published_date": ["2025-12-01", None]}))
    ['2025-12-01', '']
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from helpers.core import io
from helpers.core.versions import code_version
from helpers.facts.schema import COLUMNS
from helpers.facts.selection import read_keys

# Everything whose change can change what stage 03 extracts from an article.
# NOTE: whole packages, not a list of files: a module split or added later still counts.
EXTRACTOR_SOURCES = ("facts/*.py", "text/*.py", "catalog/entities.py", "catalog/metrics.py")
EXTRACTOR_DATA = ("metrics.yaml", "entities.yaml")


def extractor_version(aliases: tuple[tuple[str, str], ...] = ()) -> str:
    """Return a short hash of the stage-03 code and catalogues (and reviewed aliases).

    NOTE: an ``alias`` correction changes which entity a text names, so articles read before
    it was written are read again (``--incremental`` still equals a full rebuild).

    Example:
        >>> extractor_version() != extractor_version((("迪子", "byd"),))
        True
    """
    version = code_version(EXTRACTOR_SOURCES, EXTRACTOR_DATA, ("opencc",))
    if not aliases:
        return version
    extra = "\n".join(f"{t}\t{e}" for t, e in aliases)
    return hashlib.sha256(f"{version}\n{extra}".encode()).hexdigest()[:12]


def date_keys(articles: pd.DataFrame) -> list[str]:
    """Return each article's publication date as text, for cache keys.

    '' when unknown; ``~date`` for a date taken from the article's neighbours.

    Example:
        >>> date_keys(pd.DataFrame({"published_date": ["2025-12-01", None]}))
        ['2025-12-01', '']
    """
    if "published_date" not in articles:
        dates = [""] * len(articles)
    else:
        dates = ["" if pd.isna(d) else str(d) for d in articles["published_date"]]
    # NOTE: an undated article read with a neighbour's date (helpers.facts.extract.date_hints) is
    # read again when that date changes.
    hints = articles["date_hint"].tolist() if "date_hint" in articles else [""] * len(dates)
    return [d or (f"~{h}" if h else "") for d, h in zip(dates, hints, strict=True)]


def split_for_facts(
    articles: pd.DataFrame,
    previous: tuple[pd.DataFrame, pd.DataFrame] | None,
    aliases: tuple[tuple[str, str], ...] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split articles into (reused facts, articles still to read) using the previous log.

    An article is reused when the log holds its id with the same publication date (periods
    are resolved against it), the same sentences to read (``read_spans``: a copy read in
    part, see :mod:`helpers.facts.selection`) and the same extractor version.
    """
    if previous is None:
        return pd.DataFrame(columns=COLUMNS), articles
    old_facts, log = previous
    if not set(COLUMNS) <= set(old_facts.columns):
        return pd.DataFrame(columns=COLUMNS), articles  # written by older code: read all again
    version = extractor_version(aliases)
    log = log[log["extractor_version"] == version]
    # NOTE: a log written before read_spans existed read every article whole.
    old_spans = log["read_spans"].fillna("") if "read_spans" in log else [""] * len(log)
    done = set(zip(log["article_id"], log["published_date"].fillna(""), old_spans, strict=True))
    keys = list(zip(articles["article_id"], date_keys(articles), read_keys(articles), strict=True))
    is_done = pd.Series([k in done for k in keys], index=articles.index, dtype=bool)
    reused_ids = set(articles.loc[is_done, "article_id"])
    reused = old_facts.loc[old_facts["article_id"].isin(reused_ids), COLUMNS]
    return reused, articles[~is_done]


def load_previous_facts(processed_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """``(facts, facts_log)`` of an earlier run in ``processed_dir``, or None if missing."""
    paths = [Path(processed_dir) / "facts.parquet", Path(processed_dir) / "facts_log.parquet"]
    if not all(p.exists() for p in paths):
        return None
    return io.read_table(paths[0]), io.read_table(paths[1])

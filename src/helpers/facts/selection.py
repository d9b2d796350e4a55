"""Which articles and sentences stage 03 reads: representatives whole, copies where stage 02 says.

Stage 02 keeps one representative per story; a copy may still hold a figure the
representative lacks (an updated copy's added paragraph, the last paragraph a cut reprint
dropped when the cut one was chosen). Stage 02 lists the sentences holding such figures in
``read_spans`` (character spans into the copy's ``body``); this module reads those copies
and keeps only the facts of those sentences, so each figure is read once and its span points
into the body it comes from.

NOTE: a module of its own so that stage 03's reading rules (``extract``, ``subjects``,
``dating``...) and its input selection change independently.

Example:
    >>> a = pd.DataFrame({"article_id": ["a", "b", "c"], "is_canonical": [True, False, False],
    ...                   "read_spans": ["", "10-20", ""]})
    >>> articles_to_read(a)["article_id"].tolist()
    ['a', 'b']
"""

from __future__ import annotations

import pandas as pd

from helpers.text.sentences import parse_spans

READ_SPANS = "read_spans"  # stage 02's column (helpers.dedup.thresholds.OUTPUT_COLUMNS)


def _spans(articles: pd.DataFrame) -> pd.Series:
    if READ_SPANS not in articles:
        return pd.Series("", index=articles.index, dtype=object)
    return articles[READ_SPANS].fillna("").astype(str)


def _partial(articles: pd.DataFrame) -> pd.Series:
    """Rows read only at their ``read_spans`` (copies, not representatives)."""
    canonical = articles["is_canonical"].astype(bool)
    return ~canonical & (_spans(articles) != "")


def articles_to_read(articles: pd.DataFrame, *, canonical_only: bool = True) -> pd.DataFrame:
    """Rows stage 03 reads: every representative, and copies with ``read_spans``.

    Without ``is_canonical`` (no stage 02), or with ``canonical_only=False``, every row.
    """
    if not canonical_only or "is_canonical" not in articles:
        return articles
    return articles[articles["is_canonical"].astype(bool) | _partial(articles)]


def read_keys(articles: pd.DataFrame) -> list[str]:
    """Per row: the spans read ("" = the whole body), a part of stage 03's cache key.

    Example:
        >>> read_keys(pd.DataFrame({"is_canonical": [True, False], "read_spans": ["", "3-9"]}))
        ['', '3-9']
    """
    if "is_canonical" not in articles:
        return [""] * len(articles)
    return _spans(articles).where(_partial(articles), "").tolist()


def keep_read_sentences(facts: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Keep, of a copy read in part, only the facts whose number lies in its ``read_spans``.

    Example:
        >>> a = pd.DataFrame({"article_id": ["a", "b"], "is_canonical": [True, False],
        ...                   "read_spans": ["", "10-20"]})
        >>> f = pd.DataFrame({"article_id": ["a", "b", "b"], "char_start": [3, 4, 12]})
        >>> keep_read_sentences(f, a)["char_start"].tolist()
        [3, 12]
    """
    if "is_canonical" not in articles or not len(facts):
        return facts
    partial = articles[_partial(articles)]
    spans = dict(zip(partial["article_id"], map(parse_spans, _spans(partial)), strict=True))
    keep = [
        a not in spans or any(lo <= s < hi for lo, hi in spans[a])
        for a, s in zip(facts["article_id"], facts["char_start"], strict=True)
    ]
    return facts[keep]

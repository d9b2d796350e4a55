"""Stories across outlets: rewrites of one press release share a ``story_id``, not a cluster.

Two outlets rewriting one company release write their own lead and commentary but copy its
figures. They are not copies (each keeps its facts and its outlet), yet a chart footnote
should be able to say "reported by 3 outlets", and a figure two of them give differently is
a conflict inside one story. Clusters are linked into one story when their texts share
distinctive figures: at least :data:`MIN_SHARED` numeral runs with three or more
significant characters that are not years (35.2万 is written ``352万`` in a matching form;
100万 and 1500 are round, not distinctive) and are found in at most
:data:`MAX_DF` texts, making up at least :data:`MIN_SHARE` of such runs of the text with
fewer.

NOTE: found through an inverted index of those runs, in numpy; a run found in more than
:data:`MAX_DF` texts (a common percentage, a round number, a widely quoted national total)
neither proposes a pair nor counts in the share. The
text similarity plays no part: a rewrite shares little prose, and a template brief of
another month shares prose but not its figures.

Example:
    >>> texts = ["理想汽车11月交付48123辆同比增长186出口1260辆",
    ...          "据悉理想汽车上月共交付新车48123辆增幅186出口1260辆",
    ...          "2月全国乘用车出口2861万辆同比增长9"]
    >>> story_pairs(texts).tolist()
    [[0, 1]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.dedup.figures import NumeralRuns, numeral_runs_of

# Significant characters a figure needs to tell a story apart: 12 (a growth rate), 1500 or
# 100万 (round numbers) do not; 352万 (35.2万) or 1260 do.
MIN_SIGNIFICANT = 3
MIN_SHARED = 2
MIN_SHARE = 0.5
MAX_DF = 16


def _distinctive(runs: NumeralRuns) -> tuple[np.ndarray, np.ndarray]:
    """``(node, token)`` of each distinctive numeral run, unique per node."""
    keep = (runs.significant >= MIN_SIGNIFICANT) & ~runs.is_year
    node, token = runs.doc[keep], runs.hashes[keep]
    # Tokens keep 40 bits so that the node fits beside them in one sortable uint64.
    code = ((token >> np.uint64(24)) << np.uint64(24)) | node.astype(np.uint64)
    code = np.unique(code)
    return (code & np.uint64(0xFFFFFF)).astype(np.int64), code >> np.uint64(24)


def _counts(node: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(node, minlength=n)


def story_pairs(texts: list[str], runs: NumeralRuns | None = None) -> np.ndarray:
    """Pairs of texts (indices, ``i < j``) that share enough distinctive figures.

    Args:
        texts: matching forms (``text_norm``; '' for texts too short to match).
        runs: their numeral runs when already found (:func:`numeral_runs_of`).

    Returns:
        ``(m, 2)`` int64, sorted, unique.
    """
    node, token = _distinctive(numeral_runs_of(texts) if runs is None else runs)
    if not len(node):
        return np.empty((0, 2), dtype=np.int64)
    order = np.lexsort((node, token))
    node, token = node[order], token[order]
    starts = np.flatnonzero(np.r_[True, token[1:] != token[:-1]])
    df = np.diff(np.r_[starts, len(token)])
    rare = np.repeat(df <= MAX_DF, df)  # a figure in many texts tells nothing (54.1%, 100万)
    ok = rare & np.repeat(df >= 2, df)
    at = np.flatnonzero(ok)
    group, members = token[at], node[at]
    pairs = [
        np.stack([members[hit], members[hit + d]], axis=1)
        for d in range(1, MAX_DF)
        if len(hit := np.flatnonzero(group[d:] == group[:-d]))
    ]
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    both = np.concatenate(pairs)
    n = len(texts)
    code, shared = np.unique(both[:, 0] * n + both[:, 1], return_counts=True)
    a, b = code // n, code % n
    size = _counts(node[rare], n)
    fewer = np.minimum(size[a], size[b])
    keep = (shared >= MIN_SHARED) & (shared >= MIN_SHARE * fewer)
    return np.stack([np.minimum(a, b)[keep], np.maximum(a, b)[keep]], axis=1)


def story_outlets(story: pd.Series, outlets: pd.Series) -> pd.Series:
    """Per row: how many distinct outlets (non-empty ``source_name``) report its story.

    Example:
        >>> story_outlets(pd.Series(["s", "s", "s", "t"]),
        ...               pd.Series(["汽车周刊", "财经日报", "汽车周刊", None])).tolist()
        [2, 2, 2, 0]
    """
    named = outlets.fillna("").astype(str).str.strip()
    counts = named.where(named != "").groupby(story.to_numpy()).nunique()
    return story.map(counts).fillna(0).astype("int64")

"""Candidate pairs (MinHash + LSH banding), their exact Jaccard and containment, their figures."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.dedup import figures, minhash
from helpers.dedup.thresholds import DEFAULT_PARAMS, DedupParams
from helpers.text.numbers import SKIPPED_KINDS


# ---------------------------------------------------------------------------------------------
# Candidate pairs and their exact similarities
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Nodes:
    """Distinct matching texts ("nodes"); rows with equal text_norm share a node.

    Rows are visited in article_id order so node numbers, representatives and therefore every
    output are the same whatever the input row order.
    """

    of_row: np.ndarray  # node index of each input row (input order)
    texts: list[str]  # node texts; '' for texts too short to match
    rep_ids: np.ndarray  # smallest article_id of each node
    rep_rows: np.ndarray  # input row position of that article
    # Numeral runs found elsewhere (stage 02 over partitions: by the workers, per partition).
    known_runs: figures.NumeralRuns | None = None

    @functools.cached_property
    def runs(self) -> figures.NumeralRuns:
        """The numeral runs of every node text (computed once, shared by every step)."""
        if self.known_runs is not None:
            return self.known_runs
        return figures.numeral_runs_of(self.texts)


def _text_nodes(norm: pd.DataFrame, min_chars: int) -> _Nodes:
    texts = norm["text_norm"].to_numpy(dtype=object)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return _nodes_by_key(norm["article_id"], texts, lengths >= min_chars, texts)


def _nodes_by_key(
    article_ids: pd.Series, keys: np.ndarray, long: np.ndarray, texts: np.ndarray | None
) -> _Nodes:
    """Text nodes of rows whose ``keys`` are equal exactly when their texts are.

    ``keys``: the texts themselves, or a digest of each (stage 02 over partitions numbers
    texts the client never holds); ``long``: texts long enough to match; ``texts``: the node
    texts to keep (None: '' for every node, the caller fills in the few it needs).
    """
    ids = article_ids.astype(str).to_numpy(dtype=object)
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    if len(ids) > 1 and (ids[1:] == ids[:-1]).any():
        raise ValueError("article_id is not unique: fix stage 01 before deduplicating")
    keys, long = keys[order], long[order]
    # NOTE: short texts (empty bodies, captions) are never clustered, not even when
    # equal: two one-line bodies "详见附件" are not evidence of the same story.
    first: dict[object, int] = {}  # key -> its number by first appearance
    code = np.full(len(keys), -1, dtype=np.int64)
    code[long] = [first.setdefault(t, len(first)) for t in keys[long].tolist()]
    # A row opens a node when its text is short or seen for the first time.
    is_new = ~long | (code > np.maximum.accumulate(np.r_[-1, code[:-1]]))
    node = np.cumsum(is_new) - 1
    node[long] = node[is_new & long][code[long]]
    of_row = np.empty(len(ids), dtype=np.int64)
    of_row[order] = node
    if texts is None:
        node_texts = [""] * int(is_new.sum())
    else:
        node_texts = np.where(long, texts[order], "")[is_new].tolist()
    return _Nodes(of_row=of_row, texts=node_texts, rep_ids=ids[is_new], rep_rows=order[is_new])


def _worth_checking(est: np.ndarray, sizes: np.ndarray, params: DedupParams) -> np.ndarray:
    """Candidates whose MinHash estimate is close enough to a threshold for an exact check."""
    small, big = sizes.min(axis=1), sizes.max(axis=1)
    est_contain = np.divide(est * (small + big), (1 + est) * small, where=small > 0, out=est * 0)
    margin = params.prefilter_margin
    return (est >= params.jaccard_threshold - margin) | (
        est_contain >= params.containment_threshold - margin
    )


def _edge_kinds(
    cand: np.ndarray,
    jac: np.ndarray,
    con: np.ndarray,
    sizes: np.ndarray,
    params: DedupParams,
    compatible: np.ndarray | None = None,
) -> np.ndarray:
    """``near``/``contained``/'' per candidate node pair; a truncated text joins one container.

    Among the pairs where a text is the smaller one and contained, the best container has
    the highest containment, then the most shingles, then the smallest node numbers (node
    numbers follow article_id order, see :class:`_Nodes`). Pairs whose figures disagree
    (``compatible`` False, see :mod:`helpers.dedup.figures`) never join.

    NOTE: one container per contained text stops a short text (say, a lone disclaimer) from
    chaining every article that quotes it into one cluster.

    Example:
        >>> cand = np.array([[0, 1], [0, 2], [1, 2]])
        >>> sizes = np.array([[60, 80], [60, 90], [80, 90]])
        >>> jac, con = np.array([0.2, 0.3, 0.8]), np.array([0.95, 0.95, 0.9])
        >>> _edge_kinds(cand, jac, con, sizes, DEFAULT_PARAMS).tolist()
        ['', 'contained', 'near']
        >>> _edge_kinds(cand, jac, con, sizes, DEFAULT_PARAMS, np.array([1, 0, 1], bool)).tolist()
        ['contained', '', 'near']
    """
    ok = np.ones(len(cand), dtype=bool) if compatible is None else compatible
    kind = np.full(len(cand), "", dtype=object)
    near = (jac >= params.jaccard_threshold) & ok  # NaN (not checked) compares False
    contained = (
        ~near
        & ok
        & (con >= params.containment_threshold)
        & (sizes.min(axis=1) >= params.min_contained_shingles)
    )
    at = np.flatnonzero(contained)
    small = np.where(sizes[at, 0] <= sizes[at, 1], cand[at, 0], cand[at, 1])
    # np.lexsort sorts by its last key first.
    order = np.lexsort((cand[at, 1], cand[at, 0], -sizes[at].max(axis=1), -con[at], small))
    small = small[order]
    first = np.r_[True, small[1:] != small[:-1]] if len(at) else np.zeros(0, dtype=bool)
    kind[near] = "near"
    kind[at[order[first]]] = "contained"
    return kind


def _similar(jac: np.ndarray, con: np.ndarray, sizes: np.ndarray, params: DedupParams):
    """Pairs alike enough for their figures to matter: a copy, or a template of one."""
    with np.errstate(invalid="ignore"):
        return (jac >= params.template_threshold) | (
            (con >= params.containment_threshold)
            & (sizes.min(axis=1) >= params.min_contained_shingles)
        )


@dataclass(frozen=True)
class _FigureColumns:
    """Per candidate pair: the figure verdict, the evidence, the side lacking a fact figure."""

    verdict: np.ndarray
    only_here: np.ndarray
    only_other: np.ndarray
    fewer: np.ndarray  # 0: neither side lacks a figure facts read, 1: the first, 2: the second


def _lacking_side(diff: figures.FigureDiff) -> int:
    """1 or 2 when only the other side has figures that facts read (not dates), else 0."""

    def reads(figs: tuple[figures.Figure, ...]) -> bool:
        return any(f.kind not in SKIPPED_KINDS for f in figs)

    if diff.verdict == "fewer" and reads(diff.only_b):
        return 1
    if diff.verdict == "more" and reads(diff.only_a):
        return 2
    return 0


def compare_pair_figures(
    cand: np.ndarray, todo: np.ndarray, nodes: _Nodes, bodies: list[str], conversions: list[str]
) -> _FigureColumns:
    """Figure verdicts of candidate pairs ``todo`` (a mask).

    NOTE: numeral runs settle most pairs in numpy (:func:`helpers.dedup.figures.run_differences`):
    the same runs are the same figures (a reprint), runs on one side only are a copy with
    fewer or more figures (a cut, an update). Only pairs where each side has runs the other
    lacks (a template brief, or one figure written two ways: 4.8万 and 48000) are read with
    :func:`helpers.dedup.figures.compare_figures`, which lists the differing figures.
    """
    n = len(cand)
    cols = _FigureColumns(
        verdict=np.full(n, "", dtype=object),
        only_here=np.full(n, "", dtype=object),
        only_other=np.full(n, "", dtype=object),
        fewer=np.zeros(n, dtype=np.int8),
    )
    at = np.flatnonzero(todo)
    if not len(at):
        return cols
    diff = figures.run_differences(nodes.runs, cand[at])
    a_more, b_more = diff.only_a > 0, diff.only_b > 0
    cols.verdict[at] = np.select([a_more & b_more, a_more, b_more], ["", "more", "fewer"], "same")
    cols.fewer[at[~a_more & (diff.figures_b > 0)]] = 1
    cols.fewer[at[~b_more & (diff.figures_a > 0)]] = 2
    rows = nodes.rep_rows
    both = at[a_more & b_more]
    read = np.unique(rows[cand[both]]).tolist()
    with figures.primed_line_forms([bodies[r] for r in read], [conversions[r] for r in read]):
        for i, (a, b) in zip(both.tolist(), cand[both].tolist(), strict=True):
            ra, rb = rows[a], rows[b]
            exact = figures.compare_figures(
                bodies[ra], conversions[ra], bodies[rb], conversions[rb]
            )
            cols.verdict[i] = exact.verdict
            cols.only_here[i] = figures.figure_texts(exact.only_a)
            cols.only_other[i] = figures.figure_texts(exact.only_b)
            cols.fewer[i] = _lacking_side(exact)
    return cols


def find_duplicate_pairs(norm: pd.DataFrame, *, params: DedupParams = DEFAULT_PARAMS):
    """Find near-duplicate candidates between distinct texts and check them exactly.

    Args:
        norm: articles with ``article_id``, ``body`` and ``text_norm`` (:func:`add_text_norm`).
        params: shingle size, MinHash/LSH shape and thresholds.

    Returns:
        One row per candidate pair of distinct texts checked exactly (LSH candidates whose
        MinHash estimate is far below every threshold are left out): ``article_id`` <
        ``other_id`` (the smallest article id holding each text), ``estimate`` (MinHash),
        ``checked`` (always True, kept for readers of older tables), ``jaccard`` and
        ``containment`` (exact),
        ``shingles``/``other_shingles`` (set sizes), ``figures`` (the verdict of
        :func:`helpers.dedup.figures.compare_figures` for pairs alike enough, else ''),
        ``figures_only_here``/``figures_only_other`` (the differing numbers as written,
        for pairs whose figures were read: each side had numerals the other lacks; '' for
        pairs their numeral runs settled),
        ``fewer_figures_id`` (the side lacking a figure the other has, '' if none) and
        ``edge`` (``near``, ``contained``, ``template`` when the figures conflict, or ''
        when the pair does not join).

    Example:
        >>> from helpers.dedup.textnorm import add_text_norm
        >>> body = "奇瑞集团去年出口汽车一百三十四万辆，同比增长百分之十七。"
        >>> norm = add_text_norm(pd.DataFrame({"article_id": ["x", "y"],
        ...                                     "body": [body * 2, body * 2 + "欢迎关注"]}))
        >>> find_duplicate_pairs(norm)[["article_id", "other_id", "edge"]].values.tolist()
        [['x', 'y', 'near']]
    """
    bodies = norm["body"].fillna("").astype(str).tolist()
    return _find_pairs(norm, _text_nodes(norm, params.min_match_chars), params, bodies)


# A function proposing candidate pairs of node texts instead of our MinHash + LSH (the
# benchmark plugs datasketch in here to compare candidate generators on equal terms).
CandidateFinder = Callable[[list[str], DedupParams], np.ndarray]


def _candidates(
    sets: minhash.ShingleSets, texts: list[str], params: DedupParams, finder: CandidateFinder | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate node pairs, their MinHash estimates and which to check exactly."""
    if finder is not None:
        cand = minhash.unique_pairs(np.asarray(finder(texts, params)).reshape(-1, 2), len(texts))
        est = np.full(len(cand), np.nan)
        return cand, est, np.ones(len(cand), dtype=bool)  # every proposed pair is checked
    sig = minhash.oph_signatures(sets, num_perm=params.num_perm, seed=params.seed)
    cand = minhash.band_candidates(sig, bands=params.bands, rows=params.rows)
    est = minhash.estimate_jaccard(sig, cand)
    sizes = sets.sizes[cand] if len(cand) else np.empty((0, 2), dtype=np.int64)
    return cand, est, _worth_checking(est, sizes, params)


def _find_pairs(
    norm: pd.DataFrame,
    nodes: _Nodes,
    params: DedupParams,
    bodies: list[str],
    finder: CandidateFinder | None = None,
) -> pd.DataFrame:
    """:func:`find_duplicate_pairs` over the nodes of ``norm`` (:func:`_text_nodes`)."""
    sets = minhash.hash_shingles(nodes.texts, k=params.shingle_size, seed=params.seed)
    cand, est, check = _candidates(sets, nodes.texts, params, finder)
    # NOTE: candidates whose estimate is far below every threshold are left out of the table
    # (on a real-looking corpus most LSH candidates share only stock phrases: 340 000 of
    # 355 000 on the benchmark); every row left is checked exactly.
    cand, est = cand[check], est[check]
    sizes = sets.sizes[cand] if len(cand) else np.empty((0, 2), dtype=np.int64)
    inter = minhash.overlap_counts(sets, cand)
    jac, con = minhash.jaccard(sets, cand, inter), minhash.containment(sets, cand, inter)
    return _pair_rows(norm, nodes, params, bodies, (cand, est, sizes), (jac, con))


def _pair_rows(
    norm: pd.DataFrame,
    nodes: _Nodes,
    params: DedupParams,
    bodies: list[str],
    candidates: tuple[np.ndarray, np.ndarray, np.ndarray],
    similarities: tuple[np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """The pairs table of checked candidates: figures compared, edges decided.

    ``candidates`` are ``(node pairs, MinHash estimates, set sizes)``, ``similarities`` their
    exact ``(jaccard, containment)``.
    """
    cand, _, sizes = candidates
    figs = pair_figures(cand, sizes, similarities, nodes, (bodies, norm["conversion"].tolist()),
                        params)  # fmt: skip
    return pair_table(nodes, params, candidates, similarities, figs)


def pair_figures(
    cand: np.ndarray,
    sizes: np.ndarray,
    similarities: tuple[np.ndarray, np.ndarray],
    nodes: _Nodes,
    texts: tuple[list[str], list[str]],
    params: DedupParams,
) -> _FigureColumns:
    """Figure columns of checked candidates: pairs alike enough have their figures compared.

    ``texts``: the bodies and conversions of the rows (``nodes.rep_rows`` index them).

    NOTE: apart from :func:`pair_table` so that stage 02 over partitions
    (:mod:`helpers.dedup.partitioned`) compares figures on the workers, next to the texts,
    and decides the edges on the client, over every pair, with the same code.
    """
    jac, con = similarities
    similar = _similar(jac, con, sizes, params)
    if not params.compare_figures:  # NOTE: the benchmark's ablation (figures play no part)
        similar = np.zeros(len(cand), dtype=bool)
    return compare_pair_figures(cand, similar, nodes, *texts)


def pair_table(
    nodes: _Nodes,
    params: DedupParams,
    candidates: tuple[np.ndarray, np.ndarray, np.ndarray],
    similarities: tuple[np.ndarray, np.ndarray],
    figs: _FigureColumns,
) -> pd.DataFrame:
    """The pairs table: ids, similarities, figure columns and the edge each pair makes.

    Example:
        >>> nodes = _Nodes(np.arange(2), ["", ""], np.array(["a", "b"], dtype=object),
        ...                np.arange(2))
        >>> figs = _FigureColumns(*(np.array([""], dtype=object),) * 3, np.zeros(1, np.int8))
        >>> t = pair_table(nodes, DEFAULT_PARAMS, (np.array([[0, 1]]), np.ones(1),
        ...                np.array([[80, 90]])), (np.array([0.8]), np.array([0.9])), figs)
        >>> t[["article_id", "other_id", "edge"]].values.tolist()
        [['a', 'b', 'near']]
    """
    cand, est, sizes = candidates
    jac, con = similarities
    edge = _edge_kinds(cand, jac, con, sizes, params, ~np.isin(figs.verdict, FAR_VERDICTS))
    edge[figs.verdict == "conflict"] = "template"
    ids = nodes.rep_ids[cand].astype(str).reshape(-1, 2)
    fewer = np.where(figs.fewer == 1, ids[:, 0], np.where(figs.fewer == 2, ids[:, 1], ""))
    return pd.DataFrame(
        {
            "article_id": ids[:, 0],
            "other_id": ids[:, 1],
            "estimate": est,
            "checked": np.ones(len(cand), dtype=bool),
            "jaccard": jac,
            "containment": con,
            "shingles": sizes[:, 0],
            "other_shingles": sizes[:, 1],
            "figures": pd.Series(figs.verdict, dtype=object),
            "figures_only_here": pd.Series(figs.only_here, dtype=object),
            "figures_only_other": pd.Series(figs.only_other, dtype=object),
            "fewer_figures_id": pd.Series(fewer, dtype=object),
            "edge": pd.Series(edge, dtype=object),
        }
    )


# Figure verdicts that keep a pair from joining (see helpers.dedup.figures).
FAR_VERDICTS = ("conflict", "differ")

"""Stage 02 clusters: connected copies, one representative each, the rule that ties a copy.

The same story reaches an analyst many times: reprints under other outlets, a Traditional and
a Simplified version, a retitled copy with a boilerplate paragraph, a truncated copy. This
package groups them so each story is counted once, and records why each copy was grouped.

Steps (each a pure function; :func:`deduplicate` runs them in order):

1. :func:`add_text_norm` — a matching-only copy of each body: Traditional converted **once**
   to Simplified with mainland vocabulary (OpenCC ``tw2sp``), NFKC, case folded, punctuation
   and whitespace removed. ``body`` is never changed.
2. :func:`find_duplicate_pairs` — texts with equal ``text_norm`` are one node (exact
   duplicates); MinHash + LSH banding (:mod:`helpers.dedup.minhash`) proposes candidate node pairs,
   which join only when their *exact* Jaccard similarity or containment passes a threshold
   and their figures agree (:mod:`helpers.dedup.figures`: a pair whose figures conflict is a
   ``template`` link, never a copy).
3. :func:`assign_clusters` — connected components that never hold a template pair
   (:mod:`helpers.dedup.groups`); one representative per cluster by :data:`CANONICAL_RULE`;
   every other member points to it (``dup_of``) with the rule and similarity that tie it
   there; ``template_id``, ``story_id``/``story_outlets`` (:mod:`helpers.dedup.stories`) and
   ``read_spans`` (the sentences of a copy with a figure its representative lacks).
4. :func:`build_report` — one row per dropped article; :func:`borderline_pairs` — checked
   pairs just below a threshold, to tune the thresholds.

Example:
    >>> df = pd.DataFrame({
    ...     "article_id": ["a1", "a2", "a3"],
    ...     "body": ["比亞迪海外銷量大增，晶片供應穩定。" * 3,
    ...              "比亚迪海外销量大增，芯片供应稳定。" * 3,
    ...              "小鹏汽车发布新款车型，售价下调。" * 3],
    ...     "quality_score": [0.9, 0.8, 0.9],
    ...     "published_date": ["2026-01-02", "2026-01-01", "2026-01-01"],
    ... })
    >>> out = deduplicate(df).articles
    >>> out[["article_id", "is_canonical", "dup_of", "dup_rule"]].values.tolist()
    [['a1', True, nan, nan], ['a2', False, 'a1', 'cross_script'], ['a3', True, nan, nan]]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.dedup import minhash
from helpers.dedup.boilerplate import extra_boilerplate_chars
from helpers.dedup.groups import (
    constrained_components,
    read_spans,
    template_labels,
)
from helpers.dedup.pairs import CandidateFinder, _find_pairs, _Nodes, _text_nodes
from helpers.dedup.stories import story_outlets, story_pairs
from helpers.dedup.textnorm import _add_text_norm
from helpers.dedup.thresholds import (
    BORDERLINE_MARGIN,
    DEFAULT_PARAMS,
    JOIN_EDGES,
    OUTPUT_COLUMNS,
    DedupParams,
    DedupResult,
)


# ---------------------------------------------------------------------------------------------
# Clusters, representatives, report
# ---------------------------------------------------------------------------------------------
def _column(df: pd.DataFrame, name: str, default: object) -> pd.Series:
    return df[name] if name in df.columns else pd.Series(default, index=df.index)


def _tie_rank(norm: pd.DataFrame) -> np.ndarray:
    """Rank of each row by the tie-breaks after length (0 = preferred); a strict order.

    Highest quality_score, then earliest published_date, then first seen (source_file,
    source_line), then smallest article_id (unique, so no two rows tie).
    """
    quality = pd.to_numeric(_column(norm, "quality_score", np.nan), errors="coerce")
    dates = pd.to_datetime(_column(norm, "published_date", None), errors="coerce")
    # NOTE: undated articles sort after dated ones (NaT last): a date beats "unknown".
    date_ns = dates.to_numpy("datetime64[ns]").view(np.int64)
    line = pd.to_numeric(_column(norm, "source_line", np.nan), errors="coerce")
    keys = [  # least significant first, for np.lexsort
        pd.factorize(norm["article_id"].astype(str), sort=True)[0],
        line.fillna(np.inf).to_numpy(dtype=float),
        pd.factorize(_column(norm, "source_file", "").fillna("").astype(str), sort=True)[0],
        np.where(dates.isna().to_numpy(), np.iinfo(np.int64).max, date_ns),
        -quality.fillna(-1.0).to_numpy(dtype=float),
    ]
    rank = np.empty(len(norm), dtype=np.int64)
    rank[np.lexsort(keys)] = np.arange(len(norm))
    return rank


def _leaders(
    starts: np.ndarray,
    length: np.ndarray,
    noise: np.ndarray,
    tie_rank: np.ndarray,
    lacks: np.ndarray,
) -> np.ndarray:
    """Position of the best row of each group of consecutive rows starting at ``starts``."""
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(length)]))
    order = np.lexsort((tie_rank, noise, -length, lacks, group))
    return order[starts]  # each group keeps its rows, so its first sorted row is at its start


def _grouped_rows(component: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of components with two or more rows, grouped by component, and group starts.

    Example:
        >>> rows, starts = _grouped_rows(np.array([4, 1, 4, 2, 1, 4]))
        >>> rows.tolist(), starts.tolist()
        ([1, 4, 0, 2, 5], [0, 2])
    """
    order = np.argsort(component, kind="stable")
    ordered = component[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(order) else order
    sizes = np.diff(np.r_[starts, len(order)])
    multi = sizes > 1
    return order[np.repeat(multi, sizes)], np.r_[0, np.cumsum(sizes[multi])[:-1]].astype(int)


def _others(columns: tuple[list[str], ...], todo: list[int], lo: list[int], hi: list[int]):
    """Per row in ``todo``: the other rows of its group ``[lo, hi)``, each column joined by NUL."""
    return [tuple("\0".join(col[lo[i] : i] + col[i + 1 : hi[i]]) for col in columns) for i in todo]


def _canonical_rows(
    norm: pd.DataFrame,
    component: np.ndarray,
    texts: Callable[[np.ndarray], list[str]],
    lacks: np.ndarray | None = None,
) -> np.ndarray:
    """Position of each row's canonical row, by :data:`CANONICAL_RULE`.

    ``lacks`` marks rows that lack a figure another copy of their cluster has (a cut
    reprint): they represent the story only when every copy lacks one.

    Boilerplate is counted lazily: a row's raw length (and no boilerplate) is an upper bound
    of its rank, so only the current leader of each cluster needs its boilerplate counted;
    when that drops it behind another row, the new leader is counted, until every leader is
    exact. Rows alone in their cluster are their own representative and are not ranked.
    """
    canon = np.arange(len(norm))
    rows, starts = _grouped_rows(component)
    if not len(rows):
        return canon
    sub = norm.iloc[rows]
    sizes = np.diff(np.r_[starts, len(rows)])
    # [lo, hi) of each row's group, in positions of ``rows`` (int lists: no GC-tracked pairs).
    lo, hi = np.repeat(starts, sizes).tolist(), np.repeat(starts + sizes, sizes).tolist()
    length = sub["text_norm"].str.len().to_numpy(dtype=np.int64, copy=True)
    noise = np.zeros(len(sub), dtype=np.int64)  # boilerplate characters, once counted
    tie_rank, counted = _tie_rank(sub), np.zeros(len(sub), dtype=bool)
    short = np.zeros(len(sub), dtype=np.int8) if lacks is None else lacks[rows].astype(np.int8)
    columns = (texts(rows), sub["text_norm"].tolist())
    conversions = sub["conversion"].tolist()
    while True:
        leaders = _leaders(starts, length, noise, tie_rank, short)
        todo = leaders[~counted[leaders]].tolist()
        if not todo:
            break
        noise[todo] = extra_boilerplate_chars(
            [columns[0][i] for i in todo],
            [columns[1][i] for i in todo],
            [conversions[i] for i in todo],
            _others(columns, todo, lo, hi),
        )
        length[todo] -= noise[todo]
        counted[todo] = True
    canon[rows] = np.repeat(rows[leaders], sizes)
    return canon


def _node_pairs(nodes: _Nodes, pairs: pd.DataFrame) -> np.ndarray:
    """``(m, 2)`` node numbers of the ``article_id``/``other_id`` columns of ``pairs``."""
    index = pd.Index(nodes.rep_ids, dtype=object)
    columns = [
        index.get_indexer(pairs[c].to_numpy(dtype=object)) for c in ("article_id", "other_id")
    ]
    return np.stack(columns, axis=1).astype(np.int64).reshape(-1, 2)


def _checked_similarities(
    nodes: _Nodes, need: np.ndarray, params: DedupParams
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment of node pairs ``need`` (shingled here, few of them)."""
    used = np.unique(need)
    sets = minhash.hash_shingles(
        [nodes.texts[i] for i in used], k=params.shingle_size, seed=params.seed
    )
    local = np.searchsorted(used, need)
    inter = minhash.overlap_counts(sets, local)
    return minhash.jaccard(sets, local, inter), minhash.containment(sets, local, inter)


def _pair_similarities(
    nodes: _Nodes, want: np.ndarray, pairs: pd.DataFrame, params: DedupParams, check=None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment of node pairs ``want``; reuses ``pairs`` when checked.

    ``check``: computes those of node pairs never checked (default:
    :func:`_checked_similarities` over ``nodes.texts``).
    """
    n = len(nodes.texts)
    known = pairs[pairs["checked"]]
    done = _node_pairs(nodes, known)
    done_code = done.min(axis=1) * n + done.max(axis=1)
    order = np.argsort(done_code, kind="stable")
    done_code = done_code[order]
    done_sims = known[["jaccard", "containment"]].to_numpy(dtype=float)[order]
    codes = want.min(axis=1) * n + want.max(axis=1)
    pos = np.minimum(np.searchsorted(done_code, codes), max(len(done_code) - 1, 0))
    hit = done_code[pos] == codes if len(done_code) else np.zeros(len(codes), dtype=bool)
    sims = np.empty((len(codes), 2))
    sims[hit] = done_sims[pos[hit]]
    missing = np.unique(codes[~hit])
    if len(missing):
        need = np.stack([missing // n, missing % n], axis=1)
        jac, con = _checked_similarities(nodes, need, params) if check is None else check(need)
        at = np.searchsorted(missing, codes[~hit])
        sims[~hit] = np.stack([jac[at], con[at]], axis=1)
    return sims[:, 0], sims[:, 1]


def _rule_and_similarity(
    same_text: np.ndarray, cross: np.ndarray, jac: np.ndarray, con: np.ndarray, params
) -> tuple[np.ndarray, np.ndarray]:
    """Rule tying a member to its canonical article, and the similarity that rule uses.

    A member joined only through another member (A~B, B~C) may be below both thresholds
    against the canonical one; it gets the rule whose threshold it comes closer to.
    """
    by_jaccard = jac / params.jaccard_threshold >= con / params.containment_threshold
    rule = np.where(by_jaccard, "near", "contained").astype(object)
    rule[same_text] = "exact"
    rule[cross] = "cross_script"
    similarity = np.where(by_jaccard, jac, con)
    similarity[same_text] = 1.0
    return rule, similarity


def assign_clusters(
    norm: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    params: DedupParams = DEFAULT_PARAMS,
    text_col: str = "body",
) -> pd.DataFrame:
    """Cluster rows (equal text or a joining pair), pick each cluster's representative.

    Args:
        norm: articles with ``text_norm`` and ``norm_script`` (:func:`add_text_norm`).
        pairs: checked pairs from :func:`find_duplicate_pairs`.
        params: thresholds (used to name the rule of transitive members).
        text_col: the original text column (its boilerplate sentences do not count as
            completeness when picking the representative).

    Returns:
        ``norm`` plus ``cluster_id`` (the representative's article_id), ``is_canonical``,
        ``dup_of``, ``dup_rule``, ``similarity`` (None/NaN on representatives), and the exact
        ``jaccard``/``containment`` against the representative.

    Example:
        >>> from helpers.dedup.textnorm import add_text_norm
        >>> from helpers.dedup.pairs import find_duplicate_pairs
        >>> body = "蔚来汽车交付量创下新高，海外市场增长明显，欧洲订单翻倍。"
        >>> norm = add_text_norm(pd.DataFrame({"article_id": ["b", "a"], "body": [body] * 2}))
        >>> out = assign_clusters(norm, find_duplicate_pairs(norm))
        >>> out[["article_id", "cluster_id", "dup_of", "dup_rule"]].values.tolist()
        [['b', 'a', 'a', 'exact'], ['a', 'a', nan, nan]]
    """
    nodes = _text_nodes(norm, params.min_match_chars)
    bodies = norm[text_col].fillna("").astype(str).tolist()
    return _assign_clusters(norm, pairs, nodes, params, bodies)


def _node_components(nodes: _Nodes, pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Cluster and template group of each node (figures keep template pairs apart)."""
    joined = pairs[pairs["edge"].isin(JOIN_EDGES)]
    edges = _node_pairs(nodes, joined)
    weight = np.where(joined["edge"] == "near", joined["jaccard"], joined["containment"])
    template = _node_pairs(nodes, pairs[pairs["edge"] == "template"])
    component = constrained_components(len(nodes.texts), edges, weight, template)
    return component, template_labels(component, template)


def _lacking_nodes(nodes: _Nodes, pairs: pd.DataFrame, component: np.ndarray) -> np.ndarray:
    """Nodes lacking a figure another text of their own cluster has (by a joined pair)."""
    short = pairs[pairs["edge"].isin(JOIN_EDGES) & (pairs["fewer_figures_id"] != "")]
    lacks = np.zeros(len(nodes.texts), dtype=bool)
    if len(short):
        both = _node_pairs(nodes, short)
        same = component[both[:, 0]] == component[both[:, 1]]
        index = pd.Index(nodes.rep_ids, dtype=object)
        lacks[index.get_indexer(short["fewer_figures_id"].to_numpy(dtype=object))[same]] = True
    return lacks


def _assign_clusters(
    norm: pd.DataFrame,
    pairs: pd.DataFrame,
    nodes: _Nodes,
    params: DedupParams,
    bodies: list[str],
) -> pd.DataFrame:
    """:func:`assign_clusters`, given the nodes of ``norm`` and its original texts."""
    plan = plan_clusters(nodes, pairs)
    component, lacks = plan.rows(nodes)
    canon = _canonical_rows(norm, component, lambda rows: [bodies[i] for i in rows.tolist()], lacks)
    conversions = norm["conversion"].tolist()

    def spans(members: np.ndarray, canons: np.ndarray) -> list[str]:
        return read_spans(members, canons, bodies, conversions, (nodes.runs, nodes.of_row))

    return finish_clusters(norm, pairs, nodes, params, (plan, canon, spans))


@dataclass(frozen=True)
class ClusterPlan:
    """Per text node: its cluster, its template group, whether it lacks a figure of its cluster."""

    component: np.ndarray
    template: np.ndarray
    lacks: np.ndarray

    def rows(self, nodes: _Nodes) -> tuple[np.ndarray, np.ndarray]:
        """The component and the ``lacks`` flag of each row."""
        return self.component[nodes.of_row], self.lacks[nodes.of_row]


def plan_clusters(nodes: _Nodes, pairs: pd.DataFrame) -> ClusterPlan:
    """Components of the joining pairs (figures keep template pairs apart), before any text.

    NOTE: apart from :func:`finish_clusters` so that stage 02 over partitions picks the
    representatives of whole clusters on the workers, next to their texts.
    """
    component, template = _node_components(nodes, pairs)
    return ClusterPlan(component, template, _lacking_nodes(nodes, pairs, component))


def finish_clusters(
    norm: pd.DataFrame,
    pairs: pd.DataFrame,
    nodes: _Nodes,
    params: DedupParams,
    decided: tuple[ClusterPlan, np.ndarray, Callable[[np.ndarray, np.ndarray], list[str]]],
    check: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """``norm`` plus the cluster columns, given the plan, each row's canonical row and spans.

    ``decided``: the :class:`ClusterPlan`, the canonical row of each row
    (:func:`_canonical_rows`) and a function giving the ``read_spans`` of copies against
    their canonical rows (:func:`helpers.dedup.groups.read_spans`). ``check``: the exact
    similarities of node pairs never checked (a copy tied to its representative through
    another copy; default: shingled from ``nodes.texts``). Reads no other text.
    """
    plan, canon, spans_of = decided
    member = np.flatnonzero(canon != np.arange(len(norm)))
    want = np.stack([nodes.of_row[member], nodes.of_row[canon[member]]], axis=1)
    same_text = want[:, 0] == want[:, 1]
    jac, con = np.ones(len(member)), np.ones(len(member))
    if (~same_text).any():
        jac[~same_text], con[~same_text] = _pair_similarities(
            nodes, want[~same_text], pairs, params, check
        )
    scripts = norm["norm_script"].to_numpy()
    cross = scripts[member] != scripts[canon[member]]
    rule, similarity = _rule_and_similarity(same_text, cross, jac, con, params)
    ids = norm["article_id"].astype(str).to_numpy()
    out = norm.copy()
    out["cluster_id"] = ids[canon]
    out["is_canonical"] = canon == np.arange(len(norm))
    # A template group is named by the representative of its first cluster (by node number,
    # i.e. article_id order).
    out["template_id"] = ids[canon[nodes.rep_rows[plan.template[nodes.of_row]]]]
    node_story = template_labels(plan.component, story_pairs(nodes.texts, nodes.runs))
    out["story_id"] = ids[canon[nodes.rep_rows[node_story[nodes.of_row]]]]
    outlets = _column(norm, "source_name", "")
    out["story_outlets"] = story_outlets(out["story_id"], outlets).to_numpy()
    read = np.full(len(norm), "", dtype=object)
    read[member[~same_text]] = spans_of(member[~same_text], canon[member[~same_text]])
    out["read_spans"] = pd.Series(read, index=norm.index, dtype=object)
    for col, values in (
        ("dup_of", ids[canon[member]]),
        ("dup_rule", rule),
        ("similarity", similarity),
        ("jaccard", jac),
        ("containment", con),
    ):
        is_text = values.dtype == object
        full = np.full(len(norm), None if is_text else np.nan, dtype=values.dtype)
        full[member] = values
        out[col] = pd.Series(full, index=norm.index, dtype="str" if is_text else float)
    return out


def build_report(clustered: pd.DataFrame) -> pd.DataFrame:
    """One row per non-canonical article: what it duplicates, by which rule, how similar.

    Args:
        clustered: output of :func:`assign_clusters`.

    Returns:
        ``article_id``, ``dup_of`` (the kept article), ``cluster_id``, ``dup_rule``,
        ``similarity``, ``jaccard``, ``containment``, ``title``/``dup_of_title`` and
        ``source_file`` when the input has them; sorted by cluster then article.

    Example:
        >>> from helpers.dedup.textnorm import add_text_norm
        >>> from helpers.dedup.pairs import find_duplicate_pairs
        >>> body = "理想汽车发布季度财报，营收同比增长，毛利率回升至两成。"
        >>> norm = add_text_norm(pd.DataFrame({"article_id": ["a", "b"], "body": [body] * 2}))
        >>> build_report(assign_clusters(norm, find_duplicate_pairs(norm)))["dup_of"].tolist()
        ['a']
    """
    cols = ["article_id", "dup_of", "cluster_id", "dup_rule", "similarity", "jaccard"]
    cols += ["containment"] + [c for c in ("title", "source_file") if c in clustered]
    report = clustered.loc[~clustered["is_canonical"], cols]
    if "title" in clustered:
        titles = clustered.set_index(clustered["article_id"].astype(str))["title"]
        report = report.assign(dup_of_title=report["dup_of"].map(titles).to_numpy())
    return report.sort_values(["cluster_id", "article_id"]).reset_index(drop=True)


def borderline_pairs(
    pairs: pd.DataFrame,
    *,
    params: DedupParams = DEFAULT_PARAMS,
    margin: float = BORDERLINE_MARGIN,
) -> pd.DataFrame:
    """Checked pairs that did not join but came within ``margin`` below a threshold.

    Sorted closest first (``gap`` = distance to the nearer threshold), so a user tuning the
    thresholds sees what a lower value would merge.

    Example:
        >>> p = pd.DataFrame({"article_id": ["a", "a"], "other_id": ["b", "c"],
        ...                   "checked": [True, True], "jaccard": [0.65, 0.2],
        ...                   "containment": [0.7, 0.3], "edge": ["", ""]})
        >>> borderline_pairs(p)[["other_id", "gap"]].round(2).values.tolist()
        [['b', 0.05]]
    """
    gap_j = params.jaccard_threshold - pairs["jaccard"]
    gap_c = params.containment_threshold - pairs["containment"]
    gap = np.minimum(gap_j.where(gap_j > 0, np.inf), gap_c.where(gap_c > 0, np.inf))
    near_miss = pairs["checked"] & (pairs["edge"] == "") & (gap <= margin)
    return pairs[near_miss].assign(gap=gap[near_miss]).sort_values("gap").reset_index(drop=True)


def deduplicate(
    df: pd.DataFrame,
    *,
    params: DedupParams = DEFAULT_PARAMS,
    text_col: str = "body",
    candidates: CandidateFinder | None = None,
) -> DedupResult:
    """Run stage 02 on an articles table: normalise, pair, cluster, report.

    Args:
        df: stage-01 articles (``article_id``, ``body``; ``script``, ``quality_score``,
            ``published_date``, ``title`` are used when present).
        params: see :class:`DedupParams`.
        text_col: the column matched (the cleaned ``body``; titles are ignored on purpose:
            reprints are often retitled).
        candidates: a function ``(node texts, params) -> (m, 2) index pairs`` proposing the
            pairs to check instead of our MinHash + LSH (every proposed pair is checked
            exactly); the benchmark passes datasketch's LSH here. None: ours.

    Returns:
        :class:`DedupResult`: ``articles`` = ``df`` (same rows, same order) plus
        :data:`OUTPUT_COLUMNS`; the report; the checked pairs.

    Example:
        >>> body = "小米汽车交付新车，订单排到明年。" * 2
        >>> df = pd.DataFrame({"article_id": ["m1", "m2", "m3"],
        ...                    "body": [body, body + "（完）", body.replace("，", ", ")]})
        >>> deduplicate(df).report[["article_id", "dup_of", "dup_rule"]].values.tolist()
        [['m2', 'm1', 'near'], ['m3', 'm1', 'exact']]
    """
    # NOTE: a re-run on stage-02 output recomputes the columns instead of duplicating them.
    df = df.drop(columns=[c for c in OUTPUT_COLUMNS if c in df.columns])
    # NOTE: the internal steps share the bodies as Python strings and the text nodes
    # (converting an Arrow string column, or numbering 20 000 texts, twice cost ~0.05 s).
    norm, texts = _add_text_norm(df, text_col)
    nodes = _text_nodes(norm, params.min_match_chars)
    pairs = _find_pairs(norm, nodes, params, texts, candidates)
    clustered = _assign_clusters(norm, pairs, nodes, params, texts)
    report = build_report(clustered)
    articles = clustered[[*df.columns, *OUTPUT_COLUMNS]]
    return DedupResult(articles=articles, report=report, pairs=pairs)

"""Clusters kept apart by their figures, template links, and the sentences stage 03 must read.

* :func:`constrained_components` — connected components of the joining pairs, except that
  two texts whose figures conflict (a ``template`` pair) never end in one cluster, whatever
  chain of copies links them;
* :func:`template_labels` — clusters linked by a ``template`` pair share a ``template_id``
  (twelve monthly briefs of one template: twelve clusters, one template);
* :func:`read_spans` — the sentences of a copy holding a figure its representative does not
  have (an update's added paragraph, a longer version's last one): stage 03 reads them in the
  copy, so a figure only one copy has still reaches ``facts`` with a span into that copy.

Example:
    >>> constrained_components(3, np.array([[0, 1], [1, 2]]), np.array([0.9, 0.8]),
    ...                        np.array([[0, 2]])).tolist()
    [0, 0, 2]
"""

from __future__ import annotations

import numpy as np

from helpers.dedup import figures
from helpers.text.numbers import SKIPPED_KINDS
from helpers.text.sentences import format_spans, split_sentences


def connected_components(n: int, edges: np.ndarray) -> np.ndarray:
    """Label nodes ``0..n-1`` by component; a component's label is its smallest node.

    Example:
        >>> connected_components(5, np.array([[0, 3], [3, 4]])).tolist()
        [0, 1, 2, 0, 0]
    """
    # NOTE: min-label propagation in numpy instead of a Python union-find (0.02-0.06 s on
    # 20 000 articles, ~1.5 ms this way). Each round gives both ends of every edge, and the
    # nodes their labels point to, the smaller label; label[x] is always a node of x's
    # component no larger than x, so once every edge has equal ends the label of a component
    # is its smallest node. Pointer jumping (label[label]) shortens the chains of long paths.
    label = np.arange(n, dtype=np.int64)
    a, b = (np.asarray(edges, dtype=np.int64).reshape(-1, 2)[:, j] for j in (0, 1))
    while len(a):
        la, lb = label[a], label[b]
        low = np.minimum(la, lb)
        for ends in (a, b, la, lb):
            np.minimum.at(label, ends, low)
        label = label[label]
        if (label[a] == label[b]).all():
            break
    return label


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _constrained_union(
    nodes: list[int], edges: list[tuple[int, int]], forbidden: list[tuple[int, int]]
) -> dict[int, int]:
    """Union-find over ``edges`` (strongest first) that never joins a ``forbidden`` pair."""
    parent = {x: x for x in nodes}
    apart: dict[int, set[int]] = {x: set() for x in nodes}
    for a, b in forbidden:
        apart[a].add(b)
        apart[b].add(a)
    for a, b in edges:
        ra, rb = _find(parent, a), _find(parent, b)
        if ra == rb or rb in apart[ra]:
            continue
        keep, gone = min(ra, rb), max(ra, rb)
        parent[gone] = keep
        apart[keep] |= apart.pop(gone)
        for r in apart[keep]:  # the roots kept apart from ``gone`` now name ``keep``
            apart[r].discard(gone)
            apart[r].add(keep)
    return {x: _find(parent, x) for x in nodes}


def constrained_components(
    n: int, edges: np.ndarray, weights: np.ndarray, forbidden: np.ndarray
) -> np.ndarray:
    """Label nodes by component of ``edges``, never joining a pair of ``forbidden``.

    Components with no forbidden pair inside are the plain connected components. The
    others are rebuilt by adding their edges strongest first (``weights``, then node
    numbers) and skipping any edge that would put a forbidden pair in one component.
    Labels are the smallest node of each component.

    Example:
        >>> constrained_components(4, np.array([[0, 1], [1, 2], [2, 3]]),
        ...                        np.array([0.9, 0.7, 0.95]), np.array([[0, 3]])).tolist()
        [0, 0, 2, 2]
    """
    label = connected_components(n, edges)
    forbidden = np.asarray(forbidden, dtype=np.int64).reshape(-1, 2)
    inside = forbidden[label[forbidden[:, 0]] == label[forbidden[:, 1]]]
    if not len(inside):
        return label
    redo = np.isin(label, label[inside[:, 0]])
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    mine = redo[edges[:, 0]]
    order = np.lexsort((edges[mine, 1], edges[mine, 0], -np.asarray(weights)[mine]))
    roots = _constrained_union(
        np.flatnonzero(redo).tolist(),
        [tuple(e) for e in edges[mine][order].tolist()],
        [tuple(f) for f in inside.tolist()],
    )
    out = label.copy()
    keys = np.array(list(roots.keys()), dtype=np.int64)
    out[keys] = np.array(list(roots.values()), dtype=np.int64)
    return out


def template_labels(component: np.ndarray, template_edges: np.ndarray) -> np.ndarray:
    """Label each node's cluster by the group its ``template_edges`` link it to (smallest node).

    Used for template groups (``template`` pairs) and for stories (shared figures).

    Example:
        >>> template_labels(np.array([0, 0, 2, 3]), np.array([[1, 2]])).tolist()
        [0, 0, 0, 3]
    """
    edges = np.asarray(template_edges, dtype=np.int64).reshape(-1, 2)
    n = len(component)
    both = np.concatenate([np.stack([np.arange(n), component], axis=1), edges])
    return connected_components(n, both)


def new_figure_spans(body: str, conversion: str, canon_body: str, canon_conversion: str) -> str:
    r"""Sentences of ``body`` holding a figure (one facts read) that the representative lacks.

    Returns:
        Their character spans in ``body`` (as :func:`helpers.text.sentences.split_sentences`
        cuts sentences, the unit stage 03 reads), "start-end" joined by ";"; "" when none.

    Example:
        >>> orig = "零跑11月交付7万辆。\n公司称将继续扩大产能。"
        >>> update = orig + "\n更新：其中出口1.2万辆。"
        >>> new_figure_spans(update, "none", orig, "none")
        '24-37'
    """
    diff = figures.compare_figures(body, conversion, canon_body, canon_conversion)
    starts = sorted(f.start for f in diff.only_a if f.kind not in SKIPPED_KINDS)
    if not starts:
        return ""
    spans = [
        (s.start, s.end) for s in split_sentences(body) if any(s.start <= x < s.end for x in starts)
    ]
    return format_spans(spans)


def read_spans(
    members: np.ndarray,
    canon: np.ndarray,
    bodies: list[str],
    conversions: list[str],
    runs: tuple[figures.NumeralRuns, np.ndarray],
) -> list[str]:
    """:func:`new_figure_spans` of each copy ``members[i]`` against its ``canon[i]`` row.

    ``runs``: the numeral runs of the text nodes and the node of each row.

    NOTE: a copy with no numeral run beyond its representative's but years
    (:func:`helpers.dedup.figures.run_differences`: every exact, reordered, converted or cut
    reprint) has no figure of its own and is not parsed.
    """
    out = [""] * len(members)
    if not len(members):
        return out
    node_runs, of_row = runs
    diff = figures.run_differences(node_runs, np.stack([of_row[members], of_row[canon]], axis=1))
    for i in np.flatnonzero(diff.figures_a > 0).tolist():
        m, c = int(members[i]), int(canon[i])
        out[i] = new_figure_spans(bodies[m], conversions[m], bodies[c], conversions[c])
    return out

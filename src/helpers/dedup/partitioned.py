"""Stage 02 over partitions: signatures per partition, LSH bands joined and pairs checked as tasks.

:func:`deduplicate_parts` is what ``notebooks/02_dedup.ipynb`` calls. Every step that reads
texts runs on the engine (this process or dask workers), and the texts travel through a
scratch folder beside the articles table (removed at the end), never through the client:

1. per partition (:func:`prepare_partition`): read the columns stage 02 uses (never
   ``body_raw``), make the matching copy (``text_norm``), each text's MinHash signature,
   shingle count and numeral runs; write the bodies and matching copies
   (``texts/part-NNNNN.arrow``, read back by the row) and the signatures
   (``signatures/part-NNNNN.npy``) to the scratch folder; send the client only what is
   small per article (ids, metadata, a digest of the matching copy, its length and shingle
   count, its numeral runs);
2. the client numbers the distinct texts by their digests (as
   :func:`helpers.dedup.pairs._text_nodes` does by the texts: exact copies are one node);
3. per group of :data:`BAND_GROUP` LSH bands (:func:`join_bands`, the group-by of a shuffle
   through the file system): the bands of every node's signature, read from the scratch
   folder, sorted and joined into candidate pairs, whose MinHash estimates are prefiltered
   there; the client takes the union (a pair found by several groups once);
4. per chunk of about :data:`CHECK_CHARS` characters of candidate texts (:func:`verify_pairs`):
   the texts of the chunk's pairs read from the scratch folder, their exact Jaccard and
   containment, and their figures compared (:mod:`helpers.dedup.figures`);
5. the client decides edges and clusters (from the pairs alone); per chunk of whole clusters
   (:func:`pick_representatives`) a task reads their texts and picks each representative
   (the boilerplate test of ``thresholds.CANONICAL_RULE``); per chunk of copies
   (:func:`find_read_spans`) a task finds the sentences of ``read_spans``; the few copies tied
   to their representative through another copy have their overlaps checked the same way
   (:func:`check_overlaps`). Stories come from the numeral runs the client holds.

The client never holds a body or a matching copy: per article about 255 bytes of small
columns and 14 numeral runs of 18 bytes (100 k articles: peak RSS 494 MB, from 1,188 MB when
it gathered the texts). The notebook reads the bodies of the rows it shows
(:func:`with_bodies`).

Finally each partition's rows of ``articles_dedup`` are written by a worker
(:func:`write_partition`): its articles as stage 01 wrote them plus the columns stage 02
adds. The result equals :func:`helpers.dedup.deduplicate` on the whole table (tested): a
text's signature depends on that text alone, a pair's checks on its two texts alone, and
every global step sees the same nodes in the same (``article_id``) order.

Example:
    >>> import tempfile
    >>> from helpers.core.partitions import LocalEngine
    >>> d = Path(tempfile.mkdtemp())
    >>> body = "小米汽车交付新车，订单排到明年。" * 2
    >>> for i, text in enumerate([body, body + "（完）"]):
    ...     _ = io.write_part(pd.DataFrame({"article_id": [f"m{i}"], "body": [text]}),
    ...                       d / "articles.parquet", i)
    >>> out = deduplicate_parts(d / "articles.parquet", engine=LocalEngine(progress=None))
    >>> out.result.report[["article_id", "dup_of", "dup_rule"]].values.tolist()
    [['m1', 'm0', 'near']]
    >>> sorted(p.name for p in d.iterdir())  # the scratch folder is gone
    ['articles.parquet']
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import io
from helpers.core.partitions import Engine, LocalEngine
from helpers.dedup import figures, minhash
from helpers.dedup.clusters import (
    _canonical_rows,
    _checked_similarities,
    _grouped_rows,
    build_report,
    finish_clusters,
    plan_clusters,
)
from helpers.dedup.groups import read_spans
from helpers.dedup.pairs import (
    _FigureColumns,
    _Nodes,
    _nodes_by_key,
    _worth_checking,
    pair_figures,
    pair_table,
)
from helpers.dedup.textnorm import _add_text_norm
from helpers.dedup.thresholds import (
    DEFAULT_PARAMS,
    OUTPUT_COLUMNS,
    DedupParams,
    DedupResult,
)

# Columns of stage 01's articles that stage 02 reads (the rest stays on disk until written).
INPUT_COLUMNS = (
    "article_id",
    "source_file",
    "source_line",
    "title",
    "body",
    "published_date",
    "source_name",
    "script",
    "quality_score",
)
# Columns of the texts, written to the scratch folder and read back by the row.
TEXT_COLUMNS = ("body", "text_norm", "conversion")
# Characters of candidate texts one verification task reads and shingles (~8 bytes each).
CHECK_CHARS = 4_000_000
# LSH bands per band task (42 bands: 14 tasks). NOTE: each task reads every node's
# signature (512 bytes a text) and sorts its bands' keys; fewer bands per task spread the
# sort, more bands estimate fewer pairs twice (a near copy shares most bands).
BAND_GROUP = 3
SCRATCH_PREFIX = ".dedup-scratch-"
NODES_FILE = "nodes.npy"


@dataclass(frozen=True)
class NormPart:
    """What a partition sends back: small columns per row, and its texts' numeral runs."""

    meta: pd.DataFrame  # stage 01's columns but the body; conversion, norm_script, text_*
    runs: figures.NumeralRuns  # ``doc``: the row in the partition


@dataclass(frozen=True)
class DedupParts:
    """Stage 02 over partitions: the result, and what each partition's rows are."""

    result: DedupResult
    parts: list[Path]
    part_rows: list[int]
    input_columns: list[str]


@dataclass(frozen=True)
class _Where:
    """Where each text node's representative row sits: scratch part and row in it."""

    part: np.ndarray
    row: np.ndarray


def _columns(part: Path) -> list[str]:
    return io.present_columns(part, INPUT_COLUMNS)


def text_digest(text: str) -> bytes:
    """A 128-bit digest of a matching copy: equal digests stand for equal texts.

    NOTE: the client numbers exact copies by digest instead of holding every text; two
    different texts share a BLAKE2b-128 digest with probability ~2**-128.

    Example:
        >>> text_digest("比亚迪出口") == text_digest("比亚迪出口"), len(text_digest("蔚来"))
        (True, 16)
    """
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _scratch_file(scratch: Path, kind: str, index: int, suffix: str) -> Path:
    return scratch / kind / f"{io.PART_PREFIX}{index:05d}{suffix}"


def prepare_partition(
    item: tuple[int, str], *, scratch: str, params: DedupParams = DEFAULT_PARAMS
) -> NormPart:
    """One partition: matching copies, signatures and numeral runs; texts to the scratch folder.

    Args:
        item: ``(position of the partition, path of its part of the articles table)``.
        scratch: the run's scratch folder (:func:`deduplicate_parts` makes and removes it).
        params: shingle size, signature length, seed, shortest text matched.

    Returns:
        :class:`NormPart`: per row the columns stage 02 reads but ``body``, plus
        ``conversion``, ``norm_script``, ``text_len`` (characters of ``text_norm``),
        ``text_key`` (:func:`text_digest`, None for texts too short to match) and
        ``set_size`` (distinct shingles); the numeral runs of the texts matched.
    """
    index, part = item
    df = io.read_table(part, columns=_columns(Path(part)))
    norm, bodies = _add_text_norm(df, "body")
    texts = [t if len(t) >= params.min_match_chars else "" for t in norm["text_norm"]]
    sets = minhash.hash_shingles(texts, k=params.shingle_size, seed=params.seed)
    sig = minhash.oph_signatures(sets, num_perm=params.num_perm, seed=params.seed)
    root = Path(scratch)
    text_table = pd.DataFrame({"body": bodies, "text_norm": norm["text_norm"].tolist(),
                               "conversion": norm["conversion"].tolist()})  # fmt: skip
    io.write_arrow(text_table, _scratch_file(root, "texts", index, ".arrow"))
    with (
        io.atomic_path(_scratch_file(root, "signatures", index, ".npy")) as tmp,
        open(tmp, "wb") as f,
    ):
        np.save(f, sig)
    meta = norm.drop(columns=["body", "text_norm"]).assign(
        text_len=np.fromiter(map(len, norm["text_norm"]), dtype=np.int64, count=len(norm)),
        text_key=[text_digest(t) if t else None for t in texts],
        set_size=sets.sizes,
    )
    return NormPart(meta, _compact(figures.numeral_runs_of(texts)))


def _concat_runs(runs: list[figures.NumeralRuns]) -> figures.NumeralRuns:
    """Numeral runs of several partitions as one (``doc`` already global)."""
    if not runs:
        return figures.numeral_runs_of([])
    fields = figures.NumeralRuns.__dataclass_fields__
    return figures.NumeralRuns(*(np.concatenate([getattr(r, f) for r in runs]) for f in fields))


def _compact(runs: figures.NumeralRuns) -> figures.NumeralRuns:
    """The runs in small integer types: 18 bytes a run instead of 33 (~14 runs an article).

    NOTE: the client keeps every text's runs (stories and ``read_spans`` need them);
    ``significant`` is only compared with small numbers (a run of more than 127 significant
    characters counts as 127), ``lengths`` with nothing.

    Example:
        >>> r = _compact(figures.numeral_runs_of(["出口352万辆增长12"]))
        >>> r.doc.dtype.name, r.significant.tolist()
        ('int32', [3, 2])
    """
    return figures.NumeralRuns(
        doc=runs.doc.astype(np.int32),
        hashes=runs.hashes,
        lengths=runs.lengths.astype(np.int32),
        is_year=runs.is_year,
        significant=np.minimum(runs.significant, 127).astype(np.int8),
    )


def _gather(done: list[NormPart]) -> tuple[pd.DataFrame, figures.NumeralRuns, _Where]:
    """The partitions' rows in partition order, their runs (``doc``: row), each row's place."""
    frames = [d.meta for d in done if len(d.meta)] or [d.meta for d in done[:1]]
    if not frames:  # no partition at all
        frames = [pd.DataFrame(columns=["article_id", "conversion", "norm_script", "text_len",
                                        "text_key", "set_size"])]  # fmt: skip
    meta = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    counts = np.array([len(d.meta) for d in done], dtype=np.int64)
    offsets = np.r_[0, np.cumsum(counts)]
    moved = [
        (d.runs, (d.runs.doc + at).astype(np.int32)) for d, at in zip(done, offsets, strict=False)
    ]
    runs = _concat_runs([replace(r, doc=doc) for r, doc in moved])
    part = np.repeat(np.arange(len(done)), counts)
    row = np.arange(int(offsets[-1])) - np.repeat(offsets[:-1], counts)
    return meta.reset_index(drop=True), runs, _Where(part, row)


def _node_runs(runs: figures.NumeralRuns, nodes: _Nodes, n_rows: int) -> figures.NumeralRuns:
    """The runs of each node's representative row, ``doc`` renumbered to the node."""
    node_of = np.full(n_rows, -1, dtype=np.int64)
    node_of[nodes.rep_rows] = np.arange(len(nodes.rep_rows))
    node = node_of[runs.doc]
    keep = np.flatnonzero(node >= 0)
    keep = keep[np.argsort(node[keep], kind="stable")]
    fields = figures.NumeralRuns.__dataclass_fields__
    picked = {f: getattr(runs, f)[keep] for f in fields}
    return figures.NumeralRuns(**{**picked, "doc": node[keep]})


def _by_part(part: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """``(part, positions in part order)`` for each part that ``part`` names.

    Example:
        >>> [(p, at.tolist()) for p, at in _by_part(np.array([2, 0, 2]))]
        [(0, [1]), (2, [0, 2])]
    """
    order = np.argsort(part, kind="stable")
    ordered = part[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(order) else order
    bounds = [*starts.tolist(), len(order)]
    return [(int(ordered[lo]), order[lo:hi]) for lo, hi in itertools.pairwise(bounds)]


def _read_rows(scratch: Path, where: _Where, columns: tuple[str, ...]) -> dict[str, list]:
    """Columns of the scratch texts at ``where`` (in that order), each as a Python list."""
    out: dict[str, list] = {c: [None] * len(where.part) for c in columns}
    for part, at in _by_part(where.part):
        path = _scratch_file(scratch, "texts", part, ".arrow")
        table = io.read_arrow_rows(path, where.row[at], columns)
        for c in columns:
            target = out[c]
            for i, value in zip(at.tolist(), table.column(c).to_pylist(), strict=True):
                target[i] = value
    return out


def _node_signatures(scratch: Path, where: _Where, num_perm: int) -> np.ndarray:
    """``(nodes, num_perm)`` signatures of the nodes' representative rows, from the parts."""
    sig = np.empty((len(where.part), num_perm), dtype=np.uint32)
    for part, at in _by_part(where.part):
        sig[at] = np.load(_scratch_file(scratch, "signatures", part, ".npy"))[where.row[at]]
    return sig


def _save_nodes(scratch: Path, where: _Where, sizes: np.ndarray) -> None:
    """Write each node's part, row and shingle count for the band tasks (24 bytes a text).

    NOTE: one file every band task reads, not arrays passed to each task (which a dask
    scheduler would copy into every task, and which clashed with its task keys).
    """
    with io.atomic_path(scratch / NODES_FILE) as tmp, open(tmp, "wb") as f:
        np.save(f, np.stack([where.part, where.row, sizes]).astype(np.int64))


def join_bands(
    group: tuple[int, int], *, scratch: str, params: DedupParams = DEFAULT_PARAMS
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate node pairs of one group of LSH bands, and their MinHash estimates.

    Args:
        group: ``(first band, number of bands)``.
        scratch: the run's scratch folder: the signatures of every partition, and
            ``nodes.npy`` (each node's representative row and shingle count, see
            :func:`_save_nodes`).
        params: LSH shape, thresholds and prefilter margin.

    Returns:
        ``(m, 2)`` node pairs (``i < j``, sorted) whose estimate is close enough to a
        threshold to be checked exactly, and those estimates.
    """
    first, count = group
    part, row, sizes = np.load(Path(scratch) / NODES_FILE)
    sig = _node_signatures(Path(scratch), _Where(part, row), params.num_perm)
    cand = minhash.band_candidates(sig, bands=count, rows=params.rows, first_band=first)
    est = minhash.estimate_jaccard(sig, cand)
    pair_sizes = sizes[cand] if len(cand) else np.empty((0, 2), dtype=np.int64)
    keep = _worth_checking(est, pair_sizes, params)
    return cand[keep], est[keep]


def _union(found: list[tuple[np.ndarray, np.ndarray]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """One row per distinct pair of the band groups' candidates, sorted (as one band join)."""
    cand = np.concatenate([c for c, _ in found]) if found else np.empty((0, 2), dtype=np.int64)
    est = np.concatenate([e for _, e in found]) if found else np.empty(0)
    code, first = np.unique(cand[:, 0] * n + cand[:, 1], return_index=True)
    return np.stack([code // n, code % n], axis=1).reshape(-1, 2), est[first]


def verify_pairs(
    item: dict, *, scratch: str, params: DedupParams = DEFAULT_PARAMS
) -> tuple[np.ndarray, np.ndarray, _FigureColumns]:
    """Exact Jaccard, containment and figure columns of one chunk of candidate pairs.

    Args:
        item: ``pairs`` ((m, 2) positions in ``nodes``), ``sizes`` ((m, 2) shingle counts)
            and ``where`` (:class:`_Where` of ``nodes``, the chunk's distinct nodes).
        scratch: the run's scratch folder (texts of every partition).
        params: shingle size, thresholds.

    Returns:
        ``(jaccard, containment, figure columns)`` per pair.
    """
    local, where = item["pairs"], item["where"]
    texts = _read_rows(Path(scratch), where, TEXT_COLUMNS)
    norm_texts = [t if len(t) >= params.min_match_chars else "" for t in texts["text_norm"]]
    k = len(norm_texts)
    nodes = _Nodes(np.arange(k), norm_texts, np.arange(k).astype(str), np.arange(k))
    jac, con = _checked_similarities(nodes, local, params)
    figs = pair_figures(local, item["sizes"], (jac, con), nodes,
                        (texts["body"], texts["conversion"]), params)  # fmt: skip
    return jac, con, figs


def _check_items(cand: np.ndarray, sizes: np.ndarray, lengths: np.ndarray, where: _Where):
    """Chunks of candidate pairs of about :data:`CHECK_CHARS` characters, as task items."""
    items = []
    if not len(cand):
        return items
    ends = np.cumsum(lengths[cand].sum(axis=1))
    cuts = np.searchsorted(ends, np.arange(CHECK_CHARS, ends[-1], CHECK_CHARS), side="right")
    for lo, hi in itertools.pairwise(sorted({0, len(cand), *cuts.tolist()})):
        used, local = np.unique(cand[lo:hi], return_inverse=True)
        items.append({"pairs": local.reshape(-1, 2), "sizes": sizes[lo:hi],
                      "where": _Where(where.part[used], where.row[used])})  # fmt: skip
    return items


def _checked_pairs(
    engine: Engine, scratch: Path, nodes: _Nodes, meta: pd.DataFrame, where: _Where, params
) -> pd.DataFrame:
    """Candidates joined band group by band group, checked chunk by chunk: the pairs table."""
    n = len(nodes.rep_rows)
    node_where = _Where(where.part[nodes.rep_rows], where.row[nodes.rep_rows])
    node_sizes = meta["set_size"].to_numpy(dtype=np.int64)[nodes.rep_rows]
    groups = [(b, min(BAND_GROUP, params.bands - b)) for b in range(0, params.bands, BAND_GROUP)]
    _save_nodes(scratch, node_where, node_sizes)
    found = engine.map(join_bands, groups, label="02_dedup bands", scratch=str(scratch),
                       params=params)  # fmt: skip
    cand, est = _union(found, max(n, 1))
    del found
    sizes = node_sizes[cand] if len(cand) else np.empty((0, 2), dtype=np.int64)
    lengths = meta["text_len"].to_numpy(dtype=np.int64)[nodes.rep_rows]
    items = _check_items(cand, sizes, lengths, node_where)
    checked = engine.map(verify_pairs, items, label="02_dedup pairs", scratch=str(scratch),
                         params=params)  # fmt: skip
    jac, con, figs = _concat_checks(checked)
    return pair_table(nodes, params, (cand, est, sizes), (jac, con), figs)


def _concat_checks(checked: list[tuple[np.ndarray, np.ndarray, _FigureColumns]]):
    """The chunks' ``(jaccard, containment, figure columns)`` as one, in chunk order."""
    if not checked:
        empty = np.zeros(0, dtype=object)
        return np.zeros(0), np.zeros(0), _FigureColumns(empty, empty, empty, np.zeros(0, np.int8))
    jac = np.concatenate([c[0] for c in checked])
    con = np.concatenate([c[1] for c in checked])
    fields = _FigureColumns.__dataclass_fields__
    figs = _FigureColumns(*(np.concatenate([getattr(c[2], f) for c in checked]) for f in fields))
    return jac, con, figs


# Columns of the articles that the choice of a representative reads (beside the texts).
TIE_COLUMNS = ("article_id", "quality_score", "published_date", "source_line", "source_file")


def pick_representatives(item: dict, *, scratch: str) -> np.ndarray:
    """The canonical row of each row of whole clusters (:data:`CANONICAL_RULE`), on a worker.

    Args:
        item: ``meta`` (the rows' :data:`TIE_COLUMNS` and ``conversion``), ``component`` and
            ``lacks`` per row, ``where`` (:class:`_Where` of the rows); every row of each of
            its clusters.
        scratch: the run's scratch folder.

    Returns:
        Per row, the position (in the item) of its canonical row.
    """
    texts = _read_rows(Path(scratch), item["where"], ("body", "text_norm"))
    norm = item["meta"].reset_index(drop=True)
    norm["text_norm"] = pd.Series(texts["text_norm"], dtype=object)
    bodies = texts["body"]

    def texts_of(rows: np.ndarray) -> list[str]:
        return [bodies[i] for i in rows.tolist()]

    return _canonical_rows(norm, item["component"], texts_of, item["lacks"])


def find_read_spans(item: dict, *, scratch: str, params: DedupParams = DEFAULT_PARAMS) -> list[str]:
    """``read_spans`` of copies against their representatives, on a worker.

    Args:
        item: ``pairs`` ((m, 2) positions of copy and representative in ``where``) and
            ``where`` (:class:`_Where` of the rows involved).
        scratch: the run's scratch folder.
        params: the shortest text matched (shorter texts have no runs, as their nodes).
    """
    texts = _read_rows(Path(scratch), item["where"], TEXT_COLUMNS)
    norm = [t if len(t) >= params.min_match_chars else "" for t in texts["text_norm"]]
    runs = figures.numeral_runs_of(norm)
    pairs = item["pairs"]
    return read_spans(pairs[:, 0], pairs[:, 1], texts["body"], texts["conversion"],
                      (runs, np.arange(len(norm))))  # fmt: skip


def check_overlaps(
    item: dict, *, scratch: str, params: DedupParams = DEFAULT_PARAMS
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment of node pairs never checked, on a worker."""
    texts = _read_rows(Path(scratch), item["where"], ("text_norm",))
    norm = [t if len(t) >= params.min_match_chars else "" for t in texts["text_norm"]]
    k = len(norm)
    nodes = _Nodes(np.arange(k), norm, np.arange(k).astype(str), np.arange(k))
    return _checked_similarities(nodes, item["pairs"], params)


def _chunks(
    weights: np.ndarray, starts: np.ndarray | None = None, limit: int | None = None
) -> list[tuple[int, int]]:
    """``[lo, hi)`` bounds of about ``limit`` (:data:`CHECK_CHARS`) of ``weights``.

    A chunk is cut only where a group starts (``starts``; default: every item).

    Example:
        >>> _chunks(np.array([3, 3, 3, 3]), np.array([0, 1, 3]), limit=4)  # groups 0 | 1-2 | 3
        [(0, 1), (1, 4)]
    """
    if not len(weights):
        return []
    limit = limit or CHECK_CHARS
    starts = np.arange(len(weights)) if starts is None else starts
    ends = np.cumsum(weights)[np.r_[starts[1:] - 1, len(weights) - 1]]
    cut = np.searchsorted(ends, np.arange(limit, ends[-1], limit), side="right")
    bounds = np.r_[starts, len(weights)][sorted({0, len(starts), *cut.tolist()})]
    return list(itertools.pairwise(bounds.tolist()))


def _representatives(engine, scratch: Path, meta: pd.DataFrame, where: _Where, plan_rows):
    """Canonical row of each row: clusters of two or more rows sent to workers, whole."""
    component, lacks = plan_rows
    canon = np.arange(len(meta))
    rows, starts = _grouped_rows(component)
    columns = [c for c in (*TIE_COLUMNS, "conversion") if c in meta.columns]
    items, bounds = [], _chunks(meta["text_len"].to_numpy(dtype=np.int64)[rows] * 2, starts)
    for lo, hi in bounds:
        at = rows[lo:hi]
        place = _Where(where.part[at], where.row[at])
        items.append({"meta": meta.iloc[at][columns], "component": component[at],
                      "lacks": lacks[at], "where": place})  # fmt: skip
    picked = engine.map(pick_representatives, items, label="02_dedup representatives",
                        scratch=str(scratch))  # fmt: skip
    for (lo, hi), local in zip(bounds, picked, strict=True):
        canon[rows[lo:hi]] = rows[lo:hi][local]
    return canon


def _row_pair_items(pairs: np.ndarray, lengths: np.ndarray, where: _Where) -> list[dict]:
    """Chunks of row (or node) pairs as task items: local pairs and where their texts are."""
    items = []
    for lo, hi in _chunks(lengths[pairs].sum(axis=1) if len(pairs) else lengths[:0]):
        used, local = np.unique(pairs[lo:hi], return_inverse=True)
        items.append({"pairs": local.reshape(-1, 2),
                      "where": _Where(where.part[used], where.row[used])})  # fmt: skip
    return items


def _clusters(
    engine, scratch: Path, meta: pd.DataFrame, nodes: _Nodes, pairs: pd.DataFrame, where, params
) -> pd.DataFrame:
    """Clusters, representatives, stories, ``read_spans``: every text read by a task."""
    plan = plan_clusters(nodes, pairs)
    canon = _representatives(engine, scratch, meta, where, plan.rows(nodes))
    lengths = meta["text_len"].to_numpy(dtype=np.int64)
    node_where = _Where(where.part[nodes.rep_rows], where.row[nodes.rep_rows])

    def spans(members: np.ndarray, canons: np.ndarray) -> list[str]:
        items = _row_pair_items(np.stack([members, canons], axis=1), lengths, where)
        found = engine.map(find_read_spans, items, label="02_dedup read_spans",
                           scratch=str(scratch), params=params)  # fmt: skip
        return [span for chunk in found for span in chunk]

    def check(need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        items = _row_pair_items(need, lengths[nodes.rep_rows], node_where)
        done = engine.map(check_overlaps, items, label="02_dedup overlaps",
                          scratch=str(scratch), params=params)  # fmt: skip
        return np.concatenate([d[0] for d in done]), np.concatenate([d[1] for d in done])

    return finish_clusters(meta, pairs, nodes, params, (plan, canon, spans), check)


def deduplicate_parts(
    articles_table: Path, *, engine: Engine | None = None, params: DedupParams = DEFAULT_PARAMS
) -> DedupParts:
    """Run stage 02 over the partitions of stage 01's articles table.

    Args:
        articles_table: ``articles.parquet`` (a folder of parts, or one file: one partition).
        engine: runs the partitions, band groups and pair chunks (default:
            :class:`LocalEngine`); its workers must see the folder of ``articles_table``.
        params: see :class:`helpers.dedup.thresholds.DedupParams`.

    Returns:
        The :class:`DedupResult` (its ``articles`` hold the columns stage 02 reads but
        ``body``, and ``body_raw`` neither: :func:`write_dedup_parts` adds stage 02's columns
        to each partition's rows as stage 01 wrote them), the partitions and their row counts.
    """
    engine = engine or LocalEngine()
    articles_table = Path(articles_table)
    parts = io.table_parts(articles_table)
    # NOTE: in the processed folder (the workers write the parts there already), so every
    # worker of a cluster sees it; removed whatever happens.
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=articles_table.parent))
    try:
        return _deduplicate(parts, scratch, engine, params)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _deduplicate(parts: list[Path], scratch: Path, engine: Engine, params) -> DedupParts:
    """:func:`deduplicate_parts` with its scratch folder."""
    done = engine.map(prepare_partition, list(enumerate(str(p) for p in parts)),
                      label="02_dedup", scratch=str(scratch), params=params)  # fmt: skip
    meta, runs, where = _gather(done)
    part_rows = [len(d.meta) for d in done]
    del done
    columns = [c for c in INPUT_COLUMNS if c in meta.columns]
    long = meta["text_len"].to_numpy(dtype=np.int64) >= params.min_match_chars
    keys = meta["text_key"].to_numpy(dtype=object)
    nodes = _nodes_by_key(meta["article_id"], keys, long, None)
    nodes = replace(nodes, known_runs=_node_runs(runs, nodes, len(meta)))
    del runs
    pairs = _checked_pairs(engine, scratch, nodes, meta, where, params)
    clustered = _clusters(engine, scratch, meta, nodes, pairs, where, params)
    result = DedupResult(clustered[[*columns, *OUTPUT_COLUMNS]], build_report(clustered), pairs)
    return DedupParts(result, parts, part_rows, [*columns, "body"])


def with_bodies(run: DedupParts, articles: pd.DataFrame, rows: pd.Series) -> pd.DataFrame:
    """``articles`` with ``body`` read from the articles table for ``rows`` (None elsewhere).

    For the notebook's views, which show the text of a few articles: the client of
    :func:`deduplicate_parts` holds no body.

    Args:
        run: what :func:`deduplicate_parts` returned.
        articles: its ``result.articles`` (same rows, same order).
        rows: boolean mask of the rows whose body is wanted.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()) / "articles.parquet"
        >>> body = "小鹏汽车发布新款车型，售价下调。" * 2
        >>> arts = pd.DataFrame({"article_id": ["x", "y"], "body": [body, "短讯"]})
        >>> _ = io.write_part(arts, d, 0)
        >>> run = deduplicate_parts(d, engine=LocalEngine(progress=None))
        >>> arts = run.result.articles
        >>> with_bodies(run, arts, arts["article_id"] == "y")["body"].tolist()
        [None, '短讯']
    """
    body = np.full(len(articles), None, dtype=object)
    bounds = np.r_[0, np.cumsum(run.part_rows)]
    wanted = rows.to_numpy(dtype=bool)
    for part, lo, hi in zip(run.parts, bounds, bounds[1:], strict=False):
        at = lo + np.flatnonzero(wanted[lo:hi])
        if not len(at):
            continue
        ids = articles["article_id"].to_numpy(dtype=object)[at].tolist()
        found = io.read_table(part, columns=["article_id", "body"], where=("article_id", ids))
        body[at] = found.set_index("article_id")["body"].reindex(ids).to_numpy(dtype=object)
    return articles.assign(body=pd.Series(body, index=articles.index, dtype=object))


def write_partition(item: tuple[str, pd.DataFrame], *, target: str) -> int:
    """Write one partition of ``articles_dedup``: stage 01's rows plus stage 02's columns.

    Args:
        item: ``(part of the articles table, stage 02's columns for its rows, in order)``.
        target: the folder of ``articles_dedup``'s parts.

    Returns:
        Rows written.
    """
    part, added = item
    articles = io.read_table(part)
    assert articles["article_id"].tolist() == added["article_id"].tolist(), "rows out of step"
    out = articles.assign(**{c: added[c].to_numpy() for c in added.columns if c != "article_id"})
    name = Path(part).stem
    index = int(name.removeprefix(io.PART_PREFIX)) if name.startswith(io.PART_PREFIX) else 0
    io.write_part(out, target, index)
    return len(out)


def write_dedup_parts(
    run: DedupParts, articles: pd.DataFrame, target: Path, *, engine: Engine | None = None
) -> Path:
    """Write ``articles_dedup`` as parts aligned with the articles table's.

    Args:
        run: what :func:`deduplicate_parts` returned.
        articles: its ``result.articles`` after any corrections (same rows, same order;
            columns beyond the ones read are added to every partition's rows).
        target: ``articles_dedup.parquet`` (a folder of parts afterwards).
        engine: writes the partitions (default: :class:`LocalEngine`).
    """
    engine = engine or LocalEngine()
    added = articles[["article_id", *[c for c in articles.columns if c not in run.input_columns]]]
    bounds = np.r_[0, np.cumsum(run.part_rows)]
    items = [(str(p), added.iloc[lo:hi]) for p, lo, hi in zip(run.parts, bounds, bounds[1:],
                                                              strict=False)]  # fmt: skip
    work = io.new_table_dir(target)
    engine.map(write_partition, items, label="02_dedup write", target=str(work))
    if not items:
        io.write_part(articles, work, 0)
    return io.replace_table(work, target)

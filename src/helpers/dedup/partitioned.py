"""Stage 02 over partitions: signatures per partition, LSH bands joined, pairs checked in chunks.

:func:`deduplicate_parts` is what ``notebooks/02_dedup.ipynb`` calls. Per partition of the
articles table (an engine runs :func:`normalise_partition`), a worker reads the columns
stage 02 uses (never ``body_raw``), makes the matching copy (``text_norm``) and each text's
MinHash signature and shingle count. The client then

1. numbers the distinct texts (:func:`helpers.dedup.pairs._text_nodes`) and joins the LSH
   bands of their signatures (:func:`helpers.dedup.minhash.band_candidates`: one sort over
   band keys, the group-by of a shuffle);
2. checks the candidate pairs exactly in chunks of about :data:`CHECK_CHARS` characters,
   shingling only the texts of a chunk (:func:`check_pairs`), so the shingles of the whole
   corpus (8 bytes per character) never exist at once;
3. decides edges, clusters, representatives, stories and ``read_spans`` with the same
   functions as :func:`helpers.dedup.deduplicate` (figures decide).

Finally each partition's rows of ``articles_dedup`` are written by a worker
(:func:`write_partition`): its articles as stage 01 wrote them plus the columns stage 02
adds. The result equals :func:`helpers.dedup.deduplicate` on the whole table (tested): a
text's signature depends on that text alone, and every global step sees the same nodes in
the same (``article_id``) order.

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
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from helpers.core import io
from helpers.core.partitions import Engine, LocalEngine
from helpers.dedup import minhash
from helpers.dedup.clusters import _assign_clusters, _checked_similarities, build_report
from helpers.dedup.pairs import _Nodes, _pair_rows, _text_nodes, _worth_checking
from helpers.dedup.textnorm import _add_text_norm
from helpers.dedup.thresholds import DEFAULT_PARAMS, OUTPUT_COLUMNS, DedupParams, DedupResult

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
# Characters of the texts shingled at once when checking candidate pairs (~8 bytes each).
CHECK_CHARS = 4_000_000


@dataclass(frozen=True)
class NormPart:
    """What a partition sends back: its rows' matching copies, signatures and set sizes."""

    norm: pd.DataFrame
    signatures: np.ndarray  # (rows, num_perm) uint32; EMPTY_SLOT rows for short texts
    set_sizes: np.ndarray  # distinct shingles per row (0 for short texts)


@dataclass(frozen=True)
class DedupParts:
    """Stage 02 over partitions: the result, and what each partition's rows are."""

    result: DedupResult
    parts: list[Path]
    part_rows: list[int]
    input_columns: list[str]


def _columns(part: Path) -> list[str]:
    names = set(pq.read_schema(part).names)
    return [c for c in INPUT_COLUMNS if c in names]


def normalise_partition(part: str, *, params: DedupParams = DEFAULT_PARAMS) -> NormPart:
    """Read one partition's columns; matching copy, MinHash signature and shingle count."""
    df = io.read_table(part, columns=_columns(Path(part)))
    norm, _ = _add_text_norm(df, "body")
    texts = [t if len(t) >= params.min_match_chars else "" for t in norm["text_norm"]]
    sets = minhash.hash_shingles(texts, k=params.shingle_size, seed=params.seed)
    sig = minhash.oph_signatures(sets, num_perm=params.num_perm, seed=params.seed)
    return NormPart(norm, sig, sets.sizes)


def check_pairs(
    nodes: _Nodes, cand: np.ndarray, params: DedupParams, max_chars: int = CHECK_CHARS
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment of node pairs, shingling one chunk of texts at a time.

    Example:
        >>> from helpers.dedup.textnorm import add_text_norm
        >>> norm = add_text_norm(pd.DataFrame({"article_id": ["a", "b", "c"],
        ...     "body": ["理想汽车发布季度财报营收增长"] * 2 + ["理想汽车发布季度财报营收回升"]}))
        >>> nodes = _text_nodes(norm, 5)
        >>> jac, con = check_pairs(nodes, np.array([[0, 1]]), DEFAULT_PARAMS, max_chars=1)
        >>> jac.round(2).tolist()
        [0.67]
    """
    jac, con = np.zeros(len(cand)), np.zeros(len(cand))
    if not len(cand):
        return jac, con
    lengths = np.fromiter(map(len, nodes.texts), dtype=np.int64, count=len(nodes.texts))
    ends = np.cumsum(lengths[cand].sum(axis=1))
    cuts = np.searchsorted(ends, np.arange(max_chars, ends[-1], max_chars), side="right")
    for lo, hi in itertools.pairwise(sorted({0, len(cand), *cuts.tolist()})):
        jac[lo:hi], con[lo:hi] = _checked_similarities(nodes, cand[lo:hi], params)
    return jac, con


def find_pairs_from_signatures(
    norm: pd.DataFrame,
    nodes: _Nodes,
    params: DedupParams,
    bodies: list[str],
    signatures: np.ndarray,
    set_sizes: np.ndarray,
) -> pd.DataFrame:
    """:func:`helpers.dedup.pairs.find_duplicate_pairs`, given each node's signature and size."""
    cand = minhash.band_candidates(signatures, bands=params.bands, rows=params.rows)
    est = minhash.estimate_jaccard(signatures, cand)
    sizes = set_sizes[cand] if len(cand) else np.empty((0, 2), dtype=np.int64)
    check = _worth_checking(est, sizes, params)
    cand, est, sizes = cand[check], est[check], sizes[check]
    jac, con = check_pairs(nodes, cand, params)
    return _pair_rows(norm, nodes, params, bodies, (cand, est, sizes), (jac, con))


def _gather(done: list[NormPart]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The partitions' rows, signatures and set sizes, concatenated in partition order."""
    frames = [d.norm for d in done if len(d.norm)] or [d.norm for d in done[:1]]
    norm = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    sig = np.concatenate([d.signatures for d in done])
    return norm.reset_index(drop=True), sig, np.concatenate([d.set_sizes for d in done])


def deduplicate_parts(
    articles_table: Path, *, engine: Engine | None = None, params: DedupParams = DEFAULT_PARAMS
) -> DedupParts:
    """Run stage 02 over the partitions of stage 01's articles table.

    Args:
        articles_table: ``articles.parquet`` (a folder of parts, or one file: one partition).
        engine: runs the partitions (default: :class:`LocalEngine`).
        params: see :class:`helpers.dedup.thresholds.DedupParams`.

    Returns:
        The :class:`DedupResult` (its ``articles`` hold the columns stage 02 reads, not
        ``body_raw``: :func:`write_dedup_parts` adds the rest partition by partition), the
        partitions and their row counts.
    """
    engine = engine or LocalEngine()
    parts = io.table_parts(articles_table)
    done = engine.map(normalise_partition, [str(p) for p in parts], label="02_dedup",
                      params=params)  # fmt: skip
    norm, sig, set_sizes = _gather(done)
    del done
    columns = [c for c in norm.columns if c not in ("text_norm", "conversion", "norm_script")]
    bodies = norm["body"].fillna("").astype(str).tolist()
    nodes = _text_nodes(norm, params.min_match_chars)
    rep = nodes.rep_rows
    pairs = find_pairs_from_signatures(norm, nodes, params, bodies, sig[rep], set_sizes[rep])
    clustered = _assign_clusters(norm, pairs, nodes, params, bodies)
    result = DedupResult(clustered[[*columns, *OUTPUT_COLUMNS]], build_report(clustered), pairs)
    rows = [len(io.read_table(p, columns=["article_id"])) for p in parts]
    return DedupParts(result, parts, rows, columns)


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

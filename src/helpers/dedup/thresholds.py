"""Stage 02's documented defaults (every one can be overridden through DedupParams) and result."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# ---------------------------------------------------------------------------------------------
# Documented defaults. Every threshold can be overridden through DedupParams.
# ---------------------------------------------------------------------------------------------
SHINGLE_SIZE = 5  # characters per shingle of text_norm (Chinese: ~2-3 words)
NUM_PERM = 128  # MinHash signature length (OPH bins)
LSH_BANDS = 42  # 42 bands x 3 rows: P(candidate) 0.996 at Jaccard 0.5, 0.04 at 0.1
LSH_ROWS = 3
JACCARD_THRESHOLD = 0.7  # near duplicate: edits, paragraph shuffles, an added paragraph
# NOTE: pairs this alike or more have their figures compared even below JACCARD_THRESHOLD: a
# monthly brief shares its commentary with last month's, so the two are a template pair.
TEMPLATE_THRESHOLD = 0.5
CONTAINMENT_THRESHOLD = 0.9  # truncated copy: >= 90% of the smaller text's shingles in the other
MIN_CONTAINED_SHINGLES = 50  # a text with fewer shingles never joins as a truncated copy
MIN_MATCH_CHARS = 20  # shorter text_norm (empty bodies, one-line captions) is never clustered
# NOTE: a pair whose MinHash estimate is this far below both thresholds skips the exact check
# (its standard error with 128 slots is <= 0.045, so 0.2 is > 4 standard errors).
PREFILTER_MARGIN = 0.2
BORDERLINE_MARGIN = 0.1  # borderline_pairs(): checked pairs this close below a threshold
SEED = 20260202  # hash seed; changing it changes nothing but the (random) hash functions


CANONICAL_RULE = (
    "a copy lacking a figure another copy of the story has (a cut reprint) comes last; then "
    "most complete clean body (longest text_norm without sentences the stage-01 boilerplate "
    "catalog recognises), then least boilerplate, then highest quality_score, then earliest "
    "published_date, then first seen (source_file, source_line), then smallest article_id"
)
DUP_RULES = ("exact", "near", "contained", "cross_script")
JOIN_EDGES = ("near", "contained")  # pair edges that put two texts in one cluster
OUTPUT_COLUMNS = (
    "cluster_id",
    "is_canonical",
    "dup_of",
    "dup_rule",
    "similarity",
    "template_id",
    "story_id",
    "story_outlets",
    "read_spans",
)


@dataclass(frozen=True)
class DedupParams:
    """Every tunable of stage 02, with the documented module defaults."""

    shingle_size: int = SHINGLE_SIZE
    num_perm: int = NUM_PERM
    bands: int = LSH_BANDS
    rows: int = LSH_ROWS
    jaccard_threshold: float = JACCARD_THRESHOLD
    template_threshold: float = TEMPLATE_THRESHOLD
    containment_threshold: float = CONTAINMENT_THRESHOLD
    min_contained_shingles: int = MIN_CONTAINED_SHINGLES
    min_match_chars: int = MIN_MATCH_CHARS
    prefilter_margin: float = PREFILTER_MARGIN
    seed: int = SEED
    # False: pairs join on similarity alone, as before issue 15 (no template pairs, no side
    # lacking a figure; read_spans are still written). The benchmark's ablation of the rule.
    compare_figures: bool = True


DEFAULT_PARAMS = DedupParams()


@dataclass(frozen=True)
class DedupResult:
    """What :func:`deduplicate` returns: nothing is dropped, everything is explained.

    Attributes:
        articles: the input rows (same order) plus :data:`OUTPUT_COLUMNS`.
        report: one row per non-canonical article (:func:`build_report`).
        pairs: every checked candidate pair with its exact similarities.
    """

    articles: pd.DataFrame
    report: pd.DataFrame
    pairs: pd.DataFrame

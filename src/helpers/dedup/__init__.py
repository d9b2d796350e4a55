"""Stage 02: copies of one story grouped, a representative chosen (notebook ``02_dedup``).

Entry point: :func:`deduplicate` (normalise, pair, cluster, report). Modules, in the order the
entry runs them: :mod:`~helpers.dedup.textnorm` (the matching copy of each body),
:mod:`~helpers.dedup.minhash` and :mod:`~helpers.dedup.pairs` (candidate pairs and their exact
similarities), :mod:`~helpers.dedup.figures` (figures decide: a pair whose numbers conflict is
a template, not a copy), :mod:`~helpers.dedup.boilerplate`, :mod:`~helpers.dedup.groups` and
:mod:`~helpers.dedup.clusters` (components kept apart by figures, representatives, template
links, sentences stage 03 must read, report); :mod:`~helpers.dedup.thresholds` holds every default
and :mod:`~helpers.dedup.views` what the notebook shows; :mod:`~helpers.dedup.corrections`
enforces the reviewed ``not-duplicate`` / ``same-story`` pairs on the result.
"""

from helpers.dedup import (
    boilerplate,
    clusters,
    corrections,
    figures,
    groups,
    minhash,
    pairs,
    partitioned,
    textnorm,
    thresholds,
    views,
)
from helpers.dedup.clusters import deduplicate

__all__ = [
    "boilerplate",
    "clusters",
    "corrections",
    "deduplicate",
    "figures",
    "groups",
    "minhash",
    "pairs",
    "partitioned",
    "textnorm",
    "thresholds",
    "views",
]

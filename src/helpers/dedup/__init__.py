"""Stage 02: copies of one story grouped, a representative chosen (notebook ``02_dedup``).

Entry point: :func:`deduplicate` (normalise, pair, cluster, report). Modules, in the order the
entry runs them: :mod:`~helpers.dedup.textnorm` (the matching copy of each body),
:mod:`~helpers.dedup.minhash` and :mod:`~helpers.dedup.pairs` (candidate pairs and their exact
similarities), :mod:`~helpers.dedup.boilerplate` and :mod:`~helpers.dedup.clusters`
(components, representatives, report); :mod:`~helpers.dedup.thresholds` holds every default
and :mod:`~helpers.dedup.views` what the notebook shows; :mod:`~helpers.dedup.corrections`
enforces the reviewed ``not-duplicate`` / ``same-story`` pairs on the result.
"""

from helpers.dedup import (
    boilerplate,
    clusters,
    corrections,
    minhash,
    pairs,
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
    "minhash",
    "pairs",
    "textnorm",
    "thresholds",
    "views",
]

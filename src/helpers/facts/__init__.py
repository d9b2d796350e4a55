"""Stage 03: numeric facts with entity, metric, period, market and source (notebook ``03_facts``).

Entry point: :func:`extract_facts` (with :func:`facts_log` and :func:`load_previous` for
``--incremental`` runs). Modules, in the order a sentence goes through them:
:mod:`~helpers.facts.readings` (usable numbers), :mod:`~helpers.facts.mentions` (entities,
markets, sources named in the text), :mod:`~helpers.facts.metrics`,
:mod:`~helpers.facts.subjects`, :mod:`~helpers.facts.dating` and :mod:`~helpers.facts.rows`
(the fields of a fact row), driven by :mod:`~helpers.facts.extract`; :mod:`~helpers.facts.schema`
holds the columns and records they share, :mod:`~helpers.facts.selection` which articles and
sentences are read, :mod:`~helpers.facts.cache` the incremental cache,
:mod:`~helpers.facts.checks` the data findings, :mod:`~helpers.facts.confidence` each fact's
confidence and the review table, and :mod:`~helpers.facts.summary` the notebook's views;
:mod:`~helpers.facts.ids` makes the stable fact ids and :mod:`~helpers.facts.corrections`
applies the reviewed corrections (aliases before extraction, reject/set/add after it);
:mod:`~helpers.facts.partitioned` reads batches of articles on an engine and
:mod:`~helpers.facts.stage` runs the whole stage over them (what notebook 03 calls).
"""

from helpers.facts import (
    cache,
    checks,
    confidence,
    corrections,
    dating,
    extract,
    ids,
    mentions,
    metrics,
    partitioned,
    readings,
    rows,
    schema,
    selection,
    stage,
    subjects,
    summary,
)
from helpers.facts.extract import extract_facts, facts_log, load_previous

__all__ = [
    "cache",
    "checks",
    "confidence",
    "corrections",
    "dating",
    "extract",
    "extract_facts",
    "facts_log",
    "ids",
    "load_previous",
    "mentions",
    "metrics",
    "partitioned",
    "readings",
    "rows",
    "schema",
    "selection",
    "stage",
    "subjects",
    "summary",
]

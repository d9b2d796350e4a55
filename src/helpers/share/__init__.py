"""Stages 04-06: share tables, conflicts, reference cross-checks and their data checks.

Entry points every share notebook calls: :func:`prepare_facts` (a topic's facts joined to
their articles), :func:`limit_since` (``--since``), :func:`limit_confidence`
(``--min-confidence``) and :func:`with_labels` (display names and
source notes). Modules: :mod:`~helpers.share.prepare`, :mod:`~helpers.share.tables` (the
per-topic tables: EV exports, chip share, Robotaxi fleets), :mod:`~helpers.share.conflicts`
(one display value per cell), :mod:`~helpers.share.reference` (published figures),
:mod:`~helpers.share.checks` (data findings) and :mod:`~helpers.share.notes` (what a reader
sees beside a figure). Nothing here draws: charts are :mod:`helpers.publish.charts`.
"""

from helpers.share import checks, conflicts, notes, prepare, reference, tables
from helpers.share.notes import with_labels
from helpers.share.prepare import limit_confidence, limit_since, prepare_facts

__all__ = [
    "checks",
    "conflicts",
    "limit_confidence",
    "limit_since",
    "notes",
    "prepare",
    "prepare_facts",
    "reference",
    "tables",
    "with_labels",
]

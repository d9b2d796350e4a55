"""Data findings: implausible or inconsistent figures, reported and kept out of tables.

Two kinds of checks run in every stage. A *code invariant* (ids unique after a join, no row
lost between stages) guards our own logic and stops the run when it breaks. A *data finding*
is about what the articles say or what extraction made of them — a share of 340 %, shares of
one market summing past 100 %, named companies exceeding the total they belong to, two
figures for one table cell. Findings never stop a run: the facts involved are kept out of the
table or chart they would distort, and one row per finding says which stage saw it, which
rule, which facts and why. Each stage writes its own ``findings_<stage>.parquet``; the run
counts them in ``manifest.json`` and the deck summarises them on a slide.

Example:
    >>> f = new_findings([finding("03_facts", "ev_exports", "value_out_of_range", ["f1"],
    ...     "市占率 340 % (三四成) outside 0–100")])
    >>> f[["stage", "rule", "fact_ids"]].values.tolist()
    [['03_facts', 'value_out_of_range', 'f1']]
    >>> sorted(fact_ids_of(f))
    ['f1']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from helpers.core import io

COLUMNS = ("stage", "topic", "rule", "fact_ids", "detail")
FACT_ID_SEP = ";"
# Every rule a stage may report, with what it means (shown beside the counts).
RULES = {
    "value_out_of_range": "a value outside its metric's valid range (e.g. a share above 100 %)",
    "share_sum_over_100": "shares of one market, period and basis add up to more than 100 %",
    "share_above_total": "a part larger than the total it is a share of",
    "negative_remainder": "named companies add up to more than the total on the same basis",
    "conflicting_figures": "two or more different figures for one table cell",
}
FILE_PREFIX = "findings_"
COMBINED_NAME = "findings"  # the run's table of every stage's findings (written by 07_deck)


def finding(stage: str, topic: str, rule: str, fact_ids: Iterable[str], detail: str) -> dict:
    """One finding row; ``rule`` must be one of :data:`RULES` (a typo is our bug, not data).

    Example:
        >>> row = finding("04_ev_exports", "ev_exports", "negative_remainder", ["a", "b"], "超出")
        >>> row["fact_ids"]
        'a;b'
    """
    if rule not in RULES:
        raise ValueError(f"unknown finding rule {rule!r}; known: {sorted(RULES)}")
    ids = FACT_ID_SEP.join(dict.fromkeys(i for i in fact_ids if i))
    return {"stage": stage, "topic": topic, "rule": rule, "fact_ids": ids, "detail": detail}


def new_findings(rows: Iterable[dict] = ()) -> pd.DataFrame:
    """A findings table from rows of :func:`finding` (always with every column).

    Example:
        >>> list(new_findings().columns)
        ['stage', 'topic', 'rule', 'fact_ids', 'detail']
    """
    return pd.DataFrame(list(rows), columns=list(COLUMNS)).astype(str)


def concat(*tables: pd.DataFrame) -> pd.DataFrame:
    """Several findings tables as one, duplicates dropped, in a stable order.

    Example:
        >>> a = new_findings([finding("s", "t", "conflicting_figures", ["x"], "两个数")])
        >>> len(concat(a, a, new_findings()))
        1
    """
    parts = [t for t in tables if not t.empty]
    if not parts:
        return new_findings()
    out = pd.concat(parts, ignore_index=True)[list(COLUMNS)].drop_duplicates()
    return out.sort_values(list(COLUMNS), kind="stable").reset_index(drop=True)


def fact_ids_of(findings: pd.DataFrame) -> set[str]:
    """Every fact id a findings table names.

    Example:
        >>> rows = [finding("s", "t", "share_sum_over_100", ["a", "b"], "份额")]
        >>> sorted(fact_ids_of(new_findings(rows)))
        ['a', 'b']
    """
    return {i for ids in findings["fact_ids"] for i in str(ids).split(FACT_ID_SEP) if i}


def without_facts(
    table: pd.DataFrame, fact_ids: set[str], column: str = "fact_ids"
) -> pd.DataFrame:
    """Rows of ``table`` none of whose facts (``;``-joined ``column``) is in ``fact_ids``.

    Example:
        >>> t = pd.DataFrame({"fact_ids": ["a;b", "c"], "value": [1, 2]})
        >>> without_facts(t, {"b"})["value"].tolist()
        [2]
    """
    if table.empty or not fact_ids or column not in table:
        return table
    hit = (
        table[column]
        .fillna("")
        .astype(str)
        .map(lambda s: bool(set(s.split(FACT_ID_SEP)) & fact_ids))
    )
    return table[~hit.astype(bool)]


def summarize(findings: pd.DataFrame) -> dict:
    """Counts for the manifest: total, per rule and per stage.

    Example:
        >>> summarize(new_findings([finding("03_facts", "t", "value_out_of_range", ["a"], "")]))
        {'total': 1, 'by_rule': {'value_out_of_range': 1}, 'by_stage': {'03_facts': 1}}
    """
    return {
        "total": len(findings),
        "by_rule": {
            str(k): int(v) for k, v in findings["rule"].value_counts().sort_index().items()
        },
        "by_stage": {
            str(k): int(v) for k, v in findings["stage"].value_counts().sort_index().items()
        },
    }


def stage_files(folder: Path, stage_labels: Iterable[str] | None = None) -> list[Path]:
    """The per-stage findings files in ``folder`` (only those of ``stage_labels`` if given).

    Example:
        >>> stage_files(Path("/nonexistent"))
        []
    """
    files = sorted(Path(folder).glob(f"{FILE_PREFIX}*.parquet"))
    if stage_labels is not None:
        wanted = {f"{FILE_PREFIX}{label}.parquet" for label in stage_labels}
        files = [f for f in files if f.name in wanted]
    return files


def read_stage_findings(folder: Path, stage_labels: Iterable[str] | None = None) -> pd.DataFrame:
    """Every stage's findings in ``folder`` as one table (empty when there are none)."""
    return concat(*(io.read_table(f) for f in stage_files(folder, stage_labels)))

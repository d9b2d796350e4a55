"""Plausibility checks on extracted facts (stage 03): data findings, never a crash.

A fact whose value (or the high end of its range) lies outside its metric's ``valid_range``
in ``catalog/metrics.yaml`` — a market share of 340 % read from a mangled range, a negative
fleet — stays in ``facts.parquet`` with ``finding`` set to the rule, is reported in the
findings table and is left out of every share table and chart
(``helpers.share.tables.prepare_facts``).

Example:
    >>> f = pd.DataFrame({"fact_id": ["f1", "f2"], "topic": ["chip_share"] * 2,
    ...     "metric": ["market_share"] * 2, "value": [340.0, 34.0], "value_high": [None, None],
    ...     "number_text": ["三四成", "34%"], "sentence": ["地平线份额三四成", "份额34%"]})
    >>> flagged, found = check_fact_values(f)
    >>> flagged["finding"].tolist(), found["fact_ids"].tolist()
    (['value_out_of_range', ''], ['f1'])
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.catalog.metrics import Vocabulary, load_vocabulary
from helpers.core import findings as fnd

STAGE = "03_facts"
RULE = "value_out_of_range"
SENTENCE_PREVIEW = 60


def _outside(value: float, low: float | None, high: float | None) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return (low is not None and value < low) or (high is not None and value > high)


def out_of_range(facts: pd.DataFrame, vocab: Vocabulary | None = None) -> pd.Series:
    """Boolean mask: the value or its range's high end lies outside the metric's valid range.

    Example:
        >>> f = pd.DataFrame({"metric": ["fleet_size", "exports"], "value": [-5.0, 1.0],
        ...     "value_high": [None, None]})
        >>> out_of_range(f).tolist()  # 车队 −5 辆
        [True, False]
    """
    vocab = vocab or load_vocabulary()
    highs = facts["value_high"] if "value_high" in facts else pd.Series(None, index=facts.index)
    flags = []
    for metric, value, high in zip(facts["metric"], facts["value"], highs, strict=True):
        spec = vocab.metrics.get(metric)
        low_ok, high_ok = spec.valid_range if spec else (None, None)
        flags.append(_outside(value, low_ok, high_ok) or _outside(high, low_ok, high_ok))
    return pd.Series(flags, index=facts.index, dtype=bool)


def _detail(row: pd.Series, vocab: Vocabulary) -> str:
    low, high = vocab.metrics[row["metric"]].valid_range
    bounds = f"{'' if low is None else f'{low:g}'}–{'' if high is None else f'{high:g}'}"
    sentence = str(row.get("sentence", ""))[:SENTENCE_PREVIEW]
    return (
        f"{row['metric']} {row['value']:g} (read from {row.get('number_text', '')!r}) "
        f"outside {bounds}: {sentence}"
    )


def check_fact_values(
    facts: pd.DataFrame, vocab: Vocabulary | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flag implausible values; return ``(facts with finding, findings table)``.

    Args:
        facts: the facts table of :func:`helpers.facts.extract.extract_facts`.
        vocab: the metric catalog (``valid_range`` per metric).

    Returns:
        The same rows with a ``finding`` column ("" or the rule name) and one finding per
        flagged fact.
    """
    vocab = vocab or load_vocabulary()
    out = facts.copy()
    bad = out_of_range(out, vocab) if not out.empty else pd.Series(dtype=bool)
    if "review_status" in out and not out.empty:
        # NOTE: a fact a reviewer rejected is out of every table already; flagging it again
        # would count one wrong figure twice.
        bad &= out["review_status"].fillna("") != "rejected"
    out["finding"] = pd.Series("", index=out.index, dtype=object)
    out.loc[bad, "finding"] = RULE
    rows = [
        fnd.finding(STAGE, str(r.get("topic", "")), RULE, [r["fact_id"]], _detail(r, vocab))
        for _, r in out[bad].iterrows()
    ]
    return out, fnd.new_findings(rows)

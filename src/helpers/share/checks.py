"""Data findings of the share stages (04–06): inconsistent figures kept out of tables and charts.

Figures from different articles can contradict each other: a company's exports above the
national total they are divided by, shares of one market adding up past 100 %, two values for
one cell. None of this stops a run. Each check returns the table without the rows it cannot
trust and a findings table (:mod:`helpers.core.findings`) naming the rule, the facts and why, so
the analyst sees what was left out and can look at the sentences.

Example:
    >>> t = pd.DataFrame({"period": ["2025", "2025"], "share_pct": [70.0, 45.0],
    ...     "fact_ids": ["f1", "f2"], "is_remainder": [False, False]})
    >>> kept, found = check_group_sums(t, ["period"], stage="04_ev_exports", topic="ev_exports")
    >>> len(kept), found["rule"].tolist(), found["fact_ids"].tolist()
    (0, ['share_sum_over_100'], ['f1;f2'])
"""

from __future__ import annotations

import pandas as pd

from helpers.core import findings as fnd

SHARE_SUM_TOLERANCE = 0.5  # percentage points of rounding allowed above 100
ID_COLUMNS = ("fact_ids", "total_fact_ids")
EXCLUDED_FROM_SUM = ("is_remainder", "is_combined")  # derived or overlapping rows


def row_fact_ids(row: pd.Series) -> list[str]:
    """Every fact id a table row stands on (its own and its total's).

    Example:
        >>> row_fact_ids(pd.Series({"fact_ids": "a;b", "total_fact_ids": "t"}))
        ['a', 'b', 't']
    """
    ids: list[str] = []
    for column in ID_COLUMNS:
        value = row.get(column)
        if isinstance(value, str):
            ids += [i for i in value.split(fnd.FACT_ID_SEP) if i]
    return ids


def _is_blank(value: object) -> bool:
    """Key values that say nothing in a finding's detail ("", False, NaN, NaT)."""
    return value is False or str(value) in ("", "False", "nan", "NaT", "None")


def _describe(keys: dict, what: str) -> str:
    where = ", ".join(f"{k}={v}" for k, v in keys.items() if not _is_blank(v))
    return f"{where}: {what}" if where else what


def check_row_shares(
    table: pd.DataFrame, *, stage: str, topic: str, column: str = "share_pct", keys=()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop rows whose share exceeds 100 % (a part larger than its total); report them.

    Example:
        >>> t = pd.DataFrame({"share_pct": [120.0, 14.7, None], "fact_ids": ["a", "b", "c"],
        ...     "total_fact_ids": ["t", "t", None]})
        >>> kept, found = check_row_shares(t, stage="04", topic="ev_exports")
        >>> len(kept), found["fact_ids"].tolist()  # 比亚迪出口超过全国总量
        (2, ['a;t'])
    """
    if table.empty or column not in table:
        return table, fnd.new_findings()
    shares = pd.to_numeric(table[column], errors="coerce")
    bad = shares > 100 + SHARE_SUM_TOLERANCE
    rows = [
        fnd.finding(
            stage, topic, "share_above_total", row_fact_ids(row),
            _describe({k: row.get(k, "") for k in keys}, f"{column} {row[column]:.1f} % > 100 %"),
        )
        for _, row in table[bad].iterrows()
    ]  # fmt: skip
    return table[~bad], fnd.new_findings(rows)


def check_group_sums(
    table: pd.DataFrame,
    group_cols: list[str],
    *,
    stage: str,
    topic: str,
    column: str = "share_pct",
    rule: str = "share_sum_over_100",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop every row of a group whose shares add up past 100 %; one finding per group.

    Rows marked ``is_remainder`` or ``is_combined`` are not summed (they overlap the others)
    but leave with their group.
    """
    if table.empty or column not in table:
        return table, fnd.new_findings()
    group_key = table[group_cols].astype(str).apply(tuple, axis=1)
    counted = pd.Series(True, index=table.index)
    for flag in EXCLUDED_FROM_SUM:
        if flag in table:
            counted &= ~table[flag].fillna(False).astype(bool)
    values = pd.to_numeric(table[column], errors="coerce").where(counted, 0.0).fillna(0.0)
    sums = values.groupby(group_key).sum()
    over = sums[sums > 100 + SHARE_SUM_TOLERANCE]
    hit = group_key.isin(set(over.index))
    rows = []
    for key in sorted(over.index):
        group = table[group_key == key]
        ids = [i for _, row in group.iterrows() for i in row_fact_ids(row)]
        where = dict(zip(group_cols, key, strict=True))
        detail = _describe(where, f"shares add up to {over[key]:.1f} %")
        rows.append(fnd.finding(stage, topic, rule, ids, detail))
    return table[~hit], fnd.new_findings(rows)


def conflict_findings(
    long: pd.DataFrame, keys: tuple[str, ...], *, stage: str, topic: str
) -> pd.DataFrame:
    """One finding per table cell with disagreeing figures (the display rule picked one).

    Example:
        >>> note = "caam 7,098,000 ≠ cpca 8,320,000"
        >>> long = pd.DataFrame({"k": ["2025", "2025"], "fact_id": ["a", "b"],
        ...     "is_conflict": [True, True], "conflict_note": [note] * 2})
        >>> conflict_findings(long, ("k",), stage="04", topic="ev_exports")["fact_ids"].tolist()
        ['a;b']
    """
    if long.empty or "is_conflict" not in long:
        return fnd.new_findings()
    rows = []
    conflicting = long[long["is_conflict"].fillna(False).astype(bool)]
    for key, group in conflicting.groupby(list(keys), dropna=False, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        cell = {k: v for k, v in zip(keys, key, strict=True)}
        note = str(group["conflict_note"].iloc[0])
        ids = group["fact_id"].astype(str).tolist()
        rows.append(fnd.finding(stage, topic, "conflicting_figures", ids, _describe(cell, note)))
    return fnd.new_findings(rows)


# --- the checks of each share table ----------------------------------------------------------
def check_companies(companies: pd.DataFrame, *, stage: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Company exports: no company above the total; named companies within the total.

    Example:
        >>> t = pd.DataFrame({"entity_id": ["chery", "byd", "others"], "metric": ["exports"] * 3,
        ...     "period": ["2025"] * 3, "market": ["world"] * 3, "data_source": ["caam"] * 3,
        ...     "share_pct": [60.0, 55.0, 0.0], "is_remainder": [False, False, True],
        ...     "fact_ids": ["a", "b", "t;a;b"], "total_fact_ids": ["t", "t", "t"]})
        >>> kept, found = check_companies(t, stage="04_ev_exports")
        >>> len(kept), found["rule"].tolist()  # 奇瑞 + 比亚迪 > 全国总量
        (0, ['negative_remainder'])
    """
    topic = "ev_exports"
    keys = ["metric", "period", "market", "data_source"]
    kept, above = check_row_shares(companies, stage=stage, topic=topic, keys=["entity_id", *keys])
    kept, over = check_group_sums(kept, keys, stage=stage, topic=topic, rule="negative_remainder")
    return kept, fnd.concat(above, over)


def check_markets(markets: pd.DataFrame, *, stage: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exports by destination: no market above the total; markets within the total."""
    topic = "ev_exports"
    keys = ["period", "data_source"]
    kept, above = check_row_shares(markets, stage=stage, topic=topic, keys=["market", *keys])
    kept, over = check_group_sums(kept, keys, stage=stage, topic=topic)
    return kept, fnd.concat(above, over)


def check_split(split: pd.DataFrame, *, stage: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """NEV / PHEV split: neither part above China's total exports of its period and basis."""
    found = []
    kept = split
    for column in ("nev_share_pct", "phev_share_pct"):
        kept, part = check_row_shares(
            kept, stage=stage, topic="ev_exports", column=column, keys=["period", "data_source"]
        )
        found.append(part)
    return kept, fnd.concat(*found)


def check_brand_shares(brands: pd.DataFrame, *, stage: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chinese brands' shares abroad: within 100 % per market, period and basis."""
    keys = ["market", "period", "data_source"]
    return check_group_sums(brands, keys, stage=stage, topic="ev_exports", column="value")


def check_chip_scopes(
    shares: pd.DataFrame, scope_cols: tuple[str, ...], *, stage: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chip shares: the vendors of one scope, period and firm within 100 %."""
    return check_group_sums(
        shares, list(scope_cols), stage=stage, topic="chip_share", column="value"
    )

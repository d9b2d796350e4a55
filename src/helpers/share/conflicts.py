"""Disagreeing facts: keep every figure, flag the key, pick one display value by a fixed rule.

Two facts are about the *same cell* when they share the key columns (entity, metric, period,
market and, for chips, the scope). They *agree* when their values are equal within the
precision the text gives (:func:`values_agree`): 约110万 agrees with 1,144,588, 超1000 with 1,038.
A key whose facts fall into more than one group of agreeing values is a conflict: every fact
stays in the long table, the key is flagged and the note lists each value with its basis.

Display-value rule (:data:`DISPLAY_RULE`), applied in this order:

1. same basis: prefer facts on the basis most used by the series (the same entity, metric and
   market over all periods), so a displayed series does not jump between CAAM and CPCA;
2. the most recent article (``published_date``; undated articles last);
3. the attributed official body (:data:`BASIS_RANK`: CAAM, China Customs, CPCA, company, ...);
4. an exact figure before an approximate one, then ``fact_id`` (deterministic).

Example:
    >>> import pandas as pd
    >>> f = pd.DataFrame({"fact_id": ["a", "b"], "entity_id": ["china"] * 2,
    ...     "metric": ["exports"] * 2, "period": ["2025"] * 2, "market": ["world"] * 2,
    ...     "value": [7098000.0, 8320000.0], "qualifier": ["", ""],
    ...     "data_source": ["caam", "cpca"], "published_date": ["2026-01-14", "2026-01-28"]})
    >>> long, shown = resolve_conflicts(f, keys=KEYS)
    >>> shown[["value", "data_source", "is_conflict"]].values.tolist()
    [[7098000.0, 'caam', True]]
    >>> shown["conflict_note"].iloc[0]
    'caam 7,098,000 [a] ≠ cpca 8,320,000 [b]'
"""

from __future__ import annotations

import math

import pandas as pd

KEYS = ("entity_id", "metric", "period", "market")
SERIES_KEYS = ("entity_id", "metric", "market")
# Lower is preferred when the rule reaches the "official body" step.
BASIS_RANK = {
    "caam": 0, "china_customs": 1, "cpca": 2, "company": 3, "gasgoo": 4, "ggii": 4,
    "ne_times": 4, "dataforce": 4, "researchinchina": 4, "cic": 4, "frost_sullivan": 4,
    "yole": 4, "industry": 5, "mixed": 6, "": 7,
}  # fmt: skip
OTHER_BASIS_RANK = 5
EXACT_REL_TOLERANCE = 0.001  # two exact figures agree within 0.1 % (rounding in conversions)
BOUND_QUALIFIERS = {"over": 1, "under": -1}
APPROX_QUALIFIERS = {"approx", "over", "under", "range"}
DISPLAY_RULE = (
    "same basis as the series first, then the most recent article, then the official body "
    "(CAAM > China Customs > CPCA > company > research firm), then exact before approximate"
)


def rounding_unit(value: float) -> float:
    """Return the place value of the last non-zero digit (the precision a figure implies).

    Example:
        >>> rounding_unit(1_100_000), rounding_unit(1_050_000), rounding_unit(47.66)
        (100000.0, 10000.0, 0.01)
    """
    if value == 0 or not math.isfinite(value):
        return 1.0
    for exp in range(12, -5, -1):
        unit = 10.0**exp
        if abs(value) >= unit and math.isclose(round(value / unit) * unit, value, rel_tol=1e-9):
            return unit
    return 10.0**-4


def values_agree(a: float, qual_a: str, b: float, qual_b: str) -> bool:
    """Whether two figures can be the same number, given their qualifiers.

    Exact figures agree within 0.1 %. 约/approx figures agree within half their rounding unit
    (约110万 covers 1.05–1.15 M). 超/over X agrees with values from X up to X plus its
    rounding unit; 不足/under the mirror image.

    Example:
        >>> values_agree(1_100_000, "approx", 1_144_588, "")  # 约110万 vs 1,144,588
        True
        >>> values_agree(7_098_000, "", 8_320_000, "")
        False
        >>> values_agree(1_000_000, "over", 1_038_414, "")
        True
    """
    if math.isclose(a, b, rel_tol=EXACT_REL_TOLERANCE):
        return True
    return _within(a, qual_a or "", b) or _within(b, qual_b or "", a)


def _within(bound: float, qualifier: str, other: float) -> bool:
    """Whether ``other`` lies in the interval a qualified figure ``bound`` stands for."""
    if qualifier not in APPROX_QUALIFIERS:
        return False
    unit = rounding_unit(bound)
    direction = BOUND_QUALIFIERS.get(qualifier)
    if direction == 1:
        return bound <= other <= bound + unit
    if direction == -1:
        return bound - unit <= other <= bound
    return abs(other - bound) <= unit / 2


def cluster_values(values: list[float], qualifiers: list[str]) -> list[int]:
    """Group figures that agree (single linkage over :func:`values_agree`); return group ids.

    Example:
        >>> cluster_values([7098000, 8320000, 7098000], ["", "", ""])
        [0, 1, 0]
    """
    groups: list[int] = []
    for i, (v, q) in enumerate(zip(values, qualifiers, strict=True)):
        match = next(
            (groups[j] for j in range(i) if values_agree(values[j], qualifiers[j], v, q)), None
        )
        groups.append(match if match is not None else (max(groups, default=-1) + 1))
    return groups


def add_series_basis(facts: pd.DataFrame, series_keys: tuple[str, ...]) -> pd.DataFrame:
    """Add ``series_basis``: the basis most used by the series (ties: the official one).

    Example:
        >>> f = pd.DataFrame({"entity_id": ["china"] * 3, "data_source": ["cpca", "caam", "caam"]})
        >>> add_series_basis(f, ("entity_id",))["series_basis"].unique().tolist()
        ['caam']
    """
    out = facts.copy()
    group = list(dict.fromkeys([*series_keys, "data_source"]))
    counts = out.groupby(group, dropna=False).size().rename("n").reset_index()
    counts["rank"] = counts["data_source"].map(basis_rank)
    counts = counts.sort_values(["n", "rank"], ascending=[False, True])
    best = counts.drop_duplicates(list(series_keys))[group]
    best = best.assign(series_basis=best["data_source"])
    if "data_source" not in series_keys:
        best = best.drop(columns="data_source")
    return out.merge(best, on=list(series_keys), how="left", validate="many_to_one")


def basis_rank(basis: str) -> int:
    """Rank of a basis in the official-body step (lower first).

    Example:
        >>> basis_rank("caam") < basis_rank("cpca") < basis_rank("company")
        True
    """
    return BASIS_RANK.get(basis or "", OTHER_BASIS_RANK)


def order_by_display_rule(facts: pd.DataFrame) -> pd.DataFrame:
    """Sort facts so that, within a key, the first row is the display value (see module doc).

    Example:
        >>> f = pd.DataFrame({"fact_id": ["x", "y"], "data_source": ["cpca", "caam"],
        ...     "series_basis": ["caam", "caam"], "published_date": ["2026-02-01", None],
        ...     "qualifier": ["", ""]})
        >>> order_by_display_rule(f)["fact_id"].tolist()
        ['y', 'x']
    """
    keys = pd.DataFrame(
        {
            "_other_basis": facts["data_source"] != facts["series_basis"],
            "_date": pd.to_datetime(facts["published_date"], errors="coerce"),
            "_rank": facts["data_source"].map(basis_rank),
            "_approx": facts["qualifier"].fillna("").isin(APPROX_QUALIFIERS),
            "_fact": facts["fact_id"],
        },
        index=facts.index,
    )
    order = keys.sort_values(
        ["_other_basis", "_date", "_rank", "_approx", "_fact"],
        ascending=[True, False, True, True, True],
        na_position="last",
    ).index
    return facts.loc[order]


def _format_value(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


# NOTE: the note is repeated on every fact of its cell, so its length must not grow with the
# cell: a cell of 10,000 facts with every id listed made a 10,000-article run's long table
# several GB (out of memory in stage 04). Every fact id stays in the display row's fact_ids.
NOTE_MAX_FIGURES = 8
NOTE_MAX_IDS = 3


def _conflict_note(group: pd.DataFrame) -> str:
    """``basis value [fact ids]`` per distinct figure, joined by ≠ (long lists shortened).

    Example:
        >>> g = pd.DataFrame({"value_group": [0] * 5 + [1], "data_source": ["caam"] * 5 + [""],
        ...     "value": [7098000.0] * 5 + [7100000.0], "fact_id": list("abcdef")})
        >>> _conflict_note(g)
        'caam 7,098,000 [a,b,c +2] ≠ unstated 7,100,000 [f]'
    """
    parts = []
    groups = list(group.groupby("value_group", sort=True))
    for _, sub in groups[:NOTE_MAX_FIGURES]:
        head = sub.iloc[0]
        bases = "/".join(dict.fromkeys(b or "unstated" for b in sub["data_source"]))
        ids = ",".join(sub["fact_id"].astype(str).head(NOTE_MAX_IDS))
        more = f" +{len(sub) - NOTE_MAX_IDS}" if len(sub) > NOTE_MAX_IDS else ""
        parts.append(f"{bases} {_format_value(head['value'])} [{ids}{more}]")
    if len(groups) > NOTE_MAX_FIGURES:
        parts.append(f"… +{len(groups) - NOTE_MAX_FIGURES} figures")
    return " ≠ ".join(parts)


def _resolve_group(group: pd.DataFrame) -> pd.DataFrame:
    group = order_by_display_rule(group)
    group = group.assign(
        value_group=cluster_values(group["value"].tolist(), group["qualifier"].fillna("").tolist())
    )
    n_values = group["value_group"].nunique()
    return group.assign(
        is_display=[True] + [False] * (len(group) - 1),
        is_conflict=n_values > 1,
        n_values=n_values,
        conflict_note=_conflict_note(group) if n_values > 1 else "",
    )


def resolve_conflicts(
    facts: pd.DataFrame,
    *,
    keys: tuple[str, ...] = KEYS,
    series_keys: tuple[str, ...] = SERIES_KEYS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flag conflicting keys and choose each key's display value.

    Args:
        facts: one row per fact with ``fact_id``, ``value``, ``qualifier``, ``data_source``,
            ``published_date`` and the ``keys`` columns.
        keys: columns that identify one table cell.
        series_keys: columns of a series (for the same-basis step).

    Returns:
        ``(long, display)``: every fact with ``is_display``, ``is_conflict``, ``n_values``,
        ``value_group``, ``conflict_note``; and one row per key (the display fact) with
        ``fact_ids`` (all facts behind the cell, ``;``-joined), ``n_facts`` and ``bases``.
    """
    if facts.empty:
        extra = ["series_basis", "value_group", "is_display", "is_conflict", "n_values"]
        long = facts.assign(**{c: pd.Series(dtype=object) for c in [*extra, "conflict_note"]})
        display = long.assign(fact_ids="", n_facts=0, bases="")
        return long, display
    based = add_series_basis(facts, series_keys)
    parts = [_resolve_group(g) for _, g in based.groupby(list(keys), sort=True, dropna=False)]
    long = pd.concat(parts, ignore_index=True)
    summary = long.groupby(list(keys), dropna=False).agg(
        fact_ids=("fact_id", lambda s: ";".join(map(str, s))),
        n_facts=("fact_id", "size"),
        bases=("data_source", lambda s: ";".join(dict.fromkeys(b or "unstated" for b in s))),
    )
    display = long[long["is_display"]].merge(
        summary.reset_index(), on=list(keys), how="left", validate="one_to_one"
    )
    return long, display.reset_index(drop=True)


def best_per_basis(long: pd.DataFrame, keys: tuple[str, ...] = KEYS) -> pd.DataFrame:
    """One row per key *and basis*: the display-rule choice among that basis's facts.

    The display table keeps one value per cell; shares need a total on the same basis as the
    part (a CPCA company figure over the CPCA total), so they read this table instead.

    Args:
        long: the long table of :func:`resolve_conflicts` (ordered by the rule within a key).
        keys: the key columns used there.

    Returns:
        The first fact of each key-basis pair, with ``fact_ids`` of all facts of that pair.

    Example:
        >>> f = pd.DataFrame({"fact_id": ["a", "b"], "entity_id": ["china"] * 2,
        ...     "metric": ["exports"] * 2, "period": ["2025"] * 2, "market": ["world"] * 2,
        ...     "value": [7098000.0, 8320000.0], "qualifier": ["", ""],
        ...     "data_source": ["caam", "cpca"], "published_date": ["2026-01-14", "2026-01-28"]})
        >>> best_per_basis(resolve_conflicts(f)[0])[["data_source", "value"]].values.tolist()
        [['caam', 7098000.0], ['cpca', 8320000.0]]
    """
    pair = list(dict.fromkeys([*keys, "data_source"]))
    if long.empty:
        return long.assign(fact_ids=pd.Series(dtype=str))
    ids = long.groupby(pair, dropna=False)["fact_id"].agg(lambda s: ";".join(map(str, s)))
    first = long.drop_duplicates(pair).set_index(pair)
    return first.assign(fact_ids=ids).reset_index()

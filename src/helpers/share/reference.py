"""Published reference figures (``data/reference/*.csv``) and the reconciliation table.

The reference files are transcribed by hand from ``../shared/reference/public-facts.md``: only
rows of reliability A (official body, filing, wire service) or B (trade press relaying an
official figure), each with its URL and statistical basis. Chip-share rows also give the
``scope`` (same vocabulary as :data:`helpers.share.tables.SCOPE_KEYWORDS`).

NOTE: ``scope`` is an extra, optional column beyond the agreed eleven: without it a GGII urban
NOA share and a GGII front-camera share of the same year could not be told apart.

Example:
    >>> import pandas as pd
    >>> ref = validate_reference(pd.DataFrame([{"entity_id": "china", "metric": "exports",
    ...     "value": 7098000, "unit": "vehicles", "period": "2025", "market": "world",
    ...     "basis": "caam", "source_name": "SteelOrbis", "reliability": "B",
    ...     "url": "https://www.steelorbis.com/", "note": "中汽协"}]))
    >>> figs = pd.DataFrame({"entity_id": ["china", "china"], "metric": ["exports"] * 2,
    ...     "period": ["2025"] * 2, "market": ["world"] * 2, "value": [7098000.0, 8320000.0],
    ...     "qualifier": ["", ""], "data_source": ["caam", "cpca"], "fact_ids": ["a", "b"]})
    >>> reconcile(figs, ref)["status"].tolist()
    ['agrees', 'differs']
"""

from __future__ import annotations

import pandas as pd

from helpers.share.conflicts import values_agree
from helpers.share.prepare import period_bounds

REFERENCE_COLUMNS = (
    "entity_id", "metric", "value", "unit", "period", "market", "basis", "source_name",
    "reliability", "url", "note",
)  # fmt: skip
OPTIONAL_REFERENCE_COLUMNS = ("scope",)
RELIABILITY_KEPT = frozenset({"A", "B"})
# Figures that are a count at a date: the reference may give a coarser period ("early 2026").
AS_OF_METRICS = frozenset({"fleet_size", "fleet_target"})
MATCH_KEYS = ("entity_id", "metric", "market")
STATUS_AGREES, STATUS_DIFFERS, STATUS_NONE = "agrees", "differs", "no reference"
RECONCILE_COLUMNS = (
    "ref_value", "ref_basis", "ref_source", "ref_reliability", "ref_url", "status", "status_note",
)  # fmt: skip


class ReferenceError(ValueError):
    """A reference file breaks a rule; the message says which row."""


def validate_reference(ref: pd.DataFrame) -> pd.DataFrame:
    """Check columns, reliability (A/B only), numbers and URLs; return a clean copy.

    Example:
        >>> validate_reference(pd.DataFrame([{"entity_id": "比亚迪", "reliability": "C"}]))
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        helpers.share.reference.ReferenceError: reference lacks columns ['metric', 'value', ...
    """
    missing = [c for c in REFERENCE_COLUMNS if c not in ref.columns]
    if missing:
        raise ReferenceError(f"reference lacks columns {missing}")
    out = ref.copy()
    for column in (*REFERENCE_COLUMNS, *OPTIONAL_REFERENCE_COLUMNS):
        if column != "value":
            out[column] = out[column].map(_text) if column in out else ""
    bad = out.loc[~out["reliability"].isin(RELIABILITY_KEPT)]
    if not bad.empty:
        raise ReferenceError(f"only A/B rows belong in data/reference; see {bad.index.tolist()}")
    no_url = out.loc[~out["url"].str.startswith("http")]
    if not no_url.empty:
        raise ReferenceError(f"every reference row needs its URL; see {no_url.index.tolist()}")
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype(float)
    keys = [*MATCH_KEYS, "period", "basis", "scope"]
    dupes = out[out.duplicated(keys, keep=False)]
    if not dupes.empty:
        raise ReferenceError(f"duplicate reference rows {dupes.index.tolist()} for {keys}")
    return out


def _text(value: object) -> str:
    """A cell as text: "" for empty, 2025 (read as a number) as "2025"."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def distinct_figures(long: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """One row per key and distinct value (agreeing facts collapsed), for reconciliation.

    Example:
        >>> long = pd.DataFrame({"k": ["出口"] * 3, "value_group": [0, 1, 0],
        ...     "value": [7.098, 8.32, 7.098], "fact_id": ["a", "b", "c"]})
        >>> distinct_figures(long, ("k",))[["value", "fact_ids"]].values.tolist()
        [[7.098, 'a;c'], [8.32, 'b']]
    """
    groups = [*keys, "value_group"]
    ids = long.groupby(groups, dropna=False)["fact_id"].agg(lambda s: ";".join(map(str, s)))
    first = long.drop_duplicates(groups).set_index(groups)
    return first.assign(fact_ids=ids).reset_index().drop(columns=["fact_id"], errors="ignore")


def _period_matches(extracted: str, ref_period: str, metric: str) -> bool:
    if extracted == ref_period:
        return True
    if metric not in AS_OF_METRICS:
        return False
    try:
        start, end = period_bounds(ref_period)
        return start <= period_bounds(extracted)[1] <= end
    except ValueError:
        return False


def _match(fig: pd.Series, candidates: pd.DataFrame) -> pd.Series | None:
    """The reference row for one figure: same period (or as-of inside), same basis first."""
    ok = [_period_matches(fig["period"], p, fig["metric"]) for p in candidates["period"]]
    rows = candidates[ok]
    if rows.empty:
        return None
    same_basis = rows[rows["basis"] == fig["data_source"]]
    agreeing = rows[[values_agree(fig["value"], fig["qualifier"], v, "") for v in rows["value"]]]
    for pool in (same_basis, agreeing, rows):
        if not pool.empty:
            return pool.iloc[0]
    return None


def _status(fig: pd.Series, ref: pd.Series | None) -> tuple[str, str]:
    if fig.get("qualifier") == "forecast":
        return STATUS_NONE, "forecast: not compared with published actuals"
    if ref is None:
        return STATUS_NONE, ""
    basis = fig["data_source"] or "unstated"
    if values_agree(fig["value"], fig["qualifier"], ref["value"], ""):
        return STATUS_AGREES, f"{basis} = {ref['basis']}"
    same = "same basis" if basis == ref["basis"] else "basis differs"
    return STATUS_DIFFERS, (
        f"extracted {basis} {fig['value']:,.6g} vs reference {ref['basis']} "
        f"{ref['value']:,.6g} ({same})"
    )


def _reference_fields(ref: pd.Series | None) -> dict:
    """The ``ref_*`` columns of one figure's row (empty when it has no reference)."""
    if ref is None:
        return {"ref_value": None, "ref_basis": "", "ref_source": "", "ref_reliability": "",
                "ref_url": ""}  # fmt: skip
    return {
        "ref_value": ref["value"],
        "ref_basis": ref["basis"],
        "ref_source": ref["source_name"],
        "ref_reliability": ref["reliability"],
        "ref_url": ref["url"],
    }


def reconcile(
    figures: pd.DataFrame, reference: pd.DataFrame, *, entity_col: str = "entity_id"
) -> pd.DataFrame:
    """Put each extracted figure next to its reference figure: agrees / differs / no reference.

    Args:
        figures: distinct extracted figures (``value``, ``qualifier``, ``data_source``,
            ``period``, ``metric``, ``market``, ``fact_ids`` and ``entity_col``; ``scope`` is
            matched too when both sides have it).
        reference: validated reference rows (:func:`validate_reference`).
        entity_col: the figures' entity column (``vendor_id`` for chips).

    Returns:
        The figures with ``ref_value``, ``ref_basis``, ``ref_source``, ``ref_reliability``,
        ``ref_url``, ``status`` and ``status_note``.
    """
    figs = figures
    if entity_col != "entity_id":
        figs = figs.drop(columns="entity_id", errors="ignore").rename(
            columns={entity_col: "entity_id"}
        )
    figs = figs.reset_index(drop=True)
    keys = list(MATCH_KEYS) + (["scope"] if "scope" in figs and "scope" in reference else [])
    index = {k: g for k, g in reference.groupby(keys, dropna=False)}
    rows = []
    for _, fig in figs.iterrows():
        key = tuple(fig[k] for k in keys)
        ref = _match(fig, index[key]) if key in index else None
        status, note = _status(fig, ref)
        rows.append({**_reference_fields(ref), "status": status, "status_note": note})
    # NOTE: named columns, so a topic without figures still gives a table with a status column
    added = pd.DataFrame(rows, index=figs.index, columns=list(RECONCILE_COLUMNS))
    out = pd.concat([figs, added], axis=1)
    return out.rename(columns={"entity_id": entity_col})

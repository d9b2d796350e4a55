"""Share tables for stages 04–06: EV exports, ADAS chip share and Robotaxi fleets.

Small pure functions over facts prepared by :mod:`helpers.share.prepare` (one row per
extracted figure, joined to its article); source notes and display labels are
:mod:`helpers.share.notes`. Conflicts and the display-value rule are in
:mod:`helpers.share.conflicts`; the reference cross-check is in :mod:`helpers.share.reference`.

Shares are only computed against a total **on the same basis and period** (a CAAM company
figure over the CAAM total); a company's "overseas sales" (which include cars built abroad) is
never divided by an export total. The "Others" remainder is ``total - named`` and never
negative: when the named companies exceed the total the remainder is 0 and the row says so.

Example:
    >>> f = pd.DataFrame({"fact_id": ["f1"], "article_id": ["a1"], "topic": ["chip_share"],
    ...     "entity_id": ["orin_x"], "metric": ["market_share"], "value": [49.36],
    ...     "unit": ["percent"], "period": ["2025-01/2025-12"], "market": ["CN"],
    ...     "qualifier": [""], "data_source": [""],
    ...     "sentence": ["2025年中國城市NOA計算晶片市場中,輝達以49.36%的市佔率居首"]})
    >>> a = pd.DataFrame({"article_id": ["a1"], "title": ["城市NOA"], "source_name": ["智駕前線"],
    ...     "published_date": ["2026-01-20"]})
    >>> from helpers.share.prepare import prepare_facts
    >>> chips = add_chip_scope(prepare_facts(f, a, topic="chip_share"))
    >>> chips[["vendor_id", "period", "scope"]].values.tolist()
    [['nvidia', '2025', 'urban_noa']]
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.catalog import entities
from helpers.catalog import texts as lab
from helpers.share.prepare import (
    CHINA_IDS,
    CHIP_SCOPE_COLS,
    COMPANY_TYPES,
    EXPORT_METRICS,
    FLEET_METRICS,
    FULL_BREAKDOWN_MIN,
    HOME_MARKETS,
    MEASURE_KEYWORDS,
    OTHERS_ID,
    PROJECTION_QUALIFIERS,
    ROBOTAXI_SEGMENT,
    SCOPE_KEYWORDS,
    SPLIT_METRICS,
    UNSPECIFIED,
    WORLD,
    entity_types,
    fill_market_from_article,
    period_end,
)
from helpers.text import script

# --- chip share ------------------------------------------------------------------------------


def _match_text(text: str) -> str:
    return script.opencc_converter("t2s").convert(script.fold_nfkc(text or "")).lower()


def _keyword_re(words: dict[str, str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_SCOPE_RE = _keyword_re(SCOPE_KEYWORDS)
_MEASURE_RE = _keyword_re(MEASURE_KEYWORDS)


def _anchor(text: str, value: float, entity_text: str) -> int:
    """Where the fact sits in the sentence: its number, else its entity name, else the end."""
    for candidate in (f"{value:g}", f"{value:,.0f}" if value >= 1000 else ""):
        if candidate and (pos := text.find(candidate)) >= 0:
            return pos
    name = _match_text(entity_text)
    if name and (pos := text.find(name)) >= 0:
        return pos
    return len(text)


def _nearest(pattern: re.Pattern, words: dict[str, str], text: str, anchor: int) -> str | None:
    """The keyword closest before ``anchor``, else the first one after it."""
    hits = list(pattern.finditer(text))
    before = [m for m in hits if m.start() < anchor]
    pick = before[-1] if before else (hits[0] if hits else None)
    return words[pick.group()] if pick else None


def infer_chip_scope(
    sentence: str, value: float, entity_text: str = "", title: str = ""
) -> tuple[str, str]:
    """Read the market scope and measure a chip share refers to from its sentence.

    The scope word nearest before the figure wins (one sentence may name two markets); the
    article title is the fallback; otherwise ``unspecified``.

    Returns:
        ``(scope, measure)``, e.g. ``("urban_noa", "unspecified")``.

    Example:
        >>> s = "地平线在前视一体机与小域控方案的份额为47.66%；"
        >>> s += "城市NOA芯片则由英伟达领先，份额为49.36%"
        >>> infer_chip_scope(s, 47.66), infer_chip_scope(s, 49.36)
        (('front_camera', 'unspecified'), ('urban_noa', 'unspecified'))
        >>> infer_chip_scope("2024年智驾域控芯片装机量达210万套", 2_100_000)
        ('domain_controller', 'installed')
    """
    text = _match_text(sentence)
    anchor = _anchor(text, value, entity_text)
    scope = _nearest(_SCOPE_RE, SCOPE_KEYWORDS, text, anchor)
    measure = _nearest(_MEASURE_RE, MEASURE_KEYWORDS, text, anchor)
    if scope is None:
        title_text = _match_text(title)
        scope = _nearest(_SCOPE_RE, SCOPE_KEYWORDS, title_text, len(title_text))
    return scope or UNSPECIFIED, measure or UNSPECIFIED


def vendor_of(entity_id: str) -> str:
    """The vendor a chip product rolls up to; combined (``a+b``) and unknown ids stay.

    Example:
        >>> vendor_of("orin_x"), vendor_of("shenji"), vendor_of("others")  # Orin-X, 神玑
        ('nvidia', 'nio', 'others')
    """
    if lab.COMBINED_SEP in entity_id:
        return lab.COMBINED_SEP.join(vendor_of(p) for p in entity_id.split(lab.COMBINED_SEP))
    catalog = entities.load_catalog()
    return entities.rollup(entity_id, catalog) if entity_id in catalog else entity_id


def is_self_developed(vendor_id: str) -> bool:
    """Whether a chip vendor is a carmaker designing its own chips (NIO, XPeng, Li Auto, Tesla).

    Example:
        >>> is_self_developed("nio"), is_self_developed("horizon_robotics")  # 蔚来, 地平线
        (True, False)
    """
    catalog = entities.load_catalog()
    return vendor_id in catalog and "automaker" in catalog.entities[vendor_id].types


def add_chip_scope(chips: pd.DataFrame) -> pd.DataFrame:
    """Add ``vendor_id``, ``scope``, ``measure``, ``is_self_developed``, ``is_combined``.

    Example:
        >>> df = pd.DataFrame({"entity_id": ["journey_5"], "value": [30.71],
        ...     "entity_text": ["征程5"], "sentence": ["前裝NOA晶片中,征程5以30.71%居次"],
        ...     "title": [""]})
        >>> add_chip_scope(df)[["vendor_id", "scope"]].values.tolist()
        [['horizon_robotics', 'noa']]
    """
    out = fill_market_from_article(chips) if "article_id" in chips else chips.copy()
    scopes = [
        infer_chip_scope(r.sentence, r.value, r.entity_text, r.title)
        for r in out[["sentence", "value", "entity_text", "title"]].itertuples()
    ]
    out["scope"] = [s for s, _ in scopes]
    out["measure"] = [m for _, m in scopes]
    out["vendor_id"] = out["entity_id"].map(vendor_of)
    out["is_self_developed"] = out["vendor_id"].map(is_self_developed)
    out["is_combined"] = out["vendor_id"].str.contains(lab.COMBINED_SEP, regex=False)
    return out


def chip_share_table(display: pd.DataFrame) -> pd.DataFrame:
    """Shares by vendor within each scope-period, with ``scope_total_pct`` and completeness.

    ``is_full_breakdown`` marks a scope-period whose named shares (combined rows excluded)
    add up to at least :data:`FULL_BREAKDOWN_MIN` — only those get a stacked 100 % chart.

    Example:
        >>> d = pd.DataFrame({"vendor_id": ["horizon_robotics", "others", "nvidia+huawei"],
        ...     "value": [60.0, 40.0, 90.0], "is_combined": [False, False, True],
        ...     **{c: ["x"] * 3 for c in CHIP_SCOPE_COLS}})
        >>> t = chip_share_table(d)
        >>> t[["vendor_id", "scope_total_pct", "is_full_breakdown"]].values.tolist()
        [['horizon_robotics', 100.0, True], ['others', 100.0, True], ['nvidia+huawei', 100.0, True]]
    """
    out = display.copy()
    singles = out[~out["is_combined"]]
    totals = singles.groupby(list(CHIP_SCOPE_COLS))["value"].sum().rename("scope_total_pct")
    out = out.merge(totals.reset_index(), on=list(CHIP_SCOPE_COLS), how="left")
    out["scope_total_pct"] = out["scope_total_pct"].fillna(0.0)
    out["is_full_breakdown"] = out["scope_total_pct"] >= FULL_BREAKDOWN_MIN
    return out


def share_sums(table: pd.DataFrame, group_cols: tuple[str, ...]) -> pd.DataFrame:
    """Sum of shares per scope-period (combined rows excluded), for the ≤ 100 check.

    Example:
        >>> t = pd.DataFrame({"g": ["城市NOA", "城市NOA"], "value": [49.36, 30.0],
        ...     "is_combined": [False, False]})
        >>> share_sums(t, ("g",))["sum_pct"].round(2).tolist()
        [79.36]
    """
    singles = table[~table["is_combined"]] if "is_combined" in table else table
    return singles.groupby(list(group_cols))["value"].sum().rename("sum_pct").reset_index()


# --- EV exports ------------------------------------------------------------------------------


def is_company(entity_id: str) -> bool:
    """Whether an id is a carmaker or brand (or an unnamed company).

    Example:
        >>> is_company("chery"), is_company("china"), is_company("company_b")  # 奇瑞
        (True, False, True)
    """
    if entity_id.startswith("company_"):
        return True
    return bool(set(entity_types(entity_id)) & COMPANY_TYPES)


def _totals(display: pd.DataFrame, metric: str = "exports") -> pd.DataFrame:
    """China's export totals per period, market and basis: the share denominators."""
    t = display[display["entity_id"].isin(CHINA_IDS) & (display["metric"] == metric)]
    t = t[~t["is_projection"]]
    cols = ["period", "market", "data_source"]
    t = t.sort_values("entity_id").drop_duplicates(cols)  # china before chinese_brands
    return t[[*cols, "value", "fact_ids"]].rename(
        columns={"value": "total_value", "fact_ids": "total_fact_ids"}
    )


def _with_share(rows: pd.DataFrame, totals: pd.DataFrame, metric_match: bool) -> pd.DataFrame:
    """Attach the same-basis, same-period total and the share in percent."""
    keys = ["period", "market", "data_source"]
    out = rows.merge(totals, on=keys, how="left", validate="many_to_one")
    if metric_match:
        out.loc[out["metric"] != "exports", ["total_value", "total_fact_ids"]] = [pd.NA, pd.NA]
    out["share_pct"] = 100 * out["value"] / out["total_value"].astype(float)
    return out


def company_exports_table(
    display: pd.DataFrame, per_basis: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Exports / overseas sales by company and period, share of the same-basis total, Others.

    Args:
        display: display rows of the ev_exports facts (:func:`conflicts.resolve_conflicts`).
        per_basis: one figure per cell and basis (:func:`conflicts.best_per_basis`), where the
            totals are looked up; ``display`` when not given.

    Returns:
        One row per company, metric, period, market and basis, plus an ``others`` row
        (``is_remainder``) wherever the total on that basis and period is known.

    Example:
        >>> d = pd.DataFrame({"entity_id": ["china", "chery", "byd"], "metric": ["exports"] * 3,
        ...     "period": ["2025"] * 3, "market": ["world"] * 3, "data_source": ["caam"] * 3,
        ...     "value": [7098000.0, 1344020.0, 1046083.0], "is_projection": [False] * 3,
        ...     "fact_ids": ["f1", "f2", "f3"], "qualifier": [""] * 3, "unit": ["vehicles"] * 3})
        >>> t = company_exports_table(d)
        >>> t[["entity_id", "value", "share_pct"]].round(1).values.tolist()
        [['chery', 1344020.0, 18.9], ['byd', 1046083.0, 14.7], ['others', 4707897.0, 66.3]]
    """
    is_named = display["entity_id"].map(is_company).astype(bool)
    rows = display[is_named & display["metric"].isin(EXPORT_METRICS)]
    rows = rows[~rows["is_projection"] & rows["market"].isin([WORLD, ""])]
    totals = _totals(display if per_basis is None else per_basis)
    out = _with_share(rows.assign(is_remainder=False), totals, metric_match=True)
    out = pd.concat([out, _others_rows(out)], ignore_index=True)
    return out.sort_values(
        ["metric", "period", "data_source", "is_remainder", "value"],
        ascending=[True, True, True, True, False],
    ).reset_index(drop=True)


def _others_rows(companies: pd.DataFrame) -> pd.DataFrame:
    """``others`` = total − named companies, clipped at 0, per metric-period-basis with a total."""
    known = companies.dropna(subset=["total_value"])
    if known.empty:
        return companies.iloc[0:0]
    keys = ["metric", "period", "market", "data_source"]
    grouped = known.groupby(keys).agg(
        named=("value", "sum"),
        total_value=("total_value", "first"),
        total_fact_ids=("total_fact_ids", "first"),
        fact_ids=("fact_ids", lambda s: ";".join(s)),
        unit=("unit", "first"),
    )
    grouped = grouped.reset_index()
    raw = grouped["total_value"] - grouped["named"]
    return grouped.assign(
        entity_id=OTHERS_ID,
        value=raw.clip(lower=0.0),
        share_pct=100 * raw.clip(lower=0.0) / grouped["total_value"],
        is_remainder=True,
        is_projection=False,
        qualifier="",
        fact_ids=grouped["total_fact_ids"] + ";" + grouped["fact_ids"],
        remainder_note=[
            "" if r >= 0 else f"named companies exceed the total by {-r:,.0f}" for r in raw
        ],
    ).drop(columns=["named"])


def nev_split_table(per_basis: pd.DataFrame) -> pd.DataFrame:
    """China's exports, NEV and PHEV exports per period and basis, NEV/PHEV share of the total.

    Reads one figure per cell and basis (:func:`conflicts.best_per_basis`), so CAAM and CPCA
    each get their own row.

    Example:
        >>> d = pd.DataFrame({"entity_id": ["china"] * 2, "metric": ["exports", "nev_exports"],
        ...     "period": ["2025"] * 2, "market": ["world"] * 2, "data_source": ["caam"] * 2,
        ...     "value": [7098000.0, 2615000.0], "is_projection": [False] * 2,
        ...     "fact_ids": ["f1", "f2"]})
        >>> nev_split_table(d)[["period", "nev_share_pct"]].round(1).values.tolist()
        [['2025', 36.8]]
    """
    rows = per_basis[
        per_basis["entity_id"].isin(CHINA_IDS)
        & per_basis["metric"].isin(SPLIT_METRICS)
        & per_basis["market"].isin([WORLD, ""])
        & ~per_basis["is_projection"]
    ]
    keys = ["period", "data_source"]
    wide = rows.pivot_table(index=keys, columns="metric", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(SPLIT_METRICS))
    ids = rows.groupby(keys)["fact_ids"].agg(";".join)
    out = wide.join(ids).reset_index().rename(columns={"exports": "total_exports"})
    out["nev_share_pct"] = 100 * out["nev_exports"] / out["total_exports"]
    out["phev_share_pct"] = 100 * out["phev_exports"] / out["total_exports"]
    out["period_end"] = out["period"].map(period_end)
    return out.sort_values(["period_end", "data_source"]).reset_index(drop=True)


def destination_table(display: pd.DataFrame, per_basis: pd.DataFrame | None = None) -> pd.DataFrame:
    """China's exports by destination market and period, share of the same-basis total.

    Example:
        >>> d = pd.DataFrame({"entity_id": ["china"] * 2, "metric": ["exports"] * 2,
        ...     "period": ["2025"] * 2, "market": ["world", "MX"], "data_source": ["cpca"] * 2,
        ...     "value": [8320000.0, 625200.0], "is_projection": [False] * 2,
        ...     "fact_ids": ["f1", "f2"]})
        >>> destination_table(d)[["market", "share_pct"]].round(1).values.tolist()
        [['MX', 7.5]]
    """
    rows = display[
        display["entity_id"].isin(CHINA_IDS)
        & (display["metric"] == "exports")
        & ~display["market"].isin(HOME_MARKETS)
        & ~display["is_projection"]
    ]
    totals = _totals(display if per_basis is None else per_basis)
    totals = totals[totals["market"].isin([WORLD, ""])].drop(columns="market")
    out = rows.merge(totals, on=["period", "data_source"], how="left", validate="many_to_one")
    out["share_pct"] = 100 * out["value"] / out["total_value"]
    return out.sort_values(["period", "data_source", "value"], ascending=[True, True, False])


def brand_share_table(display: pd.DataFrame) -> pd.DataFrame:
    """Shares of Chinese carmakers (or all Chinese brands) in foreign markets, over time.

    Example:
        >>> d = pd.DataFrame({"entity_id": ["chery"], "metric": ["market_share"],
        ...     "period": ["2024"], "market": ["RU"], "value": [20.4], "is_projection": [False]})
        >>> brand_share_table(d)[["entity_id", "market", "value"]].values.tolist()  # 奇瑞在俄
        [['chery', 'RU', 20.4]]
    """
    rows = display[
        (display["metric"] == "market_share")
        & ~display["market"].isin(HOME_MARKETS)
        & ~display["is_projection"]
    ]
    return rows.sort_values(["market", "entity_id", "period"]).reset_index(drop=True)


# --- Robotaxi fleets -------------------------------------------------------------------------


def prepare_fleet_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """Fleet sizes and targets with an ``as_of_date``; a fleet figure qualified 目标 is a target.

    Example:
        >>> f = pd.DataFrame({"metric": ["fleet_size", "fleet_size"], "qualifier": ["", "target"],
        ...     "period": ["2025-10", "2026"], "segment": ["robotaxi", ""]})
        >>> prepare_fleet_facts(f)[["metric", "as_of_date"]].values.tolist()  # 10月下旬 / 2026年底
        [['fleet_size', '2025-10-31'], ['fleet_target', '2026-12-31']]
    """
    out = facts[facts["metric"].isin(FLEET_METRICS)].copy()
    is_target = out["qualifier"].isin(PROJECTION_QUALIFIERS)
    out.loc[is_target, "metric"] = "fleet_target"
    out["as_of_date"] = out["period"].map(lambda p: period_end(p).date().isoformat())
    if "segment" not in out:
        out["segment"] = ""
    # NOTE: in this topic "robotaxi" is the default segment: the facts stage sets it on some
    # sentences only, which would split one operator's series in two. Other segments (all
    # autonomous vehicles, e.g. WeRide's total fleet) stay apart.
    out.loc[out["segment"] == ROBOTAXI_SEGMENT, "segment"] = ""
    return out.reset_index(drop=True)


def fleet_growth(display: pd.DataFrame) -> pd.DataFrame:
    """Fleet size by operator and as-of date with the change since the operator's last report.

    Example:
        >>> d = pd.DataFrame({"entity_id": ["pony_ai"] * 2, "metric": ["fleet_size"] * 2,
        ...     "as_of_date": ["2024-12-31", "2025-11-23"], "market": ["CN"] * 2,
        ...     "segment": ["", ""], "value": [270.0, 961.0]})
        >>> fleet_growth(d)[["value", "change", "change_pct"]].round(1).values.tolist()  # 小马智行
        [[270.0, nan, nan], [961.0, 691.0, 255.9]]
    """
    rows = display[display["metric"] == "fleet_size"].sort_values(["entity_id", "as_of_date"])
    by = rows.groupby(["entity_id", "market", "segment"], dropna=False)
    out = rows.assign(
        previous_value=by["value"].shift(),
        previous_as_of=by["as_of_date"].shift(),
    )
    out["change"] = out["value"] - out["previous_value"]
    out["change_pct"] = 100 * out["change"] / out["previous_value"]
    days = pd.to_datetime(out["as_of_date"]) - pd.to_datetime(out["previous_as_of"])
    out["days_between"] = days.dt.days
    return out.reset_index(drop=True)


def fleet_latest(display: pd.DataFrame) -> pd.DataFrame:
    """Latest-known fleet per operator (with the date it dates from) and its latest target.

    Example:
        >>> d = pd.DataFrame({"entity_id": ["waymo"] * 3,
        ...     "metric": ["fleet_size", "fleet_size", "fleet_target"],
        ...     "as_of_date": ["2025-05-31", "2026-02-28", "2026-12-31"],
        ...     "value": [1500.0, 2000.0, 3500.0], "qualifier": ["", "over", "target"],
        ...     "fact_ids": ["f1", "f2", "f3"], "period": ["2025-05", "2026-02", "2026"]})
        >>> fleet_latest(d)[["entity_id", "value", "as_of_date", "target_value"]].values.tolist()
        [['waymo', 2000.0, '2026-02-28', 3500.0]]
    """
    actual = display[display["metric"] == "fleet_size"].sort_values("as_of_date")
    latest = actual.drop_duplicates("entity_id", keep="last")
    targets = display[display["metric"] == "fleet_target"].sort_values("as_of_date")
    targets = targets.drop_duplicates("entity_id", keep="last")[
        ["entity_id", "value", "period", "fact_ids"]
    ].rename(
        columns={"value": "target_value", "period": "target_period", "fact_ids": "target_fact_ids"}
    )
    out = latest.merge(targets, on="entity_id", how="left", validate="one_to_one")
    return out.sort_values("value", ascending=False).reset_index(drop=True)

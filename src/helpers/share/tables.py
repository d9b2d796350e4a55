"""Share tables for stages 04–06: EV exports, ADAS chip share and Robotaxi fleets.

Small pure functions over the facts table of stage 03 (one row per extracted figure; see
:data:`FACT_COLUMNS`) joined to the articles table. Conflicts and the display-value rule are in
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
    >>> chips = add_chip_scope(prepare_facts(f, a, topic="chip_share"))
    >>> chips[["vendor_id", "period", "scope"]].values.tolist()
    [['nvidia', '2025', 'urban_noa']]
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.catalog import entities
from helpers.catalog import texts as lab
from helpers.core import params
from helpers.text import periods, script

FACT_COLUMNS = (
    "fact_id", "article_id", "topic", "entity_id", "metric", "value", "unit", "period", "market",
    "qualifier", "data_source",
)  # fmt: skip
# Columns the facts contract promises but an early facts table may lack: filled explicitly.
OPTIONAL_FACT_COLUMNS = {"segment": "", "entity_text": "", "sentence": "", "base_metric": "",
                         "part_of": ""}  # fmt: skip
# Growth rates and changes are "of something": their segment is part of the cell (PHEV +190 %
# and the total's +19.3 % are two cells), while a level figure's segment is only shown.
RATE_METRICS = frozenset({"yoy_growth", "change"})
COMPANY_BASIS = "company"
# Who publishes a company's own figures: the company itself (data_source = its id) -> company.
COMPANY_SOURCE_TYPES = frozenset({"automaker", "brand", "robotaxi_operator"})
ARTICLE_COLUMNS = ("article_id", "title", "source_name", "published_date")
PROJECTION_QUALIFIERS = frozenset({"forecast", "target"})
WORLD = "world"
HOME_MARKETS = frozenset({"", WORLD, "CN"})
CHINA_IDS = frozenset({"china", "chinese_brands"})
COMPANY_TYPES = frozenset({"automaker", "brand"})
EXPORT_METRICS = ("exports", "overseas_sales")
SPLIT_METRICS = ("exports", "nev_exports", "phev_exports")
OTHERS_ID = "others"
EV_KEYS = (
    "entity_id",
    "metric",
    "base_metric",
    "rate_segment",
    "period",
    "market",
    "is_projection",
)
EV_SERIES = ("entity_id", "metric", "base_metric", "rate_segment", "market", "is_projection")
CHIP_KEYS = ("vendor_id", "metric", "period", "market", "scope", "measure", "data_source")
CHIP_SERIES = ("vendor_id", "metric", "market", "scope", "measure", "data_source")
CHIP_SCOPE_COLS = ("metric", "period", "market", "scope", "measure", "data_source")
FLEET_METRICS = ("fleet_size", "fleet_target")
ROBOTAXI_SEGMENT = "robotaxi"
FLEET_KEYS = ("entity_id", "metric", "as_of_date", "market", "segment")
FLEET_SERIES = ("entity_id", "metric", "market", "segment")
SHARE_SUM_TOLERANCE = 0.5  # percentage points of rounding allowed above 100
FULL_BREAKDOWN_MIN = 98.0  # a scope-period whose shares sum to at least this is "complete"

# Range periods that have a shorter name (facts may give either form).
_RANGE_NAMES = {
    ("01", "03"): "Q1", ("04", "06"): "Q2", ("07", "09"): "Q3", ("10", "12"): "Q4",
    ("01", "06"): "H1", ("07", "12"): "H2",
}  # fmt: skip
_RANGE_RE = re.compile(r"(\d{4})-(\d{2})/(\d{4})-(\d{2})")

# Chip-share scope words (Simplified, lower case; the sentence is converted t2s first). The
# longest match wins at a position, so 小域控 (front camera + light domain) beats 域控.
SCOPE_KEYWORDS = {
    "城市noa": "urban_noa", "城区noa": "urban_noa", "城市领航": "urban_noa",
    "城市导航辅助": "urban_noa", "小域控": "front_camera", "前视": "front_camera",
    "行泊一体": "front_camera", "域控": "domain_controller", "noa": "noa",
    "领航辅助": "noa", "导航辅助驾驶": "noa", "视觉处理器": "vision_processor",
    "高阶自动驾驶": "adas_ad", "自动驾驶一并": "adas_ad", "高级辅助驾驶": "adas",
    "辅助驾驶": "adas", "adas": "adas",
}  # fmt: skip
MEASURE_KEYWORDS = {"出货": "shipments", "装机": "installed", "装配量": "installed",
                    "搭载量": "installed"}  # fmt: skip
UNSPECIFIED = "unspecified"


class FactsError(ValueError):
    """The facts or articles table lacks what the share stages need."""


def normalize_period(period: str) -> str:
    """Give a range that is a quarter, half or year its short name.

    Example:
        >>> normalize_period("2023-01/2023-06"), normalize_period("2025-01/2025-11")
        ('2023-H1', '2025-01/2025-11')
        >>> normalize_period("2025-01/2025-12")  # 2025年全年
        '2025'
    """
    m = _RANGE_RE.fullmatch(period or "")
    if not m or m[1] != m[3]:
        return period or ""
    if (m[2], m[4]) == ("01", "12"):
        return m[1]
    name = _RANGE_NAMES.get((m[2], m[4]))
    return f"{m[1]}-{name}" if name else period


def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day a normalised period covers (:func:`helpers.text.periods.period_bounds`).

    Example:
        >>> [d.date().isoformat() for d in period_bounds("2025-Q3")]  # 2025年第三季度
        ['2025-07-01', '2025-09-30']
        >>> [d.date().isoformat() for d in period_bounds("2024-H1/2025-11-23")]
        ['2024-01-01', '2025-11-23']
    """
    bounds = periods.period_bounds(period)
    if bounds is None:
        raise ValueError(f"cannot read the period {period!r}")
    return pd.Timestamp(bounds[0]), pd.Timestamp(bounds[1])


def period_end(period: str) -> pd.Timestamp:
    """Last day of a period (``2025-10`` -> 2025-10-31); NaT when it cannot be read.

    Example:
        >>> period_end("2024-H1").date().isoformat()  # 2024年上半年
        '2024-06-30'
        >>> period_end("去年")
        NaT
    """
    try:
        return period_bounds(period)[1]
    except ValueError:
        return pd.NaT


def prepare_facts(facts: pd.DataFrame, articles: pd.DataFrame, *, topic: str) -> pd.DataFrame:
    """Select one topic's facts from canonical articles and attach the article's outlet and date.

    Args:
        facts: the facts table (``facts.parquet``).
        articles: the articles table; ``is_canonical`` is used when present.
        topic: ``ev_exports``, ``chip_share`` or ``robotaxi_fleet``.

    Returns:
        The facts (without 其中 parts of a total, see ``part_of``) with ``title``,
        ``source_name``, ``published_date``, a normalised ``period``,
        ``period_end``, ``is_projection`` and text columns filled ("" for missing).

    Example:
        >>> f = pd.DataFrame({c: ["x"] for c in FACT_COLUMNS}).assign(value=7098000.0,
        ...     topic="ev_exports", period="2025-01/2025-12", qualifier="预计", article_id="a")
        >>> a = pd.DataFrame({"article_id": ["a"], "title": ["出口"], "source_name": ["汽车周刊"],
        ...     "published_date": ["2026-01-14"]})
        >>> prepare_facts(f, a, topic="ev_exports")[["period", "source_name"]].values.tolist()
        [['2025', '汽车周刊']]
    """
    _require(facts, FACT_COLUMNS, "facts", "run stage 03_facts first")
    _require(articles, ARTICLE_COLUMNS, "articles", "run stage 01_parse first")
    out = facts.loc[facts["topic"] == topic].copy()
    for column, default in OPTIONAL_FACT_COLUMNS.items():
        out[column] = out[column].fillna(default) if column in out else default
    # NOTE: a 其中 part equal to its total on every key (helpers.facts.extract.mark_parts) would
    # be a second value of the total's cell; it stays in facts.parquet with part_of, not in tables.
    out = out[out["part_of"].astype(str) == ""]
    # NOTE: a fact with a data finding (helpers.facts.checks: a share of 340 %) stays in
    # facts.parquet and in the findings table, never in a share table or chart.
    if "finding" in out:
        out = out[out["finding"].fillna("").astype(str) == ""]
    for column in ("market", "qualifier", "data_source", "period", "unit"):
        out[column] = out[column].fillna("").astype(str)
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype(float)
    art = articles[[*ARTICLE_COLUMNS, *(["is_canonical"] if "is_canonical" in articles else [])]]
    out = out.merge(art, on="article_id", how="left", validate="many_to_one", indicator=True)
    orphans = out.loc[out["_merge"] == "left_only", "fact_id"].tolist()
    if orphans:
        raise FactsError(f"facts {orphans[:5]} name articles missing from the articles table")
    if "is_canonical" in out:
        out = out[out["is_canonical"].fillna(True).astype(bool)].drop(columns="is_canonical")
    # NOTE: most real pages have no title and many no outlet: text columns are "" then, never
    # NaN, so every later step can treat them as text.
    for column in ("title", "source_name"):
        out[column] = out[column].fillna("").astype(str)
    out["published_date"] = pd.to_datetime(out["published_date"], errors="coerce")
    out["period"] = out["period"].map(normalize_period)
    out["period_end"] = out["period"].map(period_end)
    out["is_projection"] = out["qualifier"].isin(PROJECTION_QUALIFIERS)
    out = normalize_sources(out)
    out["rate_segment"] = out["segment"].where(out["metric"].isin(RATE_METRICS), "")
    return out.drop(columns="_merge").reset_index(drop=True)


def limit_since(facts: pd.DataFrame, since: str) -> pd.DataFrame:
    """Keep facts from articles published on or after ``since`` (``--since``); '' keeps all.

    Undated articles are left out too when a limit is set (their date is unknown); the
    notebooks print how many facts the limit removed.

    Example:
        >>> f = pd.DataFrame({"published_date": pd.to_datetime(["2025-06-30", "2025-07-01", None])})
        >>> len(limit_since(f, "2025-07-01")), len(limit_since(f, ""))
        (1, 3)
    """
    start = params.parse_since(since)
    if start is None:
        return facts
    dates = pd.to_datetime(facts["published_date"], errors="coerce")
    return facts[dates >= pd.Timestamp(start)].reset_index(drop=True)


def normalize_sources(facts: pd.DataFrame) -> pd.DataFrame:
    """A company quoting its own figure has basis ``company``; the company goes to
    ``attributed_to`` (kept for the notes).

    Example:
        >>> normalize_sources(pd.DataFrame({"data_source": ["byd", "caam"]})).values.tolist()
        [['company', 'byd'], ['caam', 'caam']]
    """
    out = facts.copy()
    out["attributed_to"] = out["data_source"]
    own = out["data_source"].map(lambda s: bool(set(entity_types(s)) & COMPANY_SOURCE_TYPES))
    out.loc[own.astype(bool), "data_source"] = COMPANY_BASIS
    return out


def fill_market_from_article(facts: pd.DataFrame) -> pd.DataFrame:
    """Give a fact without a market the one market its article's other facts state, if unique.

    Example:
        >>> f = pd.DataFrame({"article_id": ["a", "a", "b"], "market": ["CN", "", ""]})
        >>> fill_market_from_article(f)[["market", "is_market_inferred"]].values.tolist()
        [['CN', False], ['CN', True], ['', False]]
    """
    out = facts.copy()
    stated = out[out["market"] != ""].groupby("article_id")["market"].agg(set)
    unique = stated[stated.map(len) == 1].map(lambda s: next(iter(s)))
    fill = out["article_id"].map(unique)
    missing = (out["market"] == "") & fill.notna()
    out["is_market_inferred"] = missing
    out.loc[missing, "market"] = fill[missing]
    return out


def _require(df: pd.DataFrame, columns: tuple[str, ...], name: str, hint: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise FactsError(f"the {name} table lacks columns {missing}: {hint}")


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


def entity_types(entity_id: str) -> tuple[str, ...]:
    """Catalog types of an id (empty for ids outside the catalog).

    Example:
        >>> entity_types("byd"), entity_types("others")  # 比亚迪
        (('automaker',), ())
    """
    catalog = entities.load_catalog()
    return catalog.entities[entity_id].types if entity_id in catalog else ()


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


# --- notes and chart groups ------------------------------------------------------------------


def source_note(data_source: str, outlet: str, published: object, labels: str) -> str:
    """``basis；outlet，date`` for one figure (outlet kept as written: it is a name).

    Example:
        >>> source_note("caam", "汽车周刊", pd.Timestamp("2026-01-14"), "zh-Hans")
        '中汽协；汽车周刊 2026-01-14'
    """
    date = "" if pd.isna(published) else pd.Timestamp(published).date().isoformat()
    outlet_part = " ".join(p for p in (outlet or "", date) if p)
    parts = [lab.basis_label(data_source, labels), outlet_part]
    return lab.label("text", "sep", labels).join(p for p in parts if p)


def add_source_notes(table: pd.DataFrame, labels: str) -> pd.DataFrame:
    """Add ``source_note`` to every row (derived rows say how they were derived).

    Example:
        >>> t = pd.DataFrame({"data_source": ["cpca"], "source_name": ["晶片週刊"],
        ...     "published_date": [pd.NaT]})
        >>> add_source_notes(t, "zh-Hant")["source_note"].tolist()
        ['乘聯會；晶片週刊']
    """
    out = table.copy()
    if out.empty:
        return out.assign(source_note=pd.Series(dtype=str))
    outlets = out["source_name"] if "source_name" in out else pd.Series("", index=out.index)
    dates = out["published_date"] if "published_date" in out else pd.Series(pd.NaT, out.index)
    notes = [
        source_note(b, "" if pd.isna(o) else o, d, labels)
        for b, o, d in zip(out["data_source"], outlets, dates, strict=True)
    ]
    out["source_note"] = notes
    if "is_remainder" in out:
        derived = lab.label("text", "derived_source", labels)
        out.loc[out["is_remainder"].fillna(False).astype(bool), "source_note"] = derived
    return out


def pick_chart_group(table: pd.DataFrame, group_cols: list[str], min_rows: int = 2) -> tuple:
    """The group with most rows (ties: latest ``period_end``); None if none has ``min_rows``.

    Example:
        >>> t = pd.DataFrame({"period": ["2024", "2024", "2025", "2025"],
        ...     "period_end": pd.to_datetime(["2024-12-31"] * 2 + ["2025-12-31"] * 2)})
        >>> pick_chart_group(t, ["period"])  # 两年各两行，取较新的一年
        ('2025',)
    """
    if table.empty:
        return None
    sizes = table.groupby(group_cols, dropna=False).agg(
        n=("period_end", "size"), end=("period_end", "max")
    )
    sizes = sizes[sizes["n"] >= min_rows].sort_values(["n", "end"], ascending=False)
    if sizes.empty:
        return None
    key = sizes.index[0]
    return key if isinstance(key, tuple) else (key,)


def add_display_labels(table: pd.DataFrame, labels: str) -> pd.DataFrame:
    """Add ``entity_name``, ``period_label``, ``market_name`` and ``basis_name`` in ``labels``.

    Example:
        >>> t = pd.DataFrame({"entity_id": ["chery"], "period": ["2025-01/2025-09"],
        ...     "market": ["RU"], "data_source": ["caam"]})
        >>> add_display_labels(t, "zh-Hant").iloc[0, 4:].tolist()  # 奇瑞
        ['奇瑞', '2025年1–9月', '俄羅斯', '中汽協']
    """
    out = table.copy()
    entity_col = "vendor_id" if "vendor_id" in out else "entity_id"
    columns = {
        "entity_name": (entity_col, lab.entity_label),
        "period_label": ("period", lab.format_period),
        "market_name": ("market", lab.market_label),
        "basis_name": ("data_source", lab.basis_label),
    }
    for name, (source, to_label) in columns.items():
        if source in out:
            values = [to_label(v, labels) for v in out[source]]
            out[name] = pd.Series(values, index=out.index, dtype=object)
    if "is_self_developed" in out and not out.empty:
        suffix = lab.label("text", "self_developed", labels)
        out.loc[out["is_self_developed"], "entity_name"] += suffix
    return out


def with_labels(table: pd.DataFrame, labels: str) -> pd.DataFrame:
    """Source notes and display labels in one step (what every shown table gets).

    Example:
        >>> t = pd.DataFrame({"entity_id": ["byd"], "data_source": ["caam"],
        ...     "source_name": ["汽车周刊"], "published_date": [pd.NaT]})
        >>> with_labels(t, "zh-Hans")[["entity_name", "source_note"]].values.tolist()
        [['比亚迪', '中汽协；汽车周刊']]
    """
    return add_display_labels(add_source_notes(table, labels), labels)

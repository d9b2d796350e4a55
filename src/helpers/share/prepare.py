"""Facts of one topic ready for the share tables: keys, periods, labels-independent columns.

The input is the facts table of stage 03 (one row per extracted figure; see
:data:`FACT_COLUMNS`) joined to the articles table; :func:`prepare_facts` is what notebooks
04-06 call first, :func:`limit_since` applies ``--since`` and :func:`limit_confidence`
``--min-confidence``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from helpers.catalog import entities
from helpers.core import io, params
from helpers.facts import confidence, summary
from helpers.text import periods

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
STORY_COLUMNS = ("story_outlets",)  # optional: articles tables written before stories lack it
# What prepare_facts reads of the articles table (no bodies).
ARTICLE_READ_COLUMNS = (*ARTICLE_COLUMNS, *STORY_COLUMNS, "is_canonical", "read_spans")
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


def read_topic(processed: Path, topic: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One topic's facts and the articles they come from, as :func:`prepare_facts` needs them.

    NOTE: the share notebooks read only their topic's rows of ``facts.parquet`` (a filter on
    ``topic``: the other rows are skipped while reading) and, of ``articles_dedup``, the few
    columns :func:`prepare_facts` joins (no bodies) of the articles those facts name; the
    tables they build equal those built from both tables read whole (issue 17: memory).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = io.write_table(pd.DataFrame({"fact_id": ["f1", "f2"], "article_id": ["a", "b"],
        ...     "topic": ["chip_share", "ev_exports"]}), d / "facts.parquet")
        >>> _ = io.write_table(pd.DataFrame({"article_id": ["a", "b"], "title": ["芯片", "出口"],
        ...     "body": ["……", "……"]}), d / "articles_dedup.parquet")
        >>> facts, articles = read_topic(d, "chip_share")
        >>> facts["fact_id"].tolist(), articles.columns.tolist(), articles["title"].tolist()
        (['f1'], ['article_id', 'title'], ['芯片'])
    """
    facts = io.read_table(Path(processed) / "facts.parquet", where=("topic", [topic]))
    table = Path(processed) / "articles_dedup.parquet"
    ids = facts["article_id"].dropna().astype(str).unique().tolist()
    articles = io.read_table(table, columns=io.present_columns(table, ARTICLE_READ_COLUMNS),
                             where=("article_id", ids or ["\0"]))  # fmt: skip
    return facts, articles


def _read_by_stage_03(articles: pd.DataFrame) -> pd.Series:
    """Articles whose facts count: representatives, and copies stage 03 read in part.

    NOTE: a copy's ``read_spans`` (stage 02) names sentences with figures its
    representative lacks; stage 03 keeps only those facts of it, so they are no repeats.

    Example:
        >>> _read_by_stage_03(pd.DataFrame({"is_canonical": [True, False, False],
        ...                                 "read_spans": ["", "4-9", ""]})).tolist()
        [True, True, False]
    """
    if "is_canonical" not in articles:
        return pd.Series(True, index=articles.index)
    canonical = articles["is_canonical"].fillna(True).astype(bool)
    if "read_spans" not in articles:
        return canonical
    return canonical | (articles["read_spans"].fillna("").astype(str) != "")


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
    # NOTE: a fact a reviewer rejected (data/corrections/) stays in facts.parquet, flagged,
    # and in no table or chart.
    if "review_status" in out:
        out = out[out["review_status"].fillna("").astype(str) != "rejected"]
    for column in ("market", "qualifier", "data_source", "period", "unit"):
        out[column] = out[column].fillna("").astype(str)
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype(float)
    # story_outlets (stage 02: how many outlets carried the story) feeds the source notes
    story = [c for c in STORY_COLUMNS if c in articles]
    art = articles[[*ARTICLE_COLUMNS, *story]].assign(is_read=_read_by_stage_03(articles))
    out = out.merge(art, on="article_id", how="left", validate="many_to_one", indicator=True)
    out = _with_url_sources(out)
    orphans = out.loc[out["_merge"] == "left_only", "fact_id"].tolist()
    if orphans:
        raise FactsError(f"facts {orphans[:5]} name articles missing from the articles table")
    out = out[out["is_read"].fillna(True).astype(bool)].drop(columns="is_read")
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


def _with_url_sources(merged: pd.DataFrame) -> pd.DataFrame:
    """Facts added by hand from a URL (no article): the URL's host is their outlet.

    Example:
        >>> m = pd.DataFrame({"article_id": [""], "source_url": ["https://auto.example.cn/a/1"],
        ...     "_merge": ["left_only"], "source_name": [None]})
        >>> _with_url_sources(m)[["source_name", "_merge"]].values.tolist()
        [['auto.example.cn', 'both']]
    """
    if "source_url" not in merged:
        return merged
    manual = (merged["article_id"].astype(str) == "") & (merged["source_url"].fillna("") != "")
    if not manual.any():
        return merged
    out = merged.copy()
    out["_merge"] = out["_merge"].astype(str)
    hosts = out.loc[manual, "source_url"].map(lambda u: urlsplit(str(u)).netloc or str(u))
    out.loc[manual, "source_name"] = hosts
    out.loc[manual, "_merge"] = "both"
    return out


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


def limit_confidence(facts: pd.DataFrame, min_confidence: float) -> pd.DataFrame:
    """Keep facts whose confidence is at or above ``min_confidence`` (``--min-confidence``).

    The others are not dropped: stage 03 lists them in the ``review`` table with the reason
    (:func:`helpers.facts.confidence.review_table`); the notebooks say how many were held back.

    Example:
        >>> f = pd.DataFrame({"confidence": [0.95, 0.5]})
        >>> len(limit_confidence(f, 0.9)), len(limit_confidence(f, 0.0))
        (1, 2)
        >>> len(limit_confidence(f.assign(review_status=["", "corrected"]), 0.9))
        2
    """
    threshold = params.parse_min_confidence(min_confidence)
    _require(facts, ("confidence",), "facts", "run stage 03_facts again")
    # a fact a person reviewed is charted whatever the rules' evidence says
    keep = (facts["confidence"] >= threshold) | confidence.reviewed(facts)
    return facts[keep].reset_index(drop=True)


def normalize_sources(facts: pd.DataFrame) -> pd.DataFrame:
    """A company quoting its own figure has basis ``company``.

    The company goes to ``attributed_to`` (kept for the notes).

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


def entity_types(entity_id: str) -> tuple[str, ...]:
    """Catalog types of an id (empty for ids outside the catalog).

    Example:
        >>> entity_types("byd"), entity_types("others")  # 比亚迪
        (('automaker',), ())
    """
    catalog = entities.load_catalog()
    return catalog.entities[entity_id].types if entity_id in catalog else ()


def kept_summary(
    kept: pd.DataFrame, facts: pd.DataFrame, *, topic: str, since: str, n_reference: int,
    labels: str, held_back: int = 0, min_confidence: float | None = None,
) -> list[str]:  # fmt: skip
    """Return what a share notebook says after loading its topic's facts.

    Facts kept of the topic, the articles behind them, the reference rows, the facts held back
    for review (confidence below ``min_confidence``), and the sentence for a topic without
    facts.

    Example:
        >>> f = pd.DataFrame({"topic": ["chip_share"], "article_id": ["a"]})
        >>> kept_summary(f[:0], f, topic="chip_share", since="", n_reference=2, labels="en")[0]
        '0 of 1 chip_share facts kept (canonical articles; --since -)'
        >>> kept_summary(f[:0], f, topic="chip_share", since="", n_reference=2, labels="en",
        ...              held_back=1, min_confidence=0.9)[2]
        '1 chip_share facts held back for review (confidence below 0.9): table review of 03_facts'
    """
    n_all = int((facts["topic"] == topic).sum())
    lines = [
        f"{len(kept)} of {n_all} {topic} facts kept (canonical articles; --since {since or '-'})",
        f"{len(kept)} {topic} facts from {kept['article_id'].nunique()} articles; "
        f"{n_reference} reference rows",
    ]
    if min_confidence is not None:
        lines.append(
            f"{held_back} {topic} facts held back for review (confidence below "
            f"{min_confidence}): table review of 03_facts"
        )
    if kept.empty:
        lines.append(summary.no_facts_sentence(topic, labels))
    return lines

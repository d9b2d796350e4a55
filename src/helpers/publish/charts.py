"""Chart specifications of stages 04–06: which rows each chart shows, and its texts.

Each builder takes a share table (with display labels and source notes, see
:func:`helpers.share.tables.add_display_labels` / :func:`helpers.share.tables.add_source_notes`) and
returns a :class:`ChartSpec` (tidy data in :data:`helpers.publish.plots.CHART_COLUMNS`, title,
period, source line), or ``None`` when there is nothing honest to draw.
:func:`helpers.publish.plots.draw_chart` turns a spec into a figure; the spec's data is what
``save_chart`` writes as the chart CSV.

Example:
    >>> t = pd.DataFrame({"entity_name": ["奇瑞", "比亚迪"], "value": [936000.0, 705000.0],
    ...     "metric": ["exports"] * 2, "period": ["2025-01/2025-09"] * 2,
    ...     "data_source": ["caam"] * 2, "is_remainder": [False] * 2, "qualifier": ["", ""],
    ...     "period_label": ["2025年1–9月"] * 2, "basis_name": ["中汽协"] * 2,
    ...     "source_note": ["中汽协；汽车物流"] * 2, "unit": ["vehicles"] * 2,
    ...     "period_end": pd.to_datetime(["2025-09-30"] * 2)})
    >>> company_chart(t, "zh-Hans").data[["category", "value"]].values.tolist()
    [['奇瑞', 936000.0], ['比亚迪', 705000.0]]
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from helpers import share
from helpers.catalog import texts as lab
from helpers.publish import plots

MIN_BARS = 2
SEP = " · "


@dataclass(frozen=True)
class ChartSpec:
    """One chart: its kind, tidy data and texts."""

    stem: str
    kind: str  # ranked_bars | share_over_time | stacked_share | fleet_timeline
    data: pd.DataFrame
    title: str
    period: str
    source: str
    qualifiers: tuple[str, ...] = ()
    muted: tuple[str, ...] = ()
    fact_ids: tuple[str, ...] = ()  # every fact behind the chart (for its article count)


def _fact_ids(rows: pd.DataFrame) -> tuple[str, ...]:
    """Distinct fact ids of the rows a chart shows (``fact_ids`` cells are ``;``-joined)."""
    if "fact_ids" not in rows.columns:
        return ()
    ids = (i for cell in rows["fact_ids"].dropna() for i in str(cell).split(";") if i)
    return tuple(dict.fromkeys(ids))


def chart_meta(spec: ChartSpec, long: pd.DataFrame) -> dict:
    """The sidecar of a chart for the deck: kind, texts and the articles behind it.

    Args:
        spec: the chart.
        long: the stage's long table (one row per fact: ``fact_id``, ``article_id``,
            ``basis_name``, ``source_name``).

    Returns:
        A JSON-ready dict: ``kind``, ``title``, ``period``, ``source``, ``unit``, ``muted``,
        ``qualifiers``, ``n_facts``, ``fact_ids``, ``n_corrected`` (facts a reviewer
        corrected), ``n_articles``, ``article_ids``, ``data_sources`` (statistical bases) and
        ``outlets`` (publications); :func:`save_all` adds ``row_fact_ids`` (the facts of each
        CSV row).

    Example:
        >>> long = pd.DataFrame({"fact_id": ["f1", "f2"], "article_id": ["a1", "a1"],
        ...     "basis_name": ["中汽协", "中汽协"], "source_name": ["汽车物流", "汽车物流"]})
        >>> spec = ChartSpec("s", "ranked_bars", pd.DataFrame({"unit": ["vehicles"]}),
        ...     "出口", "2025年", "来源：中汽协", fact_ids=("f1", "f2"))
        >>> m = chart_meta(spec, long)
        >>> m["n_articles"], m["data_sources"], m["outlets"]
        (1, ['中汽协'], ['汽车物流'])
    """
    behind = long[long["fact_id"].isin(spec.fact_ids)]
    unknown = sorted(set(spec.fact_ids) - set(behind["fact_id"]))
    if unknown:
        raise ValueError(f"chart {spec.stem}: fact ids {unknown[:5]} are not in the long table")

    def distinct(col: str) -> list[str]:
        if col not in behind.columns:
            return []
        return list(dict.fromkeys(v for v in behind[col] if isinstance(v, str) and v))

    return {
        "kind": spec.kind,
        "title": spec.title,
        "period": spec.period,
        "source": spec.source,
        "unit": str(spec.data["unit"].iloc[0]) if len(spec.data) else "",
        "muted": list(spec.muted),
        "qualifiers": list(spec.qualifiers),
        "n_facts": len(behind),
        "fact_ids": list(spec.fact_ids),
        # NOTE: counted in the deck footnote: a chart resting on reviewed figures says so.
        "n_corrected": int(behind["is_corrected"].fillna(False).astype(bool).sum())
        if "is_corrected" in behind
        else 0,
        "n_articles": int(behind["article_id"].nunique()),
        "article_ids": sorted(behind["article_id"].astype(str).unique()),
        "data_sources": distinct("basis_name"),
        "outlets": distinct("source_name"),
    }


def skipped_notes(charts: pd.DataFrame) -> list[str]:
    """The sentences saying which chart of :func:`save_all`'s table was not drawn, and why.

    Example:
        >>> skipped_notes(pd.DataFrame({"status": ["drawn", "skipped"], "note": ["", "未绘制"]}))
        ['未绘制']
    """
    return charts.loc[charts["status"] == "skipped", "note"].tolist()


def save_all(
    specs: dict[str, ChartSpec | None], long: pd.DataFrame, figures_dir: Path, labels: str
) -> pd.DataFrame:
    """Draw and save every chart; say in words which chart was not drawn and why.

    Args:
        specs: chart title key (``titles`` in labels.yaml) -> spec, or None when its builder
            found nothing honest to draw.
        long: the stage's long table (the facts behind every chart, for its sidecar).
        figures_dir: the run's figures folder.
        labels: label language.

    Returns:
        One row per chart: ``chart`` (title), ``stem`` ("" when skipped), ``status``
        (drawn | skipped) and ``note`` (the sentence saying why a chart is missing).

    Example:
        >>> save_all({"fleet_latest": None}, pd.DataFrame(), Path("."), "en")["note"].tolist()
        ['"Robotaxi fleet size, latest known" not drawn: not enough figures for this chart']
    """
    rows = []
    for key, spec in specs.items():
        title = lab.label("titles", key, labels, scope="").rstrip("：: ")
        if spec is None:
            reason = lab.label("text", "too_few_figures", labels)
            note = lab.label("text", "chart_skipped", labels, chart=title, reason=reason)
            rows.append({"chart": title, "stem": "", "status": "skipped", "note": note})
            continue
        fig = plots.draw_chart(spec, labels)
        # NOTE: the figure stays open: the notebook shows it under the cell (report.html)
        data, meta = _split_row_facts(spec.data, chart_meta(spec, long))
        plots.save_chart(fig, data, figures_dir, spec.stem, meta=meta)
        rows.append({"chart": spec.title, "stem": spec.stem, "status": "drawn", "note": ""})
    return pd.DataFrame(rows, columns=["chart", "stem", "status", "note"])


def _split_row_facts(data: pd.DataFrame, meta: dict) -> tuple[pd.DataFrame, dict]:
    """The chart CSV without ``fact_ids``; the sidecar with them per CSV row (``row_fact_ids``).

    NOTE: the CSV keeps exactly the numbers the chart shows (its columns are what the deck
    and a spreadsheet read); which facts stand behind each row goes to the JSON sidecar, so a
    reader (and the explorer) can go from a row of the CSV back to its facts.

    Example:
        >>> d = pd.DataFrame({"category": ["奇瑞"], "value": [1.0], "fact_ids": ["f-1;f-2"]})
        >>> csv, meta = _split_row_facts(d, {})
        >>> list(csv.columns), meta["row_fact_ids"]
        (['category', 'value'], [['f-1', 'f-2']])
    """
    if "fact_ids" not in data:
        return data, meta
    rows = [[i for i in str(cell).split(";") if i] for cell in data["fact_ids"].fillna("")]
    return data.drop(columns="fact_ids"), {**meta, "row_fact_ids": rows}


def _select(table: pd.DataFrame, cols: list[str], key: tuple) -> pd.DataFrame:
    mask = pd.Series(True, index=table.index)
    for col, value in zip(cols, key, strict=True):
        mask &= table[col] == value
    return table[mask]


def _bars_spec(rows: pd.DataFrame, *, stem: str, title: str, series: str, labels: str, **kw):
    """Ranked-bar spec from rows already in display order."""
    data = plots.chart_frame(
        rows,
        category=rows["entity_name"],
        series=series,
        unit=str(rows["unit"].iloc[0]),
        period=rows["period_label"],
        source_note=rows["source_note"],
    )
    return ChartSpec(
        stem=stem,
        kind="ranked_bars",
        data=data,
        title=title,
        period=str(rows["period_label"].iloc[0]),
        source=plots.source_line(rows["source_note"], labels),
        qualifiers=tuple(rows["qualifier"].fillna("")),
        fact_ids=_fact_ids(rows),
        **kw,
    )


def company_chart(companies: pd.DataFrame, labels: str) -> ChartSpec | None:
    """Ranked bars of one metric-period-basis (the one naming most companies), Others last.

    See the module example.
    """
    cols = ["metric", "period", "data_source"]
    named = companies[~companies["is_remainder"]]
    key = share.notes.pick_chart_group(named, cols, min_rows=MIN_BARS)
    if key is None:
        return None
    rows = _select(companies, cols, key).sort_values(
        ["is_remainder", "value"], ascending=[True, False]
    )
    metric = lab.label("metrics", key[0], labels)
    title = f"{lab.label('titles', 'exports_by_company', labels)}（{metric}）"
    others = tuple(rows.loc[rows["is_remainder"], "entity_name"])
    series = f"{metric}{SEP}{rows['basis_name'].iloc[0]}"
    return _bars_spec(
        rows, stem="04-exports-by-company", title=title, series=series, labels=labels, muted=others
    )


def market_chart(markets: pd.DataFrame, labels: str) -> ChartSpec | None:
    """Ranked bars of China's exports by destination for the best-covered period and basis.

    Example:
        >>> m = pd.DataFrame({"market_name": ["墨西哥", "俄罗斯"], "value": [625200.0, 582700.0],
        ...     "period": ["2025"] * 2, "data_source": ["cpca"] * 2, "qualifier": ["", ""],
        ...     "period_label": ["2025年"] * 2, "basis_name": ["乘联会"] * 2,
        ...     "unit": ["vehicles"] * 2, "source_note": ["乘联会；界面"] * 2,
        ...     "period_end": pd.to_datetime(["2025-12-31"] * 2)})
        >>> market_chart(m, "zh-Hans").data["category"].tolist()
        ['墨西哥', '俄罗斯']
    """
    cols = ["period", "data_source"]
    key = share.notes.pick_chart_group(markets, cols, min_rows=MIN_BARS)
    if key is None:
        return None
    rows = _select(markets, cols, key).sort_values("value", ascending=False)
    rows = rows.assign(entity_name=rows["market_name"])
    series = f"{lab.label('metrics', 'exports', labels)}{SEP}{rows['basis_name'].iloc[0]}"
    title = lab.label("titles", "exports_by_market", labels)
    return _bars_spec(rows, stem="04-exports-by-market", title=title, series=series, labels=labels)


def nev_split_chart(split: pd.DataFrame, labels: str) -> ChartSpec | None:
    """100 % bars: NEV vs other exports for every period-basis where both are known.

    Example:
        >>> s = pd.DataFrame({"period": ["2025"], "data_source": ["caam"],
        ...     "total_exports": [7098000.0], "nev_exports": [2615000.0], "nev_share_pct": [36.84],
        ...     "period_label": ["2025年"], "basis_name": ["中汽协"], "source_note": ["中汽协"]})
        >>> nev_split_chart(s, "zh-Hans").data[["series", "value"]].values.tolist()
        [['新能源车出口', 36.84], ['燃油车及其他', 63.16]]
    """
    rows = split.dropna(subset=["nev_share_pct"])
    if rows.empty:
        return None
    category = rows["period_label"] + SEP + rows["basis_name"]
    nev = rows.assign(value=rows["nev_share_pct"].round(2))
    rest = rows.assign(value=(100 - rows["nev_share_pct"]).round(2))
    parts = [
        plots.chart_frame(
            part,
            category=category,
            series=lab.label("metrics", name, labels),
            unit="percent",
            period=rows["period_label"],
            source_note=rows["source_note"],
        )
        for part, name in ((nev, "nev_exports"), (rest, "other_exports"))
    ]
    data = pd.concat(parts, ignore_index=True)
    periods = list(dict.fromkeys(rows["period_label"]))
    return ChartSpec(
        stem="04-nev-share",
        kind="stacked_share",
        data=data,
        title=lab.label("titles", "nev_split", labels),
        period=_span(periods, labels),
        source=plots.source_line(rows["source_note"], labels),
        fact_ids=_fact_ids(rows),
    )


def _span(period_labels: list[str], labels: str) -> str:
    if len(period_labels) <= 1:
        return "".join(period_labels)
    return lab.label("periods", "range", labels, a=period_labels[0], b=period_labels[-1])


def _over_time(rows: pd.DataFrame, *, stem: str, title: str, series: pd.Series, labels: str):
    rows = rows.assign(_series=series).sort_values(["period_end", "_series"])
    data = plots.chart_frame(
        rows, category=rows["period_label"], series=rows["_series"], unit="percent",
        period=rows["period_label"], source_note=rows["source_note"],
    )  # fmt: skip
    return ChartSpec(
        stem=stem,
        kind="share_over_time",
        data=data,
        title=title,
        period=_span(list(dict.fromkeys(rows["period_label"])), labels),
        source=plots.source_line(rows["source_note"], labels),
        fact_ids=_fact_ids(rows),
    )


def brand_share_chart(brands: pd.DataFrame, labels: str) -> ChartSpec | None:
    """Lines of Chinese brands' shares in foreign markets; needs at least two periods.

    Example:
        >>> brand_share_chart(pd.DataFrame({"period": ["2024"]}), "en") is None
        True
    """
    if brands["period"].nunique() < 2:
        return None
    series = brands["entity_name"] + SEP + brands["market_name"]
    title = lab.label("titles", "brand_share_foreign", labels)
    return _over_time(brands, stem="04-brand-share-foreign", title=title, series=series,
                      labels=labels)  # fmt: skip


# --- chips -----------------------------------------------------------------------------------


def _scope_name(row: pd.Series, labels: str) -> str:
    parts = [
        lab.label("scopes", row["scope"], labels),
        lab.label("measures", row["measure"], labels),
    ]
    return SEP.join(p for p in parts if p)


def chip_ranked_chart(shares: pd.DataFrame, labels: str) -> ChartSpec | None:
    """Ranked bars of the scope-period naming most vendors (combined figures left out).

    Example:
        >>> chip_ranked_chart(pd.DataFrame({"is_combined": [], "period_end": []}), "en") is None
        True
    """
    singles = shares[~shares["is_combined"]]
    key = share.notes.pick_chart_group(
        singles, list(share.prepare.CHIP_SCOPE_COLS), min_rows=MIN_BARS
    )
    if key is None:
        return None
    rows = _select(singles, list(share.prepare.CHIP_SCOPE_COLS), key)
    rows = rows.assign(_other=rows["vendor_id"] == share.prepare.OTHERS_ID)
    rows = rows.sort_values(["_other", "value"], ascending=[True, False])
    scope = _scope_name(rows.iloc[0], labels)
    title = lab.label("titles", "chip_share_ranked", labels, scope=scope)
    series = f"{scope}{SEP}{rows['basis_name'].iloc[0]}"
    muted = tuple(rows.loc[rows["_other"], "entity_name"])
    return _bars_spec(
        rows, stem="05-chip-share-ranked", title=title, series=series, labels=labels, muted=muted
    )


def chip_stacked_chart(shares: pd.DataFrame, labels: str) -> ChartSpec | None:
    """100 % bars for every scope-period whose breakdown is complete (shares sum to ~100).

    Example:
        >>> t = pd.DataFrame({"is_full_breakdown": [False], "is_combined": [False]})
        >>> chip_stacked_chart(t, "en") is None
        True
    """
    rows = shares[shares["is_full_breakdown"] & ~shares["is_combined"]]
    if rows.empty:
        return None
    rows = rows.assign(_other=rows["vendor_id"] == share.prepare.OTHERS_ID)
    rows = rows.sort_values(["period_end", "scope", "_other", "value"],
                            ascending=[True, True, True, False])  # fmt: skip
    scope = rows.apply(_scope_name, axis=1, labels=labels)
    category = rows["period_label"] + SEP + scope + SEP + rows["basis_name"]
    data = plots.chart_frame(
        rows, category=category, series=rows["entity_name"], unit="percent",
        period=rows["period_label"], source_note=rows["source_note"],
    )  # fmt: skip
    return ChartSpec(
        stem="05-chip-share-stacked",
        kind="stacked_share",
        data=data,
        title=lab.label("titles", "chip_share_stacked", labels),
        period=_span(list(dict.fromkeys(rows["period_label"])), labels),
        source=plots.source_line(rows["source_note"], labels),
        fact_ids=_fact_ids(rows),
    )


def chip_over_time_chart(shares: pd.DataFrame, labels: str) -> ChartSpec | None:
    """Shares over time of vendors reported in two or more periods.

    One line per vendor *and* scope, so figures of different scopes are never joined.

    Example:
        >>> chip_over_time_chart(pd.DataFrame({"is_combined": [False], "vendor_id": ["nvidia"],
        ...     "period": ["2025"]}), "en") is None
        True
    """
    singles = shares[~shares["is_combined"] & (shares["vendor_id"] != share.prepare.OTHERS_ID)]
    if singles["period"].nunique() < 2:  # no series can have two periods
        return None
    scope = singles.apply(_scope_name, axis=1, labels=labels)
    series = singles["entity_name"] + SEP + scope + SEP + singles["basis_name"]
    # NOTE: a line needs two periods of the *same* series (vendor, scope, firm); single points
    # from different scopes side by side would read as a trend that nobody reported.
    periods = singles.groupby(series)["period"].transform("nunique")
    rows, series = singles[periods >= 2], series[periods >= 2]
    if rows.empty:
        return None
    title = lab.label("titles", "chip_share_over_time", labels)
    return _over_time(rows, stem="05-chip-share-over-time", title=title, series=series,
                      labels=labels)  # fmt: skip


# --- fleets ----------------------------------------------------------------------------------


def fleet_latest_chart(latest: pd.DataFrame, labels: str) -> ChartSpec | None:
    """Ranked bars of each operator's latest known fleet, the as-of date in the bar label.

    Example:
        >>> t = pd.DataFrame({"entity_name": ["Waymo"], "value": [2000.0], "qualifier": ["over"],
        ...     "as_of_date": ["2026-02-28"], "period": ["2026-02"], "unit": ["vehicles"],
        ...     "source_note": ["企业披露"]})
        >>> fleet_latest_chart(t, "zh-Hans").data["category"].tolist()
        ['Waymo（截至2026年2月）']
    """
    if latest.empty:
        return None
    as_of = [lab.label("text", "as_of", labels, date=lab.format_period(p, labels))
             for p in latest["period"]]  # fmt: skip
    opener, closer = ("（", "）") if labels != "en" else (" (", ")")
    rows = latest.assign(
        entity_name=[f"{n}{opener}{a}{closer}" for n, a in zip(latest["entity_name"], as_of,
                                                              strict=True)],
        period_label=as_of,
    ).sort_values("value", ascending=False)  # fmt: skip
    title = lab.label("titles", "fleet_latest", labels)
    series = lab.label("metrics", "fleet_size", labels)
    spec = _bars_spec(rows, stem="06-fleet-latest", title=title, series=series, labels=labels)
    ends = sorted(set(rows["period"]), key=share.prepare.period_end)
    return replace(spec, period=_span([lab.format_period(p, labels) for p in ends], labels))


def fleet_timeline_chart(timeline: pd.DataFrame, labels: str) -> ChartSpec | None:
    """Fleet size per operator over as-of dates, targets marked; operators with 2+ figures.

    Example:
        >>> fleet_timeline_chart(pd.DataFrame({"entity_id": [], "metric": []}), "en") is None
        True
    """
    counts = timeline.groupby("entity_id")["metric"].size()
    rows = timeline[timeline["entity_id"].isin(counts[counts >= 2].index)]
    if rows.empty:
        return None
    rows = rows.sort_values(["entity_id", "as_of_date"])
    segment = [lab.label("segments", g, labels) if g else "" for g in rows["segment"]]
    opener, closer = ("（", "）") if labels != "en" else (" (", ")")
    series = [
        f"{n}{opener}{g}{closer}" if g else n
        for n, g in zip(rows["entity_name"], segment, strict=True)
    ]
    kind = ["target" if m == "fleet_target" else "actual" for m in rows["metric"]]
    data = plots.chart_frame(
        rows, category=rows["as_of_date"], series=series, unit="vehicles",
        period=rows["period_label"], source_note=rows["source_note"], extra={"kind": kind},
    )  # fmt: skip
    by_date = rows.sort_values("as_of_date")
    first, last = by_date["period"].iloc[0], by_date["period"].iloc[-1]
    return ChartSpec(
        stem="06-fleet-timeline",
        kind="fleet_timeline",
        data=data,
        title=lab.label("titles", "fleet_timeline", labels),
        period=lab.label(
            "periods",
            "range",
            labels,
            a=lab.format_period(first, labels),
            b=lab.format_period(last, labels),
        ),
        source=plots.source_line(rows["source_note"], labels),
        fact_ids=_fact_ids(rows),
    )

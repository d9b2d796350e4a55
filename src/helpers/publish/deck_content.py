"""What the deck says, before any slide is built: the template, each chart's description.

Pure functions: a :class:`DeckChart` per chart from its sidecars (``figures/<stem>.csv`` and
``.json``), footnotes, the title slide's corpus statistics. :mod:`helpers.publish.deck`
turns them into PowerPoint slides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu, Inches, Pt

from helpers.catalog import texts as lab
from helpers.core import io
from helpers.publish.plots import CHART_COLUMNS

# --- template ------------------------------------------------------------------------------

SLIDE_WIDTH = Emu(12_192_000)  # 13.333 in: exactly 16:9 with 7.5 in (PowerPoint default)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
TITLE_BOX = (MARGIN, Inches(0.3), SLIDE_WIDTH - 2 * MARGIN, Inches(0.9))
CHART_BOX = (MARGIN, Inches(1.25), SLIDE_WIDTH - 2 * MARGIN, Inches(5.05))
FOOTNOTE_BOX = (MARGIN, Inches(6.35), SLIDE_WIDTH - 2 * MARGIN, Inches(1.0))
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # python-pptx default template
TITLE_SIZE, SUBTITLE_SIZE, BODY_SIZE = Pt(28), Pt(16), Pt(12)
FOOTNOTE_SIZE, TICK_SIZE = Pt(10), Pt(12)
INK, NOTE_GREY, MUTED_GREY = RGBColor(0x22, 0x22, 0x22), RGBColor(0x55, 0x55, 0x55), "B0B0B0"
# seaborn "colorblind", the palette of the PNG charts (helpers.publish.plots)
PALETTE = (
    "0173B2", "DE8F05", "029E73", "D55E00", "CC78BC", "CA9161", "FBAFE4", "949494", "ECE133",
    "56B4E9",
)  # fmt: skip

# NOTE: Noto Sans CJK is the OFL face the PNG charts use (helpers.publish.fonts); SC and TC
# differ in glyph shapes, so the East Asian typeface follows the label language. Latin text gets
# Arial, present wherever PowerPoint runs; where Noto is missing PowerPoint substitutes a CJK font
# for the ea slot, which still has the glyphs (a Latin-only font there would not).
EAST_ASIAN_FONTS = {
    "zh-Hans": "Noto Sans CJK SC",
    "zh-Hant": "Noto Sans CJK TC",
    "en": "Noto Sans CJK SC",
}
LATIN_FONT = "Arial"
LANG_TAGS = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "en": "en-US"}
CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")

# PowerPoint chart type per chart kind of helpers.publish.charts.ChartSpec
CHART_TYPES = {
    "ranked_bars": XL_CHART_TYPE.BAR_CLUSTERED,
    "share_over_time": XL_CHART_TYPE.LINE_MARKERS,
    "stacked_share": XL_CHART_TYPE.BAR_STACKED_100,
    "fleet_timeline": XL_CHART_TYPE.LINE_MARKERS,
}
HORIZONTAL_KINDS = ("ranked_bars", "stacked_share")  # first category drawn on top
NUMBER_FORMATS = {"percent": '0.0#"%"'}
DEFAULT_NUMBER_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm"
SEP = " · "
RUN_ID_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})\d{2}Z")


def deck_text(key: str, labels: str, **fields: object) -> str:
    """Return a deck text in the label language, placeholders filled.

    Example:
        >>> deck_text("n_articles", "zh-Hant", n=12)
        '文章 12 篇'
    """
    return lab.label("deck", key, labels, **fields)


# --- chart descriptions (pure) -------------------------------------------------------------


@dataclass(frozen=True)
class DeckSeries:
    """One series of a native chart; ``None`` marks a category the series has no value for."""

    name: str
    values: tuple[float | None, ...]
    is_target: bool = False


@dataclass(frozen=True)
class DeckChart:
    """Everything a chart slide shows."""

    stem: str
    kind: str
    title: str
    subtitle: str
    unit: str
    categories: tuple
    series: tuple[DeckSeries, ...]
    source: str
    data_sources: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    n_articles: int | None = None
    muted: tuple[str, ...] = ()
    point_labels: dict[int, str] = field(default_factory=dict)
    picture: Path | None = None
    n_corrected: int = 0  # facts behind the chart a reviewer corrected (data/corrections/)


def chart_type(kind: str) -> XL_CHART_TYPE:
    """PowerPoint chart type of a chart kind.

    Example:
        >>> chart_type("stacked_share") == XL_CHART_TYPE.BAR_STACKED_100
        True
    """
    if kind not in CHART_TYPES:
        raise ValueError(f"unknown chart kind {kind!r}; known: {list(CHART_TYPES)}")
    return CHART_TYPES[kind]


def guess_kind(data: pd.DataFrame) -> str:
    """Kind of a chart CSV that has no sidecar.

    One series: bars; shares summing to 100 per category: stacked; else lines.

    Example:
        >>> guess_kind(pd.DataFrame({"category": ["甲", "甲"], "series": ["地平线", "其他"],
        ...     "value": [47.66, 52.34], "unit": ["percent"] * 2}))
        'stacked_share'
    """
    if "kind" in data.columns:
        return "fleet_timeline"
    if data["series"].nunique() <= 1:
        return "ranked_bars"
    sums = data.groupby("category")["value"].sum()
    if (data["unit"] == "percent").all() and sums.between(99.0, 101.0).all():
        return "stacked_share"
    return "share_over_time"


def _distinct(values: Iterable) -> list:
    return list(dict.fromkeys(v for v in values if isinstance(v, str) and v))


def pivot_series(data: pd.DataFrame) -> tuple[tuple, tuple[DeckSeries, ...]]:
    """Categories (first-seen order) and one series per ``series`` value (first-seen order).

    A (category, series) pair given twice keeps its first value (the PNG draws both points on
    top of each other; a native chart has one cell per pair).

    Example:
        >>> d = pd.DataFrame({"category": ["2024年", "2025年", "2025年"],
        ...     "series": ["英伟达", "英伟达", "地平线"], "value": [52.57, 49.36, 47.66]})
        >>> cats, series = pivot_series(d)
        >>> cats, [(s.name, s.values) for s in series]
        (('2024年', '2025年'), [('英伟达', (52.57, 49.36)), ('地平线', (None, 47.66))])
    """
    rows = data.drop_duplicates(["category", "series"], keep="first")
    categories = tuple(dict.fromkeys(rows["category"]))
    cells = {(c, s): float(v) for c, s, v in rows[["category", "series", "value"]].itertuples(
        index=False)}  # fmt: skip
    series = tuple(
        DeckSeries(name, tuple(cells.get((c, name)) for c in categories))
        for name in dict.fromkeys(rows["series"])
    )
    return categories, series


def timeline_series(data: pd.DataFrame, labels: str) -> tuple[tuple, tuple[DeckSeries, ...]]:
    """Date categories and, per operator, an actual series and a target series.

    The target series starts at the last actual, so the dashed line joins them, as in the PNG.

    Example:
        >>> d = pd.DataFrame({"category": ["2024-12-31", "2025-11-23", "2026-12-31"],
        ...     "series": ["小马智行"] * 3, "value": [270.0, 961.0, 3000.0],
        ...     "kind": ["actual", "actual", "target"]})
        >>> cats, series = timeline_series(d, "zh-Hans")
        >>> [(s.name, s.values) for s in series]
        [('小马智行', (270.0, 961.0, None)), ('小马智行 · 目标', (None, 961.0, 3000.0))]
    """
    dated = data.assign(_date=pd.to_datetime(data["category"]).dt.date)
    categories = tuple(sorted(set(dated["_date"])))
    target_word = lab.label("text", "target", labels)
    out = []
    for name, sub in dated.groupby("series", sort=False):
        actual = sub[sub["kind"] != "target"]
        target = sub[sub["kind"] == "target"]
        cells = dict(zip(actual["_date"], actual["value"].astype(float), strict=True))
        out.append(DeckSeries(name, tuple(cells.get(c) for c in categories)))
        if not target.empty:
            bridge = dict(list(cells.items())[-1:]) if cells else {}
            bridge |= dict(zip(target["_date"], target["value"].astype(float), strict=True))
            values = tuple(bridge.get(c) for c in categories)
            out.append(DeckSeries(f"{name}{SEP}{target_word}", values, is_target=True))
    return categories, tuple(out)


def _point_labels(data: pd.DataFrame, qualifiers: Sequence[str], labels: str) -> dict[int, str]:
    """Custom data-label texts for bars whose value is qualified (超 / 约 / 不足)."""
    from helpers.publish.plots import format_value

    unit = str(data["unit"].iloc[0])
    pairs = zip(data["value"], qualifiers, strict=False)
    return {i: format_value(float(v), 1.0, unit, labels, q) for i, (v, q) in enumerate(pairs) if q}


def _subtitle(unit: str, period: str, labels: str) -> str:
    unit_text = lab.label("units", unit, labels) if unit else ""
    parts = [
        lab.label("text", "unit_prefix", labels) + unit_text if unit_text else "",
        lab.label("text", "period_prefix", labels) + period if period else "",
    ]
    return "    ".join(p for p in parts if p)


# NOTE: complexity 15: one branch per chart kind when reading a sidecar into a DeckChart.
def describe_chart(
    data: pd.DataFrame, meta: dict, labels: str, *, stem: str = "", picture: Path | None = None
) -> DeckChart:
    """Turn a chart's tidy table and its sidecar metadata into a :class:`DeckChart`.

    Args:
        data: the chart CSV (:data:`helpers.publish.plots.CHART_COLUMNS`; fleet charts add
            ``kind``).
        meta: the sidecar (``kind``, ``title``, ``period``, ``source``, ``n_articles``,
            ``data_sources``, ``outlets``, ``muted``, ``qualifiers``); missing keys fall
            back to what the table says (kind guessed, title = stem).
        labels: label language.
        stem: the chart's file stem.
        picture: the PNG of the chart, for the backup slide.

    Returns:
        The chart description; see the module example.
    """
    missing = sorted(set(CHART_COLUMNS) - set(data.columns))
    if missing:
        raise ValueError(f"chart table {stem!r} lacks {missing}: save it with plots.chart_frame")
    kind = meta.get("kind") or guess_kind(data)
    if kind == "fleet_timeline":
        categories, series = timeline_series(data, labels)
    else:
        categories, series = pivot_series(data)
    unit = str(data["unit"].iloc[0]) if len(data) else ""
    periods = _distinct(data["period"])
    fallback = lab.label("periods", "range", labels, a=periods[0], b=periods[-1]) if len(
        periods) > 1 else "".join(periods)  # fmt: skip
    period = meta.get("period") or fallback
    qualifiers = meta.get("qualifiers") or []
    return DeckChart(
        stem=stem or str(meta.get("stem", "")),
        kind=kind,
        title=meta.get("title") or stem,
        subtitle=_subtitle(unit, period, labels),
        unit=unit,
        categories=categories,
        series=series,
        source=meta.get("source") or _source_line(data, labels),
        data_sources=tuple(meta.get("data_sources") or ()),
        outlets=tuple(meta.get("outlets") or ()),
        n_articles=meta.get("n_articles"),
        muted=tuple(meta.get("muted") or ()),
        point_labels=_point_labels(data, qualifiers, labels) if kind == "ranked_bars" else {},
        picture=picture,
        n_corrected=int(meta.get("n_corrected") or 0),
    )


def _source_line(data: pd.DataFrame, labels: str) -> str:
    from helpers.publish.plots import source_line

    return source_line(data["source_note"], labels)


def load_chart(figures_dir: str | Path, stem: str, labels: str) -> DeckChart:
    """Read ``figures/<stem>.csv`` and its ``.json`` sidecar (when present) into a chart."""
    figures_dir = Path(figures_dir)
    data = io.read_table(figures_dir / f"{stem}.csv")
    sidecar = figures_dir / f"{stem}.json"
    meta = io.read_json(sidecar) if sidecar.exists() else {}
    png = figures_dir / f"{stem}.png"
    return describe_chart(data, meta, labels, stem=stem, picture=png if png.exists() else None)


def load_charts(figures_dir: str | Path, labels: str) -> list[DeckChart]:
    """Every chart of a figures folder, in file-name order (the stage prefix orders them)."""
    stems = sorted(p.stem for p in Path(figures_dir).glob("*.csv"))
    return [load_chart(figures_dir, stem, labels) for stem in stems]


def footnote_lines(chart: DeckChart, labels: str) -> list[str]:
    """The footnote under a chart: the source line, then data sources, outlets and articles.

    Example:
        >>> c = DeckChart("s", "ranked_bars", "t", "", "percent", ("甲",),
        ...     (DeckSeries("乙", (1.0,)),), "来源：高工", ("高工智能汽车",), ("晶片週刊",), 3)
        >>> footnote_lines(c, "zh-Hans")
        ['来源：高工', '数据口径：高工智能汽车 · 媒体：晶片週刊 · 文章 3 篇']
        >>> from dataclasses import replace
        >>> footnote_lines(replace(c, n_corrected=2), "zh-Hans")[1].endswith("已人工更正 2 条")
        True
    """
    sep = lab.label("text", "list_sep", labels)
    parts = []
    if chart.data_sources:
        parts.append(deck_text("bases", labels) + sep.join(chart.data_sources))
    if chart.outlets:
        parts.append(deck_text("outlets", labels) + sep.join(chart.outlets))
    if chart.n_articles is None:
        parts.append(deck_text("n_unknown", labels))
    else:
        parts.append(deck_text("n_articles", labels, n=chart.n_articles))
    if chart.n_corrected:
        parts.append(lab.label("changes", "corrected_facts", labels, n=chart.n_corrected))
    return [chart.source, SEP.join(parts)]


# --- corpus statistics for the title slide (pure) -------------------------------------------


def corpus_stats(articles: pd.DataFrame, facts: pd.DataFrame) -> dict[str, object]:
    """Article and fact counts and the span of publication dates.

    Example:
        >>> a = pd.DataFrame({"is_canonical": [True, False, True],
        ...     "published_date": ["2025-10-24", None, "2026-02-10"]})
        >>> s = corpus_stats(a, pd.DataFrame({"fact_id": ["f1"]}))
        >>> s["n_all"], s["n_canonical"], s["n_facts"], s["first_date"], s["last_date"]
        (3, 2, 1, '2025-10-24', '2026-02-10')
    """
    dates = pd.to_datetime(articles["published_date"], errors="coerce").dropna()
    return {
        "n_all": len(articles),
        "n_canonical": int(articles["is_canonical"].astype(bool).sum()),
        "n_facts": len(facts),
        "first_date": dates.min().date().isoformat() if len(dates) else "",
        "last_date": dates.max().date().isoformat() if len(dates) else "",
    }


def run_date(run_name: str, today: dt.date) -> str:
    """Date (and UTC time) of a run from its folder name; ``today`` for other folders.

    Example:
        >>> run_date("20261122T000743Z-54f6c60", dt.date(2026, 1, 1))
        '2026-11-22 00:07 UTC'
        >>> run_date("interactive", dt.date(2026, 1, 1))
        '2026-01-01'
    """
    m = RUN_ID_RE.match(run_name)
    if not m:
        return today.isoformat()
    y, mo, d, h, mi = m.groups()
    return f"{y}-{mo}-{d} {h}:{mi} UTC"


def title_lines(stats: dict, n_charts: int, labels: str) -> list[str]:
    """Subtitle lines of the title slide.

    Example:
        >>> lines = title_lines({"run_date": "2026-11-22", "run_id": "r1", "n_all": 58,
        ...     "n_canonical": 48, "n_facts": 165, "first_date": "", "last_date": ""}, 8, "zh-Hans")
        >>> lines[1:]
        ['文章58篇，去重后48篇；事实165条；图表8张', '语料时间：无发布日期']
    """
    lines = [deck_text("run", labels, date=stats.get("run_date", ""), run=stats.get("run_id", ""))]
    if "n_all" in stats:
        lines.append(deck_text("articles", labels, n_charts=n_charts, **{
            k: stats[k] for k in ("n_all", "n_canonical", "n_facts")}))  # fmt: skip
    if stats.get("first_date"):
        lines.append(deck_text("span", labels, a=stats["first_date"], b=stats["last_date"]))
    else:
        lines.append(deck_text("span_unknown", labels))
    return lines

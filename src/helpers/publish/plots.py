"""House chart style (16:9 slides, CJK-capable font) and saving a chart with its data.

Example:
    >>> fams = apply_house_style("zh-Hans")
    >>> fams[-1]
    'sans-serif'
"""

from __future__ import annotations

import importlib
import textwrap
import warnings
from pathlib import Path

import pandas as pd

from helpers.core import io
from helpers.publish.fonts import INSTALL_HINT, available_cjk_families


class _LazyModule:
    """A module imported on its first attribute access.

    NOTE: matplotlib.pyplot and seaborn (with the scipy.stats it imports) cost ~1 s of CPU
    to import; the deck notebook and the report only need this module's constants and text
    helpers (CHART_COLUMNS, format_value, source_line), never a figure.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)


# NOTE: no matplotlib.use() here: inside a kernel the inline backend must stay (charts show in
# the notebook and in report.html); without a display matplotlib picks Agg by itself.
plt = _LazyModule("matplotlib.pyplot")
sns = _LazyModule("seaborn")

SLIDE_FIGSIZE = (12.0, 6.75)  # inches, 16:9; at 300 dpi a 3600 x 2025 px picture
PNG_DPI = 300
LATIN_FALLBACK = ("DejaVu Sans", "sans-serif")
HOUSE_RC = {
    "axes.unicode_minus": False,  # CJK fonts often lack U+2212; use the hyphen-minus
    "axes.titlesize": 20,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    # NOTE: outlet names and other scraped text reach chart titles and source lines; a "$"
    # pair there must print as written, not be parsed as mathtext (or fail to parse).
    "text.parse_math": False,
}


def apply_house_style(labels: str = "zh-Hans") -> list[str]:
    """Set the seaborn theme, slide sizes and a CJK font; return the font family list.

    Args:
        labels: label language; Traditional labels prefer a TC face.

    Returns:
        The ``font.family`` list in force (CJK families first, then Latin fallbacks).
    """
    cjk = available_cjk_families(labels)
    if not cjk:
        warnings.warn(INSTALL_HINT, stacklevel=2)
    families = [*cjk, *LATIN_FALLBACK]
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind")
    plt.rcParams.update({**HOUSE_RC, "figure.figsize": SLIDE_FIGSIZE, "font.family": families})
    return families


def add_source_note(fig: plt.Figure, text: str) -> None:
    """Write a source line under the chart (every chart carries one)."""
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=11, color="#555555")


def save_chart(
    fig: plt.Figure, data: pd.DataFrame, figures_dir: Path, stem: str, meta: dict | None = None
) -> list[Path]:
    """Save ``fig`` as PNG (300 dpi) and SVG plus ``data`` as CSV, all with the same stem.

    Args:
        fig: the finished chart.
        data: exactly the numbers the chart shows.
        figures_dir: the run's figures folder.
        stem: file name without suffix, e.g. ``04-exports-by-company``.
        meta: optional sidecar written as ``<stem>.json`` (kind, title, articles behind the
            chart, see :func:`helpers.publish.charts.chart_meta`); the deck stage reads it.

    Returns:
        The paths written (atomically): PNG, SVG, CSV and, with ``meta``, the JSON.
    """
    written = []
    for suffix in (".png", ".svg"):
        target = figures_dir / f"{stem}{suffix}"
        with io.atomic_path(target) as tmp:
            fig.savefig(tmp, format=suffix[1:], dpi=PNG_DPI)
        written.append(target)
    written.append(io.write_table(data, figures_dir / f"{stem}.csv"))
    if meta is not None:
        written.append(io.write_json({"stem": stem, **meta}, figures_dir / f"{stem}.json"))
    return written


# --- chart types of the share stages (04–06) -------------------------------------------------
# Every chart function takes a tidy frame with CHART_COLUMNS (one row per bar or point: the
# frame save_chart writes as the chart's CSV, which a later stage turns into a native
# PowerPoint chart), draws title, unit, period and source line, and returns the figure.

CHART_COLUMNS = ("category", "series", "value", "unit", "period", "source_note")
MUTED_COLOR = "#B0B0B0"
NOTE_COLOR = "#555555"
SOURCE_WRAP_CHARS = 150
MAX_SOURCES = 4
SUBTITLE_SIZE = 13
VALUE_LABEL_SIZE = 12
# Large counts are shown in 万 (10^4) in Chinese and in thousands in English.
COUNT_SCALE = {"zh-Hans": 1e4, "zh-Hant": 1e4, "en": 1e3}
COUNT_SCALE_FROM = 1e5
MIN_SEGMENT_LABEL_PCT = 6.0  # narrower segments of a 100 % bar get no value label
CATEGORY_WRAP_CHARS = 16
QUALIFIER_KEYS = {"over": "q_over", "under": "q_under", "approx": "q_approx"}


def _lab():
    from helpers.catalog import texts as lab  # lazy: keeps `import helpers.publish.plots` light

    return lab


def chart_frame(
    rows: pd.DataFrame,
    *,
    category: pd.Series,
    series: pd.Series | str,
    unit: str,
    period: pd.Series | str,
    source_note: pd.Series | str,
    extra: dict[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """Build the tidy chart table (:data:`CHART_COLUMNS`, ``extra`` columns, ``fact_ids``).

    Example:
        >>> t = pd.DataFrame({"value": [936000.0]})
        >>> chart_frame(t, category=pd.Series(["奇瑞"]), series="出口量", unit="vehicles",
        ...     period="2025年1–9月", source_note="中汽协").columns.tolist()
        ['category', 'series', 'value', 'unit', 'period', 'source_note']
    """
    n = len(rows)

    def col(x):
        return list(x) if isinstance(x, pd.Series | list) else [x] * n

    data = {
        "category": col(category),
        "series": col(series),
        "value": rows["value"].astype(float).tolist(),
        "unit": [unit] * n,
        "period": col(period),
        "source_note": col(source_note),
    }
    for name, values in (extra or {}).items():
        data[name] = col(values)
    if "fact_ids" in rows.columns and "fact_ids" not in data:
        # NOTE: each bar or point keeps the facts behind it; charts.save_all moves them from
        # the CSV to the JSON sidecar (row_fact_ids), so the CSV holds only what is drawn.
        data["fact_ids"] = rows["fact_ids"].fillna("").astype(str).tolist()
    return pd.DataFrame(data)


def _wrap(text: str) -> str:
    """Break a long axis label into lines (CJK has no spaces: break inside words too)."""
    return "\n".join(textwrap.wrap(str(text), CATEGORY_WRAP_CHARS)) or str(text)


def source_line(notes: list[str] | pd.Series, labels: str) -> str:
    """One source line from row notes: distinct notes, at most four, then "等".

    Example:
        >>> source_line(["中汽协；汽车周刊", "中汽协；汽车周刊", "乘联会；界面"], "zh-Hans")
        '来源：中汽协；汽车周刊 | 乘联会；界面'
    """
    lab = _lab()
    distinct = list(dict.fromkeys(n for n in notes if isinstance(n, str) and n))
    text = " | ".join(distinct[:MAX_SOURCES])
    if len(distinct) > MAX_SOURCES:
        text += lab.label("text", "and_more", labels)
    return lab.label("text", "source_prefix", labels) + text


def count_scale(values: pd.Series, unit: str, labels: str) -> tuple[float, str]:
    """Axis scale and unit text for a chart (万辆 / thousand vehicles for large counts).

    Example:
        >>> count_scale(pd.Series([936000.0]), "vehicles", "zh-Hant")
        (10000.0, '萬輛')
        >>> count_scale(pd.Series([961.0]), "vehicles", "zh-Hans")
        (1.0, '辆')
    """
    lab = _lab()
    if unit == "vehicles" and values.abs().max() >= COUNT_SCALE_FROM:
        return COUNT_SCALE[labels], lab.label("units", "ten_thousand_vehicles", labels)
    return 1.0, lab.label("units", unit, labels)


def format_value(value: float, scale: float, unit: str, labels: str, qualifier: str = "") -> str:
    """Text of a bar or point label, with its qualifier (超 / 约 / 不足).

    Example:
        >>> format_value(1_000, 1.0, "vehicles", "zh-Hans", "over")
        '超1,000'
        >>> format_value(47.66, 1.0, "percent", "en")
        '47.66%'
    """
    lab = _lab()
    prefix = (
        lab.label("text", QUALIFIER_KEYS[qualifier], labels) if qualifier in QUALIFIER_KEYS else ""
    )
    if unit == "percent":
        return f"{prefix}{value:.4g}%"
    scaled = value / scale
    return f"{prefix}{scaled:,.1f}" if scale > 1 and scaled < 100 else f"{prefix}{scaled:,.0f}"


def _finish(fig, ax, *, title: str, unit_text: str, period: str, source: str, labels: str):
    """Title, a unit · period line under it and the source line under the chart."""
    lab = _lab()
    ax.set_title(title, loc="left", pad=34, fontweight="bold")
    parts = [
        lab.label("text", "unit_prefix", labels) + unit_text if unit_text else "",
        lab.label("text", "period_prefix", labels) + period if period else "",
    ]
    ax.text(
        0, 1.02, "    ".join(p for p in parts if p), transform=ax.transAxes,
        fontsize=SUBTITLE_SIZE, color=NOTE_COLOR, va="bottom",
    )  # fmt: skip
    add_source_note(fig, textwrap.fill(source, SOURCE_WRAP_CHARS))
    fig.tight_layout()


def ranked_bars(
    data: pd.DataFrame,
    *,
    title: str,
    period: str,
    source: str,
    labels: str,
    muted: tuple[str, ...] = (),
    qualifiers: list[str] | None = None,
) -> plt.Figure:
    """Horizontal bars in the given order (first on top), value at the end of each bar.

    Args:
        data: tidy chart table (:data:`CHART_COLUMNS`), one row per bar.
        title: the chart title.
        period: the period the figures cover, shown under the title.
        source: the source line, shown under the chart.
        labels: label language (for units and qualifiers).
        muted: categories drawn in grey (e.g. 其他 / Others).
        qualifiers: per row ``over`` / ``approx`` / ... for the value labels.
    """
    # NOTE: rows are drawn in the given order, first on top (the caller ranks them and puts
    # Others last); barh draws the first row at the bottom, hence the reversal.
    order = data.assign(_q=qualifiers or [""] * len(data)).iloc[::-1]
    unit = str(data["unit"].iloc[0])
    scale, unit_text = count_scale(order["value"], unit, labels)
    fig, ax = plt.subplots(figsize=SLIDE_FIGSIZE)
    palette = sns.color_palette("colorblind")
    colors = [MUTED_COLOR if c in muted else palette[0] for c in order["category"]]
    bars = ax.barh(order["category"], order["value"] / scale, color=colors)
    pairs = zip(order["value"], order["_q"], strict=True)
    texts = [format_value(v, scale, unit, labels, q) for v, q in pairs]
    ax.bar_label(bars, labels=texts, padding=4, fontsize=VALUE_LABEL_SIZE)
    ax.margins(x=0.15)
    ax.set_xlabel(unit_text)
    ax.grid(axis="y", visible=False)
    _finish(fig, ax, title=title, unit_text=unit_text, period=period, source=source, labels=labels)
    return fig


def share_over_time(
    data: pd.DataFrame, *, title: str, period: str, source: str, labels: str
) -> plt.Figure:
    """Lines (a slope chart for two periods): one line per ``series``.

    x = ``category`` in the given order; a series with one point is a lone marker (scopes are
    never joined).
    """
    unit = str(data["unit"].iloc[0])
    scale, unit_text = count_scale(data["value"], unit, labels)
    order = list(dict.fromkeys(data["category"]))
    fig, ax = plt.subplots(figsize=SLIDE_FIGSIZE)
    for name, sub in data.groupby("series", sort=False):
        xs = [order.index(c) for c in sub["category"]]
        line = ax.plot(xs, sub["value"] / scale, marker="o", linewidth=2.5, label=name)[0]
        last = sub.iloc[-1]
        ax.annotate(
            format_value(last["value"], scale, unit, labels),
            (xs[-1], last["value"] / scale), xytext=(6, 0), textcoords="offset points",
            va="center", fontsize=VALUE_LABEL_SIZE, color=line.get_color(),
        )  # fmt: skip
    ax.set_xticks(range(len(order)), order)
    ax.set_xlim(-0.3, len(order) - 0.4)
    ax.set_ylabel(unit_text)
    if unit == "percent":
        ax.set_ylim(0, max(100.0, float(data["value"].max()) * 1.05))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    _finish(fig, ax, title=title, unit_text=unit_text, period=period, source=source, labels=labels)
    return fig


def stacked_share(
    data: pd.DataFrame, *, title: str, period: str, source: str, labels: str
) -> plt.Figure:
    """100 % stacked horizontal bars: one bar per ``category``, segments by ``series``."""
    wide = data.pivot_table(
        index="category", columns="series", values="value", aggfunc="sum", sort=False
    ).fillna(0.0)
    fig, ax = plt.subplots(figsize=SLIDE_FIGSIZE)
    left = pd.Series(0.0, index=wide.index)
    palette = sns.color_palette("colorblind", n_colors=max(len(wide.columns), 3))
    for i, name in enumerate(wide.columns):
        bars = ax.barh(wide.index, wide[name], left=left, label=name, color=palette[i])
        texts = [f"{v:.4g}%" if v >= MIN_SEGMENT_LABEL_PCT else "" for v in wide[name]]
        ax.bar_label(bars, labels=texts, label_type="center", fontsize=VALUE_LABEL_SIZE)
        left += wide[name]
    ax.set_xlim(0, max(100.0, float(left.max())))
    ax.set_yticks(range(len(wide.index)), [_wrap(c) for c in wide.index])
    ax.invert_yaxis()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=min(len(wide.columns), 6),
              frameon=False)  # fmt: skip
    ax.grid(axis="y", visible=False)
    unit_text = _lab().label("units", "percent", labels)
    _finish(fig, ax, title=title, unit_text=unit_text, period=period, source=source, labels=labels)
    return fig


def fleet_timeline(
    data: pd.DataFrame, *, title: str, period: str, source: str, labels: str
) -> plt.Figure:
    """Fleet size over time per operator (``category`` = ISO date).

    Rows whose ``kind`` is ``target`` are hollow markers joined to the last actual by a dashed line.
    """
    fig, ax = plt.subplots(figsize=SLIDE_FIGSIZE)
    dated = data.assign(_date=pd.to_datetime(data["category"]))
    palette = sns.color_palette("colorblind", n_colors=max(dated["series"].nunique(), 3))
    for color, (name, sub) in zip(palette, dated.groupby("series", sort=False), strict=False):
        actual, target = sub[sub["kind"] != "target"], sub[sub["kind"] == "target"]
        ax.plot(
            actual["_date"], actual["value"], marker="o", linewidth=2.5, color=color, label=name
        )
        if not target.empty and not actual.empty:
            tail = pd.concat([actual.tail(1), target])
            ax.plot(tail["_date"], tail["value"], linestyle="--", color=color, linewidth=1.5)
            ax.plot(target["_date"], target["value"], marker="o", markerfacecolor="white",
                    markersize=9, linestyle="", color=color)  # fmt: skip
        end = sub.iloc[-1]
        ax.annotate(f"{end['value']:,.0f}", (end["_date"], end["value"]), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=VALUE_LABEL_SIZE,
                    color=color)  # fmt: skip
    ax.set_ylim(bottom=0)
    unit_text = _lab().label("units", "vehicles", labels)
    ax.set_ylabel(unit_text)
    ax.legend(loc="upper left", frameon=False)
    fig.autofmt_xdate()
    _finish(fig, ax, title=title, unit_text=unit_text, period=period, source=source, labels=labels)
    return fig


def draw_chart(spec, labels: str) -> plt.Figure:
    """Draw a :class:`helpers.publish.charts.ChartSpec` with the chart function of its kind.

    Example:
        >>> from helpers.publish.charts import ChartSpec
        >>> data = pd.DataFrame({"category": ["地平线"], "series": ["份额"], "value": [47.66],
        ...     "unit": ["percent"], "period": ["2025年"], "source_note": ["高工"]})
        >>> spec = ChartSpec("t", "ranked_bars", data, "份额", "2025年", "来源：高工")
        >>> fig = draw_chart(spec, "zh-Hans"); plt.close(fig)
    """
    texts = {"title": spec.title, "period": spec.period, "source": spec.source, "labels": labels}
    if spec.kind == "ranked_bars":
        quals = list(spec.qualifiers) or None
        return ranked_bars(spec.data, muted=spec.muted, qualifiers=quals, **texts)
    drawers = {
        "share_over_time": share_over_time,
        "stacked_share": stacked_share,
        "fleet_timeline": fleet_timeline,
    }
    if spec.kind not in drawers:
        raise ValueError(f"unknown chart kind {spec.kind!r}; use ranked_bars or {list(drawers)}")
    return drawers[spec.kind](spec.data, **texts)

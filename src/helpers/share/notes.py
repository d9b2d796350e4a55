"""What a reader sees beside a figure: source notes, display labels, the chart group to show."""

from __future__ import annotations

import pandas as pd

from helpers.catalog import texts as lab

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
    if "story_outlets" in out:
        out["source_note"] = _with_outlets(out["source_note"], out["story_outlets"], labels)
    if "is_remainder" in out:
        derived = lab.label("text", "derived_source", labels)
        out.loc[out["is_remainder"].fillna(False).astype(bool), "source_note"] = derived
    return out


def _with_outlets(notes: pd.Series, outlets: pd.Series, labels: str) -> pd.Series:
    """Append "reported by N outlets" where stage 02 found the story at more than one outlet.

    Example:
        >>> notes = pd.Series(["中汽协；汽车周刊"] * 2)
        >>> _with_outlets(notes, pd.Series([3, 1]), "zh-Hans").tolist()
        ['中汽协；汽车周刊；3家媒体报道', '中汽协；汽车周刊']
    """
    n = pd.to_numeric(outlets, errors="coerce").fillna(1).astype(int)
    sep = lab.label("text", "sep", labels)
    extra = [sep + lab.label("text", "reported_by", labels, n=k) if k > 1 else "" for k in n]
    return notes.astype(str) + pd.Series(extra, index=notes.index)


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

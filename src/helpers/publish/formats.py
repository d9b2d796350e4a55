"""Numbers and cells as a reader sees them: chart units (万辆 / 辆 / %), separators, "—".

One rule for every number the report prints, the same the charts use
(:func:`helpers.publish.plots.count_scale`): vehicle counts from 100,000 on are shown in 万辆
(Chinese labels) or thousand vehicles (English), smaller counts in 辆 with thousands
separators, percentages as reported. A missing value is "—", never ``NaN``.

Example:
    >>> figure_text(7_098_000, "vehicles", "zh-Hans"), figure_text(961, "vehicles", "zh-Hant")
    ('709.8万辆', '961輛')
    >>> figure_text(1_000, "vehicles", "en", "over"), figure_text(49.36, "percent", "en")
    ('>1,000 vehicles', '49.36%')
    >>> cell_text(float("nan")), cell_text(None), cell_text("乘联会")
    ('—', '—', '乘联会')
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.catalog import texts as lab
from helpers.publish.plots import QUALIFIER_KEYS, count_scale

MISSING = "—"
# NOTE: pandas prints these for missing cells; none of them may reach a reader.
MISSING_TEXTS = frozenset({"", "nan", "NaN", "None", "<NA>", "NaT", "none", "null"})
# English unit words follow the number after a space; Chinese units attach to it.
SPACED_LANGS = frozenset({"en"})


def is_missing(value: object) -> bool:
    """Whether a cell holds nothing a reader should see (NaN, None, NaT, "", "nan").

    Example:
        >>> is_missing(pd.NaT), is_missing(0), is_missing("NaN"), is_missing("0")
        (True, False, True, False)
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return value.strip() in MISSING_TEXTS
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def cell_text(value: object) -> str:
    """Text of a plain cell: the value as written, "—" when missing, dates as YYYY-MM-DD.

    Example:
        >>> cell_text(pd.Timestamp("2026-02-10")), cell_text(True), cell_text(3)
        ('2026-02-10', '✓', '3')
    """
    if is_missing(value):
        return MISSING
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, bool):
        return "✓" if value else ""
    return str(value)


def format_number(value: object, scale: float = 1.0, decimals: int | None = None) -> str:
    """A number divided by ``scale`` with thousands separators; "—" when missing.

    Without ``decimals``: one decimal for scaled counts (93.6 万), none for whole counts.

    Example:
        >>> format_number(936000, 1e4), format_number(1344020, 1.0), format_number(None)
        ('93.6', '1,344,020', '—')
        >>> format_number(7.514423, decimals=1)
        '7.5'
    """
    if is_missing(value):
        return MISSING
    number = float(value) / scale
    if decimals is None:
        decimals = 1 if scale > 1 else (0 if number == round(number) else 2)
    return f"{number:,.{decimals}f}"


def percent_text(value: object, *, reported: bool = True) -> str:
    """A percentage: as reported (up to 4 significant digits, as the charts) or computed (0.1).

    Example:
        >>> percent_text(49.36), percent_text(7.514423, reported=False), percent_text(None)
        ('49.36', '7.5', '—')
    """
    if is_missing(value):
        return MISSING
    return f"{float(value):.4g}" if reported else f"{float(value):.1f}"


def unit_scale(values: pd.Series | list, unit: str, labels: str) -> tuple[float, str]:
    """Scale and unit text for a column of ``unit`` values (the charts' rule).

    Example:
        >>> unit_scale([936000.0, 222706.0], "vehicles", "zh-Hans")
        (10000.0, '万辆')
        >>> unit_scale([961.0], "vehicles", "en")
        (1.0, 'vehicles')
    """
    numbers = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").dropna()
    if numbers.empty:
        return 1.0, lab.label("units", unit, labels) if unit else ""
    return count_scale(numbers, unit, labels)


def qualifier_prefix(qualifier: object, labels: str) -> str:
    """超 / 约 / 不足 (or > / ~ / <) for a qualified figure, else "".

    Example:
        >>> qualifier_prefix("approx", "zh-Hans"), qualifier_prefix("claimed", "en")
        ('约', '')
    """
    key = QUALIFIER_KEYS.get(qualifier) if isinstance(qualifier, str) else None
    return lab.label("text", key, labels) if key else ""


def figure_text(
    value: object, unit: str, labels: str, qualifier: object = "", value_high: object = None
) -> str:
    """One figure with its qualifier and unit, as a sentence or headline shows it.

    Args:
        value: the value in base units (vehicles, percent, ...).
        unit: the fact's unit (``vehicles``, ``percent``, ``units`` ...).
        labels: label language.
        qualifier: ``over``, ``under``, ``approx`` ... (others print no prefix).
        value_high: the upper end of a range, when the text gave one.

    Returns:
        e.g. ``约110万辆``, ``2,000輛``, ``7,098 thousand vehicles``, ``36.8%``.

    Example:
        >>> figure_text(1_100_000, "vehicles", "zh-Hans", "approx", 1_200_000)
        '约110–120万辆'
    """
    if is_missing(value):
        return MISSING
    prefix = qualifier_prefix(qualifier, labels)
    high = None if is_missing(value_high) else float(value_high)
    if unit == "percent":
        text = percent_text(value) + (f"–{percent_text(high)}" if high else "")
        return f"{prefix}{text}%"
    return prefix + _count_text(float(value), high, unit, labels)


def _count_text(value: float, high: float | None, unit: str, labels: str) -> str:
    """``709.8万辆``, ``58–63万辆``, ``7,098 thousand vehicles``: the charts' scale and unit."""
    biggest = max(abs(value), abs(high or 0.0))
    scale, unit_text = count_scale(pd.Series([biggest]), unit, labels)
    decimals = 1 if scale > 1 and biggest / scale < 1000 else None
    number = _scaled(value, scale, decimals)
    if high:
        number += "–" + _scaled(high, scale, decimals)
    space = " " if labels in SPACED_LANGS and unit_text else ""
    return f"{number}{space}{unit_text}"


def _scaled(value: float, scale: float, decimals: int | None) -> str:
    """A scaled number without a trailing ``.0`` (709.8万, 110万, not 110.0万)."""
    text = format_number(value, scale, decimals)
    return text[:-2] if text.endswith(".0") else text

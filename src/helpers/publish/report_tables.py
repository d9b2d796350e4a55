"""Tables for people: the stage tables of a run as report.html shows them.

Each shown table has a view (:data:`TABLE_VIEWS`): which columns, under which header (in the
run's label language, ``labels.yaml`` section ``columns``), formatted how. Numbers follow the
charts (:mod:`helpers.publish.formats`: 万辆 / 辆 / %, thousands separators, the unit in the
header), missing values read "—", and fact ids become short links ("出处 3") to the evidence
section. The full tables stay in ``tables/`` (CSV and parquet); a long table is cut at
:data:`MAX_ROWS` rows with a line naming its CSV.

Example:
    >>> from helpers.publish.evidence import EvidenceRegister
    >>> t = pd.DataFrame({"entity_name": ["奇瑞", "吉利"], "metric": ["exports"] * 2,
    ...     "period_label": ["2025年1–9月"] * 2, "basis_name": ["中汽协"] * 2,
    ...     "value": [936000.0, 423000.0], "unit": ["vehicles"] * 2, "qualifier": ["", ""],
    ...     "share_pct": [float("nan"), 6.0], "source_name": ["车市"] * 2,
    ...     "published_date": [pd.NaT] * 2, "fact_ids": ["f-a", "f-b;f-c"]})
    >>> view = people_table("ev_exports_by_company", t, "zh-Hans", EvidenceRegister())
    >>> view.headers[:5]
    ['企业', '指标', '期间', '口径', '数值（万辆）']
    >>> view.rows[0][4], view.rows[0][5], view.rows[0][7], [k.text for k in view.rows[1][8]]
    ('93.6', '—', '—', ['出处 2', '出处 3'])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from helpers.catalog import texts as lab
from helpers.publish import formats as fmt
from helpers.publish.evidence import EvidenceRegister, Link, links, split_ids

MAX_ROWS = 40
MAX_LINKS = 6  # links shown per cell; the rest are counted ("+4")
NUMERIC_KINDS = frozenset({"value", "count", "share", "delta", "score"})


@dataclass(frozen=True)
class Column:
    """One shown column: the run table's column, its header key and how cells are written."""

    source: str
    header: str
    kind: str = "text"


def _c(source: str, header: str, kind: str = "text") -> Column:
    return Column(source, header, kind)


EVIDENCE = _c("fact_ids", "evidence", "links")
OUTLET, PUBLISHED = _c("source_name", "outlet"), _c("published_date", "published", "date")
PERIOD, BASIS = _c("period_label", "period"), _c("basis_name", "basis")
VALUE = _c("value", "value", "value")
TABLE_VIEWS: dict[str, tuple[Column, ...]] = {
    "ev_exports_by_company": (_c("entity_name", "company"), _c("metric", "metric", "metric"),
        PERIOD, BASIS, VALUE, _c("share_pct", "share", "share"), OUTLET, PUBLISHED, EVIDENCE),
    "ev_exports_by_market": (_c("market_name", "market"), PERIOD, BASIS, VALUE,
        _c("share_pct", "share", "share"), OUTLET, PUBLISHED, EVIDENCE),
    "ev_exports_nev_split": (PERIOD, BASIS, _c("total_exports", "total_exports", "count"),
        _c("nev_exports", "nev_exports", "count"), _c("phev_exports", "phev_exports", "count"),
        _c("nev_share_pct", "nev_share", "share"), _c("phev_share_pct", "phev_share", "share"),
        EVIDENCE),
    "ev_exports_brand_share": (_c("entity_name", "company"), _c("market_name", "market"),
        PERIOD, BASIS, VALUE, OUTLET, PUBLISHED, EVIDENCE),
    "chip_share_by_vendor": (_c("entity_name", "vendor"), _c("scope", "scope", "scope"), PERIOD,
        BASIS, VALUE, OUTLET, PUBLISHED, EVIDENCE),
    "chip_units_installed": (_c("entity_name", "entity"), PERIOD, BASIS, VALUE, OUTLET,
        PUBLISHED, EVIDENCE),
    "robotaxi_fleet_latest": (_c("entity_name", "operator"), _c("as_of_date", "as_of", "date"),
        _c("market_name", "market"), BASIS, VALUE, _c("target_value", "target", "count"),
        _c("target_period", "target_period", "period"), OUTLET, PUBLISHED, EVIDENCE),
    "robotaxi_fleet_targets": (_c("entity_name", "operator"), PERIOD, VALUE, OUTLET, PUBLISHED,
        EVIDENCE),
    "robotaxi_fleet_timeline": (_c("entity_name", "operator"), _c("as_of_date", "as_of", "date"),
        VALUE, _c("change", "change", "delta"), OUTLET, EVIDENCE),
}  # fmt: skip
TOPIC_TABLES = {
    "ev_exports": ("ev_exports_by_company", "ev_exports_by_market", "ev_exports_nev_split",
                   "ev_exports_brand_share"),
    "chip_share": ("chip_share_by_vendor", "chip_units_installed"),
    "robotaxi_fleet": ("robotaxi_fleet_latest", "robotaxi_fleet_targets",
                       "robotaxi_fleet_timeline"),
}  # fmt: skip

# Columns a table without a view (review queue, changes) is shown with, when it has them.
GENERIC_COLUMNS = (
    _c("topic", "topic", "topic"), _c("entity_name", "entity"), _c("metric", "metric", "metric"),
    PERIOD, BASIS, VALUE, _c("confidence", "confidence", "score"), _c("reason", "reason"),
    _c("text", "change_text"), OUTLET, EVIDENCE,
)  # fmt: skip

Cell = str | list[Link]


@dataclass
class PeopleTable:
    """A table ready to render: caption, headers, cells (text or links), rows left out."""

    name: str
    caption: str
    headers: list[str]
    numeric: list[bool]
    rows: list[list[Cell]] = field(default_factory=list)
    n_more: int = 0
    more_note: str = ""


def header(key: str, labels: str, unit: str = "") -> str:
    """A column header in ``labels``, with its unit when the cells carry none.

    Example:
        >>> header("value", "zh-Hant", "萬輛"), header("share", "en", "%")
        ('數值（萬輛）', 'Share (%)')
    """
    text = lab.label("columns", key, labels)
    return lab.label("report", "header_unit", labels, header=text, unit=unit) if unit else text


def _single_unit(table: pd.DataFrame) -> str | None:
    units = set(table["unit"].dropna().astype(str)) if "unit" in table else set()
    return units.pop() if len(units) == 1 else None


def value_cells(table: pd.DataFrame, labels: str) -> tuple[str, list[str]]:
    """Unit text for the header and the cells of a ``value`` column (qualifier kept).

    One unit in the column: the unit goes to the header and the cells hold numbers (scaled
    as the charts scale them). Mixed units: every cell carries its own unit.

    Example:
        >>> t = pd.DataFrame({"value": [2000.0, 961.0], "unit": ["vehicles"] * 2,
        ...     "qualifier": ["over", ""]})
        >>> value_cells(t, "zh-Hans")
        ('辆', ['超2,000', '961'])
    """
    quals = table["qualifier"] if "qualifier" in table else pd.Series("", index=table.index)
    highs = table["value_high"] if "value_high" in table else pd.Series(None, index=table.index)
    unit = _single_unit(table)
    if unit is None:
        units = table["unit"] if "unit" in table else pd.Series("", index=table.index)
        cells = [fmt.figure_text(v, u, labels, q, h) for v, u, q, h in
                 zip(table["value"], units, quals, highs, strict=True)]  # fmt: skip
        return "", cells
    if unit == "percent":
        return "%", [_percent_cell(v, q, h, labels) for v, q, h in zip(
            table["value"], quals, highs, strict=True)]  # fmt: skip
    scale, unit_text = fmt.unit_scale(table["value"], unit, labels)
    cells = [_count_cell(v, q, h, scale, labels) for v, q, h in zip(
        table["value"], quals, highs, strict=True)]  # fmt: skip
    return unit_text, cells


def _percent_cell(value: object, qualifier: object, high: object, labels: str) -> str:
    if fmt.is_missing(value):
        return fmt.MISSING
    text = fmt.percent_text(value)
    if not fmt.is_missing(high):
        text += "–" + fmt.percent_text(high)
    return fmt.qualifier_prefix(qualifier, labels) + text


def _count_cell(value: object, qualifier: object, high: object, scale: float, labels: str) -> str:
    if fmt.is_missing(value):
        return fmt.MISSING
    text = fmt.format_number(value, scale)
    if not fmt.is_missing(high):
        text += "–" + fmt.format_number(high, scale)
    return fmt.qualifier_prefix(qualifier, labels) + text


def count_cells(values: pd.Series, labels: str, unit: str = "vehicles") -> tuple[str, list[str]]:
    """Unit text and cells of a column of counts (totals, targets): the charts' scale.

    Example:
        >>> count_cells(pd.Series([5859000.0, None]), "en")
        ('thousand vehicles', ['5,859.0', '—'])
    """
    scale, unit_text = fmt.unit_scale(values, unit, labels)
    return unit_text, [fmt.format_number(v, scale) for v in values]


def delta_cells(values: pd.Series, labels: str) -> tuple[str, list[str]]:
    """Signed changes (+235, −12) in the column's unit; "—" where there is no earlier value.

    Example:
        >>> delta_cells(pd.Series([235.0, float("nan"), -12.0]), "zh-Hans")
        ('辆', ['+235', '—', '-12'])
    """
    unit, cells = count_cells(values.abs(), labels)
    signed = [c if c == fmt.MISSING or v >= 0 else "-" + c for c, v in zip(cells, values,
              strict=True)]  # fmt: skip
    return unit, [c if c == fmt.MISSING or c.startswith("-") else "+" + c for c in signed]


def _labelled(section: str) -> Callable[[object, str], str]:
    def to_text(value: object, labels: str) -> str:
        return fmt.MISSING if fmt.is_missing(value) else lab.label(section, str(value), labels)

    return to_text


def _period(value: object, labels: str) -> str:
    return fmt.MISSING if fmt.is_missing(value) else lab.format_period(str(value), labels)


CELL_TEXT: dict[str, Callable[[object, str], str]] = {
    "text": lambda v, _labels: fmt.cell_text(v),
    "date": lambda v, _labels: fmt.cell_text(pd.Timestamp(v) if not fmt.is_missing(v) else v),
    "metric": _labelled("metrics"),
    "scope": _labelled("scopes"),
    "topic": _labelled("topics"),
    "period": _period,
}


def _share_cells(values: pd.Series, _labels: str) -> tuple[str, list[str]]:
    return "%", [fmt.percent_text(v, reported=False) for v in values]


def _score_cells(values: pd.Series, _labels: str) -> tuple[str, list[str]]:
    return "", [fmt.format_number(v, decimals=2) for v in values]


NUMBER_CELLS: dict[str, Callable[[pd.Series, str], tuple[str, list[str]]]] = {
    "count": count_cells,
    "delta": delta_cells,
    "share": _share_cells,
    "score": _score_cells,
}


def column_cells(
    table: pd.DataFrame, column: Column, labels: str, register: EvidenceRegister
) -> tuple[str, list[Cell]]:
    """Header unit and cells of one shown column."""
    values = table[column.source]
    if column.kind == "value":
        return value_cells(table, labels)
    if column.kind == "links":
        return "", [link_cell(v, register, labels) for v in values]
    if column.kind in NUMBER_CELLS:
        return NUMBER_CELLS[column.kind](values, labels)
    return "", [CELL_TEXT[column.kind](v, labels) for v in values]


def link_cell(value: object, register: EvidenceRegister, labels: str) -> list[Link]:
    """Evidence links of a cell's fact ids, at most :data:`MAX_LINKS` (then "+N").

    Example:
        >>> cell = link_cell(";".join(f"f-{i}" for i in range(8)), EvidenceRegister(), "en")
        >>> [k.text for k in cell][-2:]
        ['source 6', '+2']
    """
    ids = split_ids(value)
    shown = links(ids[:MAX_LINKS], register, labels)
    if len(ids) > MAX_LINKS:
        rest = links(ids[MAX_LINKS:], register, labels)
        shown.append(Link(rest[0].href, f"+{len(ids) - MAX_LINKS}"))
    return shown


def people_table(
    name: str,
    table: pd.DataFrame,
    labels: str,
    register: EvidenceRegister,
    max_rows: int = MAX_ROWS,
    columns: tuple[Column, ...] | None = None,
) -> PeopleTable:
    """The shown form of run table ``name`` (its view in :data:`TABLE_VIEWS`).

    Args:
        name: the table's name in ``tables/`` (e.g. ``ev_exports_by_company``).
        table: the table as the stage wrote it.
        labels: label language of the run.
        register: evidence numbers (the facts of the shown rows are registered).
        max_rows: rows shown; the rest are counted in ``more_note``.
        columns: the view, for a table :data:`TABLE_VIEWS` does not list
            (default: :data:`GENERIC_COLUMNS`).

    Returns:
        A :class:`PeopleTable`; columns the table lacks are left out.
    """
    view = shown_columns(table, columns or TABLE_VIEWS.get(name, GENERIC_COLUMNS))
    shown = table.head(max_rows)
    headers, numeric, cells = [], [], []
    for column in view:
        unit, column_cells_ = column_cells(shown, column, labels, register)
        headers.append(header(column.header, labels, unit))
        numeric.append(column.kind in NUMERIC_KINDS)
        cells.append(column_cells_)
    n_more = max(len(table) - max_rows, 0)
    more = lab.label("report", "more_rows", labels, n=n_more, name=name) if n_more else ""
    return PeopleTable(
        name=name,
        caption=lab.label("report", f"tbl_{name}", labels),
        headers=headers,
        numeric=numeric,
        rows=[list(r) for r in zip(*cells, strict=True)] if cells else [],
        n_more=n_more,
        more_note=more,
    )


def shown_columns(table: pd.DataFrame, wanted: tuple[Column, ...]) -> list[Column]:
    """The columns of ``wanted`` the table has (evidence from ``fact_id`` when no ``fact_ids``).

    Example:
        >>> t = pd.DataFrame({"entity_name": ["甲"], "fact_id": ["f-1"]})
        >>> [c.source for c in shown_columns(t, (Column("entity_name", "entity"), EVIDENCE))]
        ['entity_name', 'fact_id']
    """
    if "fact_ids" not in table.columns and "fact_id" in table.columns:
        wanted = tuple(Column("fact_id", c.header, c.kind) if c is EVIDENCE else c
                       for c in wanted)  # fmt: skip
    return [c for c in wanted if c.source in table.columns]

"""What the report says first: per topic, the headline figures, conflicts as sentences, counts.

Pure functions over a run's tables (``tables/*.parquet`` as the stages wrote them). Every
sentence is a list of tokens — plain strings and evidence :class:`~helpers.publish.evidence.Link`
objects — so the page can escape the text and link the facts.

Headline rules (one small function per topic, each documented):

* EV exports: China's vehicle exports and NEV exports in the latest period (the longest period
  ending last: a full year before its December), then the top company of the company chart.
* ADAS chips: the leading vendor in the latest period of each scope (up to three scopes).
* Robotaxi fleets: the three largest latest-known fleets, each with its as-of date.

The "what changed since the last run" line is a hook: :func:`changes_sentences` takes the
changes table when a run has one (``tables/changes.parquet``, written by the analyst loop)
and says so plainly when it has none.

Example:
    >>> from helpers.publish.evidence import EvidenceRegister
    >>> c = pd.DataFrame({"entity_id": ["china"] * 2, "entity_name": ["China"] * 2,
    ...     "metric": ["exports"] * 2, "base_metric": ["", ""], "rate_segment": ["", ""],
    ...     "period": ["2025"] * 2, "period_label": ["2025"] * 2, "market": ["world"] * 2,
    ...     "is_projection": [False] * 2, "value": [7098000.0, 8320000.0],
    ...     "unit": ["vehicles"] * 2, "qualifier": ["", ""], "data_source": ["caam", "cpca"],
    ...     "basis_name": ["CAAM", "CPCA"], "is_display": [True, False], "value_group": [0, 1],
    ...     "fact_id": ["f-1", "f-2"], "period_end": pd.to_datetime(["2025-12-31"] * 2)})
    >>> [s] = conflict_sentences(c, TOPICS[0], "en", EvidenceRegister())
    >>> text = "".join(t if isinstance(t, str) else f"[{t.text}]" for t in s)
    >>> figures, what = text.split(" for ")
    >>> figures
    'CAAM 7,098 thousand vehicles [source 1] vs CPCA 8,320 thousand vehicles [source 2]'
    >>> what
    '2025 · China · exports: different bases; CAAM shown'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from helpers import share
from helpers.catalog import texts as lab
from helpers.publish import formats as fmt
from helpers.publish.evidence import EvidenceRegister, Link, links, split_ids, text_tokens

Token = str | Link
Sentence = list[Token]
SEP = " · "
MAX_CONFLICTS_SHOWN = 3  # in a topic's summary; the details section lists every one
MAX_SCOPES = 3
MAX_FLEETS = 3
# Columns of a changes table (issue "analyst loop") read as the sentence of one change.
CHANGE_TEXT_COLUMNS = ("text", "sentence", "description", "change")
PLACEHOLDER_RE = re.compile(r"(\{\w+\})")


@dataclass(frozen=True)
class TopicSpec:
    """A topic of the report: its labels key, stage and the run tables it reads."""

    key: str
    stage: str
    long_table: str
    conflicts_table: str
    keys: tuple[str, ...]


TOPICS = (
    TopicSpec("ev_exports", "04_ev_exports", "ev_exports_long", "ev_exports_conflicts",
              share.prepare.EV_KEYS),
    TopicSpec("chip_share", "05_chip_share", "chip_share_long", "chip_share_conflicts",
              share.prepare.CHIP_KEYS),
    TopicSpec("robotaxi_fleet", "06_robotaxi_fleets", "robotaxi_fleet_long",
              "robotaxi_fleet_conflicts", share.prepare.FLEET_KEYS),
)  # fmt: skip


@dataclass(frozen=True)
class Headline:
    """One headline figure with its period, basis, outlet and the facts behind it."""

    label: str
    figure: str
    period: str
    basis: str
    outlet: str
    links: tuple[Link, ...] = field(default_factory=tuple)


def fill(template: str, **parts: str | list[Token]) -> Sentence:
    """Fill a labels.yaml template whose placeholders may be token lists (text with links).

    Example:
        >>> fill("{a}与{b}", a="甲", b=["乙", "丙"])
        ['甲', '与', '乙', '丙']
    """
    out: Sentence = []
    for piece in PLACEHOLDER_RE.split(template):
        name = piece[1:-1] if PLACEHOLDER_RE.fullmatch(piece) else None
        value = parts.get(name) if name else piece
        if isinstance(value, list):
            out.extend(value)
        elif value:
            out.append(value)
    return out


def _rows(table: pd.DataFrame | None) -> pd.DataFrame:
    return table if isinstance(table, pd.DataFrame) else pd.DataFrame()


def _is_true(series: pd.Series) -> pd.Series:
    return series.fillna(False).astype(bool)


def _outlet(row: pd.Series) -> str:
    outlet = row.get("source_name")
    outlet = outlet if isinstance(outlet, str) else ""
    date = fmt.cell_text(row.get("published_date"))
    return " ".join(p for p in (outlet, date if date != fmt.MISSING else "") if p)


def _row_ids(row: pd.Series) -> list[str]:
    ids = split_ids(row.get("fact_ids"))
    return ids or split_ids(row.get("fact_id"))


def _period_text(row: pd.Series, labels: str) -> str:
    label = row.get("period_label")
    if isinstance(label, str) and label:
        return label
    period = row.get("period")
    return lab.format_period(period, labels) if isinstance(period, str) and period else fmt.MISSING


def headline(
    row: pd.Series, label: str, labels: str, register: EvidenceRegister, period: str = ""
) -> Headline:
    """A :class:`Headline` from one display row (value, unit, qualifier, basis, outlet)."""
    return Headline(
        label=label,
        figure=fmt.figure_text(row["value"], str(row.get("unit") or ""), labels,
                               row.get("qualifier"), row.get("value_high")),
        period=period or _period_text(row, labels),
        basis=fmt.cell_text(row.get("basis_name")),
        outlet=_outlet(row),
        links=tuple(links(_row_ids(row), register, labels)),
    )  # fmt: skip


def _bounds(period: object) -> tuple[pd.Timestamp, pd.Timestamp]:
    """A period's first and last day; NaT for a period that cannot be read (sorted last)."""
    try:
        return share.prepare.period_bounds(str(period))
    except ValueError:
        return pd.NaT, pd.NaT


def latest_row(rows: pd.DataFrame, *, annual: bool = False) -> pd.Series | None:
    """The row of the longest period among those ending last (a year before its December).

    With ``annual``, only calendar-year periods count (the figure a headline quotes).

    Example:
        >>> t = pd.DataFrame({"period": ["2025-12", "2025", "2024"], "v": [1, 2, 3]})
        >>> int(latest_row(t)["v"]), int(latest_row(t, annual=True)["v"])
        (2, 2)
        >>> t = pd.DataFrame({"period": ["2026-01", "2025", ""], "v": [1, 2, 3]})
        >>> int(latest_row(t)["v"]), int(latest_row(t, annual=True)["v"])  # "" 期间无法解读
        (1, 2)
    """
    if annual and not rows.empty:
        rows = rows[rows["period"].astype(str).str.fullmatch(r"\d{4}")]
    if rows.empty:
        return None
    bounds = [_bounds(p) for p in rows["period"]]
    order = pd.DataFrame(
        {"end": [b[1] for b in bounds], "start": [b[0] for b in bounds]}, index=rows.index
    ).sort_values(["end", "start"], ascending=[False, True], na_position="last", kind="stable")
    return rows.loc[order.index[0]]


def _china_world(long: pd.DataFrame, metric: str) -> pd.DataFrame:
    if long.empty or "is_display" not in long:
        return long
    rows = long[_is_true(long["is_display"]) & (long["metric"] == metric)]
    rows = rows[(rows["entity_id"] == "china") & (rows["market"] == share.prepare.WORLD)]
    rows = rows[pd.to_numeric(rows["value"], errors="coerce").notna()]
    if "is_projection" in rows:
        rows = rows[~_is_true(rows["is_projection"])]
    return rows


def _cell_ids(long: pd.DataFrame, row: pd.Series, keys: tuple[str, ...]) -> str:
    """Fact ids of the facts that agree with a display row (same cell, same value group)."""
    same = pd.Series(True, index=long.index)
    for key in (k for k in keys if k in long):
        same &= long[key].astype(str) == str(row.get(key))
    if "value_group" in long:
        same &= long["value_group"] == row.get("value_group")
    return ";".join(long.loc[same, "fact_id"].astype(str))


def ev_headlines(
    tables: dict[str, pd.DataFrame], labels: str, register: EvidenceRegister
) -> list[Headline]:
    """China's exports, NEV exports and the top company of the company chart.

    Exports: the latest calendar year, and the latest period when it ends later; NEV exports:
    the latest calendar year.
    """
    long = _rows(tables.get("ev_exports_long"))
    total = _china_world(long, "exports")
    picks = [
        ("total_exports", latest_row(total, annual=True)),
        ("total_exports", latest_row(total)),
        ("nev_exports", latest_row(_china_world(long, "nev_exports"), annual=True)),
    ]
    out, seen = [], set()
    for key, row in picks:
        if row is None or row.name in seen:
            continue
        seen.add(row.name)
        row = row.copy()
        row["fact_ids"] = _cell_ids(long, row, share.prepare.EV_KEYS)
        out.append(headline(row, lab.label("report", key, labels), labels, register))
    top = top_company(_rows(tables.get("ev_exports_by_company")))
    if top is not None:
        name = fmt.cell_text(top.get("entity_name"))
        label = lab.label("report", "top_exporter", labels, entity=name)
        out.append(headline(top, label, labels, register))
    return out


def largest(rows: pd.DataFrame) -> pd.Series | None:
    """The row with the largest value (rows without a number ignored); None if there is none.

    Example:
        >>> largest(pd.DataFrame({"value": [float("nan"), 3.0, 7.0], "k": ["甲", "乙", "丙"]}))["k"]
        '丙'
        >>> largest(pd.DataFrame({"value": [float("nan")]})) is None
        True
    """
    values = pd.to_numeric(rows["value"], errors="coerce").dropna() if "value" in rows else None
    if values is None or values.empty:
        return None
    return rows.loc[values.idxmax()]


def top_company(companies: pd.DataFrame) -> pd.Series | None:
    """The largest named company of the group the company chart shows (most companies).

    Example:
        >>> t = pd.DataFrame({"entity_id": ["chery", "byd", "others"], "metric": ["exports"] * 3,
        ...     "period": ["2025"] * 3, "data_source": ["caam"] * 3,
        ...     "value": [9.0, 7.0, 20.0], "is_remainder": [False, False, True],
        ...     "period_end": pd.to_datetime(["2025-12-31"] * 3)})
        >>> top_company(t)["entity_id"]
        'chery'
    """
    if companies.empty:
        return None
    named = companies[~_is_true(companies.get("is_remainder", pd.Series(False, companies.index)))]
    named = named[named["entity_id"] != share.prepare.OTHERS_ID]
    cols = ["metric", "period", "data_source"]
    key = share.notes.pick_chart_group(named, cols, min_rows=1)
    if key is None:
        return None
    group = named[(named[cols].astype(str) == [str(k) for k in key]).all(axis=1)]
    return largest(group)


def chip_headlines(
    tables: dict[str, pd.DataFrame], labels: str, register: EvidenceRegister
) -> list[Headline]:
    """The leading vendor of each scope in its latest period (latest scopes first, three)."""
    shares = _rows(tables.get("chip_share_by_vendor"))
    if shares.empty:
        return []
    named = shares[~shares["vendor_id"].astype(str).str.contains(r"\+|^others$", regex=True)]
    leaders = []
    for _, rows in named.groupby("scope", sort=False):
        latest = rows[rows["period_end"] == rows["period_end"].max()]
        leader = largest(latest if not latest.empty else rows)
        if leader is not None:
            leaders.append(leader)
    leaders.sort(key=lambda r: (pd.Timestamp(r["period_end"]) if pd.notna(r["period_end"]) else
                                pd.Timestamp.min, float(r["value"])), reverse=True)  # fmt: skip
    out = []
    for row in leaders[:MAX_SCOPES]:
        scope = lab.label("scopes", str(row["scope"]), labels)
        name = fmt.cell_text(row.get("entity_name"))
        label = lab.label("report", "scope_leader", labels, scope=scope, entity=name)
        out.append(headline(row, label, labels, register))
    return out


def fleet_headlines(
    tables: dict[str, pd.DataFrame], labels: str, register: EvidenceRegister
) -> list[Headline]:
    """The three largest latest-known Robotaxi fleets, each dated by its as-of date."""
    latest = _rows(tables.get("robotaxi_fleet_latest"))
    if latest.empty:
        return []
    out = []
    latest = latest[pd.to_numeric(latest["value"], errors="coerce").notna()]
    for _, row in latest.sort_values("value", ascending=False).head(MAX_FLEETS).iterrows():
        name = fmt.cell_text(row.get("entity_name"))
        as_of = lab.format_period(str(row.get("as_of_date") or ""), labels)
        period = lab.label("text", "as_of", labels, date=as_of) if as_of else ""
        label = lab.label("report", "fleet", labels, entity=name)
        out.append(headline(row, label, labels, register, period=period))
    return out


HEADLINES = {"ev_exports": ev_headlines, "chip_share": chip_headlines,
             "robotaxi_fleet": fleet_headlines}  # fmt: skip


# --- conflicts as sentences ------------------------------------------------------------------


def _what(row: pd.Series, labels: str) -> str:
    """``2025年 · 中国 · 出口量`` (market and scope added when they narrow the cell)."""
    metric = lab.label("metrics", str(row.get("metric")), labels)
    base = row.get("base_metric")
    if isinstance(base, str) and base and row.get("metric") in share.prepare.RATE_METRICS:
        base_name = lab.label("metrics", base, labels)
        metric = lab.label("report", "rate_of", labels, base=base_name, metric=metric)
    parts = [fmt.cell_text(row.get("period_label")), fmt.cell_text(row.get("entity_name")), metric]
    market = row.get("market")
    if isinstance(market, str) and market not in share.prepare.HOME_MARKETS:
        parts.append(fmt.cell_text(row.get("market_name")))
    if isinstance(row.get("scope"), str):
        parts.append(lab.label("scopes", row["scope"], labels))
    return SEP.join(p for p in parts if p and p != fmt.MISSING)


def _group_figure(group: pd.DataFrame, labels: str, register: EvidenceRegister) -> Sentence:
    head = group.iloc[0]
    bases = "/".join(dict.fromkeys(fmt.cell_text(b) for b in group["basis_name"]))
    figure = fmt.figure_text(head["value"], str(head.get("unit") or ""), labels,
                             head.get("qualifier"), head.get("value_high"))  # fmt: skip
    return [f"{bases} {figure} ", *links(group["fact_id"].astype(str), register, labels)]


def conflict_sentence(cell: pd.DataFrame, labels: str, register: EvidenceRegister) -> Sentence:
    """One conflicting cell as a sentence: each figure with its basis and links, the reason.

    ``cell`` holds every fact of the cell with ``value_group`` and ``is_display``.
    """
    cell = cell.sort_values("is_display", ascending=False, kind="stable")
    groups = [g for _, g in cell.groupby("value_group", sort=False)]
    figures: Sentence = []
    for i, group in enumerate(groups):
        if i:
            figures.append(lab.label("report", "versus", labels))
        figures.extend(_group_figure(group, labels, register))
    shown = set(groups[0]["data_source"].astype(str))
    other = {b for g in groups[1:] for b in g["data_source"].astype(str)}
    reason = "same_basis" if other <= shown else "different_bases"
    shown_basis = "/".join(dict.fromkeys(fmt.cell_text(b) for b in groups[0]["basis_name"]))
    return fill(
        lab.label("report", "conflict_sentence", labels),
        what=_what(cell.iloc[0], labels),
        figures=figures,
        reason=lab.label("report", reason, labels),
        shown=shown_basis,
    )


def conflict_sentences(
    conflicts: pd.DataFrame, topic: TopicSpec, labels: str, register: EvidenceRegister
) -> list[Sentence]:
    """Every conflicting cell of a topic as a sentence, latest period first."""
    if conflicts is None or conflicts.empty or "value_group" not in conflicts:
        return []
    keys = [k for k in topic.keys if k in conflicts]
    cells = [g for _, g in conflicts.groupby(keys, sort=False, dropna=False)]
    end = "period_end" if "period_end" in conflicts else None
    cells.sort(key=lambda g: (g[end].max() if end else pd.NaT, len(g)), reverse=True)
    return [conflict_sentence(cell, labels, register) for cell in cells]


# --- counts: findings, review queue, changes --------------------------------------------------


def _of_topic(table: pd.DataFrame | None, topic: str) -> pd.DataFrame:
    table = _rows(table)
    if table.empty or "topic" not in table:
        return table
    return table[table["topic"].astype(str) == topic]


def findings_lines(findings: pd.DataFrame | None, topic: str, labels: str) -> list[str]:
    """The topic's data findings: the total, then one count per rule.

    Example:
        >>> f = pd.DataFrame({"topic": ["ev_exports"] * 2, "rule": ["conflicting_figures"] * 2})
        >>> findings_lines(f, "ev_exports", "zh-Hans")
        ['2 项数据问题，相关数字未进入图表', '同一单元格有不同数字：2 项']
    """
    rows = _of_topic(findings, topic)
    if rows.empty:
        return [lab.label("text", "findings_none", labels)]
    lines = [lab.label("text", "findings_count", labels, n=len(rows))]
    for rule, n in rows["rule"].value_counts().sort_index().items():
        name = lab.label("findings", str(rule), labels)
        lines.append(lab.label("report", "findings_rule", labels, rule=name, n=int(n)))
    return lines


def review_line(review: pd.DataFrame | None, topic: str | None, labels: str) -> str:
    """The review queue's count (of one topic, or all), or that this run has no queue.

    Example:
        >>> review_line(None, "ev_exports", "en")
        'No review queue in this run.'
        >>> review_line(pd.DataFrame({"topic": ["ev_exports"]}), "ev_exports", "en")
        '1 facts await review and are not charted'
    """
    if review is None:
        return lab.label("report", "review_absent", labels)
    rows = _of_topic(review, topic) if topic else review
    if rows.empty:
        return lab.label("report", "review_none", labels)
    return lab.label("report", "review_count", labels, n=len(rows))


def changes_sentences(
    changes: pd.DataFrame | None, topic: str | None, labels: str, register: EvidenceRegister
) -> list[Sentence]:
    """HOOK for "what changed since the last run": one sentence per change of the topic.

    Contract with the analyst loop (its ``tables/changes.parquet``): one row per change, a
    ``topic`` column (rows without one belong to every topic) and the sentence in the first
    of :data:`CHANGE_TEXT_COLUMNS` present; fact ids in the text or in ``fact_ids`` become
    evidence links. Until that table exists (``changes`` is None), a placeholder sentence.

    Example:
        >>> changes_sentences(None, "ev_exports", "en", EvidenceRegister())
        [['Not compared with the last run yet (to be wired in).']]
    """
    if changes is None:
        return [[lab.label("report", "changes_placeholder", labels)]]
    rows = changes
    if topic and "topic" in rows:
        rows = rows[rows["topic"].fillna("").astype(str).isin([topic, ""])]
    column = next((c for c in CHANGE_TEXT_COLUMNS if c in rows), None)
    if rows.empty or column is None:
        return [[lab.label("report", "changes_none", labels)]]
    out = []
    for _, row in rows.iterrows():
        sentence = text_tokens(fmt.cell_text(row[column]), register, labels)
        ids = split_ids(row.get("fact_ids"))
        out.append([*sentence, " ", *links(ids, register, labels)] if ids else sentence)
    return out

"""What changed since the previous good run: new facts, moved values and ranks, findings.

Each run compares its display tables (``reports/<run>/tables/*.parquet``) with those of the
previous good run (the one ``reports/latest`` pointed at when the run started, recorded as
``previous_run`` in its manifest) and writes ``tables/changes.csv`` + parquet, one row per
change (:data:`CHANGE_COLUMNS`):

- ``new_fact`` / ``gone_fact``: a fact id behind a topic table that the other run lacks (ids
  are stable across runs, :mod:`helpers.facts.ids`);
- ``value_changed``: a table cell whose display value differs (both values, both runs' facts
  and the articles behind them);
- ``new_cell`` / ``gone_cell``: a cell only one run has;
- ``rank_changed``: a cell that moved within its ranking (``detail`` says "new #1" when a new
  leader took the top, e.g. a new #1 exporter);
- ``new_snapshot``: a Robotaxi fleet figure at an as-of date the previous run did not have;
- ``finding_new`` / ``finding_gone``: data findings that appeared or went away;
- ``first_run``: a single row when there is no previous run.

:func:`report_rows` turns the table (and the corrections log) into the sentences each topic's
summary in ``report.html`` shows; :func:`slide_lines` into the deck's slide.

Example:
    >>> cur = {"ev_exports_long": pd.DataFrame({"fact_id": ["f-1", "f-2"],
    ...     "article_id": ["a", "b"], "entity_name": ["比亚迪", "奇瑞"], "value": [1.0, 2.0]})}
    >>> old = {"ev_exports_long": cur["ev_exports_long"].head(1)}
    >>> compare_runs(cur, old)[["change", "cell", "new_fact_ids"]].values.tolist()
    [['new_fact', '奇瑞', 'f-2']]
    >>> compare_runs(cur, None)["change"].tolist()
    ['first_run']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.catalog import corrections as cor
from helpers.catalog import texts as lab
from helpers.core import findings as fnd
from helpers.core import io

CHANGE_COLUMNS = (
    "change", "topic", "table", "cell", "old_value", "new_value", "unit", "old_rank",
    "new_rank", "old_fact_ids", "new_fact_ids", "article_ids", "detail",
)  # fmt: skip
# Order in which changes are listed (the report and the slide show the first ones).
KIND_ORDER = ("first_run", "rank_changed", "value_changed", "new_snapshot", "new_cell",
              "gone_cell", "finding_new", "finding_gone", "new_fact", "gone_fact")  # fmt: skip
# Columns that name a cell for a reader, in this order, when a table has them.
LABEL_COLUMNS = ("entity_name", "market_name", "scope", "measure", "metric", "period_label",
                 "as_of_date", "basis_name")  # fmt: skip
TABLE_NAME = "changes"
MAX_SLIDE_LINES = 10
ARTICLE_SEP = ";"


@dataclass(frozen=True)
class DisplayTable:
    """A display table compared cell by cell: its topic, key, value and ranking groups."""

    topic: str
    keys: tuple[str, ...]
    value: str = "value"
    rank_by: tuple[str, ...] | None = None  # group columns of a ranking (None: not ranked)


CHIP_KEYS = ("vendor_id", "metric", "period", "market", "scope", "measure", "data_source")
DISPLAY_TABLES = {
    "ev_exports_by_company": DisplayTable(
        "ev_exports", ("entity_id", "metric", "period", "market", "data_source"),
        rank_by=("metric", "period", "market", "data_source"),
    ),
    "ev_exports_by_market": DisplayTable(
        "ev_exports", ("market", "period", "data_source"), rank_by=("period", "data_source")
    ),
    "ev_exports_nev_split": DisplayTable("ev_exports", ("period", "data_source"), "nev_share_pct"),
    "ev_exports_brand_share": DisplayTable(
        "ev_exports", ("entity_id", "market", "period", "data_source")
    ),
    "chip_share_by_vendor": DisplayTable("chip_share", CHIP_KEYS, rank_by=CHIP_KEYS[1:]),
    "chip_units_installed": DisplayTable("chip_share", CHIP_KEYS),
    "robotaxi_fleet_latest": DisplayTable("robotaxi_fleet", ("entity_id",), rank_by=()),
    "robotaxi_fleet_targets": DisplayTable(
        "robotaxi_fleet", ("entity_id", "period", "market", "segment")
    ),
}  # fmt: skip
LONG_TABLES = {"ev_exports_long": "ev_exports", "chip_share_long": "chip_share",
               "robotaxi_fleet_long": "robotaxi_fleet"}  # fmt: skip
SNAPSHOTS = ("robotaxi_fleet_timeline", ("entity_id", "metric", "as_of_date", "market", "segment"))
FINDINGS_TABLE = fnd.COMBINED_NAME
# Rows that stand for "everyone else" in a ranking; never ranked themselves.
REMAINDER_IDS = frozenset({"others"})


# --- loading ---------------------------------------------------------------------------------


def previous_run_dir(run_dir: str | Path) -> Path | None:
    """The previous good run of ``run_dir``: its manifest's ``previous_run``, else ``latest``.

    An interactive run (``reports/interactive``, no manifest) compares with ``reports/latest``.

    Example:
        >>> previous_run_dir("/nonexistent/reports/interactive") is None
        True
    """
    run_dir = Path(run_dir)
    manifest = run_dir / "manifest.json"
    if manifest.exists():
        name = io.read_json(manifest).get("previous_run")
        found = run_dir.parent / name if name else None
    else:
        latest = run_dir.parent / "latest"
        found = latest.resolve() if latest.exists() else None
    if found is None or not found.is_dir() or found.resolve() == run_dir.resolve():
        return None
    return found


def load_run_tables(run_dir: str | Path | None) -> dict[str, pd.DataFrame] | None:
    """The tables a comparison reads from ``run_dir/tables`` (those present); None for no run."""
    if run_dir is None:
        return None
    folder = Path(run_dir) / "tables"
    names = [*DISPLAY_TABLES, *LONG_TABLES, SNAPSHOTS[0], FINDINGS_TABLE]
    return {n: io.read_table(folder / f"{n}.parquet") for n in names
            if (folder / f"{n}.parquet").exists()}  # fmt: skip


# --- comparing (pure) ------------------------------------------------------------------------


def _cell_label(row: pd.Series, labels: str) -> str:
    """The cell as a reader names it: display names in the label language, then the period.

    Example:
        >>> _cell_label(pd.Series({"entity_name": "奇瑞", "metric": "exports"}), "zh-Hans")
        '奇瑞 · 出口量'
    """
    parts = []
    for c in LABEL_COLUMNS:
        if c in row.index and _text(row[c]):
            parts.append(lab.label("metrics", row[c], labels) if c == "metric" else str(row[c]))
    return " · ".join(dict.fromkeys(parts))


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _row(change: str, topic: str, table: str, **fields: object) -> dict:
    row = dict.fromkeys(CHANGE_COLUMNS, "")
    row.update(change=change, topic=topic, table=table)
    row.update({k: v for k, v in fields.items() if k in row})
    return row


def _ids(cell: object) -> list[str]:
    return [i for i in _text(cell).split(";") if i]


def _articles(ids: list[str], facts: dict[str, str]) -> str:
    return ARTICLE_SEP.join(dict.fromkeys(facts[i] for i in ids if i in facts))


def _fact_articles(*runs: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Map fact id -> article id over the long tables of the runs given."""
    out: dict[str, str] = {}
    for tables in runs:
        for name in LONG_TABLES:
            t = tables.get(name)
            if t is not None and not t.empty:
                out.update(zip(t["fact_id"].astype(str), t["article_id"].astype(str), strict=True))
    return out


def fact_changes(current: dict, previous: dict, labels: str) -> list[dict]:
    """``new_fact`` / ``gone_fact`` rows from the long tables of two runs."""
    rows = []
    for name, topic in LONG_TABLES.items():
        new, old = current.get(name), previous.get(name)
        new = new if new is not None else pd.DataFrame(columns=["fact_id"])
        old = old if old is not None else pd.DataFrame(columns=["fact_id"])
        for kind, side, other in (("new_fact", new, old), ("gone_fact", old, new)):
            gone = side[~side["fact_id"].isin(set(other["fact_id"]))]
            ids_col = "new_fact_ids" if kind == "new_fact" else "old_fact_ids"
            val_col = "new_value" if kind == "new_fact" else "old_value"
            for _, r in gone.iterrows():
                fields = {val_col: r.get("value", ""), ids_col: r["fact_id"]}
                rows.append(_row(kind, topic, name, cell=_cell_label(r, labels),
                                 unit=_text(r.get("unit")),
                                 article_ids=_text(r.get("article_id")), **fields))  # fmt: skip
    return rows


def _keyed(table: pd.DataFrame | None, spec: DisplayTable) -> pd.DataFrame:
    """A display table indexed by its key (cells without the key columns are left out)."""
    if table is None or table.empty or not set(spec.keys) <= set(table.columns):
        return pd.DataFrame()
    parts = [table[k].map(_text) for k in spec.keys]
    keyed = table.assign(_key=["\x1f".join(p) for p in zip(*parts, strict=True)])
    return keyed.drop_duplicates("_key").set_index("_key")


def _ranks(table: pd.DataFrame, spec: DisplayTable) -> pd.Series:
    """1-based rank of each cell by value within its group (remainders unranked)."""
    if spec.rank_by is None or table.empty:
        return pd.Series(dtype="Int64")
    ident = spec.keys[0]
    ranked = table[~table[ident].isin(REMAINDER_IDS)]
    if "is_remainder" in ranked:
        ranked = ranked[~ranked["is_remainder"].fillna(False).astype(bool)]
    groups = [ranked[c].map(_text) for c in spec.rank_by] or [pd.Series("", index=ranked.index)]
    ranks = ranked.groupby(groups)[spec.value].rank(method="min", ascending=False)
    return ranks.astype("Int64")


def cell_changes(name: str, spec: DisplayTable, current: pd.DataFrame | None,
                 previous: pd.DataFrame | None, facts: dict[str, str],
                 labels: str) -> list[dict]:  # fmt: skip
    """Value, new/gone cell and rank changes of one display table."""
    new, old = _keyed(current, spec), _keyed(previous, spec)
    if new.empty and old.empty:
        return []
    new_rank, old_rank = _ranks(new, spec), _ranks(old, spec)
    rows = []
    for key in [*new.index, *(k for k in old.index if k not in new.index)]:
        rows += _cell_rows(name, spec, key, (new, old), (new_rank, old_rank), facts, labels)
    return rows


# NOTE: complexity 11: one branch per kind of cell change (new, gone, value, rank, new #1).
def _cell_rows(name: str, spec: DisplayTable, key: str,
               tables: tuple[pd.DataFrame, pd.DataFrame], ranks: tuple[pd.Series, pd.Series],
               facts: dict[str, str], labels: str) -> list[dict]:  # fmt: skip
    new, old = tables
    n = new.loc[key] if key in new.index else None
    o = old.loc[key] if key in old.index else None
    base = n if n is not None else o
    nr, orank = ranks[0].get(key), ranks[1].get(key)
    common = {
        "cell": _cell_label(base, labels), "unit": _text(base.get("unit")),
        "new_value": "" if n is None else _text(n.get(spec.value)),
        "old_value": "" if o is None else _text(o.get(spec.value)),
        "new_fact_ids": "" if n is None else _text(n.get("fact_ids")),
        "old_fact_ids": "" if o is None else _text(o.get("fact_ids")),
        "new_rank": "" if pd.isna(nr) else int(nr),
        "old_rank": "" if pd.isna(orank) else int(orank),
    }  # fmt: skip
    ids = _ids(common["new_fact_ids"]) + _ids(common["old_fact_ids"])
    common["article_ids"] = _articles(ids, facts)
    leader = "new #1" if common["new_rank"] == 1 and common["old_rank"] != 1 else ""
    if o is None:
        return [_row("new_cell", spec.topic, name, detail=leader, **common)]
    if n is None:
        return [_row("gone_cell", spec.topic, name, **common)]
    rows = []
    if not _same_value(common["old_value"], common["new_value"]):
        rows.append(_row("value_changed", spec.topic, name, **common))
    if common["new_rank"] != common["old_rank"] and common["old_rank"] != "":
        rows.append(_row("rank_changed", spec.topic, name, detail=leader, **common))
    return rows


def _same_value(a: object, b: object) -> bool:
    """Equal numbers (to rounding), both missing, or equal texts.

    Example:
        >>> _same_value(float("nan"), None), _same_value(7098000.0, 7098000), _same_value(1, 2)
        (True, True, False)
    """
    if _text(a) == "" and _text(b) == "":
        return True
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    except (TypeError, ValueError):
        return _text(a) == _text(b)


def snapshot_changes(current: dict, previous: dict, facts: dict[str, str],
                     labels: str) -> list[dict]:  # fmt: skip
    """``new_snapshot`` rows: fleet figures at as-of dates the previous run did not have."""
    name, keys = SNAPSHOTS
    spec = DisplayTable("robotaxi_fleet", keys)
    new, old = _keyed(current.get(name), spec), _keyed(previous.get(name), spec)
    rows = []
    for key in (k for k in new.index if k not in old.index):
        r = new.loc[key]
        ids = _text(r.get("fact_ids"))
        rows.append(_row("new_snapshot", spec.topic, name, cell=_cell_label(r, labels),
                         new_value=r.get("value", ""), unit=_text(r.get("unit")),
                         new_fact_ids=ids, article_ids=_articles(_ids(ids), facts)))  # fmt: skip
    return rows


def finding_changes(current: dict, previous: dict) -> list[dict]:
    """``finding_new`` / ``finding_gone`` rows (a finding is its stage, rule and facts)."""
    key = ["stage", "rule", "fact_ids"]
    empty = fnd.new_findings()
    new, old = current.get(FINDINGS_TABLE, empty), previous.get(FINDINGS_TABLE, empty)
    rows = []
    for kind, side, other in (("finding_new", new, old), ("finding_gone", old, new)):
        seen = set(map(tuple, other[key].astype(str).values.tolist()))
        for _, r in side.iterrows():
            if tuple(str(r[k]) for k in key) in seen:
                continue
            ids = "new_fact_ids" if kind == "finding_new" else "old_fact_ids"
            rows.append(_row(kind, str(r["topic"]), FINDINGS_TABLE, cell=str(r["rule"]),
                             detail=str(r["detail"]), **{ids: str(r["fact_ids"])}))  # fmt: skip
    return rows


def compare_runs(current: dict[str, pd.DataFrame], previous: dict[str, pd.DataFrame] | None,
                 labels: str = "zh-Hans") -> pd.DataFrame:  # fmt: skip
    """Every change between two runs' tables (:data:`CHANGE_COLUMNS`), most telling first.

    Args:
        current: this run's tables by name (:func:`load_run_tables`).
        previous: the previous good run's, or None on a first run.
        labels: label language of the ``cell`` texts.

    Returns:
        The changes table; one ``first_run`` row when there is no previous run.
    """
    if previous is None:
        return pd.DataFrame([_row("first_run", "", "")], columns=list(CHANGE_COLUMNS)).astype(str)
    facts = _fact_articles(current, previous)
    rows = []
    for name, spec in DISPLAY_TABLES.items():
        rows += cell_changes(name, spec, current.get(name), previous.get(name), facts, labels)
    rows += snapshot_changes(current, previous, facts, labels)
    rows += finding_changes(current, previous)
    rows += fact_changes(current, previous, labels)
    out = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    out = out.assign(_o=out["change"].map(order), _lead=out["detail"] != "new #1")
    out = out.sort_values(["_o", "_lead", "topic", "table"], kind="stable")
    return out.drop(columns=["_o", "_lead"]).reset_index(drop=True).astype(str)


# --- showing ---------------------------------------------------------------------------------


def _kind_label(row: pd.Series, labels: str) -> str:
    if row["detail"] == "new #1":
        return lab.label("changes", "new_leader", labels)
    key = "first_run_kind" if row["change"] == "first_run" else row["change"]
    return lab.label("changes", key, labels)


def _number(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return value
    return f"{number:,.0f}" if abs(number) >= 100 else f"{number:g}"


def _values_text(r: pd.Series) -> str:
    """``old → new`` (a rank move: the value and ``#old → #new``)."""
    if r["change"] == "rank_changed":
        return f"{_number(r['new_value'])} #{r['old_rank']} → #{r['new_rank']}"
    return " → ".join(_number(v) for v in (r["old_value"], r["new_value"]) if v != "")


def change_lines(changes: pd.DataFrame, labels: str, limit: int = MAX_SLIDE_LINES) -> list[str]:
    """One sentence per change (for the deck slide), the first ``limit`` of them.

    Example:
        >>> c = pd.DataFrame([{**dict.fromkeys(CHANGE_COLUMNS, ""), "change": "value_changed",
        ...     "cell": "比亚迪 · 2025年", "old_value": "1000000.0", "new_value": "1050000.0"}])
        >>> change_lines(c, "zh-Hans")
        ['数值变化：比亚迪 · 2025年 1,000,000 → 1,050,000']
    """
    if changes.empty:
        return [lab.label("changes", "none", labels)]
    if (changes["change"] == "first_run").all():
        return [lab.label("changes", "first_run", labels)]
    lines = []
    for _, r in changes.head(limit).iterrows():
        lines.append(f"{_kind_label(r, labels)}：{r['cell']} {_values_text(r)}".rstrip())
    if len(changes) > limit:
        lines.append(lab.label("changes", "more", labels, n=len(changes) - limit))
    return lines


def corrections_lines(log: pd.DataFrame, labels: str) -> list[str]:
    """Counts of the corrections log by status, then one line per stale or invalid one.

    Example:
        >>> corrections_lines(cor.new_log(), "en")
        []
    """
    if log.empty:
        return []
    sep = lab.label("text", "list_sep", labels)
    parts = sep.join(f"{lab.label('changes', 'status_' + s, labels)} {n}"
                     for s, n in log["status"].value_counts().sort_index().items())  # fmt: skip
    lines = [lab.label("changes", "corrections", labels, n=len(log), parts=parts)]
    bad = log[log["status"].isin(["stale", "invalid"])]
    lines += [f"· {r.correction_id} {r.action} {r.target}: {r.detail}" for r in bad.itertuples()]
    return lines


def slide_lines(changes: pd.DataFrame, log: pd.DataFrame, labels: str) -> list[str]:
    """The "What changed" slide: the first changes, the corrections count, a few stale ones.

    Example:
        >>> slide_lines(compare_runs({}, None), cor.new_log(), "en")
        ['First run: there is no previous run to compare with.']
    """
    corrections = corrections_lines(log, labels)
    extra = len(corrections) - 1 - MAX_SLIDE_LINES // 2
    if extra > 0:  # the stale ones past the first few: the report and the log list them all
        corrections = corrections[: 1 + MAX_SLIDE_LINES // 2]
        corrections.append(lab.label("changes", "more_corrections", labels, n=extra))
    return change_lines(changes, labels) + corrections


MAX_SUMMARY_ROWS = 5  # changes per topic in the report's summary; the tables section lists more


def _change_sentence(row: pd.Series, labels: str) -> str:
    if row["change"] == "first_run":  # nothing to compare: say so in a whole sentence
        return lab.label("changes", "first_run", labels)
    return (
        f"{_kind_label(row, labels)}：{row['cell'] or row['detail']} {_values_text(row)}".rstrip()
    )


def report_rows(changes: pd.DataFrame, log: pd.DataFrame, labels: str) -> pd.DataFrame:
    """The changes as the report's summary reads them: ``topic``, ``text``, ``fact_ids``.

    The first :data:`MAX_SUMMARY_ROWS` changes of each topic (most telling first), a line
    saying how many more are in ``tables/changes.csv``, and the corrections log's counts and
    stale corrections (no topic: shown once, under every topic's "what changed").

    Example:
        >>> c = pd.DataFrame([{**dict.fromkeys(CHANGE_COLUMNS, ""), "change": "new_fact",
        ...     "topic": "ev_exports", "cell": "比亚迪 · 2025年", "new_fact_ids": "f-1"}])
        >>> report_rows(c, cor.new_log(), "zh-Hans").values.tolist()
        [['ev_exports', '新事实：比亚迪 · 2025年', 'f-1']]
    """
    rows = []
    for topic, group in changes.groupby("topic", sort=False):
        for _, r in group.head(MAX_SUMMARY_ROWS).iterrows():
            ids = r["new_fact_ids"] or r["old_fact_ids"]
            rows.append({"topic": topic, "text": _change_sentence(r, labels), "fact_ids": ids})
        if len(group) > MAX_SUMMARY_ROWS:
            more = lab.label("changes", "more", labels, n=len(group) - MAX_SUMMARY_ROWS)
            rows.append({"topic": topic, "text": more, "fact_ids": ""})
    rows += [{"topic": "", "text": line.lstrip("· "), "fact_ids": ""}
             for line in corrections_lines(log, labels)]  # fmt: skip
    return pd.DataFrame(rows, columns=["topic", "text", "fact_ids"]).astype(str)


def load_report_rows(run_dir: str | Path, labels: str) -> pd.DataFrame | None:
    """:func:`report_rows` of a run's written tables (None when no changes table was written)."""
    tables = Path(run_dir) / "tables"
    if not (tables / f"{TABLE_NAME}.parquet").exists():
        return None
    changes = io.read_table(tables / f"{TABLE_NAME}.parquet")
    log_path = tables / f"{cor.COMBINED_LOG}.parquet"
    log = io.read_table(log_path) if log_path.exists() else cor.new_log()
    rows = report_rows(changes, log, labels)
    previous = previous_run_dir(run_dir)
    if previous is None:
        return rows
    since = lab.label("changes", "since", labels, run=previous.name)  # which run, stated once
    return pd.concat([pd.DataFrame([{"topic": "", "text": since, "fact_ids": ""}]), rows],
                     ignore_index=True)  # fmt: skip

"""The fact explorer of ``notebooks/explore.ipynb``: browse, trace and correct a run's facts.

It opens the latest good run (``data/processed`` and ``reports/latest``) and answers, for any
fact: which article (title, outlet, date, source file and line) and sentence it comes from,
with the exact character span highlighted; which other facts compete for the same table cell
(conflicts, with their bases); which copies of the article make up its story; which charts draw
it. From a row of a chart's CSV it goes back to that row's facts. A reviewer can reject a
fact or set its value from there: the decision goes to ``data/corrections/`` exactly as
``python -m helpers correct`` writes it, and the next run applies it.

The data functions are pure and tested without a browser; :func:`build_explorer` wires them
to widgets.

NOTE: ipywidgets (Project Jupyter's own widget library, the ``jupyterlab_widgets`` extension
ships prebuilt in the wheel): the explorer needs Python callbacks on selection (show the
article, write a correction), which ipywidgets gives with plain Python and no front-end
build; itables shows tables but reports selections back to Python only through its own
anywidget-based widget, and anywidget would mean writing and testing our own JavaScript.
The widget code imports ipywidgets lazily, so the pipeline never needs it.

Example:
    >>> html = highlight_html("2025年出口634.3万辆。", 7, 14)
    >>> html
    '2025年出口<mark class="fact-span">634.3万辆</mark>。'
"""

from __future__ import annotations

import html as htmllib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.catalog import corrections as cor
from helpers.catalog import texts as lab
from helpers.core import io
from helpers.share import prepare

LONG_TABLES = ("ev_exports_long", "chip_share_long", "robotaxi_fleet_long")
CELL_KEYS = {"ev_exports": prepare.EV_KEYS, "chip_share": prepare.CHIP_KEYS,
             "robotaxi_fleet": prepare.FLEET_KEYS}  # fmt: skip
ARTICLE_COLUMNS = (
    "article_id", "title", "source_name", "published_date", "source_file", "source_line", "url",
    "cluster_id", "is_canonical", "dup_rule", "similarity",
)  # fmt: skip
# Filters offered, in this order: column of the facts view -> label.
FILTERS = {
    "topic": "topic", "entity_name": "entity", "metric": "metric", "period": "period",
    "market": "market", "data_source": "data source", "confidence": "confidence",
    "review": "review status",
}  # fmt: skip
ANY = "(all)"
MAX_LISTED = 300  # facts listed at once; the count says how many more match
MAX_TABLE_ROWS = 20  # rows of a same-cell or story table in a fact's detail
EDITABLE = ("value", "unit", "entity_id", "metric", "period", "market", "data_source")
CONTEXT_CHARS = 160  # article text shown on each side of the fact's sentence
APPROX = frozenset({"approx", "over", "under"})
LOW_QUALITY = 0.8


@dataclass
class ExplorerData:
    """A run loaded for exploring (see :func:`load_explorer`)."""

    facts: pd.DataFrame  # one row per fact, article columns and review state joined
    articles: pd.DataFrame  # articles_dedup without bodies, indexed by article_id (+ "part")
    long: pd.DataFrame  # every topic's long table (cells, display flags, bases)
    charts: dict[str, dict] = field(default_factory=dict)  # stem -> sidecar + "rows"
    corrections_dir: Path | None = None
    processed_dir: Path | None = None
    run_dir: Path | None = None
    load_seconds: float = 0.0


def confidence(facts: pd.DataFrame) -> pd.Series:
    """How far a figure can be trusted as read: ``low``, ``check`` or ``high``.

    NOTE: low = a data finding or garbled text (quality below 0.8); check = a period guessed
    from an undated article, an approximate figure (约, 超, 不到), a cell with conflicting
    figures, or slightly garbled text; high otherwise. It ranks what to review first; it is
    no probability.

    Example:
        >>> f = pd.DataFrame({"finding": ["", "", ""], "quality_score": [1.0, 1.0, 0.5],
        ...     "period_inferred": [False, True, False], "qualifier": ["", "", ""]})
        >>> confidence(f).tolist()
        ['high', 'check', 'low']
    """

    def col(name: str, default: object) -> pd.Series:
        return facts[name] if name in facts else pd.Series(default, index=facts.index)

    quality = pd.to_numeric(col("quality_score", 1.0), errors="coerce").fillna(1.0)
    low = (col("finding", "").fillna("").astype(str) != "") | (quality < LOW_QUALITY)
    check = (
        col("period_inferred", False).fillna(False).astype(bool)
        | col("qualifier", "").fillna("").isin(APPROX)
        | col("is_conflict", False).fillna(False).astype(bool)
        | (quality < 1)
    )
    return pd.Series(["low" if lo else "check" if ch else "high" for lo, ch in zip(low, check,
                      strict=True)], index=facts.index, dtype=object)  # fmt: skip


def _read(path: Path) -> pd.DataFrame | None:
    return io.read_table(path) if path.exists() else None


def load_long(run_dir: Path) -> pd.DataFrame:
    """The run's long tables (one row per fact in a topic table) as one table.

    Each row gets ``cell``: its topic and table key as one string, so the facts of a cell are
    one lookup (a click must not scan tens of thousands of rows key by key).
    """
    tables = [_read(run_dir / "tables" / f"{n}.parquet") for n in LONG_TABLES]
    parts = [_with_cell(t) for t in tables if t is not None and not t.empty]
    if not parts:
        return pd.DataFrame(columns=["fact_id", "topic", "cell"])
    return pd.concat(parts, ignore_index=True)


def _with_cell(long: pd.DataFrame) -> pd.DataFrame:
    """``long`` with ``cell`` = topic and the topic's key values, joined.

    Example:
        >>> t = pd.DataFrame({"topic": ["robotaxi_fleet"], "entity_id": ["pony_ai"],
        ...     "metric": ["fleet_size"], "as_of_date": ["2025-11-23"], "market": [""],
        ...     "segment": [""]})
        >>> _with_cell(t)["cell"].tolist()
        ['robotaxi_fleet|pony_ai|fleet_size|2025-11-23||']
    """
    out = long.copy()
    out["cell"] = out["topic"].astype(str)
    for topic, keys in CELL_KEYS.items():
        mine = out["topic"] == topic
        for key in (k for k in keys if k in out):
            values = out.loc[mine, key].astype(object).where(out.loc[mine, key].notna(), "")
            out.loc[mine, "cell"] = out.loc[mine, "cell"] + "|" + values.astype(str)
    return out


def load_charts(run_dir: Path) -> dict[str, dict]:
    """Every chart's sidecar with its CSV rows (``rows``: category, series, value, fact_ids)."""
    out = {}
    for sidecar in sorted((run_dir / "figures").glob("*.json")):
        meta = io.read_json(sidecar)
        data = _read(sidecar.with_suffix(".csv"))
        meta["rows"] = data if data is not None else pd.DataFrame()
        out[sidecar.stem] = meta
    return out


def review_state(facts: pd.DataFrame, corrections: list[cor.Correction],
                 log: pd.DataFrame | None) -> pd.Series:  # fmt: skip
    """``unreviewed``, ``corrected``, ``rejected``, ``added`` or ``pending`` (written, not run).

    Example:
        >>> f = pd.DataFrame({"fact_id": ["f-1", "f-2"], "review_status": ["", "rejected"]})
        >>> review_state(f, [], None).tolist()
        ['unreviewed', 'rejected']
    """
    state = facts.get("review_status", pd.Series("", index=facts.index)).fillna("")
    state = state.replace("", "unreviewed")
    done = set() if log is None or log.empty else set(log["correction_id"])
    pending = {str(c.fields["fact_id"]) for c in corrections
               if c.action in ("reject", "set") and c.correction_id not in done}  # fmt: skip
    return state.where(~facts["fact_id"].isin(pending), "pending")


def facts_view(facts: pd.DataFrame, articles: pd.DataFrame, long: pd.DataFrame,
               labels: str = "zh-Hans") -> pd.DataFrame:  # fmt: skip
    """Facts with their article's columns, display names, cell flags and confidence."""
    arts = articles.reset_index(drop=True)
    # NOTE: facts already carry source_file and source_line (stage 03 copies them).
    cols = ["article_id", *(c for c in ARTICLE_COLUMNS[1:] if c in arts and c not in facts)]
    view = facts.merge(arts[cols], on="article_id", how="left", validate="many_to_one")
    view = _with_cell_flags(view, long)
    view["entity_name"] = [lab.entity_label(e, labels) if e else "" for e in
                           view["entity_id"].fillna("").astype(str)]  # fmt: skip
    view["confidence"] = confidence(view)
    for column in ("title", "source_name", "period", "market", "data_source", "metric", "topic"):
        if column in view:
            view[column] = view[column].fillna("").astype(str)
    return view


def _with_cell_flags(view: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    """Whether each fact is its cell's display value, and the conflict note (from the tables)."""
    flags = [c for c in ("is_display", "is_conflict", "conflict_note", "basis_name") if c in long]
    if not flags:
        return view
    cells = long[["fact_id", *flags]].drop_duplicates("fact_id")
    return view.merge(cells, on="fact_id", how="left", validate="one_to_one")


def article_index(path: Path) -> pd.DataFrame:
    """Every article's explorer columns (no body), indexed by id, with the part it lives in.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()) / "articles_dedup.parquet"
        >>> _ = io.write_part(pd.DataFrame({"article_id": ["a1"], "title": ["蔚来交付"],
        ...                                 "body": ["蔚来十月交付4万辆。"]}), d, 0)
        >>> index = article_index(d)
        >>> list(index.columns), Path(index.at["a1", "part"]).name
        (['article_id', 'title', 'part'], 'part-00000.parquet')
    """
    if not path.exists():
        return io.read_table(path)  # raises FileNotFoundError naming the stage to run
    frames = []
    for part in io.table_parts(path):
        cols = io.present_columns(part, ARTICLE_COLUMNS)
        frames.append(io.read_table(part, columns=cols).assign(part=str(part)))
    articles = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["article_id", "part"])  # fmt: skip
    return articles.set_index("article_id", drop=False)


def article_body(data: ExplorerData, article_id: str) -> str:
    """The article's body, read from its part of ``articles_dedup`` ('' when not in the run)."""
    if article_id not in data.articles.index:
        return ""
    part = data.articles.at[article_id, "part"]
    rows = io.read_table(part, columns=["article_id", "body"], where=("article_id", [article_id]))
    return str(rows["body"].iloc[0]) if len(rows) else ""


def load_explorer(
    processed_dir: str | Path, run_dir: str | Path, corrections_dir: str | Path,
    labels: str = "zh-Hans", months: Sequence[str] = (),
) -> ExplorerData:  # fmt: skip
    """Read a run for the explorer (the processed tables, the run folder, the corrections).

    NOTE: article bodies stay on disk (:func:`article_body` reads one when a fact is shown),
    so opening a run of a million articles holds their metadata and facts, not their texts.

    Args:
        processed_dir: the run's stage tables (``facts.parquet``, ``articles_dedup.parquet``).
        run_dir: the run folder (``reports/latest``): long tables and chart sidecars.
        corrections_dir: where reviewed corrections are read and written.
        labels: label language of entity names.
        months: load only the facts of these months of ``facts.parquet`` (``2025-11``,
            ``undated``); empty: every fact.

    Returns:
        The loaded run; ``load_seconds`` says how long it took.
    """
    t0 = time.perf_counter()
    processed, run = Path(processed_dir), Path(run_dir).resolve()
    facts = io.read_table(processed / "facts.parquet", keys=list(months) or None)
    articles = article_index(processed / "articles_dedup.parquet")
    long = load_long(run)
    view = facts_view(facts, articles, long, labels)
    view["review"] = review_state(view, cor.load_corrections(corrections_dir),
                                  _read(processed / f"{cor.COMBINED_LOG}.parquet"))  # fmt: skip
    data = ExplorerData(
        facts=view, articles=articles, long=long,
        charts=load_charts(run), corrections_dir=Path(corrections_dir), processed_dir=processed,
        run_dir=run,
    )  # fmt: skip
    data.load_seconds = time.perf_counter() - t0
    return data


# --- questions about one fact (pure) ----------------------------------------------------------


def filter_options(facts: pd.DataFrame) -> dict[str, list[str]]:
    """The choices of each filter: ``(all)`` then the values present, sorted.

    Example:
        >>> filter_options(pd.DataFrame({"topic": ["chip_share", "ev_exports"]}))["topic"]
        ['(all)', 'chip_share', 'ev_exports']
    """
    return {
        col: [ANY, *sorted({str(v) for v in facts[col].dropna() if str(v)})]
        for col in FILTERS
        if col in facts
    }


def filter_facts(facts: pd.DataFrame, chosen: dict[str, str],
                 fact_ids: list[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Facts matching every chosen filter (``(all)`` or "" matches anything).

    Args:
        facts: the facts view.
        chosen: filter column -> value.
        fact_ids: keep only these facts too (a chart row's facts), in this order.

    Example:
        >>> f = pd.DataFrame({"fact_id": ["a", "b"], "topic": ["chip_share", "ev_exports"]})
        >>> filter_facts(f, {"topic": "ev_exports"})["fact_id"].tolist()
        ['b']
    """
    mask = pd.Series(True, index=facts.index)
    for col, value in chosen.items():
        if value not in (ANY, "", None) and col in facts:
            mask &= facts[col].astype(str) == str(value)
    out = facts[mask]
    if fact_ids is not None:
        out = out[out["fact_id"].isin(fact_ids)]
    return out


def fact_label(row: pd.Series) -> str:
    """One line per fact in the list: who, what, how much, when, where from.

    Example:
        >>> fact_label(pd.Series({"entity_name": "比亚迪", "metric": "overseas_sales",
        ...     "value": 1050000.0, "unit": "vehicles", "period": "2025", "source_name": "汽车周刊",
        ...     "review": "unreviewed", "number_text": "约105万辆"}))
        '比亚迪 · overseas_sales · 约105万辆 (1,050,000 vehicles) · 2025 · 汽车周刊'
    """
    value = row.get("value")
    number = f"{value:,.0f}" if isinstance(value, float) and abs(value) >= 100 else f"{value:g}"
    parts = [row.get("entity_name") or row.get("entity_id", ""), row.get("metric", ""),
             f"{row.get('number_text', '')} ({number} {row.get('unit', '')})".strip(),
             row.get("period", ""), row.get("source_name", "")]  # fmt: skip
    label = " · ".join(str(p) for p in parts if p)
    review = row.get("review", "unreviewed")
    return label if review in ("unreviewed", "", None) else f"[{review}] {label}"


def highlight_html(body: str, start: int, end: int, context: int = CONTEXT_CHARS) -> str:
    """The text around a span with the span in ``<mark class="fact-span">``; all escaped.

    Args:
        body: the article body.
        start: span start in ``body``.
        end: span end.
        context: characters shown on each side (cut at line ends are kept as ``<br>``).

    Example:
        >>> highlight_html("<b>出口</b>72万辆", 9, 13)
        '&lt;b&gt;出口&lt;/b&gt;<mark class="fact-span">72万辆</mark>'
    """
    lo, hi = max(0, start - context), min(len(body), end + context)
    before, span, after = body[lo:start], body[start:end], body[end:hi]

    def esc(text: str) -> str:
        return htmllib.escape(text).replace("\n", "<br>")

    head = "…" if lo > 0 else ""
    tail = "…" if hi < len(body) else ""
    return f'{head}{esc(before)}<mark class="fact-span">{esc(span)}</mark>{esc(after)}{tail}'


def same_cell(data: ExplorerData, fact_id: str) -> pd.DataFrame:
    """Every fact of the table cell this fact sits in (the display one first), with bases.

    Empty when the fact is in no topic table (another topic, a part, a finding, rejected).
    """
    long = data.long
    cell = long.loc[long["fact_id"] == fact_id, "cell"]
    cols = [c for c in ("fact_id", "value", "unit", "data_source", "basis_name", "is_display",
                        "is_conflict", "article_id", "source_name", "published_date")
            if c in long]  # fmt: skip
    if cell.empty:
        return long.loc[[], cols]
    mine = long.loc[long["cell"] == cell.iloc[0], cols]
    return mine.sort_values("is_display", ascending=False) if "is_display" in mine else mine


def story(data: ExplorerData, article_id: str) -> pd.DataFrame:
    """The article's story: every article of its dedup cluster (representative first)."""
    arts = data.articles
    if article_id not in arts.index or "cluster_id" not in arts:
        return arts.iloc[:0]
    cluster = arts.at[article_id, "cluster_id"]
    members = arts[arts["cluster_id"] == cluster]
    cols = [c for c in ("article_id", "title", "source_name", "published_date", "source_file",
                        "is_canonical", "dup_rule", "similarity") if c in members]  # fmt: skip
    return members.sort_values("is_canonical", ascending=False)[cols].reset_index(drop=True)


def charts_of(data: ExplorerData, fact_id: str) -> list[str]:
    """Stems of the charts that draw the fact (their sidecar lists it).

    Example:
        >>> d = ExplorerData(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
        ...                  charts={"04-x": {"fact_ids": ["f-1"]}, "05-y": {"fact_ids": []}})
        >>> charts_of(d, "f-1")
        ['04-x']
    """
    return [stem for stem, meta in data.charts.items() if fact_id in _fact_set(meta)]


def _fact_set(meta: dict) -> frozenset[str]:
    """A chart's fact ids as a set (made once per chart: a click must not scan the lists)."""
    if "_fact_set" not in meta:
        meta["_fact_set"] = frozenset(meta.get("fact_ids", ()))
    return meta["_fact_set"]


def chart_row_labels(data: ExplorerData, stem: str) -> list[tuple[str, int]]:
    """``(label, row number)`` of each row of a chart's CSV, for a row picker."""
    rows = data.charts.get(stem, {}).get("rows", pd.DataFrame())
    return [(f"{r.get('category', '')} · {r.get('series', '')} · {r.get('value', '')}", i)
            for i, r in enumerate(rows.to_dict("records"))]  # fmt: skip


def chart_row_facts(data: ExplorerData, stem: str, row: int) -> list[str]:
    """The fact ids behind one row of a chart's CSV (the sidecar's ``row_fact_ids``).

    Example:
        >>> d = ExplorerData(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
        ...     charts={"04-x": {"row_fact_ids": [["f-1", "f-2"]]}})
        >>> chart_row_facts(d, "04-x", 0)
        ['f-1', 'f-2']
    """
    meta = data.charts.get(stem, {})
    per_row = meta.get("row_fact_ids")
    if per_row is not None:
        return list(per_row[row]) if 0 <= row < len(per_row) else []
    rows = meta.get("rows", pd.DataFrame())
    if "fact_ids" not in rows or not 0 <= row < len(rows):
        return []
    return [i for i in str(rows["fact_ids"].iloc[row]).split(";") if i and i != "nan"]


def _table_html(table: pd.DataFrame, limit: int = MAX_TABLE_ROWS) -> str:
    """A small HTML table (the first ``limit`` rows; how many more, in words)."""
    if table.empty:
        return "<p>—</p>"
    html = table.head(limit).to_html(index=False, escape=True, border=0, classes="explorer-table")
    more = f"<p>… {len(table) - limit} more</p>" if len(table) > limit else ""
    return html + more


def detail_html(data: ExplorerData, fact_id: str) -> str:
    """Everything about one fact as HTML: article, highlighted span, cell, story, charts."""
    found = data.facts[data.facts["fact_id"] == fact_id]
    if found.empty:
        return f"<p>{htmllib.escape(fact_id)}: not in this run</p>"
    f = found.iloc[0]
    esc = htmllib.escape
    body = article_body(data, f["article_id"])
    start, end = int(f["char_start"]), int(f["char_end"])
    if body and start >= 0:
        text = highlight_html(body, start, end)
    else:  # added by hand from a page outside the corpus
        url = esc(_text(f.get("source_url")))
        text = f'<mark class="fact-span">{esc(str(f["number_text"]))}</mark> ({url})'
    where = f"{_text(f.get('source_file'))}:{_int(f.get('source_line'))}"
    head = (f"<h4>{esc(str(f.get('title', '') or '(no title)'))}</h4>"
            f"<p>{esc(_text(f.get('source_name')))} · {esc(_text(f.get('published_date')))} · "
            f"{esc(where)} · article {esc(str(f['article_id']))} · fact {esc(fact_id)} · "
            f"{esc(str(f.get('review', '')))}</p>")  # fmt: skip
    original = str(f.get("original_values", "") or "")
    was = f"<p>extracted as {esc(original)}</p>" if original else ""
    charts = ", ".join(charts_of(data, fact_id)) or "—"
    return "\n".join([
        head, f'<div class="fact-text">{text}</div>', was,
        "<h5>Same table cell (display first; conflicts show their bases)</h5>",
        _table_html(same_cell(data, fact_id)),
        "<h5>Story (dedup cluster)</h5>", _table_html(story(data, str(f["article_id"]))),
        f"<h5>Charts drawing it</h5><p>{esc(charts)}</p>",
    ])  # fmt: skip


def _text(value: object) -> str:
    """A cell as text; missing values (None, NaN, NaT) as ""."""
    return "" if value is None or pd.isna(value) else str(value)


def _text(value: object) -> str:
    """A cell as text; missing values (None, NaN, NaT) as ""."""
    return "" if value is None or pd.isna(value) else str(value)


def _int(value: object) -> str:
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return ""


def summary_lines(data: ExplorerData) -> list[str]:
    """The static summary printed under papermill (and on top of the widgets).

    Example:
        >>> d = ExplorerData(pd.DataFrame({"fact_id": ["f"], "topic": ["ev_exports"],
        ...     "review": ["unreviewed"], "confidence": ["high"]}), pd.DataFrame(), pd.DataFrame())
        >>> summary_lines(d)[0]
        '1 facts from 0 articles; 0 charts; loaded in 0.00 s'
    """
    f = data.facts
    lines = [f"{len(f)} facts from {len(data.articles)} articles; {len(data.charts)} charts; "
             f"loaded in {data.load_seconds:.2f} s"]  # fmt: skip
    for col in ("topic", "review", "confidence"):
        if col in f:
            counts = f[col].value_counts().sort_index()
            lines.append(f"by {col}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return lines


# --- corrections from the explorer ------------------------------------------------------------


class ReviewError(ValueError):
    """A correction the explorer will not write; the message says why."""


def correction_for(data: ExplorerData, fact_id: str, action: str, why: str, who: str,
                   field_name: str = "value", new: object = None) -> dict:  # fmt: skip
    """A ``reject`` or ``set`` entry for a fact, with what the reviewer saw (as the CLI writes).

    Args:
        data: the loaded run.
        fact_id: the fact.
        action: ``reject`` or ``set``.
        why: the reason.
        who: the reviewer.
        field_name: the field a ``set`` changes (:data:`EDITABLE`).
        new: its new value as typed (numbers for value fields).

    Raises:
        ReviewError: no reason, a value that is no number, an unknown entity or metric.

    Example:
        >>> d = ExplorerData(pd.DataFrame({"fact_id": ["f-1"], "article_id": ["a"],
        ...     "number_text": ["72万辆"], "metric": ["exports"], "value": [720000.0]}),
        ...     pd.DataFrame(), pd.DataFrame())
        >>> e = correction_for(d, "f-1", "set", "原文为72.1万辆", "ana", "value", "721000")
        >>> e["set"], e["seen"]["number_text"]
        ({'value': 721000.0}, '72万辆')
    """
    if not why.strip():
        raise ReviewError("say why first")
    row = data.facts[data.facts["fact_id"] == fact_id].iloc[0]
    seen = {k: (row[k].item() if hasattr(row[k], "item") else row[k])
            for k in ("article_id", "number_text", "entity_id", "metric", "value", "period")
            if k in row.index and pd.notna(row[k]) and row[k] != ""}  # fmt: skip
    fields: dict = {"fact_id": fact_id, "seen": seen}
    if action == "set":
        fields["set"] = {field_name: _typed(field_name, new)}
        if bad := cor.unknown_values(fields["set"]):
            raise ReviewError(f"{', '.join(bad)} is not in the catalogue")
    return cor.new_correction(action, who=who, why=why.strip(), **fields)


def _typed(field_name: str, new: object) -> object:
    """A typed value: a number for value fields, stripped text otherwise."""
    if field_name not in cor.NUMERIC_FIELDS:
        return str(new).strip()
    try:
        return float(str(new).replace(",", ""))
    except ValueError:
        raise ReviewError(f"{field_name} must be a number, got {new!r}") from None


def story_correction(article_id: str, other_id: str, why: str, who: str) -> dict:
    """``not-duplicate`` of an article and another member of its story.

    Example:
        >>> story_correction("a1", "a2", "两家媒体各自报道", "ana")["article_ids"]
        ['a1', 'a2']
    """
    if not why.strip():
        raise ReviewError("say why first")
    return cor.new_correction("not-duplicate", who=who, why=why.strip(),
                              article_ids=[article_id, other_id])  # fmt: skip


def alias_correction(text: str, entity_id: str, why: str, who: str) -> dict:
    """``alias``: this text, as written in articles, names that catalogue entity.

    Example:
        >>> alias_correction("迪子", "byd", "比亚迪的俗称", "ana")["entity_id"]
        'byd'
    """
    if not (why.strip() and text.strip()):
        raise ReviewError("give the text and say why first")
    if bad := cor.unknown_values({"entity_id": entity_id.strip()}):
        raise ReviewError(f"{bad[0]} is not in the catalogue")
    return cor.new_correction("alias", who=who, why=why.strip(), text=text.strip(),
                              entity_id=entity_id.strip())  # fmt: skip


def write_correction(data: ExplorerData, entry: dict) -> str:
    """Append an entry to the corrections folder; mark its fact pending; return a message."""
    path = cor.append_correction(data.corrections_dir, entry)
    if "fact_id" in entry:
        data.facts.loc[data.facts["fact_id"] == entry["fact_id"], "review"] = "pending"
    return f"{entry['id']} ({entry['action']}) written to {path}; the next run applies it"


# --- widgets ----------------------------------------------------------------------------------


def build_explorer(data: ExplorerData, who: str = "analyst"):  # pragma: no cover - browser
    """The interactive browser (ipywidgets): filters, fact list, details, chart rows, review."""
    return _Explorer(data, who).root


class _Explorer:
    """Widget wiring only; every answer comes from the pure functions above."""

    def __init__(self, data: ExplorerData, who: str) -> None:
        import ipywidgets as w

        self.data, self.who, self.w = data, who, w
        self.only: list[str] | None = None
        self._browse_widgets(w)
        self._review_widgets(w)
        self.root = w.VBox([
            w.HTML("<b>" + htmllib.escape("; ".join(summary_lines(data)[:1])) + "</b>"),
            w.HBox(list(self.filters.values())[:4]), w.HBox(list(self.filters.values())[4:]),
            w.HBox([self.chart]), self.chart_rows, self.count, self.facts,
            w.HBox([self.why, self.reject]),
            w.HBox([self.field, self.new_value, self.set_value]),
            w.HBox([self.story, self.apart]),
            w.HBox([self.alias_text, self.alias_entity, self.alias]),
            self.message, self.detail,
        ])  # fmt: skip
        self._refilter()

    def _browse_widgets(self, w) -> None:
        """Filters, the fact list, the detail pane and the chart-row picker."""
        self.filters = {col: w.Dropdown(options=opts, value=ANY, description=FILTERS[col])
                        for col, opts in filter_options(self.data.facts).items()}  # fmt: skip
        self.count = w.HTML()
        self.facts = w.Select(options=[], rows=12, layout=w.Layout(width="100%"))
        self.detail = w.HTML(layout=w.Layout(width="100%"))
        charts = [("(no chart)", "")]
        charts += [(f"{s} · {m.get('title', '')}", s) for s, m in self.data.charts.items()]
        self.chart = w.Dropdown(options=charts, value="", description="chart")
        self.chart_rows = w.Select(options=[], rows=5, layout=w.Layout(width="100%"))
        # class names a person never sees; the browser test finds the widgets by them
        for widget, name in ((self.facts, "explorer-facts"), (self.detail, "explorer-detail"),
                             (self.chart_rows, "explorer-chart-rows")):  # fmt: skip
            widget.add_class(name)
        for dropdown in self.filters.values():
            dropdown.observe(self._refilter, names="value")
        self.facts.observe(self._show, names="value")
        self.chart.observe(self._pick_chart, names="value")
        self.chart_rows.observe(self._pick_row, names="value")

    def _review_widgets(self, w) -> None:
        """Reject, set a field, not the same story, alias: each writes one correction."""
        self.why = w.Text(placeholder="why (required for every correction)", description="why",
                          layout=w.Layout(width="60%"))  # fmt: skip
        self.reject = w.Button(description="Reject fact", button_style="danger")
        self.field = w.Dropdown(options=EDITABLE, value="value", description="set")
        self.new_value = w.Text(placeholder="new value", description="to")
        self.set_value = w.Button(description="Set field", button_style="warning")
        self.story = w.Dropdown(options=[], description="story")
        self.apart = w.Button(description="Not the same story")
        self.alias_text = w.Text(placeholder="text as written", description="alias")
        self.alias_entity = w.Text(placeholder="entity id, e.g. byd", description="is")
        self.alias = w.Button(description="Add alias")
        self.message = w.HTML()
        self.reject.on_click(lambda _: self._write(self._fact_entry, "reject"))
        self.set_value.on_click(lambda _: self._write(self._fact_entry, "set"))
        self.apart.on_click(lambda _: self._write(self._story_entry))
        self.alias.on_click(lambda _: self._write(self._alias_entry))

    def _refilter(self, *_):
        chosen = {col: d.value for col, d in self.filters.items()}
        matching = filter_facts(self.data.facts, chosen, self.only)
        shown = matching.head(MAX_LISTED)
        self.count.value = f"{len(matching)} facts match; {len(shown)} listed"
        self.facts.value = None
        self.facts.options = [(fact_label(r), r["fact_id"]) for _, r in shown.iterrows()]

    def _show(self, change):
        if not change["new"]:
            return
        self.detail.value = detail_html(self.data, change["new"])
        article = self._article()
        members = story(self.data, article)
        others = members[members["article_id"] != article] if len(members) else members
        self.story.options = [(f"{r['article_id']} · {r.get('title', '')}", r["article_id"])
                              for _, r in others.iterrows()]  # fmt: skip

    def _article(self) -> str:
        facts = self.data.facts
        return str(facts.loc[facts["fact_id"] == self.facts.value, "article_id"].iloc[0])

    def _pick_chart(self, change):
        self.only = None
        self.chart_rows.options = (
            chart_row_labels(self.data, change["new"]) if change["new"] else []
        )
        self._refilter()

    def _pick_row(self, change):
        if change["new"] is None:
            return
        self.only = chart_row_facts(self.data, self.chart.value, change["new"])
        self._refilter()

    def _fact_entry(self, action: str) -> dict:
        if not self.facts.value:
            raise ReviewError("select a fact first")
        return correction_for(self.data, self.facts.value, action, self.why.value, self.who,
                              self.field.value, self.new_value.value)  # fmt: skip

    def _story_entry(self) -> dict:
        if not (self.facts.value and self.story.value):
            raise ReviewError("select a fact, then an article of its story")
        return story_correction(self._article(), self.story.value, self.why.value, self.who)

    def _alias_entry(self) -> dict:
        return alias_correction(self.alias_text.value, self.alias_entity.value, self.why.value,
                                self.who)  # fmt: skip

    def _write(self, make, *args) -> None:
        """Build an entry, write it, say what happened (or why nothing was written)."""
        try:
            entry = make(*args)
        except (ReviewError, cor.CorrectionsError) as err:
            self.message.value = htmllib.escape(f"not written: {err}")
            return
        self.message.value = htmllib.escape(write_correction(self.data, entry))
        self._refilter()

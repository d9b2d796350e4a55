"""report.html: findings first, evidence one click away, the stage notebooks as an appendix.

The page is built from the run folder alone (``tables/``, ``figures/``, ``notebooks/``), plus
the processed folder's facts when given (evidence for facts no stage table holds):

1. **Summary** — one screen per topic (EV exports, ADAS chips, Robotaxi fleets): headline
   figures with period, basis and outlet; the topic's lead chart; what changed since the last
   run; conflicting figures as sentences; data findings and the review queue, counted.
2. **Charts and tables** per topic — every chart, the tables for people
   (:mod:`helpers.publish.report_tables`) and every conflict.
3. **Data findings** and the **review queue** in detail.
4. **Evidence** — per fact: article title, outlet, date, file and line, the sentence with the
   figure marked (:mod:`helpers.publish.evidence`).
5. **Appendix** — each stage notebook (nbconvert, code hidden) in a collapsed section; pandas'
   ``NaN`` cells read "—" there too, and fact ids become evidence links.

Scraped text (titles, outlets, sentences, file names) is attacker-controlled: the page is
rendered by Jinja2 with autoescape on, and a Content-Security-Policy forbids every script
(the report needs none), so markup that slipped through could still not run.

Example:
    >>> html = compress_data_images('<img src="data:image/png;base64,notpng">')
    >>> html  # not a PNG: left as it was
    '<img src="data:image/png;base64,notpng">'
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import html as html_lib
import io as bytes_io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import nbformat
import pandas as pd
from nbconvert import HTMLExporter
from PIL import Image, UnidentifiedImageError

from helpers import share
from helpers.catalog import texts as lab
from helpers.core import io
from helpers.publish import deck_content, evidence, report_tables, summary
from helpers.publish import formats as fmt
from helpers.publish.evidence import EvidenceRegister

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "report.html.j2"
HIDDEN_TAGS = {"parameters", "injected-parameters"}
# NOTE: the appendix uses nbconvert's "basic" template (cells only, no 300 KB of JupyterLab
# CSS, no MathJax or require.js from a CDN): the page brings its own small stylesheet and must
# open offline.
EXPORTER_SETTINGS = {
    "exclude_input": True,
    "exclude_input_prompt": True,
    "exclude_output_prompt": True,
    "embed_images": True,
}
# NOTE: charts are embedded as 1400 px wide PNGs quantized to 64 colours (fast octree): twice
# the pixels of their widest place on the page (HiDPI screens, A4), an eighth of the 300 dpi
# originals' bytes (15–60 KB each), and PNG opens everywhere (mail clients, PDF engines) where
# WebP might not. Measured on the sample's charts: lossless WebP at the same width is about
# as large, lossy WebP (q80) blurs the small text, median-cut quantization is 40 % larger.
CHART_WIDTH = 1400
CHART_COLOURS = 64
# report.html on the bundled sample must stay under this (tests/publish/test_report_page.py).
SIZE_BUDGET_BYTES = 900_000
DATA_PNG_RE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=\s]+)"')
TAG_RE = re.compile(r"(<[^>]*>)")
MISSING_CELL_RE = re.compile(r"<td>(?:NaN|nan|None|&lt;NA&gt;|NaT|<NA>)</td>")
ANCHOR_LINK_RE = re.compile(r'<a class="anchor-link" href="[^"]*">¶</a>')
HEADING_ID_RE = re.compile(r'<h([1-6]) id="')
HTML_LANG = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "en": "en"}
LONG_TABLES = ("ev_exports_long", "chip_share_long", "robotaxi_fleet_long")
REVIEW_TABLE, CHANGES_TABLE = "review", "changes"
# Raw column names of the appendix's tables shown under a header in the label language: only
# names that mean one thing in every stage (``rule`` is a cleaning rule in 01, a finding's
# rule in 04–07, so it stays as it is).
APPENDIX_HEADERS = {
    "entity_name": "entity", "period_label": "period", "basis_name": "basis",
    "market_name": "market", "share_pct": "share", "source_note": "source",
    "fact_ids": "evidence", "fact_id": "evidence",
}  # fmt: skip


# --- pictures ---------------------------------------------------------------------------------


def compress_png(data: bytes, width: int = CHART_WIDTH) -> bytes:
    """A chart PNG at most ``width`` px wide, quantized to :data:`CHART_COLOURS` colours.

    Returns ``data`` itself when that is smaller (a tiny picture) or when it is no picture.
    """
    try:
        with Image.open(bytes_io.BytesIO(data)) as img:
            img = img.convert("RGB")
            if img.width > width:
                size = (width, round(img.height * width / img.width))
                img = img.resize(size, Image.LANCZOS, reducing_gap=2.0)
            small = img.quantize(CHART_COLOURS, method=Image.Quantize.FASTOCTREE)
            out = bytes_io.BytesIO()
            small.save(out, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError):
        return data
    return out.getvalue() if out.tell() < len(data) else data


def png_data_uri(data: bytes) -> str:
    """``data:image/png;base64,…`` of PNG bytes."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def compress_data_images(html: str) -> str:
    """Re-encode every embedded PNG of ``html`` with :func:`compress_png` (see module doc)."""

    def shrink(m: re.Match) -> str:
        try:
            data = base64.b64decode(re.sub(r"\s", "", m.group(1)), validate=True)
        except (binascii.Error, ValueError):
            return m.group(0)
        small = compress_png(data)
        return m.group(0) if small is data else f'src="{png_data_uri(small)}"'

    return DATA_PNG_RE.sub(shrink, html)


@dataclass(frozen=True)
class ChartView:
    """A chart as the page shows it."""

    stem: str
    title: str
    source: str
    src: str
    width: int
    height: int


def chart_views(figures_dir: Path, prefix: str) -> list[ChartView]:
    """Charts of one stage (``figures/<prefix>-*.png`` with their sidecars), in file order."""
    views = []
    for png in sorted(figures_dir.glob(f"{prefix}-*.png")):
        sidecar = png.with_suffix(".json")
        meta = io.read_json(sidecar) if sidecar.exists() else {}
        data = compress_png(png.read_bytes())
        with Image.open(bytes_io.BytesIO(data)) as img:
            width, height = img.size
        title = str(meta.get("title") or png.stem)
        views.append(ChartView(png.stem, title, str(meta.get("source") or ""),
                               png_data_uri(data), width, height))  # fmt: skip
    return views


# --- the run's tables -------------------------------------------------------------------------


def read_run_tables(tables_dir: Path, labels: str) -> dict[str, pd.DataFrame]:
    """Every ``tables/*.parquet`` of a run by name, display labels redone in ``labels``.

    NOTE: the stages wrote their label columns in the run's language; redoing them from the
    ids makes a report rebuilt in another language consistent, and costs milliseconds.
    """
    tables = {}
    for path in sorted(tables_dir.glob("*.parquet")):
        table = io.read_table(path)
        if "data_source" in table or "entity_id" in table or "vendor_id" in table:
            table = share.notes.add_display_labels(table, labels)
        tables[path.stem] = table
    return tables


def read_findings(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The run's findings: the combined table of 07, else every stage's table."""
    if "findings" in tables:
        return tables["findings"]
    parts = [t for name, t in tables.items() if name.startswith("findings_")]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _read_present(
    path: Path, wanted: Sequence[str], where: tuple[str, Sequence[object]] | None = None
) -> pd.DataFrame:
    """The columns of ``wanted`` the table has, only the rows ``where`` names."""
    return io.read_table(path, columns=io.present_columns(path, wanted), where=where)


def evidence_source(
    tables: dict[str, pd.DataFrame], processed_dir: Path | None, fact_ids: Sequence[str] = ()
) -> pd.DataFrame:
    """One row per cited fact with everything an evidence entry shows (long tables first).

    NOTE: of the processed tables only the rows of ``fact_ids`` (the facts the page cites) and
    their articles' title, outlet and date are read: a corpus of a million articles must not
    be loaded whole to write the evidence of a few hundred figures.
    """
    frames = [tables[n] for n in (*LONG_TABLES, REVIEW_TABLE) if n in tables]
    facts_path = processed_dir / "facts.parquet" if processed_dir is not None else None
    if facts_path is not None and facts_path.exists() and len(fact_ids):
        facts = _read_present(facts_path, ("article_id", *evidence.EVIDENCE_COLUMNS),
                              where=("fact_id", list(fact_ids)))  # fmt: skip
        articles_path = processed_dir / "articles_dedup.parquet"
        if articles_path.exists() and "article_id" in facts:
            wanted = ("article_id", *evidence.ARTICLE_COLUMNS)
            where = ("article_id", facts["article_id"].dropna().unique().tolist())
            articles = _read_present(articles_path, wanted, where=where)
            facts = evidence.facts_with_articles(facts, articles)
        frames.append(facts)
    return evidence.evidence_frame(*frames)


def figure_line(row: pd.Series, labels: str) -> str:
    """``奇瑞 · 出口量 · 2025年1–9月：93.6万辆`` for an evidence entry."""
    entity = lab.entity_label(str(row.get("entity_id") or ""), labels) if isinstance(
        row.get("entity_id"), str) else ""  # fmt: skip
    parts = [entity, lab.label("metrics", str(row.get("metric")), labels),
             lab.format_period(str(row.get("period") or ""), labels)]  # fmt: skip
    figure = fmt.figure_text(row.get("value"), str(row.get("unit") or ""), labels,
                             row.get("qualifier"))  # fmt: skip
    head = summary.SEP.join(p for p in parts if p and p != "None")
    return lab.label("report", "figure_line", labels, what=head, figure=figure)


def evidence_entries(
    register: EvidenceRegister, frame: pd.DataFrame, labels: str
) -> list[evidence.EvidenceEntry]:
    """The evidence section: one entry per registered fact, in link-number order."""
    entries = []
    for n, fact_id in enumerate(register.fact_ids, 1):
        row = frame.loc[fact_id] if fact_id in frame.index else None
        line = figure_line(row, labels) if row is not None else ""
        entries.append(evidence.evidence_entry(fact_id, n, row, labels, line))
    return entries


# --- appendix ---------------------------------------------------------------------------------


def visible_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without parameter cells and the cell that raised (if any).

    Example:
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 解析")])
        >>> p = nbformat.v4.new_code_cell("raw_dir = 'x'")
        >>> p.metadata["tags"] = ["parameters"]
        >>> nb.cells.append(p)
        >>> [c.source for c in visible_cells(nb).cells]
        ['# 解析']
    """
    out = nbformat.v4.new_notebook(metadata={**nb.metadata, "language_info": {"name": "python"}})
    out.cells = [
        cell
        for cell in nb.cells
        if not HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", []))
        and not cell.get("metadata", {}).get("papermill", {}).get("exception")
    ]
    return out


@functools.cache
def _exporter() -> HTMLExporter:
    # one exporter for every notebook: building its template environment costs more than
    # converting a notebook
    return HTMLExporter(template_name="basic", **EXPORTER_SETTINGS)


def export_cells(nb: nbformat.NotebookNode) -> str:
    """The notebook's cells as an HTML fragment, code hidden (nbconvert ``basic``)."""
    html, _ = _exporter().from_notebook_node(visible_cells(nb))
    return html


def _text_with_links(text: str, register: EvidenceRegister, labels: str) -> str:
    """Replace fact ids in (already escaped) HTML text by evidence links."""
    out = []
    for token in evidence.text_tokens(text, register, labels):
        if isinstance(token, str):
            out.append(token)
        else:
            out.append(f'<a class="ev" href="{token.href}">{html_lib.escape(token.text)}</a>')
    return "".join(out)


def _header_cell(m: re.Match, labels: str) -> str:
    key = APPENDIX_HEADERS.get(m.group(1))
    return f"<th>{html_lib.escape(lab.label('columns', key, labels))}</th>" if key else m.group(0)


def for_readers(html: str, register: EvidenceRegister, labels: str, prefix: str) -> str:
    """Appendix HTML as a reader should see it (pandas' cells and headers made readable).

    Missing cells read "—", known headers are in the label language, fact ids become evidence
    links, pictures are compressed and heading ids are made unique per notebook.

    Example:
        >>> reg = EvidenceRegister()
        >>> for_readers("<th>period_label</th><td>NaN</td><td>f-0123456789abcdef</td>",
        ...     reg, "zh-Hans", "s")
        '<th>期间</th><td>—</td><td><a class="ev" href="#ev-1">出处 1</a></td>'
    """
    html = MISSING_CELL_RE.sub(f"<td>{fmt.MISSING}</td>", html)
    html = re.sub(r"<th>([a-z_]+)</th>", lambda m: _header_cell(m, labels), html)
    html = ANCHOR_LINK_RE.sub("", html)
    html = HEADING_ID_RE.sub(lambda m: f'<h{m.group(1)} id="{prefix}-', html)
    # NOTE: ids are replaced in text only, never inside a tag (an attribute could hold one).
    parts = TAG_RE.split(html)
    html = "".join(p if p.startswith("<") else _text_with_links(p, register, labels) for p in parts)
    return compress_data_images(html)


@dataclass(frozen=True)
class AppendixSection:
    """One stage notebook in the appendix."""

    label: str
    anchor: str
    html: str


def appendix_sections(
    run_dir: Path, stage_labels: list[str], register: EvidenceRegister, labels: str
) -> list[AppendixSection]:
    """Every executed notebook of the run, as reader-ready HTML fragments."""
    sections = []
    for label in stage_labels:
        path = run_dir / "notebooks" / f"{label}.ipynb"
        if not path.exists():
            continue
        html = for_readers(export_cells(nbformat.read(path, as_version=4)), register, labels,
                           label)  # fmt: skip
        sections.append(AppendixSection(label, f"nb-{label}", html))
    return sections


# --- the page ---------------------------------------------------------------------------------


@dataclass
class TopicView:
    """Everything the page shows of one topic."""

    key: str
    name: str
    ran: bool
    empty_note: str = ""
    headlines: list[summary.Headline] = field(default_factory=list)
    charts: list[ChartView] = field(default_factory=list)
    changes: list[summary.Sentence] = field(default_factory=list)
    conflicts: list[summary.Sentence] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    review: str = ""
    tables: list[report_tables.PeopleTable] = field(default_factory=list)


def _has_facts(tables: dict[str, pd.DataFrame], topic: summary.TopicSpec) -> bool:
    long = tables.get(topic.long_table)
    return long is not None and not long.empty


@dataclass(frozen=True)
class RunInputs:
    """What a page is made of: the run's tables and charts, and the optional extras."""

    run_dir: Path
    stage_labels: list[str]
    labels: str
    tables: dict[str, pd.DataFrame]
    changes: pd.DataFrame | None = None
    review: pd.DataFrame | None = None


def topic_summary(
    topic: summary.TopicSpec, run: RunInputs, register: EvidenceRegister
) -> TopicView:
    """One topic's summary: headlines, lead chart, changes, conflicts, counts (or why none)."""
    labels, tables = run.labels, run.tables
    name = lab.label("topics", topic.key, labels)
    view = TopicView(topic.key, name, ran=topic.stage in run.stage_labels)
    view.headlines = summary.HEADLINES[topic.key](tables, labels, register) if view.ran else []
    view.changes = summary.changes_sentences(run.changes, topic.key, labels, register)
    view.findings = summary.findings_lines(read_findings(tables), topic.key, labels)
    view.review = summary.review_line(run.review, topic.key, labels)
    if not view.ran:
        view.empty_note = lab.label("report", "topic_not_run", labels, stage=topic.stage)
        return view
    if not _has_facts(tables, topic):
        view.empty_note = lab.label("text", "no_topic_facts", labels, topic=name)
    view.charts = chart_views(run.run_dir / "figures", topic.stage[:2])
    view.conflicts = summary.conflict_sentences(
        tables.get(topic.conflicts_table), topic, labels, register
    )
    return view


def add_details(view: TopicView, run: RunInputs, register: EvidenceRegister) -> TopicView:
    """The topic's tables for people (registered after every summary: links read in order)."""
    tables = run.tables
    view.tables = [
        report_tables.people_table(name, tables[name], run.labels, register)
        for name in report_tables.TOPIC_TABLES[view.key]
        if view.ran and name in tables and not tables[name].empty
    ]
    return view


def findings_rows(findings: pd.DataFrame, labels: str, register: EvidenceRegister) -> list[dict]:
    """Rows of the findings section: topic, rule, the detail with links, the facts."""
    rows = []
    for _, f in findings.iterrows():
        rows.append({
            "topic": lab.label("topics", str(f.get("topic")), labels),
            "rule": lab.label("findings", str(f.get("rule")), labels),
            "detail": evidence.text_tokens(fmt.cell_text(f.get("detail")), register, labels),
            "links": report_tables.link_cell(f.get("fact_ids"), register, labels),
        })  # fmt: skip
    return rows


def header_lines(run: RunInputs, processed_dir: Path | None, n_charts: int) -> list[str]:
    """Run date and id; article, fact and chart counts when the processed tables are there."""
    stats: dict = {
        "run_id": run.run_dir.name,
        "run_date": deck_content.run_date(run.run_dir.name, dt.datetime.now(dt.UTC).date()),
    }
    articles = processed_dir / "articles_dedup.parquet" if processed_dir else None
    facts = processed_dir / "facts.parquet" if processed_dir else None
    if articles and facts and articles.exists() and facts.exists():
        stats |= deck_content.corpus_stats(
            _read_present(articles, ("is_canonical", "published_date")),
            _read_present(facts, ("fact_id",)),
        )
    return deck_content.title_lines(stats, n_charts, run.labels)


def render_page(context: dict) -> str:
    """The page from its template, every value escaped unless marked safe."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(TEMPLATE_NAME).render(**context)


def page_context(run: RunInputs, processed_dir: Path | None = None) -> dict:
    """Everything the template needs, evidence numbered in reading order."""
    register = EvidenceRegister()
    labels = run.labels
    topics = [topic_summary(t, run, register) for t in summary.TOPICS]
    topics = [add_details(view, run, register) for view in topics]
    findings = findings_rows(read_findings(run.tables), labels, register)
    review = None
    if run.review is not None and not run.review.empty:
        review = report_tables.people_table(REVIEW_TABLE, run.review, labels, register)
    changes = None
    if run.changes is not None and not run.changes.empty:
        changes = report_tables.people_table(CHANGES_TABLE, run.changes, labels, register)
    appendix = appendix_sections(run.run_dir, run.stage_labels, register, labels)
    frame = evidence_source(run.tables, processed_dir, register.fact_ids)
    n_charts = sum(len(t.charts) for t in topics)
    return {
        "t": lambda key, **kw: lab.label("report", key, labels, **kw),
        "col": lambda key: lab.label("columns", key, labels),
        "findings_none": lab.label("text", "findings_none", labels),
        "lang": HTML_LANG[labels],
        "labels": labels,
        "title": lab.label("report", "title", labels),
        "header_lines": header_lines(run, processed_dir, n_charts),
        "topics": topics,
        "findings": findings,
        "findings_title": lab.label("report", "findings", labels),
        "review": review,
        "review_line": summary.review_line(run.review, None, labels),
        "changes_table": changes,
        "evidence": evidence_entries(register, frame, labels),
        "appendix": appendix,
        "max_conflicts": summary.MAX_CONFLICTS_SHOWN,
    }


def _optional_table(tables: dict[str, pd.DataFrame], name: str, given: object) -> object:
    if given is not None:
        return given
    return tables.get(name)


def build_html_report(
    run_dir: Path,
    stage_labels: list[str],
    labels: str = "zh-Hans",
    *,
    processed_dir: Path | None = None,
    changes: pd.DataFrame | None = None,
) -> Path:
    """Write ``run_dir/report.html`` (see the module doc); return its path.

    Args:
        run_dir: the run folder (``tables/``, ``figures/``, ``notebooks/``).
        stage_labels: the stages that ran, in order (``04_ev_exports`` ...).
        labels: the run's label language.
        processed_dir: the processed (or staging) folder of the run; its facts give evidence
            for facts no stage table holds. Optional.
        changes: HOOK for the analyst loop's "what changed" table (see
            :func:`helpers.publish.summary.changes_sentences`); by default
            ``tables/changes.parquet`` when the run wrote one, else a placeholder sentence.

    Returns:
        The path of report.html.
    """
    tables = read_run_tables(run_dir / "tables", labels)
    run = RunInputs(
        run_dir=run_dir,
        stage_labels=list(stage_labels),
        labels=labels,
        tables=tables,
        changes=_optional_table(tables, CHANGES_TABLE, changes),
        review=tables.get(REVIEW_TABLE),
    )
    html = render_page(page_context(run, processed_dir))
    return io.write_text(html, run_dir / "report.html")

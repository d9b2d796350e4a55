"""The slide deck of a run: one native, editable PowerPoint chart per figure (stage 07).

Each chart of stages 04–06 is saved as ``figures/<stem>.csv`` (the numbers,
:data:`helpers.publish.plots.CHART_COLUMNS`), ``.png`` and a ``.json`` sidecar (kind, title, period,
source line, articles behind it; written by :func:`helpers.publish.plots.save_chart`).
:mod:`helpers.publish.deck_content` turns those into a ``DeckChart`` (pure) and picks the PowerPoint
chart type of its kind; this module builds a 16:9 deck with python-pptx: a title slide, then per
chart a slide with the native chart, its title in the label language and a footnote (sources,
outlets, number of articles), followed by a hidden backup slide holding the PNG.

python-pptx's ``font.name`` writes only the Latin typeface; PowerPoint then draws Chinese with
whatever East Asian font the theme names, often one without the glyphs or the wrong script's
shapes (PITFALLS.md, python-pptx #768). :func:`set_east_asian_font` therefore writes
``<a:latin>``, ``<a:ea>`` and ``<a:cs>`` into every run and default run property of the slides,
the notes and the chart parts (title, axis tick labels, legend, data labels).

Example:
    >>> from helpers.publish.deck_content import describe_chart
    >>> data = pd.DataFrame({"category": ["奇瑞", "比亚迪"], "series": ["出口量"] * 2,
    ...     "value": [936000.0, 705000.0], "unit": ["vehicles"] * 2,
    ...     "period": ["2025年1–9月"] * 2, "source_note": ["中汽协；汽车物流"] * 2})
    >>> chart = describe_chart(data, {"kind": "ranked_bars", "title": "车企出口排名"}, "zh-Hans")
    >>> chart.categories, chart.series[0].values
    (('奇瑞', '比亚迪'), (936000.0, 705000.0))
    >>> prs = build_deck([chart], {"run_date": "2026-11-22"}, "zh-Hans")
    >>> len(prs.slides), prs.slides[1].shapes.title.text
    (2, '车企出口排名')
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from helpers.catalog import texts as lab
from helpers.core import io
from helpers.publish.deck_content import (
    CHART_BOX,
    CJK_RE,
    DATE_FORMAT,
    DEFAULT_NUMBER_FORMAT,
    EAST_ASIAN_FONTS,
    FOOTNOTE_BOX,
    FOOTNOTE_SIZE,
    HORIZONTAL_KINDS,
    INK,
    LANG_TAGS,
    LATIN_FONT,
    LAYOUT_TITLE,
    LAYOUT_TITLE_ONLY,
    MARGIN,
    MUTED_GREY,
    NOTE_GREY,
    NUMBER_FORMATS,
    PALETTE,
    SEP,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    SUBTITLE_SIZE,
    TICK_SIZE,
    TITLE_BOX,
    TITLE_SIZE,
    DeckChart,
    chart_type,
    deck_text,
    footnote_lines,
    title_lines,
)

# --- East Asian typefaces -------------------------------------------------------------------

RPR_TAGS = tuple(qn(f"a:{t}") for t in ("rPr", "defRPr", "endParaRPr"))
# child order of CT_TextCharacterProperties after the fills and underline elements
FONT_SLOTS = ("latin", "ea", "cs", "sym", "hlinkClick", "hlinkMouseOver", "rtl", "extLst")


def _set_typeface(rpr: etree._Element, slot: str, typeface: str) -> None:
    """Set ``<a:{slot} typeface=...>`` in ``rpr``, inserted in schema order."""
    tag = qn(f"a:{slot}")
    font = rpr.find(tag)
    if font is None:
        font = etree.SubElement(rpr, tag)
        later = [qn(f"a:{s}") for s in FONT_SLOTS[FONT_SLOTS.index(slot) + 1 :]]
        successor = next((c for c in rpr if c.tag in later), None)
        if successor is not None:
            successor.addprevious(font)
    font.set("typeface", typeface)


def set_east_asian_font(
    element: etree._Element, typeface: str, *, latin: str = LATIN_FONT, lang: str = ""
) -> int:
    """Give every run under ``element`` Latin, East Asian and complex-script typefaces.

    Runs without run properties get them; default run properties (``a:defRPr``, as in chart
    ``c:txPr`` for axis tick labels, legend and data labels) and end-of-paragraph properties
    are set too. Runs holding CJK text also get ``lang`` when given.

    Args:
        element: any oxml element (a slide, a chart space, a shape).
        typeface: the East Asian typeface, e.g. ``Noto Sans CJK SC``.
        latin: the Latin (and complex-script) typeface.
        lang: language tag for runs with CJK text, e.g. ``zh-CN``.

    Returns:
        The number of run property elements set.

    Example:
        >>> from pptx.oxml import parse_xml
        >>> p = parse_xml('<a:p xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        ...     '<a:r><a:t>比亚迪</a:t></a:r></a:p>')
        >>> set_east_asian_font(p, "Noto Sans CJK SC", lang="zh-CN")
        1
        >>> [(c.tag.split("}")[1], c.get("typeface")) for c in p.find(qn("a:r"))[0]]
        [('latin', 'Arial'), ('ea', 'Noto Sans CJK SC'), ('cs', 'Arial')]
    """
    for run in element.iter(qn("a:r"), qn("a:fld")):
        if run.find(qn("a:rPr")) is None:
            run.insert(0, etree.Element(qn("a:rPr")))
    count = 0
    for rpr in element.iter(*RPR_TAGS):
        _set_typeface(rpr, "latin", latin)
        _set_typeface(rpr, "ea", typeface)
        _set_typeface(rpr, "cs", latin)
        text = rpr.getparent().findtext(qn("a:t")) or ""
        if lang and CJK_RE.search(text):
            rpr.set("lang", lang)
        count += 1
    return count


def _apply_fonts(element: etree._Element, labels: str) -> None:
    set_east_asian_font(element, EAST_ASIAN_FONTS[labels], lang=LANG_TAGS[labels])


# --- slides ---------------------------------------------------------------------------------


def new_presentation() -> Presentation:
    """An empty 16:9 presentation (python-pptx's default template, resized)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    return prs


def _place(shape, box: tuple) -> None:
    shape.left, shape.top, shape.width, shape.height = box


def _write_lines(text_frame, lines: Sequence[str], size, color=INK, bold=False) -> None:
    """Replace the text of a frame by ``lines`` (one paragraph each) in one style."""
    text_frame.word_wrap = True
    text_frame.text = ""
    for i, line in enumerate(lines):
        para = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size, run.font.bold = size, bold
        run.font.color.rgb = color


def _titled_slide(prs, title: str):
    """A slide of the one template: title placeholder at the top left, left-aligned."""
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _place(slide.shapes.title, TITLE_BOX)
    _write_lines(slide.shapes.title.text_frame, [title], TITLE_SIZE, bold=True)
    slide.shapes.title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    return slide


def add_title_slide(prs, stats: dict, n_charts: int, labels: str):
    """The first slide: deck title, run date, article counts and corpus span."""
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    _place(title, (MARGIN, Inches(2.0), SLIDE_WIDTH - 2 * MARGIN, Inches(1.5)))
    _place(subtitle, (MARGIN, Inches(3.7), SLIDE_WIDTH - 2 * MARGIN, Inches(2.0)))
    _write_lines(title.text_frame, [deck_text("deck_title", labels)], Pt(36), bold=True)
    _write_lines(subtitle.text_frame, title_lines(stats, n_charts, labels), SUBTITLE_SIZE,
                 NOTE_GREY)  # fmt: skip
    _apply_fonts(slide._element, labels)
    return slide


def add_empty_slide(prs, labels: str):
    """The slide shown instead of charts when a run produced none."""
    slide = _titled_slide(prs, deck_text("no_charts", labels))
    box = slide.shapes.add_textbox(*CHART_BOX)
    _write_lines(box.text_frame, [deck_text("no_charts_body", labels)], SUBTITLE_SIZE, NOTE_GREY)
    _apply_fonts(slide._element, labels)
    return slide


def chart_data(chart: DeckChart) -> CategoryChartData:
    """python-pptx chart data of a description (dates become a date axis)."""
    fmt = NUMBER_FORMATS.get(chart.unit, DEFAULT_NUMBER_FORMAT)
    data = CategoryChartData(number_format=fmt)
    data.categories = list(chart.categories)
    if chart.kind == "fleet_timeline":
        data.categories.number_format = DATE_FORMAT
    for s in chart.series:
        data.add_series(s.name, list(s.values))
    return data


# NOTE: complexity 12: styles every series of a native chart: house colours, muted bars grey,
# target series dashed with hollow markers, per chart kind.
def _style_series(graphic, chart: DeckChart) -> None:
    """House colours; muted bars grey; target series dashed with hollow markers."""
    is_line = chart.kind in ("share_over_time", "fleet_timeline")
    actual = [s for s in chart.series if not s.is_target]
    for plot_series, spec in zip(graphic.plots[0].series, chart.series, strict=True):
        base = spec.name.split(SEP)[0] if spec.is_target else spec.name
        index = next((i for i, s in enumerate(actual) if s.name == base), 0)
        color = RGBColor.from_string(PALETTE[index % len(PALETTE)])
        if is_line:
            plot_series.format.line.color.rgb = color
            plot_series.format.line.width = Pt(1.5 if spec.is_target else 2.5)
            plot_series.smooth = False
            plot_series.marker.format.fill.solid()
            plot_series.marker.format.fill.fore_color.rgb = (
                RGBColor(0xFF, 0xFF, 0xFF) if spec.is_target else color
            )
            plot_series.marker.format.line.color.rgb = color
            if spec.is_target:
                plot_series.format.line.dash_style = MSO_LINE.DASH
            continue
        plot_series.format.fill.solid()
        plot_series.format.fill.fore_color.rgb = color
    if chart.kind == "ranked_bars":
        _mute_bars(graphic.plots[0].series[0], chart)


def _mute_bars(plot_series, chart: DeckChart) -> None:
    for i, category in enumerate(chart.categories):
        if category in chart.muted:
            point = plot_series.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = RGBColor.from_string(MUTED_GREY)


def _style_labels(graphic, chart: DeckChart) -> None:
    """Value labels on bars (qualified values get their 超 / 约 text), none on lines."""
    if chart.kind not in HORIZONTAL_KINDS:
        return
    plot = graphic.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = NUMBER_FORMATS.get(chart.unit, DEFAULT_NUMBER_FORMAT)
    labels.number_format_is_linked = False
    labels.font.size = TICK_SIZE
    stacked = chart.kind == "stacked_share"
    labels.position = XL_LABEL_POSITION.CENTER if stacked else XL_LABEL_POSITION.OUTSIDE_END
    if stacked:
        plot.overlap, plot.gap_width = 100, 60
    for i, text in chart.point_labels.items():
        plot.series[0].points[i].data_label.text_frame.text = text


def _style_axes(graphic, chart: DeckChart) -> None:
    cat, val = graphic.category_axis, graphic.value_axis
    cat.tick_labels.font.size = TICK_SIZE
    val.tick_labels.font.size = TICK_SIZE
    val.has_major_gridlines = True
    val.major_gridlines.format.line.color.rgb = RGBColor(0xE0, 0xE0, 0xE0)
    if chart.kind in HORIZONTAL_KINDS:
        cat.reverse_order = True  # first row on top, as in the PNG
    if chart.kind != "stacked_share":
        val.minimum_scale = 0
        val.tick_labels.number_format = NUMBER_FORMATS.get(chart.unit, DEFAULT_NUMBER_FORMAT)
        val.tick_labels.number_format_is_linked = False
    if chart.kind == "share_over_time" and chart.unit == "percent":
        val.maximum_scale = 100


def style_chart(graphic, chart: DeckChart, labels: str) -> None:
    """Title (unit and period), axes, legend, labels, colours and typefaces of a chart."""
    graphic.font.size = TICK_SIZE
    graphic.has_title = bool(chart.subtitle)
    if chart.subtitle:
        graphic.chart_title.text_frame.text = chart.subtitle
        graphic.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(13)
    graphic.has_legend = len(chart.series) > 1
    if graphic.has_legend:
        graphic.legend.position = XL_LEGEND_POSITION.BOTTOM
        graphic.legend.include_in_layout = False
        graphic.legend.font.size = TICK_SIZE
    _style_axes(graphic, chart)
    _style_series(graphic, chart)
    _style_labels(graphic, chart)
    if chart.kind in ("share_over_time", "fleet_timeline"):
        # one series per scope has gaps; join its own points across other series' dates
        blanks = graphic._chartSpace.find(f"{qn('c:chart')}/{qn('c:dispBlanksAs')}")
        if blanks is not None:
            blanks.set("val", "span")
    _apply_fonts(graphic._chartSpace, labels)


def add_chart_slide(prs, chart: DeckChart, labels: str, backup_number: int | None = None):
    """A slide with the chart's title, the native chart and the footnote."""
    slide = _titled_slide(prs, chart.title)
    frame = slide.shapes.add_chart(chart_type(chart.kind), *CHART_BOX, chart_data(chart))
    style_chart(frame.chart, chart, labels)
    box = slide.shapes.add_textbox(*FOOTNOTE_BOX)
    box.name = "Footnote"
    _write_lines(box.text_frame, footnote_lines(chart, labels), FOOTNOTE_SIZE, NOTE_GREY)
    if backup_number is not None:
        notes = slide.notes_slide.notes_text_frame
        notes.text = deck_text("notes", labels, stem=chart.stem, n=backup_number)
        _apply_fonts(slide.notes_slide._element, labels)
    _apply_fonts(slide._element, labels)
    return slide


def add_backup_slide(prs, chart: DeckChart, labels: str):
    """A hidden slide with the chart's PNG, fitted into the chart area (skipped in the show).

    NOTE: a hidden slide rather than a picture in the notes: notes pages are small and not
    shown while editing; a hidden slide right after its chart stays with it when slides are
    reordered in pairs, is one click away in the editor and never appears in the slide show.
    """
    slide = _titled_slide(prs, deck_text("backup", labels, title=chart.title))
    slide._element.set("show", "0")
    left, top, width, height = CHART_BOX
    pic = slide.shapes.add_picture(str(chart.picture), left, top, height=height)
    if pic.width > width:
        pic.height = Emu(int(pic.height * width / pic.width))
        pic.width = width
    pic.left = Emu(int(left + (width - pic.width) / 2))
    box = slide.shapes.add_textbox(*FOOTNOTE_BOX)
    box.name = "Footnote"
    _write_lines(box.text_frame, footnote_lines(chart, labels), FOOTNOTE_SIZE, NOTE_GREY)
    _apply_fonts(slide._element, labels)
    return slide


SUMMARY_PREFIX = "summary:"  # name of the body box that marks a summary slide (and its kind)


def findings_lines(findings: pd.DataFrame, labels: str, max_details: int = 6) -> list[str]:
    """The findings slide's text: the count, then per rule and per topic, then a few details.

    Example:
        >>> f = pd.DataFrame({"stage": ["04_ev_exports"], "topic": ["ev_exports"],
        ...     "rule": ["negative_remainder"], "fact_ids": ["a;b"], "detail": ["超出总量"]})
        >>> findings_lines(f, "en")[1]
        'Named companies add up to more than their total: 1'
    """
    if findings.empty:
        return [lab.label("text", "findings_none", labels)]
    lines = [lab.label("text", "findings_count", labels, n=len(findings))]
    for rule, n in findings["rule"].value_counts().sort_index().items():
        lines.append(f"{lab.label('findings', rule, labels)}: {n}")
    per_topic = findings["topic"].value_counts().sort_index()
    sep = lab.label("text", "list_sep", labels)
    lines.append(sep.join(f"{lab.label('topics', t, labels)} {n}" for t, n in per_topic.items()))
    lines += [f"· {d}" for d in findings["detail"].head(max_details)]
    return lines


def add_findings_slide(prs, findings: pd.DataFrame, labels: str):
    """A slide summarising the run's data findings (figures kept out of the charts)."""
    slide = _titled_slide(prs, deck_text("findings_title", labels))
    box = slide.shapes.add_textbox(*CHART_BOX)
    box.name = f"{SUMMARY_PREFIX}findings"
    _write_lines(box.text_frame, findings_lines(findings, labels), FOOTNOTE_SIZE, INK)
    _apply_fonts(slide._element, labels)
    return slide


def add_changes_slide(prs, lines: Sequence[str], labels: str):
    """The "What changed" slide: changes since the previous good run, then the corrections.

    ``lines`` come from :func:`helpers.publish.changes.change_lines` and
    :func:`helpers.publish.changes.corrections_lines` (a first run says so in one line).
    """
    slide = _titled_slide(prs, lab.label("changes", "title", labels))
    box = slide.shapes.add_textbox(*CHART_BOX)
    box.name = f"{SUMMARY_PREFIX}changes"
    _write_lines(box.text_frame, list(lines), FOOTNOTE_SIZE, INK)
    _apply_fonts(slide._element, labels)
    return slide


def summary_kinds(prs: Presentation) -> tuple[str, ...]:
    """The summary slides a built deck holds after its title slide, in order.

    Example:
        >>> summary_kinds(build_deck([], {"run_date": "2026-11-22"}, "en", findings=pd.DataFrame(
        ...     columns=["stage", "topic", "rule", "fact_ids", "detail"])))
        ('findings',)
    """
    kinds = []
    for slide in list(prs.slides)[1:]:
        names = [s.name for s in slide.shapes if s.name.startswith(SUMMARY_PREFIX)]
        if not names:
            break
        kinds.append(names[0].removeprefix(SUMMARY_PREFIX))
    return tuple(kinds)


def slide_plan(
    charts: Sequence[DeckChart], summaries: Sequence[str] = ()
) -> list[tuple[str, DeckChart | None]]:
    """Slides in order as (slide kind, chart): title, summaries, then chart and backup.

    Example:
        >>> [k for k, _ in slide_plan([], ("findings",))]
        ['title', 'findings', 'no_charts']
    """
    plan: list[tuple[str, DeckChart | None]] = [("title", None)]
    plan += [(kind, None) for kind in summaries]
    if not charts:
        plan.append(("no_charts", None))
    for chart in charts:
        plan.append(("chart", chart))
        if chart.picture is not None:
            plan.append(("backup", chart))
    return plan


def build_deck(
    charts: Sequence[DeckChart],
    stats: dict,
    labels: str,
    findings: pd.DataFrame | None = None,
    changes: Sequence[str] | None = None,
) -> Presentation:
    """The whole deck: title slide, summaries, then per chart its slide and picture slide.

    Args:
        charts: chart descriptions in slide order.
        stats: title-slide figures (:func:`corpus_stats` plus ``run_date`` and ``run_id``).
        labels: label language of the deck texts.
        findings: the run's data findings (:mod:`helpers.core.findings`); given, a slide after the
            title summarises them (also when there are none: it says so).
        changes: the lines of the "What changed" slide (since the previous good run, and the
            reviewed corrections); given, it comes right after the title slide.

    Returns:
        The presentation (slides as in :func:`slide_plan`); no charts gives the title slide
        and a "no charts" slide.
    """
    prs = new_presentation()
    summaries = ("changes",) * (changes is not None) + ("findings",) * (findings is not None)
    for number, (kind, chart) in enumerate(slide_plan(charts, summaries), 1):
        if kind == "title":
            add_title_slide(prs, stats, len(charts), labels)
        elif kind == "changes":
            add_changes_slide(prs, changes, labels)
        elif kind == "findings":
            add_findings_slide(prs, findings, labels)
        elif kind == "no_charts":
            add_empty_slide(prs, labels)
        elif kind == "chart":
            backup = number + 1 if chart.picture is not None else None
            add_chart_slide(prs, chart, labels, backup_number=backup)
        else:
            add_backup_slide(prs, chart, labels)
    return prs


def deck_index(prs: Presentation, charts: Sequence[DeckChart]) -> pd.DataFrame:
    """One row per slide: number, kind, hidden, chart stem and kind, title, articles, sources.

    Example:
        >>> prs = build_deck([], {"run_date": "2026-11-22"}, "en")
        >>> deck_index(prs, [])[["slide_number", "slide_kind"]].values.tolist()
        [[1, 'title'], [2, 'no_charts']]
    """
    plan = slide_plan(charts, summary_kinds(prs))
    if len(plan) != len(prs.slides):
        raise ValueError(f"deck has {len(prs.slides)} slides, plan {len(plan)}: rebuild it")
    rows = []
    for number, (slide, (kind, chart)) in enumerate(zip(prs.slides, plan, strict=True), 1):
        rows.append({
            "slide_number": number, "slide_kind": kind,
            "is_hidden": slide._element.get("show") == "0",
            "title": slide.shapes.title.text if slide.shapes.title is not None else "",
            "chart_stem": chart.stem if chart else "",
            "chart_kind": chart.kind if chart else "",
            "n_articles": chart.n_articles if chart else None,
            "sources": chart.source if chart else "",
        })  # fmt: skip
    return pd.DataFrame(rows).astype({"n_articles": "Int64"})


def runs_without_east_asian_font(element: etree._Element) -> list[str]:
    """Texts of runs holding CJK characters whose run properties lack ``<a:ea>``.

    Example:
        >>> from pptx.oxml import parse_xml
        >>> p = parse_xml('<a:p xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        ...     '<a:r><a:t>地平线</a:t></a:r><a:r><a:t>NVIDIA</a:t></a:r></a:p>')
        >>> runs_without_east_asian_font(p)
        ['地平线']
    """
    missing = []
    for run in element.iter(qn("a:r"), qn("a:fld")):
        text = run.findtext(qn("a:t")) or ""
        rpr = run.find(qn("a:rPr"))
        if CJK_RE.search(text) and (rpr is None or rpr.find(qn("a:ea")) is None):
            missing.append(text)
    return missing


def _check_chart(slide, chart: DeckChart) -> list[str]:
    frames = [s for s in slide.shapes if s.has_chart]
    if len(frames) != 1:
        return [f"{chart.stem}: {len(frames)} charts on its slide"]
    graphic = frames[0].chart
    problems = [f"{chart.stem}: chart text {t!r} has no East Asian typeface"
                for t in runs_without_east_asian_font(graphic._chartSpace)]  # fmt: skip
    if graphic.chart_type != chart_type(chart.kind):
        problems.append(f"{chart.stem}: chart type {graphic.chart_type} for kind {chart.kind}")
    got = [(s.name, tuple(s.values)) for s in graphic.plots[0].series]
    want = [(s.name, s.values) for s in chart.series]
    if got != want:
        problems.append(f"{chart.stem}: series {got} differ from the chart data {want}")
    return problems


def check_deck(prs: Presentation, charts: Sequence[DeckChart]) -> list[str]:
    """Problems of a built deck (empty when fine).

    Slide plan, native chart series equal to the chart data, hidden backups, an East Asian typeface
    on every Chinese run.

    Example:
        >>> check_deck(build_deck([], {"run_date": "2026-11-22"}, "zh-Hant"), [])
        []
    """
    plan = slide_plan(charts, summary_kinds(prs))
    if len(plan) != len(prs.slides):
        return [f"deck has {len(prs.slides)} slides, expected {len(plan)}"]
    problems = []
    for number, (slide, (kind, chart)) in enumerate(zip(prs.slides, plan, strict=True), 1):
        problems += [f"slide {number}: {t!r} has no East Asian typeface"
                     for t in runs_without_east_asian_font(slide._element)]  # fmt: skip
        if kind == "chart":
            problems += _check_chart(slide, chart)
        if (kind == "backup") != (slide._element.get("show") == "0"):
            problems.append(f"slide {number} ({kind}): wrong hidden state")
    return problems


def write_deck(prs: Presentation, target: str | Path) -> Path:
    """Save the deck atomically (a reader never sees half a file)."""
    target = Path(target)
    with io.atomic_path(target) as tmp:
        prs.save(str(tmp))
    return target

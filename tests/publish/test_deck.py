"""The slide deck (stage 07): native charts from chart CSVs, footnotes, hidden picture slides
and East Asian typefaces on every Chinese run; plus the real suite end to end."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn

from helpers.core import io
from helpers.core.paths import NOTEBOOKS_DIR, PROJ_ROOT
from helpers.pipeline import runner
from helpers.publish import charts as share_charts
from helpers.publish import deck, deck_content, plots

RAW_SMALL = PROJ_ROOT / "tests" / "fixtures" / "raw_small"
CJK = deck_content.CJK_RE
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def tidy(rows: list[tuple], unit: str, **extra) -> pd.DataFrame:
    """Chart CSV rows (category, series, value) in the plots.CHART_COLUMNS layout."""
    out = pd.DataFrame(rows, columns=["category", "series", "value"])
    out = out.assign(unit=unit, period="2025年", source_note="高工智能汽车；晶片週刊")
    return out.assign(**extra)


BARS = tidy([("地平线", "份额 · 高工", 47.66), ("Mobileye", "份额 · 高工", 27.81),
             ("其他", "份额 · 高工", 7.08)], "percent")  # fmt: skip
LINES = tidy([("2023年上半年", "英伟达 · NOA芯片", 52.57), ("2025年", "英伟达 · NOA芯片", 49.36),
              ("2023年上半年", "地平线 · NOA芯片", 30.71)], "percent")  # fmt: skip
STACKED = tidy([("2024年 · 中汽协", "新能源车出口", 21.92),
                ("2025年 · 中汽协", "新能源车出口", 36.84),
                ("2024年 · 中汽协", "燃油车及其他", 78.08),
                ("2025年 · 中汽协", "燃油车及其他", 63.16)], "percent")  # fmt: skip
FLEET = tidy([("2024-12-31", "小马智行", 270.0), ("2025-11-23", "小马智行", 961.0),
              ("2026-12-31", "小马智行", 3000.0), ("2025-05-05", "Waymo", 1500.0)], "vehicles",
             kind=["actual", "actual", "target", "actual"])  # fmt: skip
CHARTS = {
    # stem: (data, kind, expected PowerPoint type, articles behind)
    "05-bars": (BARS, "ranked_bars", XL_CHART_TYPE.BAR_CLUSTERED, 2),
    "05-lines": (LINES, "share_over_time", XL_CHART_TYPE.LINE_MARKERS, 3),
    "05-stacked": (STACKED, "stacked_share", XL_CHART_TYPE.BAR_STACKED_100, 4),
    "06-fleet": (FLEET, "fleet_timeline", XL_CHART_TYPE.LINE_MARKERS, 5),
}
STATS = {"run_id": "20261122T001223Z-d264f68", "run_date": "2026-11-22 00:12 UTC",
         "n_all": 58, "n_canonical": 48, "n_facts": 165, "first_date": "2023-06-20",
         "last_date": "2026-02-11"}  # fmt: skip


def write_figures(folder, labels="zh-Hans"):
    """Save the inline charts as a stage would: PNG/SVG/CSV and the JSON sidecar."""
    for stem, (data, kind, _, n_articles) in CHARTS.items():
        fig, ax = plots.plt.subplots(figsize=(2, 1))
        ax.plot([0, 1], [0, 1])
        meta = {"kind": kind, "title": f"标题{stem}", "period": "2025年",
                "source": "来源：高工智能汽车；晶片週刊", "n_articles": n_articles,
                "data_sources": ["高工智能汽车"], "outlets": ["晶片週刊", "汽车电子网"],
                "muted": ["其他"],
                "qualifiers": ["approx", "", ""] if kind == "ranked_bars" else []}  # fmt: skip
        plots.save_chart(fig, data, folder, stem, meta=meta)
        plots.plt.close(fig)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The deck of the inline charts, written to disk and opened again."""
    folder = write_figures(tmp_path_factory.mktemp("figures"))
    charts = deck_content.load_charts(folder, "zh-Hans")
    path = deck.write_deck(deck.build_deck(charts, STATS, "zh-Hans"), folder / "deck.pptx")
    return folder, charts, Presentation(str(path))


def chart_slides(prs):
    return [s for s in prs.slides if any(sh.has_chart for sh in s.shapes)]


def the_chart(slide):
    return next(sh for sh in slide.shapes if sh.has_chart).chart


def cjk_runs_without_ea(element) -> list[str]:
    """Independent of deck.py: runs with CJK text lacking <a:ea typeface=...>."""
    bad = []
    for run in element.iter(qn("a:r")):
        text = run.findtext(qn("a:t")) or ""
        ea = run.find(f"{qn('a:rPr')}/{qn('a:ea')}")
        if CJK.search(text) and (ea is None or not ea.get("typeface")):
            bad.append(text)
    return bad


def test_slide_count_size_and_hidden_picture_slides(built):
    _, _, prs = built
    assert len(prs.slides) == 1 + 2 * len(CHARTS)  # title, then chart + backup per chart
    assert (prs.slide_width, prs.slide_height) == (12_192_000, 6_858_000)  # 13.333 x 7.5 in
    assert prs.slide_width * 9 == prs.slide_height * 16
    slides = list(prs.slides)
    for chart_slide, backup in zip(slides[1::2], slides[2::2], strict=True):
        assert chart_slide._element.get("show") != "0"
        assert backup._element.get("show") == "0"
        assert backup.shapes.title.text == f"{chart_slide.shapes.title.text}（图片版）"
        assert [sh.shape_type for sh in backup.shapes].count(13) == 1  # MSO_SHAPE_TYPE.PICTURE
    assert "第 3 页" in slides[1].notes_slide.notes_text_frame.text


def test_title_slide_has_run_date_counts_and_span(built):
    _, _, prs = built
    text = "\n".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert "2026-11-22 00:12 UTC" in text
    assert "文章58篇，去重后48篇；事实165条；图表4张" in text
    assert "2023-06-20 至 2026-02-11" in text


def test_each_chart_is_native_with_the_csv_values(built):
    folder, _, prs = built
    slides = chart_slides(prs)
    assert len(slides) == len(CHARTS)
    for slide, (stem, (_, kind, expected_type, _)) in zip(slides, CHARTS.items(), strict=True):
        chart = the_chart(slide)
        assert slide.shapes.title.text == f"标题{stem}"
        assert chart.chart_type == expected_type, stem
        csv = io.read_table(folder / f"{stem}.csv")
        plot = chart.plots[0]
        categories = list(plot.categories)
        if kind == "fleet_timeline":
            csv = csv[csv["kind"] == "actual"]
            # date categories are cached as Excel serial day numbers
            days = [float(c) for c in categories]
            categories = [pd.Timestamp("1899-12-30") + pd.Timedelta(days=d) for d in days]
            csv = csv.assign(category=pd.to_datetime(csv["category"]))
        series = {s.name: s.values for s in plot.series}
        for category, name, value in csv[["category", "series", "value"]].itertuples(index=False):
            assert series[name][categories.index(category)] == pytest.approx(value), (stem, name)


def test_fleet_target_is_a_dashed_series_joined_to_the_last_actual(built):
    _, _, prs = built
    chart = the_chart(chart_slides(prs)[-1])
    series = {s.name: s for s in chart.plots[0].series}
    target = series["小马智行 · 目标"]
    assert [v for v in target.values if v is not None] == [961.0, 3000.0]
    assert [v for v in series["小马智行"].values if v is not None] == [270.0, 961.0]
    assert target.format.line.dash_style is not None


def test_qualified_and_muted_bars(built):
    _, _, prs = built
    chart = the_chart(chart_slides(prs)[0])
    assert chart.category_axis.reverse_order  # first row on top, as in the PNG
    xml = etree.tostring(chart._chartSpace, encoding="unicode")
    assert "约47.66%" in xml  # custom label of the qualified bar
    assert 'val="B0B0B0"' in xml  # 其他 drawn grey


def test_footnotes_name_sources_outlets_and_articles(built):
    _, _, prs = built
    for slide, (stem, (*_, n_articles)) in zip(chart_slides(prs), CHARTS.items(), strict=True):
        notes = [sh for sh in slide.shapes if sh.name == "Footnote"]
        assert len(notes) == 1, stem
        text = notes[0].text_frame.text
        assert text.startswith("来源：高工智能汽车；晶片週刊")
        assert "数据口径：高工智能汽车" in text and "媒体：晶片週刊、汽车电子网" in text
        assert f"文章 {n_articles} 篇" in text


def test_every_chinese_run_has_an_east_asian_typeface(built):
    _, _, prs = built
    for number, slide in enumerate(prs.slides, 1):
        assert cjk_runs_without_ea(slide._element) == [], number
        if slide.has_notes_slide:
            assert cjk_runs_without_ea(slide.notes_slide._element) == [], number
    for slide in chart_slides(prs):
        space = the_chart(slide)._chartSpace
        assert cjk_runs_without_ea(space) == []
        assert CJK.search("".join(space.itertext()))  # the chart does hold Chinese
        # tick labels, legend and data labels take their font from c:txPr default run props
        defaults = list(space.iter(qn("a:defRPr")))
        assert len(defaults) >= 3
        assert all(d.find(qn("a:ea")).get("typeface") == "Noto Sans CJK SC" for d in defaults)
        title_runs = space.findall(f".//{qn('c:title')}//{qn('a:r')}")
        assert title_runs and all(r.find(f"{qn('a:rPr')}/{qn('a:ea')}") is not None
                                  for r in title_runs)  # fmt: skip


@pytest.mark.parametrize(
    ("labels", "typeface", "title"),
    [
        pytest.param("zh-Hant", "Noto Sans CJK TC", "中國汽車新聞", id="zh-Hant"),
        pytest.param("en", "Noto Sans CJK SC", "China auto news", id="en"),
    ],
)
def test_label_language_sets_texts_and_typeface(tmp_path, labels, typeface, title):
    charts = deck_content.load_charts(write_figures(tmp_path, labels), labels)
    prs = deck.build_deck(charts, STATS, labels)
    assert prs.slides[0].shapes.title.text.startswith(title)
    eas = {e.get("typeface") for e in prs.slides[1]._element.iter(qn("a:ea"))}
    assert eas == {typeface}
    assert deck.check_deck(prs, charts) == []


def test_empty_figures_folder_gives_title_and_no_charts_slide(tmp_path):
    charts = deck_content.load_charts(tmp_path, "zh-Hans")
    prs = deck.build_deck(charts, STATS, "zh-Hans")
    assert charts == [] and len(prs.slides) == 2
    assert prs.slides[1].shapes.title.text == "本次运行没有图表"
    assert "图表0张" in prs.slides[0].placeholders[1].text_frame.text
    index = deck.deck_index(prs, charts)
    assert index["slide_kind"].tolist() == ["title", "no_charts"]


def test_csv_without_sidecar_still_gets_a_chart(tmp_path):
    io.write_table(STACKED, tmp_path / "04-nev-share.csv")
    (chart,) = deck_content.load_charts(tmp_path, "zh-Hans")
    assert (chart.kind, chart.title, chart.n_articles, chart.picture) == (
        "stacked_share", "04-nev-share", None, None)  # fmt: skip
    prs = deck.build_deck([chart], STATS, "zh-Hans")
    assert len(prs.slides) == 2 and deck.check_deck(prs, [chart]) == []


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param("ranked_bars", XL_CHART_TYPE.BAR_CLUSTERED, id="bars"),
        pytest.param("share_over_time", XL_CHART_TYPE.LINE_MARKERS, id="lines"),
        pytest.param("stacked_share", XL_CHART_TYPE.BAR_STACKED_100, id="stacked"),
        pytest.param("fleet_timeline", XL_CHART_TYPE.LINE_MARKERS, id="fleet"),
    ],
)
def test_chart_type_per_kind(kind, expected):
    assert deck_content.chart_type(kind) == expected


def test_unknown_kind_fails_loudly():
    with pytest.raises(ValueError, match="unknown chart kind"):
        deck_content.chart_type("pie")


def test_set_east_asian_font_keeps_schema_order_and_is_idempotent():
    p = parse_xml(
        f'<a:p xmlns:a="{A_NS}"><a:r><a:rPr><a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
        '<a:latin typeface="Calibri"/><a:hlinkClick/></a:rPr><a:t>輝達</a:t></a:r></a:p>'
    )
    for _ in range(2):
        deck.set_east_asian_font(p, "Noto Sans CJK TC", lang="zh-TW")
    rpr = p.find(f"{qn('a:r')}/{qn('a:rPr')}")
    assert [etree.QName(c).localname for c in rpr] == [
        "solidFill", "latin", "ea", "cs", "hlinkClick",
    ]  # fmt: skip
    assert rpr.find(qn("a:ea")).get("typeface") == "Noto Sans CJK TC"
    assert rpr.find(qn("a:latin")).get("typeface") == deck_content.LATIN_FONT
    assert rpr.get("lang") == "zh-TW"


def test_duplicate_category_series_pairs_keep_the_first_value():
    data = pd.concat([LINES, LINES.iloc[[0]].assign(source_note="另一篇")], ignore_index=True)
    _, series = deck_content.pivot_series(data)
    assert series[0].values == (52.57, 49.36)


# --- chart sidecars written where the charts are made ----------------------------------------


def test_save_chart_writes_the_sidecar_only_when_given(tmp_path):
    fig, _ = plots.plt.subplots(figsize=(2, 1))
    plain = plots.save_chart(fig, BARS, tmp_path, "a")
    with_meta = plots.save_chart(fig, BARS, tmp_path, "b", meta={"title": "份额", "kind": "x"})
    plots.plt.close(fig)
    assert [p.suffix for p in plain] == [".png", ".svg", ".csv"]
    assert [p.suffix for p in with_meta] == [".png", ".svg", ".csv", ".json"]
    meta = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert meta == {"stem": "b", "title": "份额", "kind": "x"}


def test_chart_meta_counts_distinct_articles_of_the_facts_behind_it():
    long = pd.DataFrame({
        "fact_id": ["f1", "f2", "f3", "f4"], "article_id": ["a1", "a1", "a2", "a3"],
        "basis_name": ["高工智能汽车", "高工智能汽车", "佐思汽研", "高工智能汽车"],
        "source_name": ["晶片週刊", "晶片週刊", "汽车电子网", "智駕前線"],
    })  # fmt: skip
    rows = pd.DataFrame({"fact_ids": ["f1;f2", "f3"], "value": [47.66, 27.81]})
    data = tidy([("地平线", "份额", 47.66), ("Mobileye", "份额", 27.81)], "percent")
    spec = share_charts.ChartSpec("s", "ranked_bars", data, "份额", "2025年", "来源：高工",
                                  fact_ids=share_charts._fact_ids(rows))  # fmt: skip
    meta = share_charts.chart_meta(spec, long)
    assert (meta["n_articles"], meta["n_facts"], meta["article_ids"]) == (2, 3, ["a1", "a2"])
    assert meta["data_sources"] == ["高工智能汽车", "佐思汽研"]
    assert meta["outlets"] == ["晶片週刊", "汽车电子网"]
    with pytest.raises(ValueError, match="not in the long table"):
        share_charts.chart_meta(spec, long[long["fact_id"] != "f3"])


# --- the real suite -----------------------------------------------------------------------------


@pytest.mark.slow
def test_real_suite_leaves_a_deck_with_one_chart_slide_per_figure(tmp_path):
    cfg = runner.RunConfig(
        raw_dir=RAW_SMALL, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r",
        notebooks_dir=NOTEBOOKS_DIR,
    )  # fmt: skip
    out = runner.run_pipeline(cfg, echo=lambda _: None)
    assert out.ok, out.message
    figures = out.run_dir / "figures"
    stems = sorted(p.stem for p in figures.glob("*.csv"))
    assert stems, "the fixture set should give at least one chart"
    assert sorted(p.stem for p in figures.glob("*.json")) == stems, "every chart has a sidecar"
    prs = Presentation(str(out.run_dir / "deck.pptx"))
    slides = chart_slides(prs)
    assert len(slides) == len(stems)
    # title, what changed (issue 16), data findings, then a chart slide and its hidden picture
    assert len(prs.slides) == 3 + 2 * len(stems)
    assert deck.summary_kinds(prs) == ("changes", "findings")
    index = io.read_table(cfg.processed_dir / "deck_index.parquet")
    assert index.loc[index["slide_kind"] == "chart", "chart_stem"].tolist() == stems
    for slide, stem in zip(slides, stems, strict=True):
        meta = json.loads((figures / f"{stem}.json").read_text(encoding="utf-8"))
        assert slide.shapes.title.text == meta["title"]
        assert meta["n_articles"] >= 1
        footnote = next(sh for sh in slide.shapes if sh.name == "Footnote").text_frame.text
        assert f"文章 {meta['n_articles']} 篇" in footnote
        assert cjk_runs_without_ea(slide._element) == []
        assert cjk_runs_without_ea(the_chart(slide)._chartSpace) == []

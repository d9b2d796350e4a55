"""Charts render Chinese in both scripts without missing glyphs, and ship with their data."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from matplotlib import font_manager

from helpers.publish import fonts, plots

LABELS = {
    "zh-Hans": ["英伟达", "地平线", "华为", "特斯拉"],
    "zh-Hant": ["輝達", "地平線", "華為", "晶片市佔率"],
}


@pytest.fixture(autouse=True)
def _needs_cjk_font():
    # NOTE: `make test` installs a CJK font first (make fonts): a missing one is a failure.
    assert fonts.available_cjk_families(), fonts.INSTALL_HINT


@pytest.mark.parametrize("labels", ["zh-Hans", "zh-Hant"])
def test_chart_with_chinese_labels_has_no_missing_glyphs(labels, tmp_path):
    families = plots.apply_house_style(labels)
    assert families[0] in fonts.preferred_families(labels)
    names = LABELS[labels]
    data = pd.DataFrame({"vendor": names, "share_pct": [39.0, 32.0, 20.0, 9.0]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plots.plt.subplots()
        ax.barh(data["vendor"], data["share_pct"])
        ax.set_title(f"{names[0]}與{names[1]}：2025年份額（%）")
        plots.add_source_note(fig, "來源：蓋世汽車研究院；乘联会")
        written = plots.save_chart(fig, data, tmp_path, "01-测试图")
        plots.plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert [p.suffix for p in written] == [".png", ".svg", ".csv"]
    assert all(p.stat().st_size > 0 for p in written)
    assert pd.read_csv(written[2], encoding="utf-8-sig")["vendor"].tolist() == names


def test_font_in_use_has_every_glyph():
    path = font_manager.findfont(font_manager.FontProperties(family=plots.apply_house_style()[0]))
    font = font_manager.get_font(path)
    text = "".join(LABELS["zh-Hans"] + LABELS["zh-Hant"])
    assert all(font.get_char_index(ord(ch)) for ch in text)


def test_preferences_cover_both_scripts_and_exclude_proprietary_fonts():
    for labels in ("zh-Hans", "zh-Hant", "en"):
        fams = fonts.preferred_families(labels)
        assert "SimHei" not in fams and len(fams) == len(set(fams))


# --- share charts (stages 04–06) in every label language -------------------------------------

CHART_LANGS = ["zh-Hans", "zh-Hant", "en"]


def _tidy(categories, series, values, unit="percent", **extra):
    n = len(values)
    data = {
        "category": categories, "series": series if isinstance(series, list) else [series] * n,
        "value": values, "unit": [unit] * n, "period": ["2025"] * n, "source_note": ["x"] * n,
    }  # fmt: skip
    return pd.DataFrame({**data, **extra})


def _chart_specs(labels: str):
    from helpers.catalog import texts as lab
    from helpers.publish.charts import ChartSpec

    names = [lab.entity_label(e, labels) for e in ("nvidia", "horizon_robotics", "huawei")]
    scope = lab.label("scopes", "urban_noa", labels)
    note = plots.source_line([lab.basis_label("ggii", labels) + "；智駕前線 2026-02-05"], labels)
    period = lab.format_period("2025-01/2025-09", labels)
    fleets = [lab.entity_label(e, labels) for e in ("pony_ai", "pony_ai", "pony_ai")]
    return [
        ChartSpec("bars", "ranked_bars", _tidy(names, scope, [49.36, 30.0, 15.0]),
                  lab.label("titles", "chip_share_ranked", labels, scope=scope), period, note,
                  qualifiers=("", "approx", "over")),
        ChartSpec("lines", "share_over_time",
                  _tidy([period, period, "2025"], names, [52.57, 30.7, 49.36]),
                  lab.label("titles", "chip_share_over_time", labels), period, note),
        ChartSpec("stacked", "stacked_share", _tidy([scope] * 3, names, [50.0, 30.0, 20.0]),
                  lab.label("titles", "chip_share_stacked", labels), period, note),
        ChartSpec("fleet", "fleet_timeline",
                  _tidy(["2024-12-31", "2025-11-23", "2026-12-31"], fleets, [270.0, 961.0, 3000.0],
                        unit="vehicles", kind=["actual", "actual", "target"]),
                  lab.label("titles", "fleet_timeline", labels), period, note),
    ]  # fmt: skip


@pytest.mark.parametrize("labels", CHART_LANGS)
def test_share_charts_render_without_missing_glyphs(labels, tmp_path):
    plots.apply_house_style(labels)
    for spec in _chart_specs(labels):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig = plots.draw_chart(spec, labels)
            written = plots.save_chart(fig, spec.data, tmp_path, f"{labels}-{spec.stem}")
            plots.plt.close(fig)
        missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
        assert missing == [], f"{labels} {spec.kind}: {missing}"
        assert all(p.stat().st_size > 0 for p in written)
        pd.testing.assert_frame_equal(
            pd.read_csv(written[2], encoding="utf-8-sig", dtype={"period": str}), spec.data
        )


def test_every_label_and_catalog_name_has_glyphs():
    from helpers.catalog import entities
    from helpers.catalog import texts as lab

    path = font_manager.findfont(font_manager.FontProperties(family=plots.apply_house_style()[0]))
    font = font_manager.get_font(path)
    texts = [t for sec in lab.load_labels().values() for e in sec.values() for t in e.values()]
    texts += [n for e in entities.load_catalog().entities.values() for n in e.names.values()]
    missing = sorted(
        {ch for t in texts for ch in t if ch.strip() and not font.get_char_index(ord(ch))}
    )
    assert missing == []

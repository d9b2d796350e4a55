"""Charts render Chinese in both scripts without missing glyphs, and ship with their data."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from matplotlib import font_manager

from helpers import fonts, plots

LABELS = {
    "zh-Hans": ["英伟达", "地平线", "华为", "特斯拉"],
    "zh-Hant": ["輝達", "地平線", "華為", "晶片市佔率"],
}


@pytest.fixture(autouse=True)
def _needs_cjk_font():
    if not fonts.available_cjk_families():
        pytest.skip(fonts.INSTALL_HINT)


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

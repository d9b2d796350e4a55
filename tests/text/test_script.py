"""helpers.text.script: the one script detector, the one OpenCC factory, the one NFKC fold."""

from __future__ import annotations

import sys
import types

import pytest

from helpers.text import script
from helpers.text.script import detect_script, fold_nfkc, normalize_width

CHIPS_HANT = "城市領航輔助駕駛的晶片市佔率出現明顯變化，輝達仍居首位，部分車企開始自研晶片。"
CHIPS_HANS = "城市领航辅助驾驶的芯片市占率出现明显变化，英伟达仍居首位，部分车企开始自研芯片。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("這種選擇背后的邏輯並不複雜", "hant", id="hant-with-leftover"),
        pytest.param("这种选择背后的逻辑并不复杂", "hans", id="hans"),
        pytest.param("國内車市与出口", "mixed", id="mixed"),
        pytest.param("Robotaxi 2025", "hans", id="no-han"),
        pytest.param(CHIPS_HANT, "hant", id="hant-paragraph"),
        pytest.param(CHIPS_HANS, "hans", id="hans-paragraph"),
        pytest.param("2025年1-11月", "hans", id="no-han-specific"),
        pytest.param("數據顯示銷量大增，这一数字远高于预期", "mixed", id="mixed-sentence"),
    ],
)
def test_detect_script(text, expected):
    assert detect_script(text) == expected


def test_majority_threshold_decides():
    # 8 Traditional-only characters of 10 script-specific ones: exactly the 80 % majority
    assert script.SCRIPT_MAJORITY == 0.8
    assert detect_script("國國國國國國國國国国") == "hant"
    assert detect_script("國國國國國國國国国国") == "mixed"


def test_one_converter_per_config_is_built_once():
    assert script.opencc_converter("t2s") is script.opencc_converter("t2s")
    assert script.convert_script("輝達晶片資料", "tw2sp") == "英伟达芯片数据"
    assert script.convert_script("輝達", "none") == "輝達"


def test_the_lookalike_opencc_package_is_refused(monkeypatch):
    fake = types.ModuleType("opencc")  # opencc-python-reimplemented has no compiled clib
    fake.OpenCC = lambda config: None
    monkeypatch.setitem(sys.modules, "opencc", fake)
    script.opencc_converter.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="not the official OpenCC"):
            script.opencc_converter("t2s")
    finally:
        monkeypatch.undo()
        script.opencc_converter.cache_clear()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ＢＹＤ ２０２５，比亞迪", "BYD 2025,比亞迪", id="full-width"),
        pytest.param("①", "1", id="circled-digit"),
        pytest.param("猫", "猫", id="never-ascii-folding"),
    ],
)
def test_fold_nfkc(text, expected):
    assert fold_nfkc(text) == expected


def test_normalize_width_keeps_every_offset():
    text = "２０２５年　１１月，①增長１２％"
    assert len(normalize_width(text)) == len(text)
    assert normalize_width(text) == "2025年 11月,1增長12%"

"""helpers.text.script: the one script detector, the one OpenCC factory, the one NFKC fold."""

from __future__ import annotations

import random
import sys
import types
import unicodedata
from pathlib import Path

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


# --- detect_script against the Counter-based implementation it replaced (issue 17) ---

FIXTURE_DIRS = ("data/raw/sample", "tests/fixtures/heldout", "tests/fixtures/heldout2")
EDGE_CODES = (0x33FF, 0x3400, 0x4DBF, 0x4DC0, 0x4DFF, 0x4E00, 0x9FFF, 0xA000, 0xF8FF, 0xF900)
EDGE_CODES += (0xFA0E, 0xFAFF, 0xFB00, 0x20000, 0x2F800)  # + Ext. B and its compatibility block


def _counter_detect_script(text: str) -> str:
    """The implementation before issue 17, with its own OpenCC calls (no shared cache)."""
    from collections import Counter

    counts = Counter(script.HAN_RE.findall(text))
    if not counts:
        return "hans"
    chars = list(counts)
    as_simp = script.opencc_converter("t2s").convert("\n".join(chars)).split("\n")
    as_trad = script.opencc_converter("s2t").convert("\n".join(chars)).split("\n")
    pairs = zip(chars, as_simp, as_trad, strict=True)
    kinds = {c: "t" if s != c else ("s" if t != c else "") for c, s, t in pairs}
    trad = sum(n for ch, n in counts.items() if kinds[ch] == "t")
    simp = sum(n for ch, n in counts.items() if kinds[ch] == "s")
    if trad + simp == 0:
        return "hans"
    share = trad / (trad + simp)
    if share >= script.SCRIPT_MAJORITY:
        return "hant"
    return "hans" if share <= 1 - script.SCRIPT_MAJORITY else "mixed"


def _fixture_paragraphs() -> list[str]:
    """Paragraphs of the bundled raw files, each read as UTF-8, GB18030 and Big5 (mojibake too)."""
    root = Path(__file__).resolve().parents[2]
    paragraphs = []
    for folder in FIXTURE_DIRS:
        for path in sorted((root / folder).glob("*.txt")):
            raw = path.read_bytes()
            for codec in ("utf-8", "gb18030", "big5"):
                paragraphs += raw.decode(codec, errors="replace").split("\n")
    return [p for p in paragraphs if p.strip()]


def _random_texts(n: int) -> list[str]:
    """Seeded mixes of Traditional-only, Simplified-only, shared Han and other characters."""
    rng = random.Random(17)
    han = [chr(c) for lo, hi in script.HAN_RANGES for c in range(lo, hi + 1)]
    pools = (han, list("國国車车這这數数的是在年月 2025，。%ABC"), [chr(c) for c in EDGE_CODES])
    texts = []
    for _ in range(n):
        pool = rng.choice(pools)
        texts.append("".join(rng.choice(pool) for _ in range(rng.randint(0, 40))))
    return texts


def test_script_classes_hold_exactly_the_script_specific_characters():
    # every Han code point converted on its own, not in one joined batch
    trad_re, simp_re = script._script_patterns()
    t2s, s2t = script.opencc_converter("t2s"), script.opencc_converter("s2t")
    for lo, hi in script.HAN_RANGES:
        for code in range(lo, hi + 1):
            ch = chr(code)
            is_trad = t2s.convert(ch) != ch
            assert bool(trad_re.fullmatch(ch)) == is_trad, ch
            assert bool(simp_re.fullmatch(ch)) == (not is_trad and s2t.convert(ch) != ch), ch
    assert not any(trad_re.match(chr(c)) or simp_re.match(chr(c)) for c in (0x33FF, 0xA000, 0xFB00))


def test_detect_script_gives_the_counter_implementations_labels():
    doctest_texts = ["國內汽車銷量", "国内汽车销量", "這種選擇背后的邏輯", "国內車市", "2025", ""]
    texts = [*doctest_texts, CHIPS_HANT, CHIPS_HANS, *_fixture_paragraphs(), *_random_texts(3000)]
    labels = {detect_script(t) for t in texts}
    assert labels == {"hant", "hans", "mixed"}  # the texts reach every label
    for text in texts:
        assert detect_script(text) == _counter_detect_script(text), text


def _per_character_width(text: str) -> str:
    """The implementation before issue 17: NFKC of each character, kept when one character."""
    out = [f if len(f := unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text]
    return "".join(out).replace("\u3000", " ")


def test_normalize_width_folds_every_code_point_as_the_per_character_loop():
    # a per-character map: equal on every code point means equal on every text
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert normalize_width(everything) == _per_character_width(everything)
    bmp_only = everything[: 0x10000 - 0x800]
    assert normalize_width(bmp_only) == _per_character_width(bmp_only)
    for text in ("約２００至２４０億元，", "２０２５年　１１月", "𝐁𝐘𝐃 ２０２５", "\ud800x", ""):
        assert normalize_width(text) == _per_character_width(text)


def test_fold_nfkc_equals_plain_nfkc_on_every_code_point_and_combining_runs():
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert fold_nfkc(everything) == unicodedata.normalize("NFKC", everything)
    # full-width forms and compatibility characters among combining marks, Hangul jamo,
    # characters that compose with what precedes them, in random order
    pool = "Ａａ１，。ｶﾞﾟ가각ᄀ\u1161\u11a8e\u0301\u0323\u0308ﬁ①㈱\u3000 国國\uf900\u0b47\u0b3e"
    pool += "\u1100\u1161\u03a9\u0345\u2126Å\u212b\u0041\u030a\uff9e\u3099か\u309a"
    rng = random.Random(17)
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert fold_nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)


def test_normalize_width_in_steps_gives_the_per_character_fold():
    # the common full-width marks replaced first, the rest found by one class: texts with
    # only the common marks (no translate), with other folds too, ASCII only, astral
    _bmp, folds, rest = script._width_tables()
    common = {ch for ch, _ in script.COMMON_FOLDS}
    for code in range(0x110000):
        if not 0xD800 <= code <= 0xDFFF:
            expected = code in folds and chr(code) not in common and code < 0x10000
            assert bool(rest.match(chr(code))) == expected
    pool = [*common, "Ａ", "１", "①", "ｶ", "．", "＂", "\uf900", "𝐁", "国", "國", "a", "1", " "]
    pool.append("。")  # no decomposition: never folded
    rng = random.Random(17)
    texts = ["", "BYD 2025", "出口，增長（兩成）！", "　１２％", "全形：；？"]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 20))) for _ in range(20000)]
    texts += ["".join(rng.choice([*common, "汽", "車"]) for _ in range(30)) for _ in range(2000)]
    for text in texts:
        assert normalize_width(text) == _per_character_width(text), ascii(text)


def test_count_script_chars_by_table_gives_the_findall_counts():
    trad_re, simp_re = script._script_patterns()
    han = "".join(chr(c) for lo, hi in script.HAN_RANGES for c in range(lo, hi + 1))
    rng = random.Random(17)
    pool = list("國国車车這这數数的是在年月 2025，。%ABC𠀀\U0010ffff\ud800\uffff")
    texts = [han, han[::-1], "", "国" * 199, "国" * 200, "國" * 201]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(150, 400))) for _ in range(2000)]
    texts += [p * 3 for p in _fixture_paragraphs()]
    for text in texts:
        expected = (len(trad_re.findall(text)), len(simp_re.findall(text)))
        assert script.count_script_chars(text) == expected, ascii(text[:40])

"""helpers.parse.quality: garble and mojibake (the suspect count of issue 17's speed work)."""

from __future__ import annotations

from pathlib import Path

from helpers.parse import quality

# --- the suspect class against the translate-based count it replaced (issue 17) ---


def _translate_count(text: str) -> tuple[int, int]:
    """count_suspects before issue 17: delete the common characters, count what is left."""
    scored = len(quality.SCORED_RE.findall(text))
    if not scored:
        return 0, 0
    rest = text.translate(dict.fromkeys(map(ord, quality.common_han())))
    return scored, len(quality.SCORED_RE.findall(rest))


def test_suspect_class_holds_exactly_the_suspects_on_every_bmp_code_point():
    common = quality.common_han()
    for code in range(0x10000):
        ch = chr(code)
        old = quality.SUSPECT_SYMBOL_RE.match(ch) is not None or (
            quality.HAN_RE.match(ch) is not None and ch not in common
        )
        assert quality._is_suspect(ch) == old, hex(code)


def test_count_suspects_equals_the_translate_count_on_mojibake_and_clean_text():
    root = Path(__file__).resolve().parents[2]
    texts = ["中国汽车", "姹借溅鍑哄彛", "", "ä¸­å›½", "══ㄓ汽車"]
    for path in sorted((root / "data/raw/sample").glob("*.txt")):
        raw = path.read_bytes()
        for codec in ("utf-8", "gb18030", "big5", "cp1252", "latin-1"):
            texts += raw.decode(codec, errors="replace").split("\n")
    for text in texts:
        assert quality.count_suspects(text) == _translate_count(text), text

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


# --- counting by runs, substring prechecks (issue 17, second round) ---


def _garbled_before(text: str) -> list[quality.GarbleSpan]:
    """find_garbled_spans before the substring prechecks: every pattern scanned."""
    spans = [
        quality.GarbleSpan(kind, m.start(), m.end())
        for kind, pattern in (
            ("qmarks", quality.QMARK_RE),
            ("replacement", quality.REPLACEMENT_RE),
            ("private_use", quality.PRIVATE_USE_RE),
        )
        for m in pattern.finditer(text)
    ]
    return sorted(spans + quality.find_mojibake_spans(text), key=lambda s: (s.start, s.kind))


def _varied_texts() -> list[str]:
    """Sample lines read as five codecs, and seeded mixes of garble, Han, symbols, spaces."""
    import random

    root = Path(__file__).resolve().parents[2]
    texts = [
        "",
        "?",
        "??",
        "\ufffd",
        "中国汽车",
        "姹借溅鍑哄彛",
        "ä¸­å›½",
        "══ㄓ汽車",
        " \u3000\t\n",
    ]
    for path in sorted((root / "data/raw/sample").glob("*.txt")):
        raw = path.read_bytes()
        for codec in ("utf-8", "gb18030", "big5", "cp1252", "latin-1"):
            texts += raw.decode(codec, errors="replace").split("\n")
    pool = [*"中國汽车姹借溅鍑ä¸═ㄓ?？ \u3000\t\ufffd\ue000\U000f0001a1。，\u0085\u00a0", "𠀀"]
    rng = random.Random(17)
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30))) for _ in range(20000)]
    return texts


def test_counts_spans_and_score_give_the_replaced_results():
    import re

    common = dict.fromkeys(map(ord, quality.common_han()))  # _translate_count's table, once
    for text in _varied_texts():
        scored = len(quality.SCORED_RE.findall(text))
        suspect = len(quality.SCORED_RE.findall(text.translate(common))) if scored else 0
        assert quality.count_suspects(text) == (scored, suspect), text
        assert quality.find_garbled_spans(text) == _garbled_before(text), text
        spans = quality.find_garbled_spans(text)
        length = len(re.sub(r"\s", "", text))  # quality_score's length before
        expected = 0.0
        if length:
            expected = max(0.0, 1.0 - 2.0 * quality.garbled_chars(spans) / length)
            expected = round(expected * (0.5 if length < quality.SHORT_BODY_CHARS else 1), 3)
        assert quality.quality_score(text, spans) == expected, text

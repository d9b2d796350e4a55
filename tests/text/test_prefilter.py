"""helpers.text.prefilter: the characters a regex match can start with."""

from __future__ import annotations

import random
import re

import pytest

from helpers.text.prefilter import first_chars


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param("出口", {"出"}, id="literal"),
        pytest.param("[套颗片]年?出货", {"套", "颗", "片"}, id="class"),
        pytest.param("(?:新能源|电动)车?出口", {"新", "电"}, id="branch"),
        pytest.param("(?<![一-龥])出口", {"出"}, id="lookbehind-skipped"),
        pytest.param("(?=出)出口", {"出"}, id="lookahead-skipped"),
        pytest.param("(?P<x>销+)量", {"销"}, id="group-and-repeat"),
        pytest.param("[〇-〇]", {"〇"}, id="range"),
        pytest.param(r"\s+万辆", None, id="category"),
        pytest.param("[^，。]{0,5}出口", None, id="negated-optional"),
        pytest.param("年?出货", {"年", "出"}, id="optional-first"),
        pytest.param("年?", None, id="nullable"),
        pytest.param("出口|", None, id="empty-alternative"),
        pytest.param("(?i:robotaxi)", None, id="local-ignorecase"),
        pytest.param(".出口", None, id="any"),
        pytest.param("(?=出)", None, id="zero-width-only"),
        pytest.param("[\u4e00-\u9fff]", None, id="too-wide"),
    ],
)
def test_first_chars(pattern, expected):
    found = first_chars(re.compile(pattern))
    assert (None if found is None else set(found)) == expected


def test_ignorecase_patterns_get_no_prefilter():
    assert first_chars(re.compile("byd", re.IGNORECASE)) is None


def test_every_metric_cue_starts_its_matches_with_one_of_its_first_chars():
    # the premise of the cue prefilter in helpers.facts.metrics, on texts rich in cue words
    from helpers.catalog.metrics import load_vocabulary

    cues = [p for m in load_vocabulary().metrics.values() for p in m.cues]
    words = sorted({w for p in cues for w in re.findall("[\u2e80-\u9fff]+", p.pattern)})
    words += ["12", "3.5万辆", " ", "，", "套", "颗"]
    rng = random.Random(17)
    texts = ["".join(rng.choice(words) for _ in range(20)) for _ in range(500)]
    hits = 0
    for pattern in cues:
        firsts = first_chars(pattern)
        if firsts is None:
            continue
        for text in texts:
            for m in pattern.finditer(text):
                hits += 1
                assert m.group() == "" or text[m.start()] in firsts, (pattern.pattern, text)
    assert hits > 1000


def test_nonempty_matches_are_those_of_finditer():
    from helpers.text.periods import PERIOD_RE
    from helpers.text.prefilter import nonempty_matches, opening_re

    opening = opening_re(PERIOD_RE)
    words = [
        "2025年",
        "二〇二四年",
        "1-11月",
        "1至9月份",
        "前11個月",
        "第三季度",
        "第 四季",
        "上半年",
    ]
    words += [
        "今年",
        "去年",
        "全年",
        "年底",
        "底",
        "3月5日",
        "同比",
        "增长",
        " ",
        "，",
        "十",
        "1",
        "年",
    ]
    rng = random.Random(17)
    texts = ["".join(rng.choice(words) for _ in range(12)) for _ in range(2000)]
    for text in texts:
        expected = [m.span() for m in PERIOD_RE.finditer(text) if m.end() > m.start()]
        assert [m.span() for m in nonempty_matches(PERIOD_RE, opening, text)] == expected, text


def test_digit_class_lists_every_decimal_digit():
    firsts = first_chars(re.compile(r"\d万"))
    assert {"0", "9", "٣", "３"} <= firsts
    assert all(re.fullmatch(r"\d", ch) for ch in firsts)
    assert len(firsts) == sum(1 for c in range(0x110000) if re.fullmatch(r"\d", chr(c)))

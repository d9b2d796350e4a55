"""The one-scan period reader finds the matches the replaced loop found (issue 17, stage 03)."""

from __future__ import annotations

import random

import pytest

from helpers.text import periods
from helpers.text.prefilter import nonempty_matches, opening_re

# Sentences written for these tests (Simplified and Traditional, numerals, ranges, quarters).
SENTENCES = [
    "2025年1—11月出口634.3萬輛,同比增長18.7%。",
    "二〇二四年第三季度营收约两百亿元，前三季度累计增长三成。",
    "去年前11個月對歐洲交付近16萬輛,今年以來交付12萬輛。",
    "上半年销量较上年同期增长,下半年预计将在年底达到10万辆。",
    "1至9月份出口,第 四季交付,四季如春的城市,3月5日發布。",
    "2024财年营收,2025財政年度目标,全年出口134万辆,当年12月出口14万辆。",
    "由2021年的14.9%提升至29.3%,为去年同期3.5倍。",
    "24年國內出貨量,25年開推新車,成立24年。",
]
WORDS = ["2025年", "二〇二四年", "1-11月", "1至9月份", "前11個月", "第三季度", "第 四季",
         "上半年", "今年", "去年", "全年", "年底", "底", "3月5日", "十一月", "同比", "增长",
         " ", "，", "十", "1", "年", "月", "季", "首", "前", "第", "2,025", "12.5"]  # fmt: skip


def random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14))) for _ in range(n)]


@pytest.mark.parametrize("seed", [5, 17])
def test_period_scan_matches_the_replaced_loop(seed):
    opening = opening_re(periods.PERIOD_RE)
    matched = 0
    for text in SENTENCES + random_texts(1500, seed):
        replaced = [
            (m.span(), m.groupdict()) for m in nonempty_matches(periods.PERIOD_RE, opening, text)
        ]
        assert [(m.span(), m.groupdict()) for m in periods._period_scan().finditer(text)] == (
            replaced
        ), text
        matched += len(replaced)
    assert matched > 1000


def test_period_scan_keeps_the_groups_of_period_re():
    assert periods._period_scan().groupindex.keys() == periods.PERIOD_RE.groupindex.keys()


def test_cached_numeral_reader_reads_what_it_read():
    texts = ["1", "11", "十一", "十二", "兩", "两", "三", "０９", "一二", "〇", "十", "99", None]
    for text in texts * 2:  # the second round is answered from the cache
        assert periods._num(text) == periods._num.__wrapped__(text)


@pytest.mark.parametrize("seed", [2, 8])
def test_latin_periods_all_hold_q_or_h(seed):
    # extract_periods scans for LATIN_RE only in texts with a Q or an H: every match has one.
    rng = random.Random(seed)
    pieces = ["2025", "Q2", "H1", "q3", " ", "年", "Q", "H", "2024", "19", "x", "1"]
    found = 0
    for _ in range(6000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        for m in periods.LATIN_RE.finditer(text):
            assert "Q" in m.group() or "H" in m.group()
            found += 1
    assert found > 100
    assert [p["period"] for p in periods.extract_periods("2025Q2營收,H1 2024出貨")] == [
        "2025-Q2",
        "2024-H1",
    ]

"""Faster stage-03 steps give what the code they replaced gave (issue 17, stage 03 speed).

Each test keeps the replaced implementation as a reference and compares it with the new one
on sentences written for these tests (Simplified and Traditional, numerals, ranges,
percentages, 万/亿) and on seeded random mixes of their pieces.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re

import pytest

from helpers.catalog.entities import load_catalog
from helpers.catalog.metrics import Metric, Vocabulary, load_vocabulary
from helpers.facts import extract, metrics
from helpers.facts.dating import body_periods
from helpers.facts.mentions import find_mentions
from helpers.facts.readings import make_sentence
from helpers.text.prefilter import first_chars
from helpers.text.sentences import (
    CLAUSE_END_RE,
    Span,
    clause_bounds,
    inside,
    split_clauses,
    split_sentences,
)

SENTENCES = [
    "2025年1—11月,我國汽車整車出口634.3萬輛,同比增長18.7%。",
    "新能源汽车出口231.5万辆，其中纯电动车型约132万辆，插电混动约99万辆。",
    "小馬智行車隊規模超720輛（截至10月底）,年底目標突破1000輛。",
    "EyeQ今年出貨指引為3,500萬台,地平線前視一體機市占率約兩成。",
    "总收入按年增长75.9%至1.54亿元，毛利率降至15%，亏损收窄。",
    "乘聯會數據顯示,新能源車滲透率達到52.3%,較去年同期提升8個百分點。",
    "比亞迪海外銷量約200至240億元人民幣的營收,出口額下降7.08%。",
    "萝卜快跑全无人驾驶订单累计超1400万单，里程超2亿公里。",
    "英伟达（48.2%）、华为（26.1%）分别位居城市NOA芯片市场前两位。",
]
PIECES = ["出口", "出貨", "出货", "销量", "銷量", "份额", "市占率", "渗透率", "同比增长", "下降",
          "降至", "车队", "車隊", "订单", "营收", "毛利率", "装机量", "交付", "产量", "万辆",
          "萬輛", "亿元", "%", "台", "套", "辆", "，", "（截至10月）", "83", "三成", "超", "约",
          "Robotaxi", "智驾", "芯片"]  # fmt: skip
UNIT_CLASSES = [None, "vehicles", "percent", "money", "units", "percentage_point", "km", "rides"]


def random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12))) for _ in range(n)]


@functools.cache
def replaced_cue_index(vocab: Vocabulary) -> tuple[list[tuple[Metric, re.Pattern]], dict]:
    pairs = [(metric, pattern) for metric in vocab.metrics.values() for pattern in metric.cues]
    index: dict[str, set[int]] = {"": set()}
    for i, (_metric, pattern) in enumerate(pairs):
        for ch in first_chars(pattern) or [""]:
            index.setdefault(ch, set()).add(i)
    return pairs, index


def replaced_cues(sentence, vocab, lo, hi, cls, ctx):
    """``metrics._cues`` before the bit masks (live cues as a sorted set, filters in Python)."""
    pairs, index = replaced_cue_index(vocab)
    live = set(index[""])
    for ch in set(sentence.norm):
        live.update(index.get(ch, ()))
    found = []
    for metric, pattern in (pairs[i] for i in sorted(live)):
        if cls is not None and cls not in metric.units:
            continue
        if metric.context and not ctx.get(metric.context):
            continue
        found += [
            (m.start(), m.end(), metric.name)
            for m in pattern.finditer(sentence.norm, lo)
            if m.end() <= hi and not inside(sentence.asides, m.start(), m.end())
        ]
    return found


@pytest.mark.parametrize("seed", [3, 11])
def test_cues_unchanged(seed):
    vocab = load_vocabulary()
    found = 0
    for text in SENTENCES + random_texts(300, seed):
        sentence = make_sentence(Span(0, len(text), text), text)
        n = len(sentence.norm)
        bounds = [(0, n), (0, n // 2), (n // 3, n), (n // 4, 3 * n // 4 + 1)]
        for cls in UNIT_CLASSES:
            for ctx in ({}, {"robotaxi": True}, {"robotaxi": False}):
                for lo, hi in bounds:
                    expected = replaced_cues(sentence, vocab, lo, hi, cls, ctx)
                    assert metrics._cues(sentence, vocab, lo, hi, cls, ctx) == expected, text
                    found += len(expected)
    assert found > 1000


def test_cue_index_masks_hold_every_cue():
    vocab = load_vocabulary()
    index = metrics._cue_index(vocab)
    pairs, _ = replaced_cue_index(vocab)
    assert list(index.pairs) == pairs
    everything = (1 << len(pairs)) - 1
    assert functools.reduce(int.__or__, index.by_unit.values()) == everything
    robotaxi_cues = {i for i, (m, _) in enumerate(pairs) if m.context == "robotaxi"}
    assert (
        robotaxi_cues
        and {i for i in range(len(pairs)) if index.by_context["robotaxi"] >> i & 1} == robotaxi_cues
    )


def replaced_split_clauses(sentence: Span) -> list[Span]:
    """``split_clauses`` before ``clause_bounds``: one Span per clause, built as it is found."""
    clauses: list[Span] = []
    start, text, s = 0, sentence.text, sentence.start
    for m in CLAUSE_END_RE.finditer(text):
        if m.group() == "、":
            continue
        if text[start : m.end()].strip():
            clauses.append(Span(s + start, s + m.end(), text[start : m.end()], sentence.paragraph))
        start = m.end()
    if text[start:].strip():
        clauses.append(Span(s + start, s + len(text), text[start:], sentence.paragraph))
    return clauses


CLAUSE_TEXTS = [
    *SENTENCES,
    "奇瑞出口1,344,020輛,同比增長17.4%",
    "要點 甲占40% 乙占30%；丙：20%, 丁、戊",
    "  ，，  ",
    "比亚迪 BYD 出口 5 万辆 ，",
    "",
]


@pytest.mark.parametrize("seed", [4, 9])
def test_clause_bounds_are_the_replaced_clauses(seed):
    rng = random.Random(seed)
    pieces = [*PIECES, ",", "，", "；", ":", "：", "、", " ", "1,000", "甲 乙", "A 乙"]
    texts = CLAUSE_TEXTS + ["".join(rng.choice(pieces) for _ in range(12)) for _ in range(500)]
    clauses = 0
    for text in texts:
        for start in (0, 7):
            span = Span(start, start + len(text), text, paragraph=2)
            expected = replaced_split_clauses(span)
            assert split_clauses(span) == expected, text
            assert clause_bounds(text) == [(c.start - start, c.end - start) for c in expected]
            clauses += len(expected)
    assert clauses > 1000


def test_sentences_get_the_same_mentions_and_periods_from_slices():
    body = "\n".join([*SENTENCES, "《2030年展望》稱小米2025年交付,萬一", "理想、长安和吉利出口"])
    catalog = load_catalog()
    mentions = find_mentions(body, catalog=catalog)
    periods = body_periods(body, dt.date(2025, 12, 1))
    mention_at, period_at = (
        extract._by_start([m.start for m in mentions]),
        extract._by_start([p["start"] for p in periods]),
    )
    kept = 0
    for span in split_sentences(body):
        whole = make_sentence(span, body, all_periods=periods, mentions=mentions)
        sliced = make_sentence(
            span, body, all_periods=periods[period_at(span)], mentions=mentions[mention_at(span)]
        )
        assert sliced == whole
        kept += len(whole.mentions) + len(whole.periods)
    assert kept > 15

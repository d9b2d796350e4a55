"""Tests for helpers.text.sentences: offsets into the body survive every split."""

from __future__ import annotations

import pytest

from helpers.text.sentences import matching_copy, split_clauses, split_sentences


@pytest.mark.parametrize(
    ("body", "texts"),
    [
        pytest.param("甲出口。乙進口！丙？", ["甲出口。", "乙進口！", "丙？"], id="marks"),
        pytest.param("出口1,344,020輛。增長", ["出口1,344,020輛。", "增長"], id="thousands"),
        pytest.param("他說“好。”然後走了", ["他說“好。”", "然後走了"], id="closing-quote"),
        pytest.param("甲\n\n  乙。", ["甲", "乙。"], id="paragraphs"),
        pytest.param("增長21.1%。", ["增長21.1%。"], id="decimal-point-not-an-end"),
    ],
)
def test_sentences_keep_offsets(body, texts):
    spans = split_sentences(body)
    assert [s.text for s in spans] == texts
    assert all(body[s.start : s.end] == s.text for s in spans)


def test_paragraph_numbers():
    assert [s.paragraph for s in split_sentences("甲。乙\n丙。")] == [0, 0, 1]


def test_clauses_split_at_commas_not_inside_numbers():
    (s,) = split_sentences("據協會數據,出口1,344,020輛；同比增長17.4%：創新高、再突破")
    clauses = split_clauses(s)
    assert [c.text for c in clauses] == ["據協會數據,", "出口1,344,020輛；", "同比增長17.4%：",
                                         "創新高、再突破"]  # fmt: skip
    assert all(s.text[c.start - s.start : c.end - s.start] == c.text for c in clauses)


def test_matching_copy_has_the_same_length():
    text = "輝達市佔率４９．３６％，蘿蔔快跑車隊"
    copy = matching_copy(text)
    assert len(copy) == len(text) and copy.startswith("辉达市占率49.36%")


@pytest.mark.parametrize(
    ("body", "texts"),
    [
        pytest.param(
            "要點 - 甲廠占比40% [3] - 乙廠占比30% [4][12] 丙",
            ["要點", "甲廠占比40% [3]", "乙廠占比30% [4][12]", "丙"],
            id="dash-bullets-and-citations",
        ),
        pytest.param(
            "概況\n• 出貨5萬台 • 營收2億元", ["概況", "出貨5萬台", "營收2億元"], id="bullet-dots"
        ),
        pytest.param("區間為1 - 5輛。", ["區間為1 - 5輛。"], id="spaced-number-range-stays"),
        pytest.param("甲說。[2]乙", ["甲說。[2]", "乙"], id="citation-after-full-stop"),
    ],
)
def test_unpunctuated_notes_split_at_bullets(body, texts):
    spans = split_sentences(body)
    assert [s.text for s in spans] == texts
    assert all(body[s.start : s.end] == s.text for s in spans)


def test_a_space_before_a_word_ends_a_clause_but_not_inside_a_number():
    (s,) = split_sentences("車隊僅約40輛 與官方說法差距明顯 約 5 萬台")
    assert [c.text for c in split_clauses(s)] == ["車隊僅約40輛 ", "與官方說法差距明顯 ",
                                                  "約 5 萬台"]  # fmt: skip

"""Tests for helpers.facts.mentions: roles and the names found (own sentences, issue 14)."""

from __future__ import annotations

import pytest

from helpers.facts.extract import extract_article_facts
from helpers.facts.mentions import find_mentions


def roles(text: str) -> list[tuple[str, str]]:
    return [(m.entity_id, m.role) for m in find_mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("去年對泰國汽車出口增長", [("thailand", "market")], id="to-before-cars"),
        pytest.param("銷往日本汽車約三萬輛", [("japan", "market")], id="sold-to-before-cars"),
        pytest.param("日本汽車出口下滑", [("japan", "subject")], id="country-makers-export"),
        pytest.param("在日本汽車佔優的地方", [("japan", "subject")], id="at-is-no-direction"),
    ],
)
def test_a_direction_beats_the_maker_suffix(text, expected):
    assert roles(text) == expected


def test_a_ticker_suffix_names_no_market():
    assert roles("小馬智行(PONY-US)與亞馬遜(AMZN.US)、美國市場") == [
        ("pony_ai", "subject"),
        ("united_states", "market"),
    ]


def test_a_name_written_in_mixed_scripts_is_found():
    # Traditional 蘿 with Simplified 卜: no catalog spelling, but the Simplified copy matches.
    assert roles("蘿卜快跑車隊") == [("baidu_apollo_go", "subject")]
    assert find_mentions("蘿卜快跑車隊")[0].text == "蘿卜快跑"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("理想12月交付新车4.1万辆。", ["li_auto"], id="alone-heading-a-figure"),
        pytest.param("大眾在華銷量下滑12%。", ["volkswagen"], id="alone-hant"),
        pytest.param("这是一个理想的结果，销量达到3万辆。", [], id="adjective"),
        pytest.param("理想化的假设下可卖10万辆。", [], id="longer-word"),
        pytest.param("长安街上每天有5万辆车。", [], id="street-name"),
        pytest.param("大众消费者买了20万辆。", [], id="ordinary-noun-after"),
        pytest.param("理想、小鹏、蔚来三家合计交付9万辆。", ["li_auto", "xpeng", "nio"], id="list"),
    ],
)
def test_ambiguous_aliases_by_word_boundaries(text, found):
    assert [m.entity_id for m in find_mentions(text) if m.role == "subject"] == found


def test_an_ambiguous_maker_alone_gets_its_figure():
    rows = extract_article_facts("t", "理想12月交付新车4.1万辆。", "2025-12-31")
    assert [(r["entity_id"], r["metric"], r["value"]) for r in rows] == [
        ("li_auto", "sales", 41000.0)
    ]


def test_a_rejected_ambiguous_alias_keeps_the_sure_name_inside_it():
    # 上海汽车 may be SAIC; here it is Shanghai's car exports, and 上海 is still found.
    assert roles("上海汽車出口近年穩步增長") == [("shanghai", "subject")]
    assert find_mentions("上海汽車出口近年穩步增長")[0].text == "上海"


def test_an_owner_of_no_named_brand_is_the_subject():
    assert roles("吉利旗下的沃尔沃") == [("geely", "owner"), ("volvo", "subject")]
    rows = extract_article_facts("t", "文远知行旗下Robotaxi车队规模已超过900辆。", "2025-12-31")
    assert [(r["entity_id"], r["metric"], r["value"]) for r in rows] == [
        ("weride", "fleet_size", 900.0)
    ]

"""Tests for helpers.facts.subjects and the subject rules of rows (issue 14, own sentences)."""

from __future__ import annotations

import pytest

from helpers.facts.extract import extract_article_facts

REF = "2025-12-31"


def rows(body: str, ref: str = REF) -> list[tuple]:
    out = extract_article_facts("t", body, ref)
    return [(r["entity_id"], r["metric"], r["value"], r["market"]) for r in out]


def subjects(body: str, metric: str | None = None) -> list[str]:
    out = extract_article_facts("t", body, REF)
    return [r["entity_id"] for r in out if metric is None or r["metric"] == metric]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "全球座舱芯片市场里，某公司居首之后，瑞萨名列第二，占比约20%；英特尔名列第三，占比约17%。",
            ["renesas", "intel"],
            id="ranking-split-by-semicolons",
        ),
        pytest.param(
            "高通份额第一，约43%\n瑞萨排第二，占比为20%\n其次是英特尔，占比为18%",
            ["qualcomm", "renesas", "intel"],
            id="ranking-split-by-line-breaks",
        ),
        pytest.param(
            "上汽集团：依托名爵品牌，今年海外销量达100万辆。",
            ["saic"],
            id="subject-before-a-colon",
        ),
        pytest.param(
            "去年英伟达Orin-X装机约200万颗，拿下四成份额，仍居智驾芯片市场之首。",
            ["orin_x", "orin_x"],
            id="product-glued-to-its-vendor",
        ),
        pytest.param(
            "一季度，上汽名爵经宁波港共计发运出口3.1万台。",
            ["mg"],
            id="brand-glued-to-its-group-is-no-combination",
        ),
    ],
)
def test_who_a_figure_belongs_to(body, expected):
    assert subjects(body) == expected


def test_an_object_in_mid_clause_is_not_the_next_clause_s_subject():
    body = "奇瑞今年出口110万辆，超过吉利，同比增长5%。"
    assert subjects(body) == ["chery", "chery"]


def test_a_market_total_does_not_take_the_company_named_before():
    body = "比亚迪前11个月出口50万辆。全年汽车出口总量预计达600万辆。"
    assert rows(body)[-1][:3] == ("china", "exports", 6e6)


def test_a_destination_is_never_carried_as_the_exporter():
    body = "墨西哥跃升为中国整车的头号海外市场。今年新能源汽车出口量达300万辆。"
    assert rows(body) == [("china", "nev_exports", 3e6, "world")]


def test_exports_to_a_country_before_the_word_cars_are_china_s():
    body = "中国对泰国汽车出口增至30万辆，对巴西汽车出口则为25万辆。"
    assert rows(body) == [("china", "exports", 3e5, "TH"), ("china", "exports", 2.5e5, "BR")]


def test_chinese_makers_exports_are_the_national_statistic():
    body = "一季度中国车企一共出口了99万辆整车。"
    assert rows(body) == [("china", "exports", 9.9e5, "world")]


def test_exports_through_a_home_port_go_to_the_world():
    assert rows("一季度，在上海口岸出口汽车16万辆。")[0][3] == "world"


def test_whole_province_refers_back_to_the_province():
    body = "奇瑞一季度出口17万辆，居安徽车企首位。初步统计，一季度全省车企共出口22万辆。"
    assert subjects(body, "exports") == ["chery", "anhui"]


def test_fenbie_maps_each_unit_class_on_the_list():
    body = (
        "城市NOA市场里，Momenta与小米分别凭借21万辆装机量、13.2%份额"
        "和20万辆、12.5%份额位居二、三名。"
    )
    got = [(r[0], r[2]) for r in rows(body)]
    assert got == [
        ("momenta", 2.1e5),
        ("momenta", 13.2),
        ("xiaomi_auto", 2e5),
        ("xiaomi_auto", 12.5),
    ]


def test_fenbie_with_a_list_and_a_possessive_keeps_the_order():
    body = "在城区NOA市场，华为和Momenta的份额分别为27%和13%。"
    assert subjects(body) == ["huawei", "momenta"]


def test_top_n_combines_the_first_n_of_the_ranking_before():
    body = (
        "2022年全球座舱芯片市场，高通居首，市占率43%；瑞萨第二，份额20%；英特尔第三，份额18%。"
        "前三家份额逾八成。"
    )
    assert subjects(body)[-1] == "qualcomm+renesas+intel"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("名爵、上汽大通等品牌今年海外共售出15万辆。", ["mg+maxus"], id="list-deng"),
        pytest.param("名爵与上汽大通今年在英国卖出电动车逾1万辆。", ["mg+maxus"], id="list-yu"),
        pytest.param(
            "小马智行与丰田合作，计划年内投放1000辆Robotaxi。", ["pony_ai"], id="partners"
        ),
        pytest.param(
            "比亚迪和吉利出口分别为40万辆和30万辆。", ["byd", "geely"], id="fenbie-not-joined"
        ),
    ],
)
def test_a_list_heading_a_single_figure_is_one_combined_figure(body, expected):
    assert subjects(body) == expected


def test_several_markets_summed_are_kept_but_no_topic_fact():
    body = "前三季度，宁波对英国、德国两国合计出口汽车5万辆。"
    (row,) = extract_article_facts("t", body, REF)
    assert (row["entity_id"], row["market"], row["is_topic_fact"]) == ("ningbo", "GB+DE", False)


def test_a_ranking_takes_the_metric_named_by_the_sentence_before():
    body = "从目的地看，今年中国汽车出口格局有所调整。沙特以30万辆排名第四。"
    assert rows(body) == [("china", "exports", 3e5, "SA")]


def test_a_metric_named_without_figures_does_not_reach_any_later_figure():
    body = "新能源车型出口表现抢眼。不过口径有别，这与另一协会公布的700万辆并不可比。"
    assert rows(body) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "2024年韩国出口汽车270万辆。",
            [("south_korea", "exports", 2.7e6, "world")],
            id="foreign-country-exporting-cars",
        ),
        pytest.param(
            "日本去年出口了汽车410万辆。",
            [("japan", "exports", 4.1e6, "world")],
            id="with-a-time-word",
        ),
        pytest.param(
            "当月阿联酋出口量约9万辆，排名升至首位。",
            [("china", "exports", 9e4, "AE")],
            id="export-volume-noun-is-a-destination",
        ),
        pytest.param(
            "去年中国出口俄罗斯汽车90万辆。",
            [("china", "exports", 9e5, "RU")],
            id="country-after-the-verb",
        ),
    ],
)
def test_a_foreign_exporter_is_not_a_destination(body, expected):
    assert rows(body) == expected

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
            "据统计，全球座舱芯片市场中甲公司之后，瑞萨排在第二位，占比为19.7%；英特尔排在第三位，"
            "占比为18.2%。",
            ["renesas", "intel"],
            id="ranking-split-by-semicolons",
        ),
        pytest.param(
            "高通的市占率最高，占比为43%\n瑞萨排第二，占比为20%\n其次是英特尔，占比为18%",
            ["qualcomm", "renesas", "intel"],
            id="ranking-split-by-line-breaks",
        ),
        pytest.param(
            "上汽集团：依托名爵品牌，今年海外销量达100万辆。",
            ["saic"],
            id="subject-before-a-colon",
        ),
        pytest.param(
            "全球智驾芯片市场中，辉达Orin-X芯片以200万颗装机量占据40%的份额。",
            ["orin_x", "orin_x"],
            id="product-glued-to-its-vendor",
        ),
        pytest.param(
            "以名爵为代表的车型表现亮眼，一季度上汽名爵在上海共计出口3.1万台。",
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
    body = "墨西哥已成为中国汽车第一大出口目的地。今年新能源汽车出口量达300万辆。"
    assert rows(body) == [("china", "nev_exports", 3e6, "world")]


def test_exports_to_a_country_before_the_word_cars_are_china_s():
    body = "今年中国对墨西哥汽车出口达60万辆，同期对俄罗斯出口降至55万辆。"
    assert rows(body) == [("china", "exports", 6e5, "MX"), ("china", "exports", 5.5e5, "RU")]


def test_chinese_makers_exports_are_the_national_statistic():
    body = "一季度，中国汽车企业出口数量达到99万辆。"
    assert rows(body) == [("china", "exports", 9.9e5, "world")]


def test_exports_through_a_home_port_go_to_the_world():
    assert rows("一季度，在上海口岸出口汽车16万辆。")[0][3] == "world"


def test_whole_province_refers_back_to_the_province():
    body = "奇瑞一季度出口17万辆，居安徽车企首位。据统计，1-3月全省累计出口汽车22万辆。"
    assert subjects(body, "exports") == ["chery", "anhui"]


def test_fenbie_maps_each_unit_class_on_the_list():
    body = (
        "在城市NOA市场，Momenta和小米分别以21万辆的装机量/13.2%的份额和20万辆/12.5%排第二和第三。"
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
        "2022年，高通座舱芯片的市占率最高，占比为43%；瑞萨电子第二，占比为20%；英特尔第三，"
        "占比为18%。前三家占比超过80%的市场份额。"
    )
    assert subjects(body)[-1] == "qualcomm+renesas+intel"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "上半年，名爵、上汽大通等自主品牌海外销量达到15万辆。", ["mg+maxus"], id="list-deng"
        ),
        pytest.param(
            "在欧洲市场，名爵和上汽大通新能源车销售超过1万辆。", ["mg+maxus"], id="list-he"
        ),
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
    body = "上半年，上海对欧盟、澳大利亚等3个市场合计出口汽车6万辆。"
    (row,) = extract_article_facts("t", body, REF)
    assert (row["entity_id"], row["market"], row["is_topic_fact"]) == ("shanghai", "EU+AU", False)


def test_a_ranking_takes_the_metric_named_by_the_sentence_before():
    body = "数据显示，2025年中国汽车出口市场版图出现明显变化。阿联酋以50万辆位居第三。"
    assert rows(body) == [("china", "exports", 5e5, "AE")]


def test_a_metric_named_without_figures_does_not_reach_any_later_figure():
    body = "新能源汽车出口是亮点。两者口径不同，与协会的700万辆不可直接比较。"
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
            "2025年12月阿联酋出口量达10万辆，跃居当月第一。",
            [("china", "exports", 1e5, "AE")],
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

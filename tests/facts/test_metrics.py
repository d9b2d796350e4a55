"""Tests for helpers.facts.metrics and the metric rules of real news (issue 14, own sentences)."""

from __future__ import annotations

import pytest

from helpers.facts.extract import extract_article_facts

REF = "2025-12-31"


def rows(body: str) -> list[dict]:
    return extract_article_facts("t", body, REF)


def got(body: str, *keys: str) -> list[tuple]:
    keys = keys or ("entity_id", "metric", "value", "is_topic_fact")
    return [tuple(r[k] for k in keys) for r in rows(body)]


# --- exports ------------------------------------------------------------------------------------
def test_fuel_car_and_commercial_exports_are_parts_not_the_total():
    body = "10月燃油车出口38万辆，新能源汽车出口22万辆；商用车出口7万辆。"
    assert got(body) == [
        ("china", "ice_exports", 3.8e5, False),
        ("china", "nev_exports", 2.2e5, True),
        ("china", "commercial_exports", 7e4, False),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "重庆前三季度整车出口达300.5亿元。",
            [("chongqing", "export_value", 3.005e10, True)],
            id="money-right-after-exports",
        ),
        pytest.param(
            "今年1-11月，中国对欧洲汽车出口总价值约12亿欧元。",
            [("china", "export_value", 1.2e9, True)],
            id="total-value-in-euro",
        ),
        pytest.param(
            "海关统计，上半年宁波口岸共出口电动载人汽车15万辆，货值约300亿元。",
            [
                ("ningbo", "nev_exports", 1.5e5, True),
                ("ningbo", "nev_export_value", 3e10, False),
            ],
            id="customs-nev-count-and-value",
        ),
        pytest.param(
            "11月份中国出口价值约30亿美元的新能源汽车。",
            [("china", "nev_export_value", 3e9, False)],
            id="value-of-the-nevs-after-it",
        ),
    ],
)
def test_export_values(body, expected):
    assert got(body) == expected


def test_a_change_written_the_taiwan_way_is_no_level():
    body = "泰國市場方面，大陸對泰國汽車出口30萬輛，年增約8萬輛。"
    assert got(body, "metric", "value", "market") == [
        ("exports", 3e5, "TH"),
        ("change", 8e4, "TH"),
    ]


def test_a_forecast_of_a_first_crossing_is_the_forecast_figure():
    (row,) = rows("業界估計，中國車企今年出口可望首次突破700萬輛。")
    assert (row["metric"], row["value"], row["qualifier"]) == ("exports", 7e6, "forecast")


def test_a_ratio_in_passing_is_no_amount():
    body = "平均每卖出5辆车就有2辆是混动车型，全年出口160万辆。"
    assert got(body, "value") == [(1.6e6,)]


# --- shares -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "metric"),
    [
        pytest.param(
            "征程6今年上半年出货约90万套，约占公司总出货量的48%。", "mix_share", id="own-output-mix"
        ),
        pytest.param("辉达的客户车型中，算力落在200Tops档位的占41%。", "mix_share", id="spec-band"),
        pytest.param("英伟达的汽车业务占其营收的4%。", "revenue_share", id="revenue-part"),
        pytest.param("辉达来自汽车的营收在其总营收中占比约3%。", "revenue_share", id="revenue-in"),
        pytest.param("征程6系列贡献了该业务约75%的收入。", "revenue_share", id="contribution"),
        pytest.param("辉达今年在国内智驾芯片市场占有率约为26%。", "market_share", id="real-share"),
    ],
)
def test_a_share_needs_a_market_or_scope(body, metric):
    assert [r["metric"] for r in rows(body) if r["unit"] == "percent"][-1] == metric


def test_a_ranking_sentence_goes_on_with_the_shares_before_it():
    body = "在前视方案市场中，地平线以45%的份额居首。Mobileye和安霸分别占27%和3%。"
    assert got(body, "entity_id", "metric") == [
        ("horizon_robotics", "market_share"),
        ("mobileye", "market_share"),
        ("ambarella", "market_share"),
    ]


def test_a_lidar_market_share_is_no_chip_share():
    body = "在车载激光雷达领域，华为的市场份额约为四成。"
    assert all(r["topic"] == "other" for r in rows(body))


def test_attributable_loss_is_no_share_and_no_revenue():
    body = "该季度小马智行录得应占亏损约9,000万美元，亏损按年扩大八成。"
    assert got(body, "metric", "value") == [("loss", 9e7), ("yoy_growth", 80.0)]


# --- chips --------------------------------------------------------------------------------------
def test_chips_counted_in_tai_are_installed_units():
    body = "EyeQ芯片今年出货指引调高到3,400-3,500万台，此前为3,300-3,500万台。"
    assert got(body, "entity_id", "metric", "value", "value_high") == [
        ("mobileye_eyeq", "installed_units", 3.4e7, 3.5e7),
        ("mobileye_eyeq", "installed_units", 3.3e7, 3.5e7),
    ]


def test_cars_counted_for_an_adas_supplier_are_fitted_vehicles():
    body = "城区NOA供应商排名里，华为乾崑智驾有约40万辆搭载，拿下25%份额位列第一。"
    assert got(body, "entity_id", "metric", "value") == [
        ("qiankun", "installed_units", 4e5),
        ("qiankun", "market_share", 25.0),
    ]


def test_pieces_shipped_after_the_count():
    body = "地平线征程5去年实现20万套年出货量。"
    assert ("journey_5", "installed_units", 2e5) in got(body, "entity_id", "metric", "value")


# --- Robotaxi -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "2022年夏，萝卜快跑首批20辆无人车在武汉上路收费运营。",
            [("fleet_size", 20.0)],
            id="first-batch",
        ),
        pytest.param(
            "特斯拉宣传的900辆Robotaxi目前远未到位。",
            [("fleet_size", 900.0)],
            id="counted-noun-after",
        ),
        pytest.param(
            "文远知行投入Robotaxi服务的车辆数量约为700台。",
            [("fleet_size", 700.0)],
            id="number-of-vehicles",
        ),
        pytest.param(
            "小马智行的车队包括700余辆自动驾驶出租车，以及约160辆自动驾驶卡车。",
            [("fleet_size", 700.0), ("truck_fleet", 160.0)],
            id="trucks-are-no-robotaxis",
        ),
        pytest.param(
            "特斯拉老板称，年底前会把奥斯汀的Robotaxi车队扩大到400辆。",
            [("fleet_target", 400.0)],
            id="expand-to-is-a-target",
        ),
        pytest.param(
            "小马智行计划把Robotaxi车队由现有的约200辆扩充到800辆以上。",
            [("fleet_size", 200.0), ("fleet_target", 800.0)],
            id="current-level-of-a-plan",
        ),
        pytest.param(
            "Apollo Go无人驾驶总里程超过1亿英里。",
            [("mileage", 160934400.0)],
            id="miles-in-km",
        ),
    ],
)
def test_fleet_wording(body, expected):
    assert got(body, "metric", "value") == expected


# --- counters and numbers ------------------------------------------------------------------------
def test_bu_counts_vehicles_in_hong_kong_filings_but_not_phones():
    assert got("比亚迪上半年共付运新车3.2万部，另售出5000部手机。", "metric", "value") == [
        ("sales", 3.2e4)
    ]


def test_a_range_shares_the_whole_scale_of_its_upper_bound():
    (row,) = rows("EyeQ今年出货指引为40-40.5百万套。")
    assert (row["value"], row["value_high"]) == (4e7, 4.05e7)


def test_a_comparison_base_in_chinese_numerals_is_its_own_level():
    body = "特斯拉在德州投放的Robotaxi现有35辆，较上月的二十八辆多出七辆。"
    # (the periods of such bases are the dating rules' part, not tested here)
    assert got(body, "metric", "value") == [
        ("fleet_size", 35.0),
        ("fleet_size", 28.0),
        ("change", 7.0),
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("小马智行新一代Robotaxi的纯电续航里程达650公里。", id="driving-range"),
        pytest.param("文远知行Robotaxi采用7nm制程的芯片，算力达254TOPS。", id="process-and-tops"),
        pytest.param("萝卜快跑第六代无人车的售价为20.5万元。", id="price"),
    ],
)
def test_specs_are_no_topic_facts(body):
    assert not any(r["is_topic_fact"] for r in rows(body))


def test_one_cue_of_a_bullet_block_does_not_wipe_the_other_bullets():
    # An unpunctuated analyst note: the 里程碑 of one bullet must not reach the next figures.
    body = (
        "速览 - 监测网站统计奥斯汀只有30辆特斯拉Robotaxi投入运营 与此前说法相去甚远 [1] - "
        "Waymo单周订单突破40万次创下里程碑 Waymo车队规模约为2400辆 [2]"
    )
    assert got(body, "entity_id", "metric", "value") == [
        ("tesla", "fleet_size", 30.0),
        ("waymo", "fleet_size", 2400.0),
    ]


def test_shipped_by_rail_is_a_sales_cue_only_before_vehicles():
    assert got("比亚迪今年经中欧班列共发送汽车5万辆。", "metric", "value") == [("sales", 5e4)]
    assert got("比亚迪发送通知，交付3万辆。", "metric", "value") == [("sales", 3e4)]


def test_export_tax_rebates_are_no_export_value():
    assert rows("今年重庆汽车出口退税约3亿元。") == []


def test_deliveries_shipped_abroad_are_overseas_sales():
    body = "小鵬汽車10月共交付新車4萬部，其中海外付運約3千部。"
    assert got(body, "metric", "value", "is_topic_fact")[-1] == ("overseas_sales", 3e3, True)


def test_shares_in_brackets_after_the_names_of_a_ranking():
    body = "2025年城市NOA芯片装机量前三依次为英伟达（47%）、华为（25%）、地平线（16%）。"
    assert got(body, "entity_id", "metric", "value") == [
        ("nvidia", "market_share", 47.0),
        ("huawei", "market_share", 25.0),
        ("horizon_robotics", "market_share", 16.0),
    ]
    assert rows("比亚迪（同比增长20%）表现亮眼。") == []


def test_a_share_of_a_market_total_named_earlier_in_the_sentence():
    body = "据研究机构统计，上半年前视一体机装配量为480万套，其中Mobileye占比34%，地平线占比31%。"
    assert got(body, "entity_id", "metric", "value")[-2:] == [
        ("mobileye", "market_share", 34.0),
        ("horizon_robotics", "market_share", 31.0),
    ]


def test_a_robotaxi_count_written_after_the_word():
    body = "萝卜快跑：全球部署超2000辆\n文远知行：Robotaxi约700辆"
    assert got(body, "entity_id", "metric", "value") == [
        ("baidu_apollo_go", "fleet_size", 2000.0),
        ("weride", "fleet_size", 700.0),
    ]

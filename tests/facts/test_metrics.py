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
            "前10个月，重庆汽车出口300.5亿元。",
            [("chongqing", "export_value", 3.005e10, True)],
            id="money-right-after-exports",
        ),
        pytest.param(
            "今年1-11月，中国对欧洲汽车出口总价值约12亿欧元。",
            [("china", "export_value", 1.2e9, True)],
            id="total-value-in-euro",
        ),
        pytest.param(
            "一季度上海口岸出口电动载人汽车15万辆，货值300亿元。",
            [
                ("shanghai", "nev_exports", 1.5e5, True),
                ("shanghai", "nev_export_value", 3e10, False),
            ],
            id="customs-nev-count-and-value",
        ),
        pytest.param(
            "11月中国出口了价值30亿美元的电动汽车。",
            [("china", "nev_export_value", 3e9, False)],
            id="value-of-the-nevs-after-it",
        ),
    ],
)
def test_export_values(body, expected):
    assert got(body) == expected


def test_a_change_written_the_taiwan_way_is_no_level():
    body = "2025年大陸對泰國汽車出口達30萬輛，年增8萬輛。"
    assert got(body, "metric", "value", "market") == [
        ("exports", 3e5, "TH"),
        ("change", 8e4, "TH"),
    ]


def test_a_forecast_of_a_first_crossing_is_the_forecast_figure():
    (row,) = rows("分析師預測，今年中國汽車出口量可望首次突破700萬輛。")
    assert (row["metric"], row["value"], row["qualifier"]) == ("exports", 7e6, "forecast")


def test_a_ratio_in_passing_is_no_amount():
    body = "当前每出口4辆汽车就有1辆是电动车，全年出口180万辆。"
    assert got(body, "value") == [(1.8e6,)]


# --- shares -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "metric"),
    [
        pytest.param(
            "征程6系列芯片出货约90万套，占上半年总出货量近50%。", "mix_share", id="own-output-mix"
        ),
        pytest.param(
            "辉达方案里，高速NOA的算力集中在100Tops区间，占43%。", "mix_share", id="spec-band"
        ),
        pytest.param("英伟达的汽车业务占其营收的4%。", "revenue_share", id="revenue-part"),
        pytest.param(
            "汽车业务营收在辉达整体营收中的占比不超过4%。", "revenue_share", id="revenue-in"
        ),
        pytest.param("征程6系列贡献超80%相关业务收入。", "revenue_share", id="contribution"),
        pytest.param("辉达在中国智驾芯片市场的占有率为25%。", "market_share", id="real-share"),
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
    body = "激光雷达市场格局集中：四家企业合计占据激光雷达市场约95%份额，其中华为占比40%。"
    assert all(r["topic"] == "other" for r in rows(body))


def test_attributable_loss_is_no_share_and_no_revenue():
    body = "小马智行期内应占亏损9,000万美元，按年扩大80%。"
    assert got(body, "metric", "value") == [("loss", 9e7), ("yoy_growth", 80.0)]


# --- chips --------------------------------------------------------------------------------------
def test_chips_counted_in_tai_are_installed_units():
    body = "EyeQ 全年出货量预估由3,300-3,500万台上修至3,400-3,500万台。"
    assert got(body, "entity_id", "metric", "value", "value_high") == [
        ("mobileye_eyeq", "installed_units", 3.3e7, 3.5e7),
        ("mobileye_eyeq", "installed_units", 3.4e7, 3.5e7),
    ]


def test_cars_counted_for_an_adas_supplier_are_fitted_vehicles():
    body = "按供应商口径统计，城区NOA市场中华为乾崑智驾以40万辆独占25%份额。"
    assert got(body, "entity_id", "metric", "value") == [
        ("qiankun", "installed_units", 4e5),
        ("qiankun", "market_share", 25.0),
    ]


def test_pieces_shipped_after_the_count():
    body = "地平线征程5芯片以128TOPS算力、20万套年出货量支撑多款车型。"
    assert ("journey_5", "installed_units", 2e5) in got(body, "entity_id", "metric", "value")


# --- Robotaxi -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "2022年7月，萝卜快跑首批20辆无人化车辆获准开展付费出行服务。",
            [("fleet_size", 20.0)],
            id="first-batch",
        ),
        pytest.param(
            "追踪数据显示，特斯拉声称的900辆Robotaxi远未实现。",
            [("fleet_size", 900.0)],
            id="counted-noun-after",
        ),
        pytest.param(
            "文远知行专门用于Robotaxi服务的车辆数量接近700台。",
            [("fleet_size", 700.0)],
            id="number-of-vehicles",
        ),
        pytest.param(
            "小马智行拥有超过700辆自动驾驶出租车和160多辆自动驾驶卡车。",
            [("fleet_size", 700.0), ("truck_fleet", 160.0)],
            id="trucks-are-no-robotaxis",
        ),
        pytest.param(
            "特斯拉老板马斯克称要在今年底把奥斯汀的自驾出租车车队扩大到400辆。",
            [("fleet_target", 400.0)],
            id="expand-to-is-a-target",
        ),
        pytest.param(
            "小马智行计划将Robotaxi车队从目前的约200辆增加到至少800辆。",
            [("fleet_size", 200.0), ("fleet_target", 800.0)],
            id="current-level-of-a-plan",
        ),
        pytest.param(
            "Apollo Go称其车队累计无人驾驶里程已超过1亿英里。",
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
    (row,) = rows("EyeQ全年出货量预估35-35.5百万套。")
    assert (row["value"], row["value_high"]) == (3.5e7, 3.55e7)


def test_a_comparison_base_in_chinese_numerals_is_its_own_level():
    body = "特斯拉目前在奥斯汀部署31辆Robotaxi，比11月的二十九辆多了两辆。"
    assert got(body, "metric", "value", "period") == [
        ("fleet_size", 31.0, "2025-12-31"),
        ("fleet_size", 29.0, "2025-11"),
        ("change", 2.0, "2025-12-31"),
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
        "要点 - 追踪显示奥斯汀仅有30辆特斯拉Robotaxi在运营 这与宣称的差距很大 [1] - "
        "Waymo每周出行达到40万次的里程碑 Waymo的车队规模估计约为2400辆 [2]"
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

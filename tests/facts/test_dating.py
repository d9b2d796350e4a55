"""Dates and periods on real-news shapes (issue 14), in sentences of our own.

What is tested: the reference date an article gets (published, a dateline, an as-of date, the
neighbours, the floor of a complete year, or none); relative periods against it; what happens
when no date is known (relative periods stay empty, never another year of the text); stock
figures; lists of years; quarter and half-year wording in both scripts.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from helpers.facts.dating import dated_by, reference_date
from helpers.facts.extract import extract_article_facts, extract_facts


def periods(body: str, published: str | None = None) -> list[tuple[str, float, str]]:
    rows = extract_article_facts("t", body, published)
    return [(r["metric"], r["value"], r["period"]) for r in rows]


# --- no date: relative periods stay empty ------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        pytest.param("某车企成立于2016年。去年该公司出口12万辆。", id="founding-year"),
        pytest.param(
            "比亚迪计划2030年进入更多市场。今年前三季度比亚迪出口30万辆。", id="target-year"
        ),
        pytest.param("1995年，某厂开始生产轿车。去年该厂出口3万辆。", id="old-year-elsewhere"),
        pytest.param("某车企上月出口2.1万辆，创下新高。", id="last-month"),
        pytest.param("某车企年初至今出口18万辆。", id="year-to-date"),
    ],
)
def test_relative_periods_without_a_date_stay_empty(body):
    assert [p for _, _, p in periods(body)][-1:] == [""]


def test_a_year_written_in_the_sentence_still_counts_without_a_date():
    assert periods("2024年，某车企出口12万辆。") == [("exports", 120000.0, "2024")]


# --- a known date ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("某车企今年出口40万辆。", "2025", id="this-year"),
        pytest.param("某车企去年出口30万辆。", "2024", id="last-year"),
        pytest.param("某车企上月出口3万辆。", "2025-11", id="last-month"),
        pytest.param("某车企一月出口3万辆。", "2025-01", id="a-month"),
        pytest.param("某车企年初至今出口38万辆。", "2025-01/2025-12", id="year-to-date"),
        pytest.param("某车企今年以来出口38万辆。", "2025-01/2025-12", id="since-new-year"),
        pytest.param("10月某车企出口4万辆，当月出口创新高。", "2025-10", id="that-month-named"),
    ],
)
def test_relative_periods_against_the_published_date(body, expected):
    assert periods(body, "2025-12-08")[0][2] == expected


def test_same_period_last_year_dates_the_base_only():
    got = periods("某车企1-11月出口40万辆，较去年同期的30万辆增长三成。", "2025-12-08")
    assert got[:2] == [
        ("exports", 400000.0, "2025-01/2025-11"),
        ("exports", 300000.0, "2024-01/2024-11"),
    ]


def test_this_quarter_is_the_quarter_just_named():
    body = "文远知行公布2025年第三季度业绩。本季度总收入1.7亿元。"
    assert periods(body) == [("revenue", 170000000.0, "2025-Q3")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("某車企第三季出口9萬輛。", "2025-Q3", id="hant-third-quarter"),
        pytest.param("某車企前三季出口28萬輛。", "2025-01/2025-09", id="hant-first-three"),
        pytest.param("某車企首11個月出口36萬輛。", "2025-01/2025-11", id="hant-first-11-months"),
        pytest.param("某车企上半年出口20万辆。", "2025-H1", id="hans-first-half"),
        pytest.param("某车企1-9月出口28万辆。", "2025-01/2025-09", id="hans-months-1-9"),
        pytest.param("某车企前三季度出口28万辆。", "2025-01/2025-09", id="hans-first-three"),
    ],
)
def test_quarter_and_half_year_wording(body, expected):
    assert periods(body, "2025-12-08")[0][2] == expected


# --- stock figures -----------------------------------------------------------------------------
def test_a_fleet_now_takes_the_articles_month():
    assert periods("目前小马智行的自动驾驶车队超过500辆。", "2025-10-30") == [
        ("fleet_size", 500.0, "2025-10")
    ]


def test_a_fleet_without_a_date_has_no_period():
    assert periods("目前小马智行的自动驾驶车队超过500辆。") == [("fleet_size", 500.0, "")]


def test_a_target_without_a_deadline_has_no_period():
    got = periods("萝卜快跑计划在当地启动60辆无人车试运营。", "2025-10-30")
    assert got == [("fleet_target", 60.0, "")]


# --- lists of years ----------------------------------------------------------------------------
def test_year_range_with_its_count_and_respectively():
    body = "2021-2023三年，某车企出口分别为5万辆、9万辆、20万辆。"
    assert [p for _, _, p in periods(body)] == ["2021", "2022", "2023"]


def test_years_joined_then_values_joined():
    body = "2022年、2023年，某省汽车出口先后跨过20万辆、40万辆两道门槛。"
    assert [p for _, _, p in periods(body)] == ["2022", "2023"]


def test_unequal_lists_do_not_pair():
    body = "2022年、2023年，某车企出口先后为5万辆、9万辆、20万辆。"
    assert [p for _, _, p in periods(body)] == ["2023", "2023", "2023"]


# --- where the reference date comes from -------------------------------------------------------
def test_dateline_without_a_year_is_placed_after_the_reported_past():
    body = "3月5日，某车企公布上年数据。2024年全年出口12万辆，今年一季度出口4万辆。"
    assert dated_by(body, None) == (dt.date(2025, 3, 5), "text")
    assert periods(body)[-1] == ("exports", 40000.0, "2025-Q1")


def test_as_of_date_dates_the_article():
    body = "截至2025年10月31日，小马智行累计出行超千万次。目前其Robotaxi车队超过500辆。"
    assert dated_by(body, None) == (dt.date(2025, 10, 31), "text")
    assert periods(body)[-1] == ("fleet_size", 500.0, "2025-10")


def test_an_event_date_does_not_date_the_article():
    body = "小马智行于2024年6月在香港上市。今年上半年小马智行收入3000万美元。"
    assert reference_date(body, None) == (None, True)
    assert periods(body)[-1] == ("revenue", 30000000.0, "")


def test_a_complete_year_is_a_floor_for_relative_years_not_for_now():
    body = "2025年奇瑞全年出口100万辆，其中12月出口9万辆。比亚迪去年海外销量40万辆。"
    assert dated_by(body, None) == (dt.date(2026, 1, 1), "closed_year")
    assert periods(body)[-1] == ("overseas_sales", 400000.0, "2025")
    fleet = "2025年小马智行全年订单增长，其中12月订单最多。目前其Robotaxi车队超过500辆。"
    assert periods(fleet)[-1] == ("fleet_size", 500.0, "")


def test_a_forecast_year_is_not_complete():
    body = "某机构预测，2025年全年中国汽车出口将突破700万辆。去年出口600万辆。"
    assert dated_by(body, None) == (None, "")


def _dump(bodies: list[str], dates: list[str | None]) -> pd.DataFrame:
    ids = [f"a{i}" for i in range(len(bodies))]
    return pd.DataFrame({"article_id": ids, "source_file": ["dump.txt"] * len(bodies),
                         "published_date": dates, "body": bodies})  # fmt: skip


def test_neighbours_date_an_article_whose_past_fits():
    arts = _dump(["比亚迪出口增长。", "今年小马智行Robotaxi车队扩至300辆。"], ["2025-11-20", None])
    rows = extract_facts(arts, canonical_only=False)
    assert rows.loc[rows["article_id"] == "a1", "period"].tolist() == ["2025"]


def test_neighbours_do_not_date_an_article_from_an_earlier_year():
    # A dump read in January 2026 holds a story on January-October 2025 figures: its 今年 is
    # not the neighbours' year.
    body = "2025年1—10月某品牌在欧洲销量增长。今年1—11月，某车企出口50万辆。"
    arts = _dump(["某车企出口增长。", body], ["2026-01-19", None])
    rows = extract_facts(arts, canonical_only=False)
    assert rows.loc[rows["article_id"] == "a1", "period"].tolist() == [""]


# --- a period written in the sentence or right after the figure --------------------------------
def test_bracketed_period_after_the_figure_dates_it():
    body = "2025年，英伟达凭借Orin芯片占据高阶智驾芯片市场约六成的份额（2024年数据）。"
    assert periods(body)[-1] == ("market_share", 60.0, "2024")


def test_as_of_period_beats_a_report_name_for_a_fleet():
    body = "到2024年10月，百度三季度财报显示，萝卜快跑拥有约2000辆运营车辆。"
    assert periods(body) == [("fleet_size", 2000.0, "2024-10")]


def test_a_multiple_of_last_year_is_a_base_not_the_figures_period():
    body = "2025年上半年，地平线收入增长。该业务收入7亿元，为去年同期3倍，出货量190万套。"
    assert periods(body, "2025-08-30")[-1] == ("installed_units", 1900000.0, "2025-H1")


def test_two_digit_year_at_a_clause_start():
    body = "地平线是国产智驾芯片龙头，24年国内出货量市占率约四成。"
    assert periods(body)[-1] == ("market_share", 40.0, "2024")


def test_a_run_of_figure_sentences_keeps_its_period():
    body = (
        "1至9月，汽车出口同比增长五成。分车型看，乘用车出口160万辆；商用车出口40万辆。"
        "新能源汽车出口38万辆，同比增长一倍。"
    )
    got = periods(body, "2025-10-20")
    assert ("nev_exports", 380000.0, "2025-01/2025-09") in got

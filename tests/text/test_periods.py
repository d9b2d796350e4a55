"""Tests for helpers.text.periods: normalised period strings and year inference."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers.text.periods import extract_periods

REF = "2025-12-01"


def one(text: str, ref_date=None) -> dict:
    found = extract_periods(text, ref_date=ref_date)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "period", "kind"),
    [
        pytest.param("2025年", "2025", "year", id="year"),
        pytest.param("二〇二五年", "2025", "year", id="year-chinese"),
        pytest.param("2025年11月", "2025-11", "month", id="month"),
        pytest.param("2025 年 11 月 6 日", "2025-11-06", "day", id="spaced-day"),
        pytest.param("２０２５年１１月", "2025-11", "month", id="full-width"),
        pytest.param("2025年第二季度", "2025-Q2", "quarter", id="quarter"),
        pytest.param("2025年二季度", "2025-Q2", "quarter", id="quarter-no-di"),
        pytest.param("2025Q2", "2025-Q2", "quarter", id="quarter-latin"),
        pytest.param("Q3 2025", "2025-Q3", "quarter", id="quarter-latin-after"),
        pytest.param("2025年上半年", "2025-H1", "half", id="half"),
        pytest.param("2025H1", "2025-H1", "half", id="half-latin"),
        pytest.param("2025年1—11月", "2025-01/2025-11", "range", id="month-range-dash"),
        pytest.param("2025年1至11月", "2025-01/2025-11", "range", id="month-range-zhi"),
        pytest.param("2025年1月-10月", "2025-01/2025-10", "range", id="month-range-both"),
        pytest.param("2025年前11個月", "2025-01/2025-11", "range", id="first-n-months"),
        pytest.param("2025年前三季度", "2025-01/2025-09", "range", id="first-three-quarters"),
        pytest.param("2025 年底", "2025", "year_end", id="year-end"),
    ],
)
def test_written_periods(text, period, kind):
    p = one(f"數據顯示{text}出口增長")
    assert (p["period"], p["kind"], p["is_inferred"]) == (period, kind, False)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        pytest.param("今年", "2025", id="this-year"),
        pytest.param("去年", "2024", id="last-year"),
        pytest.param("前年", "2023", id="year-before-last"),
        pytest.param("明年", "2026", id="next-year"),
        pytest.param("去年前11個月", "2024-01/2024-11", id="last-year-first-months"),
        pytest.param("今年年底", "2025", id="this-year-end"),
        pytest.param("11月", "2025-11", id="bare-month"),
        pytest.param("1—11月", "2025-01/2025-11", id="bare-month-range"),
        pytest.param("第二季度", "2025-Q2", id="bare-quarter"),
        pytest.param("上半年", "2025-H1", id="bare-half"),
    ],
)
def test_relative_periods_use_ref_date(text, period):
    p = one(f"據報道{text}銷量", ref_date=REF)
    assert (p["period"], p["is_inferred"]) == (period, True)


def test_ref_date_may_be_a_date():
    assert one("去年", ref_date=dt.date(2026, 1, 20))["period"] == "2025"


def test_relative_without_ref_date_is_unresolved():
    p = one("去年前11個月")
    assert (p["period"], p["is_inferred"]) == (None, True)


def test_month_takes_the_year_written_earlier():
    found = extract_periods("2025年出口大增,其中11月單月超70萬輛")
    assert [(p["period"], p["is_inferred"]) for p in found] == [
        ("2025", False),
        ("2025-11", True),
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("5年前", id="years-ago"),
        pytest.param("本月", id="this-month-word"),
        pytest.param("底盤和末端", id="di-mo-alone"),
        pytest.param("13月", id="no-month-13"),
        pytest.param("12025年", id="not-inside-a-number"),
    ],
)
def test_not_periods(text):
    assert extract_periods(text) == []


def test_spans_point_into_the_text():
    text = "小馬智行2025 年 11 月 6 日在港交所上市"
    (p,) = extract_periods(text)
    assert text[p["start"] : p["end"]] == p["text"] == "2025 年 11 月 6 日"


@pytest.mark.parametrize(
    ("text", "ref", "period"),
    [
        pytest.param(
            "2025年出口大增,12月單月出口", "2026-01-14", "2025-12", id="context-year-first"
        ),
        pytest.param("12月單月出口", "2026-01-14", "2025-12", id="month-after-ref-is-last-year"),
        pytest.param("前三季度出口", "2026-01-14", "2025-01/2025-09", id="range-after-ref"),
        pytest.param("2025年出口63萬輛,上年為50萬輛", "2026-01-25", "2024", id="shang-nian"),
        pytest.param(
            "2024年加速。年底目標突破1000輛", "2025-11-06", "2025", id="year-end-this-year"
        ),
        pytest.param(
            "截至11月23日,2024年底時為270輛,10月下旬",
            "2025-11-30",
            "2025-10",
            id="year-end-no-context",
        ),
    ],
)
def test_year_inference_rules(text, ref, period):
    assert extract_periods(text, ref_date=ref)[-1]["period"] == period


def test_fiscal_year_is_marked():
    (p,) = extract_periods("2025財年收入")
    assert (p["period"], p["is_fiscal"]) == ("2025", True)


def test_taiwan_quarters_without_du():
    got = [(p["text"], p["period"]) for p in extract_periods("第四季與前三季", "2026-01-10")]
    assert got == [("第四季", "2025-Q4"), ("前三季", "2025-01/2025-09")]


def test_a_repeated_month_range_keeps_its_year():
    text = "2025年1-11月出口增长；作为对照，2024年全年出口下降。零跑1-11月出口5万辆。"
    assert [p["period"] for p in extract_periods(text, "2025-12-05")][-1] == "2025-01/2025-11"


def test_same_period_last_year_and_comparison_base_years():
    text = "2025年1-9月份额为40%，较上年同期的44.7%下降。"
    assert [p["period"] for p in extract_periods(text)] == ["2025-01/2025-09", "2024-01/2024-09"]
    text = "已超过2024年全年的水平；单看11月，出口72万辆。"
    assert [p["period"] for p in extract_periods(text, "2025-12-05")][-1] == "2025-11"


# --- issue 14: relative spans and the years a passage is about ---------------------------------
@pytest.mark.parametrize(
    ("text", "ref", "expected"),
    [
        pytest.param("某車企上個月出口", "2026-01-10", ["2025-12"], id="last-month-over-new-year"),
        pytest.param("某車企上月出口", None, [None], id="last-month-no-date"),
        pytest.param("某車企年初至今出口", "2025-08-03", ["2025-01/2025-08"], id="ytd"),
        pytest.param(
            "9月某車企出口增長，當月出口",
            "2025-12-01",
            ["2025-09", "2025-09"],
            id="that-month-named",
        ),
        pytest.param(
            "2025年第二季度財報顯示，當季營收",
            None,
            ["2025-Q2", "2025-Q2"],
            id="this-quarter-named",
        ),
        pytest.param("本季度營收", "2025-12-01", [None], id="this-quarter-not-named"),
    ],
)
def test_relative_spans(text, ref, expected):
    assert [p["period"] for p in extract_periods(text, ref_date=ref)] == expected


def test_plan_year_is_not_the_passage_year():
    text = "2025年某品牌縮減網點，計畫2026年再縮減至80家。其中，1—11月出口增長。"
    assert [p["period"] for p in extract_periods(text)] == ["2025", "2026", "2025-01/2025-11"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "占比由2021年的14.9%提升至29.3%。上半年出口增長",
            ["2021", None],
            id="from-year-of-a-move",
        ),
        pytest.param("2022年出口增長。上半年出口增長", ["2022", "2022-H1"], id="passage-year"),
        pytest.param("成立24年，10年来出口增長", [], id="counts-of-years"),
        pytest.param("，25年開推新芯片", ["2025"], id="two-digit-year"),
    ],
)
def test_which_years_a_passage_is_about(text, expected):
    assert [p["period"] for p in extract_periods(text)] == expected


def test_multiple_of_a_period_is_a_base():
    (p,) = extract_periods("營收為去年同期3.5倍", ref_date="2025-08-30")
    assert p["is_base"] and p["period"] == "2024"

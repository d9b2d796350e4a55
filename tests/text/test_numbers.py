"""Tests for helpers.text.numbers: every shape named in issue 6, and the false friends."""

from __future__ import annotations

import pytest

from helpers.text.numbers import extract_numbers
from helpers.text.numerals import parse_cn_numeral
from helpers.text.script import normalize_width

E = None  # "no value" marker in the tables below, for readability


def only(text: str, **kwargs) -> dict:
    """The single expression found in ``text``."""
    found = extract_numbers(text, **kwargs)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        pytest.param("銷量為1,234,567輛", 1234567, "quantity", id="thousands-separators"),
        pytest.param("增長12.5%", 12.5, "percent", id="decimal-percent"),
        pytest.param("出口６３４．３萬輛", 6343000, "quantity", id="full-width-digits"),
        pytest.param("１，２３４台", 1234, "quantity", id="full-width-comma"),
        pytest.param("兩百零五", 205, "number", id="cn-liang-bai-ling-wu"),
        pytest.param("一萬三", 13000, "number", id="cn-elided-unit"),
        pytest.param("九百九", 990, "number", id="cn-elided-hundreds"),
        pytest.param("二十一万亿", 2.1e13, "number", id="cn-wan-yi"),
        pytest.param("四萬萬", 4e8, "number", id="cn-wan-wan"),
        pytest.param("五兆六十二億", 5.0062e12, "number", id="zhao-is-1e12"),
        pytest.param("4.78萬億元", 4.78e12, "money", id="arabic-wan-yi"),
        pytest.param("3万4000", 34000, "number", id="mixed-arabic-chinese"),
        pytest.param("十分之一", 10, "percent", id="fraction-is-percent"),
        pytest.param("三分之二", 200 / 3, "percent", id="fraction-two-thirds"),
        pytest.param("三成", 30, "percent", id="san-cheng"),
        pytest.param("兩成", 20, "percent", id="liang-cheng"),
        pytest.param("三成半", 35, "percent", id="cheng-ban"),
        pytest.param("打八折", 80, "percent", id="zhe-discount"),
        pytest.param("百分之三十九", 39, "percent", id="bai-fen-zhi"),
        pytest.param("百分之2.4", 2.4, "percent", id="bai-fen-zhi-arabic"),
        pytest.param("千分之五", 0.5, "percent", id="qian-fen-zhi"),
        pytest.param("下降3個百分點", 3, "percentage_point", id="percentage-points-trad"),
        pytest.param("减少了超六个百分点", 6, "percentage_point", id="percentage-points-simp"),
        pytest.param("負3.9%", -3.9, "percent", id="negative-percent"),
        pytest.param("三又三分之一", 10 / 3, "number", id="mixed-fraction"),
        pytest.param("比例3/5", 0.6, "number", id="slash-fraction"),
        pytest.param("增長2倍", 2, "number", id="fold"),
        pytest.param("半百", 50, "number", id="ban-bai"),
        pytest.param("一打", 12, "number", id="dozen"),
    ],
)
def test_values_and_kinds(text, value, kind):
    n = only(text)
    assert n["value"] == pytest.approx(value)
    assert n["kind"] == kind


@pytest.mark.parametrize(
    ("text", "low", "high", "unit", "currency"),
    [
        pytest.param("約200至240億元", 2e10, 2.4e10, E, "CNY", id="range-shares-yi-and-yuan"),
        pytest.param("約兩百至兩百四十億元", 2e10, 2.4e10, E, "CNY", id="range-chinese"),
        pytest.param("70-85%", 70, 85, E, E, id="range-percent"),
        pytest.param("70%-85%", 70, 85, E, E, id="range-percent-both"),
        pytest.param("5萬輛至8萬輛", 5e4, 8e4, "vehicles", E, id="range-unit-both"),
        pytest.param("2萬—3萬美元", 2e4, 3e4, E, "USD", id="range-em-dash"),
        pytest.param("二至三成", 20, 30, E, E, id="range-cheng"),
        pytest.param("3000至2萬輛", 3000, 2e4, "vehicles", E, id="range-no-inherit-when-larger"),
        pytest.param("三四成", 30, 40, E, E, id="range-cheng-digit-pair"),
        pytest.param("两三成", 20, 30, E, E, id="range-cheng-liang-san"),
        pytest.param("七八成", 70, 80, E, E, id="range-cheng-qi-ba"),
        pytest.param("兩三成", 20, 30, E, E, id="range-cheng-traditional"),
        pytest.param("一兩成", 10, 20, E, E, id="range-cheng-yi-liang"),
    ],
)
def test_ranges(text, low, high, unit, currency):
    n = only(text)
    assert (n["low"], n["high"]) == (pytest.approx(low), pytest.approx(high))
    assert n["value"] == n["low"]  # NOTE: value is the lower bound
    assert (n["unit"], n["currency"]) == (unit, currency)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        pytest.param("約3%", "approx", id="yue"),
        pytest.param("大約17000個", "approx", id="dayue"),
        pytest.param("近16萬輛", "approx", id="jin"),
        pytest.param("接近3000萬輛", "approx", id="jiejin"),
        pytest.param("逼近100萬輛", "approx", id="bijin"),
        pytest.param("2500萬輛左右", "approx", id="zuoyou"),
        pytest.param("超83萬輛", "over", id="chao"),
        pytest.param("超過120萬輛", "over", id="chaoguo"),
        pytest.param("逾百萬輛", "over", id="yu"),
        pytest.param("突破 1000 輛", "over", id="tupo-spaced"),
        pytest.param("50%以上", "over", id="yishang"),
        pytest.param("400多輛", "over", id="duo-suffix"),
        pytest.param("1000餘家", "over", id="yu-suffix"),
        pytest.param("一千多万", "over", id="duo-inside"),
        pytest.param("數十億美元", "over", id="shu-prefix"),
        pytest.param("不足10萬輛", "under", id="buzu"),
        pytest.param("634.3萬輛", E, id="exact"),
        pytest.param("最近3個百分點", E, id="zuijin-is-not-jin"),
    ],
)
def test_qualifiers(text, qualifier):
    assert only(text)["qualifier"] == qualifier


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        pytest.param("1.54 億元人民幣", "CNY", id="yuan-renminbi"),
        pytest.param("人民幣1.54億元", "CNY", id="renminbi-prefix"),
        pytest.param("80億美元", "USD", id="usd"),
        pytest.param("77 億港元", "HKD", id="hkd"),
        pytest.param("數十億歐元", "EUR", id="eur"),
        pytest.param("100日元", "JPY", id="jpy-not-a-day"),
        pytest.param("8460億盧布", "RUB", id="rub"),
        pytest.param("5000萬韓元", "KRW", id="krw"),
        pytest.param("US$21.46M", "USD", id="usd-prefix-mega"),
        pytest.param("HK$139", "HKD", id="hkd-prefix"),
    ],
)
def test_currencies(text, currency):
    n = only(text)
    assert (n["kind"], n["currency"]) == ("money", currency)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        pytest.param("720 輛", "vehicles", id="liang"),
        pytest.param("1000 臺", "vehicles", id="tai-trad"),
        pytest.param("10台", "vehicles", id="tai-simp"),
        pytest.param("3顆", "units", id="ke"),
        pytest.param("210萬套", "units", id="tao"),
        pytest.param("2250TOPS", "TOPS", id="tops"),
        pytest.param("254 TOPS", "TOPS", id="tops-spaced"),
        pytest.param("5500 萬公里", "km", id="gongli"),
        pytest.param("超 10 家", "companies", id="jia"),
        pytest.param("3起", "cases", id="qi"),
        pytest.param("46輛L3級", "vehicles", id="unit-before-latin"),
    ],
)
def test_units(text, unit):
    n = only(text)
    assert (n["kind"], n["unit"]) == ("quantity", unit)


def test_spans_point_into_the_original_text():
    text = "小馬智行車隊規模超 720 輛,總營收達 1.54 億元人民幣。"
    for n in extract_numbers(text):
        assert text[n["start"] : n["end"]] == n["text"]
    assert [n["text"] for n in extract_numbers(text)] == ["超 720 輛", "1.54 億元人民幣"]


def test_numeral_is_the_number_alone():
    n = only("約200至240億元")
    assert n["numeral"] == "200至240億"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("中國一汽與大眾合作", id="yiqi-faw"),
        pytest.param("汽車零部件企業", id="lingbujian"),
        pytest.param("一體化壓鑄", id="yitihua"),
        pytest.param("一些企業", id="yixie"),
        pytest.param("這十分重要", id="shifen-very"),
        pytest.param("萬一失敗", id="wanyi"),
        pytest.param("一邊擴產一邊降價", id="yibian"),
        pytest.param("零跑汽車", id="leapmotor"),
        pytest.param("零售銷量", id="lingshou"),
        pytest.param("百度Apollo", id="baidu"),
        pytest.param("全球最大市場之一", id="zhiyi"),
        pytest.param("統一標準", id="tongyi"),
        pytest.param("二手車出口", id="ershou"),
        pytest.param("一二線城市", id="tier-cities"),
        pytest.param("三一重工", id="digit-pair-name"),
        pytest.param("二三十個百分點", id="vague-range"),
        pytest.param("小米SU7與蔚來ET9", id="model-names"),
        pytest.param("5G和4S店", id="latin-glued"),
        pytest.param("1:1人手", id="ratio"),
        pytest.param("本周三舉行聽證", id="weekday"),
        pytest.param("四川和陸地", id="sichuan"),
        pytest.param("https://x.com/?q=30%25", id="url"),
    ],
)
def test_false_friends(text):
    assert extract_numbers(text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("2025年", "date", id="year"),
        pytest.param("2025 年 11 月 6 日", "date", id="spaced-date"),
        pytest.param("11月", "date", id="month"),
        pytest.param("1—11月", "date", id="month-range"),
        pytest.param("二季度", "date", id="quarter"),
        pytest.param("第二季度", "ordinal", id="ordinal-quarter"),
        pytest.param("前11個月", "period", id="months-duration"),
        pytest.param("CES 2026", "date", id="bare-year"),
        pytest.param("2024-2025", "date", id="year-range"),
        pytest.param("2025-11-06", "date", id="iso-date"),
        pytest.param("第七代", "ordinal", id="ordinal"),
    ],
)
def test_dates_are_skipped_by_default(text, kind):
    assert extract_numbers(text) == []
    kinds = {n["kind"] for n in extract_numbers(text, skip_kinds=())}
    assert kind in kinds


def test_date_then_quantity():
    found = extract_numbers("2025年1—11月汽車整車出口634.3萬輛")
    assert [(n["text"], n["value"]) for n in found] == [("634.3萬輛", 6343000.0)]


def test_cn2an_traps_survive():
    # PITFALLS: cn2an.transform turns these into 0部件, 1汽, 數100000輛.
    found = extract_numbers("零部件和一汽的數十萬輛")
    assert [(n["text"], n["value"], n["qualifier"]) for n in found] == [
        ("數十萬輛", 100000.0, "over")
    ]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        pytest.param("兩百零五", 205, id="trad"),
        pytest.param("四亿五千六百四十二万零一十五", 456420015, id="long"),
        pytest.param("1,100.9亿", 110090000000, id="arabic-yi"),
        pytest.param("一百零十万", 1100000, id="ling-shi"),
        pytest.param("零部件", None, id="not-a-numeral"),
        pytest.param("萬", None, id="bare-magnitude"),
    ],
)
def test_parse_cn_numeral(numeral, value):
    assert parse_cn_numeral(numeral) == (value if value is None else pytest.approx(value))


def test_normalize_width_keeps_length():
    text = "２０２５年　１１月，增長１２％"
    assert len(normalize_width(text)) == len(text)
    assert normalize_width(text) == "2025年 11月,增長12%"


@pytest.mark.shared
def test_gold_evidence_yields_gold_values(shared_dir):
    """Each hand-annotated fact's evidence holds its value (and over/approx qualifier)."""
    import pandas as pd

    gold = pd.read_csv(shared_dir / "corpus" / "gold_facts_dev.csv", dtype={"qualifier": str})
    misses = []
    for row in gold.itertuples():
        found = extract_numbers(row.evidence)
        hits = [n for n in found if n["value"] == pytest.approx(row.value)]
        wanted = row.qualifier if row.qualifier in ("over", "approx") else None
        if not hits or (wanted and all(n["qualifier"] != wanted for n in hits)):
            misses.append((row.evidence, row.value, row.qualifier, found))
    assert not misses


def test_minus_sign_after_chinese_text():
    from helpers.text.numbers import extract_numbers

    assert [n["value"] for n in extract_numbers("毛利率為-0.3%,F-150")] == [-0.3]


def test_percent_range_with_its_own_percent_words():
    (n,) = extract_numbers("華為份額約為兩成至兩成五")
    assert (n["value"], n["low"], n["high"], n["qualifier"]) == (20.0, 20.0, 25.0, "approx")
    (n,) = extract_numbers("占比20%至25%")
    assert (n["low"], n["high"], n["text"]) == (20.0, 25.0, "20%至25%")


def test_chips_counted_in_pieces():
    (n,) = extract_numbers("累計出貨已超過700萬片")
    assert (n["value"], n["unit"], n["qualifier"]) == (7e6, "units", "over")


@pytest.mark.parametrize(
    ("text", "expr", "low", "high", "qualifier"),
    [
        pytest.param("約三四成的車主選擇混動", "約三四成", 30, 40, "approx", id="yue-trad"),
        pytest.param("市佔率约三四成", "约三四成", 30, 40, "approx", id="yue"),
        pytest.param("出口增长两三成", "两三成", 20, 30, None, id="growth"),
        pytest.param("七八成的订单来自欧洲", "七八成", 70, 80, None, id="before-de"),
    ],
)
def test_cheng_digit_pair_is_a_percent_range_in_text(text, expr, low, high, qualifier):
    n = only(text)
    assert (n["kind"], n["value"], n["low"], n["high"]) == ("percent", low, low, high)
    assert (n["qualifier"], n["text"]) == (qualifier, expr)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("市民三五成群", id="san-wu-cheng-qun-idiom"),
        pytest.param("九九折", id="zhe-digit-pair-is-one-number"),
    ],
)
def test_digit_pairs_that_are_no_cheng_range(text):
    assert all(n["high"] is None for n in extract_numbers(text))
    assert all(n["value"] <= 100 for n in extract_numbers(text))


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        pytest.param("三分之一", 100 / 3, None, id="san-fen-zhi-yi"),
        pytest.param("四分之一", 25, None, id="si-fen-zhi-yi"),
        pytest.param("近三分之一", 100 / 3, "approx", id="jin-san-fen-zhi-yi"),
        pytest.param("近1/3", 100 / 3, "approx", id="jin-slash"),
        pytest.param("占比近1/3", 100 / 3, "approx", id="zhanbi-jin-slash"),
        pytest.param("超過1/4", 25, "over", id="chaoguo-slash"),
        pytest.param("不到1/5", 20, "under", id="budao-slash"),
        pytest.param("国产芯片占1/3", 100 / 3, None, id="zhan-slash"),
        pytest.param("份額為1/5", 20, None, id="fene-wei-slash"),
        pytest.param("佔比達2/3", 200 / 3, None, id="zhanbi-da-slash"),
    ],
)
def test_fractions_next_to_share_words_are_percents(text, value, qualifier):
    n = only(text)
    assert (n["kind"], n["qualifier"]) == ("percent", qualifier)
    assert n["value"] == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("1/3", 1 / 3, id="bare-may-be-a-date"),
        pytest.param("新車於1/3發布", 1 / 3, id="date-after-yu"),
        pytest.param("截至1/3", 1 / 3, id="date-after-jiezhi"),
        pytest.param("最近1/3", 1 / 3, id="zuijin-is-recent-not-nearly"),
        pytest.param("比例3/5", 0.6, id="bili-may-be-a-ratio"),
        pytest.param("近4/3", 4 / 3, id="improper-fraction"),
        pytest.param("近1.5/3", 0.5, id="decimal-numerator"),
        pytest.param("占1 1/3", 4 / 3, id="mixed-number"),
    ],
)
def test_slash_fractions_without_share_context_stay_numbers(text, value):
    n = only(text)
    assert (n["kind"], n["value"]) == ("number", pytest.approx(value))


# --- issue 14: counters and scales of real news (own phrases) -----------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("付運1萬部", [(1e4, None, "vehicles")], id="bu-counts-vehicles"),
        pytest.param("一部分車", [], id="bu-starting-a-word"),
        pytest.param("里程1.2億英里", [(1.2e8, None, "miles")], id="miles"),
        pytest.param("指引為40-40.5百萬台", [(4e7, 4.05e7, "vehicles")], id="range-shares-bai-wan"),
        pytest.param("出口3萬—5萬輛", [(3e4, 5e4, "vehicles")], id="range-with-em-dash"),
        pytest.param("銷量1.2千台", [(1.2e3, None, "vehicles")], id="qian-tai"),
    ],
)
def test_counters_and_scales_of_real_news(text, expected):
    assert [(n["value"], n["high"], n["unit"]) for n in extract_numbers(text)] == expected

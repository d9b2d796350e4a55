"""Tests for helpers.facts: one test per sentence shape of issue 6, own Chinese sentences."""

from __future__ import annotations

import pytest

from helpers.facts import extract_article_facts, extract_facts, reference_date
from helpers.paths import PROJ_ROOT

REF = "2026-01-20"


def facts(body: str, ref: str | None = REF) -> list[tuple]:
    rows = extract_article_facts("t", body, ref)
    return [(r["entity_id"], r["metric"], r["value"], r["period"]) for r in rows]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "2025年,蕪湖出口汽車超83萬輛。",
            [("wuhu", "exports", 830000.0, "2025")],
            id="city-exports-over",
        ),
        pytest.param(
            "据协会数据，2025年1—11月，我国汽车整车出口634.3万辆，同比增长18.7%。",
            [
                ("china", "exports", 6343000.0, "2025-01/2025-11"),
                ("china", "yoy_growth", 18.7, "2025-01/2025-11"),
            ],
            id="national-exports-and-growth",
        ),
        pytest.param(
            "前三季度，甲乙两家之外，奇瑞、比亚迪和吉利的出口量分别为90万辆、70万辆和40万辆。",
            [
                ("chery", "exports", 900000.0, "2025-01/2025-09"),
                ("byd", "exports", 700000.0, "2025-01/2025-09"),
                ("geely", "exports", 400000.0, "2025-01/2025-09"),
            ],
            id="respectively-entities",
        ),
        pytest.param(
            "今年前三季度，中国对墨西哥、俄罗斯和英国分别出口汽车41万辆、35万辆和22万辆。",
            [
                ("china", "exports", 410000.0, "2026-01/2026-09"),
                ("china", "exports", 350000.0, "2026-01/2026-09"),
                ("china", "exports", 220000.0, "2026-01/2026-09"),
            ],
            id="respectively-markets",
        ),
        pytest.param(
            "吉利的出口增速從2024年的39%下降到了2025年的25%。",
            [("geely", "yoy_growth", 39.0, "2024"), ("geely", "yoy_growth", 25.0, "2025")],
            id="from-to-two-facts",
        ),
        pytest.param(
            "比亞迪在去年前11個月對歐洲交付近16萬輛。",
            [("byd", "sales", 160000.0, "2025-01/2025-11")],
            id="last-year-first-months-to-europe",
        ),
        pytest.param(
            "Waymo車隊規模超1500輛,年底目標突破3000輛。",
            [
                ("waymo", "fleet_size", 1500.0, "2026-01-20"),
                ("waymo", "fleet_target", 3000.0, "2026"),
            ],
            id="fleet-now-and-target",
        ),
        pytest.param(
            "地平線以48.5%的市佔率居首,輝達和華為分別佔25%和12%,其他廠商合計8%。",
            [
                ("horizon_robotics", "market_share", 48.5, "2026"),
                ("nvidia", "market_share", 25.0, "2026"),
                ("huawei", "market_share", 12.0, "2026"),
                ("others", "market_share", 8.0, "2026"),
            ],
            id="shares-several-subjects",
        ),
        pytest.param(
            "2024年奇瑞出口约110万辆,上汽约50万辆,吉利、长城汽车各约40万辆。",
            [
                ("chery", "exports", 1100000.0, "2024"),
                ("saic", "exports", 500000.0, "2024"),
                ("geely", "exports", 400000.0, "2024"),
                ("great_wall", "exports", 400000.0, "2024"),
            ],
            id="each-ge",
        ),
        pytest.param(
            "2025年第二季度,小马智行总营收达1.2亿元人民币。",
            [("pony_ai", "revenue", 120000000.0, "2025-Q2")],
            id="quarter-revenue-money",
        ),
        pytest.param(
            "比亚迪2023-2024年出口增速分别达到40%及50%。",
            [("byd", "yoy_growth", 40.0, "2023"), ("byd", "yoy_growth", 50.0, "2024")],
            id="respectively-years",
        ),
        pytest.param(
            "小鹏汽车的芯片有效算力达到700TOPS,上半年搭载量为2万颗。",
            [
                ("xpeng", "compute_tops", 700.0, "2026"),
                ("xpeng", "installed_units", 20000.0, "2025-H1"),
            ],
            id="tops-and-installs",
        ),
    ],
)
def test_sentence_shapes(body, expected):
    assert facts(body) == expected


@pytest.mark.parametrize(
    ("body", "metric", "value"),
    [
        pytest.param("奇瑞2025年出口同比下降7.5%。", "yoy_growth", -7.5, id="decrease-negative"),
        pytest.param("吉利出口增速回落近20個百分點。", "change", -20.0, id="pp-decrease"),
        pytest.param("比亚迪2025年渗透率提高约3.5个百分点。", "change", 3.5, id="pp-increase"),
        pytest.param("奇瑞出口增速降至3.5%。", "yoy_growth", 3.5, id="fell-to-is-a-level"),
    ],
)
def test_signs(body, metric, value):
    (row,) = [
        r for r in extract_article_facts("t", f"甲公司称,{body}", REF) if r["metric"] == metric
    ]
    assert row["value"] == value


@pytest.mark.parametrize(
    ("body", "qualifier"),
    [
        pytest.param("协会预计2026年汽车出口将达到700万辆。", "forecast", id="forecast"),
        pytest.param("小马智行计划年底把车队扩大至2000辆。", "target", id="target"),
        pytest.param("奇瑞出口约110万辆。", "approx", id="approx"),
        pytest.param("奇瑞出口超过110万辆。", "over", id="over"),
    ],
)
def test_qualifiers(body, qualifier):
    assert extract_article_facts("t", body, REF)[0]["qualifier"] == qualifier


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("当车队规模达到1000辆时，运营会越过盈亏平衡点。", id="hypothetical"),
        pytest.param("单月出口量首次突破70万辆。", id="milestone"),
        pytest.param("萝卜快跑已进入千辆级车队阶段，每新增一辆车成本更低。", id="vague"),
        pytest.param("电池包均价降至100美元/kWh以下。", id="no-metric"),
    ],
)
def test_not_facts(body):
    assert facts(body) == []


def test_data_source_market_and_span():
    body = "据乘联会统计，2025年中国对墨西哥出口汽车62万辆。"
    (row,) = extract_article_facts("t", body, REF)
    assert (row["data_source"], row["market"], row["topic"]) == ("cpca", "MX", "ev_exports")
    assert body[row["char_start"] : row["char_end"]] == row["number_text"] == "62万辆"
    assert body[row["sentence_start"] :].startswith(row["sentence"])


def test_brand_keeps_its_id_and_parent():
    (row,) = extract_article_facts("t", "Orin-X的市佔率為49.4%。", REF)
    assert (row["entity_id"], row["parent_id"], row["topic"]) == ("orin_x", "nvidia", "chip_share")


def test_year_is_inferred_without_a_date():
    rows = extract_article_facts("t", "2026年將是出海大年。比亞迪去年出口40萬輛。", None)
    assert [(r["period"], r["period_inferred"]) for r in rows] == [("2025", True)]
    assert reference_date("2025年1—10月銷量", None)[1] is True


def test_china_sales_abroad_are_chinese_brands():
    (row,) = extract_article_facts("t", "在歐洲市場,中國汽車銷量2025年將達到約230萬輛。", REF)
    assert (row["entity_id"], row["market"], row["is_topic_fact"]) == ("chinese_brands", "EU", True)


def test_foreign_makers_abroad_are_not_export_news():
    (row,) = extract_article_facts("t", "日本車企在歐洲的銷量2025年約為300萬輛。", REF)
    assert (row["entity_id"], row["topic"]) == ("japan", "other")


def test_only_canonical_articles_and_unique_ids():
    import pandas as pd

    body = "奇瑞2025年出口134萬輛,其中12月出口14萬輛。"
    df = pd.DataFrame(
        {
            "article_id": ["a", "b"],
            "body": [body, body],
            "published_date": [REF, REF],
            "is_canonical": [True, False],
            "source_file": ["x.txt", "x.txt"],
            "source_line": [1, 5],
        }
    )
    out = extract_facts(df)
    assert set(out["article_id"]) == {"a"} and out["fact_id"].is_unique
    assert out["file_position"].tolist() == [1, 1]


def test_sample_corpus_runs_fast_and_clean():
    from helpers import dedup, parse

    articles = parse.parse_raw_dir(PROJ_ROOT / "data" / "raw" / "sample").articles
    out = extract_facts(dedup.deduplicate(articles).articles)
    assert out["fact_id"].is_unique
    pct = out[out["unit"] == "percent"]
    shares = pct[pct["metric"] == "market_share"]
    assert shares["value"].between(0, 100).all()
    for row in out.itertuples():
        body = articles.set_index("article_id").loc[row.article_id, "body"]
        assert body[row.char_start : row.char_end] == row.number_text

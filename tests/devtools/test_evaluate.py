"""Tests for helpers.devtools.evaluate: scoring on tiny inline frames, plus golden scores."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core.paths import PROJ_ROOT
from helpers.devtools import evaluate

SAMPLE_KEY = PROJ_ROOT / "tests" / "fixtures" / "sample_truth"


def gold(**over) -> pd.DataFrame:
    row = {"seed": "s1", "topic": "ev_exports", "entity": "byd", "metric": "exports",
           "value": 400000.0, "period": "2024", "market": "world"}  # fmt: skip
    return pd.DataFrame([{**row, **over}])


def pred(**over) -> pd.DataFrame:
    row = {"seed": "s1", "topic": "ev_exports", "entity_id": "byd", "parent_id": "byd",
           "metric": "exports", "value": 400000.0, "period": "2024", "market": "world",
           "number_text": "40萬輛", "sentence": "比亞迪2024年出口40萬輛"}  # fmt: skip
    return pd.DataFrame([{**row, **over}])


def counts(result: evaluate.Score, topic: str = "all") -> tuple[int, int, int]:
    row = result.table.set_index("topic").loc[topic]
    return int(row["tp"]), int(row["fp"]), int(row["fn"])


@pytest.mark.parametrize(
    ("pred_over", "expected"),
    [
        pytest.param({}, (1, 0, 0), id="exact"),
        pytest.param({"value": 401000.0}, (1, 0, 0), id="within-half-percent"),
        pytest.param({"value": 404000.0}, (0, 1, 1), id="one-percent-off"),
        pytest.param({"entity_id": "denza", "parent_id": "byd"}, (1, 0, 0), id="parent-matches"),
        pytest.param({"entity_id": "geely", "parent_id": "geely"}, (0, 1, 1), id="wrong-entity"),
        pytest.param({"period": "2024-12"}, (1, 0, 0), id="period-inside"),
        pytest.param({"period": "2025"}, (0, 1, 1), id="period-other-year"),
        pytest.param({"period": ""}, (0, 1, 1), id="period-missing"),
        pytest.param({"seed": "s2"}, (0, 1, 1), id="other-seed"),
        pytest.param({"metric": "yoy_growth"}, (0, 0, 1), id="non-topic-prediction-ignored"),
    ],
)
def test_matching_rules(pred_over, expected):
    assert counts(evaluate.score(gold(), pred(**pred_over))) == expected
    assert counts(evaluate.score(gold(), pred(**pred_over), strict=False)) == expected


@pytest.mark.parametrize(
    ("gold_over", "pred_over", "strict", "lenient"),
    [
        pytest.param({}, {"metric": "overseas_sales"}, (1, 0, 0), (1, 0, 0), id="metric-family"),
        pytest.param({}, {"metric": "nev_exports"}, (0, 1, 1), (1, 0, 0), id="metric-differs"),
        pytest.param({"market": "RU"}, {"market": "world"}, (0, 1, 1), (1, 0, 0),
                     id="market-differs"),
        pytest.param({"market": "RU"}, {"market": ""}, (1, 0, 0), (1, 0, 0),
                     id="market-unnamed-by-prediction"),
        pytest.param({"period": "2024-12"}, {"period": "2024"}, (0, 1, 1), (1, 0, 0),
                     id="prediction-coarser-than-gold"),
        pytest.param({"period": ""}, {"period": "1995"}, (0, 1, 1), (1, 0, 0),
                     id="empty-gold-period-no-free-pass"),
        pytest.param({"period": ""}, {"period": "2025", "article_year": "2025"}, (1, 0, 0),
                     (1, 0, 0), id="empty-gold-period-article-year"),
        pytest.param({"period": ""}, {"period": ""}, (1, 0, 0), (1, 0, 0),
                     id="both-periods-empty"),
    ],
)  # fmt: skip
def test_strict_and_lenient_rules(gold_over, pred_over, strict, lenient):
    g, p = gold(**gold_over), pred(**pred_over)
    assert counts(evaluate.score(g, p)) == strict
    assert counts(evaluate.score(g, p, strict=False)) == lenient


@pytest.mark.parametrize(
    ("pred_over", "kind"),
    [
        pytest.param({"entity_id": "geely", "parent_id": "geely"}, "entity", id="entity"),
        pytest.param({"metric": "nev_exports"}, "metric", id="metric"),
        pytest.param({"period": "2023"}, "period", id="period"),
        pytest.param({"market": "RU"}, "market", id="market"),
        pytest.param({"value": 350000.0}, "value", id="value"),
        pytest.param({"seed": "s2"}, "missed", id="missed"),
    ],
)
def test_errors_are_grouped_by_kind(pred_over, kind):
    result = evaluate.score(gold(), pred(**pred_over))
    kinds = result.errors["kind"].tolist()
    assert kinds[0] == kind
    assert kinds[1:] == (["spurious"] if kind == "missed" else [])
    table = evaluate.error_counts(result)
    assert table.loc["all", kind] == 1 and table.loc["ev_exports", kind] == 1


def test_duplicates_count_once_and_matching_is_one_to_one():
    preds = pd.concat([pred(), pred(), pred(value=700000.0)], ignore_index=True)
    assert counts(evaluate.score(gold(), preds)) == (1, 1, 0)


def test_combined_entities_match_as_sets():
    g = gold(topic="chip_share", entity="nvidia+huawei", metric="market_share", value=90.0)
    p = pred(topic="chip_share", entity_id="huawei+nvidia", parent_id="huawei+nvidia",
             metric="market_share", value=90.0)  # fmt: skip
    assert counts(evaluate.score(g, p), "chip_share") == (1, 0, 0)


def test_key_metrics_are_mapped_and_non_topic_rows_dropped():
    fleet = gold(metric="av_fleet_size", topic="robotaxi_fleet", entity="weride", value=1200.0)
    g = pd.concat([gold(metric="exports_yoy", value=20.0), fleet], ignore_index=True)
    mapped = evaluate.topic_facts(evaluate.map_gold_metrics(g))
    assert mapped[["key_metric", "metric"]].values.tolist() == [["av_fleet_size", "fleet_size"]]


def test_sales_abroad_is_a_topic_fact_sales_at_home_is_not():
    g = pd.concat([gold(metric="sales", market="EU"), gold(metric="sales", market="CN")])
    assert len(evaluate.topic_facts(g)) == 1


def test_point_in_time_periods_same_year():
    assert evaluate.periods_compatible("2025-05", "2025-Q1", "fleet_size")
    assert not evaluate.periods_compatible("2025-05", "2025-Q1", "exports")


def test_seeds_from_articles_key():
    f = pd.DataFrame({"source_file": ["a.txt", "a.txt"], "file_position": [1, 2]})
    key = pd.DataFrame({"source_file": ["a.txt", "a.txt"], "position": ["1", "2"],
                        "canonical_key": ["e01", "e01"]})  # fmt: skip
    assert evaluate.add_seeds(f, key)["seed"].tolist() == ["e01", "e01"]


def test_report_lists_misses_and_false_positives():
    text = evaluate.format_report(evaluate.score(gold(), pred(value=1.0)), "gold.csv")
    assert "-- misses" in text and "比亞迪2024年出口" in text and "ev_exports" in text
    assert "(strict)" in text and "-- errors by kind" in text


def test_report_prints_lenient_beside_strict():
    g, p = gold(market="RU"), pred(market="world")
    text = evaluate.format_report(evaluate.score(g, p), "g.csv", evaluate.score(g, p, strict=False))
    assert "== lenient" in text


def test_article_year_comes_from_the_article():
    facts = pd.DataFrame({"article_id": ["a1", "a2", "a3"]})
    arts = pd.DataFrame({"article_id": ["a1", "a2", "a3"],
                         "published_date": ["2025-12-01", "", None]})  # fmt: skip
    assert evaluate.add_article_year(facts, arts)["article_year"].tolist() == ["2025", "", ""]


def test_seed_is_the_file_stem_before_an_underscore():
    f = pd.DataFrame({"source_file": ["002_ab.txt", "a07.txt", "sub/r3_x.html"]})
    assert evaluate.add_seeds(f)["seed"].tolist() == ["002", "a07", "r3"]


# --- golden scores: the floors below are the levels measured when they were set -----------------
# NOTE: two floors per set. The lenient ones (entity + value + period) are the regression floors
# of earlier sessions, unchanged. The strict ones (issue 14: metric, market and empty periods
# must agree too) were measured on 2026-12-05 when the strict scorer was written (rounded down):
# sample 0.950/0.950, dev 0.900/0.900, heldout 0.959/0.944, heldout2 0.879/0.879, heldout3
# 0.947/0.957, heldout4 0.863/0.871, heldout5 0.881/0.920, heldout6 0.823/0.886. The TOPS row of
# the dev gold is no topic fact since then (specs are not facts an analyst charts), on both
# sides, so the dev set has 10 topic facts.
# NOTE: targets are P >= 0.95 and R >= 0.95 on topic facts. Measured (issue 6 note): sample
# key P 1.000 R 0.990; dev gold P 0.917 R 1.000 (one true but unannotated mileage figure).
# The dev precision floor is therefore a regression floor below the target, not the target.
def _all(result: evaluate.Score) -> tuple[float, float]:
    row = result.table.set_index("topic").loc["all"]
    return float(row["precision"]), float(row["recall"])


def test_golden_sample_key():
    g = evaluate.read_gold(SAMPLE_KEY / "facts.csv")
    key = pd.read_csv(SAMPLE_KEY / "articles.csv", dtype=str, keep_default_na=False)
    preds = evaluate.add_seeds(
        evaluate.predict_from_raw(PROJ_ROOT / "data" / "raw" / "sample"), key
    )
    precision, recall = _all(evaluate.score(g, preds, strict=False))
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    precision, recall = _all(evaluate.score(g, preds))
    assert precision >= STRICT_FLOORS["sample"] and recall >= STRICT_FLOORS["sample"]


def test_golden_dev_gold(shared_dir):
    corpus = shared_dir / "corpus"
    g = evaluate.read_gold(corpus / "gold_facts_dev.csv")
    preds = evaluate.add_seeds(evaluate.predict_from_raw(corpus))
    precision, recall = _all(evaluate.score(g, preds, strict=False))
    assert recall >= 0.95, recall
    assert precision >= 0.95, precision  # measured 10 tp, 0 fp
    precision, recall = _all(evaluate.score(g, preds))
    assert precision >= STRICT_FLOORS["dev"] and recall >= STRICT_FLOORS["dev"]


# Each set's floor: its score after the fixes it prompted, rounded down (no test weakened: the
# fourth set's first blind score was below 0.95 and stays reported as such).
FLOORS = {"heldout": 0.95, "heldout2": 0.95, "heldout3": 0.95, "heldout4": 0.94, "heldout5": 0.92,
          "heldout6": 0.90}  # fmt: skip
# NOTE: raised after issue 14's real-text rules (dates, subjects, cues) were merged, to the
# strict scores measured then, rounded down: sample 0.960, heldout 0.967/0.952, heldout2 0.894,
# heldout3 0.947/0.957, heldout4 0.922/0.931, heldout5 0.897/0.929, heldout6 0.864/0.905.
STRICT_FLOORS = {"sample": 0.96, "dev": 0.90, "heldout": 0.95, "heldout2": 0.89, "heldout3": 0.94,
                 "heldout4": 0.92, "heldout5": 0.89, "heldout6": 0.86}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_golden_heldout_sets(name):
    """Sets written blind (tests/fixtures/heldout*/README.md); their first scores were
    P 0.898 / R 0.844, P 0.734 / R 0.671, P 0.939 / R 0.958, P 0.917 / R 0.934,
    P 0.848 / R 0.898 and P 0.893 / R 0.917: now regression guards."""
    heldout = PROJ_ROOT / "tests" / "fixtures" / name
    g = evaluate.read_gold(heldout / "gold_facts.csv")
    preds = evaluate.add_seeds(evaluate.predict_from_raw(heldout))
    precision, recall = _all(evaluate.score(g, preds, strict=False))
    assert precision >= FLOORS[name] and recall >= FLOORS[name], (precision, recall)
    precision, recall = _all(evaluate.score(g, preds))
    assert min(precision, recall) >= STRICT_FLOORS[name], ("strict", precision, recall)

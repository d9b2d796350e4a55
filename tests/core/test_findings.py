"""Data findings (issue 12): implausible or inconsistent figures are reported, never a crash.

Covers the findings table itself, the value checks of stage 03 and the share checks of 04–06.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.catalog import texts as lab
from helpers.core import findings as fnd
from helpers.facts import checks as fact_checks
from helpers.share import checks as share_checks


# --- the findings table ------------------------------------------------------------------------
def test_unknown_rule_is_our_bug_and_fails_loudly():
    with pytest.raises(ValueError, match="unknown finding rule"):
        fnd.finding("03_facts", "ev_exports", "shares_weird", ["f1"], "")


def test_every_rule_has_a_label_in_every_language():
    for rule in fnd.RULES:
        for language in lab.LANGS:
            assert lab.label("findings", rule, language) != rule, (rule, language)


def test_findings_table_keeps_its_columns_when_empty():
    empty = fnd.concat(fnd.new_findings(), fnd.new_findings())
    assert list(empty.columns) == list(fnd.COLUMNS) and empty.empty
    assert fnd.summarize(empty) == {"total": 0, "by_rule": {}, "by_stage": {}}


def test_without_facts_drops_rows_standing_on_a_named_fact():
    table = pd.DataFrame({"fact_ids": ["a;b", "c", None], "value": [1, 2, 3]})
    assert fnd.without_facts(table, {"a"})["value"].tolist() == [2, 3]
    assert fnd.without_facts(table, set())["value"].tolist() == [1, 2, 3]


def test_stage_files_are_read_and_combined(tmp_path):
    from helpers.core import io

    one = fnd.new_findings([fnd.finding("03_facts", "chip_share", "value_out_of_range", ["x"], "")])
    two = fnd.new_findings([fnd.finding("05_chip_share", "chip_share", "conflicting_figures",
                                        ["y", "z"], "")])  # fmt: skip
    io.write_table(one, tmp_path / "findings_03_facts.parquet")
    io.write_table(two, tmp_path / "findings_05_chip_share.parquet")
    io.write_table(one, tmp_path / "findings.parquet")  # the combined table is not re-read
    both = fnd.read_stage_findings(tmp_path)
    assert sorted(both["stage"]) == ["03_facts", "05_chip_share"]
    only = fnd.read_stage_findings(tmp_path, ["05_chip_share"])
    assert fnd.fact_ids_of(only) == {"y", "z"}


# --- stage 03: values outside their metric's range --------------------------------------------
def _facts(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "fact_id": [f"f{i}" for i in range(n)],
        "topic": ["chip_share"] * n,
        "number_text": ["x"] * n,
        "sentence": ["地平线份额"] * n,
        "value_high": [None] * n,
    }
    return pd.DataFrame({**base, **columns})


@pytest.mark.parametrize(
    ("metric", "value", "high", "flagged"),
    [
        pytest.param("market_share", 340.0, None, True, id="三四成-read-as-340"),
        pytest.param("market_share", 30.0, 40.0, False, id="range-30-40"),
        pytest.param("market_share", 90.0, 130.0, True, id="range-high-end-above-100"),
        pytest.param("market_share", 100.0, None, False, id="exactly-100"),
        pytest.param("penetration", -3.0, None, True, id="negative-penetration"),
        pytest.param("fleet_size", -5.0, None, True, id="negative-fleet"),
        pytest.param("exports", 7_098_000.0, None, False, id="exports-no-upper-bound"),
        pytest.param("yoy_growth", 340.0, None, False, id="growth-has-no-range"),
        pytest.param("unknown_metric", 1e9, None, False, id="metric-outside-catalog"),
    ],
)
def test_value_range_per_metric(metric, value, high, flagged):
    facts = _facts(metric=[metric], value=[value], value_high=[high])
    out, found = fact_checks.check_fact_values(facts)
    assert (out["finding"].iloc[0] == "value_out_of_range") is flagged
    assert len(found) == int(flagged)
    if flagged:
        assert found["fact_ids"].iloc[0] == "f0" and metric in found["detail"].iloc[0]


def test_flagged_facts_never_reach_a_share_table():
    from helpers import share

    facts = _facts(metric=["market_share"] * 2, value=[340.0, 34.0])
    facts = facts.assign(article_id="a", entity_id="horizon_robotics", unit="percent",
                         period="2024", market="CN", qualifier="", data_source="")  # fmt: skip
    flagged, _ = fact_checks.check_fact_values(facts)
    articles = pd.DataFrame({"article_id": ["a"], "title": [None], "source_name": [None],
                             "published_date": [None]})  # fmt: skip
    kept = share.prepare_facts(flagged, articles, topic="chip_share")
    assert kept["value"].tolist() == [34.0]
    assert kept[["title", "source_name"]].values.tolist() == [["", ""]], "no NaN text"


def test_empty_facts_table_gives_no_findings():
    out, found = fact_checks.check_fact_values(_facts(metric=[], value=[]))
    assert out.empty and found.empty and "finding" in out


# --- stages 04–06: share checks ----------------------------------------------------------------
STAGE = "04_ev_exports"


def _companies(shares: list[float], remainder: bool = True) -> pd.DataFrame:
    rows = [
        {"entity_id": f"c{i}", "share_pct": s, "is_remainder": False, "fact_ids": f"f{i}",
         "total_fact_ids": "t"}
        for i, s in enumerate(shares)
    ]  # fmt: skip
    if remainder:
        rows.append({"entity_id": "others", "share_pct": max(0.0, 100 - sum(shares)),
                     "is_remainder": True, "fact_ids": "t;" + ";".join(r["fact_ids"] for r in rows),
                     "total_fact_ids": "t"})  # fmt: skip
    keys = {"metric": "exports", "period": "2025", "market": "world", "data_source": "caam"}
    return pd.DataFrame(rows).assign(**keys)


def test_companies_within_total_are_kept():
    kept, found = share_checks.check_companies(_companies([18.9, 14.7]), stage=STAGE)
    assert len(kept) == 3 and found.empty


def test_companies_above_the_total_are_dropped_with_their_remainder():
    kept, found = share_checks.check_companies(_companies([60.0, 55.0]), stage=STAGE)
    assert kept.empty
    assert found["rule"].tolist() == ["negative_remainder"]
    assert fnd.fact_ids_of(found) == {"f0", "f1", "t"}
    assert "115.0 %" in found["detail"].iloc[0]


def test_one_company_larger_than_total_is_its_own_finding():
    kept, found = share_checks.check_companies(_companies([108.8, 5.0]), stage=STAGE)
    assert "share_above_total" in found["rule"].tolist()
    assert "c1" in kept["entity_id"].tolist() and "c0" not in kept["entity_id"].tolist()


def test_split_above_total_is_dropped():
    split = pd.DataFrame({"period": ["2025", "2024"], "data_source": ["", "caam"],
                          "nev_share_pct": [108.8, 36.8], "phev_share_pct": [None, 10.0],
                          "fact_ids": ["a;b", "c;d"]})  # fmt: skip
    kept, found = share_checks.check_split(split, stage=STAGE)
    assert kept["period"].tolist() == ["2024"]
    assert found["fact_ids"].tolist() == ["a;b"] and "108.8" in found["detail"].iloc[0]


def test_chip_scope_summing_past_100_is_dropped_but_combined_rows_do_not_count():
    cols = ("metric", "period", "market", "scope", "measure", "data_source")
    base = dict.fromkeys(cols, "x")
    shares = pd.DataFrame([
        {**base, "value": 60.0, "is_combined": False, "fact_ids": "a"},
        {**base, "value": 35.0, "is_combined": False, "fact_ids": "b"},
        {**base, "value": 90.0, "is_combined": True, "fact_ids": "c"},  # 三家合计
        {**base, "period": "y", "value": 70.0, "is_combined": False, "fact_ids": "d"},
        {**base, "period": "y", "value": 72.0, "is_combined": False, "fact_ids": "e"},
    ])  # fmt: skip
    kept, found = share_checks.check_chip_scopes(shares, cols, stage="05_chip_share")
    assert kept["fact_ids"].tolist() == ["a", "b", "c"]
    assert found["rule"].tolist() == ["share_sum_over_100"]
    assert fnd.fact_ids_of(found) == {"d", "e"} and "142.0 %" in found["detail"].iloc[0]


def test_conflicts_become_findings_one_per_cell():
    long = pd.DataFrame({
        "entity_id": ["pony_ai"] * 3 + ["waymo"], "as_of_date": ["2024-12-31"] * 4,
        "fact_id": ["a", "b", "c", "d"], "is_conflict": [True, True, True, False],
        "conflict_note": ["unstated 170 ≠ unstated 720 ≠ frost_sullivan 680"] * 3 + [""],
    })  # fmt: skip
    found = share_checks.conflict_findings(
        long, ("entity_id", "as_of_date"), stage="06_robotaxi_fleets", topic="robotaxi_fleet"
    )
    assert found["fact_ids"].tolist() == ["a;b;c"]
    assert found["detail"].iloc[0].startswith("entity_id=pony_ai, as_of_date=2024-12-31: ")


@pytest.mark.parametrize(
    "check",
    [
        pytest.param(lambda t: share_checks.check_companies(t, stage=STAGE), id="companies"),
        pytest.param(lambda t: share_checks.check_markets(t, stage=STAGE), id="markets"),
        pytest.param(lambda t: share_checks.check_split(t, stage=STAGE), id="split"),
        pytest.param(lambda t: share_checks.check_brand_shares(t, stage=STAGE), id="brands"),
    ],
)
def test_checks_accept_an_empty_table(check):
    kept, found = check(pd.DataFrame())
    assert kept.empty and found.empty and list(found.columns) == list(fnd.COLUMNS)

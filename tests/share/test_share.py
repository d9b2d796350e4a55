"""Share tables, conflict rules and reference reconciliation (inline tables), and the three
share notebooks on the sample corpus (answer-key rows, golden chart CSVs)."""

from __future__ import annotations

import nbformat
import pandas as pd
import papermill as pm
import pytest
from share_sample import TRUTH_DIR, write_sample_processed

from helpers import share
from helpers.core import io
from helpers.core.paths import NOTEBOOKS_DIR, PROJ_ROOT, REFERENCE_DIR
from helpers.publish import charts as share_charts
from helpers.share import conflicts, reference

GOLDEN_DIR = PROJ_ROOT / "tests" / "fixtures" / "charts"
NOTEBOOKS = ("04_ev_exports", "05_chip_share", "06_robotaxi_fleets")


def facts(rows: list[dict]) -> pd.DataFrame:
    """Inline facts in the stage-03 contract; unspecified columns get neutral defaults."""
    base = {
        "article_id": "a1", "topic": "ev_exports", "entity_id": "china", "entity_text": "",
        "metric": "exports", "unit": "vehicles", "period": "2025", "market": "world",
        "qualifier": "", "data_source": "caam", "sentence": "",
    }  # fmt: skip
    out = pd.DataFrame([{**base, **r} for r in rows])
    out["fact_id"] = [f"f{i}" for i in range(len(out))]
    return out


ARTICLES = pd.DataFrame(
    {
        "article_id": ["a1", "a2", "a3"],
        "title": ["出口", "乘联会", "城市NOA"],
        "source_name": ["汽车周报", "车市观察", "智驾前线"],
        "published_date": ["2026-01-14", "2026-01-28", None],
        "is_canonical": [True, True, True],
    }
)


def resolved(rows: list[dict], topic: str = "ev_exports"):
    prepared = share.prepare_facts(facts(rows), ARTICLES, topic=topic)
    return conflicts.resolve_conflicts(
        prepared, keys=share.prepare.EV_KEYS, series_keys=share.prepare.EV_SERIES
    )


# --- periods, agreement ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        pytest.param("2023-01/2023-06", "2023-H1", id="half"),
        pytest.param("2025-07/2025-09", "2025-Q3", id="quarter"),
        pytest.param("2025-01/2025-12", "2025", id="year"),
        pytest.param("2025-01/2025-11", "2025-01/2025-11", id="other-range"),
        pytest.param("2025-11-23", "2025-11-23", id="date"),
    ],
)
def test_normalize_period(period, expected):
    assert share.prepare.normalize_period(period) == expected


@pytest.mark.parametrize(
    ("a", "qa", "b", "qb", "agree"),
    [
        pytest.param(7_098_000, "", 8_320_000, "", False, id="caam-vs-cpca"),
        pytest.param(1_100_000, "approx", 1_144_588, "", True, id="约110万"),
        pytest.param(1_050_000, "approx", 1_046_083, "", True, id="约105万"),
        pytest.param(1_000, "over", 1_038, "", True, id="超1000"),
        pytest.param(1_000, "over", 980, "", False, id="超1000-not-below"),
        pytest.param(200, "under", 190, "", True, id="不足200"),
        pytest.param(47.66, "", 47.66, "", True, id="equal"),
        pytest.param(10, "approx", 10.9, "", True, id="约十分之一"),
    ],
)
def test_values_agree(a, qa, b, qb, agree):
    assert conflicts.values_agree(a, qa, b, qb) is agree


# --- conflicts and the display rule ----------------------------------------------------------


def test_conflict_keeps_both_flags_and_prefers_series_basis():
    long, shown = resolved(
        [
            {"value": 7_098_000},
            {"value": 8_320_000, "data_source": "cpca", "article_id": "a2"},  # newer article
            {"value": 5_859_000, "period": "2024"},
            {"value": 6_343_000, "period": "2025-01/2025-11"},
        ]
    )
    cell = shown[shown["period"] == "2025"].iloc[0]
    assert (cell["value"], cell["data_source"], cell["is_conflict"]) == (7_098_000, "caam", True)
    assert cell["fact_ids"] == "f0;f1" and cell["bases"] == "caam;cpca"
    assert "caam 7,098,000" in cell["conflict_note"] and "cpca 8,320,000" in cell["conflict_note"]
    assert len(long) == 4 and long["is_conflict"].sum() == 2


def test_display_rule_recent_article_then_official_body():
    one_each = [{"value": 100.0, "data_source": "cpca"}, {"value": 120.0, "data_source": "caam"}]
    # tie on basis counts: the official body (CAAM) is the series basis and wins
    _, shown = resolved(one_each)
    assert shown.iloc[0]["value"] == 120.0
    # same basis: the most recent article wins
    _, shown = resolved([{"value": 100.0}, {"value": 120.0, "article_id": "a2"}])
    assert shown.iloc[0]["value"] == 120.0


def test_agreeing_figures_are_one_cell_not_a_conflict():
    _, shown = resolved([{"value": 1_144_588}, {"value": 1_100_000, "qualifier": "approx"}])
    assert len(shown) == 1 and not shown.iloc[0]["is_conflict"]
    assert shown.iloc[0]["value"] == 1_144_588  # exact before approximate


def test_forecast_is_not_a_conflict_with_the_actual():
    _, shown = resolved([{"value": 7_098_000}, {"value": 6_200_000, "qualifier": "forecast"}])
    assert len(shown) == 2 and not shown["is_conflict"].any()


# --- EV tables -------------------------------------------------------------------------------


def test_company_share_uses_same_basis_total_and_others_remainder():
    long, shown = resolved(
        [
            {"value": 1_000_000},
            {"value": 1_200_000, "data_source": "cpca"},
            {"entity_id": "chery", "value": 300_000},
            {"entity_id": "byd", "value": 200_000},
            {"entity_id": "geely", "value": 100_000, "data_source": "company"},
            {"entity_id": "saic", "metric": "overseas_sales", "value": 900_000},
        ]
    )
    table = share.tables.company_exports_table(
        shown, conflicts.best_per_basis(long, share.prepare.EV_KEYS)
    )
    got = table.set_index(["entity_id", "data_source"])["share_pct"]
    assert got[("chery", "caam")] == pytest.approx(30.0)
    assert got[("others", "caam")] == pytest.approx(50.0)
    assert pd.isna(got[("geely", "company")])  # no company-basis total: no share
    assert pd.isna(got[("saic", "caam")])  # overseas sales are never divided by exports
    assert ("others", "cpca") not in got.index  # no named company on the CPCA basis


def test_others_remainder_is_never_negative():
    _, shown = resolved(
        [{"value": 100.0}, {"entity_id": "chery", "value": 80.0}, {"entity_id": "byd", "value": 50}]
    )
    others = share.tables.company_exports_table(shown).query("is_remainder").iloc[0]
    assert others["value"] == 0 and others["share_pct"] == 0
    assert "exceed the total by 30" in others["remainder_note"]


def test_nev_split_and_destinations_per_basis():
    long, shown = resolved(
        [
            {"value": 7_098_000},
            {"metric": "nev_exports", "value": 2_615_000},
            {"value": 8_320_000, "data_source": "cpca"},
            {"metric": "nev_exports", "value": 3_430_000, "data_source": "cpca"},
            {"market": "MX", "value": 625_200, "data_source": "cpca"},
        ]
    )
    per_basis = conflicts.best_per_basis(long, share.prepare.EV_KEYS)
    split = (
        share.tables.nev_split_table(per_basis).set_index("data_source")["nev_share_pct"].round(2)
    )
    assert split.to_dict() == {"caam": 36.84, "cpca": 41.23}
    dest = share.tables.destination_table(shown, per_basis)
    assert dest["share_pct"].round(2).tolist() == [7.51]


def test_missing_optional_columns_and_non_canonical_articles():
    f = facts([{"value": 1.0}, {"value": 2.0, "article_id": "a2"}]).drop(columns=["sentence"])
    arts = ARTICLES.assign(is_canonical=[True, False, True])
    out = share.prepare_facts(f, arts, topic="ev_exports")
    assert out["value"].tolist() == [1.0] and (out["segment"] == "").all()
    with pytest.raises(share.prepare.FactsError, match="run stage 03_facts"):
        share.prepare_facts(f.drop(columns=["metric"]), arts, topic="ev_exports")


# --- chips -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "value", "scope"),
    [
        pytest.param(
            "2025年中國城市NOA計算晶片市場中,輝達以49.36%的市佔率居首", 49.36, "urban_noa"
        ),
        pytest.param(
            "地平線在中國車企高級輔助駕駛解決方案市場的市佔率為21.3%,排名第二;"
            "若把高階自動駕駛一併計算,其市佔率為9.3%",
            9.3,
            "adas_ad",
            id="second-clause",
        ),
        pytest.param("從2023年上半年的52.57%降至2025年城市NOA市場的49.36%", 49.36, "urban_noa"),
        pytest.param("Orin-X所在的NOA晶片市場中,市佔率從52.57%降至", 52.57, "noa"),
        pytest.param("2022年Mobileye在全球汽车视觉处理器市场的份额约为52%", 52, "vision_processor"),
        pytest.param("份额为30%", 30, "unspecified", id="no-scope-word"),
    ],
)
def test_infer_chip_scope(sentence, value, scope):
    assert share.tables.infer_chip_scope(sentence, value)[0] == scope


def chip_display(rows: list[dict]) -> pd.DataFrame:
    chips = share.tables.add_chip_scope(
        share.prepare_facts(facts(rows), ARTICLES, topic="chip_share").assign(title="")
    )
    _, shown = conflicts.resolve_conflicts(
        chips, keys=share.prepare.CHIP_KEYS, series_keys=share.prepare.CHIP_SERIES
    )
    return share.tables.chip_share_table(shown)


CHIP = {"topic": "chip_share", "metric": "market_share", "unit": "percent", "market": "CN",
        "data_source": "ggii"}  # fmt: skip


def test_scopes_are_never_merged_and_products_roll_up():
    table = chip_display(
        [
            {**CHIP, "entity_id": "orin_x", "value": 49.36, "sentence": "城市NOA芯片49.36%"},
            {
                **CHIP,
                "entity_id": "horizon_robotics",
                "value": 47.66,
                "sentence": "前视一体机47.66%",
            },
            {**CHIP, "entity_id": "mobileye", "value": 27.81, "sentence": "前视一体机27.81%"},
            {**CHIP, "entity_id": "shenji", "value": 3.0, "sentence": "城市NOA芯片3%"},
        ]
    )
    assert set(table["vendor_id"]) == {"nvidia", "horizon_robotics", "mobileye", "nio"}
    sums = share.tables.share_sums(table, share.prepare.CHIP_SCOPE_COLS).set_index("scope")[
        "sum_pct"
    ]
    assert sums.round(2).to_dict() == {"front_camera": 75.47, "urban_noa": 52.36}
    assert table.set_index("vendor_id").loc["nio", "is_self_developed"]
    assert not table["is_conflict"].any()


def test_combined_figure_is_kept_but_not_summed():
    table = chip_display(
        [
            {**CHIP, "entity_id": "nvidia", "value": 49.36, "sentence": "城市NOA芯片49.36%"},
            {**CHIP, "entity_id": "nvidia+huawei+horizon_robotics", "value": 90.0,
             "qualifier": "over", "sentence": "城市NOA芯片三家合计超过90%"},
        ]
    )  # fmt: skip
    assert table["is_combined"].tolist() == [False, True]
    assert share.tables.share_sums(table, share.prepare.CHIP_SCOPE_COLS)["sum_pct"].tolist() == [
        49.36
    ]


# --- fleets ----------------------------------------------------------------------------------

FLEET = {"topic": "robotaxi_fleet", "metric": "fleet_size", "data_source": "company",
         "market": "CN"}  # fmt: skip


def fleet_display(rows):
    prepared = share.tables.prepare_fleet_facts(
        share.prepare_facts(facts(rows), ARTICLES, topic="robotaxi_fleet")
    )
    return conflicts.resolve_conflicts(
        prepared, keys=share.prepare.FLEET_KEYS, series_keys=share.prepare.FLEET_SERIES
    )


def test_fleet_growth_latest_and_targets():
    _, shown = fleet_display(
        [
            {**FLEET, "entity_id": "pony_ai", "value": 270, "period": "2024-12"},
            {**FLEET, "entity_id": "pony_ai", "value": 270, "period": "2024",
             "data_source": "frost_sullivan"},
            {**FLEET, "entity_id": "pony_ai", "value": 961, "period": "2025-11-23"},
            {**FLEET, "entity_id": "pony_ai", "value": 3000, "period": "2026",
             "qualifier": "target"},
            {**FLEET, "entity_id": "waymo", "value": 1500, "period": "2025-05", "market": "US"},
        ]
    )  # fmt: skip
    growth = share.tables.fleet_growth(shown)
    pony = growth[growth["entity_id"] == "pony_ai"]
    assert pony["value"].tolist() == [270, 961] and pony["change"].tolist()[1] == 691
    assert pony["fact_ids"].tolist()[0] == "f0;f1"  # same as-of date, two sources agree
    latest = share.tables.fleet_latest(shown).set_index("entity_id")
    assert latest.loc["pony_ai", ["value", "as_of_date", "target_value"]].tolist() == [
        961, "2025-11-23", 3000,
    ]  # fmt: skip
    assert pd.isna(latest.loc["waymo", "target_value"])


# --- reference -------------------------------------------------------------------------------


def test_reference_files_are_valid_and_a_or_b_only():
    for path in sorted(REFERENCE_DIR.glob("*.csv")):
        ref = reference.validate_reference(io.read_table(path))
        assert set(ref["reliability"]) <= {"A", "B"} and len(ref) > 0, path.name


def test_reference_rejects_c_rows():
    ref = io.read_table(REFERENCE_DIR / "ev_exports.csv").assign(reliability="C")
    with pytest.raises(reference.ReferenceError, match="A/B"):
        reference.validate_reference(ref)


def test_reconcile_statuses():
    ref = reference.validate_reference(io.read_table(REFERENCE_DIR / "ev_exports.csv"))
    figs = pd.DataFrame(
        {
            "entity_id": ["china", "china", "byd", "changan"],
            "metric": ["exports", "exports", "overseas_sales", "exports"],
            "period": ["2025", "2025", "2025", "2025"],
            "market": ["world"] * 4,
            "value": [7_098_000.0, 7_500_000.0, 1_050_000.0, 1.0],
            "qualifier": ["", "", "approx", ""],
            "data_source": ["caam", "customs", "company", "company"],
            "fact_ids": ["a", "b", "c", "d"],
        }
    )
    out = reference.reconcile(figs, ref)
    assert out["status"].tolist() == ["agrees", "differs", "agrees", "no reference"]
    assert "basis differs" in out.loc[1, "status_note"]


def test_reconcile_as_of_inside_reference_period():
    ref = reference.validate_reference(io.read_table(REFERENCE_DIR / "robotaxi_fleets.csv"))
    figs = pd.DataFrame({"entity_id": ["waymo"], "metric": ["fleet_size"], "period": ["2026-02"],
                         "market": ["US"], "value": [2000.0], "qualifier": ["over"],
                         "data_source": ["company"], "fact_ids": ["x"]})  # fmt: skip
    assert reference.reconcile(figs, ref)["status"].tolist() == ["agrees"]


# --- empty topic -----------------------------------------------------------------------------


def test_empty_topic_gives_empty_tables_and_no_chart():
    none = facts([{"value": 1.0, "topic": "other"}])
    ev = share.prepare_facts(none, ARTICLES, topic="ev_exports")
    long, shown = conflicts.resolve_conflicts(
        ev, keys=share.prepare.EV_KEYS, series_keys=share.prepare.EV_SERIES
    )
    per_basis = conflicts.best_per_basis(long, share.prepare.EV_KEYS)
    companies = share.notes.add_display_labels(
        share.notes.add_source_notes(share.tables.company_exports_table(shown, per_basis), "en"),
        "en",
    )
    assert companies.empty and share_charts.company_chart(companies, "en") is None
    split = share.notes.add_display_labels(share.tables.nev_split_table(per_basis), "en")
    assert share_charts.nev_split_chart(split, "en") is None
    fleets = share.tables.prepare_fleet_facts(
        share.prepare_facts(none, ARTICLES, topic="robotaxi_fleet")
    )
    _, fshown = conflicts.resolve_conflicts(
        fleets, keys=share.prepare.FLEET_KEYS, series_keys=share.prepare.FLEET_SERIES
    )
    assert share_charts.fleet_latest_chart(share.tables.fleet_latest(fshown), "en") is None


# --- min_confidence -------------------------------------------------------------------------
def test_limit_confidence_keeps_facts_at_or_above_the_threshold():
    f = facts([{"value": 1.0, "confidence": 0.97}, {"value": 2.0, "confidence": 0.93},
               {"value": 3.0, "confidence": 0.40}])  # fmt: skip
    prepared = share.prepare_facts(f, ARTICLES, topic="ev_exports")
    assert share.limit_confidence(prepared, 0.93)["value"].tolist() == [1.0, 2.0]
    assert len(share.limit_confidence(prepared, 0.0)) == 3
    assert share.limit_confidence(prepared.iloc[:0], 0.93).empty


def test_limit_confidence_needs_the_column_and_a_threshold_in_0_1():
    prepared = share.prepare_facts(facts([{"value": 1.0}]), ARTICLES, topic="ev_exports")
    with pytest.raises(share.prepare.FactsError, match="lacks columns \\['confidence'\\]"):
        share.limit_confidence(prepared, 0.9)
    with pytest.raises(ValueError, match="between 0 and 1"):
        share.limit_confidence(prepared.assign(confidence=1.0), 1.5)


def test_kept_summary_says_how_many_were_held_back_for_review():
    f = facts([{"value": 1.0, "confidence": 0.97}, {"value": 2.0, "confidence": 0.40}])
    lines = share.prepare.kept_summary(f[:1], f, topic="ev_exports", since="", n_reference=0,
                                       labels="en", held_back=1, min_confidence=0.93)  # fmt: skip
    assert lines[2] == (
        "1 ev_exports facts held back for review (confidence below 0.93): table review of 03_facts"
    )


@pytest.mark.slow
def test_share_notebook_leaves_facts_below_min_confidence_out(tmp_path):
    """Notebook 04 on the sample key with one fact made unsure: it is held back, and said so."""
    processed = tmp_path / "processed"
    write_sample_processed(processed)
    all_facts = io.read_table(processed / "facts.parquet")
    ev = all_facts.index[all_facts["topic"] == "ev_exports"]
    unsure = all_facts.loc[ev[0], "fact_id"]
    all_facts.loc[ev[0], "confidence"] = 0.2
    all_facts.to_parquet(processed / "facts.parquet", index=False)
    out = tmp_path / "04.ipynb"
    parameters = {"processed_dir": str(processed), "run_dir": str(tmp_path / "run"),
                  "min_confidence": 0.5}  # fmt: skip
    pm.execute_notebook(str(NOTEBOOKS_DIR / "04_ev_exports.ipynb"), str(out),
                        parameters=parameters, cwd=str(NOTEBOOKS_DIR), kernel_name="python3",
                        progress_bar=False)  # fmt: skip
    long = io.read_table(tmp_path / "run" / "tables" / "ev_exports_long.parquet")
    assert unsure not in set(long["fact_id"])
    assert len(long) == len(ev) - 1
    printed = "".join(o.get("text", "") for c in nbformat.read(out, 4).cells
                      for o in c.get("outputs", []))  # fmt: skip
    assert "1 ev_exports facts held back for review (confidence below 0.5)" in printed


# --- the notebooks on the sample corpus ------------------------------------------------------


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """Run 04–06 on facts built from the sample answer key; return the run folder."""
    root = tmp_path_factory.mktemp("share")
    write_sample_processed(root / "processed")
    (root / "nb").mkdir()
    for name in NOTEBOOKS:
        pm.execute_notebook(
            str(NOTEBOOKS_DIR / f"{name}.ipynb"),
            str(root / "nb" / f"{name}.ipynb"),
            parameters={"processed_dir": str(root / "processed"), "run_dir": str(root / "run")},
            cwd=str(NOTEBOOKS_DIR),
            kernel_name="python3",
            progress_bar=False,
        )
    return root


def table(run, name: str) -> pd.DataFrame:
    return io.read_table(run / "run" / "tables" / f"{name}.parquet")


def row(df: pd.DataFrame, **where) -> pd.Series:
    hit = df
    for column, value in where.items():
        hit = hit[hit[column] == value]
    assert len(hit) == 1, f"expected one row for {where}, found {len(hit)}"
    return hit.iloc[0]


@pytest.mark.slow
def test_every_answer_key_fact_of_the_tables_is_kept(sample_run):
    truth = pd.read_csv(TRUTH_DIR / "facts.csv", dtype=str, keep_default_na=False)
    kept = pd.concat(
        [table(sample_run, f"{n}_long") for n in ("ev_exports", "chip_share", "robotaxi_fleet")]
    )
    fleet = truth["metric"].isin(["fleet_size", "fleet_target", "av_fleet_size"])
    wanted = truth[
        (truth["topic"] == "ev_exports")
        | ((truth["topic"] == "chip_share") & (truth["metric"] == "market_share"))
        | ((truth["topic"] == "robotaxi_fleet") & fleet)
    ]
    assert len(kept) == len(wanted)
    assert kept["fact_id"].is_unique


@pytest.mark.slow
def test_ev_exports_rows_conflicts_and_reconciliation(sample_run):
    long = table(sample_run, "ev_exports_long")
    total = long[(long["entity_id"] == "china") & (long["metric"] == "exports")]
    actual = total[~total["is_projection"]]
    cell = actual[(actual["period"] == "2025") & (actual["market"] == "world")]
    assert cell["is_conflict"].all() and set(cell["data_source"]) == {"caam", "cpca"}
    shown = cell[cell["is_display"]].iloc[0]
    assert (shown["value"], shown["data_source"]) == (7_098_000, "caam")
    russia = total[(total["period"] == "2025") & (total["market"] == "RU") & total["is_display"]]
    assert russia["value"].tolist() == [582_700]  # CPCA series; Customs 632,341 kept, flagged
    companies = table(sample_run, "ev_exports_by_company")
    assert row(companies, entity_id="chery", period="2025-01/2025-09")["value"] == 936_000
    assert row(companies, entity_id="byd", period="2025")["value"] == 1_050_000
    split = table(sample_run, "ev_exports_nev_split")
    assert row(split, period="2025", data_source="cpca")["nev_share_pct"] == pytest.approx(
        41.23, 0.01
    )
    markets = table(sample_run, "ev_exports_by_market")
    assert row(markets, market="MX", period="2025")["share_pct"] == pytest.approx(7.51, abs=0.01)
    recon = table(sample_run, "ev_exports_reconciliation")
    recon = recon[~recon["is_projection"]]
    status = recon.set_index(["entity_id", "metric", "period", "market", "data_source"])["status"]
    assert status[("china", "exports", "2025", "world", "caam")] == "agrees"
    assert status[("china", "exports", "2025", "world", "cpca")] == "agrees"
    assert status[("byd", "overseas_sales", "2025", "world", "company")] == "agrees"


@pytest.mark.slow
def test_chip_share_rows_by_scope(sample_run):
    shares = table(sample_run, "chip_share_by_vendor")
    horizon = row(shares, vendor_id="horizon_robotics", scope="front_camera", period="2025")
    assert horizon["value"] == 47.66 and horizon["n_facts"] == 2  # c01 and c07 agree
    assert row(shares, vendor_id="nvidia", scope="urban_noa")["value"] == 49.36
    assert row(shares, vendor_id="nvidia", scope="noa", period="2023-H1")["value"] == 52.57
    cic = shares[shares["data_source"] == "cic"].set_index("scope")["value"].to_dict()
    assert cic == {"adas": 21.3, "adas_ad": 9.3}  # two scopes of one prospectus, no conflict
    assert not shares["is_conflict"].any()
    sums = share.tables.share_sums(shares, share.prepare.CHIP_SCOPE_COLS)
    assert (sums["sum_pct"] <= 100.5).all()
    recon = table(sample_run, "chip_share_reconciliation")
    assert (recon["status"] == "differs").sum() == 0


@pytest.mark.slow
def test_robotaxi_latest_snapshot_and_growth(sample_run):
    latest = table(sample_run, "robotaxi_fleet_latest").set_index("entity_id")
    assert latest.loc["waymo", ["value", "as_of_date"]].tolist() == [2000, "2026-02-28"]
    assert latest.loc["pony_ai", ["value", "as_of_date", "target_value"]].tolist() == [
        961, "2025-11-23", 3000,
    ]  # fmt: skip
    growth = table(sample_run, "robotaxi_fleet_timeline")
    pony = growth[growth["entity_id"] == "pony_ai"]
    assert pony["value"].tolist() == [270, 726, 961]
    assert pony["change"].tolist()[1:] == [456, 235]


@pytest.mark.slow
def test_chart_csvs_match_golden_files(sample_run):
    figures = sample_run / "run" / "figures"
    stems = sorted(p.stem for p in figures.glob("*.csv"))
    assert stems == sorted(p.stem for p in GOLDEN_DIR.glob("*.csv")), "a chart was added/lost"
    for stem in stems:
        for suffix in (".png", ".svg"):
            assert (figures / f"{stem}{suffix}").stat().st_size > 0
        got = io.read_table(figures / f"{stem}.csv")
        want = io.read_table(GOLDEN_DIR / f"{stem}.csv")
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, obj=stem)


def test_empty_chip_units_get_display_labels():
    empty = pd.DataFrame({"vendor_id": [], "is_self_developed": [], "period": []})
    assert share.notes.add_display_labels(empty, "zh-Hans").empty


def _chip_rows(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """Chip share rows: (vendor, scope, period, value), one firm."""
    return pd.DataFrame(
        [
            {
                "vendor_id": v, "entity_name": v, "scope": scope, "measure": "",
                "basis_name": "高工", "period": p, "period_label": p,
                "period_end": pd.Timestamp(f"{p}-12-31"), "value": val, "is_combined": False,
                "source_note": "高工 2026-02-03", "fact_ids": f"f-{v}-{p}", "unit": "percent",
                "qualifier": "",
            }
            for v, scope, p, val in rows
        ]
    )  # fmt: skip


def test_share_over_time_draws_only_series_with_two_periods():
    from helpers.publish import charts as share_charts

    rows = _chip_rows([
        ("nvidia", "urban_noa", "2024", 38.6), ("nvidia", "urban_noa", "2025", 49.4),
        ("horizon_robotics", "front_camera", "2025", 47.7),
        ("horizon_robotics", "adas", "2023", 21.3),
    ])  # fmt: skip
    spec = share_charts.chip_over_time_chart(rows, "en")
    assert spec is not None
    assert spec.data["value"].tolist() == [38.6, 49.4]
    assert spec.data["series"].nunique() == 1


def test_share_over_time_skips_single_points_of_different_scopes():
    from helpers.publish import charts as share_charts

    rows = _chip_rows([("horizon_robotics", "front_camera", "2025", 47.7),
                       ("horizon_robotics", "adas", "2023", 21.3)])  # fmt: skip
    assert share_charts.chip_over_time_chart(rows, "en") is None

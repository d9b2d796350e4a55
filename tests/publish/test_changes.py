"""What changed between two runs: every kind of change, the first run, the HTML fragment."""

from __future__ import annotations

import pandas as pd

from helpers.catalog import corrections as cor
from helpers.core import findings as fnd
from helpers.core import io
from helpers.publish import changes


def _companies(values: dict[str, float], ids: dict[str, str]) -> pd.DataFrame:
    rows = [{"entity_id": e, "entity_name": e.upper(), "metric": "exports", "period": "2025",
             "market": "world", "data_source": "caam", "value": v, "is_remainder": False,
             "fact_ids": ids[e], "unit": "vehicles"} for e, v in values.items()]  # fmt: skip
    return pd.DataFrame(rows)


def _long(ids: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"fact_id": list(ids.values()), "article_id": [f"a-{k}" for k in ids],
                         "entity_name": list(ids), "value": 1.0})  # fmt: skip


OLD_IDS = {"chery": "f-1", "byd": "f-2"}
NEW_IDS = {"chery": "f-1", "byd": "f-3", "geely": "f-4"}


def _runs():
    finding = fnd.finding("04", "ev_exports", "conflicting_figures", ["f-1"], "旧")
    old = {"ev_exports_by_company": _companies({"chery": 900.0, "byd": 700.0}, OLD_IDS),
           "ev_exports_long": _long(OLD_IDS),
           fnd.COMBINED_NAME: fnd.new_findings([finding])}  # fmt: skip
    new = {"ev_exports_by_company": _companies({"chery": 900.0, "byd": 950.0, "geely": 100.0},
                                               NEW_IDS),
           "ev_exports_long": _long(NEW_IDS), fnd.COMBINED_NAME: fnd.new_findings()}  # fmt: skip
    return new, old


def test_every_kind_is_found_and_a_new_leader_comes_first():
    new, old = _runs()
    out = changes.compare_runs(new, old, "en")
    kinds = out["change"].tolist()
    assert kinds[0] == "rank_changed" and out["detail"].iloc[0] == "new #1"
    assert out.loc[0, "cell"].startswith("BYD")
    assert {"value_changed", "new_cell", "finding_gone", "new_fact", "gone_fact"} <= set(kinds)
    changed = out[out["change"] == "value_changed"].iloc[0]
    assert (changed["old_value"], changed["new_value"]) == ("700.0", "950.0")
    assert set(changed["article_ids"].split(";")) == {"a-byd"}
    assert out.loc[out["change"] == "new_fact", "new_fact_ids"].tolist() == ["f-3", "f-4"]


def test_same_tables_mean_no_change_and_no_previous_means_first_run():
    new, _ = _runs()
    assert changes.compare_runs(new, new).empty
    assert changes.compare_runs(new, None)["change"].tolist() == ["first_run"]


def test_new_fleet_snapshot():
    snap = pd.DataFrame({"entity_id": ["pony_ai"], "metric": ["fleet_size"],
                         "as_of_date": ["2025-11-23"], "market": [""], "segment": [""],
                         "value": [961.0], "fact_ids": ["f-9"],
                         "entity_name": ["小马智行"]})  # fmt: skip
    out = changes.compare_runs({"robotaxi_fleet_timeline": snap}, {}, "zh-Hans")
    assert out[["change", "new_value"]].values.tolist() == [["new_snapshot", "961.0"]]


def test_report_rows_name_the_previous_run_and_stale_corrections(tmp_path):
    new, old = _runs()
    new["ev_exports_by_company"].loc[0, "entity_name"] = "<script>alert(1)</script>"
    new["ev_exports_by_company"].loc[0, "value"] = 1.0
    c = cor.parse_corrections("- {id: c-old, action: reject, fact_id: f-x, who: a, when: t, "
                              "why: 错}", "c.yaml")[0]  # fmt: skip
    log = cor.new_log([cor.log_row(c, "stale", "03_facts", "no fact with this id")])
    (tmp_path / "run-1" / "tables").mkdir(parents=True)
    tables = tmp_path / "run-2" / "tables"
    tables.mkdir(parents=True)
    io.write_json({"previous_run": "run-1"}, tmp_path / "run-2" / "manifest.json")
    io.write_table(changes.compare_runs(new, old, "en"), tables / "changes.parquet")
    io.write_table(log, tables / f"{cor.COMBINED_LOG}.parquet")
    text = "\n".join(changes.load_report_rows(tmp_path / "run-2", "en")["text"])
    assert text.startswith("Compared with the previous good run run-1")
    assert "c-old" in text, "a stale correction is named"
    # the scraped name is carried as text; report.html escapes it (test_report_page)
    assert "<script>alert(1)</script>" in text


def test_previous_run_comes_from_the_manifest(tmp_path):
    (tmp_path / "old" / "tables").mkdir(parents=True)
    run = tmp_path / "new"
    run.mkdir()
    io.write_json({"previous_run": "old"}, run / "manifest.json")
    assert changes.previous_run_dir(run) == tmp_path / "old"
    io.write_json({"previous_run": None}, run / "manifest.json")
    assert changes.previous_run_dir(run) is None

"""Reviewed corrections through the real notebooks: applied, visible, stale reported, rerun-proof.

The fixture's chip article says 城市NOA…由英伟达领先，份额为49.36%; the extractor gives that
share to 地平线 (the subject of the clause before). A reviewer fixes it, rejects a target,
adds a fleet figure from a page outside the corpus, and one correction names a fact that does
not exist: it must be reported as stale, never applied elsewhere.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from conftest import extracted_facts, fact_id_of
from pptx import Presentation

from helpers.catalog import corrections as cor
from helpers.core import io
from helpers.core.paths import NOTEBOOKS_DIR, PROJ_ROOT
from helpers.pipeline import runner
from helpers.pipeline.runner import RunConfig

RAW_SMALL = PROJ_ROOT / "tests" / "fixtures" / "raw_small"
EXTRACTED = extracted_facts(RAW_SMALL)
NVIDIA_SHARE = fact_id_of(EXTRACTED, "49.36%")  # read as 地平线's
PONY_TARGET = fact_id_of(EXTRACTED, "3000辆以上")  # a target
MISSING = "f-0123456789abcdef"
URL = "https://example.com/weride/fleet"
ARTICLE = EXTRACTED.set_index("fact_id")["article_id"]
CHIP_ARTICLE = ARTICLE[NVIDIA_SHARE]
ROBOTAXI_ARTICLES = [ARTICLE[fact_id_of(EXTRACTED, n)] for n in ("超过1000辆", "961辆")]


def _write(folder, action, **fields):
    entry = cor.new_correction(action, who="tester", why="测试用更正", **fields)
    cor.append_correction(folder, entry)
    return entry["id"]


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reviewed")
    raw = tmp / "raw"
    shutil.copytree(RAW_SMALL, raw)
    corr = tmp / "corrections"
    ids = {
        "set": _write(corr, "set", fact_id=NVIDIA_SHARE, set={"entity_id": "nvidia"}),
        "reject": _write(corr, "reject", fact_id=PONY_TARGET),
        "stale": _write(corr, "reject", fact_id=MISSING,
                        seen={"article_id": CHIP_ARTICLE, "number_text": "50%"}),
        "add": _write(corr, "add", source_url=URL, quote="文远知行车队超过700辆",
                      fact={"entity_id": "weride", "metric": "fleet_size", "value": 700,
                            "unit": "vehicles", "period": "2025-11", "market": "world"}),
        "apart": _write(corr, "not-duplicate", article_ids=ROBOTAXI_ARTICLES),
    }  # fmt: skip

    def run(processed: str, *, incremental: bool = False) -> runner.RunOutcome:
        cfg = RunConfig(raw_dir=raw, processed_dir=tmp / processed, reports_dir=tmp / "reports",
                        notebooks_dir=NOTEBOOKS_DIR, corrections_dir=corr,
                        incremental=incremental, executor="inprocess")  # fmt: skip
        out = runner.run_pipeline(cfg, echo=lambda _: None)
        assert out.ok, out.message
        return out

    first = run("p")
    return {"tmp": tmp, "corr": corr, "ids": ids, "first": first, "run": run}


def test_fact_edits_are_applied_and_keep_the_original(reviewed):
    facts = io.read_table(reviewed["tmp"] / "p" / "facts.parquet").set_index("fact_id")
    fixed = facts.loc[NVIDIA_SHARE]
    assert (fixed["entity_id"], fixed["parent_id"], fixed["review_status"]) == (
        "nvidia", "nvidia", "corrected")  # fmt: skip
    assert json.loads(fixed["original_values"])["entity_id"] == "horizon_robotics"
    assert facts.loc[PONY_TARGET, "review_status"] == "rejected"
    untouched = facts.drop([NVIDIA_SHARE, PONY_TARGET])
    assert not untouched.loc[untouched["review_status"] != "added", "is_corrected"].any()


def test_corrections_are_visible_in_the_tables(reviewed):
    tables = reviewed["first"].run_dir / "tables"
    chips = io.read_table(tables / "chip_share_long.parquet").set_index("fact_id")
    assert chips.loc[NVIDIA_SHARE, "is_corrected"]
    assert chips.loc[NVIDIA_SHARE, "vendor_id"] == "nvidia"
    fleets = io.read_table(tables / "robotaxi_fleet_long.parquet")
    assert PONY_TARGET not in set(fleets["fact_id"]), "a rejected fact is in no table"
    added = fleets[fleets["review_status"] == "added"]
    assert added[["entity_id", "value", "source_name"]].values.tolist() == [
        ["weride", 700.0, "example.com"]]  # fmt: skip


def test_every_correction_is_logged_and_stale_ones_are_reported(reviewed):
    run_dir, ids = reviewed["first"].run_dir, reviewed["ids"]
    log = io.read_table(run_dir / "tables" / "corrections_log.csv").set_index("correction_id")
    assert set(log.index) == set(ids.values())
    assert log.loc[ids["stale"], "status"] == "stale"
    assert CHIP_ARTICLE in log.loc[ids["stale"], "detail"]
    assert log.loc[ids["apart"], "status"] == "no_change"
    assert {log.loc[ids[k], "status"] for k in ("set", "reject", "add")} == {"applied"}
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert html.index(ids["stale"]) < html.index('id="nb-01_parse"'), "stale named before stage 01"
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["corrections"]["stale"] == [ids["stale"]]


def test_first_run_says_so_on_its_slide_and_table(reviewed):
    run_dir = reviewed["first"].run_dir
    assert io.read_table(run_dir / "tables" / "changes.csv")["change"].tolist() == ["first_run"]
    slide = Presentation(str(run_dir / "deck.pptx")).slides[1]
    text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "首次运行" in text and reviewed["ids"]["stale"] in text


def test_incremental_rerun_equals_full_rebuild_and_reports_no_change(reviewed):
    inc = reviewed["run"]("p", incremental=True)
    reviewed["run"]("full")
    tmp = reviewed["tmp"]
    pd.testing.assert_frame_equal(
        io.read_table(tmp / "p" / "facts.parquet"), io.read_table(tmp / "full" / "facts.parquet")
    )
    assert io.read_table(inc.run_dir / "tables" / "changes.parquet").empty


def test_removing_a_correction_shows_up_as_a_change(reviewed):
    corr = reviewed["corr"]
    kept = [c for c in cor.load_corrections(corr) if c.correction_id != reviewed["ids"]["set"]]
    (corr / "corrections.yaml").unlink()
    for c in kept:
        cor.append_correction(corr, {"id": c.correction_id, "action": c.action, **c.fields,
                                     "who": c.who, "when": c.when, "why": c.why})  # fmt: skip
    out = reviewed["run"]("p", incremental=True)
    changes = io.read_table(out.run_dir / "tables" / "changes.parquet")
    chip = changes[changes["table"] == "chip_share_by_vendor"]
    assert set(chip["change"]) == {"new_cell", "gone_cell"}
    assert NVIDIA_SHARE in " ".join(chip["new_fact_ids"]) + " ".join(chip["old_fact_ids"])

"""The fact explorer without a browser: its answers, its widgets, and papermill's static run."""

from __future__ import annotations

import nbformat
import papermill as pm
import pytest
from conftest import extracted_facts, fact_id_of, finished_small_run

from helpers.catalog import corrections as cor
from helpers.core import io
from helpers.core.paths import NOTEBOOKS_DIR, PROJ_ROOT
from helpers.pipeline import runner
from helpers.publish import explorer

RAW_SMALL = PROJ_ROOT / "tests" / "fixtures" / "raw_small"
EXTRACTED = extracted_facts(RAW_SMALL)
NVIDIA_SHARE = fact_id_of(EXTRACTED, "49.36%")  # in the chip article (read as 地平线's)
PONY_FLEET = fact_id_of(EXTRACTED, "961辆")  # Pony.ai's fleet


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    return finished_small_run(tmp_path_factory.mktemp("explore"), RAW_SMALL)


@pytest.fixture
def data(small_run):
    return explorer.load_explorer(small_run["processed"], small_run["run"],
                                  small_run["corrections"], "zh-Hans")  # fmt: skip


def test_detail_highlights_the_exact_span_and_names_the_source(data):
    html = explorer.detail_html(data, NVIDIA_SHARE)
    assert '<mark class="fact-span">49.36%</mark>' in html
    fact = data.facts.set_index("fact_id").loc[NVIDIA_SHARE]
    assert "地平线与英伟达分居两个细分市场首位" in html  # the article's title
    assert f"{fact['source_file']}:{int(fact['source_line'])}" in html  # file and line


def test_bodies_stay_on_disk_and_are_read_one_article_at_a_time(data, small_run):
    assert "body" not in data.articles, "the explorer holds article metadata, not texts"
    stored = io.read_table(small_run["processed"] / "articles_dedup.parquet",
                           columns=["article_id", "body"])  # fmt: skip
    for article_id, body in stored.head(5).itertuples(index=False):
        assert explorer.article_body(data, article_id) == body
    assert explorer.article_body(data, "not-an-article") == ""


def test_months_load_only_those_facts(small_run):
    table = small_run["processed"] / "facts.parquet"
    months = sorted({io.part_key(p) for p in io.table_parts(table)})
    assert len(months) > 1, "the small fixture spans several months"
    data = explorer.load_explorer(small_run["processed"], small_run["run"],
                                  small_run["corrections"], months=months[:1])  # fmt: skip
    wanted = io.read_table(table, keys=months[:1], columns=["fact_id"])["fact_id"]
    assert sorted(data.facts["fact_id"]) == sorted(wanted)
    assert len(wanted) < len(io.read_table(table, columns=["fact_id"]))


def test_filters_narrow_the_list(data):
    options = explorer.filter_options(data.facts)
    assert set(options) == set(explorer.FILTERS)
    chips = explorer.filter_facts(data.facts, {"topic": "chip_share"})
    assert set(chips["fact_id"]) >= {NVIDIA_SHARE}
    assert (chips["topic"] == "chip_share").all()
    none = explorer.filter_facts(data.facts, {"topic": "chip_share", "metric": "fleet_size"})
    assert none.empty


def test_same_cell_story_and_charts(data):
    cell = explorer.same_cell(data, PONY_FLEET)
    assert cell["fact_id"].tolist()[0] == PONY_FLEET
    article = data.facts.set_index("fact_id").at[PONY_FLEET, "article_id"]
    assert explorer.story(data, article)["article_id"].tolist() == [article]
    drawn = explorer.charts_of(data, PONY_FLEET)
    assert drawn, "the fleet chart draws Pony.ai's fleet"
    rows = explorer.chart_row_labels(data, drawn[0])
    behind = {f for _, i in rows for f in explorer.chart_row_facts(data, drawn[0], i)}
    assert PONY_FLEET in behind, "a chart CSV row leads back to its fact"


def test_widgets_select_a_fact_and_write_a_correction(data):
    ui = explorer._Explorer(data, who="tester")
    ui.filters["topic"].value = "chip_share"
    assert NVIDIA_SHARE in [v for _, v in ui.facts.options]
    ui.facts.value = NVIDIA_SHARE
    assert '<mark class="fact-span">49.36%</mark>' in ui.detail.value
    ui.reject.click()
    assert "say why" in ui.message.value, "nothing is written without a reason"
    assert cor.load_corrections(data.corrections_dir) == []
    ui.why.value = "原文：城市NOA芯片份额49.36%属于英伟达"
    ui.field.value, ui.new_value.value = "entity_id", "nobody"
    ui.set_value.click()
    assert "not in the catalogue" in ui.message.value
    ui.new_value.value = "nvidia"
    ui.set_value.click()
    ui.facts.value = NVIDIA_SHARE
    ui.reject.click()
    ui.alias_text.value, ui.alias_entity.value = "老黄家", "nvidia"
    ui.alias.click()
    written = cor.load_corrections(data.corrections_dir)
    assert [c.action for c in written] == ["set", "reject", "alias"]
    assert written[0].fields["set"] == {"entity_id": "nvidia"}
    assert written[1].fields["seen"]["number_text"] == "49.36%"
    assert data.facts.set_index("fact_id").at[NVIDIA_SHARE, "review"] == "pending"


def test_chart_row_lists_its_facts(data):
    ui = explorer._Explorer(data, who="tester")
    stem = explorer.charts_of(data, PONY_FLEET)[0]
    ui.chart.value = stem
    row = next(i for _, i in ui.chart_rows.options
               if PONY_FLEET in explorer.chart_row_facts(data, stem, i))  # fmt: skip
    ui.chart_rows.value = row
    assert [v for _, v in ui.facts.options] == explorer.chart_row_facts(data, stem, row)


def test_notebook_runs_under_papermill_and_prints_a_summary(small_run, tmp_path):
    out = tmp_path / "explore.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS_DIR / "explore.ipynb"), str(out), cwd=str(NOTEBOOKS_DIR),
        parameters={"processed_dir": str(small_run["processed"]), "run_dir": str(small_run["run"]),
                    "corrections_dir": str(small_run["corrections"])},
        kernel_name="python3", progress_bar=False,
    )  # fmt: skip
    nb = nbformat.read(out, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "11 facts from 5 articles" in printed
    widget = [o for c in nb.cells for o in c.get("outputs", [])
              if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]  # fmt: skip
    assert len(widget) == 1


def test_explorer_is_no_stage():
    assert "explore" not in [s.name for s in runner.discover_stages(NOTEBOOKS_DIR)]
    nb = nbformat.read(NOTEBOOKS_DIR / "explore.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")

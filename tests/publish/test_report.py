"""report.html: one offline file with the notebooks' narrative, tables and charts, code hidden."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import write_stage_notebook

from helpers.pipeline import runner
from helpers.publish import report

CHART = (
    "import pandas as pd\n"
    "from helpers.publish import plots\n"
    "plots.apply_house_style(labels)\n"
    "fig, ax = plots.plt.subplots()\n"
    "ax.barh(['英伟达', '地平线'], [49.36, 30.71])\n"
    "ax.set_title('城市NOA芯片份额')\n"
    "io.write_table(pd.DataFrame({'a': [1]}), dirs.processed / 'a.parquet')\n"
    "pd.DataFrame({'厂商': ['英伟达'], '份额': [49.36]})"
)


@pytest.fixture
def finished_run(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("样本", encoding="utf-8")
    nbs = tmp_path / "nbs"
    write_stage_notebook(nbs / "01_chart.ipynb", ["# 市场份额\nx = 1", CHART], ["a.parquet"])
    cfg = runner.RunConfig(raw, tmp_path / "p", tmp_path / "r", notebooks_dir=nbs)
    out = runner.run_pipeline(cfg, echo=lambda _: None)
    assert out.ok, out.message
    return out


def test_run_writes_offline_report_with_charts_and_tables_but_no_code(finished_run):
    html = (finished_run.run_dir / "report.html").read_text(encoding="utf-8")
    assert finished_run.manifest["report"] == "report.html"
    assert len(re.findall(r"<img[^>]+src=\"data:image/png;base64,", html)) == 1
    assert "<table" in html and "英伟达" in html
    assert "apply_house_style" not in html and "raw_dir: str" not in html
    assert re.findall(r"(?:src|href)=\"(https?://[^\"]+)\"", html) == []


def test_appendix_drops_parameter_cells_and_keeps_stage_order(tmp_path):
    a = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("raw_dir = 'x'")
    params.metadata["tags"] = ["parameters"]
    a.cells = [nbformat.v4.new_markdown_cell("# 解析"), params]
    b = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 去重")])
    (tmp_path / "notebooks").mkdir()
    nbformat.write(a, tmp_path / "notebooks" / "01_parse.ipynb")
    nbformat.write(b, tmp_path / "notebooks" / "02_dedup.ipynb")
    sections = report.appendix_sections(
        tmp_path, ["02_dedup", "01_parse"], report.evidence.EvidenceRegister(), "zh-Hans"
    )
    assert [s.label for s in sections] == ["02_dedup", "01_parse"]
    assert "去重" in sections[0].html and "解析" in sections[1].html
    assert "raw_dir" not in sections[1].html

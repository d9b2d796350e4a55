"""report.html in a real browser: every chart image loads, Chinese text has glyphs.

Needs Debian's chromium (`.ci/run` installs it when it can); skipped with a reason otherwise.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from conftest import run_chromium as _chromium
from conftest import write_stage_notebook
from matplotlib import font_manager
from PIL import Image

from helpers.pipeline import runner

PROBE = """<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify(imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight]));
  document.body.appendChild(out);
});
</script>"""
CHART = (
    "import pandas as pd\n"
    "from helpers.publish import plots\n"
    "plots.apply_house_style(labels)\n"
    "fig, ax = plots.plt.subplots()\n"
    "ax.barh(['輝達', '地平線'], [49.36, 30.71])\n"
    "ax.set_title('城市NOA晶片市佔率')\n"
    "io.write_table(pd.DataFrame({'a': [1]}), dirs.processed / 'a.parquet')\n"
    "pd.DataFrame({'廠商': ['輝達', '英伟达'], '份額': [49.36, 49.36]})"
)


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("browser")
    raw = tmp / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("樣本", encoding="utf-8")
    write_stage_notebook(tmp / "nbs" / "01_chart.ipynb", ["# 市佔率", CHART], ["a.parquet"])
    cfg = runner.RunConfig(raw, tmp / "p", tmp / "r", notebooks_dir=tmp / "nbs")
    out = runner.run_pipeline(cfg, echo=lambda _: None)
    assert out.ok, out.message
    return out.run_dir / "report.html"


def test_every_chart_image_loads(browser, report_html, tmp_path):
    probe = tmp_path / "probe.html"
    html = report_html.read_text(encoding="utf-8")
    # NOTE: the page's Content-Security-Policy forbids every script placed after it; the probe
    # (ours) goes before it, right after <head>, as the security test's does.
    probe.write_text(html.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    dom = _chromium(browser, tmp_path, "--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom)
    assert found, "the probe script did not run"
    images = json.loads(found.group(1).replace("&quot;", '"'))
    assert len(images) == 1
    assert all(done and w > 100 and h > 100 for done, w, h in images)


def test_screenshot_shows_content(browser, report_html, tmp_path):
    shot = tmp_path / "shot.png"
    _chromium(browser, tmp_path, f"--screenshot={shot}", "--window-size=1280,1400",
              report_html.as_uri())  # fmt: skip
    inked = float((np.asarray(Image.open(shot).convert("L")) < 200).mean())
    assert inked > 0.02, f"page looks blank ({inked:.1%} non-white)"


def test_page_text_has_glyphs_in_the_browser_font(report_html):
    # Chromium takes CJK glyphs from fontconfig; the font fontconfig picks for Chinese must
    # hold every Han character of the page, or the reader sees tofu boxes.
    fc_match = shutil.which("fc-match")
    if not fc_match:
        pytest.skip("fontconfig's fc-match is not installed")
    text = re.sub(r"<[^>]+>|data:[^\"]+", "", report_html.read_text(encoding="utf-8"))
    han = sorted({ch for ch in text if "\u4e00" <= ch <= "\u9fff"})
    assert len(han) >= 8
    path = subprocess.run(
        [fc_match, "--format=%{file}", "sans-serif:lang=zh-cn"], capture_output=True, text=True
    ).stdout
    font = font_manager.get_font(path)
    missing = [ch for ch in han if not font.get_char_index(ord(ch))]
    assert missing == [], f"{path} lacks {missing}: install fonts-noto-cjk"

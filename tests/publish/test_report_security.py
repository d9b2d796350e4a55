"""Scraped text is attacker-controlled: what we publish shows it as text, never runs it.

A feed whose titles, bodies and outlet names carry HTML, script, spreadsheet formulas and
mathtext goes through the whole suite (in-process). report.html must show the markup as text
(checked in the HTML source and in headless Chromium: no dialog, no handler attribute), the
deck and the chart sidecars must carry the literal text, CSV exports must not hold live
formulas (parquet keeps the original).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from conftest import run_chromium
from pptx import Presentation

from helpers.core.paths import NOTEBOOKS_DIR
from helpers.pipeline import runner

SCRIPT_TITLE = "<script>alert('xss-title')</script>小马智行车队扩张"
IMG_BODY = "<img src=x onerror=\"alert('xss-body')\">"
FORMULA_OUTLET = '=HYPERLINK("http://evil.example","点此")'
MATH_OUTLET = "$x^2$ <b>出行</b>周刊"
ITEMS = [
    {"title": SCRIPT_TITLE, "source": FORMULA_OUTLET, "date": "2025-12-01",
     "content": f"小马智行表示，截至2025年11月底，其Robotaxi车队规模已超过1000辆。{IMG_BODY}"},
    {"title": "<iframe src=\"javascript:alert('xss-frame')\"></iframe>", "source": MATH_OUTLET,
     "date": "2025-12-02", "content": "文远知行称，截至2025年11月，其Robotaxi车队规模约为750辆。"},
]  # fmt: skip
RAW_MARKUP = ("<script>alert('xss-title')", "<img src=x onerror", "<iframe src=", "<b>出行</b>")
PROBE = """<script>
window.__dialogs = [];
["alert", "confirm", "prompt"].forEach(n => {
  window[n] = m => { window.__dialogs.push(String(m)); };
});
window.addEventListener("load", () => {
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({
    dialogs: window.__dialogs,
    handlers: document.querySelectorAll("[onerror],[onload]").length,
    frames: document.querySelectorAll("iframe").length,
    shown: document.body.innerText.includes("<script>alert('xss-title')<\\/script>"),
  });
  document.body.appendChild(out);
});
</script>"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> runner.RunOutcome:
    tmp = tmp_path_factory.mktemp("hostile")
    raw = tmp / "raw"
    raw.mkdir()
    lines = [json.dumps(item, ensure_ascii=False) for item in ITEMS]
    (raw / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = runner.RunConfig(raw, tmp / "p", tmp / "r", notebooks_dir=NOTEBOOKS_DIR,
                           executor="inprocess")  # fmt: skip
    out = runner.run_pipeline(cfg, echo=lambda _: None)
    assert out.ok, out.message
    return out


def test_report_source_holds_the_markup_only_escaped(hostile_run):
    html = (hostile_run.run_dir / "report.html").read_text(encoding="utf-8")
    for raw in RAW_MARKUP:
        assert raw not in html, f"unescaped {raw!r} in report.html"
    assert "&lt;script&gt;alert(" in html, "the title is shown, escaped"


def test_page_forbids_every_script_and_cites_the_scraped_title_escaped(hostile_run):
    html = (hostile_run.run_dir / "report.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    evidence = html[html.index('<ol class="evidence">') :]
    evidence = evidence[: evidence.index("</ol>")]
    assert "&lt;script&gt;alert(&#39;xss-title&#39;)&lt;/script&gt;小马智行车队扩张" in evidence


def test_report_runs_no_scraped_script_in_a_browser(browser, hostile_run, tmp_path):
    html = (hostile_run.run_dir / "report.html").read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    dom = run_chromium(browser, tmp_path, "--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom)
    assert found, "the probe did not run"
    seen = json.loads(found.group(1).replace("&quot;", '"'))
    assert seen["dialogs"] == [], f"scraped script ran: {seen['dialogs']}"
    assert seen["handlers"] == 0 and seen["frames"] == 0
    assert seen["shown"], "the scraped title is visible as text"


def test_deck_and_chart_sidecars_show_the_text_literally(hostile_run):
    figures = hostile_run.run_dir / "figures"
    sidecars = [json.loads(p.read_text(encoding="utf-8")) for p in figures.glob("06-*.json")]
    outlets = {o for meta in sidecars for o in meta["outlets"]}
    assert {FORMULA_OUTLET, MATH_OUTLET} <= outlets
    prs = Presentation(str(hostile_run.run_dir / "deck.pptx"))
    texts = "\n".join(
        sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame
    )
    assert FORMULA_OUTLET in texts and MATH_OUTLET in texts


def test_csv_exports_hold_no_live_formula_but_parquet_keeps_the_text(hostile_run):
    tables = hostile_run.run_dir / "tables"
    csv = pd.read_csv(tables / "robotaxi_fleet_long.csv", encoding="utf-8-sig", dtype=str)
    outlets = set(csv["source_name"])
    assert "'" + FORMULA_OUTLET in outlets and FORMULA_OUTLET not in outlets
    parquet = pd.read_parquet(tables / "robotaxi_fleet_long.parquet")
    assert FORMULA_OUTLET in set(parquet["source_name"])
    for path in tables.glob("*.csv"):
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        for column in frame.columns:
            live = [v for v in frame[column] if v[:1] in ("=", "@") and not v[1:2].isdigit()]
            assert not live, f"{path.name}:{column} holds a live formula {live[:1]}"

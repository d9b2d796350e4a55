"""report.html and report.pdf as a reader sees them, on the bundled sample.

The whole suite runs once on the sample (in-process); the page is then read three ways: its
HTML (order, tables for people, evidence links, size), in headless Chromium at desktop and
phone widths (first screen, no NaN, links resolve) and as report.pdf (A4 landscape, the
summary heading and Chinese on page 1). The other two label languages rebuild the page from
the same run folder; a corpus with EV exports only runs end to end in English.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import lxml.html
import numpy as np
import pandas as pd
import pytest
from conftest import run_chromium
from PIL import Image

from helpers.catalog import texts as lab
from helpers.core import io
from helpers.core.paths import NOTEBOOKS_DIR, SAMPLE_RAW_DIR
from helpers.pipeline import runner
from helpers.publish import pdf, report

FACT_ID_RE = re.compile(r"f-[0-9a-f]{16}")
MISSING_WORDS_RE = re.compile(r"\b(?:NaN|nan|None|NaT)\b|<NA>")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
SCREENS = {"desktop": (1366, 768), "phone": (390, 844)}
# Runs before the page's Content-Security-Policy (which forbids later scripts): measures what
# the first screen holds once everything has loaded.
PROBE = """<script>
window.addEventListener("load", () => {
  const onScreen = el => el && el.getBoundingClientRect().top < window.innerHeight
    && el.getBoundingClientRect().bottom > 0;
  const summary = document.getElementById("summary");
  const cards = [...document.querySelectorAll("section.topic-summary")];
  const chart = document.querySelector("section.topic-summary img.chart");
  const links = [...document.querySelectorAll('a[href^="#"]')];
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({
    summary_on_screen: onScreen(summary),
    card_on_screen: onScreen(cards[0]),
    chart_on_screen: onScreen(chart),
    chart_loaded: !!chart && chart.complete && chart.naturalWidth > 0,
    summary_text: cards.map(c => c.innerText).join("\\n"),
    unresolved: links.map(a => a.getAttribute("href").slice(1))
      .filter(id => !document.getElementById(id)),
    n_links: links.length,
  });
  document.body.appendChild(out);
});
</script>"""
EV_ONLY = [
    {"title": "一月汽车出口保持增长", "source": "测试车讯", "date": "2026-02-12",
     "content": "据中汽协数据，2026年1月我国汽车出口68.1万辆，同比增长44.9%。"},
    {"title": "奇瑞海外销量创新高", "source": "测试财经", "date": "2026-01-20",
     "content": "奇瑞集团公布，2025年全年出口汽车134.4万辆，继续位居中国品牌出口首位。"},
]  # fmt: skip


def _run(raw: Path, tmp: Path, labels: str = "zh-Hans") -> runner.RunOutcome:
    cfg = runner.RunConfig(raw, tmp / "p", tmp / "r", labels=labels, notebooks_dir=NOTEBOOKS_DIR,
                           executor="inprocess")  # fmt: skip
    out = runner.run_pipeline(cfg, echo=lambda _: None)
    assert out.ok, out.message
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> runner.RunOutcome:
    return _run(SAMPLE_RAW_DIR, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def page(sample) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((sample.run_dir / "report.html").read_bytes())


def _text(el: lxml.html.HtmlElement) -> str:
    return el.text_content()


def _stages(run_dir: Path) -> list[str]:
    return sorted(p.stem for p in (run_dir / "notebooks").glob("*.ipynb"))


# --- the HTML ---------------------------------------------------------------------------------


def test_page_opens_with_one_summary_per_topic_and_the_appendix_last(page):
    order = [el.get("id") for el in page.iter() if el.get("id")]
    summaries = [i for i in order if i.startswith("sum-")]
    assert order.index("summary") < order.index(summaries[0])
    assert summaries == ["sum-ev_exports", "sum-chip_share", "sum-robotaxi_fleet"]
    assert order.index(summaries[-1]) < order.index("evidence") < order.index("appendix")
    assert all(order.index(i) > order.index("appendix") for i in order if i.startswith("nb-"))
    first_img = next(page.iter("img"))
    assert first_img.getparent().getparent().get("class") == "card", "first picture: a lead chart"
    assert page.xpath("//details[@class='nb']"), "the notebooks are collapsed sections"


def test_summary_states_figures_with_period_basis_outlet_and_conflicts_as_sentences(page, sample):
    ev = page.get_element_by_id("sum-ev_exports")
    items = ev.xpath(".//ul[@class='headlines']/li")
    assert len(items) >= 3
    for li in items:
        assert li.xpath(".//span[@class='hl-period']")[0].text_content().strip()
        source = li.xpath(".//span[@class='hl-source']")[0]
        assert "·" in source.text_content() and source.xpath(".//a[@class='ev']")
    text = _text(ev)
    assert "709.8万辆" in text and "2025年" in text, "China's 2025 exports in 万辆"
    assert re.search(r"中汽协 709\.8万辆 .*vs 乘联会 832万辆.*口径不同；采用中汽协", text)
    assert "首次运行：没有可比较的上次运行。" in text, "what changed: a first run says so"
    # the default min_confidence (0) holds nothing back: the queue exists and is empty
    assert io.read_table(sample.run_dir / "tables" / "review.parquet").empty
    assert "没有待复核的事实。" in text, "the review queue, counted"
    findings = io.read_table(sample.run_dir / "tables" / "findings.parquet")
    n_findings = int((findings["topic"] == "ev_exports").sum())
    assert n_findings and f"{n_findings} 项数据问题" in text, "the data findings, counted"


def test_no_missing_value_words_and_no_fact_id_in_visible_text(page):
    for card in page.xpath("//section[@class='topic-summary']"):
        assert not MISSING_WORDS_RE.search(_text(card))
    for el in page.iter():
        if el.tag in ("style", "script") or not isinstance(el.tag, str):
            continue
        for text in (el.text, el.tail):
            assert not FACT_ID_RE.search(text or ""), f"fact id shown in <{el.tag}>: {text!r}"
    for td in page.xpath("//td"):
        assert not MISSING_WORDS_RE.fullmatch(_text(td).strip()), "a cell reads NaN"


def test_tables_for_people_use_label_headers_and_chart_units(page):
    companies = page.get_element_by_id("tbl-ev_exports_by_company")
    headers = [_text(th) for th in companies.xpath(".//th")]
    assert headers[:5] == ["企业", "指标", "期间", "口径", "数值（万辆）"]
    assert headers[-1] == "出处"
    rows = [[_text(td) for td in tr.xpath("td")] for tr in companies.xpath(".//tbody/tr")]
    assert ["奇瑞", "出口量", "2025年1–9月", "中汽协", "93.6"] in [r[:5] for r in rows]
    fleet = page.get_element_by_id("tbl-robotaxi_fleet_latest")
    assert "数值（辆）" in [_text(th) for th in fleet.xpath(".//th")]
    cells = [_text(td) for td in fleet.xpath(".//td")]
    assert any(re.fullmatch(r"\D{0,2}\d{1,3}(,\d{3})+", c) for c in cells), "thousands separator"
    raw_names = {"period_label", "basis_name", "is_conflict", "fact_ids", "entity_name"}
    shown = {_text(th) for t in page.xpath("//figure[@class='table']") for th in t.xpath(".//th")}
    assert not raw_names & shown


def test_every_fact_link_leads_to_an_evidence_entry_with_the_figure_marked(sample, page):
    anchors = {el.get("id") for el in page.iter() if el.get("id")}
    links = page.xpath("//a[starts-with(@href, '#')]")
    assert links and all(a.get("href")[1:] in anchors for a in links)
    entries = page.xpath("//ol[@class='evidence']/li")
    fact_links = {a.get("href") for a in page.xpath("//a[@class='ev']")}
    assert {f"#{li.get('id')}" for li in entries} == fact_links
    facts = io.read_table(sample.run_dir.parents[1] / "p" / "facts.parquet")
    numbers = set(facts["number_text"])
    marks = [_text(m) for m in page.xpath("//ol[@class='evidence']//mark")]
    assert len(marks) >= 0.9 * len(entries), "nearly every entry marks its figure"
    assert set(marks) <= numbers, "what is marked is the figure as written"
    first = entries[0]
    assert first.xpath(".//span[@class='ev-article']")[0].text_content().count("·") >= 2


def test_report_stays_within_its_size_budget_with_compressed_charts(sample):
    html = (sample.run_dir / "report.html").read_text(encoding="utf-8")
    size = len(html.encode("utf-8"))
    assert size <= report.SIZE_BUDGET_BYTES, f"report.html is {size:,} bytes"
    images = re.findall(r'src="data:image/([a-z]+);base64,', html)
    assert images and set(images) == {"png"}
    assert len(re.findall(r'<img class="chart"', html)) == len(
        list((sample.run_dir / "figures").glob("*.png"))
    ), "every chart once"


@pytest.mark.parametrize("labels", ["zh-Hant", "en"])
def test_page_in_the_other_label_languages(sample, tmp_path, labels):
    run_dir = tmp_path / "run"
    for part in ("tables", "figures", "notebooks"):
        (run_dir / part).mkdir(parents=True)
        for f in (sample.run_dir / part).iterdir():
            (run_dir / part / f.name).write_bytes(f.read_bytes())
    path = report.build_html_report(run_dir, _stages(run_dir), labels)
    page = lxml.html.fromstring(path.read_bytes())
    assert page.get("lang") == report.HTML_LANG[labels]
    assert _text(page.get_element_by_id("summary")) == lab.label("report", "summary", labels)
    companies = page.get_element_by_id("tbl-ev_exports_by_company")
    assert _text(companies.xpath(".//th")[0]) == lab.label("columns", "company", labels)
    links = [_text(a) for a in page.xpath("//a[@class='ev']")]
    assert links[0] == lab.label("report", "source_link", labels, n=1)
    for card in page.xpath("//section[@class='topic-summary']"):
        assert not MISSING_WORDS_RE.search(_text(card))
    if labels == "en":
        assert "7,098 thousand vehicles" in _text(page.get_element_by_id("sum-ev_exports"))


def test_corpus_without_two_topics_says_so_in_english(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = [json.dumps(item, ensure_ascii=False) for item in EV_ONLY]
    (raw / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _run(raw, tmp_path, labels="en")
    page = lxml.html.fromstring((out.run_dir / "report.html").read_bytes())
    chips = _text(page.get_element_by_id("sum-chip_share"))
    fleets = _text(page.get_element_by_id("sum-robotaxi_fleet"))
    assert "No ADAS chip share facts in this corpus." in chips
    assert "No Robotaxi fleet facts in this corpus." in fleets
    ev = _text(page.get_element_by_id("sum-ev_exports"))
    assert "China's vehicle exports" in ev and "681 thousand vehicles" in ev
    assert not MISSING_WORDS_RE.search(ev + chips + fleets)


def test_review_queue_and_changes_are_shown_when_the_run_has_them(sample, tmp_path):
    run_dir = tmp_path / "run"
    for part in ("tables", "figures"):
        (run_dir / part).mkdir(parents=True)
        for f in (sample.run_dir / part).iterdir():
            (run_dir / part / f.name).write_bytes(f.read_bytes())
    long = io.read_table(run_dir / "tables" / "robotaxi_fleet_long.parquet")
    review = long.head(2).assign(reason="subject carried from an earlier sentence",
                                 confidence=[0.41, 0.55])  # fmt: skip
    io.write_table(review, run_dir / "tables" / "review.parquet")
    changes = pd.DataFrame({"topic": ["robotaxi_fleet", ""],
                            "text": ["萝卜快跑车队首次超过1000辆", "<script>alert(1)</script>"],
                            "fact_ids": [long["fact_id"].iloc[0], ""]})  # fmt: skip
    path = report.build_html_report(run_dir, _stages(sample.run_dir), "zh-Hans", changes=changes)
    source = path.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in source and "&lt;script&gt;alert(1)" in source, "escaped"
    page = lxml.html.fromstring(path.read_bytes())
    fleets = _text(page.get_element_by_id("sum-robotaxi_fleet"))
    assert "2 条事实待复核" in fleets and "萝卜快跑车队首次超过1000辆" in fleets
    assert "尚未与上次运行比较" not in fleets
    table = page.get_element_by_id("tbl-review")
    assert "置信度（%）" not in _text(table) and "subject carried" in _text(table)


# --- in a browser and on paper ----------------------------------------------------------------


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_first_screen_holds_the_summary_and_a_chart(browser, sample, tmp_path, screen):
    width, height = SCREENS[screen]
    html = (sample.run_dir / "report.html").read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    size = f"--window-size={width},{height}"
    dom = run_chromium(browser, tmp_path, size, "--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, "the probe did not run"
    seen = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert seen["summary_on_screen"] and seen["card_on_screen"]
    assert seen["chart_on_screen"] and seen["chart_loaded"], f"no chart on the {screen} screen"
    assert not MISSING_WORDS_RE.search(seen["summary_text"])
    assert seen["n_links"] > 20 and seen["unresolved"] == []
    shot = tmp_path / f"{screen}.png"
    run_chromium(browser, tmp_path, size, "--hide-scrollbars", f"--screenshot={shot}",
                 (sample.run_dir / "report.html").as_uri())  # fmt: skip
    pixels = np.asarray(Image.open(shot).convert("L"))
    assert pixels.shape == (height, width)
    assert (pixels < 200).mean() > 0.03, f"the {screen} screenshot looks blank"


def test_pdf_is_a4_landscape_with_the_summary_and_chinese_on_page_one(browser, sample):
    pypdf = pytest.importorskip("pypdf")
    assert sample.manifest["report_pdf"]["file"] == "report.pdf"
    reader = pypdf.PdfReader(sample.run_dir / "report.pdf")
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 842) < 3 and abs(float(box.height) - 595) < 3, "A4 landscape"
    first = unicodedata.normalize("NFKC", reader.pages[0].extract_text())
    assert "摘要" in first and "电动车出口" in first
    assert len(CJK_RE.findall(first)) > 50
    tops = [unicodedata.normalize("NFKC", p.extract_text()).lstrip()[:12] for p in reader.pages]
    for topic in ("智驾芯片份额", "Robotaxi 车队"):
        assert any(t.startswith(topic) for t in tops), f"{topic} does not start a page"


def test_pdf_is_skipped_with_a_reason_when_no_browser_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_browser", lambda names=pdf.BROWSERS: None)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("样本", encoding="utf-8")
    nbs = tmp_path / "nbs"
    from conftest import write_stage_notebook

    write_stage_notebook(nbs / "01_x.ipynb", ["import pandas as pd\nio.write_table("
                         "pd.DataFrame({'a': [1]}), dirs.processed / 'a.parquet')"],
                         ["a.parquet"])  # fmt: skip
    lines: list[str] = []
    cfg = runner.RunConfig(raw, tmp_path / "p", tmp_path / "r", notebooks_dir=nbs,
                           executor="inprocess")  # fmt: skip
    out = runner.run_pipeline(cfg, echo=lines.append)
    assert out.ok, out.message
    assert not (out.run_dir / "report.pdf").exists()
    assert "no Chromium found" in out.manifest["report_pdf"]["skipped"]
    assert any(line.startswith("report.pdf skipped: no Chromium") for line in lines)
    page = lxml.html.fromstring((out.run_dir / "report.html").read_bytes())
    assert "本次运行没有执行此主题的阶段（04_ev_exports）。" in _text(page)

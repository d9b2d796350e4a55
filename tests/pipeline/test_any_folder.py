"""Any folder of news runs to the end (issue 12): the whole suite on many small folders.

Each case is a raw folder a user could hand us: every bundled sample file alone, no files at
all, off-topic news only, every hostile input of tests/hostile_cases.py together, only files
that must be quarantined, the real dumps of ../shared (skipped when absent). The suite runs the
committed notebooks in-process (``executor="inprocess"``: the same cells, no kernel start-up,
so about a second a folder) and must exit successfully, write report.html and deck.pptx, and
account for every input file in ``parse_report``; every data finding names facts that exist.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hostile_cases import RUNNABLE, denied, denied_paths, listed_entries, no_hang, write_all
from pptx import Presentation

from helpers.core import io
from helpers.core.paths import NOTEBOOKS_DIR, PROJ_ROOT, SHARED_DIR
from helpers.pipeline import runner

SAMPLE = PROJ_ROOT / "data" / "raw" / "sample"
SAMPLE_FILES = sorted(p for p in SAMPLE.iterdir() if p.suffix != ".md")
SHARED_DUMPS = sorted((SHARED_DIR / "corpus").glob("*.txt")) if SHARED_DIR.is_dir() else []

# Off-topic news, written for this test: numbers everywhere, but no exports, chips or fleets.
OFF_TOPIC_DUMP = """#本地新闻
全市气温本周回升
本周全市最高气温升至18度，气象台提醒市民早晚温差超过10度，出行注意添衣。(城市晚报)
主队主场三比一获胜
昨晚的联赛中主队以3比1战胜客队，积分升至第二位，距榜首仅差2分。(体育快讯)
"""
OFF_TOPIC_FEED = (
    '{"title": "折叠屏手机新品发布", "source": "数码周刊", "date": "2025-10-15", '
    '"content": "某手机厂商昨日发布新款折叠屏手机，起售价7999元，首批备货50万台。"}\n'
    '{"title": "沪指小幅收涨", "source": "财经日报", "date": "2025-10-16", '
    '"content": "沪指收涨0.5%，两市成交额约8000亿元，银行板块领涨。"}\n'
)


def _write_off_topic(raw: Path) -> None:
    (raw / "local_news.txt").write_text(OFF_TOPIC_DUMP, encoding="utf-8")
    (raw / "feed.jsonl").write_text(OFF_TOPIC_FEED, encoding="utf-8")


def _write_quarantined(raw: Path) -> None:
    for case in RUNNABLE:
        if case.status == "quarantined" and not case.denied:
            case.write(raw)


FOLDERS = {
    "empty": lambda raw: None,
    "off-topic": _write_off_topic,
    "hostile": write_all,
    "quarantined-only": _write_quarantined,
}


def _fill(raw: Path, case: str) -> None:
    kind, _, name = case.partition(":")
    if kind == "sample":
        shutil.copy(SAMPLE / name, raw / name)
    elif kind == "shared":
        for path in SHARED_DUMPS:
            if name in ("all", path.name):
                shutil.copy(path, raw / path.name)
    else:
        FOLDERS[case](raw)


CASES = [
    *(pytest.param(f"sample:{p.name}", id=f"sample-{p.stem}") for p in SAMPLE_FILES),
    pytest.param("empty", id="empty-folder"),
    pytest.param("off-topic", id="off-topic-only"),
    pytest.param("hostile", id="hostile-folder"),
    pytest.param("quarantined-only", id="only-quarantined-files"),
    *(
        pytest.param(f"shared:{p.name}", id=f"shared-{p.stem[:3]}", marks=pytest.mark.shared)
        for p in SHARED_DUMPS
    ),
    pytest.param("shared:all", id="shared-both", marks=pytest.mark.shared),
]


def run_folder(raw: Path, tmp: Path) -> runner.RunOutcome:
    """The committed notebooks on ``raw``, in-process, into ``tmp``."""
    # NOTE: report.pdf is tested in tests/publish (it never fails a run); printing one per
    # folder here would add seconds a folder and test nothing about the folders.
    cfg = runner.RunConfig(raw, tmp / "processed", tmp / "reports", notebooks_dir=NOTEBOOKS_DIR,
                           executor="inprocess", pdf=False)  # fmt: skip
    return runner.run_pipeline(cfg, echo=lambda _: None)


def check_run(outcome: runner.RunOutcome, raw: Path, processed: Path) -> None:
    """What every folder must leave: a report, a deck, every input accounted, sane findings."""
    assert outcome.ok, outcome.message
    assert (outcome.run_dir / "report.html").stat().st_size > 0
    prs = Presentation(str(outcome.run_dir / "deck.pptx"))
    assert len(prs.slides) >= 3, "title, findings and charts (or the no-charts slide)"
    report = io.read_table(processed / "parse_report.parquet")
    listed = set(report["source_file"].astype(str))
    assert not listed_entries(raw) - listed, "every input entry is in parse_report"
    manifest = json.loads((outcome.run_dir / "manifest.json").read_text(encoding="utf-8"))
    findings = io.read_table(processed / "findings.parquet")
    assert manifest["findings"]["total"] == len(findings)
    facts = io.read_table(processed / "facts.parquet")
    named = {i for ids in findings["fact_ids"] for i in str(ids).split(";") if i}
    assert named <= set(facts["fact_id"]), "findings name facts of this run"


@pytest.mark.parametrize("case", CASES)
def test_suite_runs_to_the_end(tmp_path, case):
    if case.startswith("shared:") and not SHARED_DUMPS:
        pytest.skip(f"{SHARED_DIR} is absent (real dumps beside the checkout)")
    raw = tmp_path / "raw"
    raw.mkdir()
    _fill(raw, case)
    # NOTE: in-process, so the hostile cases' "permission denied" files stay unreadable and a
    # FIFO that blocked would fail the test instead of hanging it
    with denied(denied_paths(raw, RUNNABLE)), no_hang():
        outcome = run_folder(raw, tmp_path)
    check_run(outcome, raw, tmp_path / "processed")


def test_empty_topics_are_said_in_words(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _fill(raw, "off-topic")
    outcome = run_folder(raw, tmp_path)
    check_run(outcome, raw, tmp_path / "processed")
    html = (outcome.run_dir / "report.html").read_text(encoding="utf-8")
    for topic in ("电动车出口", "智驾芯片份额", "Robotaxi 车队"):
        assert f"本语料中没有“{topic}”的事实。" in html
    assert "未生成“Robotaxi车队规模（最新已知）”：数据不足，无法作图" in html
    prs = Presentation(str(outcome.run_dir / "deck.pptx"))
    texts = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame]
    assert "没有数据问题。" in texts and "本次运行没有图表" in texts

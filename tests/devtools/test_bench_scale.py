"""bench scale: its corpus is what it says, its table holds what it measured."""

from __future__ import annotations

import json

import pandas as pd

from helpers.core import io
from helpers.devtools.bench import scale


def test_corpus_has_the_articles_asked_for_in_feeds(tmp_path):
    info = scale.write_corpus(tmp_path / "raw", 120, seed=3, file_articles=50)
    files = sorted(p for p in (tmp_path / "raw").iterdir() if not p.name.startswith("."))
    assert [p.suffix for p in files] == [".jsonl", ".jsonl", ".csv"]
    rows = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in files[:2])
    rows += len(pd.read_csv(files[2]))
    assert rows == info["articles"] == 120
    assert info["bytes"] == sum(p.stat().st_size for p in files)
    again = scale.write_corpus(tmp_path / "raw", 999)  # the marker says it is complete: reused
    assert again == info


def test_results_go_between_the_markers(tmp_path):
    out = tmp_path / "scale.md"
    out.write_text(f"# 规模\n\n{scale.BEGIN}\nold\n{scale.END}\n\n分析在此。\n", encoding="utf-8")
    scale.write_results(out, "| new |")
    assert out.read_text(encoding="utf-8") == (
        f"# 规模\n\n{scale.BEGIN}\n| new |\n{scale.END}\n\n分析在此。\n"
    )


def test_tables_that_differ_are_named(tmp_path):
    for name, values in (("a", [1, 2]), ("b", [1, 3])):
        io.write_table(pd.DataFrame({"x": values}), tmp_path / name / "facts.parquet")
        io.write_table(pd.DataFrame({"x": [0]}), tmp_path / name / "articles.parquet")
    assert scale.same_tables(tmp_path / "a", tmp_path / "b") == ["facts.parquet"]


def test_a_tiny_run_measures_every_stage(tmp_path):
    out = tmp_path / "scale.md"
    args = ["--sizes", "60", "--workers", "--corpus-dir", str(tmp_path), "--out", str(out)]
    assert scale.main(args) == 0
    text = out.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| 60 (")]
    assert [row.split(" | ")[1:3] for row in rows] == [
        ["parse", "local"], ["dedup", "local"], ["facts", "local"]
    ]  # fmt: skip
    facts = io.read_table(tmp_path / "processed-60-local" / "facts.parquet")
    assert len(facts) > 0 and json.loads((tmp_path / "raw-60" / ".corpus.json").read_text())

"""``python -m helpers bench facts``: MB/s of canonical text through stage 03."""

from __future__ import annotations

from helpers.devtools.bench import facts as bench_facts


def test_bench_facts_prints_cpu_throughput_on_a_small_corpus(capsys):
    assert bench_facts.main(["--articles", "150", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "canonical text:" in out
    assert "s CPU =" in out and "MB/s per core" in out


def test_time_facts_reads_every_canonical_article():
    articles = bench_facts.prepare(120, seed=3)
    facts, timing = bench_facts.time_facts(articles)
    assert set(facts["article_id"]) <= set(articles["article_id"])
    assert timing["cpu"] > 0 and len(timing["load"]) == 2

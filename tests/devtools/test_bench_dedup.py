"""The dedup benchmark: its corpus is what it says, its scores count what they say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import dedup
from helpers.devtools.bench import dedup as bench
from helpers.devtools.bench import dedup_corpus, dedup_phrases


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return dedup_corpus.build_corpus(1500, seed=11)


def test_corpus_has_every_copy_process_and_hard_negative(corpus):
    kinds = set(corpus.loc[corpus["kind"] != "original", "kind"].str.split("+").explode())
    assert kinds == set(dedup_corpus.COPY_KINDS)
    assert set(corpus["family_kind"]) == {"", *dedup_corpus.HARD_KINDS}
    # A hard-negative family holds several stories, each with its own dup_group.
    fam = corpus[corpus["family"] != ""].groupby("family")["dup_group"].nunique()
    assert (fam >= 2).all()
    assert corpus["article_id"].is_unique


def test_script_copies_are_made_by_zhconv_not_opencc():
    doc = dedup_phrases.Doc(title="t", paragraphs=[["公司的软件团队扩编，芯片供应稳定。"]])
    copy = dedup_corpus.make_copy(np.random.default_rng(0), "script", doc, None)
    text = copy.body()
    assert copy.script == "hant" and text != doc.body()
    import zhconv

    assert text in {zhconv.convert(doc.body(), "zh-tw"), zhconv.convert(doc.body(), "zh-hk")}


def test_edits_never_touch_a_figure():
    rng = np.random.default_rng(3)
    s = "理想汽车11月交付新车4.8万辆，同比增长12.5%，门店增至500家。"
    for _ in range(50):
        edited = dedup_corpus._edit_sentence(rng, s, 0.2)
        for figure in ("11月", "4.8万辆", "12.5%", "500家"):
            assert figure in edited


def test_scores_count_pairs_copies_and_merged_hard_negatives():
    corpus = pd.DataFrame(
        {
            "dup_group": [0, 0, 1, 2, 3],
            "kind": ["original", "noise", "original", "original", "original"],
            "family": ["", "", "template-1", "template-1", "template-1"],
            "family_kind": ["", "", "template", "template", "template"],
        }
    )
    pred = np.array([0, 0, 1, 1, 2])  # the copy found; two briefs of one template merged
    assert bench.kind_recall(pred, corpus) == {"noise": 1.0, "all copies": 1.0}
    assert bench.hard_negative_merges(pred, corpus) == {"template": (1, 3)}
    scores = bench.pair_scores(pred, corpus["dup_group"].to_numpy())
    assert (scores["precision"], scores["recall"]) == (0.5, 1.0)


def test_ours_keeps_hard_negatives_apart_and_finds_the_copies(corpus):
    data = corpus[list(bench.INPUT_COLUMNS)]
    labels = bench.run_ours(data, dedup.thresholds.DEFAULT_PARAMS)
    scores = bench.pair_scores(labels["cluster"], corpus["dup_group"].to_numpy())
    merges = bench.hard_negative_merges(labels["cluster"], corpus)
    assert all(merged == 0 for merged, _ in merges.values()), merges
    assert scores["precision"] == 1.0
    assert scores["f1"] >= 0.98  # 0.995 on this seed (2026-12-05); the full bench is the figure

"""Speed fixes of stage 02 (issue 17): the faster code gives what the code it replaced gave."""

from __future__ import annotations

import contextlib
import functools

import pandas as pd
import pytest

from helpers import dedup
from helpers.dedup import figures
from helpers.dedup.textnorm import add_text_norm
from helpers.devtools.bench.dedup_corpus import build_corpus

from . import reference_figures as before


@functools.cache
def _bench_corpus() -> pd.DataFrame:
    """A small benchmark corpus: template families, copies in both scripts, cut copies."""
    return build_corpus(1500, seed=3)


@functools.cache
def _similar_pairs() -> list[tuple[str, str, str, str]]:
    """Both bodies and conversions of every pair stage 02 checked exactly on that corpus."""
    corpus = _bench_corpus()
    frame = corpus[["article_id", "body", "script"]]
    result = dedup.deduplicate(frame)
    norm = add_text_norm(frame)
    conv = dict(zip(norm["article_id"], norm["conversion"], strict=True))
    body = dict(zip(corpus["article_id"], corpus["body"], strict=True))
    return [
        (body[a], conv[a], body[b], conv[b])
        for a, b in result.pairs[["article_id", "other_id"]].itertuples(index=False)
    ]


def test_the_corpus_has_every_verdict():
    corpus = _bench_corpus()
    pairs = dedup.deduplicate(corpus[["article_id", "body", "script"]]).pairs
    assert set(figures.VERDICTS) <= set(pairs["figures"])
    assert (pairs["figures_only_here"] != "").sum() > 300  # pairs whose figures were read


@pytest.mark.parametrize("swap", [False, True])
def test_compare_figures_equals_the_code_it_replaced(swap):
    pairs = _similar_pairs()
    assert len(pairs) > 1000
    for body_a, conv_a, body_b, conv_b in pairs:
        if swap:
            body_a, conv_a, body_b, conv_b = body_b, conv_b, body_a, conv_a
        assert figures.compare_figures(body_a, conv_a, body_b, conv_b) == before.compare_figures(
            body_a, conv_a, body_b, conv_b
        )


EDGE_BODIES = [
    "",
    "\n",
    "出口５万辆。\n\n",
    "軟體\r\n晶片 ２０２５年\n",
    "Ｍｏｄｅｌ　Ｙ，出口１２％！\n（完）",
]


def test_batched_line_forms_equal_line_by_line():
    corpus = _bench_corpus()
    norm = add_text_norm(corpus[["article_id", "body", "script"]])
    bodies = norm["body"].tolist() + EDGE_BODIES * 3
    conversions = norm["conversion"].tolist() + ["none"] * 5 + ["tw2sp"] * 5 + ["t2s"] * 5
    assert {"none", "tw2sp", "t2s"} <= set(conversions)
    batch = figures._batch_line_forms(bodies, conversions)
    assert len(batch) == len(set(zip(bodies, conversions, strict=True)))
    for (body, conversion), forms in batch.items():
        assert forms == before.line_forms(body, conversion)


def test_stage_02_is_the_same_without_the_batched_line_forms(monkeypatch):
    frame = _bench_corpus()[["article_id", "body", "script"]]
    figures._line_forms.cache_clear()
    batched = dedup.deduplicate(frame)
    figures._line_forms.cache_clear()
    monkeypatch.setattr(figures, "primed_line_forms", lambda *_: contextlib.nullcontext())
    one_by_one = dedup.deduplicate(frame)
    for table in ("articles", "report", "pairs"):
        got, want = getattr(batched, table), getattr(one_by_one, table)
        pd.testing.assert_frame_equal(got, want, check_exact=True)

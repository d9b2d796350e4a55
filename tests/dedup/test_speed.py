"""Speed fixes of stage 02 (issue 17): the faster code gives what the code it replaced gave."""

from __future__ import annotations

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

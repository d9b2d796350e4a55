"""Benchmark of stage 03: MB/s of canonical text through ``extract_facts``, in CPU seconds.

``python -m helpers bench facts [--articles 8000] [--seed 7] [--profile FILE]``

The corpus is the dedup benchmark's (:func:`helpers.devtools.bench.dedup_corpus.build_corpus`:
stories with figures in the forms news uses, their copies and hard negatives); stage 02 runs
on it first (untimed), so stage 03 reads what it reads in a run: representatives whole, of
the copies only the sentences stage 02 lists in ``read_spans``. The throughput is the UTF-8
size of the canonical bodies over the CPU seconds of :func:`helpers.facts.extract_facts`
(the machine is shared: wall time is printed beside it, with the load average).

Example:
    >>> arts = pd.DataFrame({"body": ["蕪湖出口汽車超83萬輛。", "同上"],
    ...     "is_canonical": [True, False]})
    >>> canonical_text_size(arts)
    (12, 32)
"""

from __future__ import annotations

import argparse
import cProfile
import os
import time
from pathlib import Path

import pandas as pd

DEFAULT_ARTICLES = 8000
DEFAULT_SEED = 7  # the dedup benchmark's seed


def canonical_text_size(articles: pd.DataFrame) -> tuple[int, int]:
    """Characters and UTF-8 bytes of the canonical articles' bodies (stage 02's output)."""
    bodies = articles.loc[articles["is_canonical"], "body"]
    return int(bodies.str.len().sum()), sum(len(b.encode()) for b in bodies)


def prepare(n_articles: int, seed: int) -> pd.DataFrame:
    """The benchmark corpus after stage 02 (what stage 03 reads)."""
    from helpers.dedup import deduplicate
    from helpers.devtools.bench.dedup_corpus import build_corpus

    corpus = build_corpus(n_articles, seed=seed)
    return deduplicate(corpus).articles


def time_facts(articles: pd.DataFrame, profile: Path | None = None) -> tuple[pd.DataFrame, dict]:
    """Run ``extract_facts`` once (under cProfile when ``profile`` is given); return its timing."""
    from helpers.facts import extract_facts

    extract_facts(articles.head(50))  # NOTE: catalogue and regex compilation are not timed
    load0, t0, c0 = os.getloadavg()[0], time.perf_counter(), time.process_time()
    if profile is None:
        facts = extract_facts(articles)
    else:
        with cProfile.Profile() as prof:
            facts = extract_facts(articles)
        prof.dump_stats(profile)
    timing = {
        "wall": time.perf_counter() - t0,
        "cpu": time.process_time() - c0,
        "load": (load0, os.getloadavg()[0]),
    }
    return facts, timing


def main(argv: list[str]) -> int:
    """Build the corpus, deduplicate it, time stage 03 once, print MB/s per core."""
    ap = argparse.ArgumentParser(prog="python -m helpers bench facts", description=__doc__)
    ap.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, help="minimum corpus size")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    ap.add_argument("--profile", type=Path, help="write cProfile stats of the timed run here")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    articles = prepare(args.articles, args.seed)
    chars, size = canonical_text_size(articles)
    print(f"corpus: {len(articles)} articles, {int(articles['is_canonical'].sum())} canonical")
    print(f"canonical text: {chars / 1e6:.2f} M characters, {size / 2**20:.2f} MB")
    print(f"generated and deduplicated in {time.perf_counter() - t0:.1f} s")
    facts, timing = time_facts(articles, args.profile)
    mb, cpu, wall = size / 2**20, timing["cpu"], timing["wall"]
    load0, load1 = timing["load"]
    print(f"facts: {len(facts)} rows from {facts['article_id'].nunique()} articles")
    print(f"facts: {wall:.1f} s wall = {mb / wall:.2f} MB/s (load {load0:.1f} -> {load1:.1f})")
    per_core = f"{mb / cpu:.2f} MB/s per core = {chars / cpu / 1e6:.3f} M characters/s"
    print(f"facts: {cpu:.1f} s CPU = {per_core}")
    return 0

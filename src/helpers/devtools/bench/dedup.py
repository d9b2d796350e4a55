"""Benchmark of stage 02: our dedup against datasketch on a corpus our rules did not make.

``python -m helpers bench dedup [--articles 20000] [--seed 7] [--out benchmarks/dedup.md]``

The corpus (:mod:`helpers.devtools.bench.dedup_corpus`): stories built from sentences
written for the benchmark (and sentences of the real dumps in ``../shared/corpus`` when
present), copies made by processes independent of our rules (zhconv, not OpenCC; sentence
reordering, foreign paragraphs, punctuation and spacing noise, partial conversion, headline
rewrites, truncation, edits that leave figures alone, updates, notices) and hard negatives
(template briefs, a company's consecutive months, one event from two outlets).

Methods, each run in a forked child process on the same DataFrame, so that the table shows
where each gain comes from:

* **datasketch, raw** — ``MinHash(num_perm)`` + ``update_batch`` over the raw body's
  character shingles, ``MinHashLSH(threshold=JACCARD_THRESHOLD)``, clusters = connected
  components of the LSH candidates (the vectorised baseline of the speed ratio);
* **datasketch, normalised** — the same over our matching text (``text_norm``: one OpenCC
  conversion, NFKC, punctuation and spaces removed), still no verification;
* **datasketch, normalised + our verification** — datasketch's LSH proposes the candidates,
  then everything of ours decides (exact Jaccard/containment, figures, clusters);
* **ours without figures** — ours with ``compare_figures=False`` (the rule of issue 15 off);
* **ours** — :func:`helpers.dedup.deduplicate` end to end.

Quality: pairwise precision / recall / F1 against the truth (an original and its copies are
one story), recall per copy process (a copy counts when it shares its original's cluster),
and hard-negative merges (pairs of different stories of one hard-negative family put in one
cluster). Speed: ours and datasketch ``update_batch`` alternate, ``repeats`` runs each
(paired ratios), plus ours in a fresh process.

Example:
    >>> corpus = build_corpus(200, seed=1)
    >>> pair_scores(np.array([0, 0, 1]), np.array([5, 5, 5]))["recall"]
    0.3333333333333333
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import opencc
import pandas as pd

from helpers import dedup
from helpers.core import io
from helpers.core.paths import PROJ_ROOT
from helpers.devtools.bench import dedup_report
from helpers.devtools.bench.dedup_corpus import build_corpus, describe

__all__ = ["build_corpus", "main", "pair_scores", "run"]

DEFAULT_ARTICLES = 20_000
DEFAULT_SEED = 7
DEFAULT_OUT = PROJ_ROOT / "benchmarks" / "dedup.md"
INPUT_COLUMNS = (
    "article_id", "title", "body", "published_date", "quality_score", "source_name",
    "source_file", "source_line",
)  # fmt: skip

OURS = "ours (helpers.dedup)"
COLD = "ours, fresh process (includes one-time setup)"
NO_FIGURES = "ours without figures (compare_figures=False)"
BATCH = "datasketch, raw body (update_batch + MinHashLSH)"
DS_NORM = "datasketch, our normalised text"
DS_VERIFY = "datasketch, our normalised text + our verification"
LOOP = "datasketch, raw body (update() loop)"


# ---------------------------------------------------------------------------------------------
# Methods: each returns {"cluster": labels, ...} per article
# ---------------------------------------------------------------------------------------------
def _labels(out: pd.DataFrame) -> dict[str, np.ndarray]:
    labels = {col: pd.factorize(out[col])[0] for col in ("template_id", "story_id")}
    return labels | {"cluster": pd.factorize(out["cluster_id"])[0]}


def run_ours(df: pd.DataFrame, params: dedup.thresholds.DedupParams) -> dict:
    """Labels from :func:`helpers.dedup.deduplicate` (clusters, templates, stories)."""
    return _labels(dedup.deduplicate(df, params=params).articles)


def run_ours_without_figures(df: pd.DataFrame, params: dedup.thresholds.DedupParams) -> dict:
    """Ours with the figure rule off (the ablation)."""
    return run_ours(df, replace(params, compare_figures=False))


def _sketches(texts: list[str], params, batch: bool = True):
    from datasketch import MinHash, MinHashLSH

    k, num_perm = params.shingle_size, params.num_perm
    lsh = MinHashLSH(threshold=params.jaccard_threshold, num_perm=num_perm)
    sketches = []
    for i, text in enumerate(texts):
        m = MinHash(num_perm=num_perm)
        shingles = [text[j : j + k].encode("utf-8") for j in range(max(len(text) - k + 1, 1))]
        if batch:
            m.update_batch(shingles)
        else:
            for s in shingles:
                m.update(s)
        lsh.insert(i, m)
        sketches.append(m)
    return lsh, sketches


def datasketch_pairs(texts: list[str], params, batch: bool = True) -> np.ndarray:
    """Candidate pairs from datasketch's MinHashLSH over ``texts`` (empty texts skipped)."""
    lsh, sketches = _sketches(texts, params, batch)
    pairs = [
        (i, j)
        for i, m in enumerate(sketches)
        if texts[i]
        for j in lsh.query(m)
        if j != i and texts[j]
    ]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    return dedup.groups.connected_components(n, pairs)


def run_datasketch(df: pd.DataFrame, params, batch: bool = True) -> dict:
    """Clusters = connected components of datasketch LSH candidates on the raw body."""
    texts = df["body"].fillna("").astype(str).tolist()
    return {"cluster": _components(len(df), datasketch_pairs(texts, params, batch))}


def run_datasketch_normalised(df: pd.DataFrame, params) -> dict:
    """The same over our matching text (``text_norm``), no verification."""
    texts = dedup.textnorm.add_text_norm(df)["text_norm"].tolist()
    return {"cluster": _components(len(df), datasketch_pairs(texts, params))}


def run_datasketch_verified(df: pd.DataFrame, params) -> dict:
    """Datasketch's LSH proposes candidate pairs of matching texts; ours checks and clusters."""
    return _labels(dedup.deduplicate(df, params=params, candidates=datasketch_pairs).articles)


# ---------------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------------
def _pairs(counts: pd.Series) -> int:
    c = counts.to_numpy(dtype=np.int64)
    return int((c * (c - 1) // 2).sum())


def pair_scores(pred: np.ndarray, truth: np.ndarray) -> dict:
    """Pairwise precision, recall and F1 of predicted clusters against true stories."""
    d = pd.DataFrame({"p": pred, "t": truth})
    tp = _pairs(d.groupby(["p", "t"]).size())
    pred_pairs, true_pairs = _pairs(d.groupby("p").size()), _pairs(d.groupby("t").size())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": true_pairs}


def kind_recall(pred: np.ndarray, corpus: pd.DataFrame) -> dict[str, float]:
    """Per copy process: the share of copies in their original's cluster."""
    original = corpus.index[corpus["kind"] == "original"]
    cluster_of_original = pd.Series(pred[original], index=corpus.loc[original, "dup_group"])
    copies = corpus[corpus["kind"] != "original"]
    ok = pred[copies.index] == cluster_of_original.reindex(copies["dup_group"]).to_numpy()
    per = pd.DataFrame({"kind": copies["kind"].str.split("+").to_numpy(), "ok": ok})
    per = per.explode("kind")
    return per.groupby("kind")["ok"].mean().to_dict() | {"all copies": float(ok.mean())}


def hard_negative_merges(labels: np.ndarray, corpus: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Per hard-negative kind: (pairs of different stories sharing a label, all such pairs)."""
    fam = corpus.assign(label=labels)[corpus["family"] != ""]
    out = {}
    for kind, rows in fam.groupby("family_kind"):
        merged, total = set(), 0
        for _, f in rows.groupby("family"):
            total += _pairs(pd.Series([f["dup_group"].nunique()]))
            for _, cell in f.groupby("label"):
                groups = sorted(cell["dup_group"].unique())
                merged |= {(a, b) for i, a in enumerate(groups) for b in groups[i + 1 :]}
        out[kind] = (len(merged), total)
    return out


def link_scores(result: dict, corpus: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Ours only: template families sharing ``template_id``, events sharing ``story_id``."""
    out = {}
    for kind, col in (("template", "template_id"), ("two_outlets", "story_id")):
        if col not in result:
            continue
        sub = corpus["family_kind"] == kind
        linked = hard_negative_merges(result[col][sub], corpus[sub]).get(kind, (0, 0))
        out[f"{kind} pairs sharing {col}"] = linked
    if "story_id" in result:
        out["other pairs of originals sharing story_id (unrelated stories)"] = _other_links(
            result["story_id"], corpus
        )
    return out


def _other_links(story: np.ndarray, corpus: pd.DataFrame) -> tuple[int, int]:
    """Pairs of originals of different events linked into one story, and all original pairs."""
    orig = corpus.assign(story=story)[corpus["kind"] == "original"]
    event = np.where(orig["event"] >= 0, orig["event"], -1 - orig["dup_group"])
    sizes = orig.assign(event=event).groupby("story")["event"].value_counts()
    per_story = sizes.groupby(level=0)
    linked = int((per_story.sum() ** 2 - per_story.apply(lambda v: (v**2).sum())).sum() // 2)
    n = len(orig)
    return linked, n * (n - 1) // 2


# ---------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------
def _rss_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _child(queue, method: Callable, args: tuple) -> None:
    # NOTE: writing 5 to clear_refs resets the peak-RSS mark (Linux >= 4.0), so the peak we
    # read afterwards is this method's own, not the corpus the fork inherited.
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass
    start_kb = _rss_kb("VmRSS")
    t0, c0 = time.perf_counter(), time.process_time()
    labels = method(*args)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    queue.put((labels, seconds, max(_rss_kb("VmHWM") - start_kb, 0) / 1024, cpu))


def measure(method: Callable, *args) -> tuple[dict, float, float, float]:
    """Run ``method(*args)`` in a forked child: its labels, seconds, peak extra MB, CPU seconds.

    NOTE: CPU seconds beside wall time: on the shared 2-core machine wall time grows with
    the other sessions' load, CPU time much less.
    """
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, method, args))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def load_average() -> str:
    """The 1-minute load average (the machine is shared), e.g. ``1.23``."""
    return f"{os.getloadavg()[0]:.2f}"


def machine_description() -> list[str]:
    """nproc, CPU model, RAM, Python and library versions, as markdown bullet lines."""
    from importlib.metadata import version

    import datasketch

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores visible (nproc); every method runs on one core",
        f"- RAM: {ram_gb:.1f} GiB",
        f"- Python {platform.python_version()} ({platform.system()} {platform.machine()}), "
        f"numpy {np.__version__}, pandas {pd.__version__}, datasketch {datasketch.__version__}, "
        f"opencc {getattr(opencc, '__version__', '?')}, zhconv {version('zhconv')}",
    ]


def _warm_up(data: pd.DataFrame, params) -> None:
    """Do every method's one-time work in the parent, so forked children start warm."""
    run_ours(data.head(200), params)
    run_datasketch(data.head(20), params)


def _row(name: str, runs: list[tuple], corpus: pd.DataFrame) -> dict:
    """One row: median seconds, peak memory, the scores of the first run."""
    result = runs[0][0]
    scores = pair_scores(result["cluster"], corpus["dup_group"].to_numpy())
    seconds = [r[1] for r in runs]
    print(f"  {name}: {[round(s, 2) for s in seconds]} s, F1 {scores['f1']:.4f}", file=sys.stderr)
    return {
        "method": name,
        "run_seconds": seconds,
        "run_cpu": [r[3] for r in runs],
        "seconds": float(np.median(seconds)),
        "peak_mb": max(r[2] for r in runs),
        "kinds": kind_recall(result["cluster"], corpus),
        "hard": hard_negative_merges(result["cluster"], corpus),
        "links": link_scores(result, corpus),
        **scores,
    }


def run(n_articles: int, seed: int, *, repeats: int = 3, with_update_loop: bool = False):
    """Build the corpus, measure every method; return (corpus, rows, load averages)."""
    corpus = build_corpus(n_articles, seed=seed)
    data = corpus[list(INPUT_COLUMNS)]
    params = dedup.thresholds.DEFAULT_PARAMS
    loads = [load_average()]
    rows = [_row(COLD, [measure(run_ours, data, params)], corpus)]
    _warm_up(data, params)
    runs: dict[str, list[tuple]] = {OURS: [], BATCH: []}
    for _ in range(repeats):
        runs[OURS].append(measure(run_ours, data, params))
        runs[BATCH].append(measure(run_datasketch, data, params, True))
    loads.append(load_average())
    runs[NO_FIGURES] = [measure(run_ours_without_figures, data, params)]
    runs[DS_NORM] = [measure(run_datasketch_normalised, data, params)]
    runs[DS_VERIFY] = [measure(run_datasketch_verified, data, params)]
    if with_update_loop:
        runs[LOOP] = [measure(run_datasketch, data, params, False)]
    loads.append(load_average())
    rows += [_row(name, result, corpus) for name, result in runs.items()]
    return corpus, rows, loads


def main(argv: list[str]) -> int:
    """Run the benchmark, print the tables, write them (with the machine) to ``--out``."""
    ap = argparse.ArgumentParser(prog="python -m helpers bench dedup", description=__doc__)
    ap.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, help="minimum corpus size")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown file to write")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--repeats", type=int, default=3, help="paired runs of ours and update_batch")
    ap.add_argument("--update-loop", action="store_true", help="also time datasketch's update()")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    corpus, rows, loads = run(
        args.articles, args.seed, repeats=args.repeats, with_update_loop=args.update_loop
    )
    text = dedup_report.render(
        rows,
        corpus_text=describe(corpus),
        command=f"python -m helpers bench dedup --articles {args.articles} --seed {args.seed}",
        seconds=time.perf_counter() - t0,
        loads=loads,
        machine=machine_description(),
        names={"ours": OURS, "cold": COLD, "batch": BATCH},
    )
    print(text)
    if not args.no_write:
        io.write_text(text + "\n", args.out)
        print(f"written: {args.out}")
    return 0

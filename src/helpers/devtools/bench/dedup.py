"""Benchmark of stage 02: our dedup against plain datasketch, same data, one run.

``python -m helpers bench dedup [--articles 20000] [--seed 7] [--out benchmarks/dedup.md]``

Builds a synthetic corpus with a known duplicate structure, then runs, each in a forked child
process on the same DataFrame (so the peak memory of one does not hide in the other):

* **ours** — :func:`helpers.dedup.clusters.deduplicate` end to end (script detection, ``tw2sp``,
  text_norm, shingling, MinHash, LSH, exact checks, representatives, report);
* **datasketch** — ``MinHash(num_perm)`` + ``update_batch`` over the raw body's character
  shingles, ``MinHashLSH(threshold=JACCARD_THRESHOLD)``, every article queried, clusters as
  connected components; same shingle size and signature length;
* **datasketch, update()** — the same with one ``update`` call per shingle (the README way);
  identical clusters, slower.

Quality is pairwise precision / recall / F1 against the generated truth (every two articles of
one story are a duplicate pair), plus recall on the Traditional/Simplified pairs alone.

The corpus: word-salad articles drawn from jieba's dictionary (Simplified, by frequency, with
numbers), 20% written in Traditional (OpenCC ``s2twp``). About a third of the stories get 1-4
copies, each made by one of: exact reprint, character edits (0.5-2%), script conversion
(``s2twp``/``tw2sp``), a boilerplate paragraph inserted plus a new title, truncation (keep
55-90%), paragraph shuffle, reformatting (full-width digits, ASCII punctuation, spaces).
Unrelated stories share boilerplate too: 20% of originals carry a paragraph from a pool of
site notices. Nothing here is copied from real articles.

Example:
    >>> corpus = build_corpus(60, seed=1)
    >>> len(corpus) >= 60 and corpus["story_id"].nunique() < len(corpus)
    True
    >>> pair_scores(np.array([0, 0, 1]), np.array([5, 5, 5]))["recall"]
    0.3333333333333333
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing as mp
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import opencc
import pandas as pd

from helpers import dedup
from helpers.core import io
from helpers.core.paths import PROJ_ROOT
from helpers.text.script import convert_script

DEFAULT_ARTICLES = 20_000
DEFAULT_SEED = 7
DEFAULT_OUT = PROJ_ROOT / "benchmarks" / "dedup.md"
VOCAB_SIZE = 40_000  # most frequent jieba words used as vocabulary
DUP_STORY_SHARE = 0.35  # stories that get copies
TRAD_SHARE = 0.2  # originals written in Traditional
BOILERPLATE_SHARE = 0.2  # originals that carry a site notice (shared by unrelated stories)
KINDS = ("exact", "edit", "cross_script", "boilerplate", "truncate", "shuffle", "reformat")
KIND_WEIGHTS = (0.12, 0.2, 0.2, 0.14, 0.14, 0.1, 0.1)
INPUT_COLUMNS = (
    "article_id",
    "title",
    "body",
    "published_date",
    "quality_score",
    "source_file",
    "source_line",
)
BOILERPLATE_POOL = (
    "免责声明：本文仅代表作者个人观点，与本网站无关，不构成任何投资建议，据此操作风险自担。",
    "声明：本文转载自网络，仅代表作者观点，不代表本站立场。"
    "版权归原作者所有，如有侵权请联系我们删除。",
    "关注我们的公众号，第一时间获取汽车行业最新资讯、新车上市信息和专业购车指南，更多精彩内容敬请期待。",
    "本网站所刊载的文章仅供参考，读者应自行判断，本站不承担任何法律责任。未经授权不得转载。",
    "点击下方链接预约试驾，填写信息即可获得专属优惠券，名额有限，先到先得，活动最终解释权归主办方所有。",
    "相关阅读：新能源汽车下乡活动启动；充电桩建设提速；多地出台购车补贴政策；二手车出口试点扩容。",
    "版权所有，转载请注明出处。本文由平台编辑整理发布，图片来自网络，如有问题请与我们联系。",
    "更多汽车行业深度报道与数据分析，请下载我们的客户端，或在各大应用商店搜索关注，每日推送不错过。",
    "风险提示：市场有风险，投资需谨慎。本文内容基于公开资料整理，力求准确可靠，但对其完整性不作任何保证，"
    "文中观点及数据仅供读者参考，不构成对任何人的投资建议，读者据此作出的任何决定与本站无关。",
    "编辑：小周　审核：老李　责任编辑：王编辑　本文首发于汽车频道，欢迎分享转发，转载请联系授权。",
    "热门推荐：十万元级纯电小车怎么选；插混车型冬季续航实测；智能驾驶辅助系统使用误区盘点。",
    "扫码加入车友交流群，与数万车主一起讨论用车心得、保养技巧和自驾路线，群内不定期发放福利。",
)


# ---------------------------------------------------------------------------------------------
# Synthetic corpus
# ---------------------------------------------------------------------------------------------
@functools.cache
def _vocabulary() -> tuple[tuple[str, ...], np.ndarray]:
    """Frequent Simplified words of jieba's dictionary and their sampling probabilities."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words, freqs = [], []
    han = re.compile(r"^[\u4e00-\u9fff]+$")
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split()
        if han.match(word):
            words.append(word)
            freqs.append(int(freq))
    order = np.argsort(-np.array(freqs), kind="stable")[: VOCAB_SIZE * 2]
    # Simplified words only: t2s leaves them unchanged (jieba's dictionary mixes both scripts).
    simp = [i for i in order.tolist() if convert_script(words[i], "t2s") == words[i]]
    simp = simp[:VOCAB_SIZE]
    p = np.array([freqs[i] for i in simp], dtype=float) ** 0.8
    # Cumulative probabilities: sampling by searchsorted is ~100x cheaper than
    # rng.choice(p=...), which rebuilds them on every call.
    return tuple(words[i] for i in simp), np.cumsum(p / p.sum())


def _number(rng: np.random.Generator) -> str:
    kind = rng.integers(4)
    if kind == 0:
        return f"{rng.integers(2015, 2027)}年"
    if kind == 1:
        return f"{rng.integers(1, 999)}.{rng.integers(0, 10)}%"
    if kind == 2:
        return f"{rng.integers(1, 1000)}万辆"
    return f"{rng.integers(1, 13)}月"


def _story(rng: np.random.Generator) -> tuple[str, list[str]]:
    """A title and paragraphs of word-salad sentences (Simplified)."""
    words, cum = _vocabulary()
    n_par = int(rng.integers(3, 10))
    sizes = rng.integers(8, 20, size=int(rng.integers(2, 6)) * n_par)
    picks = np.searchsorted(cum, rng.random(int(sizes.sum()) + 12) * cum[-1])
    sentences, pos = [], 12
    for size in sizes.tolist():
        chunk = [words[i] for i in picks[pos : pos + size]]
        pos += size
        if rng.random() < 0.3:
            chunk.insert(int(rng.integers(len(chunk))), _number(rng))
        cut = int(rng.integers(2, len(chunk)))
        sentences.append("".join(chunk[:cut]) + "，" + "".join(chunk[cut:]) + "。")
    per = len(sentences) // n_par
    paragraphs = ["".join(sentences[i * per : (i + 1) * per]) for i in range(n_par)]
    title = "".join(words[i] for i in picks[:6])
    return title, paragraphs


def _edit(rng: np.random.Generator, text: str, rate: float) -> str:
    """Substitute, delete or insert characters at ``rate`` per character."""
    chars = list(text)
    words, _ = _vocabulary()
    for i in sorted(rng.choice(len(chars), size=max(1, int(len(chars) * rate)), replace=False)):
        op = rng.integers(3)
        filler = words[int(rng.integers(len(words)))][0]
        if op == 0:
            chars[i] = filler
        elif op == 1:
            chars[i] = ""
        else:
            chars[i] = chars[i] + filler
    return "".join(chars)


FULLWIDTH = str.maketrans("0123456789%", "０１２３４５６７８９％")
ASCII_PUNCT = str.maketrans({"，": ", ", "。": ". ", "：": ": "})


# NOTE: complexity 12: one branch per kind of copy the benchmark corpus makes.
def _copy(rng, kind: str, title: str, paragraphs: list[str], script: str):
    """One copy of a story by ``kind``; returns (title, paragraphs, script)."""
    if kind == "edit":
        rate = float(rng.uniform(0.005, 0.02))
        return title, [_edit(rng, par, rate) for par in paragraphs], script
    if kind == "cross_script":
        config, other = ("s2twp", "hant") if script == "hans" else ("tw2sp", "hans")
        conv = convert_script  # the same OpenCC package the corpus was made with
        return conv(title, config), [conv(par, config) for par in paragraphs], other
    if kind == "boilerplate":
        notice = BOILERPLATE_POOL[int(rng.integers(len(BOILERPLATE_POOL)))]
        at = int(rng.integers(len(paragraphs) + 1))
        return title + "（转）", [*paragraphs[:at], notice, *paragraphs[at:]], script
    if kind == "truncate":
        text = "\n".join(paragraphs)
        keep = text[: int(len(text) * rng.uniform(0.55, 0.9))]
        return title, (keep + "……").split("\n"), script
    if kind == "shuffle":
        return title, [paragraphs[i] for i in rng.permutation(len(paragraphs))], script
    if kind == "reformat":
        return title, [p.translate(FULLWIDTH).translate(ASCII_PUNCT) for p in paragraphs], script
    return title, list(paragraphs), script


def _article_row(rng, story: int, kind: str, title: str, paragraphs: list[str], script: str):
    return {
        "title": title,
        "body": "\n".join(paragraphs),
        "published_date": f"2025-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}",
        "quality_score": round(float(rng.uniform(0.6, 1.0)), 2),
        "story_id": story,
        "kind": kind,
        "script": script,
    }


def _story_rows(rng: np.random.Generator, story: int) -> list[dict]:
    """The original article of one story and its copies."""
    title, paragraphs = _story(rng)
    script = "hans"
    if rng.random() < BOILERPLATE_SHARE:
        paragraphs.append(BOILERPLATE_POOL[int(rng.integers(len(BOILERPLATE_POOL)))])
    if rng.random() < TRAD_SHARE:
        title, paragraphs, script = _copy(rng, "cross_script", title, paragraphs, script)
    rows = [_article_row(rng, story, "original", title, paragraphs, script)]
    if rng.random() < DUP_STORY_SHARE:
        for _ in range(min(int(rng.geometric(0.5)), 4)):
            kind = str(rng.choice(KINDS, p=KIND_WEIGHTS))
            rows.append(
                _article_row(rng, story, kind, *_copy(rng, kind, title, paragraphs, script))
            )
    return rows


def build_corpus(n_articles: int = DEFAULT_ARTICLES, *, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Generate at least ``n_articles`` articles with known duplicate structure.

    Args:
        n_articles: minimum number of articles.
        seed: the corpus is a function of the seed.

    Returns:
        :data:`INPUT_COLUMNS` (what stage 01 would give) plus the truth: ``story_id``,
        ``kind`` (``original`` or how the copy was made) and ``script``.
    """
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    story = 0
    while len(rows) < n_articles:
        rows.extend(_story_rows(rng, story))
        story += 1
    df = pd.DataFrame(rows)
    # Shuffle so copies are not next to their originals (file order means nothing).
    df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)
    df.insert(0, "article_id", [f"a{i:06d}" for i in range(len(df))])
    df["source_file"] = [f"feed_{i // 1000:03d}.jsonl" for i in range(len(df))]
    df["source_line"] = np.arange(len(df)) % 1000 + 1
    return df


# ---------------------------------------------------------------------------------------------
# Methods under test: each returns one cluster label per article
# ---------------------------------------------------------------------------------------------
def run_ours(df: pd.DataFrame, params: dedup.thresholds.DedupParams) -> np.ndarray:
    """Cluster labels from :func:`helpers.dedup.clusters.deduplicate`."""
    out = dedup.deduplicate(df, params=params).articles
    return pd.factorize(out["cluster_id"])[0]


def _components(n: int, edges: list[tuple[int, int]]) -> np.ndarray:
    return dedup.groups.connected_components(n, np.array(edges, dtype=np.int64).reshape(-1, 2))


def run_datasketch(
    df: pd.DataFrame, params: dedup.thresholds.DedupParams, batch: bool = True
) -> np.ndarray:
    """Cluster labels from plain datasketch MinHash + MinHashLSH on the raw body."""
    from datasketch import MinHash, MinHashLSH

    k, num_perm = params.shingle_size, params.num_perm
    lsh = MinHashLSH(threshold=params.jaccard_threshold, num_perm=num_perm)
    sketches = []
    for i, text in enumerate(df["body"].tolist()):
        m = MinHash(num_perm=num_perm)
        shingles = [text[j : j + k].encode("utf-8") for j in range(max(len(text) - k + 1, 1))]
        if batch:
            m.update_batch(shingles)
        else:
            for s in shingles:
                m.update(s)
        lsh.insert(i, m)
        sketches.append(m)
    edges = [(i, j) for i, m in enumerate(sketches) for j in lsh.query(m) if j != i]
    return _components(len(df), edges)


# ---------------------------------------------------------------------------------------------
# Scores and measurement
# ---------------------------------------------------------------------------------------------
def _pairs(counts: pd.Series) -> int:
    c = counts.to_numpy(dtype=np.int64)
    return int((c * (c - 1) // 2).sum())


def pair_scores(pred: np.ndarray, truth: np.ndarray, script: np.ndarray | None = None) -> dict:
    """Pairwise precision, recall, F1 of predicted clusters; recall on cross-script pairs.

    Args:
        pred: predicted cluster label per article.
        truth: true story per article.
        script: ``hant``/``hans`` per article (for ``cross_script_recall``), optional.

    Returns:
        A dict of scores and pair counts.
    """
    d = pd.DataFrame({"p": pred, "t": truth, "s": script if script is not None else "hans"})
    tp = _pairs(d.groupby(["p", "t"]).size())
    pred_pairs, true_pairs = _pairs(d.groupby("p").size()), _pairs(d.groupby("t").size())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    hant = d.assign(h=d["s"] == "hant", z=d["s"] != "hant")
    cells = hant.groupby(["p", "t"])[["h", "z"]].sum()
    stories = hant.groupby("t")[["h", "z"]].sum()
    cross_tp, cross_true = (cells.h * cells.z).sum(), (stories.h * stories.z).sum()
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "cross_script_recall": cross_tp / cross_true if cross_true else float("nan"),
        "true_pairs": true_pairs,
        "predicted_pairs": pred_pairs,
    }


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
    t0 = time.perf_counter()
    labels = method(*args)
    seconds = time.perf_counter() - t0
    queue.put((labels, seconds, max(_rss_kb("VmHWM") - start_kb, 0) / 1024))


def measure(method: Callable, *args) -> tuple[np.ndarray, float, float]:
    """Run ``method(*args)`` in a forked child; return labels, seconds and peak extra MB."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, method, args))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def machine_description() -> list[str]:
    """nproc, CPU model, RAM, Python and library versions, as markdown bullet lines."""
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
        f"opencc {getattr(opencc, '__version__', '?')}",
    ]


def results_table(rows: list[dict]) -> str:
    """Format the measured rows as a markdown table."""
    head = (
        "| method | runs | seconds (median) | articles/s | vs update_batch | precision | recall "
        "| F1 | cross-script recall | peak extra memory |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    base = next(r["articles_s"] for r in rows if r["method"] == BATCH)
    lines = [
        f"| {r['method']} | {r['runs']} | {r['seconds']:.2f} | {r['articles_s']:,.0f} "
        f"| {r['articles_s'] / base:.1f}x | {r['precision']:.4f} | {r['recall']:.4f} "
        f"| {r['f1']:.4f} | {r['cross_script_recall']:.4f} | {r['peak_mb']:,.0f} MB |"
        for r in rows
    ]
    return "\n".join([head, *lines])


COLD = "ours, fresh process (includes one-time setup)"
OURS = "ours (helpers.dedup.clusters)"
BATCH = "datasketch MinHash.update_batch + MinHashLSH"
LOOP = "datasketch MinHash.update + MinHashLSH"


def _warm_up(data: pd.DataFrame, params: dedup.thresholds.DedupParams) -> None:
    """Do every method's one-time work in the parent, so forked children start warm.

    Ours builds two code-point tables, loads OpenCC ``tw2sp``, ``t2s`` and s2t's character
    dictionaries and the stage-01 boilerplate catalog (about 0.15 s, once per process);
    datasketch imports. The fresh-process row measures ours without this.
    """
    run_ours(data.head(200), params)
    run_datasketch(data.head(20), params)


def _row(name: str, runs: list[tuple], corpus: pd.DataFrame) -> dict:
    """One table row from repeated runs: median seconds, peak memory, scores of the first."""
    labels, _, _ = runs[0]
    seconds = float(np.median([r[1] for r in runs]))
    scores = pair_scores(labels, corpus["story_id"].to_numpy(), corpus["script"].to_numpy())
    print(f"  {name}: {[round(r[1], 2) for r in runs]} s, F1 {scores['f1']:.4f}", file=sys.stderr)
    speed = {"seconds": seconds, "articles_s": len(corpus) / seconds, "runs": len(runs)}
    speed["run_seconds"] = [r[1] for r in runs]
    return {"method": name, **speed, "peak_mb": max(r[2] for r in runs), **scores}


def paired_ratios(rows: list[dict]) -> str:
    """One line: update_batch seconds over ours, run by run (they alternate), and fresh.

    Example:
        >>> rows = [{"method": COLD, "run_seconds": [2.0]},
        ...         {"method": OURS, "run_seconds": [1.0, 2.0]},
        ...         {"method": BATCH, "run_seconds": [13.0, 14.0]}]
        >>> paired_ratios(rows).split(": ", 1)[1]
        '13.0x, 7.0x; fresh process vs median update_batch: 6.8x.'
    """
    runs = {r["method"]: r["run_seconds"] for r in rows}
    pairs = zip(runs[OURS], runs[BATCH], strict=True)
    paired = ", ".join(f"{batch / ours:.1f}x" for ours, batch in pairs)
    fresh = float(np.median(runs[BATCH])) / runs[COLD][0]
    return (
        f"Paired ratios (update_batch / ours, run by run): {paired}; "
        f"fresh process vs median update_batch: {fresh:.1f}x."
    )


def stage_seconds(data: pd.DataFrame, params: dedup.thresholds.DedupParams) -> dict[str, float]:
    """Wall seconds of each step of ours (run warm, in-process), and of OpenCC alone."""
    t = [time.perf_counter()]
    norm = dedup.textnorm.add_text_norm(data)
    t.append(time.perf_counter())
    pairs = dedup.pairs.find_duplicate_pairs(norm, params=params)
    t.append(time.perf_counter())
    clustered = dedup.clusters.assign_clusters(norm, pairs, params=params)
    t.append(time.perf_counter())
    dedup.clusters.build_report(clustered)
    t.append(time.perf_counter())
    bodies = norm.loc[norm["conversion"] == "tw2sp", "body"].tolist()
    t0 = time.perf_counter()
    for body in bodies:
        convert_script(body, "tw2sp")
    names = ("add_text_norm", "find_duplicate_pairs", "assign_clusters", "build_report")
    out = {name: b - a for name, a, b in zip(names, t[:-1], t[1:], strict=True)}
    return out | {"OpenCC tw2sp alone (inside add_text_norm)": time.perf_counter() - t0}


def _stage_child(queue, data, params) -> None:
    queue.put((stage_seconds(data, params), 0.0, 0.0))


def run(
    n_articles: int, seed: int, *, repeats: int = 3, with_update_loop: bool = True
) -> tuple[pd.DataFrame, list[dict], dict[str, float]]:
    """Build the corpus and measure every method on it, each run in a forked child process.

    Ours and datasketch ``update_batch`` run ``repeats`` times, interleaved (so a burst of
    load on a shared machine hits both), and report the median; the slow ``update`` loop
    runs once. Clusters are identical across repeats (everything is deterministic).
    """
    corpus = build_corpus(n_articles, seed=seed)
    data = corpus[list(INPUT_COLUMNS)]
    params = dedup.thresholds.DEFAULT_PARAMS
    rows = [_row(COLD, [measure(run_ours, data, params)], corpus)]
    _warm_up(data, params)
    runs: dict[str, list[tuple]] = {OURS: [], BATCH: []}
    for _ in range(repeats):
        runs[OURS].append(measure(run_ours, data, params))
        runs[BATCH].append(measure(run_datasketch, data, params, True))
    if with_update_loop:
        runs[LOOP] = [measure(run_datasketch, data, params, False)]
    rows += [_row(name, result, corpus) for name, result in runs.items()]
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_stage_child, args=(queue, data, params))
    proc.start()
    stages = queue.get()[0]
    proc.join()
    return corpus, rows, stages


def corpus_summary(corpus: pd.DataFrame) -> str:
    """One paragraph describing the generated corpus."""
    kinds = corpus["kind"].value_counts()
    chars = corpus["body"].str.len()
    kb = corpus["body"].str.encode("utf-8").str.len().mean() / 1024
    return (
        f"{len(corpus):,} articles from {corpus['story_id'].nunique():,} stories; body "
        f"{chars.median():.0f} characters median ({kb:.1f} KB UTF-8 mean); "
        f"{(corpus['script'] == 'hant').sum():,} in Traditional. Copies by kind: "
        + ", ".join(f"{k} {v:,}" for k, v in kinds.items() if k != "original")
        + "."
    )


NOTES = """How it is measured:

- Each run is one call on the same DataFrame in its own forked child process; seconds are
  wall time, the table shows the median of the runs. Ours and `update_batch` alternate, so a
  burst of load on the shared machine hits both. Peak extra memory is the child's peak RSS
  above its RSS at the start.
- "fresh process" is ours before anything was warmed: it also builds two code-point tables
  and loads the OpenCC dictionaries and the boilerplate catalog (a one-time cost per
  process). The other rows run after a warm-up in the parent (ours on 200 articles,
  datasketch on 20).
- Ours is the whole stage: script detection, OpenCC `tw2sp`, text_norm, shingles, MinHash,
  LSH, exact Jaccard/containment checks, representatives (with boilerplate counting) and the
  report. datasketch is MinHash + LSH on the raw body and connected components, nothing else.
- Precision and recall count pairs of articles placed in one cluster against the generated
  truth; cross-script recall counts only Traditional/Simplified pairs of one story."""


def main(argv: list[str]) -> int:
    """Run the benchmark, print the table, write it (with the machine) to ``--out``."""
    ap = argparse.ArgumentParser(prog="python -m helpers bench dedup", description=__doc__)
    ap.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, help="minimum corpus size")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown file to write")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--repeats", type=int, default=3, help="runs per fast method (median)")
    ap.add_argument("--skip-update-loop", action="store_true", help="skip the slowest baseline")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    corpus, rows, stages = run(
        args.articles, args.seed, repeats=args.repeats, with_update_loop=not args.skip_update_loop
    )
    table = results_table(rows) + "\n\n" + paired_ratios(rows)
    steps = "\n".join(f"- {name}: {sec:.2f} s" for name, sec in stages.items())
    summary = corpus_summary(corpus)
    p = dedup.thresholds.DEFAULT_PARAMS
    settings = (
        f"Shingles of {p.shingle_size} characters, {p.num_perm} permutations (our OPH bins), "
        f"Jaccard threshold {p.jaccard_threshold} (datasketch's LSH threshold too); ours also "
        f"joins truncated copies at containment >= {p.containment_threshold}."
    )
    print(summary, settings, "", table, "", steps, "", *machine_description(), sep="\n")
    if not args.no_write:
        text = "\n\n".join(
            [
                "# Stage 02 dedup benchmark",
                f"`python -m helpers bench dedup --articles {args.articles} --seed {args.seed}`"
                f" (whole run {time.perf_counter() - t0:.0f} s).",
                summary,
                settings,
                table,
                "Where our time goes (one warm run):\n\n" + steps,
                "Machine:\n\n" + "\n".join(machine_description()),
                NOTES,
            ]
        )
        io.write_text(text + "\n", args.out)
        print(f"written: {args.out}")
    return 0

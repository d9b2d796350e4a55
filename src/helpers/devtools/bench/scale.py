"""Benchmark of stages 01-03 over partitions: local engine vs dask with 1 and 2 workers.

``python -m helpers bench scale [--sizes 10k 100k] [--workers 1 2] [--stages parse dedup facts]
[--partition-mb 1] [--batch 1000] [--out FILE]``

Corpora: :func:`helpers.devtools.bench.dedup_corpus.build_corpus` (stories with copies and
hard negatives, real company names and figures, Simplified and Traditional), generated in
chunks of 10 000 articles and written as raw feeds (JSON Lines and CSV, 1 000 articles per
file), once per size into ``--corpus-dir`` and reused.

Each stage of each configuration runs in a fresh Python process (so its peak RSS is that
stage's alone), reading what the same configuration's previous stage wrote: stage 01
(``parse_to_parts``), stage 02 (``deduplicate_parts`` and the written ``articles_dedup``),
stage 03 (``facts.stage.run_stage``: the whole stage, the facts written by month by the
workers). The configurations of one
stage run back to back (paired: the machine's load is alike), the load average is recorded
beside each, and the tables of every configuration are compared with the local engine's
(they must be identical). The stage's modules are imported and a dask cluster is started
(its workers import them too) before the clock starts; loading the catalogues stays inside
it (every worker pays it once). Peak RSS is the client process's (``ru_maxrss``) and each
worker's (sampled every 0.2 s).

The figures go between the ``<!-- scale:begin -->`` and ``<!-- scale:end -->`` markers of
``--out`` (default ``benchmarks/scale.md``); the text around them is kept.

Example:
    >>> speedup({"seconds": 10.0}, {"seconds": 5.5})
    1.82
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd

from helpers.core import io
from helpers.core.paths import PROJ_ROOT

STAGES = ("parse", "dedup", "facts")
CHUNK = 10_000  # articles generated per build_corpus call (distinct seeds)
FILE_ARTICLES = 1_000
# NOTE: small partitions by default (1 MB of raw text, one raw file of 1 000 articles per facts
# batch): a 10 k corpus then has ~12 parse partitions and 10 batches, enough for two workers
# to share; the notebooks' default (16 MB) suits corpora of GB, where there are many anyway.
DEFAULT_PARTITION_MB = 1.0
DEFAULT_BATCH = 1_000
SIZE_SUFFIXES = {"k": 1_000, "m": 1_000_000}
BEGIN, END = "<!-- scale:begin -->", "<!-- scale:end -->"
DEFAULT_OUT = PROJ_ROOT / "benchmarks" / "scale.md"
DEFAULT_CORPUS_DIR = Path("/tmp/helpers-bench-scale")
SAMPLE_SECONDS = 0.2


def parse_size(text: str) -> int:
    """Articles from ``10000``, ``10k`` or ``1M``.

    Example:
        >>> parse_size("10k"), parse_size("1M"), parse_size("2500")
        (10000, 1000000, 2500)
    """
    text = text.strip().lower()
    factor = SIZE_SUFFIXES.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in SIZE_SUFFIXES else text
    return int(float(number) * factor)


# --- corpus ---------------------------------------------------------------------------------
def _write_feed(rows: pd.DataFrame, path: Path) -> None:
    """One raw file of generated articles: JSON Lines or CSV by the suffix."""
    records = [
        {"title": t, "date": d, "source": s, "content": b}
        for t, d, s, b in zip(rows["title"], rows["published_date"], rows["source_name"],
                              rows["body"], strict=True)
    ]  # fmt: skip
    if path.suffix == ".jsonl":
        lines = (json.dumps(r, ensure_ascii=False) for r in records)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


def write_corpus(
    folder: Path, n_articles: int, seed: int = 17, file_articles: int = FILE_ARTICLES
) -> dict:
    """Write (or reuse) a generated raw folder of ``n_articles``; return its size.

    Every third file is CSV, the others JSON Lines, ``file_articles`` articles each; the
    folder's ``.corpus.json`` (a dotfile: stage 01 lists it as skipped) marks it complete.
    """
    from helpers.devtools.bench.dedup_corpus import build_corpus

    marker = folder / ".corpus.json"
    if marker.exists():
        return json.loads(marker.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    done, n_file = 0, 0
    while done < n_articles:
        chunk = build_corpus(min(CHUNK, n_articles - done), seed=seed * 1000 + done // CHUNK)
        chunk = chunk.iloc[: n_articles - done]
        for lo in range(0, len(chunk), file_articles):
            suffix = ".csv" if n_file % 3 == 2 else ".jsonl"
            _write_feed(chunk.iloc[lo : lo + file_articles], folder / f"feed_{n_file:05d}{suffix}")
            n_file += 1
        done += len(chunk)
    size = sum(p.stat().st_size for p in folder.iterdir() if not p.name.startswith("."))
    info = {"articles": n_articles, "files": n_file, "bytes": size}
    marker.write_text(json.dumps(info))
    return info


# --- one stage in a fresh process ---------------------------------------------------------------
def _cpu_seconds(proc) -> float:
    """User + system CPU seconds a process has used so far."""
    times = proc.cpu_times()
    return times.user + times.system


class _WorkerSampler(threading.Thread):
    """Peak RSS of each dask worker process, sampled in the background; CPU seconds used."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        import psutil

        self.procs = [psutil.Process(p) for p in pids]
        self.peaks = [0] * len(pids)
        self.cpu_start = [_cpu_seconds(p) for p in self.procs]
        self.stop = threading.Event()

    def cpu_used(self) -> list[float]:
        """CPU seconds each worker used since the sampler was made (-1: it went away)."""
        out = []
        for proc, start in zip(self.procs, self.cpu_start, strict=True):
            try:
                out.append(_cpu_seconds(proc) - start)
            except Exception:  # a worker that went away
                out.append(-1.0)
        return out

    def run(self) -> None:
        while not self.stop.is_set():
            for i, proc in enumerate(self.procs):
                try:
                    self.peaks[i] = max(self.peaks[i], proc.memory_info().rss)
                except Exception:  # a worker that went away: keep its peak so far
                    continue
            self.stop.wait(SAMPLE_SECONDS)


def _run_stage(stage: str, engine, raw: Path, processed: Path, spec: dict) -> dict:
    """Run one stage over partitions; return what it read (for MB/s and articles/s)."""
    from helpers import dedup, facts, parse
    from helpers.core.partitions import partition_bytes

    if stage == "parse":
        out = parse.partitioned.parse_to_parts(
            raw, processed, engine=engine, partition_bytes=partition_bytes(spec["partition_mb"])
        )
        io.write_table(out.report, processed / "parse_report.parquet")
        io.write_table(out.quarantine, processed / "quarantine.parquet")
        return {"articles": out.n_articles, "partitions": out.n_partitions}
    if stage == "dedup":
        run = dedup.partitioned.deduplicate_parts(processed / "articles.parquet", engine=engine)
        dedup.partitioned.write_dedup_parts(
            run, run.result.articles, processed / "articles_dedup.parquet", engine=engine
        )
        io.write_table(run.result.pairs, processed / "dedup_pairs.parquet")
        return {"articles": len(run.result.articles), "partitions": len(run.parts)}
    # the whole of stage 03 as its notebook runs it (facts.stage): extraction, corrections,
    # confidence, value checks, review, the facts written by month by whoever read them
    table = processed / "articles_dedup.parquet"
    out = facts.stage.run_stage(table, processed / "facts.parquet", engine=engine,
                                batch_articles=spec["batch"])  # fmt: skip
    for name in ("log", "review", "findings"):
        io.write_table(getattr(out, name), processed / f"facts_{name}.parquet")
    return {"partitions": out.n_batches, "facts": out.n_facts}


def text_read(processed: Path) -> dict:
    """Articles and UTF-8 bytes of text stage 03 reads (after the clock: not part of it)."""
    from helpers import facts

    columns = ["article_id", "body", "is_canonical", "read_spans"]
    read = facts.selection.articles_to_read(
        io.read_table(processed / "articles_dedup.parquet", columns=columns)
    )
    return {
        "articles": len(read),
        "text_bytes": int(read["body"].str.encode("utf-8").str.len().sum()),
    }


def warm_up() -> int:
    """Import what the stages run (outside the clock); return this process's id."""
    from helpers import dedup, facts, parse  # noqa: F401

    return os.getpid()


def child(spec: dict) -> dict:
    """One stage of one configuration, in this (fresh) process: timing and peak RSS."""
    from helpers.pipeline.engine import open_engine

    warm_up()
    engine = open_engine(spec["engine"], workers=spec.get("workers"), progress=None)
    sampler = None
    if spec["engine"] == "dask":
        pids = list(engine.client.run(warm_up).values())
        sampler = _WorkerSampler(pids)
        sampler.start()
    load = os.getloadavg()[0]
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    info = _run_stage(spec["stage"], engine, Path(spec["raw"]), Path(spec["processed"]), spec)
    seconds = time.perf_counter() - t0
    client_cpu = time.process_time() - cpu0
    load_after = os.getloadavg()[0]
    worker_cpu = sampler.cpu_used() if sampler is not None else []
    # NOTE: the peak before text_read, which reads every body only to count the bytes
    peak_client = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if sampler is not None:
        sampler.stop.set()
        sampler.join()
        engine.close()
    if spec["stage"] == "facts":
        info.update(text_read(Path(spec["processed"])))
    workers = [p / 2**20 for p in sampler.peaks] if sampler else []
    return {**info, "seconds": seconds, "client_mb": peak_client, "worker_mb": workers,
            "client_cpu": client_cpu, "worker_cpu": worker_cpu,
            "load_before": load, "load_after": load_after}  # fmt: skip


def run_child(spec: dict) -> dict:
    """Run :func:`child` in a fresh interpreter (peak RSS of that stage alone)."""
    cmd = [sys.executable, "-m", "helpers.devtools.bench.scale", "--child", json.dumps(spec)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"stage {spec['stage']} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the comparison -----------------------------------------------------------------------------
KEY_TABLES = (
    "articles.parquet",
    "cleaning_log.parquet",
    "parse_report.parquet",
    "articles_dedup.parquet",
    "dedup_pairs.parquet",
    "facts.parquet",
    "facts_log.parquet",
    "facts_review.parquet",
    "facts_findings.parquet",
)


def same_tables(a: Path, b: Path) -> list[str]:
    """Tables of two processed folders that differ (empty: identical)."""
    out = []
    for name in KEY_TABLES:
        if not (a / name).exists() or not (b / name).exists():
            continue
        x, y = io.read_table(a / name), io.read_table(b / name)
        if not x.equals(y):
            out.append(name)
    return out


def speedup(one: dict, two: dict) -> float:
    """Seconds with one worker over seconds with two, rounded."""
    return round(one["seconds"] / two["seconds"], 2)


def configurations(workers: list[int]) -> list[tuple[str, dict]]:
    """``local`` and ``dask-N`` for each N of ``workers``."""
    return [("local", {"engine": "local"})] + [
        (f"dask-{n}", {"engine": "dask", "workers": n}) for n in workers
    ]


def bench_corpus(n: int, args: argparse.Namespace) -> list[dict]:
    """Every stage of every configuration on one generated corpus; rows for the table."""
    raw = args.corpus_dir / f"raw-{n}"
    t0 = time.perf_counter()
    corpus = write_corpus(raw, n)
    print(f"corpus {n:,}: {corpus['bytes'] / 2**20:.1f} MB in {corpus['files']} files "
          f"({time.perf_counter() - t0:.0f} s)", flush=True)  # fmt: skip
    rows = []
    configs = configurations(args.workers)
    for stage in args.stages:
        for name, config in configs:
            processed = args.corpus_dir / f"processed-{n}-{name}"
            spec = {**config, "stage": stage, "raw": str(raw), "processed": str(processed),
                    "partition_mb": args.partition_mb, "batch": args.batch}  # fmt: skip
            result = run_child(spec)
            rows.append({"corpus": n, "raw_bytes": corpus["bytes"], "stage": stage,
                         "config": name, **result})  # fmt: skip
            print(_line(rows[-1]), flush=True)
    for name, _ in configs[1:]:
        diff = same_tables(args.corpus_dir / f"processed-{n}-local",
                           args.corpus_dir / f"processed-{n}-{name}")  # fmt: skip
        print(f"{name} vs local: " + ("identical tables" if not diff else f"DIFFER: {diff}"))
        for row in rows:
            row.setdefault("identical", True)
            if row["config"] == name:
                row["identical"] = not diff
    return rows


def _line(row: dict) -> str:
    mb = row["raw_bytes"] / 2**20 / row["seconds"]
    return (f"  {row['stage']:5} {row['config']:7} {row['seconds']:7.1f} s  {mb:6.2f} MB/s  "
            f"{row['articles'] / row['seconds']:8.0f} art/s  client {row['client_mb']:.0f} MB"
            f"  workers {[round(w) for w in row['worker_mb']]} MB  cpu {_cpu_text(row)}  load "
            f"{row['load_before']:.1f}")  # fmt: skip


def _cpu_text(r: dict) -> str:
    """CPU seconds of the client and of each worker (``client + w1, w2``).

    Example:
        >>> _cpu_text({"client_cpu": 1.04, "worker_cpu": [9.5, 9.0]})
        '1.0 + 9.5, 9.0'
    """
    client = f"{r.get('client_cpu', 0.0):.1f}"
    workers = ", ".join(f"{w:.1f}" for w in r.get("worker_cpu", []))
    return f"{client} + {workers}" if workers else client


def _stage_row(r: dict) -> str:
    """One row of the main table."""
    mb = r["raw_bytes"] / 2**20
    text = f"{r['text_bytes'] / 2**20 / r['seconds']:.2f}" if "text_bytes" in r else ""
    workers = ", ".join(f"{w:,.0f}" for w in r["worker_mb"]) or "—"
    same = "yes" if r.get("identical", True) else "NO"
    return (
        f"| {r['corpus']:,} ({mb:,.0f} MB) | {r['stage']} | {r['config']} | {r['partitions']} "
        f"| {r['seconds']:.1f} | {mb / r['seconds']:.2f} | {text} | "
        f"{r['articles'] / r['seconds']:,.0f} | {_cpu_text(r)} | {r['client_mb']:,.0f} MB | "
        f"{workers} MB | "
        f"{r['load_before']:.1f}–{r['load_after']:.1f} | {same} |"
    )


def _speedup_rows(rows: list[dict]) -> list[str]:
    """Dask with 1 worker vs 2 workers, per corpus and stage."""
    by = {(r["corpus"], r["stage"], r["config"]): r for r in rows}
    out = []
    for corpus, stage in dict.fromkeys((r["corpus"], r["stage"]) for r in rows):
        one, two = by.get((corpus, stage, "dask-1")), by.get((corpus, stage, "dask-2"))
        if one and two:
            out.append(f"| {corpus:,} | {stage} | {one['seconds']:.1f} | "
                       f"{two['seconds']:.1f} | {speedup(one, two):.2f}× |")  # fmt: skip
    return out


def markdown(rows: list[dict], stamp: str = "") -> str:
    """The results as markdown tables: per stage and configuration, then speed-ups."""
    head = ("| corpus | stage | engine | partitions | s | raw MB/s | text MB/s | articles/s "
            "| CPU s client + workers | peak RSS client | peak RSS per worker | load (1 min) "
            "| = local |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    lines = [stamp, "", head] if stamp else [head]
    lines += [_stage_row(r) for r in rows]
    lines += ["", "| corpus | stage | dask 1 worker, s | dask 2 workers, s | speed-up |",
              "|---|---|---|---|---|", *_speedup_rows(rows)]  # fmt: skip
    return "\n".join(lines)


def write_results(out: Path, text: str) -> None:
    """Put ``text`` between the markers of ``out`` (appended with them when absent)."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in old and END in old:
        new = old[: old.index(BEGIN)] + block + old[old.index(END) + len(END) :]
    else:
        new = old + ("\n" if old else "") + block + "\n"
    io.write_text(new, out)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m helpers bench scale``."""
    ap = argparse.ArgumentParser(
        prog="python -m helpers bench scale",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sizes_help = "corpus sizes in articles: 10000, 10k, 1M (default: 10k 100k)"
    ap.add_argument("--sizes", type=parse_size, nargs="+", default=[10_000, 100_000],
                    help=sizes_help)  # fmt: skip
    workers_help = "dask worker counts to compare (default 1 2; none: the local engine alone)"
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2], help=workers_help)
    stages_help = "stages to time (default all; a later stage reads what an earlier run wrote)"
    ap.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES), help=stages_help)
    ap.add_argument("--partition-mb", type=float, default=DEFAULT_PARTITION_MB,
                    help=f"raw MB per stage-01 partition ({DEFAULT_PARTITION_MB})")  # fmt: skip
    ap.add_argument("--batch", type=int, default=DEFAULT_BATCH,
                    help=f"articles per facts batch ({DEFAULT_BATCH})")  # fmt: skip
    ap.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS_DIR)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    return ap


def main(argv: list[str]) -> int:
    """Generate the corpora, run every stage and configuration, write the tables."""
    args = build_parser().parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    stamp = (f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} "
             f"cores: partitions of {args.partition_mb:g} MB, facts batches of {args.batch} "
             "articles.")  # fmt: skip
    rows = [row for n in args.sizes for row in bench_corpus(n, args)]
    write_results(args.out, markdown(rows, stamp))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

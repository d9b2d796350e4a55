r"""Benchmark of stage 01: generate a ≥ 50 MB corpus of noisy dumps, time ``parse_raw_dir``.

The corpus is synthetic (sentences written for this benchmark, figures random) and mixes what
real inputs hold: multi-article ``#tag`` dumps with outlets, SEO spam, pinyin, padded numbers,
related-article lists, repeated captions and garble; a GB18030 and a Big5 dump; JSON Lines
and CSV feeds. Run ``python -m helpers bench parse [--mb 50] [--keep DIR]``.

Example:
    >>> text = generate_dump(random.Random(1), 2_000)
    >>> len(text.encode()) >= 2_000 and text.count("\n") > 2
    True
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

DEFAULT_MB = 50
FILE_MB = 5  # size of one generated file
SUBJECTS = ("示例汽车", "示例新能源", "示例智驾", "示例电池", "示例出行", "示例零部件")
SENTENCES = (
    "{s}公司公布最新数据，{m}月出口汽车{n}万辆，同比增长{p}%，海外业务继续保持较快增长。",
    "分析人士认为，欧洲和东南亚市场是主要增量来源，而拉美市场的需求也在回升。",
    "公司表示，海外工厂的本地化率将在明年提升到{p}%以上，以降低关税带来的成本压力。",
    "业内预计，全年出口量有望突破{n}万辆，国内(nèi)市场的价格竞争仍然激烈。",
    '截至 {m} 月底，{s}的累计交付量超过 {n} 万辆，其中 " 高阶智驾 " 车型占比约{p}%。',
    "图：{s}工厂外景，来源：{s}图：{s}工厂外景，来源：{s}",
    "报告同时提醒，部分数据来自抽样调查，??口径仍有差异，需要谨慎解读。",
)
NOISE_LINES = (
    "新能源汽车|汽车出口|电动车排行|充电桩加盟|二手车估价|汽车贷款",
    "相关阅读\n• 示例车企发布新款轿车\n• 海外建厂潮下的物流难题",
    "网友评论\n发表评论\n已有{n}人参与评论",
    "免责声明：本文仅代表作者个人观点，不构成投资建议。",
)
OUTLETS = ("示例汽车报", "示例财经", "示例科技周刊", "示例能源观察")


def _sentence(rng: random.Random) -> str:
    """One filled-in template sentence."""
    return rng.choice(SENTENCES).format(
        s=rng.choice(SUBJECTS), m=rng.randint(1, 12), n=rng.randint(1, 900), p=rng.randint(1, 99)
    )


def _article(rng: random.Random) -> str:
    """A title line and a one-line body ending with the outlet."""
    title = f"{rng.choice(SUBJECTS)}{rng.randint(1, 12)}月出口{rng.randint(1, 90)}万辆 创下新高"
    body = "".join(_sentence(rng) for _ in range(rng.randint(6, 14)))
    return f"{title}\n{body} ({rng.choice(OUTLETS)})\n"


def generate_dump(rng: random.Random, target_bytes: int) -> str:
    """Build a multi-article dump of about ``target_bytes`` UTF-8 bytes.

    Args:
        rng: the random source (seeded, so the corpus is the same on every run).
        target_bytes: size to reach.

    Returns:
        The dump's text.
    """
    parts, size = [], 0
    while size < target_bytes:
        block = f"#{rng.choice(SUBJECTS)}\n" if rng.random() < 0.1 else ""
        if rng.random() < 0.3:
            block += rng.choice(NOISE_LINES).format(n=rng.randint(1, 99)) + "\n"
        block += _article(rng)
        parts.append(block)
        size += len(block.encode())
    return "".join(parts)


def _feed_records(rng: random.Random, target_bytes: int) -> list[dict[str, str]]:
    """Feed records (title, date, source, body) of about ``target_bytes``."""
    records, size = [], 0
    while size < target_bytes:
        title, body = _article(rng).split("\n", 1)
        rec = {
            "title": title,
            "date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "source": rng.choice(OUTLETS),
            "content": body.strip(),
        }
        records.append(rec)
        size += len(json.dumps(rec, ensure_ascii=False).encode())
    return records


def write_corpus(folder: Path, megabytes: int, seed: int = 20251106) -> int:
    """Write the benchmark corpus into ``folder``; return its size in bytes."""
    rng = random.Random(seed)
    per_file, total, i = FILE_MB << 20, 0, 0
    # NOTE: GB18030 and Big5 take 2 bytes per character where UTF-8 takes 3, so files are
    # added until the bytes on disk (what MB/s is measured on) reach the target.
    while total < megabytes << 20:
        kind = ("utf-8", "utf-8", "gb18030", "big5", "jsonl", "csv")[i % 6]
        is_feed = kind in ("jsonl", "csv")
        path = folder / (f"feed_{i:02d}.{kind}" if is_feed else f"dump_{i:02d}.txt")
        if is_feed:
            _write_feed(path, _feed_records(rng, per_file), kind)
        else:
            text = generate_dump(rng, per_file)
            if kind == "big5":
                import opencc

                text = opencc.OpenCC("s2t").convert(text)
            path.write_bytes(text.encode(kind, errors="replace"))
        total += path.stat().st_size
        i += 1
    return total


def _write_feed(path: Path, records: list[dict[str, str]], kind: str) -> None:
    """Write feed records as JSON Lines or CSV."""
    if kind == "jsonl":
        lines = (json.dumps(r, ensure_ascii=False) for r in records)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    path.write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str]) -> int:
    """Generate the corpus, parse it once, print MB/s."""
    from helpers.parse import parse_raw_dir

    ap = argparse.ArgumentParser(prog="python -m helpers bench parse", description=__doc__)
    ap.add_argument("--mb", type=int, default=DEFAULT_MB, help="corpus size in MB (default 50)")
    ap.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    args = ap.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_parse_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        size = write_corpus(folder, args.mb)
        load0, t1, c1 = os.getloadavg()[0], time.perf_counter(), time.process_time()
        result = parse_raw_dir(folder)
        t2, c2, load1 = time.perf_counter(), time.process_time(), os.getloadavg()[0]
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    mb, secs, cpu = size / 2**20, t2 - t1, c2 - c1
    report = result.report
    print(f"corpus: {mb:.1f} MB in {len(report)} files (generated in {t1 - t0:.1f} s)")
    print(f"parsed: {len(result.articles)} articles, {len(result.quarantine)} quarantined")
    print(f"balanced: {bool(report['is_balanced'].all())}")
    # NOTE: the machine is shared: CPU seconds are the figure to compare, wall time moves
    # with the load (the 1-minute load average before -> after is printed beside it).
    print(f"parse: {secs:.1f} s wall = {mb / secs:.2f} MB/s (load {load0:.1f} -> {load1:.1f})")
    print(f"parse: {cpu:.1f} s CPU = {mb / cpu:.2f} MB/s per core")
    return 0

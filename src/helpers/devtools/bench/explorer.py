"""Benchmark of the fact explorer: how long a run takes to open, list and show a fact.

``python -m helpers bench explorer [--processed-dir D] [--run-dir R] [--repeat 3]`` times, on an
existing run (the latest good one by default), what ``notebooks/explore.ipynb`` does before a
person can click: :func:`helpers.publish.explorer.load_explorer` (tables, sidecars,
corrections), building the widgets (the list of the first facts), and one fact's detail. It
prints the best of ``--repeat`` rounds with the machine's load average; it asserts nothing.

Example:
    >>> parse_args(["--repeat", "2"]).repeat
    2
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from helpers.core import paths
from helpers.publish import explorer


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(prog="python -m helpers bench explorer")
    parser.add_argument("--processed-dir", default=str(paths.PROCESSED_DIR))
    parser.add_argument("--run-dir", default=str(paths.REPORTS_DIR / "latest"))
    parser.add_argument("--corrections-dir", default=str(paths.CORRECTIONS_DIR))
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args(argv)


def _timed(fn, *args) -> tuple[object, float]:
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def time_once(processed: Path, run: Path, corrections: Path) -> dict[str, float]:
    """Seconds to load the run, build the widgets and render the first fact's detail."""
    data, load = _timed(explorer.load_explorer, processed, run, corrections)
    _, build = _timed(explorer.build_explorer, data)
    first = str(data.facts["fact_id"].iloc[0]) if len(data.facts) else ""
    _, detail = _timed(explorer.detail_html, data, first) if first else (None, 0.0)
    return {"load_s": load, "widgets_s": build, "detail_s": detail, "facts": len(data.facts),
            "articles": len(data.articles)}  # fmt: skip


def main(argv: list[str]) -> int:
    """Print the best of ``--repeat`` rounds."""
    args = parse_args(argv)
    dirs = [paths.resolve(d) for d in (args.processed_dir, args.run_dir, args.corrections_dir)]
    rounds = [time_once(*dirs) for _ in range(max(1, args.repeat))]
    first = rounds[0]
    best = {k: min(r[k] for r in rounds) for k in ("load_s", "widgets_s", "detail_s")}
    load = os.getloadavg()[0]
    print(
        f"explorer on {first['articles']} articles, {first['facts']} facts; load average "
        f"{load:.2f} on {os.cpu_count()} cores; first round (cold) / best of {len(rounds)}"
    )
    for key, name in (("load_s", "open (load_explorer)"), ("widgets_s", "widgets (first list)"),
                      ("detail_s", "one fact's detail")):  # fmt: skip
        print(f"  {name:<22} {first[key]:.3f} s / {best[key]:.3f} s")
    ready = first["load_s"] + first["widgets_s"]
    print(f"  ready to click         {ready:.2f} s / {best['load_s'] + best['widgets_s']:.2f} s")
    return 0

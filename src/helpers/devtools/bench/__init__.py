"""Throughput benchmarks, one module per stage: ``python -m helpers bench <stage>``.

To add one, write ``helpers/devtools/bench/<stage>.py`` with a ``main(argv: list[str]) -> int`` and
add its name to :data:`BENCHMARKS`. Benchmarks print figures; they never assert on timing.

Example:
    >>> "parse" in BENCHMARKS
    True
"""

from __future__ import annotations

BENCHMARKS: dict[str, str] = {
    "parse": "helpers.devtools.bench.parse",  # stage 01: MB/s of parse_raw_dir, generated corpus
    "dedup": "helpers.devtools.bench.dedup",  # stage 02: ours vs datasketch, F1 and articles/s
    "noise": "helpers.devtools.bench.noise",  # stages 01-03: facts unchanged under each noise kind
    "facts": "helpers.devtools.bench.facts",  # stage 03: MB/s of canonical text, CPU seconds
    "explorer": "helpers.devtools.bench.explorer",  # explore.ipynb: load and widget times of a run
    "scale": "helpers.devtools.bench.scale",  # stages 01-03 over partitions: local vs dask 1/2
}

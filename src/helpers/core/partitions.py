"""Partitions and the engine that runs a function over them (issue 17: corpora of a year).

A stage that streams splits its input into partitions — raw files grouped up to a size
(stage 01), the articles of whole raw files (stages 02 and 03) — runs one pure function per
partition through an :class:`Engine`, and writes each partition's rows as one part of a
partitioned table (:func:`helpers.core.io.write_part`). No process then holds every body,
sentence or fact of the corpus at once.

Two engines share one interface, :meth:`Engine.map`: :class:`LocalEngine` runs the
partitions one after the other in this process (the default, and what the tests compare
with); ``helpers.pipeline.engine.DaskEngine`` sends them to a ``dask.distributed`` cluster.
The functions are the same, and so are the results: partitions are planned from the input
alone (never from the number of workers), and results come back in partition order.

Example:
    >>> plan_partitions([3, 5, 2, 9], 8)
    [[0, 1], [2], [3]]
    >>> LocalEngine(progress=None).map(len, [["比亚迪"], ["蔚来", "小鹏"]], label="示例")
    [1, 2]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

ENGINES = ("local", "dask")
DEFAULT_PARTITION_MB = 16  # raw bytes per stage-01 partition (files are never split)
# NOTE: progress is printed at most this often (and at the end), so a run over thousands of
# partitions does not flood the notebook or the terminal.
PROGRESS_SECONDS = 5.0


class Engine(Protocol):
    """What a stage needs of an engine: run a function over items, results in item order."""

    name: str

    def map(self, func: Callable[..., Any], items: Sequence[Any], *, label: str,
            **kwargs: Any) -> list[Any]:  # fmt: skip
        """Return ``[func(item, **kwargs) for item in items]`` (possibly computed elsewhere)."""
        ...

    def describe(self) -> str:
        """One line: which engine, how many workers, where."""
        ...


Progress = Callable[[str, int, int, float], None]


def print_progress(label: str, done: int, total: int, seconds: float) -> None:
    """Print ``label: done/total partitions, seconds`` to stdout and the process's terminal.

    NOTE: a notebook kernel's ``sys.stdout`` goes into the executed notebook; its original
    stderr is the terminal of ``python -m helpers run`` (papermill starts the kernel with it),
    so the runner's log shows each stage's progress too.

    Example:
        >>> print_progress("03 事实", 2, 4, 1.5)
        03 事实: 2/4 partitions, 1.5 s
    """
    line = f"{label}: {done}/{total} partitions, {seconds:.1f} s"
    print(line, flush=True)
    terminal = sys.__stderr__
    if terminal is not None and terminal is not sys.stderr and terminal is not sys.stdout:
        print(line, file=terminal, flush=True)


@dataclass
class ProgressClock:
    """Calls ``report`` when a partition finishes: at most every :data:`PROGRESS_SECONDS`."""

    label: str
    total: int
    report: Progress | None = print_progress
    start: float = field(default_factory=time.perf_counter)
    last: float = 0.0
    done: int = 0

    def __post_init__(self) -> None:
        """Count the first interval from the start."""
        self.last = self.start

    def tick(self) -> None:
        """Count one finished partition; report when due or when it was the last."""
        self.done += 1
        now = time.perf_counter()
        if self.report is None:
            return
        if self.done == self.total or now - self.last >= PROGRESS_SECONDS:
            self.last = now
            self.report(self.label, self.done, self.total, now - self.start)


@dataclass
class LocalEngine:
    """Run partitions one after the other in this process (the default engine).

    Example:
        >>> LocalEngine(progress=None).map(str.upper, ["a", "b"], label="x")
        ['A', 'B']
    """

    name: str = "local"
    progress: Progress | None = print_progress

    def map(self, func: Callable[..., Any], items: Sequence[Any], *, label: str,
            **kwargs: Any) -> list[Any]:  # fmt: skip
        """``[func(item, **kwargs) for item in items]``, with progress lines."""
        clock = ProgressClock(label, len(items), self.progress)
        out = []
        for item in items:
            out.append(func(item, **kwargs))
            clock.tick()
        return out

    def describe(self) -> str:
        """One line for logs and manifests."""
        return "local engine: partitions one after the other in this process"


def plan_partitions(sizes: Sequence[int], target: int) -> list[list[int]]:
    """Group consecutive items into partitions of about ``target`` (an item is never split).

    A partition is closed when adding the next item would pass ``target``; an item larger
    than ``target`` is a partition of its own. The plan depends on the sizes alone, so the
    same input gives the same partitions on any engine and any number of workers.

    Args:
        sizes: size of each item, in input order (bytes of a raw file, articles of a file).
        target: the size a partition should not pass (at least 1).

    Returns:
        Lists of item positions, in order; every item exactly once.

    Example:
        >>> plan_partitions([1, 1, 1], 2), plan_partitions([], 5)
        ([[0, 1], [2]], [])
    """
    target = max(int(target), 1)
    parts: list[list[int]] = []
    current: list[int] = []
    filled = 0
    for i, size in enumerate(sizes):
        if current and filled + size > target:
            parts.append(current)
            current, filled = [], 0
        current.append(i)
        filled += size
    if current:
        parts.append(current)
    return parts


def partition_bytes(partition_mb: float) -> int:
    """Bytes per partition from the ``partition_mb`` parameter (0 or less: the default).

    Example:
        >>> partition_bytes(0.5), partition_bytes(0) == DEFAULT_PARTITION_MB << 20
        (524288, True)
    """
    mb = float(partition_mb) if partition_mb and partition_mb > 0 else DEFAULT_PARTITION_MB
    return max(int(mb * (1 << 20)), 1)

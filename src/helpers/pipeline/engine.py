"""The engines a run can use: ``local`` (this process) or ``dask`` (a dask.distributed cluster).

``python -m helpers run --engine dask`` starts a ``LocalCluster`` with one single-threaded
worker process per core (:func:`start_cluster`), prints its dashboard link and passes its
address to every notebook (parameter ``scheduler``), which connects with
:func:`open_engine`; ``--scheduler ADDRESS`` connects to a cluster already running
(``dask scheduler`` on one machine, ``dask worker ADDRESS`` on each of the others). Stages
call :meth:`DaskEngine.map` exactly as they call
:meth:`helpers.core.partitions.LocalEngine.map`: the same pure function per partition, the
results in partition order, so both engines give the same tables.

NOTE: the workers read the raw folder and write their parts into the processed folder
themselves, so on several machines both must be on a shared file system (NFS, a mounted
bucket) under the same path.

Example:
    >>> open_engine("local").describe()
    'local engine: partitions one after the other in this process'
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpers.core.partitions import (
    ENGINES,
    Engine,
    LocalEngine,
    Progress,
    ProgressClock,
    print_progress,
)

DASHBOARD_ADDRESS = ":8787"  # the usual dask port; a busy port makes dask pick another


class EngineError(ValueError):
    """An engine name or scheduler address that cannot be used."""


@dataclass
class DaskEngine:
    """Run partitions as tasks of a ``dask.distributed`` cluster.

    Attributes:
        client: the connected ``distributed.Client``.
        owns_cluster: this engine started the cluster (and closes it in :meth:`close`).
        progress: called as partitions finish (see :class:`ProgressClock`).
    """

    client: Any
    owns_cluster: bool = False
    progress: Progress | None = print_progress
    name: str = "dask"
    _cluster: Any = field(default=None, repr=False)

    def map(self, func: Callable[..., Any], items: Sequence[Any], *, label: str,
            **kwargs: Any) -> list[Any]:  # fmt: skip
        """``[func(item, **kwargs) for item in items]`` computed by the workers, in item order."""
        from distributed import as_completed

        if not items:
            return []
        # NOTE: unique keys (pure=False): two runs of a stage over equal partitions must not
        # share results the scheduler still holds from the first.
        token = uuid.uuid4().hex[:8]
        keys = [f"{label}-{i:05d}-{token}" for i in range(len(items))]
        futures = self.client.map(func, list(items), key=keys, pure=False, **kwargs)
        clock = ProgressClock(label, len(items), self.progress)
        for _ in as_completed(futures):
            clock.tick()
        results = self.client.gather(futures)
        del futures  # release the results the workers hold
        return list(results)

    def workers(self) -> int:
        """Number of workers connected now."""
        return len(self.client.scheduler_info().get("workers", {}))

    def describe(self) -> str:
        """One line: workers, threads, scheduler address and dashboard link."""
        info = self.client.scheduler_info()
        threads = sum(w.get("nthreads", 0) for w in info.get("workers", {}).values())
        return (
            f"dask engine: {self.workers()} workers, {threads} threads, scheduler "
            f"{self.client.scheduler.address}, dashboard {self.client.dashboard_link}"
        )

    def close(self) -> None:
        """Disconnect; stop the cluster when this engine started it."""
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _spawnable_main() -> None:
    """Give ``sys.modules["__main__"]`` the ``__spec__`` that multiprocessing's spawn reads.

    NOTE: IPython's shell (the in-process executor resets one per notebook) installs its
    namespace as ``__main__`` without ``__spec__``; dask's nanny then fails to spawn a worker
    (AttributeError). ``None`` is what a script's ``__main__`` holds.

    Example:
        >>> import sys, types
        >>> saved, sys.modules["__main__"] = sys.modules["__main__"], types.ModuleType("笔记本")
        >>> del sys.modules["__main__"].__spec__
        >>> _spawnable_main(); print(sys.modules["__main__"].__spec__)
        None
        >>> sys.modules["__main__"] = saved
    """
    main = sys.modules.get("__main__")
    if main is not None and not hasattr(main, "__spec__"):
        main.__spec__ = None


def start_cluster(workers: int | None = None, *, dashboard: str = DASHBOARD_ADDRESS) -> Any:
    """Start a ``LocalCluster``: ``workers`` single-threaded worker processes (default: cores).

    NOTE: processes, one thread each: the stages are pure Python for the most part (regular
    expressions, OpenCC calls per sentence), so threads would share one GIL.

    Args:
        workers: worker processes (default: one per core).
        dashboard: the dashboard's ``[host]:port`` (``":0"``: any free port, as tests use).
    """
    from distributed import LocalCluster

    _spawnable_main()
    return LocalCluster(
        n_workers=workers or default_workers(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=dashboard,
        # NOTE: logging.CRITICAL: workers log start-up chatter, and at shutdown a heartbeat
        # that races the scheduler's close as an ERROR with a traceback; a task that fails
        # raises its own error in the notebook, so nothing the run needs is lost.
        silence_logs=50,
    )


def open_engine(
    name: str, scheduler: str = "", *, workers: int | None = None,
    progress: Progress | None = print_progress,
) -> Engine:  # fmt: skip
    """The engine a notebook's ``engine`` and ``scheduler`` parameters name.

    Args:
        name: ``local`` or ``dask``.
        scheduler: a dask scheduler address (``tcp://10.0.0.5:8786``) to connect to; '' with
            ``dask`` starts a LocalCluster of ``workers`` processes for this process.
        workers: workers of a cluster started here (default: one per core).
        progress: where progress lines go (None: nowhere).

    Raises:
        EngineError: an unknown engine name, or a scheduler with the local engine.
    """
    if name not in ENGINES:
        raise EngineError(f"engine must be one of {ENGINES}, got {name!r}")
    if name == "local":
        if scheduler:
            raise EngineError("--scheduler needs --engine dask (the local engine has none)")
        return LocalEngine(progress=progress)
    from distributed import Client

    if scheduler:
        return DaskEngine(Client(scheduler), progress=progress)
    cluster = start_cluster(workers)
    engine = DaskEngine(Client(cluster), owns_cluster=True, progress=progress)
    engine._cluster = cluster
    return engine


def close_engine(engine: Engine) -> None:
    """Close a dask engine's client (and the cluster it started); nothing for ``local``."""
    close = getattr(engine, "close", None)
    if close is not None:
        close()

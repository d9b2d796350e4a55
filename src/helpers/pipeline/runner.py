"""Run the stage notebooks in order with papermill, one run folder per run.

Stages are ``notebooks/NN_name.ipynb``; ``NN`` is the run order. Each notebook shares the
parameters of :mod:`helpers.core.params` and lists the processed tables it must write in its
metadata (``metadata.helpers.outputs``); the runner checks they were written, because a wrong
working directory can otherwise produce an empty result that still "succeeds" (PITFALLS.md).

Example:
    >>> s = Stage(1, "parse", Path("01_parse.ipynb"))
    >>> [x.label for x in select_stages([s], only=("1",))]
    ['01_parse']
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill as pm
from filelock import FileLock, Timeout

from helpers.catalog import corrections
from helpers.core import findings, io
from helpers.core.params import DEFAULTS, PARAMETER_NAMES, ParameterError, validate_parameters
from helpers.core.partitions import DEFAULT_PARTITION_MB
from helpers.pipeline import engine as engines
from helpers.pipeline import inprocess, runs
from helpers.publish import changes, pdf, report

STAGE_FILE_RE = re.compile(r"^(\d{2})_([a-z0-9_]+)\.ipynb$")
LOCK_NAME = ".helpers-run.lock"
OWNER_NAME = ".helpers-run.owner"
KERNEL_NAME = "python3"
# papermill: a fresh kernel per notebook (scheduled runs); inprocess: the same notebooks run by
# an IPython shell in this process (helpers.pipeline.inprocess), without kernel start-up and
# re-imports.
EXECUTORS = ("papermill", "inprocess")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
# IPython names the failing line of a cell "Cell In[7], line 3" (kernel and in-process alike).
CELL_LINE_RE = re.compile(r"Cell In\[\d*\], line (\d+)")


class RunError(RuntimeError):
    """A run that could not start or did not finish; ``exit_code`` says which kind."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        """Keep the message and the exit status the command line returns for it."""
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Stage:
    """One stage notebook."""

    number: int
    name: str
    path: Path

    @property
    def label(self) -> str:
        """``NN_name``, as in the file name."""
        return f"{self.number:02d}_{self.name}"


@dataclass(frozen=True)
class EngineSettings:
    """How stages 01-03 run their partitions (``--engine``, ``--scheduler``, ``--workers``)."""

    name: str = "local"
    scheduler: str = ""  # a running dask scheduler; '' with dask: a LocalCluster for the run
    workers: int | None = None  # workers of that LocalCluster (default: one per core)
    partition_mb: int = DEFAULT_PARTITION_MB


@dataclass(frozen=True)
class RunConfig:
    """Everything a run needs; built by the CLI from flags and the params file."""

    raw_dir: Path
    processed_dir: Path
    reports_dir: Path
    labels: str = "zh-Hans"
    incremental: bool = False
    since: str = ""
    min_confidence: float = float(DEFAULTS["min_confidence"])
    only: tuple[str, ...] = ()
    start_from: str | None = None
    notebooks_dir: Path = field(default_factory=lambda: runs.PROJ_ROOT / "notebooks")
    wait_seconds: float = 0.0
    executor: str = "papermill"
    corrections_dir: Path = field(default_factory=lambda: runs.PROJ_ROOT / "data" / "corrections")
    pdf: bool = True  # print report.pdf with headless Chromium where it is installed
    engine: EngineSettings = field(default_factory=EngineSettings)


@dataclass
class RunOutcome:
    """What a finished (or failed) run left behind."""

    run_id: str
    run_dir: Path
    manifest: dict
    ok: bool
    message: str = ""


def discover_stages(notebooks_dir: Path) -> list[Stage]:
    """Return the stage notebooks of ``notebooks_dir`` sorted by number."""
    stages = []
    for path in sorted(notebooks_dir.glob("*.ipynb")):
        m = STAGE_FILE_RE.match(path.name)
        if m:
            stages.append(Stage(int(m.group(1)), m.group(2), path))
    numbers = [s.number for s in stages]
    dupes = sorted({n for n in numbers if numbers.count(n) > 1})
    if dupes:
        raise RunError(f"two notebooks share the stage number(s) {dupes} in {notebooks_dir}", 2)
    if not stages:
        raise RunError(f"no stage notebooks (NN_name.ipynb) in {notebooks_dir}", 2)
    return stages


def _matches(stage: Stage, key: str) -> bool:
    key = key.strip().removesuffix(".ipynb")
    return key in {stage.name, stage.label} or (key.isdigit() and int(key) == stage.number)


def select_stages(
    stages: Sequence[Stage], only: Sequence[str] = (), start_from: str | None = None
) -> list[Stage]:
    """Pick stages by name (``parse``), label (``01_parse``) or number (``1``, ``01``).

    ``only`` keeps the named stages; ``start_from`` keeps that stage and every later one.
    """
    if only and start_from:
        raise RunError("use either --only or --from, not both", 2)
    _check_known(stages, list(only) or ([start_from] if start_from else []))
    if only:
        return [s for s in stages if _matches_any(s, only)]
    return _from_stage(stages, start_from) if start_from else list(stages)


def _from_stage(stages: Sequence[Stage], start_from: str) -> list[Stage]:
    """The stage ``start_from`` names and every later one."""
    first = next(s for s in stages if _matches(s, start_from))
    return [s for s in stages if s.number >= first.number]


def _matches_any(stage: Stage, keys: Sequence[str]) -> bool:
    return any(_matches(stage, k) for k in keys)


def _check_known(stages: Sequence[Stage], keys: Sequence[str]) -> None:
    """Fail (exit status 2) when a key names no stage."""
    unknown = [k for k in keys if not any(_matches(s, k) for s in stages)]
    if unknown:
        raise RunError(f"no stage matches {unknown}; stages: {[s.label for s in stages]}", 2)


def check_notebook_parameters(stages: Sequence[Stage], names: Sequence[str]) -> None:
    """Fail before anything runs unless every notebook declares exactly ``names``."""
    problems = []
    for stage in stages:
        declared = set(pm.inspect_notebook(str(stage.path)))
        if not declared:
            problems.append(f"{stage.label}: no cell tagged 'parameters'")
            continue
        missing, extra = sorted(set(names) - declared), sorted(declared - set(names))
        if missing:
            problems.append(f"{stage.label}: does not declare {missing}")
        if extra:
            problems.append(f"{stage.label}: declares {extra}, which the runner never passes")
    if problems:
        raise RunError("notebook parameters do not match:\n  " + "\n  ".join(problems), 2)


def expected_outputs(stage: Stage) -> list[str]:
    """Processed-folder files a stage promises to write (``metadata.helpers.outputs``)."""
    nb = nbformat.read(stage.path, as_version=4)
    return list(nb.metadata.get("helpers", {}).get("outputs", []))


def failing_line(source: str, traceback: Sequence[str]) -> str:
    r"""Return the line of ``source`` the traceback names last (the assert or call that failed).

    Example:
        >>> tb = ["AssertionError", "Cell In[4], line 2", "      1 x = 1", "----> 2 assert x == 2"]
        >>> failing_line("x = 1\nassert x == 2, '份额'", tb)
        "assert x == 2, '份额'"
    """
    numbers = [int(n) for part in traceback for n in CELL_LINE_RE.findall(ANSI_RE.sub("", part))]
    lines = source.splitlines()
    if numbers and 0 < numbers[-1] <= len(lines):
        return lines[numbers[-1] - 1].strip()
    return next((line.strip() for line in lines if line.strip()), "")


def describe_failure(stage: Stage, err: Exception, saved: Path) -> str:
    """Return a message naming the notebook, the failing cell and line, and the saved copy.

    The cell number counts cells of the notebook as committed (1-based), which is what a user
    sees in JupyterLab; the saved copy has papermill's injected cells on top of those. The
    quoted line is the one the traceback points at in that cell (not the cell's first line).
    """
    if isinstance(err, pm.PapermillExecutionError):
        cells = nbformat.read(stage.path, as_version=4).cells
        sources = [c.source for c in cells]
        number = sources.index(err.source) + 1 if err.source in sources else err.cell_index + 1
        line = failing_line(err.source or "", err.traceback or [])
        return (
            f"stage {stage.label} failed at cell {number} of {len(cells)} "
            f"(`{line}`): {err.ename}: {err.evalue}\n"
            f"  partial notebook saved: {saved}"
        )
    return f"stage {stage.label} failed: {type(err).__name__}: {err}\n  partial notebook: {saved}"


def execute_stage(
    stage: Stage, out_path: Path, parameters: dict[str, str], executor: str = "papermill"
) -> None:
    """Execute one notebook into ``out_path`` (cwd = the notebook's folder, as in JupyterLab)."""
    if executor == "inprocess":
        inprocess.execute_notebook(stage.path, out_path, parameters, cwd=stage.path.parent)
        return
    pm.execute_notebook(
        str(stage.path),
        str(out_path),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        cwd=str(stage.path.parent),
        progress_bar=False,
        log_output=False,
    )


def verify_outputs(stage: Stage, staging: Path, before: dict[str, object]) -> None:
    """Raise unless every expected output exists and was (re)written during the stage."""
    stale = [
        name
        for name in expected_outputs(stage)
        if runs.file_signature(staging / name) in (None, before.get(name))
    ]
    if stale:
        raise RunError(
            f"stage {stage.label} finished but did not write {stale} into the processed "
            "folder it was given (check the notebook saves to dirs.processed)"
        )


def lock_path(processed_dir: Path) -> Path:
    """The run lock of a processed folder.

    A hidden sibling file (the folder itself is swapped for its staging copy when a run succeeds,
    see :func:`helpers.pipeline.runs.promote_staging`).

    Example:
        >>> lock_path(Path("data/processed")).as_posix()
        'data/.processed.helpers-run.lock'
    """
    return processed_dir.parent / f".{processed_dir.name}{LOCK_NAME}"


def owner_path(processed_dir: Path) -> Path:
    """Who holds the lock (pid and run id), beside the lock file."""
    return processed_dir.parent / f".{processed_dir.name}{OWNER_NAME}"


def _acquire_lock(processed_dir: Path, wait_seconds: float) -> FileLock:
    processed_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(processed_dir))
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        owner = owner_path(processed_dir)
        who = owner.read_text(encoding="utf-8").strip() if owner.exists() else "unknown"
        raise RunError(
            f"another run is using {processed_dir} ({who}); wait for it, or pass "
            "--wait SECONDS, or use another --processed-dir",
            3,
        ) from None
    return lock


Printer = Callable[[str], None]


def run_pipeline(config: RunConfig, echo: Printer = print) -> RunOutcome:
    """Run the selected stages; return the outcome (raise RunError for bad set-ups).

    Args:
        config: folders, label language and stage selection.
        echo: where progress lines go (one line as each notebook starts and ends).

    Returns:
        The run's id, folder, manifest and whether every stage succeeded.
    """
    stages = select_stages(discover_stages(config.notebooks_dir), config.only, config.start_from)
    check_notebook_parameters(stages, PARAMETER_NAMES)
    if config.executor not in EXECUTORS:
        raise RunError(f"executor must be one of {EXECUTORS}, got {config.executor!r}", 2)
    if not config.raw_dir.is_dir():
        raise RunError(f"--raw-dir {config.raw_dir} is not a folder", 2)
    try:
        validate_parameters({"labels": config.labels, "since": config.since,
                             "min_confidence": config.min_confidence})  # fmt: skip
    except ParameterError as err:
        raise RunError(str(err), 2) from err
    try:
        # NOTE: a corrections file that does not parse stops the run before anything runs
        # (exit 2): skipping it would silently drop reviewed decisions.
        corrections.load_corrections(config.corrections_dir)
    except corrections.CorrectionsError as err:
        raise RunError(f"corrections: {err}", 2) from err
    lock = _acquire_lock(config.processed_dir, config.wait_seconds)
    try:
        with _cluster_for(config.engine, echo) as scheduler:
            return _run_locked(config, stages, echo, scheduler)
    finally:
        lock.release()


@contextlib.contextmanager
def _cluster_for(settings: EngineSettings, echo: Printer) -> Iterator[str]:
    """Yield the scheduler address the notebooks connect to ('' for the local engine).

    ``--engine dask`` without ``--scheduler`` starts a LocalCluster for the run (one start,
    not one per notebook) and stops it afterwards; the dashboard link is printed either way.
    """
    if settings.name != "dask":
        yield ""
        return
    if settings.scheduler:
        echo(f"dask: scheduler {settings.scheduler} (its dashboard: port 8787 of that host)")
        yield settings.scheduler
        return
    cluster = engines.start_cluster(settings.workers)
    try:
        n = len(cluster.workers)
        echo(f"dask: LocalCluster of {n} workers, dashboard {cluster.dashboard_link}")
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _run_locked(
    config: RunConfig, stages: list[Stage], echo: Printer, scheduler: str = ""
) -> RunOutcome:
    user_params = {
        "raw_dir": str(config.raw_dir),
        "processed_dir": str(config.processed_dir),
        "labels": config.labels,
        "incremental": config.incremental,
        "since": config.since,
        "corrections_dir": str(config.corrections_dir),
        "min_confidence": config.min_confidence,
        "engine": config.engine.name,
        "scheduler": scheduler,
        "partition_mb": config.engine.partition_mb,
    }
    run_id = runs.new_run_id(user_params)
    run_dir = runs.create_run_dir(config.reports_dir, run_id)
    io.write_text(f"pid {os.getpid()}, run {run_id}\n", owner_path(config.processed_dir))
    runs.remove_stale_staging(config.processed_dir)  # left by a killed run; we hold the lock
    manifest = _new_manifest(run_id, config, stages, user_params)
    staging = runs.prepare_staging(config.processed_dir, run_id)
    params = {**user_params, "processed_dir": str(staging), "run_dir": str(run_dir)}
    outcome = RunOutcome(run_id, run_dir, manifest, ok=True)
    ctx = _StageContext(staging, run_dir, params, manifest, echo, config.executor)
    for i, stage in enumerate(stages, 1):
        error = _run_one(stage, ctx, f"[{i}/{len(stages)}]")
        io.write_json(manifest, run_dir / "manifest.json")
        if error:
            outcome.ok, outcome.message = False, error
            break
    if outcome.ok:
        built = _build_report(run_dir, stages, manifest, config, staging, echo)
        outcome.ok, outcome.message = built
    _finish(outcome, config, staging)
    return outcome


def _build_report(
    run_dir: Path,
    stages: list[Stage],
    manifest: dict,
    config: RunConfig,
    staging: Path,
    echo: Printer,
) -> tuple[bool, str]:
    """Write report.html (and report.pdf where Chromium is) for a run whose stages succeeded.

    Returns (ok, error message). A report.html that cannot be built fails the run; a PDF that
    cannot be printed is skipped with the reason in the log and the manifest.
    """
    start = time.perf_counter()
    try:
        rows = changes.load_report_rows(run_dir, config.labels)  # what changed, per topic
        path = report.build_html_report(
            run_dir, [s.label for s in stages], config.labels, processed_dir=staging, changes=rows
        )
    except Exception as err:  # a report that cannot be built fails the run
        return False, f"report.html could not be built: {type(err).__name__}: {err}"
    manifest["report"] = path.name
    manifest["report_html"] = {"bytes": path.stat().st_size,
                               "seconds": round(time.perf_counter() - start, 1)}  # fmt: skip
    if not config.pdf:
        manifest["report_pdf"] = {"skipped": "--no-pdf"}
        return True, ""
    printed = pdf.print_pdf(path, run_dir / "report.pdf")
    if printed.path is None:
        echo(f"report.pdf skipped: {printed.reason}")
        manifest["report_pdf"] = {"skipped": printed.reason}
    else:
        done = {"file": printed.path.name, "seconds": round(printed.seconds, 1)}
        manifest["report_pdf"] = {**done, "note": printed.reason} if printed.reason else done
    return True, ""


def _new_manifest(run_id: str, config: RunConfig, stages: list[Stage], params: dict) -> dict:
    latest = config.reports_dir / runs.LATEST_NAME / "manifest.json"
    return {
        "previous_run": latest.resolve().parent.name if latest.exists() else None,
        "run_id": run_id,
        "status": "running",
        "started_utc": runs.utc_now().isoformat(),
        "parameters": {**params, "reports_dir": str(config.reports_dir)},
        "stages_selected": [s.label for s in stages],
        "inputs": runs.fingerprint_inputs(config.raw_dir),
        "packages": runs.package_versions(),
        "git": runs.git_state(),
        "environment": runs.environment_info(),
        "notebooks": [],
    }


@dataclass(frozen=True)
class _StageContext:
    """What every stage of one run shares."""

    staging: Path
    run_dir: Path
    params: dict
    manifest: dict
    echo: Printer
    executor: str


def _run_one(stage: Stage, ctx: _StageContext, tag: str) -> str:
    """Run one stage, record it in the manifest; return an error message or ''."""
    staging, run_dir, manifest, echo = ctx.staging, ctx.run_dir, ctx.manifest, ctx.echo
    out_path = run_dir / "notebooks" / stage.path.name
    before = {n: runs.file_signature(staging / n) for n in expected_outputs(stage)}
    entry = {"notebook": stage.label, "started_utc": runs.utc_now().isoformat()}
    manifest["notebooks"].append(entry)
    echo(f"{tag} {stage.label} started")
    t0 = time.perf_counter()
    error = ""
    try:
        execute_stage(stage, out_path, ctx.params, ctx.executor)
        verify_outputs(stage, staging, before)
    except Exception as err:
        error = describe_failure(stage, err, out_path)
    seconds = round(time.perf_counter() - t0, 2)
    entry.update(
        ended_utc=runs.utc_now().isoformat(),
        duration_s=seconds,
        status="failed" if error else "ok",
        output=str(out_path.relative_to(run_dir)),
    )
    if error:
        entry["error"] = error
    echo(f"{tag} {stage.label} {'FAILED' if error else 'ok'} in {seconds:.1f} s")
    return error


REVIEW_TABLE = "review.parquet"


def review_summary(processed: Path, min_confidence: float) -> dict:
    """The manifest's ``review`` entry: facts held back from tables for their low confidence.

    ``facts`` is None when no stage wrote ``review.parquet`` (stage 03 did not run).

    Example:
        >>> import tempfile
        >>> review_summary(Path(tempfile.mkdtemp()), 0.9)
        {'min_confidence': 0.9, 'facts': None, 'by_topic': {}}
    """
    path = processed / REVIEW_TABLE
    if not path.exists():
        return {"min_confidence": min_confidence, "facts": None, "by_topic": {}}
    table = io.read_table(path)
    by_topic = table["topic"].value_counts().sort_index() if len(table) else {}
    return {"min_confidence": min_confidence, "facts": len(table),
            "by_topic": {str(k): int(v) for k, v in dict(by_topic).items()}}  # fmt: skip


def _finish(outcome: RunOutcome, config: RunConfig, staging: Path) -> None:
    manifest = outcome.manifest
    if outcome.ok:
        ran = [n["notebook"] for n in manifest["notebooks"]]
        manifest["findings"] = findings.summarize(findings.read_stage_findings(staging, ran))
        manifest["corrections"] = corrections.summarize_log(corrections.read_stage_logs(staging))
        manifest["review"] = review_summary(staging, config.min_confidence)
        manifest["processed_outputs"] = runs.promote_staging(staging, config.processed_dir)
        manifest["status"] = "ok"
    else:
        runs.discard_staging(staging)
        manifest["status"] = "failed"
        manifest["error"] = outcome.message
    manifest["ended_utc"] = runs.utc_now().isoformat()
    io.write_json(manifest, outcome.run_dir / "manifest.json")
    if outcome.ok:
        runs.point_latest(config.reports_dir, outcome.run_dir)

"""Command line: ``python -m helpers run`` and friends.

Exit codes: 0 ok, 1 a stage failed, 2 bad arguments or set-up, 3 another run holds the lock.

Example:
    >>> args = build_parser().parse_args(["run", "--labels", "zh-Hant", "--only", "parse"])
    >>> (args.labels, args.only)
    ('zh-Hant', ['parse'])
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from helpers.core import paths
from helpers.core.params import DEFAULTS, LABEL_LANGUAGES, ParameterError, parse_min_confidence
from helpers.core.partitions import ENGINES
from helpers.pipeline import runs
from helpers.pipeline.runner import EXECUTORS, EngineSettings, RunConfig, RunError, run_pipeline

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
# Keys a --params YAML file may set, with the attribute they fill.
PARAMS_FILE_KEYS = {
    "raw_dir": "raw_dir",
    "processed_dir": "processed_dir",
    "reports_dir": "reports_dir",
    "labels": "labels",
    "only": "only",
    "from": "start_from",
    "wait": "wait",
    "keep": "keep",
    "incremental": "incremental",
    "since": "since",
    "min_confidence": "min_confidence",
    "executor": "executor",
    "corrections_dir": "corrections_dir",
    "pdf": "pdf",
    "engine": "engine",
    "scheduler": "scheduler",
    "workers": "workers",
    "partition_mb": "partition_mb",
}
RUN_DEFAULTS = {
    "raw_dir": DEFAULTS["raw_dir"],
    "processed_dir": DEFAULTS["processed_dir"],
    "reports_dir": "reports",
    "labels": DEFAULTS["labels"],
    "only": None,
    "start_from": None,
    "wait": 0.0,
    "keep": None,
    "notebooks_dir": "notebooks",
    "incremental": None,
    "since": None,
    "min_confidence": None,
    "executor": "papermill",
    "corrections_dir": DEFAULTS["corrections_dir"],
    "pdf": True,
    "engine": DEFAULTS["engine"],
    "scheduler": DEFAULTS["scheduler"],
    "workers": None,
    "partition_mb": DEFAULTS["partition_mb"],
}

RUN_EPILOG = """\
Relative paths are taken from the project root. Flags override values from --params.
A --params file is YAML with any of the keys: raw_dir, processed_dir, reports_dir, labels,
only (a list), from, wait, keep, incremental, since, min_confidence, executor, corrections_dir,
pdf, engine, scheduler, workers, partition_mb. Example:

    raw_dir: data/raw/2026-11
    labels: en
    only: [parse, dedup]

Each run writes REPORTS_DIR/<UTC time>-<hash>/ with notebooks/ (executed copies), figures/,
tables/ and manifest.json (parameters, sha256 of every input, package versions, git commit,
per-notebook timings and status); REPORTS_DIR/latest points to the newest successful run.
Stage tables go to PROCESSED_DIR only when every selected stage succeeded.

--incremental parses only raw files whose sha256 (or the parser's code) changed since the
last good run and extracts facts only from articles not read before; dedup and the tables
are recomputed over everything. The result equals a full rebuild.

--min-confidence: facts whose confidence (stage 03's estimate that a fact is right) is below
it stay out of tables and charts and are listed in tables/review.csv with the reason; the
default, 0, charts every fact (benchmarks/confidence.md says why).

--engine dask runs the partitions of stages 01-03 (raw files, article batches) on a
dask.distributed cluster: a LocalCluster with --workers processes (default one per core)
started for the run, or the cluster at --scheduler ADDRESS. The dashboard link is printed;
the tables equal the local engine's.

Only one run at a time may use a processed folder: a second run exits with status 3 at once
(or waits up to --wait seconds for the first to finish).

Exit status: 0 ok, 1 a stage failed, 2 bad arguments, 3 locked by another run.
"""


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m helpers``."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers",
        description="China auto-news notebook suite: run the stage notebooks with papermill.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    # NOTE: helpers/__main__.py dispatches these two before this parser runs (the pipeline
    # does not import the developer tools); they are listed here so --help names them.
    sub.add_parser("evaluate", help="score facts against a gold CSV (evaluate --help)")
    sub.add_parser("calibrate", help="train the facts' confidence model (calibrate --help)")
    sub.add_parser("bench", help="benchmark a stage: parse, dedup or noise (bench --help)")
    corr_help = "write a reviewed correction to data/corrections/ (correct --help)"
    sub.add_parser("correct", help=corr_help)
    run = sub.add_parser(
        "run",
        help="execute notebooks/NN_*.ipynb in order into a new run folder",
        description="Execute every stage notebook (notebooks/NN_*.ipynb) in numeric order.",
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--params", type=Path, help="YAML file with run parameters")
    run.add_argument(
        "--raw-dir", help=f"input folder, never written (default {DEFAULTS['raw_dir']})"
    )
    run.add_argument("--processed-dir", help="stage tables (default data/processed)")
    run.add_argument("--reports-dir", help="where run folders go (default reports)")
    run.add_argument("--labels", choices=LABEL_LANGUAGES, help="chart label language (zh-Hans)")
    only_help = "run only this stage (name, NN or NN_name); repeatable or comma list"
    run.add_argument("--only", action="append", metavar="STAGE", help=only_help)
    from_help = "run this stage and every later one"
    run.add_argument("--from", dest="start_from", metavar="STAGE", help=from_help)
    inc_help = "reuse results of raw files unchanged since the last good run (sha256)"
    run.add_argument("--incremental", action="store_true", default=None, help=inc_help)
    since_help = "tables and charts only for articles published on or after YYYY-MM-DD"
    run.add_argument("--since", metavar="YYYY-MM-DD", help=since_help)
    conf_help = (
        "facts below this confidence (0-1) go to the review table instead of tables and "
        f"charts (default {DEFAULTS['min_confidence']})"
    )
    run.add_argument("--min-confidence", type=float, metavar="X", help=conf_help)
    nb_help = "folder of the stage notebooks (default notebooks/)"
    run.add_argument("--notebooks-dir", help=nb_help)
    exec_help = (
        "papermill: a fresh Jupyter kernel per notebook (default, as scheduled runs should); "
        "inprocess: the same notebooks in this Python process, seconds faster per notebook"
    )
    run.add_argument("--executor", choices=EXECUTORS, help=exec_help)
    corr_help = (
        "folder of reviewed corrections, *.yaml (default data/corrections; python -m helpers "
        "correct writes them); a missing folder holds none"
    )
    run.add_argument("--corrections-dir", metavar="DIR", help=corr_help)
    engine_help = (
        "local: stages 01-03 run their partitions in the notebook's process (default); "
        "dask: on a dask.distributed cluster (see --scheduler, --workers)"
    )
    run.add_argument("--engine", choices=ENGINES, help=engine_help)
    sched_help = "address of a running dask scheduler (tcp://HOST:8786); default: a LocalCluster"
    run.add_argument("--scheduler", metavar="ADDRESS", help=sched_help)
    workers_help = "workers of the LocalCluster --engine dask starts (default: one per core)"
    run.add_argument("--workers", type=int, metavar="N", help=workers_help)
    part_help = f"raw MB per stage-01 partition (default {DEFAULTS['partition_mb']})"
    run.add_argument("--partition-mb", type=int, metavar="MB", help=part_help)
    run.add_argument("--wait", type=float, help="seconds to wait for another run's lock (0)")
    keep_help = "after the run, delete all but the N newest run folders (never the latest good)"
    run.add_argument("--keep", type=int, metavar="N", help=keep_help)
    pdf_help = "do not print report.pdf (by default headless Chromium prints it where installed)"
    run.add_argument("--no-pdf", dest="pdf", action="store_false", default=None, help=pdf_help)
    return parser


def load_params_file(path: Path) -> dict[str, object]:
    """Read a --params YAML file into RunConfig-style keys; unknown keys are an error."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise RunError(f"cannot read --params {path}: {err}", EXIT_USAGE) from err
    if not isinstance(data, dict):
        raise RunError(f"--params {path} must be a mapping of names to values", EXIT_USAGE)
    unknown = sorted(set(data) - set(PARAMS_FILE_KEYS))
    if unknown:
        raise RunError(
            f"--params {path}: unknown key(s) {unknown}; allowed: {sorted(PARAMS_FILE_KEYS)}",
            EXIT_USAGE,
        )
    return {PARAMS_FILE_KEYS[k]: v for k, v in data.items()}


def _split_only(values: object) -> tuple[str, ...]:
    if values is None:
        return ()
    items = [values] if isinstance(values, str | int) else list(values)  # type: ignore[arg-type]
    return tuple(part.strip() for v in items for part in str(v).split(",") if part.strip())


def _corrections_dir(value: object) -> Path:
    corrections_dir = paths.resolve(str(value))
    if value != RUN_DEFAULTS["corrections_dir"] and not corrections_dir.is_dir():
        # NOTE: the default folder may be absent (no corrections yet); one named on purpose
        # that does not exist is a typo, and running without it would drop reviewed decisions.
        raise RunError(f"--corrections-dir {corrections_dir} is not a folder", EXIT_USAGE)
    return corrections_dir


def _min_confidence(value: object) -> float:
    try:
        return parse_min_confidence(DEFAULTS["min_confidence"] if value is None else value)
    except ParameterError as err:
        raise RunError(str(err), EXIT_USAGE) from err


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """Merge defaults, the params file and flags (in that order) into a RunConfig."""
    merged = dict(RUN_DEFAULTS)
    if args.params:
        merged.update(load_params_file(args.params))
    for key in RUN_DEFAULTS:
        value = getattr(args, key, None)
        if value is not None:
            merged[key] = value
    if merged["labels"] not in LABEL_LANGUAGES:
        raise RunError(f"labels must be one of {LABEL_LANGUAGES}", EXIT_USAGE)
    corrections_dir = _corrections_dir(merged["corrections_dir"])
    min_confidence = _min_confidence(merged["min_confidence"])
    return RunConfig(
        raw_dir=paths.resolve(str(merged["raw_dir"])),
        processed_dir=paths.resolve(str(merged["processed_dir"])),
        reports_dir=paths.resolve(str(merged["reports_dir"])),
        labels=str(merged["labels"]),
        only=_split_only(merged["only"]),
        start_from=str(merged["start_from"]) if merged["start_from"] is not None else None,
        wait_seconds=float(merged["wait"]),
        notebooks_dir=paths.resolve(str(merged["notebooks_dir"])),
        incremental=bool(merged["incremental"]),
        since=str(merged["since"] or ""),
        min_confidence=min_confidence,
        executor=str(merged["executor"]),
        corrections_dir=corrections_dir,
        pdf=bool(merged["pdf"]),
        engine=_engine_settings(merged),
    )


def _engine_settings(merged: dict[str, object]) -> EngineSettings:
    """The engine flags, checked: a scheduler or workers only with ``--engine dask``."""
    name, scheduler = str(merged["engine"]), str(merged["scheduler"] or "")
    workers = merged["workers"]
    if name not in ENGINES:
        raise RunError(f"engine must be one of {ENGINES}, got {name!r}", EXIT_USAGE)
    if name == "local" and (scheduler or workers is not None):
        raise RunError("--scheduler and --workers need --engine dask", EXIT_USAGE)
    if workers is not None:
        _whole_number("--workers", workers)
    partition_mb = _whole_number("--partition-mb", merged["partition_mb"])
    return EngineSettings(name, scheduler, workers, partition_mb)  # type: ignore[arg-type]


def _whole_number(flag: str, value: object) -> int:
    """``value`` when it is a whole number of at least 1, else a usage error naming ``flag``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RunError(f"{flag} takes a whole number of at least 1, got {value!r}", EXIT_USAGE)
    return value


def _keep_from_args(args: argparse.Namespace) -> int | None:
    keep = args.keep
    if keep is None and args.params:
        keep = load_params_file(args.params).get("keep")
    if keep is not None and (not isinstance(keep, int) or keep < 1):
        raise RunError(f"--keep takes a whole number of at least 1, got {keep!r}", EXIT_USAGE)
    return keep


def cmd_run(args: argparse.Namespace) -> int:
    """Run the suite; print progress and where the report is."""
    config = config_from_args(args)
    keep = _keep_from_args(args)
    outcome = run_pipeline(config, echo=lambda line: print(line, flush=True))
    if keep is not None:
        for name in runs.prune_runs(config.reports_dir, keep):
            print(f"pruned old run {name}")
    if not outcome.ok:
        print(f"error: {outcome.message}", file=sys.stderr)
        print(f"run folder (failed run): {outcome.run_dir}", file=sys.stderr)
        return EXIT_FAILED
    print(f"report: {outcome.run_dir}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return cmd_run(args)
    except RunError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code

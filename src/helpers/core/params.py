"""The parameters every stage notebook shares, declared once.

The runner checks each notebook's ``parameters`` cell against :data:`PARAMETERS` before
anything runs, and the notebook skeleton is generated from it, so the names cannot drift.

Example:
    >>> validate_parameters({"labels": "zh-Hant"})["labels"]
    'zh-Hant'
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> stage_dirs(d, d + "/处理", d + "/运行").figures.name
    'figures'
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from helpers.core.partitions import DEFAULT_PARTITION_MB, ENGINES
from helpers.core.paths import resolve

LABEL_LANGUAGES = ("zh-Hans", "zh-Hant", "en")


@dataclass(frozen=True)
class Parameter:
    """One notebook parameter: name, Python type name, default literal, comment."""

    name: str
    type_name: str
    default: str | bool | int | float
    comment: str


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("raw_dir", "str", "data/raw/sample", "input folder; read only, never written"),
    Parameter("processed_dir", "str", "data/processed", "stage outputs (tables) go here"),
    Parameter("run_dir", "str", "reports/interactive", "this run's figures/ and tables/"),
    Parameter("labels", "str", "zh-Hans", "chart label language: zh-Hans | zh-Hant | en"),
    Parameter("incremental", "bool", False, "reuse results of unchanged inputs from the last run"),
    Parameter("since", "str", "", "only articles from this YYYY-MM-DD on in tables; empty: all"),
    Parameter("corrections_dir", "str", "data/corrections",
              "reviewed corrections (*.yaml); none if absent"),
    # NOTE: default 0 (chart every fact, queue none). The threshold the calibration chose on
    # round 1 (0.9: charted precision 0.978 leave-one-article-out) did not hold on fresh pages:
    # on round 2 (45+3 unseen pages) charted precision was 0.54-0.60 at every threshold from 0
    # to 0.93 while coverage fell to a third (benchmarks/confidence.md). A gate that removes
    # two thirds of the figures without making the rest more right does not belong on by default.
    Parameter("min_confidence", "float", 0.0, "facts below it (0-1) go to review, not charts"),
    # issue 17: how stages 01-03 run their partitions (helpers.core.partitions)
    Parameter("engine", "str", "local", "local: one process | dask: a dask.distributed cluster"),
    Parameter("scheduler", "str", "", "dask scheduler address; empty: a LocalCluster per core"),
    Parameter("partition_mb", "int", DEFAULT_PARTITION_MB, "raw MB per stage-01 partition"),
)  # fmt: skip
PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "str": str, "bool": bool, "int": int, "float": (float, int),
}  # fmt: skip
PARAMETER_NAMES = tuple(p.name for p in PARAMETERS)
DEFAULTS = {p.name: p.default for p in PARAMETERS}


def _literal(value: str | bool | int | float) -> str:
    """Python source for a default; json.dumps gives the double quotes ruff-format wants."""
    return repr(value) if isinstance(value, bool | int) else json.dumps(value, ensure_ascii=False)


# NOTE: literals only in the parameters cell: papermill replaces it by an injected cell and
# does not recompute anything derived from the defaults (PITFALLS.md), so derived values
# live in the setup cell below it. Comments must not contain "=": papermill's parser skips
# any line holding two of them.
PARAMETERS_SOURCE = "\n".join(
    f"{p.name}: {p.type_name} = {_literal(p.default)}  # {p.comment}" for p in PARAMETERS
)
SETUP_SOURCE = (
    "from helpers.core import io, params\n\n"
    'params.validate_parameters({"labels": labels, "since": since, '
    '"min_confidence": min_confidence})\n'
    "dirs = params.stage_dirs(raw_dir, processed_dir, run_dir)"
)


class ParameterError(ValueError):
    """A parameter value or name that the suite does not accept."""


def validate_parameters(values: dict[str, object]) -> dict[str, object]:
    """Check names, types and values; return them unchanged or raise :class:`ParameterError`.

    Example:
        >>> validate_parameters({"min_confidence": 0.9})["min_confidence"]
        0.9
        >>> validate_parameters({"min_confidence": 1.5})
        Traceback (most recent call last):
        ...
        helpers.core.params.ParameterError: min_confidence must lie between 0 and 1, got 1.5
    """
    unknown = sorted(set(values) - set(PARAMETER_NAMES))
    if unknown:
        raise ParameterError(f"unknown parameter(s) {unknown}; known: {list(PARAMETER_NAMES)}")
    for p in PARAMETERS:
        if p.name in values and not _has_type(values[p.name], p.type_name):
            raise ParameterError(
                f"parameter {p.name} must be a {p.type_name}, got {values[p.name]!r}"
            )
    if "labels" in values and values["labels"] not in LABEL_LANGUAGES:
        raise ParameterError(f"labels must be one of {LABEL_LANGUAGES}, got {values['labels']!r}")
    if values.get("since"):
        parse_since(str(values["since"]))
    if "min_confidence" in values:
        parse_min_confidence(values["min_confidence"])
    _check_engine(values)
    return values


def _check_engine(values: dict[str, object]) -> None:
    """The engine parameters of issue 17: a known engine, partitions of at least 1 MB."""
    if "engine" in values and values["engine"] not in ENGINES:
        raise ParameterError(f"engine must be one of {ENGINES}, got {values['engine']!r}")
    mb = values.get("partition_mb", 1)
    if isinstance(mb, int) and mb < 1:
        raise ParameterError(f"partition_mb must be at least 1, got {mb!r}")


def _has_type(value: object, type_name: str) -> bool:
    """``isinstance`` by the declared type name; a bool is no number (True is not 1 here)."""
    if type_name in ("float", "int") and isinstance(value, bool):
        return False
    return isinstance(value, PYTHON_TYPES[type_name])


def parse_min_confidence(value: object) -> float:
    """The ``min_confidence`` parameter as a float in 0..1 (a flag or YAML value may be text).

    Example:
        >>> parse_min_confidence("0.85"), parse_min_confidence(1)
        (0.85, 1.0)
    """
    if isinstance(value, bool):
        raise ParameterError(f"min_confidence must be a number between 0 and 1, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(
            f"min_confidence must be a number between 0 and 1, got {value!r}"
        ) from None
    if not 0.0 <= number <= 1.0:  # also false for NaN
        raise ParameterError(f"min_confidence must lie between 0 and 1, got {value!r}")
    return number


def parse_since(since: str) -> dt.date | None:
    """Parse the ``since`` parameter: '' means no limit, else an ISO date.

    Example:
        >>> parse_since("2025-07-01")
        datetime.date(2025, 7, 1)
    """
    if not since:
        return None
    try:
        return dt.date.fromisoformat(since)
    except ValueError:
        raise ParameterError(f"since must be YYYY-MM-DD, got {since!r}") from None


@dataclass(frozen=True)
class StageDirs:
    """Resolved folders a stage reads and writes."""

    raw: Path
    processed: Path
    run: Path
    figures: Path
    tables: Path


def stage_dirs(raw_dir: str, processed_dir: str, run_dir: str) -> StageDirs:
    """Resolve the folder parameters and create the output folders.

    Args:
        raw_dir: input folder (must exist).
        processed_dir: folder for stage tables.
        run_dir: this run's report folder.

    Returns:
        The absolute folders; ``processed``, ``figures`` and ``tables`` exist afterwards.
    """
    raw, processed, run = resolve(raw_dir), resolve(processed_dir), resolve(run_dir)
    if not raw.is_dir():
        raise FileNotFoundError(f"raw_dir {raw} is not a folder: pass --raw-dir DIR")
    dirs = StageDirs(raw, processed, run, run / "figures", run / "tables")
    for folder in (dirs.processed, dirs.figures, dirs.tables):
        folder.mkdir(parents=True, exist_ok=True)
    return dirs

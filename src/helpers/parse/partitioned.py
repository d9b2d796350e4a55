r"""Stage 01 over partitions: raw files in groups, each parsed by a worker into table parts.

:func:`parse_to_parts` is what ``notebooks/01_parse.ipynb`` calls. The raw files (sorted, as
:func:`helpers.parse.folder.parse_raw_dir` reads them) are grouped into partitions of about
``partition_mb`` (a file is never split); an engine
(:mod:`helpers.core.partitions`) runs :func:`parse_partition` on each, which parses its files
with the same :func:`helpers.parse.folder.parse_file` and writes its ``articles`` and
``cleaning_log`` rows as one part of each partitioned table. Only the small tables
(``parse_report``, ``quarantine``) and one id per article come back.

Article ids: :func:`helpers.parse.folder.article_ids` numbers the k-th repeat of one text
over the whole corpus (``#k``). A partition numbers its own repeats; afterwards the repeats
of a text an earlier partition holds are renumbered (:func:`renumber_partition`), so every
id equals a whole-corpus run's, whatever the partition size or engine (tested).

Example:
    >>> import tempfile
    >>> from helpers.core.partitions import LocalEngine
    >>> from helpers.parse import parse_raw_dir
    >>> d, out_dir = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    >>> body = "示例车企十月出口汽车三万辆，同比增长两成，欧洲市场贡献最大。" * 3
    >>> for i in range(3):
    ...     _ = (d / f"{i}.txt").write_text(f"#汽车\\n出口\\n{body} (示例周刊)\\n", "utf-8")
    >>> out = parse_to_parts(d, out_dir / "处理", engine=LocalEngine(progress=None),
    ...                      partition_bytes=1)
    >>> ids = io.read_table(out.tables["articles"], columns=["article_id"])["article_id"]
    >>> ids.tolist() == parse_raw_dir(d).articles["article_id"].tolist()
    True
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from helpers.core import io
from helpers.core.partitions import Engine, LocalEngine, plan_partitions
from helpers.parse import cache as incremental
from helpers.parse import rawfiles
from helpers.parse.folder import (
    OUTPUT_FILES,
    _assemble,
    _merge_previous,
    _sha256_or_none,
    _skipped_rows,
    _tidy_report,
    check_parser_libraries,
    parse_file,
)
from helpers.parse.ledger import ID_HEX_CHARS, ParseResult
from helpers.text.script import fold_nfkc

PARTITIONED = ("articles", "cleaning")  # tables that grow with the corpus: one part each
# What notebook 01 checks and shows of every article (bodies stay on disk).
SUMMARY_COLUMNS = [
    "article_id",
    "source_file",
    "source_line",
    "title",
    "source_name",
    "published_date",
    "encoding",
    "script",
    "quality_score",
    "flags",
]


@dataclass(frozen=True)
class ParseTask:
    """One partition: its files (names relative to ``raw_dir``) and where its parts go."""

    index: int
    raw_dir: str
    files: tuple[str, ...]
    hashes: tuple[str | None, ...]
    version: str
    reused: tuple[str, ...]  # files whose rows come from the previous run
    previous_dir: str  # the previous run's processed folder ('' when nothing is reused)
    out_dirs: tuple[tuple[str, str], ...]  # (table, folder of its parts)


@dataclass(frozen=True)
class PartitionSummary:
    """What a partition sends back: the small tables and each article's text key."""

    index: int
    report: pd.DataFrame
    quarantine: pd.DataFrame
    text_keys: list[str]  # per article: the id of its text's first copy (sha256 prefix)
    ids: list[str]  # the ids the partition gave (local repeat numbers)


@dataclass(frozen=True)
class PartsResult:
    """Stage 01's outputs: the partitioned tables' folders and the small tables."""

    tables: dict[str, Path]  # articles, cleaning -> their folders (after the run)
    report: pd.DataFrame
    quarantine: pd.DataFrame
    n_partitions: int
    n_articles: int


def text_key(title: object, body: str) -> str:
    """The id of the first copy of a text (what :func:`article_ids` hashes), repeats apart.

    Example:
        >>> text_key("出口", "正文") == text_key("出口", "正文")
        True
    """
    text = fold_nfkc(f"{'' if title is None or pd.isna(title) else title}\n{body}")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_HEX_CHARS]


def repeat_id(title: object, body: str, k: int) -> str:
    """The id of the ``k``-th copy of a text (k >= 2), as :func:`article_ids` makes it."""
    text = fold_nfkc(f"{'' if title is None or pd.isna(title) else title}\n{body}")
    return hashlib.sha256(f"{text}\n#{k}".encode()).hexdigest()[:ID_HEX_CHARS]


def _previous_rows(previous_dir: str, files: tuple[str, ...]) -> ParseResult:
    """The previous run's rows of ``files`` (read with a filter: no full table in memory)."""
    folder = Path(previous_dir)
    return ParseResult(
        **{
            name: io.read_table(folder / file, where=("source_file", list(files)))
            for name, file in OUTPUT_FILES.items()
        }
    )


def parse_partition(task: ParseTask) -> PartitionSummary:
    """Parse one partition's files (or reuse their previous rows); write its parts.

    Returns:
        The partition's report and quarantine rows and the text key of each article.
    """
    raw_dir = Path(task.raw_dir)
    ledgers, rows = [], []
    for name, sha in zip(task.files, task.hashes, strict=True):
        if name in task.reused:
            continue
        ledger, row = parse_file(raw_dir / name, raw_dir)
        ledgers.append(ledger)
        rows.append({**row, "sha256": sha, "parser_version": task.version})
    result = _assemble(ledgers, rows)
    if task.reused:
        previous = _previous_rows(task.previous_dir, task.reused)
        result = _merge_previous(result, previous, set(task.reused), list(task.files))
        if not rows:
            # NOTE: every file reused: the empty fresh report (float columns) must not turn
            # the reused rows' integer columns into floats.
            report = _tidy_report(previous.report.reset_index(drop=True))
            result = replace(result, report=report.sort_values("source_file", kind="stable"))
    out = dict(task.out_dirs)
    for name in PARTITIONED:
        io.write_part(getattr(result, name), out[name], task.index)
    articles = result.articles
    keys = [text_key(t, b) for t, b in zip(articles["title"], articles["body"], strict=True)]
    return PartitionSummary(
        task.index, result.report, result.quarantine, keys, articles["article_id"].tolist()
    )


def global_repeats(summaries: list[PartitionSummary]) -> dict[int, dict[int, int]]:
    """Per partition: ``{row: k}`` of the articles whose repeat number changes corpus-wide.

    An article is the k-th copy of its text corpus-wide when earlier partitions hold
    ``k - local`` copies of it.

    Example:
        >>> s = [PartitionSummary(0, None, None, ["t", "u"], []),
        ...      PartitionSummary(1, None, None, ["t", "t"], [])]
        >>> global_repeats(s)
        {1: {0: 2, 1: 3}}
    """
    seen: Counter[str] = Counter()
    fixes: dict[int, dict[int, int]] = {}
    for summary in summaries:
        local: Counter[str] = Counter()
        for row, key in enumerate(summary.text_keys):
            local[key] += 1
            if seen[key]:
                fixes.setdefault(summary.index, {})[row] = seen[key] + local[key]
        seen.update(local)
    return fixes


def renumber_partition(item: tuple[int, dict[int, int]], *, out_dirs: tuple) -> list[str]:
    """Give rows of a written partition their corpus-wide repeat ids; rewrite its parts.

    Args:
        item: ``(partition index, {row: k})`` from :func:`global_repeats`.
        out_dirs: ``(table, folder)`` pairs of the parts.

    Returns:
        The partition's article ids after renumbering.
    """
    index, fixes = item
    out = dict(out_dirs)
    path = Path(out["articles"]) / f"{io.PART_PREFIX}{index:05d}.parquet"
    articles = io.read_table(path)
    old = articles["article_id"].tolist()
    new = list(old)
    for row, k in fixes.items():
        new[row] = repeat_id(articles.at[row, "title"], articles.at[row, "body"], k)
    articles["article_id"] = new
    remap = {
        (src, a): b for src, a, b in zip(articles["source_file"], old, new, strict=True) if a != b
    }
    cleaning_path = Path(out["cleaning"]) / path.name
    cleaning = io.read_table(cleaning_path)
    cleaning["article_id"] = [
        remap.get((src, a), a)
        for src, a in zip(cleaning["source_file"], cleaning["article_id"], strict=True)
    ]
    io.write_table(articles, path)
    io.write_table(cleaning, cleaning_path)
    return new


def plan_tasks(
    raw_dir: Path,
    out_dirs: dict[str, Path],
    *,
    partition_bytes: int,
    previous_dir: Path | None = None,
) -> tuple[list[ParseTask], list[dict]]:
    """The partitions of a raw folder, and the report rows of the files not read."""
    files, skipped = rawfiles.list_raw_files(raw_dir)
    names = [p.relative_to(raw_dir).as_posix() for p in files]
    hashes = [_sha256_or_none(p) for p in files]
    version = incremental.parser_version()
    reused = _reusable(previous_dir, names, hashes, version)
    base = ParseTask(0, str(raw_dir), (), (), version, (), str(previous_dir) if reused else "",
                     tuple((k, str(v)) for k, v in out_dirs.items()))  # fmt: skip
    sizes = [rawfiles_size(p) for p in files]
    tasks = [
        replace(base, index=i, files=tuple(names[j] for j in part),
                hashes=tuple(hashes[j] for j in part), reused=_reused_in(part, names, reused))
        for i, part in enumerate(plan_partitions(sizes, partition_bytes))
    ]  # fmt: skip
    return tasks, _skipped_rows(skipped, raw_dir)


def _reused_in(part: list[int], names: list[str], reused: set[str]) -> tuple[str, ...]:
    """The files of a partition whose previous rows are reused."""
    return tuple(names[j] for j in part if names[j] in reused)


def _reusable(
    previous_dir: Path | None, names: list[str], hashes: list[str | None], version: str
) -> set[str]:
    """Files whose previous rows can be reused (``--incremental``; see parse.cache)."""
    report = load_report(previous_dir) if previous_dir else None
    if report is None:
        return set()
    readable = {n: sha for n, sha in zip(names, hashes, strict=True) if sha}
    return incremental.reusable_files(report, readable, version)


def load_report(processed_dir: Path) -> pd.DataFrame | None:
    """The previous run's ``parse_report`` when its stage-01 tables are complete, else None.

    Example:
        >>> import tempfile
        >>> load_report(Path(tempfile.mkdtemp())) is None
        True
    """
    paths = [Path(processed_dir) / f for f in OUTPUT_FILES.values()]
    return io.read_table(paths[2]) if all(p.exists() for p in paths) else None


def rawfiles_size(path: Path) -> int:
    """Bytes of a raw file (0 when it cannot be read: it is quarantined, not planned for)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _renumber(engine: Engine, summaries: list[PartitionSummary], out_dirs: tuple) -> list[str]:
    """Give corpus-wide repeat numbers (:func:`global_repeats`); return every id, in order."""
    fixes = global_repeats(summaries)
    renumbered = engine.map(renumber_partition, sorted(fixes.items()), label="01_parse ids",
                            out_dirs=out_dirs)  # fmt: skip
    ids = {s.index: s.ids for s in summaries}
    ids.update(dict(zip(sorted(fixes), renumbered, strict=True)))
    all_ids = [a for i in sorted(ids) for a in ids[i]]
    assert len(set(all_ids)) == len(all_ids), "article_id collision: raise ID_HEX_CHARS"
    return all_ids


def _small_tables(
    skipped: list[dict], summaries: list[PartitionSummary]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``parse_report`` (skipped files too) and ``quarantine`` of every partition, in order."""
    reports = [pd.DataFrame(skipped)] + [s.report for s in summaries]
    report = _tidy_report(pd.concat([r for r in reports if len(r)] or reports[:1],
                                    ignore_index=True))  # fmt: skip
    quarantine = pd.concat([_assemble([], []).quarantine] + [s.quarantine for s in summaries],
                           ignore_index=True)  # fmt: skip
    quarantine["source_line"] = quarantine["source_line"].astype("Int64")
    return report.sort_values("source_file", kind="stable").reset_index(drop=True), quarantine


def parse_to_parts(
    raw_dir: Path,
    processed_dir: Path,
    *,
    engine: Engine | None = None,
    partition_bytes: int = 16 << 20,
    previous_dir: Path | None = None,
) -> PartsResult:
    """Run stage 01 over partitions; write ``articles`` and ``cleaning_log`` as parts.

    Args:
        raw_dir: the raw folder; read only.
        processed_dir: where the tables go (``articles.parquet/``, ``cleaning_log.parquet/``
            folders of parts; the notebook writes the small tables).
        engine: runs the partitions (default: :class:`LocalEngine`).
        partition_bytes: raw bytes per partition (a file is never split).
        previous_dir: ``--incremental``: the processed folder of the last good run; files
            unchanged since (sha256, parser version) keep their rows.

    Returns:
        The tables' folders, the report and quarantine tables, counts.
    """
    check_parser_libraries()
    engine = engine or LocalEngine()
    raw_dir, processed_dir = Path(raw_dir), Path(processed_dir)
    targets = {name: processed_dir / OUTPUT_FILES[name] for name in PARTITIONED}
    work = {name: io.new_table_dir(path) for name, path in targets.items()}
    tasks, skipped = plan_tasks(raw_dir, work, partition_bytes=partition_bytes,
                                previous_dir=previous_dir)  # fmt: skip
    summaries = engine.map(parse_partition, tasks, label="01_parse")
    if not tasks:  # an empty folder: empty tables with their columns
        empty = _assemble([], [])
        for name in PARTITIONED:
            io.write_part(getattr(empty, name), work[name], 0)
    all_ids = _renumber(engine, summaries, tuple((k, str(v)) for k, v in work.items()))
    report, quarantine = _small_tables(skipped, summaries)
    for name, path in targets.items():
        io.replace_table(work[name], path)
    return PartsResult(
        tables=targets,
        report=report,
        quarantine=quarantine,
        n_partitions=len(tasks),
        n_articles=len(all_ids),
    )

"""Stage 03 over partitions: article batches read by workers, the facts gathered.

:func:`extract_to_parts` is what ``notebooks/03_facts.ipynb`` calls. The articles table of
stage 02 is cut into batches of whole raw files (:func:`plan_batches`: the date a dump's
undated articles borrow from their neighbours, and each article's position in its file, are
then the same as in one pass); an engine (:mod:`helpers.core.partitions`) runs
:func:`extract_batch` on each, which reads only its batch's rows (no ``body_raw``), calls the
same :func:`helpers.facts.extract.extract_facts` and :func:`helpers.facts.extract.facts_log`,
and checks every span against the body it has at hand. Only facts and log rows come back;
no process holds every body.

The facts table is then written partitioned by the month its article was published
(:func:`write_facts`): ``facts.parquet/month=2025-11/part-00000.parquet`` (``undated`` for
articles without a date), which DuckDB and pyarrow read month by month.

Example:
    >>> import tempfile
    >>> from helpers.core.partitions import LocalEngine
    >>> d = Path(tempfile.mkdtemp())
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "source_file": ["1.txt", "2.txt"],
    ...     "source_line": [1, 1], "is_canonical": [True, True], "read_spans": ["", ""],
    ...     "body": ["蕪湖出口汽車超83萬輛。", "小馬智行車隊規模超720輛。"],
    ...     "published_date": ["2025-12-01", "2025-11-06"]})
    >>> path = io.write_table(arts, d / "articles_dedup.parquet")
    >>> out = extract_to_parts(path, engine=LocalEngine(progress=None), batch_articles=1)
    >>> out.facts[["article_id", "value"]].values.tolist(), out.n_batches, out.bad_spans
    ([['a', 830000.0], ['b', 720.0]], 2, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.core import io
from helpers.core.partitions import Engine, LocalEngine, plan_partitions
from helpers.facts import corrections
from helpers.facts.extract import extract_facts, facts_log

# Columns stage 03 reads of stage 02's articles (``body_raw`` and titles stay on disk).
INPUT_COLUMNS = (
    "article_id",
    "source_file",
    "source_line",
    "body",
    "published_date",
    "is_canonical",
    "read_spans",
    "quality_score",
)
# What notebook 03 reads of every article to say what is read (no bodies).
SELECTION_COLUMNS = ("article_id", "source_file", "is_canonical", "read_spans")
DEFAULT_BATCH_ARTICLES = 2_000  # articles per batch (whole raw files: a batch may be larger)
MONTH_KEY = "month"
UNDATED = "undated"


@dataclass(frozen=True)
class FactsTask:
    """One batch: a part of the articles table and the raw files of it to read."""

    index: int
    part: str
    files: tuple[str, ...] | None  # None: the whole part
    previous_dir: str  # '' unless --incremental found the previous run's tables


@dataclass(frozen=True)
class FactsBatch:
    """What a batch sends back."""

    facts: pd.DataFrame
    log: pd.DataFrame
    months: pd.Series  # per fact: its article's publication month (or "undated")
    bad_spans: int  # facts whose span does not hold their number text (must be 0)


@dataclass(frozen=True)
class FactsParts:
    """Stage 03's extraction over every batch, in article order."""

    facts: pd.DataFrame
    log: pd.DataFrame
    months: pd.Series
    bad_spans: int
    n_batches: int


def plan_batches(
    table: Path, batch_articles: int = DEFAULT_BATCH_ARTICLES, previous_dir: Path | None = None
) -> list[FactsTask]:
    """Batches of whole raw files, part by part of the articles table (in its order).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> p = io.write_table(pd.DataFrame({"source_file": ["甲", "甲", "乙"]}), d / "a.parquet")
        >>> [t.files for t in plan_batches(p, batch_articles=1)]
        [('甲',), ('乙',)]
    """
    tasks = []
    for part in io.table_parts(table):
        files = io.read_table(part, columns=["source_file"])["source_file"].astype(str)
        counts = files.value_counts(sort=False).reindex(files.unique())
        groups = plan_partitions(counts.tolist(), batch_articles)
        whole = len(groups) == 1
        for group in groups:
            names = None if whole else tuple(counts.index[i] for i in group)
            tasks.append(FactsTask(len(tasks), str(part), names, str(previous_dir or "")))
    return tasks


def _read_batch(task: FactsTask) -> pd.DataFrame:
    columns = io.present_columns(task.part, INPUT_COLUMNS)
    where = ("source_file", list(task.files)) if task.files is not None else None
    return io.read_table(task.part, columns=columns, where=where)


def _previous(task: FactsTask, articles: pd.DataFrame):
    """The previous run's facts and log rows of this batch's articles (as extracted)."""
    if not task.previous_dir:
        return None
    folder = Path(task.previous_dir)
    files = articles["source_file"].astype(str).unique().tolist()
    old = io.read_table(folder / "facts.parquet", where=("source_file", files))
    log = io.read_table(folder / "facts_log.parquet", where=("article_id", articles["article_id"]))
    return corrections.uncorrected(old), log


def count_bad_spans(facts: pd.DataFrame, articles: pd.DataFrame) -> int:
    """Facts read from an article whose span does not hold their ``number_text``.

    Example:
        >>> a = pd.DataFrame({"article_id": ["a"], "body": ["出口72萬輛"]})
        >>> f = pd.DataFrame({"article_id": ["a", "a"], "char_start": [2, 0],
        ...                   "char_end": [5, 2], "number_text": ["72萬", "72"]})
        >>> count_bad_spans(f, a)
        1
    """
    read = facts[facts["article_id"] != ""]
    bodies = dict(zip(articles["article_id"], articles["body"], strict=True))
    return sum(
        bodies.get(a, "")[s:e] != t
        for a, s, e, t in read[["article_id", "char_start", "char_end", "number_text"]].itertuples(
            index=False
        )
    )


def article_months(facts: pd.DataFrame, articles: pd.DataFrame) -> pd.Series:
    """Per fact: ``YYYY-MM`` of its article's ``published_date``, or ``undated``.

    Example:
        >>> a = pd.DataFrame({"article_id": ["a", "b"], "published_date": ["2025-11-06", None]})
        >>> article_months(pd.DataFrame({"article_id": ["a", "b", ""]}), a).tolist()
        ['2025-11', 'undated', 'undated']
    """
    if "published_date" not in articles:
        return pd.Series(UNDATED, index=facts.index, dtype=object)
    dates = pd.to_datetime(articles["published_date"], errors="coerce")
    month = dates.dt.strftime("%Y-%m").where(dates.notna(), UNDATED)
    of_article = dict(zip(articles["article_id"], month, strict=True))
    # NOTE: object before fillna: with no fact of a dated article the map gives float NaNs
    return facts["article_id"].map(of_article).astype(object).fillna(UNDATED)


def extract_batch(task: FactsTask, *, aliases: tuple[tuple[str, str], ...] = ()) -> FactsBatch:
    """Extract the facts of one batch (and its log rows); check their spans."""
    articles = _read_batch(task)
    found = extract_facts(articles, previous=_previous(task, articles), aliases=aliases)
    log = facts_log(articles, found, aliases)
    months = article_months(found, articles)
    return FactsBatch(found, log, months, count_bad_spans(found, articles))


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate batch frames; empty ones only give the columns (see io._read_parts)."""
    full = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(full, ignore_index=True) if len(full) > 1 else full[0].reset_index(drop=True)


def extract_to_parts(
    articles_table: Path,
    *,
    engine: Engine | None = None,
    batch_articles: int = DEFAULT_BATCH_ARTICLES,
    previous_dir: Path | None = None,
    aliases: tuple[tuple[str, str], ...] = (),
) -> FactsParts:
    """Run the extraction of stage 03 over batches of the articles table.

    Args:
        articles_table: stage 02's ``articles_dedup.parquet`` (a file or a folder of parts).
        engine: runs the batches (default: :class:`LocalEngine`).
        batch_articles: articles per batch (whole raw files: a large file is one batch).
        previous_dir: ``--incremental``: the last good run's processed folder.
        aliases: reviewed aliases (``alias`` corrections).

    Returns:
        The facts (as :func:`helpers.facts.extract.extract_facts` gives them for the whole
        table), the facts log, each fact's month and the number of broken spans.
    """
    engine = engine or LocalEngine()
    prev = previous_dir if previous_dir and _has_previous(Path(previous_dir)) else None
    tasks = plan_batches(Path(articles_table), batch_articles, prev)
    batches = engine.map(extract_batch, tasks, label="03_facts", aliases=tuple(aliases))
    if not batches:  # no articles: one empty batch gives the tables their columns
        first = io.table_parts(articles_table)[0]
        batches = [extract_batch(FactsTask(0, str(first), (), ""), aliases=aliases)]
    return FactsParts(
        facts=_concat([b.facts for b in batches]),
        log=_concat([b.log for b in batches]),
        months=pd.concat([b.months for b in batches], ignore_index=True).astype(object),
        bad_spans=sum(b.bad_spans for b in batches),
        n_batches=len(tasks),
    )


def _has_previous(folder: Path) -> bool:
    return (folder / "facts.parquet").exists() and (folder / "facts_log.parquet").exists()


def write_facts(facts: pd.DataFrame, months: pd.Series, target: Path) -> Path:
    """Write the facts table partitioned by month (``month=YYYY-MM/part-00000.parquet``).

    Rows keep their order within a month; reading the folder gives months in order.
    ``months`` must align with ``facts`` (added facts: ``undated``).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()) / "facts.parquet"
        >>> f = pd.DataFrame({"fact_id": ["x", "y", "z"]})
        >>> _ = write_facts(f, pd.Series(["2025-12", "2025-11", "2025-12"]), d)
        >>> io.read_table(d)["fact_id"].tolist(), io.read_table(d, keys=["2025-11"]).shape
        (['y', 'x', 'z'], (1, 1))
    """
    work = io.new_table_dir(target)
    keys = pd.Series(months, dtype=object).reset_index(drop=True)
    facts = facts.reset_index(drop=True)
    if facts.empty:
        io.write_part(facts, work, 0, key=(MONTH_KEY, UNDATED))
    for month in sorted(keys.unique()):
        io.write_part(facts[keys == month], work, 0, key=(MONTH_KEY, str(month)))
    return io.replace_table(work, target)


def months_of(facts: pd.DataFrame, articles_table: Path, run: FactsParts) -> pd.Series:
    """Months of the facts after corrections (``undated`` without an article or a date).

    Extracted facts keep the month their batch gave; added ones are looked up by article.
    """
    known = pd.Series(run.months.to_numpy(), index=run.facts["fact_id"].to_numpy())
    out = facts["fact_id"].map(known)
    missing = out.isna() & (facts["article_id"] != "")
    if missing.any():
        ids = facts.loc[missing, "article_id"].unique().tolist()
        arts = io.read_table(articles_table, columns=["article_id", "published_date"],
                             where=("article_id", ids))  # fmt: skip
        out[missing] = article_months(facts[missing], arts)
    return out.fillna(UNDATED).astype(object)


def recount_log(log: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """The facts log with ``n_facts`` counted on the final table (corrections may add facts).

    Counted as :func:`helpers.facts.extract.facts_log` counts them.

    Example:
        >>> log = pd.DataFrame({"article_id": ["a", "b"], "n_facts": [1, 0]})
        >>> recount_log(log, pd.DataFrame({"article_id": ["a", "b", "b"]}))["n_facts"].tolist()
        [1, 2]
    """
    counts = facts["article_id"].value_counts() if len(facts) else pd.Series(dtype="int64")
    n = log["article_id"].map(counts).fillna(0).astype("int64").to_numpy()
    return log.assign(n_facts=n)


def articles_for_corrections(articles_table: Path, reviewed: list) -> pd.DataFrame:
    """The few articles ``add`` corrections quote (read by id; bodies of the rest stay on disk)."""
    ids = sorted({str(c.fields.get("article_id") or "") for c in reviewed
                  if c.action == "add"} - {""})  # fmt: skip
    columns = ["article_id", "body", "is_canonical", "dup_of"]
    return io.read_table(articles_table, columns=io.present_columns(articles_table, columns),
                         where=("article_id", ids or ["\0"]))  # fmt: skip

"""Stage 03 end to end over article batches: no process holds every fact (issue 17, memory).

:func:`run_stage` is what ``notebooks/03_facts.ipynb`` calls. It gives the tables the
whole-table steps give (:func:`helpers.facts.partitioned.extract_to_parts`, then
``apply_fact_corrections``, ``add_confidence``, ``check_fact_values``, the review table and
``write_facts``), row for row, while the facts stay with the workers:

1. **extract** (workers, :func:`extract_part`): a batch's facts are extracted as
   :func:`helpers.facts.partitioned.extract_batch` does and written to a scratch part with
   their month; back come the log rows, the broken spans and the few facts the reviewed
   corrections name (by fact id, or every fact of an article they name).
2. **corrections** (client): ``apply_fact_corrections`` runs, in file order, over those facts
   only. A correction only ever reads the facts it names and the facts of the article it
   names, so its result and its log row are those of the whole table.
3. **finish** (workers, :func:`finish_part`): each batch takes its corrected rows back, adds
   ``confidence`` (with the added facts of its articles: they count among the figures of their
   sentence), checks its values and writes its facts by month as part ``NNNNN`` (the batch's
   index) of ``facts.parquet``; back come its findings, review rows and summary counts.
4. The added facts are the last part of their month (they are the last rows of the table);
   each month's parts are then merged into one file (:func:`compact_month`), streamed.

Reading ``facts.parquet`` gives the rows in the order the whole-table steps wrote them.

Example:
    >>> import tempfile
    >>> from helpers.core.partitions import LocalEngine
    >>> d = Path(tempfile.mkdtemp())
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "source_file": ["1.txt", "2.txt"],
    ...     "source_line": [1, 1], "is_canonical": [True, True], "read_spans": ["", ""],
    ...     "body": ["蕪湖出口汽車超83萬輛。", "小馬智行車隊規模超720輛。"],
    ...     "published_date": ["2025-12-01", "2025-11-06"]})
    >>> path = io.write_table(arts, d / "articles_dedup.parquet")
    >>> out = run_stage(path, d / "facts.parquet", engine=LocalEngine(progress=None),
    ...                 batch_articles=1)
    >>> io.read_table(d / "facts.parquet")[["article_id", "value"]].values.tolist()
    [['b', 720.0], ['a', 830000.0]]
    >>> out.n_facts, out.n_batches, sum(out.violations.values())
    (2, 2, 0)
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from helpers.catalog import corrections as cor
from helpers.core import findings as fnd
from helpers.core import io
from helpers.core.partitions import Engine, LocalEngine
from helpers.facts import checks, confidence, corrections, partitioned, selection, summary
from helpers.facts.extract import extract_facts, facts_log

MONTH_COLUMN = "__month"  # a scratch part's column: the fact's month (dropped when written)
SCRATCH_SUFFIX = ".scratch"
# What the notebook asserts is 0 (each counted by the batches, summed here).
VIOLATIONS = (
    "broken_spans",  # a span that does not hold its number text
    "facts_of_unread_articles",  # a fact of an article stage 03 must not read
    "duplicate_fact_ids",
    "unflagged_out_of_range",  # an implausible value without its finding
    "findings_not_one_per_flag",
    "unknown_topics",
    "confidence_outside_0_1",
    "review_not_held_back",  # review rows and held-back facts differ
)


@dataclass(frozen=True)
class Targets:
    """What the reviewed corrections read: facts by id, and every fact of some articles."""

    fact_ids: frozenset[str] = frozenset()
    article_ids: frozenset[str] = frozenset()

    def rows(self, facts: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``facts`` a correction reads."""
        keep = facts["fact_id"].isin(self.fact_ids) | facts["article_id"].isin(self.article_ids)
        return facts[keep]


def correction_targets(reviewed: list[cor.Correction]) -> Targets:
    """The fact ids and article ids the ``reject``, ``set`` and ``add`` corrections name.

    An article named by ``seen`` (where a stale correction's fact was) or by an ``add`` is
    read whole: whether it still has facts, and its fact at the quoted span, decide the log.

    Example:
        >>> text = ("- {action: reject, fact_id: f-1, who: a, when: t, why: 重复, "
        ...         "seen: {article_id: a1}}")
        >>> t = correction_targets(cor.parse_corrections(text, "c.yaml"))
        >>> sorted(t.fact_ids), sorted(t.article_ids)
        (['f-1'], ['a1'])
    """
    fact_ids, article_ids = set(), set()
    for c in cor.of_actions(reviewed, cor.FACT_ACTIONS):
        if c.action != "add":
            fact_ids.add(str(c.fields["fact_id"]))
        seen = c.fields.get("seen") or {}
        article_ids |= {str(seen.get("article_id") or ""), str(c.fields.get("article_id") or "")}
    return Targets(frozenset(fact_ids), frozenset(article_ids - {""}))


# --- pass 1: extraction (workers) ---------------------------------------------------------------
@dataclass(frozen=True)
class Extracted:
    """What a batch sends back after extraction (its facts stay in its scratch part)."""

    index: int
    scratch: str
    log: pd.DataFrame
    named: pd.DataFrame  # the facts the corrections read
    template: pd.DataFrame  # its first fact (the columns and their types), or none
    n_facts: int
    articles: dict[str, int]  # articles, canonical ones, copies read in part
    violations: dict[str, int]


def extract_part(
    task: partitioned.FactsTask, *, scratch: str, targets: Targets,
    aliases: tuple[tuple[str, str], ...] = (),
) -> Extracted:  # fmt: skip
    """Extract one batch (as :func:`helpers.facts.partitioned.extract_batch`) into ``scratch``."""
    articles = partitioned._read_batch(task)
    found = extract_facts(articles, previous=partitioned._previous(task, articles),
                          aliases=aliases)  # fmt: skip
    log = facts_log(articles, found, aliases)
    read_ids = set(selection.articles_to_read(articles)["article_id"])
    from_articles = found[found["article_id"] != ""]
    violations = {
        "broken_spans": partitioned.count_bad_spans(found, articles),
        "facts_of_unread_articles": int((~from_articles["article_id"].isin(read_ids)).sum()),
    }
    path = Path(scratch) / f"batch-{task.index:05d}.parquet"
    io.write_table(found.assign(**{MONTH_COLUMN: partitioned.article_months(found, articles)}),
                   path)  # fmt: skip
    canonical = articles["is_canonical"].astype(bool) if "is_canonical" in articles else None
    counts = {"articles": len(articles),
              "canonical": len(articles) if canonical is None else int(canonical.sum()),
              "read": len(read_ids)}  # fmt: skip
    return Extracted(task.index, str(path), log, targets.rows(found), found.head(1), len(found),
                     counts, violations)  # fmt: skip


# --- corrections (client) -----------------------------------------------------------------------
@dataclass(frozen=True)
class Corrected:
    """The corrections' result: the changed rows, the added ones, the log, the final types."""

    changed: pd.DataFrame  # named extracted facts after corrections (review columns set)
    added: pd.DataFrame  # facts added by hand, in correction order (no confidence yet)
    log: pd.DataFrame  # corrections_log rows of the fact corrections
    dtypes: dict[str, object]  # every column's type in the corrected table


def apply_corrections(
    parts: list[Extracted], quoted: pd.DataFrame, reviewed: list[cor.Correction]
) -> Corrected:
    """Apply the fact corrections to the facts they name (the rest are left as extracted).

    NOTE: one extracted fact (a template) joins the named ones when there are any facts, so
    that an added row meets a non-empty table as it does in the whole-table step: its
    columns take the same types.
    """
    named = [p.named for p in parts if len(p.named)]
    template = next((p.template for p in parts if len(p.template)), parts[0].template)
    subset = partitioned._concat([*named, template] if named else [template])
    subset = subset.drop_duplicates("fact_id") if len(subset) else subset
    table, log = corrections.apply_fact_corrections(subset, quoted, reviewed)
    extracted = set(subset["fact_id"])
    is_added = ~table["fact_id"].isin(extracted)
    named_ids = set().union(*(set(p.named["fact_id"]) for p in parts))
    changed = table[table["fact_id"].isin(named_ids)]
    return Corrected(changed, table[is_added], log, dict(table.dtypes))


# --- pass 2: corrections taken back, confidence, checks, written by month (workers) ------------
@dataclass(frozen=True)
class Finished:
    """What a batch sends back once its facts are written."""

    index: int
    findings: pd.DataFrame
    review: pd.DataFrame
    views: summary.Views
    alias_counts: dict[str, int]
    violations: dict[str, int] = field(default_factory=dict)


def with_changes(rows: pd.DataFrame, changed: pd.DataFrame, dtypes: dict) -> pd.DataFrame:
    """``rows`` with review columns, a changed row in place of its extracted one, final types.

    Example:
        >>> rows = pd.DataFrame({"fact_id": ["f1", "f2"], "number_text": ["83萬", "720"],
        ...                      "value": [830000.0, 720.0]})
        >>> changed = corrections.with_review_columns(rows[1:].assign(value=730.0))
        >>> with_changes(rows, changed, dict(changed.dtypes))["value"].tolist()
        [830000.0, 730.0]
    """
    out = corrections.with_review_columns(rows)
    mine = changed[changed["fact_id"].isin(out["fact_id"])]
    if len(mine):
        position = pd.Series(np.arange(len(out)), index=out["fact_id"].to_numpy())
        merged = pd.concat([out[~out["fact_id"].isin(mine["fact_id"])], mine[out.columns]])
        order = np.argsort(position[merged["fact_id"]].to_numpy(), kind="stable")
        out = merged.iloc[order].reset_index(drop=True)
    wrong = {c: t for c, t in dtypes.items() if c in out and out[c].dtype != t}
    return out.astype(wrong) if wrong else out


def score(rows: pd.DataFrame, peers: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with their confidence, counting the ``peers`` of their articles too.

    NOTE: how many figures share a sentence is one of the evidence features: a fact added by
    hand to a batch's article counts among its figures, and an added fact's sentence holds
    the extracted figures of its article, as over the whole table.
    """
    peers = peers[peers["article_id"].isin(set(rows["article_id"]))]
    if peers.empty:
        return confidence.add_confidence(rows)
    scored = confidence.add_confidence(pd.concat([rows, peers], ignore_index=True))
    columns = ["confidence", "confidence_reason"]
    return rows.assign(**{c: scored[c].iloc[: len(rows)].to_numpy() for c in columns})


def finish_rows(
    rows: pd.DataFrame, *, peers: pd.DataFrame, min_confidence: float, alias_texts: tuple[str, ...]
) -> tuple[pd.DataFrame, Finished]:
    """Confidence, value checks, review rows and counts of one part's corrected rows."""
    rows, found = checks.check_fact_values(score(rows, peers))
    review = confidence.review_table(rows, min_confidence)
    flagged = rows["finding"] != ""
    violations = {
        "unflagged_out_of_range": int(checks.out_of_range(rows[~flagged]).sum()) if len(rows)
        else 0,
        "findings_not_one_per_flag": abs(len(found) - int(flagged.sum())),
        "unknown_topics": int((~rows["topic"].isin([*summary.TOPICS, "other"])).sum()),
        "confidence_outside_0_1": int((~rows["confidence"].between(0, 1)).sum()),
        "review_not_held_back": len(
            set(review["fact_id"]) ^ set(rows.loc[confidence.held_back(rows, min_confidence),
                                                  "fact_id"])),
    }  # fmt: skip
    counts = corrections.alias_counts(alias_texts, rows)
    views = summary.views(rows, min_confidence)
    return rows, Finished(-1, found, review, views, counts, violations)


def finish_part(
    part: Extracted, *, corrected: Corrected, min_confidence: float, target: str,
    alias_texts: tuple[str, ...] = (),
) -> Finished:  # fmt: skip
    """Finish one batch: corrections taken back, confidence, checks; its facts written by month."""
    rows = io.read_table(part.scratch)
    months = rows.pop(MONTH_COLUMN)
    rows = with_changes(rows, corrected.changed, corrected.dtypes)
    rows, done = finish_rows(rows, peers=corrected.added, min_confidence=min_confidence,
                             alias_texts=alias_texts)  # fmt: skip
    write_by_month(rows, months, Path(target), part.index)
    return Finished(part.index, done.findings, done.review, done.views, done.alias_counts,
                    done.violations)  # fmt: skip


def compact_month(folder: str) -> int:
    """Merge a month's parts (one per batch) into ``part-00000.parquet``, part after part.

    NOTE: one file per month, as the whole-table write made, instead of one per batch and
    month: a reader filtering by ``source_file`` (``--incremental``) or DuckDB then opens a
    few dozen files, not tens of thousands. Parts are streamed as row groups: one part in
    memory at a time. Returns the number of parts merged.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> for i, texts in enumerate([["83萬"], ["720", "一倍"]]):
        ...     _ = io.write_part(pd.DataFrame({"number_text": texts}), d, i * 7)
        >>> compact_month(str(d)), [p.name for p in io.table_parts(d)]
        (2, ['part-00000.parquet'])
        >>> io.read_table(d)["number_text"].tolist()
        ['83萬', '720', '一倍']
    """
    parts = io.table_parts(folder)
    target = Path(folder) / f"{io.PART_PREFIX}{0:05d}.parquet"
    if parts == [target]:
        return 1
    schemas = [pq.read_schema(p) for p in parts]
    schema = pa.unify_schemas(schemas, promote_options="permissive")
    schema = schema.with_metadata(schemas[0].metadata)
    with io.atomic_path(target) as tmp, pq.ParquetWriter(tmp, schema) as writer:
        for part in parts:
            writer.write_table(pq.read_table(part).cast(schema))
    for part in parts:
        if part != target:
            part.unlink()
    return len(parts)


def write_by_month(rows: pd.DataFrame, months: pd.Series, target: Path, index: int) -> None:
    """Write ``rows`` as part ``index`` of each month they belong to (rows keep their order).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> facts = pd.DataFrame({"fact_id": ["x", "y"], "number_text": ["83萬", "720"]})
        >>> write_by_month(facts, pd.Series(["2025-12", "2025-11"]), d, 3)
        >>> [p.relative_to(d).as_posix() for p in io.table_parts(d)]
        ['month=2025-11/part-00003.parquet', 'month=2025-12/part-00003.parquet']
    """
    keys = pd.Series(months, dtype=object).to_numpy()
    for month in sorted(set(keys)):
        io.write_part(rows[keys == month], target, index, key=(partitioned.MONTH_KEY, str(month)))


# --- the stage ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class StageResult:
    """What notebook 03 shows, asserts and writes besides ``facts.parquet``."""

    log: pd.DataFrame  # facts_log (n_facts counted on the final table)
    findings: pd.DataFrame
    review: pd.DataFrame
    corrections_log: pd.DataFrame
    views: summary.Views
    quoted: pd.DataFrame  # the articles add corrections quote
    n_facts: int
    n_batches: int
    articles: dict[str, int]
    violations: dict[str, int]


def run_stage(
    articles_table: Path,
    target: Path,
    *,
    engine: Engine | None = None,
    batch_articles: int = partitioned.DEFAULT_BATCH_ARTICLES,
    previous_dir: Path | None = None,
    reviewed: list[cor.Correction] | None = None,
    min_confidence: float = 0.0,
) -> StageResult:
    """Run stage 03 over batches of ``articles_table``; write the facts to ``target`` by month.

    Args:
        articles_table: stage 02's ``articles_dedup.parquet``.
        target: ``facts.parquet`` (a folder of ``month=YYYY-MM/part-NNNNN.parquet``).
        engine: runs the batches (default: :class:`LocalEngine`).
        batch_articles: articles per batch (whole raw files).
        previous_dir: ``--incremental``: the last good run's processed folder.
        reviewed: the reviewed corrections (``load_corrections``).
        min_confidence: facts of the topics below it go to the review table.

    Returns:
        The log, findings, review and corrections log (as the whole-table steps give them), the
        notebook's views and the counts its asserts need.
    """
    engine, reviewed, articles_table = engine or LocalEngine(), reviewed or [], Path(articles_table)
    aliases = corrections.aliases_of(reviewed)
    prev = previous_dir if previous_dir and partitioned._has_previous(Path(previous_dir)) else None
    tasks = partitioned.plan_batches(articles_table, batch_articles, prev) or [
        partitioned.FactsTask(0, str(io.table_parts(articles_table)[0]), (), "")
    ]  # no articles: one empty batch gives the tables their columns
    scratch = io.new_table_dir(Path(target).with_suffix(SCRATCH_SUFFIX))
    try:
        parts = engine.map(extract_part, tasks, label="03_facts", scratch=str(scratch),
                           targets=correction_targets(reviewed), aliases=aliases)  # fmt: skip
        quoted = partitioned.articles_for_corrections(articles_table, reviewed)
        corrected = apply_corrections(parts, quoted, reviewed)
        return _finish(parts, corrected, engine, articles_table, Path(target), reviewed,
                       quoted, min_confidence)  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _finish(
    parts: list[Extracted], corrected: Corrected, engine: Engine, articles_table: Path,
    target: Path, reviewed: list[cor.Correction], quoted: pd.DataFrame, min_confidence: float,
) -> StageResult:  # fmt: skip
    texts = corrections.alias_texts(reviewed)
    work = io.new_table_dir(target)
    done = engine.map(finish_part, parts, label="03_facts", corrected=corrected,
                      min_confidence=min_confidence, target=str(work),
                      alias_texts=texts)  # fmt: skip
    added, last = finish_added(corrected, quoted, min_confidence, texts)
    n_facts = sum(p.n_facts for p in parts) + len(added)
    _write_added(added, articles_table, work, len(parts), empty=n_facts == 0)
    months = sorted({str(p.parent) for p in io.table_parts(work)})
    engine.map(compact_month, months, label="03_facts by month")
    io.replace_table(work, target)
    finished = [*done, last]
    counts = _sum_counts(f.alias_counts for f in finished)
    corrections_log = cor.new_log(corrections.alias_log_of_counts(reviewed, counts)
                                  + corrected.log.to_dict("records"))  # fmt: skip
    return StageResult(
        log=count_added(partitioned._concat([p.log for p in parts]), added),
        findings=fnd.concat(*(f.findings for f in finished)),
        review=combine_reviews([f.review for f in finished]),
        corrections_log=corrections_log,
        views=summary.combine_views([f.views for f in finished], min_confidence),
        quoted=quoted,
        n_facts=n_facts,
        n_batches=len(parts),
        articles=_sum_counts(p.articles for p in parts),
        violations=_violations(parts, finished, target),
    )


def _violations(parts: list[Extracted], finished: list[Finished], target: Path) -> dict[str, int]:
    """What the notebook asserts is 0, summed over the batches; fact ids over the table."""
    found = _sum_counts([*(p.violations for p in parts), *(f.violations for f in finished)])
    found["duplicate_fact_ids"] = count_duplicates(target, "fact_id")
    return {name: found.get(name, 0) for name in VIOLATIONS}


def _write_added(added: pd.DataFrame, articles_table: Path, work: Path, index: int,
                 *, empty: bool) -> None:  # fmt: skip
    """The added facts as the last part of their months; an empty table keeps its columns."""
    if len(added):
        write_by_month(added, added_months(added, articles_table), work, index)
    elif empty:
        io.write_part(added, work, 0, key=(partitioned.MONTH_KEY, partitioned.UNDATED))


def finish_added(
    corrected: Corrected, quoted: pd.DataFrame, min_confidence: float, texts: tuple[str, ...]
) -> tuple[pd.DataFrame, Finished]:
    """The facts added by hand, finished as a batch's (they are the table's last rows).

    Their articles' extracted facts are all among the changed ones (an ``add`` names its
    article), so they count in figures per sentence; spans are checked against ``quoted``.
    """
    added = with_changes(corrected.added.reset_index(drop=True), corrected.added.iloc[:0],
                         corrected.dtypes)  # fmt: skip
    added, done = finish_rows(added, peers=corrected.changed, min_confidence=min_confidence,
                              alias_texts=texts)  # fmt: skip
    quoted_facts = pd.concat([corrected.changed, added])
    quoted_facts = quoted_facts[quoted_facts["article_id"].isin(quoted["article_id"])]
    read_ids = set(selection.articles_to_read(quoted)["article_id"]) if len(quoted) else set()
    from_articles = added[added["article_id"] != ""]
    done.violations.update(
        broken_spans=partitioned.count_bad_spans(quoted_facts, quoted),
        facts_of_unread_articles=int((~from_articles["article_id"].isin(read_ids)).sum()),
    )
    return added, done


def _sum_counts(dicts) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in dicts:
        for key, n in d.items():
            out[key] = out.get(key, 0) + int(n)
    return out


def added_months(added: pd.DataFrame, articles_table: Path) -> pd.Series:
    """Months of facts added by hand: their article's, ``undated`` without one."""
    ids = added.loc[added["article_id"] != "", "article_id"].unique().tolist()
    arts = io.read_table(articles_table, columns=["article_id", "published_date"],
                         where=("article_id", ids or ["\0"]))  # fmt: skip
    return partitioned.article_months(added, arts)


def count_added(log: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """The facts log with the facts added by hand counted in ``n_facts`` of their article.

    Example:
        >>> log = pd.DataFrame({"article_id": ["a", "b"], "n_facts": [1, 0]})
        >>> added = pd.DataFrame({"article_id": ["b", ""], "number_text": ["一倍", "一万辆"]})
        >>> count_added(log, added)["n_facts"].tolist()  # the URL's fact has no article
        [1, 1]
    """
    if added.empty:
        return log
    extra = log["article_id"].map(added["article_id"].value_counts()).fillna(0).astype("int64")
    return log.assign(n_facts=(log["n_facts"] + extra).astype("int64").to_numpy())


def combine_reviews(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The review rows of every part, least confident first (as ``review_table`` orders them).

    Example:
        >>> a = pd.DataFrame({"fact_id": ["f2"], "sentence": ["目标1000辆"], "confidence": [0.5]})
        >>> b = pd.DataFrame({"fact_id": ["f1"], "sentence": ["约300辆"], "confidence": [0.5]})
        >>> combine_reviews([a, b])["fact_id"].tolist()
        ['f1', 'f2']
    """
    table = partitioned._concat([p for p in parts if len(p)] or parts[:1])
    return table.sort_values(["confidence", "fact_id"], kind="stable").reset_index(drop=True)


def count_duplicates(table: Path, column: str) -> int:
    """Rows of a (partitioned) table whose ``column`` value an earlier row holds.

    Read as one Arrow column (no Python strings): cheap at millions of rows.
    """
    tables = [pq.read_table(p, columns=[column]) for p in io.table_parts(table)]
    values = pa.concat_tables(tables, promote_options="permissive").column(column)
    return len(values) - pc.count_distinct(values).as_py() if len(values) else 0

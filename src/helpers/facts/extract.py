"""Stage 03 entry: every numeric fact with its entity, metric, period, market, source, sentence.

One row per (entity, metric, value, period) statement of a canonical article, traceable to
its sentence and to the character span of the number in ``body``.

How a fact is read (each step a small function; vocabularies in ``catalog/metrics.yaml``):

1. sentences and clauses with offsets (:mod:`helpers.text.sentences`,
   :mod:`helpers.facts.readings`); cues are matched on a same-length Simplified copy, the
   body is never changed;
2. numbers from :func:`helpers.text.numbers.extract_numbers`; kept when their unit is one a
   metric accepts (辆/台, 套/颗, %, 百分点, money, TOPS, km, 次); vague magnitudes (千辆级,
   上千辆) and hypothetical figures (当…时, 如果) are skipped;
3. metric (:mod:`helpers.facts.metrics`): the nearest cue before the number in its clause
   whose metric accepts the unit, else a cue after it in the clause (以47.66%的市占率), else
   the metric of the previous figure of the same unit in the sentence (俄罗斯以58.27万辆退居
   第二), else a cue earlier in the sentence, else the unit alone (TOPS -> compute_tops,
   百分点 -> change);
4. subject (:mod:`helpers.facts.subjects`; mentions from :mod:`helpers.facts.mentions`):
   分别 lists map values onto the entities, markets or years listed before 分别; 各 gives each
   listed entity the value; 合计 joins them with ``+``; otherwise the first subject of the
   clause, the previous figure's subject, the paragraph's last subject, or the metric's
   default (China for national export totals);
5. period (:mod:`helpers.facts.dating`): the nearest period before the number in its clause,
   then in its sentence (:func:`helpers.text.periods.extract_periods` with the article date
   as reference; 当时 takes the previous sentence's period); stock figures with no period
   (目前…车队规模) are dated by the article;
6. market, segment, data source, qualifier (:mod:`helpers.facts.rows`: 预计 -> forecast,
   目标/计划 -> target, then the number's over/approx/under) and sign (下降/减少 make a change
   negative; 降至 is a level).

Metric vocabulary (issue 6 plus documented extensions): exports, nev_exports, phev_exports,
bev_exports, overseas_sales, export_value, sales, production, market_share, penetration,
installed_units, compute_tops, fleet_size, fleet_target, mileage, revenue, funding, price,
gross_margin, rides, investment, capacity, yoy_growth, qoq_growth, change (``base_metric`` says
what changed). Issue 14 added parts and look-alikes that are context, never topic facts:
ice_exports and commercial_exports (parts of the export total), nev_export_value, mix_share (a
share with no market or scope), revenue_share, truck_fleet and loss.

NOTE: an article without a published date gets a reference date only when its text pins one
down (a dateline without a year, an as-of or release date) or its neighbours in the same raw
file are dated (:func:`helpers.facts.dating.reference_date`); every period that depends on it
is flagged ``period_inferred``. Otherwise relative periods (今年, 去年) stay unresolved and
their figures have an empty period: an unknown period, never a year borrowed from elsewhere.

Example:
    >>> rows = extract_article_facts("a1", "2025年1—11月,我國汽車整車出口634.3萬輛,同比增長18.7%。")
    >>> [(r["entity_id"], r["metric"], r["value"]) for r in rows]
    [('china', 'exports', 6343000.0), ('china', 'yoy_growth', 18.7)]
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from helpers.catalog.entities import Catalog, load_catalog, with_aliases
from helpers.catalog.metrics import Vocabulary, load_vocabulary
from helpers.core import versions
from helpers.facts import cache, corrections, ids, selection
from helpers.facts import mentions as attr
from helpers.facts.dating import body_periods, dated_by, own_date
from helpers.facts.metrics import topic_metric
from helpers.facts.readings import make_sentence, read_numbers
from helpers.facts.rows import sentence_facts
from helpers.facts.schema import ARTICLE_EXTRAS, COLUMNS, ArticleContext, Carry, Sentence
from helpers.facts.subjects import sentence_items
from helpers.text.sentences import (
    Span,
    split_sentences,
)


# --- articles ---------------------------------------------------------------------------------
# NOTE: complexity 13: updates each carried field (paragraph, source, segment, metrics, subject) in
# the order the rules read them.
def _update_carry(carry: Carry, sentence: Sentence, vocab: Vocabulary) -> None:
    """Start a paragraph afresh; remember sources, segment and a sentence's lone subject."""
    # NOTE: the subject survives paragraph breaks (公司/其 in a later paragraph still means the
    # article's company); the segment does not.
    if sentence.span.paragraph != carry.paragraph:
        carry.paragraph, carry.segment = sentence.span.paragraph, ""
    sources = [m.entity_id for m in sentence.mentions if m.role == "source"]
    if sources:
        carry.source, carry.source_age = sources[0], 0
    # NOTE: a segment holds for the next sentence only (新能源汽车出口…。同比… continues it);
    # further on, a figure without one is not the segment's (重庆近250万辆 after a sentence on
    # NEVs is its total output). After a sentence with figures, that is its headline's segment.
    headline = carry.last_rows[0] if sentence.readings and carry.last_rows else None
    if headline is None:
        carry.segment, carry.segment_metric = attr.find_segment(sentence.norm, vocab), ""
    else:
        carry.segment, carry.segment_metric = headline["segment"], headline["metric"]
    if not sentence.readings:
        # cue-less figures inherit only from the sentence right before: its figures' metrics,
        # or, when it has none, the vehicle metric it names (出口市场版图出现变化。甲国以57万辆
        # 位居第三: the ranking's figures are exports).
        carry.metrics = topic_metric(sentence, vocab)
        carry.metrics_paragraph, carry.metrics_named = sentence.span.paragraph, True
    subjects = [m for m in sentence.mentions if m.role == "subject"]
    if subjects and not sentence.readings:
        carry.subject, carry.subject_text = [subjects[0].entity_id], subjects[0].text
        carry.subject_age = 0


def extract_article_facts(article_id: str, body: str, published_date: object = None, *,
                          catalog: Catalog | None = None, vocab: Vocabulary | None = None,
                          fallback_date: str = "") -> list[dict]:  # fmt: skip
    """Extract every fact of one article body.

    Args:
        article_id: id carried into each row (and into ``fact_id``).
        body: the article body; offsets in the rows point into it.
        published_date: ISO date of the article, or None/NaN (see the NOTE above).
        catalog: entity catalog (the packaged one by default).
        vocab: facts vocabulary (the packaged one by default).
        fallback_date: ISO date standing in (flagged as estimated) when neither a published
            date nor the text gives one (see :func:`date_hints`).

    Returns:
        One dict per fact with the keys of :data:`COLUMNS`.

    Example:
        >>> body = "小馬智行車隊規模超720輛,年底目標突破1000輛。"
        >>> rows = extract_article_facts("a", body, "2025-11-06")
        >>> [(r["metric"], r["value"], r["period"]) for r in rows]
        [('fleet_size', 720.0, '2025-11'), ('fleet_target', 1000.0, '2025')]
    """
    catalog, vocab = catalog or load_catalog(), vocab or load_vocabulary()
    ref, basis = dated_by(body, published_date, fallback_date)
    estimated = basis != "published"
    # NOTE: an estimated date is a lower bound: a year-less 1-11月 after it is still its year.
    period_ref = dt.date(ref.year, 12, 31) if estimated and ref else ref
    periods = body_periods(body, period_ref)
    ctx = ArticleContext(article_id, body, ref, estimated, periods, vocab, catalog,
                         ref_is_floor=basis == "closed_year", date_basis=basis)  # fmt: skip
    mentions = attr.find_mentions(body, catalog=catalog, vocab=vocab)
    mention_at, period_at = _by_start([m.start for m in mentions]), _period_slices(ctx)
    carry, rows, previous, items = Carry(), [], None, []
    for span in split_sentences(body):
        sentence = make_sentence(span, body, all_periods=ctx.all_periods[period_at(span)],
                                 mentions=mentions[mention_at(span)])  # fmt: skip
        sentence.previous_start = previous.start if previous is not None else span.start
        sentence.previous_items, items = items, sentence_items(sentence)
        previous, carry.subject_age = span, carry.subject_age + 1
        sentence.readings = read_numbers(sentence)
        if sentence.span.paragraph != carry.paragraph:
            _update_carry(carry, sentence, vocab)
        sentence.carried_period = _passage_period(carry, rows, sentence, ctx.all_periods)
        if sentence.readings:
            rows += sentence_facts(sentence, ctx, carry)
            carry.source_age += 1
        _update_carry(carry, sentence, vocab)
    return ids.disambiguate(rows)


def _by_start(starts: list[int]) -> Callable[[Span], slice]:
    """For items in order of ``starts``: the slice of those starting inside a sentence.

    NOTE: :func:`make_sentence` keeps the mentions and periods inside its sentence; it was
    handed every one of the body for each sentence (quadratic in long articles). The slice
    holds every item whose start lies in ``[span.start, span.end]``, in order, so the same
    ones are kept; items not sorted by start get the whole list, as before.

    Example:
        >>> at = _by_start([0, 4, 9, 12])
        >>> at(Span(3, 9, "")), _by_start([4, 0])(Span(3, 9, ""))
        (slice(1, 3, None), slice(None, None, None))
    """
    if starts != sorted(starts):
        return lambda span: slice(None)
    return lambda span: slice(
        bisect.bisect_left(starts, span.start), bisect.bisect_right(starts, span.end)
    )


def _period_slices(ctx: ArticleContext) -> Callable[[Span], slice]:
    """:func:`_by_start` of the article's periods."""
    return _by_start([p["start"] for p in ctx.all_periods])


def _passage_period(carry: Carry, rows: list[dict], sentence: Sentence, periods: list[dict]
                    ) -> str:  # fmt: skip
    """The period the figures of the sentence right before took over from their predecessor.

    NOTE: a run of figure sentences continues one period (1至9月…。分车型看，乘用车…；商用车…。
    新能源汽车出口…): the sentence right before held figures of the same paragraph and wrote no
    period of its own, so its figures' period is the passage's.
    """
    last = rows[-1] if rows else None
    if last is None or last["sentence_start"] != sentence.previous_start:
        return ""
    lo, hi = sentence.previous_start, sentence.span.start
    own = any(p["period"] and lo <= p["start"] < hi for p in periods)
    same_paragraph = carry.paragraph == sentence.span.paragraph
    return last["period"] if same_paragraph and not own else ""


# NOTE: complexity 12: one pass over the articles of each file; the conditions are the fallbacks of
# the date rule.
def date_hints(articles: pd.DataFrame) -> list[str]:
    """For an article with no date of its own (none published, none in its text).

    The latest date of the other articles in the same raw file, else "".

    NOTE: a dump is collected at one time; an undated article in it is dated like its
    neighbours (flagged as estimated) rather than left without any period.

    Example:
        >>> df = pd.DataFrame({"source_file": ["d.txt"] * 2, "published_date": ["2025-12-02", None],
        ...                    "body": ["11月出口72萬輛。", "11月車隊約30輛。"]})
        >>> date_hints(df)
        ['', '2025-12-02']
    """
    if "source_file" not in articles or not len(articles):
        return [""] * len(articles)
    published = articles.get("published_date")
    refs = [
        own_date(body, None if published is None else published.iloc[i])
        for i, body in enumerate(articles["body"])
    ]
    files = articles["source_file"].astype(str).tolist()
    latest: dict[str, dt.date] = {}
    for f, ref in zip(files, refs, strict=True):
        if ref is not None and (f not in latest or ref > latest[f]):
            latest[f] = ref
    return [
        "" if ref is not None or f not in latest else latest[f].isoformat()
        for f, ref in zip(files, refs, strict=True)
    ]


def _with_file_position(articles: pd.DataFrame) -> pd.DataFrame:
    """1-based order of each article inside its raw file (before dedup drops any)."""
    if not {"source_file", "source_line"} <= set(articles):
        return articles
    order = articles.groupby("source_file")["source_line"].rank(method="first")
    return articles.assign(file_position=order.astype(int))


def extract_facts(
    articles: pd.DataFrame,
    *,
    canonical_only: bool = True,
    previous: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    aliases: tuple[tuple[str, str], ...] = (),
) -> pd.DataFrame:
    """Extract the facts of an articles table (stage 02 output) into one facts table.

    Args:
        articles: needs ``article_id``, ``body``, ``published_date``; with ``is_canonical``
            (from stage 02) canonical articles are read, and of the copies only the
            sentences stage 02 lists in ``read_spans`` (figures their representative
            lacks; :mod:`helpers.facts.selection`), so duplicates add no facts and no
            figure is lost.
        canonical_only: set False to read every row whole (e.g. before dedup, in tests).
        previous: ``(facts, facts_log)`` of an earlier run (incremental runs): articles the
            log lists with the same id, date and extractor version are not read again; their
            facts are reused. The result equals a full extraction.
        aliases: reviewed ``(text, entity_id)`` aliases read on top of the catalogue in the
            entity step (``alias`` corrections, :mod:`helpers.facts.corrections`).

    Returns:
        The facts table (:data:`COLUMNS` plus :data:`ARTICLE_EXTRAS` when the articles have
        them; titles stay in the articles table). The rules only extract; how sure each fact
        is comes from :func:`helpers.facts.confidence.add_confidence`, called next.

    Example:
        >>> df = pd.DataFrame({"article_id": ["a", "b"], "is_canonical": [True, False],
        ...     "body": ["蕪湖出口汽車超83萬輛。"] * 2, "published_date": ["2025-12-01"] * 2})
        >>> extract_facts(df)[["article_id", "entity_id", "value", "qualifier"]].values.tolist()
        [['a', 'wuhu', 830000.0, 'over']]
    """
    articles = _with_file_position(articles)
    articles = selection.articles_to_read(articles, canonical_only=canonical_only)
    articles = articles.assign(date_hint=date_hints(articles))
    reused, todo = cache.split_for_facts(articles, previous, tuple(aliases))
    catalog = with_aliases(load_catalog(), list(aliases))
    rows = []
    for art in todo.itertuples(index=False):
        rows += extract_article_facts(
            art.article_id,
            art.body,
            getattr(art, "published_date", None),
            catalog=catalog,
            fallback_date=art.date_hint,
        )
    fresh = pd.DataFrame(rows, columns=COLUMNS)
    if canonical_only:
        fresh = selection.keep_read_sentences(fresh, todo)
    facts = pd.concat([reused, fresh], ignore_index=True)
    facts = versions.order_rows(facts, "article_id", articles["article_id"].tolist())
    facts["value_high"] = pd.to_numeric(facts["value_high"]).astype(float)  # NaN, not None
    # NOTE: concatenating with an empty reused frame leaves object columns; cue_distance is an
    # integer (-1: no cue word), so parquet and the confidence model read it as one.
    facts["cue_distance"] = pd.to_numeric(facts["cue_distance"]).fillna(-1).astype("int64")
    # NOTE: quality_score travels with each fact so that figures read from garbled text can be
    # filtered or flagged downstream (stage 01 lowers it for ?? and private-use garble).
    extra = [c for c in ARTICLE_EXTRAS if c in articles]
    if extra:
        # NOTE: an empty articles table read back from parquet types article_id as float
        extras = articles[["article_id", *extra]].astype({"article_id": str})
        facts = facts.merge(extras, on="article_id", how="left", validate="many_to_one")
    return facts.reset_index(drop=True)


def facts_log(
    articles: pd.DataFrame, facts: pd.DataFrame, aliases: tuple[tuple[str, str], ...] = ()
) -> pd.DataFrame:
    """One row per article read for facts: id, date, extractor version, number of facts.

    Example:
        >>> arts = pd.DataFrame({"article_id": ["a"], "published_date": ["2025-12-01"]})
        >>> facts_log(arts, pd.DataFrame({"article_id": ["a", "a"]}))["n_facts"].tolist()
        [2]
    """
    articles = selection.articles_to_read(articles)
    articles = articles.assign(date_hint=date_hints(articles))
    counts = facts["article_id"].value_counts() if len(facts) else pd.Series(dtype="int64")
    return pd.DataFrame(
        {
            "article_id": articles["article_id"].to_numpy(),
            "published_date": cache.date_keys(articles),
            "read_spans": selection.read_keys(articles),
            "extractor_version": cache.extractor_version(tuple(aliases)),
            "n_facts": articles["article_id"].map(counts).fillna(0).astype("int64").to_numpy(),
        }
    )


def load_previous(processed_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """``(facts, facts_log)`` of an earlier run in ``processed_dir`` (for ``previous=``).

    The facts as extracted: that run's corrections undone (they are applied again).
    """
    previous = cache.load_previous_facts(processed_dir)
    if previous is None:
        return None
    return corrections.uncorrected(previous[0]), previous[1]

"""Score extracted facts against a hand-annotated gold table: precision and recall per topic.

Usage::

    python -m helpers evaluate facts --gold ../shared/corpus/gold_facts_dev.csv --raw DIR
    python -m helpers evaluate facts --gold tests/fixtures/sample_truth/facts.csv --raw DIR
    python -m helpers evaluate facts --gold FILE --facts data/processed/facts.parquet

Gold layout: that of ``../shared/corpus/gold_facts_dev.csv`` (seed, topic, entity, metric,
value, unit, period, market, qualifier, evidence; more columns are ignored).

Seeds. A gold ``seed`` names where a fact is read from, and predictions are mapped to it:

- dev gold: the seed is the raw file's prefix (``002`` for ``002_ed959ec06ede5471.txt``);
- sample key: the seed is the ``sample_key`` of the canonical article. When an
  ``articles.csv`` lies next to the gold file (or ``--articles-key`` names one), each predicted
  fact's (``source_file``, position of its article in the file) is looked up there and mapped to
  that row's ``canonical_key`` — so a fact read from a duplicate the dedup stage kept counts
  for the story it belongs to.

What is scored (one definition, :func:`helpers.catalog.metrics.is_topic_fact`): *topic facts* only,
on both sides. Gold metric names outside our vocabulary are first mapped with
``key_metric_map`` from ``catalog/metrics.yaml`` (exports_yoy -> yoy_growth, av_fleet_size ->
fleet_size, ...). Matching is one to one within a seed; identical predicted statements (same
entity, metric, value, period) count once.

**Strict** (the default, what a slide needs): a prediction matches a gold row when

- the entity matches: the named id, its parent (a product counts for its vendor), or the same
  set of ids for a ``+`` combination;
- the value is within 0.5 % (both bounds of a range);
- the period is equal, or lies inside the gold's coarser period (2025-11 in 2025). An empty
  gold period is no free pass: the prediction must then have no period or the year of its
  article's publication date (:func:`periods_strict`);
- the metric is equal, or both lie in one documented family (:data:`METRIC_FAMILIES`);
- the market is equal when both name one.

**Lenient** (printed beside, the scorer of earlier sessions): entity, value and periods
compatible either way (:func:`periods_compatible`); metric and market ignored.

**Charted** (printed beside): the strict score of the predictions whose ``confidence`` is at
or above ``--min-confidence`` (:func:`charted`): what the tables and charts of stages 04-06
show. Its precision is the "precision of charted facts"; its recall, against every gold row,
says how much of the gold reaches a chart.

Errors are grouped by kind (:data:`ERROR_KINDS`): a missed gold row that has a prediction with
its value counts as a wrong entity, metric, period or market (the first attribute that
fails, in that order); one with a prediction of its entity, metric and period but another
value is a wrong value; the rest are missed; predictions matched to nothing are spurious.

Example:
    >>> gold = pd.DataFrame({"seed": ["002"], "topic": ["ev_exports"], "entity": ["wuhu"],
    ...     "metric": ["exports"], "value": [830000], "period": ["2025"], "market": ["world"]})
    >>> pred = gold.rename(columns={"entity": "entity_id"}).assign(parent_id="wuhu", value=830100)
    >>> score(gold, pred).table[["tp", "fp", "fn"]].values.tolist()
    [[1, 0, 0], [0, 0, 0], [0, 0, 0], [1, 0, 0]]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.catalog.metrics import Vocabulary, is_topic_fact, load_vocabulary
from helpers.core.params import DEFAULTS
from helpers.facts import confidence
from helpers.text.periods import period_bounds

VALUE_TOLERANCE = 0.005  # relative: 0.5 %
SCORED_TOPICS = ("ev_exports", "chip_share", "robotaxi_fleet")
# Point-in-time figures: a fleet counted "now" is dated by the report, the call or the article,
# and annotators pick one of them; within the same year these dates are compatible (lenient).
POINT_IN_TIME = frozenset({"fleet_size", "fleet_target"})
# NOTE: metrics a reader cannot tell apart from the sentence alone count as one in the strict
# scorer: a company's "exports" and its "overseas sales" (出口 / 海外销量) are used for the same
# figure by outlets and annotators alike. Nothing else is merged: a target is not a fleet, NEV
# exports are not exports.
METRIC_FAMILIES: tuple[frozenset[str], ...] = (frozenset({"exports", "overseas_sales"}),)
ERROR_KINDS = ("entity", "metric", "period", "market", "value", "missed", "spurious")


@dataclass
class Score:
    """Result of :func:`score`.

    The per-topic table (plus an ``all`` row), misses, false positives, matches and the
    errors grouped by kind.
    """

    table: pd.DataFrame
    misses: pd.DataFrame
    false_positives: pd.DataFrame
    matches: pd.DataFrame
    errors: pd.DataFrame | None = None
    strict: bool = True


# --- gold --------------------------------------------------------------------------------------
def read_gold(path: str | Path) -> pd.DataFrame:
    """Read a gold CSV; a range value ``low/high`` (约29至30辆 -> ``29/30``) is split in two.

    ``value`` = low and ``value_high`` = high; a prediction must match both (to 0.5 %).

    Example:
        >>> import io
        >>> lines = ["seed,value,period", "h1,29/30,2025", "h1,7,"]
        >>> g = read_gold(io.StringIO(chr(10).join(lines)))
        >>> g[["value", "value_high"]].values.tolist()
        [[29.0, 30.0], [7.0, nan]]
    """
    gold = pd.read_csv(path, dtype={"seed": str, "period": str, "value": str},
                       keep_default_na=False)  # fmt: skip
    bounds = gold["value"].str.split("/", n=1, expand=True).reindex(columns=[0, 1])
    gold["value"] = bounds[0].astype(float)
    high = pd.to_numeric(bounds[1], errors="raise").astype(float)
    if "value_high" in gold:  # the sample key's own column ("" when not a range)
        own = pd.to_numeric(gold["value_high"].replace("", None), errors="raise").astype(float)
        high = high.fillna(own)
    gold["value_high"] = high
    return gold


def map_gold_metrics(gold: pd.DataFrame, vocab: Vocabulary | None = None) -> pd.DataFrame:
    """Map key metric names onto the vocabulary; keep the original in ``key_metric``.

    Example:
        >>> g = pd.DataFrame({"metric": ["exports_yoy", "exports"]})
        >>> map_gold_metrics(g)[["key_metric", "metric", "base_metric"]].values.tolist()
        [['exports_yoy', 'yoy_growth', 'exports'], ['exports', 'exports', '']]
    """
    vocab = vocab or load_vocabulary()
    out = gold.copy()
    out["key_metric"] = out["metric"]
    mapping = vocab.key_metric_map
    out["metric"] = [mapping.get(m, {}).get("metric", m) for m in out["key_metric"]]
    out["base_metric"] = [mapping.get(m, {}).get("base_metric", "") for m in out["key_metric"]]
    return out


def topic_facts(df: pd.DataFrame, vocab: Vocabulary | None = None) -> pd.DataFrame:
    """Rows that are topic facts (by topic, metric and market, and the rows' own flag).

    Example:
        >>> df = pd.DataFrame({"topic": ["ev_exports"] * 2, "metric": ["exports", "yoy_growth"],
        ...                    "market": ["world", "world"]})
        >>> len(topic_facts(df))
        1
    """
    vocab = vocab or load_vocabulary()
    market = df["market"].fillna("").astype(str) if "market" in df else pd.Series("", df.index)
    keep = [
        is_topic_fact(vocab, t, m, k)
        for t, m, k in zip(df["topic"], df["metric"], market, strict=True)
    ]
    if "is_topic_fact" in df:
        # NOTE: the extractor may know more (a 其中 part of a total is no topic fact): its flag
        # can only narrow the vocabulary's definition, never widen it.
        keep = [k and bool(flag) for k, flag in zip(keep, df["is_topic_fact"], strict=True)]
    return df[keep]


# --- periods -----------------------------------------------------------------------------------
# NOTE: complexity 12: the evaluation's compatibility rules (empty, equal, nested either way,
# same year for point-in-time figures), one boolean expression each.
def periods_compatible(gold: object, pred: object, metric: str = "") -> bool:
    """Whether a predicted period fits the gold one.

    NOTE: compatible = gold empty (the reader gave none), equal, or one period lies inside the
    other (2025-11-06 inside 2025; 2024-12 inside 2024); for point-in-time figures (fleets)
    the same year is enough. A prediction without a period never fits a dated gold row.

    Example:
        >>> periods_compatible("2025", "2025-11-06")
        True
        >>> periods_compatible("2025-01/2025-06", "2025-H1")
        True
        >>> periods_compatible("2025-Q1", "2025-05")
        False
        >>> periods_compatible("2025-Q1", "2025-05", "fleet_size")
        True
    """
    gold = "" if pd.isna(gold) else str(gold)
    pred = "" if pd.isna(pred) else str(pred)
    if not gold or gold == pred:
        return True
    g, p = period_bounds(gold), period_bounds(pred)
    if g is None or p is None:
        return False
    inside = (g[0] <= p[0] and p[1] <= g[1]) or (p[0] <= g[0] and g[1] <= p[1])
    return inside or (metric in POINT_IN_TIME and g[0].year == p[0].year)


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def periods_strict(gold: object, pred: object, article_year: object = "") -> bool:
    """Strict period match: equal, or inside the gold's coarser period.

    An empty gold period accepts only an empty prediction or the article's own year.

    Example:
        >>> periods_strict("2025", "2025-11"), periods_strict("2025-11", "2025")
        (True, False)
        >>> periods_strict("", "2019"), periods_strict("", "2025", "2025"), periods_strict("", "")
        (False, True, True)
    """
    gold, pred = _text(gold), _text(pred)
    if not gold:
        return not pred or pred == _text(article_year)
    if gold == pred:
        return True
    g, p = period_bounds(gold), period_bounds(pred)
    return g is not None and p is not None and g[0] <= p[0] and p[1] <= g[1]


def metric_matches(gold: str, pred: str) -> bool:
    """Equal metrics, or two of one documented family (:data:`METRIC_FAMILIES`).

    Example:
        >>> metric_matches("exports", "overseas_sales")  # 出口 vs 海外销量
        True
        >>> metric_matches("fleet_size", "fleet_target")
        False
    """
    return gold == pred or any(gold in f and pred in f for f in METRIC_FAMILIES)


def market_matches(gold: object, pred: object) -> bool:
    """Equal markets when both name one (a side without a market does not contradict).

    Example:
        >>> market_matches("RU", "RU"), market_matches("world", ""), market_matches("CN", "world")
        (True, True, False)
    """
    gold, pred = _text(gold), _text(pred)
    return not gold or not pred or gold == pred


# --- matching ----------------------------------------------------------------------------------
def entity_matches(gold: str, entity_id: str, parent_id: str) -> bool:
    """Same id, the parent's id, or the same set of ids in a ``+`` combination.

    Example:
        >>> entity_matches("nvidia", "orin_x", "nvidia"), entity_matches("a+b", "b+a", "b+a")
        (True, True)
    """
    gold_set = set(str(gold).split("+"))
    return gold_set in (set(str(entity_id).split("+")), set(str(parent_id).split("+")))


def value_matches(gold: float, pred: float) -> bool:
    """Within 0.5 % of the gold value (exact for a gold 0).

    Example:
        >>> value_matches(7098000, 7100000), value_matches(100, 101)
        (True, False)
    """
    gold, pred = float(gold), float(pred)
    if gold == 0:
        return abs(pred) < 1e-9
    return abs(pred - gold) <= VALUE_TOLERANCE * abs(gold)


def _value_ok(g: pd.Series, p: object) -> bool:
    high = g.get("value_high", float("nan"))
    return value_matches(g["value"], p.value) and (pd.isna(high) or value_matches(high, _high(p)))


def _period_ok(g: pd.Series, p: object, strict: bool) -> bool:
    if strict:
        return periods_strict(g["period"], p.period, getattr(p, "article_year", ""))
    return periods_compatible(g["period"], p.period, g["metric"])


def failed_attribute(g: pd.Series, p: object, strict: bool = True) -> str:
    """Return the first attribute on which ``p`` misses ``g`` ("" when it matches).

    Checked in the order entity, value, period, metric, market.

    Example:
        >>> g = pd.Series({"entity": "byd", "value": 4e5, "period": "2024", "metric": "exports",
        ...                "market": "world"})
        >>> p = pd.Series({"entity_id": "byd", "parent_id": "byd", "value": 4e5, "period": "2023",
        ...                "metric": "exports", "market": "world"})
        >>> failed_attribute(g, p), failed_attribute(g, p.replace("2023", "2024"))  # 比亚迪
        ('period', '')
    """
    checks = (
        ("entity", lambda: entity_matches(g["entity"], p.entity_id, p.parent_id)),
        ("value", lambda: _value_ok(g, p)),
        ("period", lambda: _period_ok(g, p, strict)),
        ("metric", lambda: not strict or metric_matches(g["metric"], p.metric)),
        ("market", lambda: not strict or market_matches(g.get("market"), getattr(p, "market", ""))),
    )
    return next((name for name, ok in checks if not ok()), "")


def _candidates(g: pd.Series, preds: pd.DataFrame, strict: bool = True) -> pd.DataFrame:
    ok = [failed_attribute(g, p, strict) == "" for p in preds.itertuples()]
    cands = preds[pd.Series(ok, index=preds.index, dtype=bool)]
    # Prefer the same metric and the exact period among several candidates.
    rank = (cands["metric"] != g["metric"]).astype(int) * 2 + (cands["period"] != g["period"])
    return cands.assign(_rank=rank).sort_values("_rank")


def _high(pred: object) -> float:
    high = getattr(pred, "value_high", float("nan"))
    return float("nan") if high is None or pd.isna(high) else float(high)


def _match(gold: pd.DataFrame, preds: pd.DataFrame, strict: bool = True) -> list[tuple[int, int]]:
    """One-to-one greedy matching within each seed: (gold index, prediction index)."""
    pairs, used = [], set()
    for gi, g in gold.iterrows():
        pool = preds[(preds["seed"] == g["seed"]) & ~preds.index.isin(used)]
        cands = _candidates(g, pool, strict)
        if len(cands):
            pi = cands.index[0]
            used.add(pi)
            pairs.append((gi, pi))
    return pairs


def _dedupe(preds: pd.DataFrame) -> pd.DataFrame:
    key = ["seed", "entity_id", "metric", "period", "_v"]
    return preds.assign(_v=preds["value"].round(6)).drop_duplicates(key).drop(columns="_v")


def score(
    gold: pd.DataFrame,
    preds: pd.DataFrame,
    vocab: Vocabulary | None = None,
    *,
    strict: bool = True,
) -> Score:
    """Match the topic facts of ``preds`` against those of ``gold`` and count per topic.

    ``preds`` needs seed, topic, entity_id, parent_id, metric, value, period and market, and
    ``article_year`` for strict empty periods; ``strict`` False gives the lenient scorer (see
    the module docstring).
    """
    gold, preds, pairs = _scored(gold, preds, vocab or load_vocabulary(), strict)
    matched_g, matched_p = {g for g, _ in pairs}, {p for _, p in pairs}
    misses = gold[~gold.index.isin(matched_g)]
    fps = preds[~preds.index.isin(matched_p)]
    rows = []
    for topic in [*SCORED_TOPICS, "all"]:
        sel_g = gold if topic == "all" else gold[gold["topic"] == topic]
        tp = int(sel_g.index.isin(matched_g).sum())
        fp = len(fps) if topic == "all" else int((fps["topic"] == topic).sum())
        rows.append(_counts(topic, tp, fp, len(sel_g) - tp))
    matches = pd.DataFrame(
        [{**gold.loc[g].add_prefix("gold_"), **preds.loc[p].add_prefix("pred_")} for g, p in pairs]
    )
    errors = classify_errors(misses, fps, strict)
    return Score(pd.DataFrame(rows), misses, fps, matches, errors, strict)


def _scored(gold: pd.DataFrame, preds: pd.DataFrame, vocab: Vocabulary, strict: bool
            ) -> tuple[pd.DataFrame, pd.DataFrame, list[tuple[int, int]]]:  # fmt: skip
    """The scored gold rows and predictions (topic facts; one of identical ones) and their pairs."""
    gold = topic_facts(map_gold_metrics(gold, vocab), vocab).reset_index(drop=True)
    preds = _dedupe(topic_facts(preds, vocab)).reset_index(drop=True)
    return gold, preds, _match(gold, preds, strict)


def label_predictions(gold: pd.DataFrame, preds: pd.DataFrame, vocab: Vocabulary | None = None,
                      *, strict: bool = True) -> pd.DataFrame:  # fmt: skip
    """The predictions :func:`score` counts, each with ``is_correct`` (matched to a gold row).

    The training labels of the confidence model (``python -m helpers calibrate``): a topic fact
    is correct when it matches a gold row under the (strict) scorer, one to one.

    Example:
        >>> gold = pd.DataFrame({"seed": ["s"], "topic": ["ev_exports"], "entity": ["byd"],
        ...     "metric": ["exports"], "value": [4e5], "period": ["2024"], "market": ["world"]})
        >>> p = gold.rename(columns={"entity": "entity_id"}).assign(parent_id="byd")
        >>> p = pd.concat([p, p.assign(period="2023")])  # 比亚迪: the second year is wrong
        >>> label_predictions(gold, p)[["period", "is_correct"]].values.tolist()
        [['2024', True], ['2023', False]]
    """
    _, scored, pairs = _scored(gold, preds, vocab or load_vocabulary(), strict)
    return scored.assign(is_correct=scored.index.isin({p for _, p in pairs}))


def charted(preds: pd.DataFrame, min_confidence: float) -> pd.DataFrame:
    """The predictions that reach tables and charts: confidence at or above ``min_confidence``.

    Example:
        >>> charted(pd.DataFrame({"confidence": [0.2, 0.9]}), 0.5)["confidence"].tolist()
        [0.9]
    """
    if "confidence" not in preds:
        raise ValueError("predictions have no confidence column: extract them again (stage 03)")
    return preds[preds["confidence"] >= min_confidence]


def _near_miss(g: pd.Series, pool: pd.DataFrame, strict: bool) -> tuple[str, object]:
    """The kind of error and the prediction that comes closest to a missed gold row."""
    value_twins = [p for p in pool.itertuples() if _value_ok(g, p)]
    for p in value_twins:  # the number was found: which attribute went wrong?
        return failed_attribute(g, p, strict), p.Index
    for p in pool.itertuples():  # the statement was found with another value
        same = entity_matches(g["entity"], p.entity_id, p.parent_id)
        if same and _period_ok(g, p, strict) and metric_matches(g["metric"], p.metric):
            return "value", p.Index
    return "missed", None


def classify_errors(misses: pd.DataFrame, fps: pd.DataFrame, strict: bool = True) -> pd.DataFrame:
    """One row per error: its kind (:data:`ERROR_KINDS`), the gold row and the prediction.

    Example:
        >>> g = pd.DataFrame({"seed": ["s"], "topic": ["ev_exports"], "entity": ["byd"],
        ...     "metric": ["exports"], "value": [4e5], "period": ["2024"], "market": ["world"]})
        >>> p = pd.DataFrame({"seed": ["s", "s"], "topic": ["ev_exports"] * 2,
        ...     "entity_id": ["geely", "byd"], "parent_id": ["geely", "byd"],
        ...     "metric": ["exports"] * 2, "value": [4e5, 9.0], "period": ["2024", "2023"],
        ...     "market": ["world"] * 2})
        >>> classify_errors(g, p)["kind"].tolist()  # 吉利 read for 比亚迪's figure
        ['entity', 'spurious']
    """
    rows, used = [], set()
    for _, g in misses.iterrows():
        pool = fps[(fps["seed"] == g["seed"]) & ~fps.index.isin(used)]
        kind, pi = _near_miss(g, pool, strict)
        pred = fps.loc[pi] if pi is not None else pd.Series(dtype=object)
        if pi is not None:
            used.add(pi)
        rows.append({"kind": kind, "topic": g["topic"], "seed": g["seed"],
                     **_gold_view(g), **_pred_view(pred)})  # fmt: skip
    for _, p in fps[~fps.index.isin(used)].iterrows():
        rows.append({"kind": "spurious", "topic": p["topic"], "seed": p["seed"],
                     **_gold_view(pd.Series(dtype=object)), **_pred_view(p)})  # fmt: skip
    return pd.DataFrame(rows, columns=["kind", "topic", "seed", *GOLD_VIEW, *PRED_VIEW])


GOLD_VIEW = ("gold_entity", "gold_metric", "gold_value", "gold_period", "gold_market",
             "gold_evidence")  # fmt: skip
PRED_VIEW = ("pred_entity", "pred_metric", "pred_value", "pred_period", "pred_market",
             "pred_text", "pred_sentence")  # fmt: skip


def _gold_view(g: pd.Series) -> dict:
    names = ("entity", "metric", "value", "period", "market", "evidence")
    return {f"gold_{n}": g.get(n, "") for n in names}


def _pred_view(p: pd.Series) -> dict:
    names = {"entity": "entity_id", "metric": "metric", "value": "value", "period": "period",
             "market": "market", "text": "number_text", "sentence": "sentence"}  # fmt: skip
    return {f"pred_{k}": p.get(v, "") for k, v in names.items()}


def error_counts(result: Score) -> pd.DataFrame:
    """Errors per kind and topic (columns: the kinds of :data:`ERROR_KINDS`).

    Example:
        >>> s = Score(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
        ...           pd.DataFrame({"kind": ["period", "missed"], "topic": ["ev_exports"] * 2}))
        >>> error_counts(s).loc["all", ["period", "missed", "spurious"]].tolist()
        [1, 1, 0]
    """
    errors = result.errors if result.errors is not None else pd.DataFrame(columns=["kind", "topic"])
    table = pd.crosstab(errors["topic"], errors["kind"]).reindex(
        index=list(SCORED_TOPICS), columns=list(ERROR_KINDS), fill_value=0
    )
    table.loc["all"] = table.sum()
    return table.astype(int)


def _counts(topic: str, tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return {"topic": topic, "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall}


# --- seeds -------------------------------------------------------------------------------------
def add_seeds(facts: pd.DataFrame, articles_key: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add ``seed`` to predicted facts (see the module docstring for the two conventions).

    Example:
        >>> f = pd.DataFrame({"source_file": ["002_ab.txt"], "file_position": [3]})
        >>> add_seeds(f)["seed"].tolist()
        ['002']
        >>> key = pd.DataFrame({"source_file": ["002_ab.txt"], "position": [3],
        ...                     "canonical_key": ["e05"]})
        >>> add_seeds(f, key)["seed"].tolist()
        ['e05']
    """
    if articles_key is None:
        stems = facts["source_file"].astype(str).map(lambda f: Path(f).stem)
        return facts.assign(seed=stems.str.split("_").str[0])
    lookup = {
        (str(r.source_file), int(r.position)): str(r.canonical_key)
        for r in articles_key.itertuples()
    }
    pairs = zip(facts["source_file"], facts["file_position"], strict=True)
    seeds = [lookup.get((str(f), int(p)), "") for f, p in pairs]
    return facts.assign(seed=seeds)


def add_article_year(facts: pd.DataFrame, articles: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``article_year``: the year of the fact's article's publication date ("" unknown).

    Example:
        >>> f = pd.DataFrame({"article_id": ["a", "b"]})
        >>> a = pd.DataFrame({"article_id": ["a", "b"], "published_date": ["2025-12-01", None]})
        >>> add_article_year(f, a)["article_year"].tolist()
        ['2025', '']
    """
    if articles is None or "published_date" not in articles or facts.empty:
        return facts.assign(article_year="")
    dates = pd.to_datetime(articles["published_date"], errors="coerce")
    years = dates.dt.year.map(lambda y: "" if pd.isna(y) else str(int(y)))
    lookup = dict(zip(articles["article_id"].astype(str), years, strict=True))
    return facts.assign(article_year=facts["article_id"].astype(str).map(lookup).fillna(""))


def predict_from_raw(raw_dir: Path, *, scored: bool = True) -> pd.DataFrame:
    """Parse, dedup and extract facts from a raw folder (stages 01-03 in memory).

    ``scored`` adds each fact's ``confidence`` as stage 03 does (the packaged model); the
    calibration, which trains that model, reads the facts without it.
    """
    from helpers import dedup, facts, parse

    articles = dedup.deduplicate(parse.parse_raw_dir(raw_dir).articles).articles
    found = facts.extract_facts(articles)
    found = facts.confidence.add_confidence(found) if scored else found
    return add_article_year(found, articles)


# --- report ------------------------------------------------------------------------------------
def format_report(result: Score, label: str, lenient: Score | None = None,
                  charted_view: tuple[Score, float] | None = None) -> str:  # fmt: skip
    """Return the report as text.

    The per-topic table (strict, with the lenient one and the charted view beside), the errors
    by kind, then the misses and false positives. ``charted_view`` is the strict score of the
    predictions at or above ``min_confidence`` (:func:`charted`) and that threshold.
    """
    pd_opts = {"display.width": 200, "display.max_colwidth": 40, "display.max_rows": 500}
    with pd.option_context(*[x for kv in pd_opts.items() for x in kv]):
        table = _table(result)
        miss_cols = ["seed", "topic", "entity", "metric", "value", "period", "evidence"]
        fp_cols = [
            "seed",
            "topic",
            "entity_id",
            "metric",
            "value",
            "period",
            "number_text",
            "sentence",
        ]
        misses = _show(result.misses, miss_cols)
        fps = _show(
            result.false_positives.assign(sentence=lambda d: d["sentence"].str[:40]), fp_cols
        )
    mode = "strict" if result.strict else "lenient"
    out = f"== facts vs {label} ({mode})\n{table}\n"
    if lenient is not None:
        out += f"\n== lenient (entity + value + period only)\n{_table(lenient)}\n"
    if charted_view is not None:
        out += _charted_text(result, *charted_view)
    if result.errors is not None:
        out += f"\n-- errors by kind ({mode})\n{error_counts(result).to_string()}\n"
    return out + f"\n-- misses (gold not found)\n{misses}\n\n-- false positives\n{fps}\n"


def _table(result: Score) -> str:
    return result.table.to_string(index=False, float_format=lambda x: f"{x:.3f}")


def _charted_text(result: Score, shown: Score, min_confidence: float) -> str:
    """The charted view: strict scores of the facts tables and charts would use, and coverage."""
    total = _predicted(result)
    n = _predicted(shown)
    share = f"{n / total:.3f}" if total else "-"
    return (
        f"\n== charted facts (confidence >= {min_confidence}; strict): {n} of {total} topic "
        f"facts charted (coverage {share}); the rest go to the review table\n{_table(shown)}\n"
    )


def _predicted(result: Score) -> int:
    row = result.table.set_index("topic").loc["all"]
    return int(row["tp"] + row["fp"])


def _show(df: pd.DataFrame, cols: list[str]) -> str:
    if df.empty:
        return "(none)"
    return df[[c for c in cols if c in df]].to_string(index=False)


def _load_predictions(args: argparse.Namespace) -> pd.DataFrame:
    if args.facts:
        facts = pd.read_parquet(args.facts)
        beside = Path(args.facts).with_name("articles.parquet")
        return add_article_year(facts, pd.read_parquet(beside) if beside.exists() else None)
    return predict_from_raw(Path(args.raw))


def _articles_key(args: argparse.Namespace) -> pd.DataFrame | None:
    path = (
        Path(args.articles_key) if args.articles_key else Path(args.gold).with_name("articles.csv")
    )
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else None


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; prints the report and returns 0."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers evaluate", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("facts", help="score facts against a gold CSV")
    p.add_argument("--gold", required=True, help="gold CSV (layout of gold_facts_dev.csv)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--raw", help="raw folder: parse, dedup and extract in memory")
    src.add_argument("--facts", help="a facts.parquet written by stage 03")
    p.add_argument("--articles-key", help="articles.csv mapping files to seeds (sample key)")
    p.add_argument("--json", help="also write the strict and lenient tables to this JSON file")
    conf_help = (
        "the charted view scores predictions at or above this confidence (default: %(default)s)"
    )
    # NOTE: the charted view defaults to the threshold the calibration recommends, not to the
    # pipeline's default (0: every fact charted), so that it shows what that threshold does.
    threshold = confidence.load_model().recommended_min_confidence or DEFAULTS["min_confidence"]
    p.add_argument("--min-confidence", type=float, default=threshold, help=conf_help)
    args = parser.parse_args(argv)
    gold = read_gold(args.gold)
    preds = add_seeds(_load_predictions(args), _articles_key(args))
    strict, lenient = score(gold, preds), score(gold, preds, strict=False)
    shown = None
    if "confidence" in preds:
        shown = (score(gold, charted(preds, args.min_confidence)), args.min_confidence)
    else:
        print("(no confidence column in these facts: no charted view; run stage 03 again)")
    print(format_report(strict, args.gold, lenient, shown))
    if args.json:
        Path(args.json).write_text(to_json(strict, lenient, shown), encoding="utf-8")
    return 0


def to_json(strict: Score, lenient: Score, charted_view: tuple[Score, float] | None = None) -> str:
    """Both tables, the charted view and the error counts as JSON (records of a scoring run)."""
    payload = {
        "strict": strict.table.to_dict(orient="records"),
        "lenient": lenient.table.to_dict(orient="records"),
        "errors": error_counts(strict).to_dict(orient="index"),
    }
    if charted_view is not None:
        shown, threshold = charted_view
        payload["charted"] = {"min_confidence": threshold,
                              "table": shown.table.to_dict(orient="records")}  # fmt: skip
    return json.dumps(payload, ensure_ascii=False, indent=2, default=float) + "\n"


if __name__ == "__main__":
    sys.exit(main())

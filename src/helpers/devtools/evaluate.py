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
fleet_size, ...). A prediction matches a gold row of the same seed when the entity matches
(the named id, its parent, or the same set of ids for a ``+`` combination), the value is within
0.5 % and the periods are compatible (:func:`periods_compatible`). Matching is one to one;
identical predicted statements (same entity, metric, value, period) count once.

Example:
    >>> gold = pd.DataFrame({"seed": ["002"], "topic": ["ev_exports"], "entity": ["wuhu"],
    ...     "metric": ["exports"], "value": [830000], "period": ["2025"], "market": ["world"]})
    >>> pred = gold.rename(columns={"entity": "entity_id"}).assign(parent_id="wuhu", value=830100)
    >>> score(gold, pred).table[["tp", "fp", "fn"]].values.tolist()
    [[1, 0, 0], [0, 0, 0], [0, 0, 0], [1, 0, 0]]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.catalog.metrics import Vocabulary, is_topic_fact, load_vocabulary
from helpers.text.periods import period_bounds

VALUE_TOLERANCE = 0.005  # relative: 0.5 %
SCORED_TOPICS = ("ev_exports", "chip_share", "robotaxi_fleet")
# Point-in-time figures: a fleet counted "now" is dated by the report, the call or the article,
# and annotators pick one of them; within the same year these dates are compatible.
POINT_IN_TIME = frozenset({"fleet_size", "fleet_target"})


@dataclass
class Score:
    """Result of :func:`score`: per-topic table (plus an ``all`` row), misses, false positives."""

    table: pd.DataFrame
    misses: pd.DataFrame
    false_positives: pd.DataFrame
    matches: pd.DataFrame


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


def _candidates(g: pd.Series, preds: pd.DataFrame) -> pd.DataFrame:
    high = g.get("value_high", float("nan"))
    ok = [
        entity_matches(g["entity"], p.entity_id, p.parent_id)
        and value_matches(g["value"], p.value)
        and (pd.isna(high) or value_matches(high, _high(p)))
        and periods_compatible(g["period"], p.period, g["metric"])
        for p in preds.itertuples()
    ]
    cands = preds[pd.Series(ok, index=preds.index, dtype=bool)]
    # Prefer the same metric and the exact period among several candidates.
    rank = (cands["metric"] != g["metric"]).astype(int) * 2 + (cands["period"] != g["period"])
    return cands.assign(_rank=rank).sort_values("_rank")


def _high(pred: object) -> float:
    high = getattr(pred, "value_high", float("nan"))
    return float("nan") if high is None or pd.isna(high) else float(high)


def _match(gold: pd.DataFrame, preds: pd.DataFrame) -> list[tuple[int, int]]:
    """One-to-one greedy matching within each seed: (gold index, prediction index)."""
    pairs, used = [], set()
    for gi, g in gold.iterrows():
        pool = preds[(preds["seed"] == g["seed"]) & ~preds.index.isin(used)]
        cands = _candidates(g, pool)
        if len(cands):
            pi = cands.index[0]
            used.add(pi)
            pairs.append((gi, pi))
    return pairs


def _dedupe(preds: pd.DataFrame) -> pd.DataFrame:
    key = ["seed", "entity_id", "metric", "period", "_v"]
    return preds.assign(_v=preds["value"].round(6)).drop_duplicates(key).drop(columns="_v")


def score(gold: pd.DataFrame, preds: pd.DataFrame, vocab: Vocabulary | None = None) -> Score:
    """Match the topic facts of ``preds`` against those of ``gold`` and count per topic.

    ``preds`` needs seed, topic, entity_id, parent_id, metric, value, period and market.
    """
    vocab = vocab or load_vocabulary()
    gold = topic_facts(map_gold_metrics(gold, vocab), vocab).reset_index(drop=True)
    preds = _dedupe(topic_facts(preds, vocab)).reset_index(drop=True)
    pairs = _match(gold, preds)
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
    return Score(pd.DataFrame(rows), misses, fps, matches)


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
        return facts.assign(seed=facts["source_file"].astype(str).str.split("_").str[0])
    lookup = {
        (str(r.source_file), int(r.position)): str(r.canonical_key)
        for r in articles_key.itertuples()
    }
    pairs = zip(facts["source_file"], facts["file_position"], strict=True)
    seeds = [lookup.get((str(f), int(p)), "") for f, p in pairs]
    return facts.assign(seed=seeds)


def predict_from_raw(raw_dir: Path) -> pd.DataFrame:
    """Parse, dedup and extract facts from a raw folder (stages 01-03 in memory)."""
    from helpers import dedup, facts, parse

    articles = parse.parse_raw_dir(raw_dir).articles
    return facts.extract_facts(dedup.deduplicate(articles).articles)


# --- report ------------------------------------------------------------------------------------
def format_report(result: Score, label: str) -> str:
    """The per-topic table, then the misses and false positives, as text."""
    pd_opts = {"display.width": 200, "display.max_colwidth": 40, "display.max_rows": 500}
    with pd.option_context(*[x for kv in pd_opts.items() for x in kv]):
        table = result.table.to_string(index=False, float_format=lambda x: f"{x:.3f}")
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
    return (
        f"== facts vs {label}\n{table}\n\n-- misses (gold not found)\n{misses}\n\n"
        f"-- false positives\n{fps}\n"
    )


def _show(df: pd.DataFrame, cols: list[str]) -> str:
    if df.empty:
        return "(none)"
    return df[[c for c in cols if c in df]].to_string(index=False)


def _load_predictions(args: argparse.Namespace) -> pd.DataFrame:
    if args.facts:
        return pd.read_parquet(args.facts)
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
    args = parser.parse_args(argv)
    gold = read_gold(args.gold)
    preds = add_seeds(_load_predictions(args), _articles_key(args))
    print(format_report(score(gold, preds), args.gold))
    return 0


if __name__ == "__main__":
    sys.exit(main())

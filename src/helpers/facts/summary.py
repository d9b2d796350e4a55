"""What stage 03 shows about its facts: coverage per topic and what is missing.

Display helpers for the facts notebook; they work on any facts table, including an empty one
(a folder of off-topic news, or no articles at all), and always name the three topics, so a
missing topic is said in words instead of silently absent from a table.

Example:
    >>> f = pd.DataFrame({"fact_id": ["f1"], "topic": ["ev_exports"], "is_topic_fact": [True],
    ...     "entity_id": ["byd"], "metric": ["exports"]})
    >>> coverage(f)["topic_facts"].tolist()  # ev_exports, chip_share, robotaxi_fleet, other
    [1, 0, 0, 0]
    >>> missing_topics(f, "zh-Hans")
    ['本语料中没有“智驾芯片份额”的事实。', '本语料中没有“Robotaxi 车队”的事实。']
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.catalog import texts as lab
from helpers.facts import confidence

TOPICS = ("ev_exports", "chip_share", "robotaxi_fleet")


def topic_name(topic: str, labels: str) -> str:
    """The topic's display name in ``labels``.

    Example:
        >>> topic_name("robotaxi_fleet", "en")
        'Robotaxi fleet'
    """
    return lab.label("topics", topic, labels)


def coverage(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts and topic facts per topic; every topic listed, ``other`` last.

    Example:
        >>> coverage(pd.DataFrame(columns=["fact_id", "topic", "is_topic_fact"]))["facts"].tolist()
        [0, 0, 0, 0]
    """
    topics = [*TOPICS, "other"]
    if facts.empty:
        return pd.DataFrame({"topic": topics, "facts": 0, "topic_facts": 0})
    grouped = facts.groupby("topic").agg(
        facts=("fact_id", "size"), topic_facts=("is_topic_fact", "sum")
    )
    out = grouped.reindex(topics, fill_value=0).astype("int64")
    return out.reset_index().rename(columns={"index": "topic"})


def no_facts_sentence(topic: str, labels: str) -> str:
    """The sentence a stage prints when its topic has no facts.

    Example:
        >>> no_facts_sentence("robotaxi_fleet", "zh-Hant")
        '本語料中沒有「Robotaxi 車隊」的事實。'
    """
    return lab.label("text", "no_topic_facts", labels, topic=topic_name(topic, labels))


def missing_topics(facts: pd.DataFrame, labels: str) -> list[str]:
    """One sentence per topic without a single topic fact.

    Example:
        >>> missing_topics(pd.DataFrame(columns=["fact_id", "topic", "is_topic_fact"]), "en")[0]
        'No EV exports facts in this corpus.'
    """
    return missing_in(coverage(facts), labels)


def missing_in(table: pd.DataFrame, labels: str) -> list[str]:
    """One sentence per topic without a topic fact, from a :func:`coverage` table.

    Example:
        >>> t = pd.DataFrame({"topic": ["ev_exports", "chip_share", "robotaxi_fleet"],
        ...                   "topic_facts": [3, 0, 1]})
        >>> missing_in(t, "zh-Hans")
        ['本语料中没有“智驾芯片份额”的事实。']
    """
    counts = table.set_index("topic")["topic_facts"]
    return [no_facts_sentence(t, labels) for t in TOPICS if counts.get(t, 0) == 0]


def topic_fact_counts(facts: pd.DataFrame) -> pd.DataFrame:
    """Topic facts per entity (rows) and metric (columns); an empty frame when there are none.

    Example:
        >>> f = pd.DataFrame({"fact_id": ["a", "b"], "is_topic_fact": [True, True],
        ...     "entity_id": ["byd", "byd"], "metric": ["exports", "overseas_sales"]})
        >>> topic_fact_counts(f).loc["byd"].tolist()  # 比亚迪
        [1, 1]
    """
    topical = facts[facts["is_topic_fact"].astype(bool)] if not facts.empty else facts
    if topical.empty:
        return pd.DataFrame(index=pd.Index([], name="entity_id"))
    return topical.pivot_table(
        index="entity_id", columns="metric", values="fact_id", aggfunc="count", fill_value=0
    )


def confidence_counts(facts: pd.DataFrame, min_confidence: float) -> pd.DataFrame:
    """Per topic: facts the tables may use, those at or above ``min_confidence``, held back.

    Example:
        >>> f = pd.DataFrame({"topic": ["chip_share", "chip_share"], "confidence": [0.97, 0.4]})
        >>> confidence_counts(f, 0.9).loc["chip_share"].tolist()
        [2, 1, 1]
    """
    rows = facts[confidence.usable(facts)]
    held = confidence.held_back(rows, min_confidence)
    table = pd.DataFrame(
        {
            "facts": rows.groupby("topic").size(),
            "charted": rows[~held].groupby("topic").size(),
            "held_back": rows[held].groupby("topic").size(),
        }
    )
    return table.reindex(list(TOPICS)).fillna(0).astype(int)


# --- views of a table read in parts (stage 03 over batches) --------------------------------------
# The notebook's samples: name -> (rows, columns shown, rows kept). "topic_facts" keeps the
# first rows of each topic; the others the first rows overall.
SAMPLE_COLUMNS = {
    "topic_facts": ["topic", "entity_id", "metric", "value", "unit", "period", "market",
                    "qualifier", "data_source", "number_text", "sentence"],
    "inferred": ["entity_id", "metric", "value", "period", "sentence"],
    "parts": ["entity_id", "metric", "value", "part_of", "sentence"],
    "shaky": ["entity_id", "metric", "value", "quality_score", "sentence"],
}  # fmt: skip
SAMPLE_ROWS = {"topic_facts": 5, "inferred": 10, "parts": 10, "shaky": 10}


@dataclass(frozen=True)
class Views:
    """What notebook 03 shows of its facts, computed part by part and combined.

    ``coverage`` as :func:`coverage`, ``topic_counts`` topic facts per (entity, metric) in
    long form, ``confidence`` as :func:`confidence_counts`, ``samples`` the first rows the
    notebook shows, ``counts`` how many rows each sample was cut from.
    """

    coverage: pd.DataFrame
    topic_counts: pd.DataFrame
    confidence: pd.DataFrame
    samples: dict[str, pd.DataFrame]
    counts: dict[str, int]


def _selections(facts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    if facts.empty:
        return {name: facts for name in SAMPLE_COLUMNS}
    topical = facts[facts["is_topic_fact"].astype(bool)]
    shaky = topical[topical["quality_score"] < 1] if "quality_score" in topical else topical[:0]
    return {
        "topic_facts": topical,
        "inferred": facts[facts["period_inferred"].astype(bool) & facts["is_topic_fact"]],
        "parts": facts[facts["part_of"] != ""],
        "shaky": shaky,
    }


def _sample(name: str, rows: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in SAMPLE_COLUMNS[name] if c in rows]
    if name == "topic_facts" and len(rows):
        rows = rows.groupby("topic").head(SAMPLE_ROWS[name])
    else:
        rows = rows.head(SAMPLE_ROWS[name])
    return rows[columns].reset_index(drop=True)


def views(facts: pd.DataFrame, min_confidence: float) -> Views:
    """The notebook's views of one part of the facts table.

    Example:
        >>> f = pd.DataFrame({"fact_id": ["a", "b"], "topic": ["ev_exports"] * 2,
        ...     "is_topic_fact": [True, True], "entity_id": ["byd"] * 2,
        ...     "metric": ["exports"] * 2, "period_inferred": [False, True], "part_of": ["", ""],
        ...     "confidence": [0.9, 0.4], "sentence": ["比亚迪出口", "比亚迪出口"]})
        >>> v = views(f, 0.5)
        >>> v.coverage["topic_facts"].tolist(), v.counts["inferred"]
        ([2, 0, 0, 0], 1)
    """
    selected = _selections(facts)
    topical = selected["topic_facts"]
    counts = (topical.groupby(["entity_id", "metric"]).size() if len(topical)
              else pd.Series(dtype="int64"))  # fmt: skip
    long = counts.rename("facts").reset_index() if len(counts) else pd.DataFrame(
        {"entity_id": [], "metric": [], "facts": pd.Series(dtype="int64")})  # fmt: skip
    return Views(
        coverage=coverage(facts),
        topic_counts=long,
        confidence=confidence_counts(facts, min_confidence),
        samples={name: _sample(name, rows) for name, rows in selected.items()},
        counts={name: len(rows) for name, rows in selected.items()},
    )


def combine_views(parts: list[Views], min_confidence: float) -> Views:
    """The views of the whole table from those of its parts (in table order).

    Example:
        >>> f = pd.DataFrame({"fact_id": ["a"], "topic": ["ev_exports"], "is_topic_fact": [True],
        ...     "entity_id": ["byd"], "metric": ["exports"], "period_inferred": [False],
        ...     "part_of": [""], "confidence": [0.9], "sentence": ["比亚迪出口"]})
        >>> both = combine_views([views(f, 0.5), views(f, 0.5)], 0.5)
        >>> topic_count_table(both).loc["byd"].tolist(), both.confidence.loc["ev_exports"].tolist()
        ([2], [2, 2, 0])
    """
    cov = pd.concat([p.coverage for p in parts]).groupby("topic", sort=False).sum()
    conf = sum((p.confidence for p in parts[1:]), parts[0].confidence)
    return Views(
        coverage=cov.reset_index().astype({"facts": "int64", "topic_facts": "int64"}),
        topic_counts=_combine_counts(parts),
        confidence=conf.astype(int),
        samples={name: _combine_sample(name, parts) for name in SAMPLE_COLUMNS},
        counts={name: sum(p.counts[name] for p in parts) for name in SAMPLE_COLUMNS},
    )


def _combine_counts(parts: list[Views]) -> pd.DataFrame:
    long = [p.topic_counts for p in parts if len(p.topic_counts)]
    if not long:
        return parts[0].topic_counts
    return pd.concat(long).groupby(["entity_id", "metric"], as_index=False)["facts"].sum()


def _combine_sample(name: str, parts: list[Views]) -> pd.DataFrame:
    rows = [p.samples[name] for p in parts if len(p.samples[name])]
    return _sample(name, pd.concat(rows)) if rows else parts[0].samples[name]


def topic_count_table(v: Views) -> pd.DataFrame:
    """:func:`topic_fact_counts` from combined views.

    Example:
        >>> long = pd.DataFrame({"entity_id": ["byd", "byd"], "metric": ["exports", "revenue"],
        ...                      "facts": [2, 1]})
        >>> topic_count_table(Views(None, long, None, {}, {})).loc["byd"].tolist()  # 比亚迪
        [2, 1]
    """
    if v.topic_counts.empty:
        return pd.DataFrame(index=pd.Index([], name="entity_id"))
    return v.topic_counts.pivot_table(
        index="entity_id", columns="metric", values="facts", aggfunc="sum", fill_value=0
    )

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
    counts = coverage(facts).set_index("topic")["topic_facts"]
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

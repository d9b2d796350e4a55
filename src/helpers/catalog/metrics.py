"""The facts vocabulary: metrics, cue words and topic rules from ``catalog/metrics.yaml``.

Loaded once and validated, like the entity catalog: a cue that does not compile, a cue written
in Traditional characters (it would never match the Simplified matching copy), an unknown unit
class or topic, or a key mapping onto an unknown metric is an error naming the entry to fix.

Example:
    >>> vocab = load_vocabulary()
    >>> vocab.metrics["exports"].units, vocab.metrics["exports"].topic
    (('vehicles',), 'ev_exports')
    >>> [is_topic_fact(vocab, "ev_exports", "sales", market) for market in ("EU", "CN")]
    [True, False]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.catalog.entities import MULTI_REGION_CODES
from helpers.core.paths import CATALOG_DIR
from helpers.text.script import normalize_width
from helpers.text.sentences import matching_copy

VOCABULARY_PATH = CATALOG_DIR / "metrics.yaml"
TOPIC_RULES = (
    "foreign_market_is_ev_exports",
    "robotaxi_operator_is_robotaxi_fleet",
    "share_by_subject",
    "adas_is_chip_share",
)
# Word lists of metrics.yaml compiled into ``Vocabulary.patterns`` (one alternation each).
PATTERN_KEYS = (
    "hypothetical_patterns", "negation_patterns", "milestone_patterns",
    "milestone_clause_patterns", "company_source_cues", "combined_cues",
    "respectively_cues", "each_cues", "anaphora_cues", "decrease_cues", "market_prepositions",
    "directional_prepositions", "market_total_cues", "instrument_prefixes", "ratio_patterns",
    "share_scope_words", "adas_scope_words", "exporter_verbs", "mix_cues",
    "location_suffixes", "maker_suffixes", "market_suffixes", "owner_suffixes",
)  # fmt: skip
# NOTE: markets that are not "foreign" for the ev_exports rule on sales.
HOME_MARKETS = ("", "CN", "world")


class VocabularyError(ValueError):
    """metrics.yaml breaks a rule; the message names the entry and says how to fix it."""


@dataclass(frozen=True)
class Metric:
    """One metric: accepted unit classes, topic, cue patterns (on the Simplified copy)."""

    name: str
    units: tuple[str, ...]
    topic: str
    cues: tuple[re.Pattern, ...]
    topic_rule: str | None = None
    context: str | None = None
    is_change: bool = False
    unit_driven_for: tuple[str, ...] = ()
    target_of: str | None = None
    default_subject: str | None = None
    overrides: tuple[str, ...] = ()
    valid_range: tuple[float | None, float | None] = (None, None)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Everything the extractor reads from metrics.yaml, compiled."""

    metrics: dict[str, Metric]
    topics: tuple[str, ...]
    topic_facts: dict[str, frozenset[str]]
    contexts: dict[str, tuple[tuple[re.Pattern, ...], frozenset[str]]]
    patterns: dict[str, re.Pattern]
    qualifier_cues: dict[str, re.Pattern]
    segments: tuple[tuple[str, re.Pattern], ...]
    market_words: dict[str, re.Pattern]
    market_abbreviations: dict[str, str]
    source_types: frozenset[str]
    generic_subjects: dict[str, re.Pattern]
    region_anaphora: dict[str, re.Pattern]
    key_metric_map: dict[str, dict[str, str]]
    key_only_metrics: frozenset[str]


def _alternation(words: list[str], where: str) -> re.Pattern:
    """One compiled regex for a list of cue patterns (longest first)."""
    for word in words:
        _check_cue(word, where)
    return _compile("|".join(f"(?:{w})" for w in sorted(words, key=len, reverse=True)), where)


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as err:
        raise VocabularyError(f"metrics.yaml {where}: bad regex {pattern!r} ({err})") from err


def _check_cue(cue: str, where: str) -> None:
    """Cues are matched on a Simplified copy: a Traditional cue would silently never match."""
    if matching_copy(cue) != normalize_width(cue):
        raise VocabularyError(
            f"metrics.yaml {where}: cue {cue!r} is not Simplified; write "
            f"{matching_copy(cue)!r} (cues match the t2s copy of the body)"
        )


def _metric(name: str, raw: dict, unit_classes: set[str], topics: set[str]) -> Metric:
    where = f"metric {name!r}"
    units = tuple(raw.get("units", []))
    if not units or set(units) - unit_classes:
        raise VocabularyError(f"metrics.yaml {where}: units must be some of {sorted(unit_classes)}")
    if raw.get("topic") not in topics:
        raise VocabularyError(f"metrics.yaml {where}: topic must be one of {sorted(topics)}")
    rule = raw.get("topic_rule")
    if rule is not None and rule not in TOPIC_RULES:
        raise VocabularyError(f"metrics.yaml {where}: topic_rule must be one of {TOPIC_RULES}")
    for cue in raw.get("cues", []):
        _check_cue(cue, where)
    cues = tuple(_compile(c, where) for c in raw.get("cues", []))
    driven = tuple(raw.get("unit_driven_for", units if raw.get("unit_driven") else ()))
    return Metric(
        name=name,
        units=units,
        topic=raw["topic"],
        cues=cues,
        topic_rule=rule,
        context=raw.get("context"),
        is_change=bool(raw.get("is_change", False)),
        unit_driven_for=driven,
        target_of=raw.get("target_of"),
        default_subject=raw.get("default_subject"),
        overrides=tuple(raw.get("overrides", [])),
        valid_range=_valid_range(raw.get("valid_range"), where),
    )


def _valid_range(raw: object, where: str) -> tuple[float | None, float | None]:
    """``[low, high]`` (either may be null) a plausible value lies in; none by default."""
    if raw is None:
        return (None, None)
    ok = isinstance(raw, list) and len(raw) == 2
    ok = ok and all(b is None or isinstance(b, int | float) for b in raw)
    if not ok or (None not in raw and raw[0] > raw[1]):
        raise VocabularyError(f"metrics.yaml {where}: valid_range must be [low, high], got {raw!r}")
    return (raw[0], raw[1])


# NOTE: complexity 11: one validation per cross-reference kind of metrics.yaml, each with its own
# error message.
def _check_references(vocab: Vocabulary) -> None:
    """Topic-fact lists, contexts, promotions and key mappings name things that exist."""
    for topic, names in vocab.topic_facts.items():
        unknown = set(names) - set(vocab.metrics)
        if topic not in vocab.topics or unknown:
            raise VocabularyError(f"metrics.yaml topic_facts.{topic}: unknown {sorted(unknown)}")
    for metric in vocab.metrics.values():
        if metric.context and metric.context not in vocab.contexts:
            raise VocabularyError(f"metrics.yaml {metric.name}: context {metric.context!r} unknown")
        if metric.target_of and metric.target_of not in vocab.metrics:
            raise VocabularyError(f"metrics.yaml {metric.name}: target_of unknown")
    known = set(vocab.metrics) | vocab.key_only_metrics
    for key, spec in vocab.key_metric_map.items():
        if spec.get("metric") not in known:
            raise VocabularyError(f"metrics.yaml key_metric_map.{key}: unknown metric")


def parse_vocabulary(text: str) -> Vocabulary:
    """Parse and validate metrics.yaml text.

    Raises:
        VocabularyError: on any rule broken (see the module docstring).

    Example:
        >>> try:
        ...     parse_vocabulary(load_text().replace("cues: ['出口", "cues: ['出口(", 1))
        ... except VocabularyError as err:
        ...     print(str(err)[:39])
        metrics.yaml metric 'export_value': bad
    """
    doc = yaml.safe_load(text)
    unit_classes, topics = set(doc["unit_classes"]), tuple(doc["topics"])
    metrics = {n: _metric(n, r, unit_classes, set(topics)) for n, r in doc["metrics"].items()}
    vocab = Vocabulary(
        metrics=metrics,
        topics=topics,
        topic_facts={t: frozenset(m) for t, m in doc["topic_facts"].items()},
        contexts={
            name: (tuple(_compile(p, name) for p in c["patterns"]), frozenset(c["subject_types"]))
            for name, c in doc["contexts"].items()
        },
        patterns=_patterns(doc),
        qualifier_cues={q: _alternation(w, q) for q, w in doc["qualifier_cues"].items()},
        segments=tuple((s, _alternation(w, s)) for s, w in doc["segments"].items()),
        market_words={m: _alternation(w, m) for m, w in doc["market_words"].items()},
        market_abbreviations=dict(doc["market_abbreviations"]),
        source_types=frozenset(doc["source_types"]),
        generic_subjects={k: _compile(p, k) for k, p in doc["generic_subjects"].items()},
        region_anaphora={lvl: _alternation(w, lvl) for lvl, w in doc["region_anaphora"].items()},
        key_metric_map=dict(doc["key_metric_map"]),
        key_only_metrics=frozenset(doc.get("key_only_metrics", [])),
    )
    _check_references(vocab)
    return vocab


def _patterns(doc: dict) -> dict[str, re.Pattern]:
    """The word lists of :data:`PATTERN_KEYS`, each compiled to one alternation."""
    patterns = {k: _alternation(doc[k], k) for k in PATTERN_KEYS}
    patterns["level_after_decrease"] = _compile(doc["level_after_decrease"], "level_after")
    return patterns


def load_text(path: str | Path = VOCABULARY_PATH) -> str:
    """Return the vocabulary file's text."""
    return Path(path).read_text(encoding="utf-8")


@functools.cache
def load_vocabulary(path: str | Path = VOCABULARY_PATH) -> Vocabulary:
    """Load and validate ``catalog/metrics.yaml`` (cached per path)."""
    return parse_vocabulary(load_text(path))


def is_topic_fact(vocab: Vocabulary, topic: str, metric: str, market: str = "") -> bool:
    """Whether a fact of ``metric`` in ``topic`` is a *topic fact* (the facts that are scored).

    NOTE: the one definition used for extraction output and for both gold tables. ``sales``
    is an ev_exports topic fact only for a foreign market (sales in Europe, not at home); a
    multi-country market without an ISO code (ASEAN, LATAM, MIDEAST, AFRICA) is none.

    Example:
        >>> v = load_vocabulary()
        >>> is_topic_fact(v, "chip_share", "market_share")
        True
        >>> is_topic_fact(v, "ev_exports", "yoy_growth")
        False
    """
    if metric not in vocab.topic_facts.get(topic, ()):
        return False
    if market in MULTI_REGION_CODES or "+" in market:
        # NOTE: the market vocabulary is ISO alpha-2, EU and world. A multi-country
        # market outside it (东盟 = ASEAN) or several markets summed (EU+AU) is kept on the
        # fact but is no topic fact: it overlaps the country markets (TH, PH, …) a destination
        # table ranks.
        return False
    if topic == "ev_exports" and metric == "sales":
        return (market or "") not in HOME_MARKETS
    return True

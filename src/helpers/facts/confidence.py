"""How sure a fact is: evidence features, a logistic model over them, and the review reason.

The rules (:mod:`helpers.facts.rows`) extract facts and record how they found each part
(``subject_basis``, ``period_basis``, ``metric_basis``, ``cue_distance``, ``date_basis``); this
module turns that evidence, the sentence's form, the article's quality and the number's form
into the features of :data:`FEATURES`, and scores them with the logistic model stored in
``confidence.yaml`` (trained on the gold sets by ``python -m helpers calibrate``):

    confidence = 1 / (1 + exp(-(intercept + sum(coefficient * feature))))

``confidence`` is the estimated chance that the fact is right under the strict scorer of
``python -m helpers evaluate`` (entity, value, period, metric and market all right).
``confidence_reason`` names the evidence that pulled it down most, in words a reviewer can
check against the sentence.

NOTE: a learned model, not hand-set weights: which evidence predicts a wrong fact, and by how
much, is measured on the gold sets (real pages first) and retrained by one deterministic
command when the rules or the gold change. The features stay few and readable so that a
coefficient can be read as "a carried subject costs this much".

Example:
    >>> facts = pd.DataFrame({"entity_id": ["byd", "byd"], "topic": ["ev_exports"] * 2,
    ...     "metric": ["exports", "revenue"], "period": ["2025", ""], "qualifier": ["", "approx"],
    ...     "sentence": ["比亚迪2025年出口5万辆", "公司营收约9亿元"], "sentence_start": [0, 20],
    ...     "char_start": [9, 26], "article_id": ["a", "a"], "period_inferred": [False, True],
    ...     "subject_basis": ["in_clause", "carried"], "period_basis": ["clause", "none"],
    ...     "metric_basis": ["cue_before"] * 2, "cue_distance": [2, 2],
    ...     "date_basis": ["published"] * 2})
    >>> scored = add_confidence(facts)
    >>> bool(scored["confidence"].iloc[0] > scored["confidence"].iloc[1])
    True
    >>> [bool(reason) for reason in scored["confidence_reason"]]  # the second says why
    [False, True]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.facts import mentions as attr
from helpers.facts.schema import RANKING_RE
from helpers.text.periods import RELATIVE_SPAN_RE, RELATIVE_YEARS

MODEL_PATH = Path(__file__).with_name("confidence.yaml")
MODEL_FORMAT = 1
# Subject rules (helpers.facts.subjects.SUBJECT_RULES, helpers.facts.rows._subject_record).
# A subject named in the figure's own clause, or the figure's item of a list there.
SUBJECT_LIST = frozenset({"respectively", "each", "combined"})
SUBJECT_OWN = SUBJECT_LIST | {"in_clause"}
# Period rules (helpers.facts.dating.PERIOD_BASES) by how far from the figure they looked.
# A period heading the figure from an earlier clause (截至2025年11月底，其车队…) counts as its own.
PERIOD_OWN = frozenset({"list", "aside", "clause", "as_of", "lead"})
PERIOD_CONTEXT = frozenset({"then", "previous_sentence", "passage"})
PERIOD_ARTICLE = frozenset({"article_month", "article_year"})
APPROX_QUALIFIERS = frozenset({"approx", "over", "under"})
PROJECTION_QUALIFIERS = frozenset({"forecast", "target", "claimed"})
NON_COMPANY_TYPES = frozenset({"region", "group"})
# The counts and shares each topic's tables headline; other topic metrics (installed units,
# revenue, mileage, export value, production) are read wrong or annotated apart more often.
# A change (yoy_growth) counts as the metric it changes (base_metric).
HEADLINE_METRICS = frozenset({"exports", "overseas_sales", "nev_exports", "bev_exports",
                              "phev_exports", "market_share", "fleet_size",
                              "fleet_target"})  # fmt: skip
RELATIVE_RE = re.compile("|".join([*RELATIVE_YEARS, RELATIVE_SPAN_RE.pattern, "上年", "同期"]))
LIST_RE = re.compile(r"[、；;]")
RESPECTIVELY_RE = re.compile(r"分别|分別|依次|各自")
# Cue distances are counted in characters; past this many the cue is as far as it gets.
CUE_DISTANCE_CAP = 40
FIGURES_CAP = 8
SENTENCE_CHARS_CAP = 300
# How many reasons the review table names per fact.
REASONS_SHOWN = 3


@dataclass(frozen=True)
class Feature:
    """One feature: its name and what a high value says about the fact (for the reason text)."""

    name: str
    reason: str


# NOTE: every feature is computed and shown (a reviewer sees all the evidence); the model file
# names the ones it scores with. The current model uses the first eight: the candidates after
# them add noise on unseen real pages (measured in benchmarks/confidence.md).
FEATURES: tuple[Feature, ...] = (
    Feature("subject_elsewhere", "subject not named in the figure's own clause"),
    Feature("subject_carried", "subject carried from an earlier sentence"),
    Feature("period_elsewhere", "period not written for the figure (its clause or right before)"),
    Feature("period_on_estimated_date", "period inferred against an estimated article date"),
    Feature("period_empty", "no period found"),
    Feature("date_estimated", "article date estimated, not published"),
    Feature("number_approx", "approximate or bound figure (约, 超, 近)"),
    Feature("metric_secondary", "not a headline metric of its topic (units, revenue, mileage)"),
    # candidates
    Feature("subject_list", "subject matched by position in a list (分别, 各, 合计)"),
    Feature("subject_default", "no subject named: the country or market by default"),
    Feature("entity_region", "subject is a country, region or group, not a company"),
    Feature("period_context", "period taken from an earlier sentence"),
    Feature("period_article", "period taken from the article's date"),
    Feature("period_inferred", "period inferred (year not written, or relative to a date)"),
    Feature("period_relative", "relative period before the figure (今年, 去年, 上月)"),
    Feature("date_missing", "article without any date"),
    Feature("cue_after", "metric named only after the figure"),
    Feature("cue_earlier", "metric named in an earlier clause"),
    Feature("metric_inherited", "no metric word: inherited from a figure before or the unit"),
    Feature("cue_far", "metric word far from the figure"),
    Feature("form_respectively", "list sentence (分别, 依次, 各自)"),
    Feature("form_ranking", "ranking sentence (位居, 排名, 分列)"),
    Feature("form_list", "sentence lists several items (、 ；)"),
    Feature("figures_in_sentence", "many figures in one sentence"),
    Feature("sentence_long", "long sentence"),
    Feature("garble", "garbled article text (low quality_score)"),
    Feature("number_range", "range figure (N至M)"),
    Feature("number_projection", "forecast, target or claim"),
    Feature("topic_chip_share", "chip-share fact"),
    Feature("topic_robotaxi_fleet", "Robotaxi fleet fact"),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
EVIDENCE_COLUMNS = ("subject_basis", "period_basis", "metric_basis", "cue_distance", "date_basis")


class ModelError(ValueError):
    """The confidence model file does not fit :data:`FEATURES` or is malformed."""


@dataclass(frozen=True)
class Model:
    """A logistic model over some of :data:`FEATURES`: intercept and a coefficient each."""

    intercept: float
    coefficients: dict[str, float]
    recommended_min_confidence: float | None = None  # what the calibration chose

    @property
    def names(self) -> list[str]:
        """The features the model scores with, in :data:`FEATURE_NAMES` order."""
        return [n for n in FEATURE_NAMES if n in self.coefficients]

    def vector(self) -> np.ndarray:
        """The coefficients in the order of :attr:`names`."""
        return np.array([self.coefficients[n] for n in self.names], dtype=float)


# --- model file -------------------------------------------------------------------------------
def validate_model(data: object) -> Model:
    """Check a parsed model file and return the :class:`Model`.

    The file names some features of :data:`FEATURES` (at least one), each with a finite
    number, and a finite intercept; an unknown feature (a file written for other code) is an
    error that says to retrain: ``python -m helpers calibrate --write``.

    Example:
        >>> validate_model({"format": 1, "intercept": 1.5, "coefficients": {"garble": -2}}).names
        ['garble']
        >>> validate_model({"format": 1, "intercept": 1.5, "coefficients": {"tone": 1.0}})
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        helpers.facts.confidence.ModelError: confidence model: unknown features ['tone']; ...
    """
    coefs = _coefficients(data)
    assert isinstance(data, dict)  # checked by _coefficients
    values = {"intercept": data.get("intercept"), **coefs}
    bad = [k for k, v in values.items() if not _finite_number(v)]
    if bad:
        raise ModelError(f"confidence model: not a finite number: {bad}")
    threshold = data.get("recommended_min_confidence")
    if threshold is not None and not (_finite_number(threshold) and 0 <= threshold <= 1):
        raise ModelError("confidence model: recommended_min_confidence must lie in 0..1")
    return Model(float(data["intercept"]), {k: float(v) for k, v in coefs.items()},
                 None if threshold is None else float(threshold))  # fmt: skip


def _coefficients(data: object) -> dict:
    """The coefficients mapping of a model file, its format and feature names checked."""
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ModelError(f"confidence model: a mapping with format: {MODEL_FORMAT} expected")
    coefs = data.get("coefficients")
    if not isinstance(coefs, dict) or not coefs:
        raise ModelError("confidence model: coefficients must map feature names to numbers")
    unknown = sorted(set(coefs) - set(FEATURE_NAMES))
    if unknown:
        raise ModelError(
            f"confidence model: unknown features {unknown}; "
            "retrain it: python -m helpers calibrate --write"
        )
    return coefs


def _finite_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@cache
def load_model(path: str | Path = MODEL_PATH) -> Model:
    """Read and validate the model file (``confidence.yaml`` beside this module by default)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ModelError(f"confidence model {path}: cannot read it: {err}") from err
    return validate_model(data)


# --- features ---------------------------------------------------------------------------------
def _text(facts: pd.DataFrame, column: str) -> pd.Series:
    if column not in facts:
        return pd.Series("", index=facts.index, dtype=object)
    return facts[column].fillna("").astype(str)


def _number(facts: pd.DataFrame, column: str, default: float) -> pd.Series:
    if column not in facts:
        return pd.Series(default, index=facts.index, dtype=float)
    return pd.to_numeric(facts[column], errors="coerce").fillna(default).astype(float)


def _flag(mask: object) -> pd.Series:
    return pd.Series(mask).astype(float)


def _before_figure(facts: pd.DataFrame) -> pd.Series:
    """The sentence up to the figure (relative periods there date it)."""
    offsets = (facts["char_start"] - facts["sentence_start"]).clip(lower=0).astype(int)
    return pd.Series(
        [s[:o] for s, o in zip(_text(facts, "sentence"), offsets, strict=True)],
        index=facts.index,
    )


def _figures_per_sentence(facts: pd.DataFrame) -> pd.Series:
    key = [facts["article_id"].astype(str), facts["sentence_start"]]
    return facts.groupby(key)["sentence_start"].transform("size").astype(float)


def _measured_metric(facts: pd.DataFrame) -> pd.Series:
    """The metric a figure measures: a change's base metric (exports for its growth rate)."""
    base = _text(facts, "base_metric")
    return base.where(base != "", _text(facts, "metric"))


def _is_region(entity_id: str) -> bool:
    parts = [p for p in entity_id.split("+") if p]
    return bool(parts) and all(
        p.startswith("market_") or bool(attr.types_of(p) & NON_COMPANY_TYPES) for p in parts
    )


def confidence_features(facts: pd.DataFrame) -> pd.DataFrame:
    """One row of :data:`FEATURES` per fact (0/1 flags and scaled numbers in 0..1).

    Args:
        facts: the facts table (stage 03 columns, with the evidence columns of
            :data:`EVIDENCE_COLUMNS` and ``quality_score`` when known).

    Returns:
        A float DataFrame with the columns of :data:`FEATURE_NAMES`, on ``facts``' index.

    Example:
        >>> f = pd.DataFrame({"entity_id": ["china"], "topic": ["ev_exports"], "period": [""],
        ...     "sentence": ["去年出口約5萬輛"], "sentence_start": [0], "char_start": [4],
        ...     "article_id": ["a"], "qualifier": ["approx"], "subject_basis": ["default"],
        ...     "period_basis": ["unresolved"], "metric_basis": ["cue_before"],
        ...     "cue_distance": [2], "date_basis": [""]})
        >>> row = confidence_features(f).iloc[0]
        >>> row[["subject_default", "period_empty", "period_relative", "number_approx"]].tolist()
        [1.0, 1.0, 1.0, 1.0]
    """
    subject, period_basis = _text(facts, "subject_basis"), _text(facts, "period_basis")
    metric_basis, date_basis = _text(facts, "metric_basis"), _text(facts, "date_basis")
    qualifier, sentence = _text(facts, "qualifier"), _text(facts, "sentence")
    distance, quality = _number(facts, "cue_distance", -1), _number(facts, "quality_score", 1)
    inferred = _number(facts, "period_inferred", 0) > 0
    value_high = facts["value_high"] if "value_high" in facts else pd.Series(np.nan, facts.index)
    estimated = date_basis != "published"
    out = {
        "subject_elsewhere": ~subject.isin(SUBJECT_OWN),
        "subject_carried": subject == "carried",
        "period_elsewhere": ~period_basis.isin(PERIOD_OWN),
        "period_on_estimated_date": inferred & estimated,
        "period_empty": _text(facts, "period") == "",
        "date_estimated": estimated,
        "number_approx": qualifier.isin(APPROX_QUALIFIERS),
        "metric_secondary": ~_measured_metric(facts).isin(HEADLINE_METRICS),
        "subject_list": subject.isin(SUBJECT_LIST),
        "subject_default": subject == "default",
        "entity_region": _text(facts, "entity_id").map(_is_region),
        "period_context": period_basis.isin(PERIOD_CONTEXT),
        "period_article": period_basis.isin(PERIOD_ARTICLE),
        "period_inferred": inferred,
        "period_relative": _before_figure(facts).map(lambda t: bool(RELATIVE_RE.search(t))),
        "date_missing": date_basis == "",
        "cue_after": metric_basis == "cue_after",
        "cue_earlier": metric_basis == "cue_earlier",
        "metric_inherited": metric_basis == "inherited",
        "cue_far": distance.clip(lower=0, upper=CUE_DISTANCE_CAP) / CUE_DISTANCE_CAP,
        "form_respectively": sentence.map(lambda t: bool(RESPECTIVELY_RE.search(t))),
        "form_ranking": sentence.map(lambda t: bool(RANKING_RE.search(t))),
        "form_list": sentence.str.count(LIST_RE.pattern) >= 2,
        "figures_in_sentence": (_figures_per_sentence(facts).clip(upper=FIGURES_CAP) - 1)
        / (FIGURES_CAP - 1),
        "sentence_long": sentence.str.len().clip(upper=SENTENCE_CHARS_CAP) / SENTENCE_CHARS_CAP,
        "garble": (1.0 - quality).clip(lower=0, upper=1),
        "number_range": value_high.notna(),
        "number_projection": qualifier.isin(PROJECTION_QUALIFIERS),
        "topic_chip_share": _text(facts, "topic") == "chip_share",
        "topic_robotaxi_fleet": _text(facts, "topic") == "robotaxi_fleet",
    }
    return pd.DataFrame({n: _flag(out[n]).to_numpy() for n in FEATURE_NAMES}, index=facts.index)


# --- scores -----------------------------------------------------------------------------------
def predict(features: pd.DataFrame, model: Model) -> np.ndarray:
    """The model's probability for each row of a feature table.

    Example:
        >>> m = Model(0.0, {"garble": -1.0})
        >>> predict(pd.DataFrame({"garble": [0.0]}), m).tolist()
        [0.5]
    """
    z = model.intercept + features[model.names].to_numpy(float) @ model.vector()
    return 1.0 / (1.0 + np.exp(-z))


def reasons(features: pd.DataFrame, model: Model, shown: int = REASONS_SHOWN) -> list[str]:
    """The evidence that lowered each fact's confidence most, most costly first ("" for none).

    Example:
        >>> m = Model(2.0, {"subject_carried": -1.2, "garble": -2.0})
        >>> x = pd.DataFrame({"subject_carried": [1.0], "garble": [0.25]})
        >>> first, second = reasons(x, m)[0].split("; ")  # 主语承前句 costs more than 乱码 here
        >>> first, second.endswith("(-0.5)")
        ('subject carried from an earlier sentence (-1.2)', True)
    """
    texts = {f.name: f.reason for f in FEATURES}
    names = model.names
    contrib = features[names].to_numpy(float) * model.vector()
    out = []
    for row in contrib:
        order = [i for i in np.argsort(row, kind="stable") if row[i] < -0.005][:shown]
        out.append("; ".join(f"{texts[names[i]]} ({row[i]:+.1f})" for i in order))
    return out


def add_confidence(facts: pd.DataFrame, model: Model | None = None) -> pd.DataFrame:
    """Add ``confidence`` (0..1) and ``confidence_reason`` to a facts table.

    Args:
        facts: the facts table of stage 03 (see :func:`confidence_features`).
        model: the model (the packaged ``confidence.yaml`` by default).

    Returns:
        A copy of ``facts`` with the two columns (float, text).
    """
    model = model or load_model()
    if facts.empty:
        return facts.assign(confidence=pd.Series(dtype=float),
                            confidence_reason=pd.Series(dtype=object))  # fmt: skip
    features = confidence_features(facts)
    return facts.assign(
        confidence=np.round(predict(features, model), 4), confidence_reason=reasons(features, model)
    )


# --- review -----------------------------------------------------------------------------------
TOPICS = ("ev_exports", "chip_share", "robotaxi_fleet")
REVIEW_COLUMNS = (
    "fact_id", "article_id", "topic", "entity_id", "entity_text", "metric", "value", "unit",
    "period", "market", "qualifier", "data_source", "number_text", "sentence", "confidence",
    "reason", *EVIDENCE_COLUMNS, "source_file",
)  # fmt: skip


def usable(facts: pd.DataFrame) -> pd.Series:
    """Facts a table or chart would use: of the three topics, no part of a total, no finding.

    Parts (``part_of``) and flagged values (``finding``) are kept out of tables for other
    reasons, shown elsewhere (notebook 03, the findings table).

    Example:
        >>> usable(pd.DataFrame({"topic": ["chip_share", "other"], "part_of": ["", ""]})).tolist()
        [True, False]
    """
    keep = facts["topic"].isin(TOPICS)
    for column in ("part_of", "finding"):
        if column in facts:
            keep &= facts[column].fillna("").astype(str) == ""
    return keep


def held_back(facts: pd.DataFrame, min_confidence: float) -> pd.Series:
    """:func:`usable` facts whose confidence is below ``min_confidence``.

    Example:
        >>> f = pd.DataFrame({"topic": ["chip_share", "other", "chip_share"],
        ...                   "confidence": [0.5, 0.1, 0.97]})
        >>> held_back(f, 0.9).tolist()
        [True, False, False]
        >>> held_back(f.assign(review_status=["corrected", "", ""]), 0.9).tolist()
        [False, False, False]
    """
    if "confidence" not in facts:
        raise ValueError("facts have no confidence column: run stage 03_facts again")
    return usable(facts) & (facts["confidence"] < min_confidence) & ~reviewed(facts)


def reviewed(facts: pd.DataFrame) -> pd.Series:
    """Facts a person decided with ``helpers correct`` (set, added or rejected).

    NOTE: such a fact is never held back nor queued: doing so would undo the reviewer's work.
    Stage 03 (:func:`held_back`) and the share tables (``share.limit_confidence``) both ask here.

    Example:
        >>> reviewed(pd.DataFrame({"review_status": ["", "corrected", None]})).tolist()
        [False, True, False]
    """
    if "review_status" not in facts:
        return pd.Series(False, index=facts.index)
    return facts["review_status"].fillna("").astype(str) != ""


def review_table(facts: pd.DataFrame, min_confidence: float) -> pd.DataFrame:
    """The facts held back for review (:func:`held_back`), least confident first.

    One row per fact: the sentence, the figure as written (``number_text``), the fact's
    fields, its confidence and the ``reason`` (the evidence that lowered it most). An empty
    table keeps its columns.

    Example:
        >>> f = pd.DataFrame({"fact_id": ["f1", "f2"], "topic": ["robotaxi_fleet"] * 2,
        ...     "entity_id": ["pony_ai"] * 2, "value": [300.0, 1000.0],
        ...     "sentence": ["小马智行车队约300辆", "目标1000辆"], "confidence": [0.97, 0.6],
        ...     "confidence_reason": ["", "subject carried from an earlier sentence (-1.2)"]})
        >>> review_table(f, 0.9)[["fact_id", "value", "reason"]].values.tolist()
        [['f2', 1000.0, 'subject carried from an earlier sentence (-1.2)']]
    """
    rows = facts[held_back(facts, min_confidence)]
    out = rows.rename(columns={"confidence_reason": "reason"})
    out = out.reindex(columns=list(REVIEW_COLUMNS))
    return out.sort_values(["confidence", "fact_id"], kind="stable").reset_index(drop=True)

"""Train the facts' confidence model on the gold sets and measure its calibration honestly.

Usage::

    python -m helpers calibrate --real /work/realeval/round1             # report only
    python -m helpers calibrate --real /work/realeval/round1 --write     # + model and benchmark

Training data: every topic fact the extractor predicts on a gold set, labelled correct when it
matches a gold row under the strict scorer (:func:`helpers.devtools.evaluate.label_predictions`).
The sets: the sample key, the dev gold in ``../shared/corpus``, the blind sets
``tests/fixtures/heldout*`` and each real round named by ``--real`` (a folder with ``gold.csv``
and ``pages/``, outside the repository). Sets whose files are absent are skipped and said so.

Model: L2-regularised logistic regression over :data:`helpers.facts.confidence.FEATURES`,
fitted by Newton's method (IRLS) in numpy: the loss is strictly convex, so the optimum is
unique and a rerun on the same data gives the same coefficients (rounded to 4 decimals in the
file). Real pages weigh as much, in total, as all self-written sets together
(:func:`weights`): they are what the model is for, and the self-written sets outnumber them.

NOTE: numpy, not scikit-learn: the pipeline only needs a dot product and a sigmoid, and
training is thirty lines of Newton steps; a 40 MB dependency (scipy included) for that
would be the first thing a fresh install downloads.

Honest calibration: every figure of ``benchmarks/confidence.md`` is **cross-validated**:
each fact is scored by a model that never saw its article or page (:func:`cross_validate`,
leave one article out), and, stricter, by a model that never saw its gold set (leave one set
out: for the real round, a model trained on self-written text only). The default
``min_confidence`` is the lowest threshold from which the cross-validated precision of
charted facts on real pages stays at or above :data:`TARGET_PRECISION` for every higher
threshold that still charts :data:`MIN_CHARTED` facts (:func:`choose_threshold`).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.core.params import DEFAULTS
from helpers.core.paths import PROJ_ROOT, SAMPLE_RAW_DIR, SHARED_DIR
from helpers.devtools import evaluate
from helpers.facts import cache, confidence

L2 = 3.0  # penalty on the coefficients (not the intercept), in units of summed sample weight
# NOTE: the features the model scores with (a subset of confidence.FEATURES). The other
# candidates are computed and shown but left out: with them the model ranks unseen real pages
# worse (leave-one-page-out, benchmarks/confidence.md "all candidates" row), since round 1
# has 140 facts and its errors cluster by page.
MODEL_FEATURES = ("subject_elsewhere", "subject_carried", "period_elsewhere",
                  "period_on_estimated_date", "period_empty", "date_estimated", "number_approx",
                  "metric_secondary")  # fmt: skip
TARGET_PRECISION = 0.95
MIN_CHARTED = 20
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.30, 0.991, 0.01))
SWEEP_FROM = 0.80  # the report's sweep table starts here
BINS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)
NEWTON_STEPS = 50
NEWTON_TOLERANCE = 1e-10
BENCHMARK_PATH = PROJ_ROOT / "benchmarks" / "confidence.md"
X_PREFIX = "x_"


@dataclass(frozen=True)
class GoldSet:
    """One gold set: its gold CSV, the raw folder it was read from, an optional articles key."""

    name: str
    gold: Path
    raw: Path
    articles_key: Path | None = None
    is_real: bool = False


def gold_sets(real_dirs: list[Path] | tuple[Path, ...] = ()) -> list[GoldSet]:
    """The gold sets of the repository, then one per real round folder (gold.csv + pages/).

    Example:
        >>> sets = gold_sets([Path("/r/round1")])
        >>> [s.name for s in sets][:3], sets[-1].name, sets[-1].is_real
        (['sample', 'dev', 'heldout'], 'real-round1', True)
    """
    fixtures = PROJ_ROOT / "tests" / "fixtures"
    sets = [
        GoldSet("sample", fixtures / "sample_truth" / "facts.csv", SAMPLE_RAW_DIR,
                fixtures / "sample_truth" / "articles.csv"),
        GoldSet("dev", SHARED_DIR / "corpus" / "gold_facts_dev.csv", SHARED_DIR / "corpus"),
    ]  # fmt: skip
    for name in ("heldout", *(f"heldout{i}" for i in range(2, 7))):
        sets.append(GoldSet(name, fixtures / name / "gold_facts.csv", fixtures / name))
    sets += [
        GoldSet(f"real-{d.name}", d / "gold.csv", d / "pages", is_real=True) for d in real_dirs
    ]
    return sets


# --- data -------------------------------------------------------------------------------------
def labelled_facts(gold_set: GoldSet) -> pd.DataFrame:
    """The set's scored predictions with their features (``x_*``), ``is_correct`` and ``set``."""
    preds = evaluate.predict_from_raw(gold_set.raw, scored=False)
    key = None
    if gold_set.articles_key is not None:
        key = pd.read_csv(gold_set.articles_key, dtype=str, keep_default_na=False)
    preds = evaluate.add_seeds(preds, key)
    # NOTE: features from the whole facts table (figures per sentence count every figure),
    # as the pipeline computes them, before the scorer keeps topic facts only.
    features = confidence.confidence_features(preds).add_prefix(X_PREFIX)
    labelled = evaluate.label_predictions(evaluate.read_gold(gold_set.gold), preds.join(features))
    return labelled.assign(set=gold_set.name, is_real=gold_set.is_real)


@dataclass
class Collected:
    """Labelled facts of every set read, and each set's gold (for the strict scorer)."""

    data: pd.DataFrame
    golds: dict[str, pd.DataFrame]
    sets: list[GoldSet]


def collect(sets: list[GoldSet], echo=print) -> Collected:
    """:func:`labelled_facts` of every set whose gold and raw folder exist."""
    frames, golds, used = [], {}, []
    for s in sets:
        if not (s.gold.is_file() and s.raw.is_dir()):
            echo(f"skipped {s.name}: {s.gold} or {s.raw} is missing")
            continue
        frames.append(labelled_facts(s))
        golds[s.name], used = evaluate.read_gold(s.gold), [*used, s]
        n, right = len(frames[-1]), int(frames[-1]["is_correct"].sum())
        echo(f"{s.name}: {n} topic facts, {right} right (strict)")
    if not frames:
        raise SystemExit("calibrate: no gold set found")
    return Collected(pd.concat(frames, ignore_index=True), golds, used)


def design(data: pd.DataFrame, names: tuple[str, ...] = MODEL_FEATURES) -> np.ndarray:
    """The feature matrix of labelled facts (columns in the order of ``names``)."""
    return data[[X_PREFIX + n for n in names]].to_numpy(float)


def weights(data: pd.DataFrame) -> np.ndarray:
    """Sample weights: real pages' facts weigh as much in total as all the others (1 each).

    Example:
        >>> weights(pd.DataFrame({"is_real": [True, False, False, False]})).tolist()
        [3.0, 1.0, 1.0, 1.0]
    """
    real = data["is_real"].astype(bool).to_numpy()
    n_real, n_other = int(real.sum()), int((~real).sum())
    factor = n_other / n_real if n_real and n_other else 1.0
    return np.where(real, factor, 1.0)


# --- model ------------------------------------------------------------------------------------
def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2
                 ) -> tuple[float, np.ndarray]:  # fmt: skip
    """L2-regularised weighted logistic regression by Newton's method: (intercept, coefs).

    The intercept is not penalised. Deterministic: same data, same result.

    Example:
        >>> x = np.array([[0.0], [0.0], [0.0], [1.0], [1.0], [1.0]])
        >>> b, c = fit_logistic(x, np.array([1, 1, 0, 1, 0, 0]), np.ones(6), l2=0.0)
        >>> round(b, 3), round(float(c[0]), 3)  # log odds 2:1 -> log 2; 1:2 -> log 2 - 2 log 2
        (0.693, -1.386)
    """
    xa = np.hstack([np.ones((len(x), 1)), x])
    penalty = np.full(xa.shape[1], l2)
    penalty[0] = 0.0
    beta = np.zeros(xa.shape[1])
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(xa @ beta, -30, 30)))
        grad = xa.T @ (w * (y - p)) - penalty * beta
        curvature = (xa * (w * p * (1 - p))[:, None]).T @ xa
        hess = curvature + np.diag(penalty) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < NEWTON_TOLERANCE:
            break
    return float(beta[0]), beta[1:]


def train(data: pd.DataFrame, names: tuple[str, ...] = MODEL_FEATURES, l2: float = L2
          ) -> confidence.Model:  # fmt: skip
    """Fit the model on labelled facts (see :func:`fit_logistic`, :func:`weights`)."""
    y = data["is_correct"].astype(float).to_numpy()
    intercept, coefs = fit_logistic(design(data, names), y, weights(data), l2)
    return confidence.Model(
        round(intercept, 4), {n: round(float(c), 4) for n, c in zip(names, coefs, strict=True)}
    )


def score_with(model: confidence.Model, data: pd.DataFrame) -> np.ndarray:
    """The model's confidence for labelled facts."""
    features = pd.DataFrame(design(data, tuple(model.names)), columns=model.names)
    return confidence.predict(features, model)


def cross_validate(data: pd.DataFrame, scheme: str = "article", **fit) -> np.ndarray:
    """Out-of-fold confidence for every labelled fact.

    ``scheme`` "article": leave one article (a seed of a set: a real page, a self-written
    article or dump file) out; "set": leave one gold set out.
    """
    if scheme == "set":
        groups = data["set"].to_numpy()
    else:
        groups = (data["set"] + "/" + data["seed"].astype(str)).to_numpy()
    out = np.full(len(data), np.nan)
    for g in np.unique(groups):
        held = groups == g
        out[held] = score_with(train(data[~held], **fit), data[held])
    return out


# --- measures ---------------------------------------------------------------------------------
def calibration_table(conf: np.ndarray, correct: np.ndarray) -> pd.DataFrame:
    """Predicted-confidence bins -> facts, mean confidence, observed (strict) precision.

    Example:
        >>> t = calibration_table(np.array([0.2, 0.92, 0.97]), np.array([0, 1, 1]))
        >>> t[["bin", "facts", "precision"]].values.tolist()[-2:]
        [['0.90-0.95', 1, 1.0], ['0.95-1.00', 1, 1.0]]
    """
    rows = []
    for lo, hi in itertools.pairwise(BINS):
        sel = (conf >= lo) & (conf < hi)
        n = int(sel.sum())
        rows.append({"bin": f"{lo:.2f}-{min(hi, 1.0):.2f}", "facts": n,
                     "mean_confidence": float(conf[sel].mean()) if n else float("nan"),
                     "precision": float(correct[sel].mean()) if n else float("nan")})  # fmt: skip
    return pd.DataFrame(rows)


def sweep(conf: np.ndarray, correct: np.ndarray) -> pd.DataFrame:
    """For each threshold: facts charted, their precision, and the share of facts charted.

    Example:
        >>> sweep(np.array([0.4, 0.96]), np.array([0, 1])).set_index("threshold").loc[0.9].tolist()
        [1.0, 1.0, 0.5]
    """
    rows = []
    for t in THRESHOLDS:
        sel = conf >= t
        n = int(sel.sum())
        precision = float(correct[sel].mean()) if n else float("nan")
        rows.append({"threshold": t, "charted": float(n), "precision": precision,
                     "coverage": n / len(conf) if len(conf) else float("nan")})  # fmt: skip
    return pd.DataFrame(rows)


def choose_threshold(table: pd.DataFrame, target: float = TARGET_PRECISION,
                     min_charted: int = MIN_CHARTED) -> float | None:  # fmt: skip
    """The lowest threshold from which precision stays >= ``target`` while enough are charted.

    Thresholds that chart fewer than ``min_charted`` facts say nothing and are passed over;
    None when no threshold with enough charted facts reaches the target.

    Example:
        >>> t = pd.DataFrame({"threshold": [0.5, 0.6, 0.7, 0.8, 0.9],
        ...     "charted": [40.0, 30, 25, 22, 5], "precision": [0.90, 0.96, 0.94, 1.0, 0.8]})
        >>> choose_threshold(t)
        0.8
    """
    enough = table[table["charted"] >= min_charted].sort_values("threshold")
    ok = (enough["precision"] >= target).to_numpy()
    # the last run of passing thresholds that reaches the highest one with enough facts
    tail = np.flatnonzero(~ok)
    first = tail[-1] + 1 if len(tail) else 0
    return float(enough["threshold"].iloc[first]) if first < len(enough) else None


def auc(conf: np.ndarray, correct: np.ndarray) -> float:
    """Area under the ROC curve: the chance a right fact outranks a wrong one (ties half).

    Example:
        >>> auc(np.array([0.9, 0.8, 0.3]), np.array([1, 0, 0]))
        1.0
    """
    pos, neg = conf[correct == 1], conf[correct == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


def log_loss(conf: np.ndarray, correct: np.ndarray) -> float:
    """Mean negative log-likelihood of the labels (lower is better).

    Example:
        >>> round(log_loss(np.array([0.5, 0.5]), np.array([1, 0])), 3)
        0.693
    """
    p = np.clip(conf, 1e-6, 1 - 1e-6)
    return float(-np.mean(correct * np.log(p) + (1 - correct) * np.log(1 - p)))


def strict_scores(collected: Collected, conf: np.ndarray, threshold: float) -> pd.DataFrame:
    """Per gold set: strict P / R of all topic facts and of the charted ones, and coverage.

    The charted facts are those whose confidence (``conf``, one per labelled fact) is at or
    above ``threshold``; both are scored by :func:`helpers.devtools.evaluate.score`.
    """
    rows = []
    frame = collected.data.assign(confidence=conf)
    for s in collected.sets:
        preds = frame[frame["set"] == s.name]
        whole = _all_row(evaluate.score(collected.golds[s.name], preds))
        shown = _all_row(
            evaluate.score(collected.golds[s.name], evaluate.charted(preds, threshold))
        )
        rows.append({"set": s.name, "topic_facts": len(preds), "P_all": whole["precision"],
                     "R_all": whole["recall"], "charted": int(shown["tp"] + shown["fp"]),
                     "P_charted": shown["precision"], "R_charted": shown["recall"],
                     "coverage": (shown["tp"] + shown["fp"]) / max(len(preds), 1)})  # fmt: skip
    return pd.DataFrame(rows)


def _all_row(result: evaluate.Score) -> pd.Series:
    return result.table.set_index("topic").loc["all"]


# --- files ------------------------------------------------------------------------------------
def model_yaml(model: confidence.Model, collected: Collected, threshold: float | None) -> str:
    """The model file's text (validated by :func:`helpers.facts.confidence.validate_model`)."""
    data = collected.data
    trained = []
    for s in collected.sets:
        part = data[data["set"] == s.name]
        trained.append({"set": s.name, "gold_sha256": _sha256(s.gold), "facts": len(part),
                        "correct": int(part["is_correct"].sum())})  # fmt: skip
    body = {
        "format": confidence.MODEL_FORMAT,
        "intercept": model.intercept,
        "coefficients": dict(model.coefficients),
        "recommended_min_confidence": threshold,
        "training": {
            "l2": L2,
            "weights": "real pages as much in total as all other sets",
            "command": "python -m helpers calibrate --real REAL_ROUND_DIR --write",
            "extractor_version": cache.extractor_version(),
        },
        "trained_on": trained,
    }
    head = (
        "# The facts' confidence model (helpers.facts.confidence): logistic regression over the\n"
        "# evidence features. Written by `python -m helpers calibrate --write`; do not edit by\n"
        "# hand. Calibration and the choice of min_confidence: benchmarks/confidence.md.\n"
    )
    return head + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- report -----------------------------------------------------------------------------------
@dataclass
class Calibration:
    """Everything the report shows: the model, cross-validated confidences, the threshold."""

    collected: Collected
    model: confidence.Model
    by_article: np.ndarray  # leave one article out
    by_set: np.ndarray  # leave one set out
    all_candidates: np.ndarray  # leave one article out, every candidate feature
    threshold: float | None


def calibrate(collected: Collected) -> Calibration:
    """Train the model on all sets, cross-validate it both ways, choose the threshold."""
    data = collected.data
    by_article = cross_validate(data, "article")
    real = data["is_real"].astype(bool).to_numpy()
    correct = data["is_correct"].astype(float).to_numpy()
    pool = real if real.any() else np.ones(len(data), dtype=bool)
    threshold = choose_threshold(sweep(by_article[pool], correct[pool]))
    return Calibration(
        collected, train(data), by_article, cross_validate(data, "set"),
        cross_validate(data, "article", names=confidence.FEATURE_NAMES), threshold,
    )  # fmt: skip


def _fmt(df: pd.DataFrame) -> str:
    """A DataFrame as a markdown table (floats with 3 decimals)."""
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.itertuples(index=False):
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join("–" if c == "nan" else c for c in cells) + " |")
    return "\n".join(lines)


def _calibration_wide(data: pd.DataFrame, conf: np.ndarray) -> pd.DataFrame:
    """Bins as rows; per set and pooled: observed precision (facts)."""
    correct = data["is_correct"].astype(float).to_numpy()
    table = calibration_table(conf, correct)[["bin"]]
    for name in [*dict.fromkeys(data["set"]), "pooled"]:
        sel = (
            np.ones(len(data), dtype=bool) if name == "pooled" else (data["set"] == name).to_numpy()
        )
        part = calibration_table(conf[sel], correct[sel])
        table[name] = [
            "–" if n == 0 else f"{p:.2f} ({n})"
            for n, p in zip(part["facts"], part["precision"], strict=True)
        ]
    return table


def report(cal: Calibration, command: str) -> str:
    """benchmarks/confidence.md: training data, model, calibration, threshold, scores."""
    data, t = cal.collected.data, cal.threshold
    correct = data["is_correct"].astype(float).to_numpy()
    real = data["is_real"].astype(bool).to_numpy()
    shown = t if t is not None else DEFAULTS["min_confidence"]
    parts = [_header(command, cal), _summary(cal, correct, real, shown), _training_table(data),
             _model_table(cal, data),
             _choice_table(cal, correct, real, shown),
             "## Calibration, leave one article out\n\nPredicted confidence bin -> observed "
             "strict precision (facts in the bin), per set and pooled.\n\n"
             + _fmt(_calibration_wide(data, cal.by_article)),
             "## Calibration, leave one set out\n\nEach set scored by a model trained on the "
             "others only (the real round by a model that never saw real text).\n\n"
             + _fmt(_calibration_wide(data, cal.by_set)),
             _threshold_section(cal, correct, real),
             _scores_section(cal, shown)]  # fmt: skip
    return "\n\n".join(parts) + "\n"


def _header(command: str, cal: Calibration) -> str:
    return (
        "# Confidence of facts: calibration and the charted threshold\n\n"
        "Every fact of stage 03 gets `confidence`, the estimated chance that it is right under "
        "the strict scorer, from the evidence the rules record (`helpers.facts.confidence`). "
        "Tables and charts (stages 04-06) use facts at or above `min_confidence`; the rest go "
        "to the `review` table with the reason. This page is written by\n\n"
        f"    {command}\n\n"
        "which also writes the model (`src/helpers/facts/confidence.yaml`) with `--write`. "
        f"Extractor version {cache.extractor_version()}. Every figure below is "
        "cross-validated unless it says otherwise: a fact is scored by a model that never saw "
        "its article (or, stricter, its gold set)."
    )


def _summary(cal: Calibration, correct: np.ndarray, real: np.ndarray, t: float) -> str:
    """The headline figures at the chosen threshold."""
    lines = [f"## Summary\n\nAt min_confidence **{t:.2f}**:\n"]
    views = (("real pages, leave one article out", cal.by_article, real),
             ("real pages, leave one set out (no real text in training)", cal.by_set, real),
             ("every set pooled, leave one article out", cal.by_article,
              np.ones(len(real), dtype=bool)))  # fmt: skip
    for name, conf, sel in views:
        charted = conf[sel] >= t
        n, total = int(charted.sum()), int(sel.sum())
        precision = float(correct[sel][charted].mean()) if n else float("nan")
        lines.append(f"- {name}: {n} of {total} topic facts charted (coverage {n / total:.3f}), "
                     f"charted precision {precision:.3f} (95% {wilson(precision, n)}); all "
                     f"topic facts {correct[sel].mean():.3f}")  # fmt: skip
    return "\n".join(lines)


def _training_table(data: pd.DataFrame) -> str:
    rows = [
        {"set": name, "real text": bool(part["is_real"].iloc[0]), "topic facts": len(part),
         "right (strict)": int(part["is_correct"].sum()),
         "precision": float(part["is_correct"].mean())}
        for name, part in data.groupby("set", sort=False)
    ]  # fmt: skip
    return (
        "## Training data\n\nTopic facts predicted on each gold set, labelled right when they "
        "match a gold row under the strict scorer.\n\n" + _fmt(pd.DataFrame(rows))
    )


def _model_table(cal: Calibration, data: pd.DataFrame) -> str:
    texts = {f.name: f.reason for f in confidence.FEATURES}
    rows = []
    real = data["is_real"].astype(bool)
    for f in confidence.FEATURE_NAMES:
        on = data[X_PREFIX + f] > 0
        rows.append({"feature": f, "coefficient": cal.model.coefficients.get(f, float("nan")),
                     "facts with it (real)": f"{int(on.sum())} ({int((on & real).sum())})",
                     "wrong when on, real": _rate(~data["is_correct"][on & real]),
                     "wrong when off, real": _rate(~data["is_correct"][~on & real]),
                     "what it says": texts[f]})  # fmt: skip
    return (
        "## Model\n\nLogistic regression (numpy, Newton steps, L2 "
        f"{L2} on the coefficients; real pages weigh as much as all other sets together). "
        f"Intercept {cal.model.intercept:.3f}; a coefficient is the change in log-odds when the "
        "evidence is present (features in 0..1). Candidates without a coefficient are "
        "computed and shown to reviewers but not scored (see the next section).\n\n"
        + _fmt(pd.DataFrame(rows))
    )


def _rate(mask: pd.Series) -> float:
    return float(mask.mean()) if len(mask) else float("nan")


def _choice_table(cal: Calibration, correct: np.ndarray, real: np.ndarray, t: float) -> str:
    """Model features vs every candidate vs a constant, on real pages (leave one article out)."""
    y = correct[real]
    rows = []
    for name, conf in (("model features", cal.by_article[real]),
                       ("all candidates", cal.all_candidates[real]),
                       ("constant (base rate)", np.full(len(y), y.mean()))):  # fmt: skip
        sel = conf >= t
        precision = float(y[sel].mean()) if sel.any() else float("nan")
        rows.append({"model": name, "log loss": log_loss(conf, y), "AUC": auc(conf, y),
                     "charted": int(sel.sum()), "charted precision": precision})  # fmt: skip
    title = f"## Which features: real pages, leave one article out, threshold {t:.2f}"
    return f"{title}\n\n{_fmt(pd.DataFrame(rows))}"


def _threshold_section(cal: Calibration, correct: np.ndarray, real: np.ndarray) -> str:
    """The sweep of thresholds: real pages (both cross-validations) and pooled."""
    sw_real = sweep(cal.by_article[real], correct[real]).set_index("threshold")
    sw_set = sweep(cal.by_set[real], correct[real]).set_index("threshold")
    sw_all = sweep(cal.by_article, correct).set_index("threshold")
    rows = []
    for thr in [x for x in THRESHOLDS if x >= SWEEP_FROM]:
        n, precision = int(sw_real.loc[thr, "charted"]), sw_real.loc[thr, "precision"]
        rows.append({"threshold": f"{thr:.2f}", "real charted": n, "real precision": precision,
                     "95% interval": wilson(precision, n),
                     "real coverage": sw_real.loc[thr, "coverage"],
                     "real, set out: precision": sw_set.loc[thr, "precision"],
                     "real, set out: coverage": sw_set.loc[thr, "coverage"],
                     "pooled precision": sw_all.loc[thr, "precision"],
                     "pooled coverage": sw_all.loc[thr, "coverage"]})  # fmt: skip
    chosen = f"**{cal.threshold:.2f}**" if cal.threshold is not None else "**none reaches it**"
    return (
        "## The threshold (`min_confidence`)\n\nCharted = topic facts at or above the "
        "threshold; coverage = their share of all topic facts; the interval is Wilson's for "
        "the real precision. Chosen: the lowest threshold from which the cross-validated "
        f"precision of charted real facts stays at or above {TARGET_PRECISION} (thresholds "
        f"charting fewer than {MIN_CHARTED} facts are passed over): {chosen}.\n\n"
        + _fmt(pd.DataFrame(rows))
    )


def wilson(precision: float, n: int, z: float = 1.96) -> str:
    """Wilson's 95 % score interval of a proportion, as text ("–" for no facts).

    Example:
        >>> wilson(1.0, 26)
        '0.87-1.00'
    """
    if not n or np.isnan(precision):
        return "–"
    centre = (precision + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(precision * (1 - precision) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{centre - half:.2f}-{min(centre + half, 1.0):.2f}"


def _scores_section(cal: Calibration, t: float) -> str:
    """Every gold set's strict score: all topic facts vs those charted at ``t``."""
    cv = strict_scores(cal.collected, cal.by_article, t)
    shipped = strict_scores(cal.collected, score_with(cal.model, cal.collected.data), t)
    return (
        f"## Every gold set, strict: all topic facts vs charted facts (min_confidence {t:.2f})"
        "\n\nScored with `helpers.devtools.evaluate.score`; charted with the cross-validated "
        f"confidence (leave one article out):\n\n{_fmt(cv)}\n\nThe same with the shipped model "
        "(trained on every set, so in-sample: what `python -m helpers evaluate facts` prints "
        f"today, not an estimate):\n\n{_fmt(shipped)}"
    )


# --- command line -----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    """``python -m helpers calibrate``: print the report; ``--write`` saves model and page."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers calibrate", description=__doc__.splitlines()[0]
    )
    real_help = "a real round folder (gold.csv, pages/); repeatable"
    parser.add_argument("--real", action="append", type=Path, default=[], metavar="DIR",
                        help=real_help)  # fmt: skip
    write_help = f"write {confidence.MODEL_PATH.name} and {BENCHMARK_PATH.name}"
    parser.add_argument("--write", action="store_true", help=write_help)
    args = parser.parse_args(argv)
    command = " ".join(["python -m helpers calibrate", *(f"--real {d}" for d in args.real)])
    collected = collect(gold_sets(args.real), echo=lambda line: print(line, file=sys.stderr))
    cal = calibrate(collected)
    page = report(cal, f"{command} --write")
    print(page)
    if cal.threshold is not None and cal.threshold != DEFAULTS["min_confidence"]:
        default = DEFAULTS["min_confidence"]
        print(f"NOTE: the chosen threshold {cal.threshold} differs from the default "
              f"min_confidence {default} in helpers.core.params", file=sys.stderr)  # fmt: skip
    if args.write:
        model = model_yaml(cal.model, collected, cal.threshold)
        confidence.MODEL_PATH.write_text(model, encoding="utf-8")
        BENCHMARK_PATH.write_text(page, encoding="utf-8")
        print(f"wrote {confidence.MODEL_PATH} and {BENCHMARK_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

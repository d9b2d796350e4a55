"""The confidence calibration: labels, the logistic fit, cross-validation, the threshold rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from helpers.core.paths import PROJ_ROOT
from helpers.devtools import calibrate, evaluate
from helpers.facts import confidence


def labelled(n_real: int = 40, n_other: int = 80, seed: int = 0) -> pd.DataFrame:
    """Toy labelled facts: a carried subject makes a fact wrong more often (real ones most)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_real + n_other):
        real = i < n_real
        carried = bool(rng.random() < 0.4)
        wrong_rate = (0.6 if real else 0.3) if carried else 0.05
        row = {f"{calibrate.X_PREFIX}{n}": 0.0 for n in confidence.FEATURE_NAMES}
        row[f"{calibrate.X_PREFIX}subject_carried"] = float(carried)
        rows.append({**row, "is_correct": bool(rng.random() >= wrong_rate), "is_real": real,
                     "set": "real-x" if real else "self", "seed": f"s{i % 10}"})  # fmt: skip
    return pd.DataFrame(rows)


def test_fit_is_deterministic_and_learns_the_evidence():
    data = labelled()
    first, second = calibrate.train(data), calibrate.train(data)
    assert first == second
    assert first.coefficients["subject_carried"] < -1.0
    assert set(first.names) == set(calibrate.MODEL_FEATURES)


def test_l2_shrinks_the_coefficients():
    data = labelled()
    loose = calibrate.train(data, l2=0.1).coefficients["subject_carried"]
    tight = calibrate.train(data, l2=100.0).coefficients["subject_carried"]
    assert abs(tight) < abs(loose)


def test_a_trained_model_round_trips_through_its_file(tmp_path):
    data = labelled()
    model = calibrate.train(data)
    gold = tmp_path / "gold.csv"
    gold.write_text("seed,topic\n", encoding="utf-8")
    sets = [calibrate.GoldSet("real-x", gold, tmp_path, is_real=True),
            calibrate.GoldSet("self", gold, tmp_path)]  # fmt: skip
    text = calibrate.model_yaml(model, calibrate.Collected(data, {}, sets), 0.9)
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = confidence.load_model(path)
    assert loaded.coefficients == model.coefficients and loaded.intercept == model.intercept
    assert loaded.recommended_min_confidence == 0.9
    trained = yaml.safe_load(text)["trained_on"]
    assert [(t["set"], t["facts"]) for t in trained] == [("real-x", 40), ("self", 80)]


def test_cross_validation_never_scores_a_fact_with_a_model_that_saw_its_article(monkeypatch):
    data = labelled()
    seen: list[set[str]] = []
    real_train = calibrate.train

    def spy(part, **kw):
        seen.append(set(part["set"] + "/" + part["seed"]))
        return real_train(part, **kw)

    monkeypatch.setattr(calibrate, "train", spy)
    conf = calibrate.cross_validate(data, "article")
    groups = set(data["set"] + "/" + data["seed"])
    assert len(seen) == len(groups)
    assert all(len(groups - s) == 1 for s in seen)  # each fit leaves exactly one article out
    assert not np.isnan(conf).any()
    calibrate.cross_validate(data, "set")
    assert [len(s) for s in seen[-2:]] == [10, 10]  # one set out each time


def test_weights_give_real_pages_the_weight_of_all_other_sets():
    w = calibrate.weights(labelled(n_real=40, n_other=80))
    assert w[:40].sum() == pytest.approx(w[40:].sum())


@pytest.mark.parametrize(
    ("precisions", "charted", "expected"),
    [
        pytest.param([0.90, 0.96, 0.97, 1.0], [50, 40, 30, 25], 0.6, id="stays-above"),
        pytest.param([0.96, 0.94, 0.97, 1.0], [50, 40, 30, 25], 0.7, id="dips-then-recovers"),
        pytest.param([0.90, 0.92, 0.93, 1.0], [50, 40, 30, 5], None, id="only-with-too-few"),
        pytest.param([0.96, 0.97, 0.98, 0.5], [50, 40, 30, 5], 0.5, id="few-at-the-top-ignored"),
    ],
)
def test_choose_threshold(precisions, charted, expected):
    table = pd.DataFrame({"threshold": [0.5, 0.6, 0.7, 0.8], "charted": charted,
                          "precision": precisions})  # fmt: skip
    assert calibrate.choose_threshold(table) == expected


def test_calibration_table_counts_every_fact_once():
    conf = np.array([0.1, 0.55, 0.65, 0.85, 0.91, 0.99, 1.0])
    table = calibrate.calibration_table(conf, np.array([0, 1, 1, 0, 1, 1, 1]))
    assert table["facts"].sum() == len(conf)
    assert table.set_index("bin").loc["0.95-1.00", "facts"] == 2


def test_measures():
    assert calibrate.auc(np.array([0.9, 0.5, 0.5]), np.array([1, 1, 0])) == 0.75
    assert calibrate.wilson(float("nan"), 0) == "–"
    sweep = calibrate.sweep(np.array([0.2, 0.95, 0.97]), np.array([0, 1, 0]))
    row = sweep.set_index("threshold").loc[0.95]
    assert (row["charted"], row["precision"]) == (2.0, 0.5)


# --- labels from the strict scorer -------------------------------------------------------------
def test_labels_are_the_strict_matches():
    gold = pd.DataFrame({"seed": ["s", "s"], "topic": ["chip_share"] * 2,
                         "entity": ["nvidia", "huawei"], "metric": ["market_share"] * 2,
                         "value": [39.0, 25.0], "period": ["2024", "2024"],
                         "market": ["CN"] * 2})  # fmt: skip
    preds = pd.DataFrame({"seed": ["s"] * 3, "topic": ["chip_share"] * 3,
                          "entity_id": ["nvidia", "huawei", "horizon_robotics"],
                          "parent_id": ["nvidia", "huawei", "horizon_robotics"],
                          "metric": ["market_share"] * 3, "value": [39.0, 25.0, 10.0],
                          "period": ["2024", "2025", "2024"], "market": ["CN"] * 3})  # fmt: skip
    labels = evaluate.label_predictions(gold, preds)
    assert labels["is_correct"].tolist() == [True, False, False]  # 华为's year is wrong


def test_charted_view_scores_only_confident_predictions():
    gold = pd.DataFrame({"seed": ["s"], "topic": ["robotaxi_fleet"], "entity": ["pony_ai"],
                         "metric": ["fleet_size"], "value": [500.0], "period": ["2025-11"],
                         "market": [""]})  # fmt: skip
    preds = pd.DataFrame({"seed": ["s", "s"], "topic": ["robotaxi_fleet"] * 2,
                          "entity_id": ["pony_ai"] * 2, "parent_id": ["pony_ai"] * 2,
                          "metric": ["fleet_size"] * 2, "value": [500.0, 300.0],
                          "period": ["2025-11"] * 2, "market": [""] * 2,
                          "confidence": [0.97, 0.40], "number_text": ["500辆", "300辆"],
                          "sentence": ["小马智行车队500辆", "小马智行车队300辆"]})  # fmt: skip
    shown = evaluate.score(gold, evaluate.charted(preds, 0.93))
    row = shown.table.set_index("topic").loc["all"]
    assert (row["tp"], row["fp"], row["precision"]) == (1, 0, 1.0)
    text = evaluate.format_report(evaluate.score(gold, preds), "g.csv", None, (shown, 0.93))
    assert "== charted facts (confidence >= 0.93; strict): 1 of 2 topic facts" in text
    assert '"charted"' in evaluate.to_json(shown, shown, (shown, 0.93))


def test_gold_sets_name_the_real_rounds_last():
    sets = calibrate.gold_sets([PROJ_ROOT / "nowhere" / "round9"])
    assert sets[-1].name == "real-round9" and sets[-1].is_real
    assert not any(s.is_real for s in sets[:-1])


def test_collect_skips_missing_sets_and_says_so(tmp_path):
    said: list[str] = []
    missing = calibrate.GoldSet("gone", tmp_path / "gold.csv", tmp_path / "pages")
    with pytest.raises(SystemExit, match="no gold set"):
        calibrate.collect([missing], echo=said.append)
    assert said and said[0].startswith("skipped gone")

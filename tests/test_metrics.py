import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from warwire.evaluation.metrics import compute_metrics
from warwire.labels import LABELS
from warwire.modeling.classifier import apply_thresholds
from warwire.training.thresholds import tune_thresholds


def random_case(seed):
    rng = np.random.default_rng(seed)
    gold = rng.integers(0, 2, size=(40, 4))
    predicted = np.where(rng.random((40, 4)) < 0.8, gold, 1 - gold)
    return gold, predicted


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_metrics_agree_with_scikit_learn(seed):
    gold, predicted = random_case(seed)
    metrics = compute_metrics(gold, predicted)
    assert metrics["macro_f1"] == pytest.approx(f1_score(gold, predicted, average="macro"))
    assert metrics["micro_f1"] == pytest.approx(f1_score(gold, predicted, average="micro"))
    for i, label in enumerate(LABELS):
        assert metrics["per_label"][label]["precision"] == pytest.approx(precision_score(gold[:, i], predicted[:, i]))
        assert metrics["per_label"][label]["recall"] == pytest.approx(recall_score(gold[:, i], predicted[:, i]))
        assert metrics["per_label"][label]["support"] == gold[:, i].sum()


def test_exact_match_and_none_accuracy():
    gold = np.array([[0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]])
    predicted = np.array([[0, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0]])
    metrics = compute_metrics(gold, predicted)
    assert metrics["exact_match"] == pytest.approx(1 / 3)
    assert metrics["none_accuracy"] == pytest.approx(1 / 2)


def test_thresholds_are_tuned_per_label():
    gold = np.array([[1, 0, 1, 0], [0, 1, 0, 0], [1, 1, 0, 1], [0, 0, 1, 1]])
    # label 0 separates at 0.3, label 1 at 0.8: one global cut could not get both right
    scores = np.array(
        [[0.35, 0.1, 0.9, 0.1], [0.2, 0.85, 0.1, 0.2], [0.4, 0.9, 0.2, 0.9], [0.1, 0.7, 0.8, 0.8]]
    )
    thresholds = tune_thresholds(gold, scores)
    assert 0.2 < thresholds["attack_report"] <= 0.35
    assert 0.7 < thresholds["official_claim"] <= 0.85
    assert (apply_thresholds(scores, thresholds) == gold).all()

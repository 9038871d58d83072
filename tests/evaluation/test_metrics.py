import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from warwire.evaluation.metrics import compute_metrics
from warwire.labels import LABELS


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

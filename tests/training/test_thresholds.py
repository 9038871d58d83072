import numpy as np

from warwire.modeling.classifier import apply_thresholds
from warwire.training.thresholds import tune_thresholds


def test_thresholds_are_tuned_per_label():
    gold = np.array([[1, 0, 1, 0], [0, 1, 0, 0], [1, 1, 0, 1], [0, 0, 1, 1]])
    # label 0 separates at 0.3, label 1 at 0.8: one global cut could not get both right
    scores = np.array([[0.35, 0.1, 0.9, 0.1], [0.2, 0.85, 0.1, 0.2], [0.4, 0.9, 0.2, 0.9], [0.1, 0.7, 0.8, 0.8]])
    thresholds = tune_thresholds(gold, scores)
    assert 0.2 < thresholds["attack_report"] <= 0.35
    assert 0.7 < thresholds["official_claim"] <= 0.85
    assert (apply_thresholds(scores, thresholds) == gold).all()

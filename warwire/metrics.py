"""Multi-label metrics (LABELS.md's headline: macro-F1 over the four labels) and
per-label decision thresholds tuned on dev."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

from warwire.labels import LABELS

# Thresholds tried per label on dev; a coarse grid keeps tuning from over-fitting a
# small dev split.
THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)


def compute_metrics(gold: np.ndarray, predicted: np.ndarray) -> dict:
    """Metrics of 0/1 predictions against 0/1 gold, both shaped (sentences, labels).

    Returns:
        ``macro_f1``, ``micro_f1``, ``exact_match`` (all four decisions right),
        ``none_accuracy`` (of the sentences with no gold label, the share predicted
        with none) and ``per_label`` -> label -> precision/recall/f1/support.
    """
    gold = np.asarray(gold, dtype=int)
    predicted = np.asarray(predicted, dtype=int)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, average=None, labels=range(len(LABELS)), zero_division=0
    )
    no_gold = gold.sum(axis=1) == 0
    none_accuracy = float((predicted[no_gold].sum(axis=1) == 0).mean()) if no_gold.any() else float("nan")
    return {
        "macro_f1": float(f1_score(gold, predicted, average="macro", zero_division=0)),
        "micro_f1": float(f1_score(gold, predicted, average="micro", zero_division=0)),
        "exact_match": float((gold == predicted).all(axis=1).mean()),
        "none_accuracy": none_accuracy,
        "sentences": int(len(gold)),
        "per_label": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(LABELS)
        },
    }


def apply_thresholds(scores: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    """0/1 decisions: score >= the label's threshold."""
    cut = np.array([thresholds[label] for label in LABELS])
    return (np.asarray(scores) >= cut).astype(int)


def tune_thresholds(gold: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """Per label, the grid threshold with the best dev F1 (ties: the one nearest 0.5)."""
    gold = np.asarray(gold, dtype=int)
    thresholds = {}
    for i, label in enumerate(LABELS):
        best = (-1.0, 0.0, 0.5)
        for threshold in THRESHOLD_GRID:
            f1 = f1_score(gold[:, i], scores[:, i] >= threshold, zero_division=0)
            candidate = (f1, -abs(threshold - 0.5), float(threshold))
            best = max(best, candidate)
        thresholds[label] = best[2]
    return thresholds

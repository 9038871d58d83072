"""Per-label decision thresholds, tuned on dev (spaCy's find-threshold, per label)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score

from warwire.labels import LABELS

# Thresholds tried per label on dev; a coarse grid keeps tuning from over-fitting a
# small dev split.
THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)


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

"""Calibration: do the scores mean what they say? Reliability bins and the expected
calibration error (ECE) of the per-label probabilities.

Every (sentence, label) pair is one binary prediction with probability ``p`` and
outcome ``y`` (the gold label is present or not). Predictions are put in equal-width
probability bins; a calibrated model has, in every bin, a share of positives equal to
its mean probability. ECE is the bin-size-weighted mean gap between the two.
"""

from __future__ import annotations

import numpy as np

from warwire.labels import LABELS

# Ten equal-width bins: the usual choice, and enough points per bin on ~1000 sentences.
DEFAULT_BINS = 10


def bin_index(scores: np.ndarray, n_bins: int = DEFAULT_BINS) -> np.ndarray:
    """The bin of every probability, as scikit-learn's ``calibration_curve`` bins them.

    Args:
        scores: probabilities in [0, 1], any shape.
        n_bins: equal-width bins over [0, 1]; bin 0 is [0, 1/n], bin k is (k/n, (k+1)/n].

    Returns:
        int array of the same shape, values 0..n_bins-1.
    """
    inner_edges = np.linspace(0.0, 1.0, n_bins + 1)[1:-1]
    return np.searchsorted(inner_edges, np.asarray(scores, dtype=float))


def reliability_bins(gold: np.ndarray, scores: np.ndarray, n_bins: int = DEFAULT_BINS) -> dict:
    """Per bin: predictions in it, their mean probability and their share of positives.

    Args:
        gold: 0/1 outcomes, any shape (flattened).
        scores: probabilities of the same shape.
        n_bins: number of equal-width bins.

    Returns:
        ``{"edges": [...], "count": [...], "mean_score": [...], "positive_rate": [...]}``;
        the last two are None for empty bins.
    """
    gold = np.asarray(gold, dtype=float).ravel()
    scores = np.asarray(scores, dtype=float).ravel()
    bins = bin_index(scores, n_bins)
    count = np.bincount(bins, minlength=n_bins)
    score_sum = np.bincount(bins, weights=scores, minlength=n_bins)
    gold_sum = np.bincount(bins, weights=gold, minlength=n_bins)
    filled = count > 0
    return {
        "edges": [float(e) for e in np.linspace(0.0, 1.0, n_bins + 1)],
        "count": [int(c) for c in count],
        "mean_score": [float(s / c) if f else None for s, c, f in zip(score_sum, count, filled)],
        "positive_rate": [float(g / c) if f else None for g, c, f in zip(gold_sum, count, filled)],
    }


def expected_calibration_error(gold: np.ndarray, scores: np.ndarray, n_bins: int = DEFAULT_BINS) -> float:
    """ECE = sum over bins of (bin share) * |positive rate - mean probability|.

    Args:
        gold: 0/1 outcomes, any shape (flattened).
        scores: probabilities of the same shape.
        n_bins: number of equal-width bins.

    Returns:
        A float in [0, 1]; 0 means perfectly calibrated at this binning.
    """
    gold = np.asarray(gold, dtype=float).ravel()
    scores = np.asarray(scores, dtype=float).ravel()
    # Summing (y - p) per bin and dividing by all predictions is the same as weighting
    # each bin's |rate - mean| by its share: n_b/N * |sum_y/n_b - sum_p/n_b|.
    gap = np.bincount(bin_index(scores, n_bins), weights=gold - scores, minlength=n_bins)
    return float(np.abs(gap).sum() / gold.size)


def calibration_summary(gold: np.ndarray, scores: np.ndarray, n_bins: int = DEFAULT_BINS) -> dict:
    """ECE and reliability bins pooled over the four labels and per label.

    Args:
        gold: 0/1 shaped (sentences, labels).
        scores: probabilities shaped (sentences, labels).
        n_bins: number of equal-width bins.

    Returns:
        ``{"bins": n, "ece": pooled, "reliability": pooled bins,
        "per_label": {label: {"ece": ..., "reliability": ...}}}``.
    """
    return {
        "bins": n_bins,
        "ece": expected_calibration_error(gold, scores, n_bins),
        "reliability": reliability_bins(gold, scores, n_bins),
        "per_label": {
            label: {
                "ece": expected_calibration_error(gold[:, i], scores[:, i], n_bins),
                "reliability": reliability_bins(gold[:, i], scores[:, i], n_bins),
            }
            for i, label in enumerate(LABELS)
        },
    }

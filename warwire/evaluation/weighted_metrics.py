"""The evaluation metrics for many sentence weightings at once: one row of weights per
bootstrap resample (a weight is how many times a sentence's article was drawn).

The definitions are those of metrics.py and calibration.py (scikit-learn's, with a
zero division giving 0); with all weights 1 the results equal them, which the tests
check. Everything is a matrix product or a cumulative sum over the weight matrix, so
1000 resamples of 1000 sentences take well under a second.
"""

from __future__ import annotations

import numpy as np

from warwire.evaluation.calibration import DEFAULT_BINS, bin_index
from warwire.labels import LABELS


def _ratio(numerator: np.ndarray, denominator: np.ndarray, empty: float = 0.0) -> np.ndarray:
    """numerator / denominator, with ``empty`` where the denominator is 0."""
    out = np.full(np.broadcast(numerator, denominator).shape, empty, dtype=float)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def decision_metrics(gold: np.ndarray, predicted: np.ndarray, weights: np.ndarray, empty_f1: float = 0.0) -> dict:
    """Precision, recall, F1 per label, macro/micro-F1, exact match and none accuracy.

    Args:
        gold: 0/1 shaped (sentences, labels).
        predicted: 0/1 shaped (sentences, labels).
        weights: shaped (resamples, sentences).
        empty_f1: F1 of a label with no gold and no predicted sentence in a resample:
            0 as scikit-learn's ``zero_division=0`` (the headline's definition), or NaN
            to leave the label out of the macro average (used for small slices).

    Returns:
        ``{"macro_f1", "micro_f1", "exact_match", "none_accuracy": (resamples,),
        "per_label": {label: {"precision", "recall", "f1": (resamples,)}}}``.
    """
    gold = np.asarray(gold, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    tp = weights @ (gold * predicted)  # (resamples, labels)
    fp = weights @ ((1 - gold) * predicted)
    fn = weights @ (gold * (1 - predicted))
    f1 = _ratio(2 * tp, 2 * tp + fp + fn, empty_f1)
    exact = (gold == predicted).all(axis=1).astype(float)
    no_gold = (gold.sum(axis=1) == 0).astype(float)
    none_right = no_gold * (predicted.sum(axis=1) == 0)
    with np.errstate(invalid="ignore"):  # a slice may have no defined label at all
        macro = np.nanmean(f1, axis=1) if np.isnan(empty_f1) else f1.mean(axis=1)
    return {
        "macro_f1": macro,
        "micro_f1": _ratio(2 * tp.sum(axis=1), (2 * tp + fp + fn).sum(axis=1)),
        "exact_match": _ratio(weights @ exact, weights.sum(axis=1)),
        "none_accuracy": _ratio(weights @ none_right, weights @ no_gold, np.nan),
        "per_label": {
            label: {
                "precision": _ratio(tp[:, i], tp[:, i] + fp[:, i]),
                "recall": _ratio(tp[:, i], tp[:, i] + fn[:, i]),
                "f1": f1[:, i],
            }
            for i, label in enumerate(LABELS)
        },
    }


def average_precision(gold: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Average precision of one label for every weighting (scikit-learn's definition).

    AP = sum over distinct score thresholds, highest first, of
    (recall gained at that threshold) * (precision at that threshold).

    Args:
        gold: 0/1 shaped (sentences,).
        scores: shaped (sentences,).
        weights: shaped (resamples, sentences).

    Returns:
        shaped (resamples,); NaN where a resample holds no positive sentence.
    """
    order = np.argsort(-np.asarray(scores, dtype=float), kind="mergesort")
    sorted_scores = np.asarray(scores, dtype=float)[order]
    positive = np.asarray(gold, dtype=float)[order]
    ordered = weights[:, order]
    true_pos = np.cumsum(ordered * positive, axis=1)
    seen = np.cumsum(ordered, axis=1)
    # Tied scores form one threshold: keep the running sums at the last of each tie.
    last_of_tie = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    true_pos, seen = true_pos[:, last_of_tie], seen[:, last_of_tie]
    precision = _ratio(true_pos, seen)
    recall = _ratio(true_pos, true_pos[:, -1:], np.nan)
    gained = np.diff(recall, axis=1, prepend=0.0)
    return (gained * precision).sum(axis=1)


def calibration_error(gold: np.ndarray, scores: np.ndarray, weights: np.ndarray, n_bins: int = DEFAULT_BINS) -> dict:
    """ECE pooled over the labels and per label, for every weighting.

    Args:
        gold: 0/1 shaped (sentences, labels).
        scores: probabilities shaped (sentences, labels).
        weights: shaped (resamples, sentences).
        n_bins: equal-width probability bins (calibration.py's binning).

    Returns:
        ``{"ece": (resamples,), "per_label": {label: (resamples,)}}``.
    """
    gold = np.asarray(gold, dtype=float)
    scores = np.asarray(scores, dtype=float)
    sentences, labels = gold.shape
    # One column per (label, bin), holding y - p of the sentences whose score falls in
    # that bin: a weight row times it is that bin's weighted sum of gaps.
    columns = np.arange(labels) * n_bins + bin_index(scores, n_bins)
    gaps = np.zeros((sentences, labels * n_bins))
    np.put_along_axis(gaps, columns, gold - scores, axis=1)
    per_bin = (weights @ gaps).reshape(len(weights), labels, n_bins)
    total = weights.sum(axis=1)
    per_label = np.abs(per_bin).sum(axis=2) / total[:, None]
    pooled = np.abs(per_bin.sum(axis=1)).sum(axis=1) / (labels * total)
    return {"ece": pooled, "per_label": {label: per_label[:, i] for i, label in enumerate(LABELS)}}


def all_metrics(gold: np.ndarray, predicted: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> dict:
    """Every resampled metric of an evaluation, nested as in metrics.json.

    Args:
        gold, predicted: 0/1 shaped (sentences, labels).
        scores: probabilities shaped (sentences, labels).
        weights: shaped (resamples, sentences).

    Returns:
        decision_metrics' dict plus ``ece`` and, per label, ``average_precision`` and
        ``ece``; every leaf shaped (resamples,).
    """
    result = decision_metrics(gold, predicted, weights)
    calibration = calibration_error(gold, scores, weights)
    result["ece"] = calibration["ece"]
    for i, label in enumerate(LABELS):
        result["per_label"][label]["average_precision"] = average_precision(gold[:, i], scores[:, i], weights)
        result["per_label"][label]["ece"] = calibration["per_label"][label]
    return result

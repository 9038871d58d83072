"""Multi-label metrics (the headline: macro-F1 over the four labels), point estimates
from scikit-learn; ``weighted_metrics`` computes the same figures for the bootstrap."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_recall_fscore_support

from warwire.labels import LABELS, NONE_LABEL


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


def average_precision(gold: np.ndarray, scores: np.ndarray) -> dict[str, float | None]:
    """Per label, scikit-learn's average precision (area under the PR curve, stepwise).

    Unlike F1 it does not depend on the decision threshold: it says how well the scores
    rank the label's sentences above the others.

    Args:
        gold: 0/1 shaped (sentences, labels).
        scores: probabilities shaped (sentences, labels).

    Returns:
        label -> AP, or None for a label with no gold sentence (AP is undefined).
    """
    gold = np.asarray(gold, dtype=int)
    return {
        label: float(average_precision_score(gold[:, i], scores[:, i])) if gold[:, i].any() else None
        for i, label in enumerate(LABELS)
    }


def cooccurrence(gold: np.ndarray, predicted: np.ndarray) -> dict:
    """Gold-vs-predicted label table, with ``none`` (the empty set) as a fifth label.

    Cell (g, p) counts the sentences whose gold labels include g and whose predicted
    labels include p. The diagonal holds each label's true positives; an off-diagonal
    cell mixes right answers (sentences that really carry both) with confusions, so
    ``confusions`` also counts only the sentences where p is predicted but not gold.

    Args:
        gold: 0/1 shaped (sentences, labels).
        predicted: 0/1 shaped (sentences, labels).

    Returns:
        ``{"labels": [...4 labels, "none"], "counts": rows gold x columns predicted,
        "confusions": same shape, p predicted on a sentence of gold g without being gold}``.
    """
    gold = np.asarray(gold, dtype=int)
    predicted = np.asarray(predicted, dtype=int)
    # Append the "none" column: 1 where a sentence has no label at all.
    gold_x = np.column_stack([gold, gold.sum(axis=1) == 0]).astype(int)
    predicted_x = np.column_stack([predicted, predicted.sum(axis=1) == 0]).astype(int)
    wrong_x = predicted_x * (1 - gold_x)
    return {
        "labels": [*LABELS, NONE_LABEL],
        "counts": (gold_x.T @ predicted_x).tolist(),
        "confusions": (gold_x.T @ wrong_x).tolist(),
    }

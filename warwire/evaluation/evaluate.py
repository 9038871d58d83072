"""Evaluation of a model on labeled data: score the sentences and assemble every
figure, with article-level bootstrap intervals (written by ``reportdir``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from warwire.corpus.io import DEFAULT_CORPUS_DIR, Example, file_sha256, read_jsonl, split_path
from warwire.errors import WarwireError
from warwire.evaluation.bootstrap import (
    CONFIDENCE_LEVEL,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    MIN_ARTICLES,
    bootstrap,
    percentile_interval,
)
from warwire.evaluation.calibration import calibration_summary
from warwire.evaluation.figures import figure_metrics
from warwire.evaluation.metrics import average_precision, compute_metrics, cooccurrence
from warwire.evaluation.reportdir import Evaluation, json_safe
from warwire.evaluation.slices import all_slices
from warwire.evaluation.weighted_metrics import all_metrics
from warwire.labels import LABELS, from_multi_hot, to_multi_hot

DEFAULT_DATA = split_path(DEFAULT_CORPUS_DIR, "test")
DEFAULT_TOP_ERRORS = 5


def evaluate(
    classifier,
    data_path: Path | str = DEFAULT_DATA,
    on_batch=None,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    slice_by: Sequence[str] | None = None,
    top_errors: int = DEFAULT_TOP_ERRORS,
    model_dir: Path | str | None = None,
) -> Evaluation:
    """Score every sentence of ``data_path`` and compare with its gold labels.

    Args:
        classifier: a loaded model (``info`` and ``score(texts)``).
        data_path: labeled JSONL.
        on_batch: progress callback, called with the sentences of each scored batch.
        resamples: bootstrap resamples for the intervals (article-level).
        seed: bootstrap seed.
        slice_by: metadata keys to slice by; None picks them (slices.slice_keys).
        top_errors: most confident false positives/negatives kept per label.
        model_dir: recorded in the metrics as the model's path.

    Returns:
        The Evaluation: metrics plus the per-sentence arrays.
    """
    if resamples < 1:
        raise WarwireError(f"--bootstrap must be at least 1, got {resamples}")
    examples = read_jsonl(data_path)
    gold = np.array([to_multi_hot(e.labels) for e in examples], dtype=int)
    predicted, scores = classifier.predict_examples(examples, on_batch)
    scores = np.asarray(scores, dtype=float)
    thresholds = dict(classifier.info.thresholds)
    metrics = score_metrics(
        examples,
        gold,
        scores,
        predicted,
        thresholds,
        resamples=resamples,
        seed=seed,
        slice_by=slice_by,
        top_errors=top_errors,
    )
    metrics["data"] = {"path": str(data_path), "sha256": file_sha256(data_path)}
    metrics["model"] = {
        "path": None if model_dir is None else str(model_dir),
        "kind": classifier.info.kind,
        "backend": classifier.backend,  # after scoring: "auto" may have fallen back to torch
    }
    return Evaluation(metrics=metrics, examples=examples, gold=gold, scores=scores, predicted=predicted)


def with_intervals(point: dict, samples: dict, level: float = CONFIDENCE_LEVEL) -> dict:
    """``point`` with ``<name>_ci`` inserted right after every figure that has samples.

    Args:
        point: nested dict of point estimates (as in metrics.json).
        samples: nested dict of the same figures, one value per resample.
        level: coverage of the intervals.

    Returns:
        A new nested dict; figures without samples (support, sentences) are unchanged.
    """
    result = {}
    for key, value in point.items():
        if isinstance(value, dict):
            result[key] = with_intervals(value, samples.get(key, {}), level) if key in samples else value
            continue
        result[key] = value
        if key in samples:
            result[f"{key}_ci"] = percentile_interval(samples[key], level)
    return result


def confident_errors(examples: Sequence[Example], gold, scores, predicted, top: int) -> dict:
    """Per label, the ``top`` false positives with the highest score and the ``top``
    false negatives with the lowest (the model's most confident mistakes).

    Returns:
        label -> {"false_positives": [...], "false_negatives": [...]}, each row with the
        sentence ``id``, ``article_id``, ``text``, ``gold``, ``predicted``, ``score`` (this
        label's) and ``scores`` (all labels').
    """

    def row(i: int, label_index: int) -> dict:
        return {
            "id": examples[i].id,
            "article_id": examples[i].article_id,
            "text": examples[i].text,
            "gold": from_multi_hot(gold[i]),
            "predicted": from_multi_hot(predicted[i]),
            "score": float(scores[i, label_index]),
            "scores": {label: float(scores[i, j]) for j, label in enumerate(LABELS)},
        }

    result = {}
    for j, label in enumerate(LABELS):
        false_pos = np.flatnonzero((predicted[:, j] == 1) & (gold[:, j] == 0))
        false_neg = np.flatnonzero((predicted[:, j] == 0) & (gold[:, j] == 1))
        # Stable sorts: equal scores keep data order, so the report is reproducible.
        false_pos = false_pos[np.argsort(-scores[false_pos, j], kind="stable")][:top]
        false_neg = false_neg[np.argsort(scores[false_neg, j], kind="stable")][:top]
        result[label] = {
            "false_positives": [row(i, j) for i in false_pos],
            "false_negatives": [row(i, j) for i in false_neg],
        }
    return result


def score_metrics(
    examples: Sequence[Example],
    gold: np.ndarray,
    scores: np.ndarray,
    predicted: np.ndarray,
    thresholds: dict[str, float],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    slice_by: Sequence[str] | None = None,
    top_errors: int = DEFAULT_TOP_ERRORS,
    level: float = CONFIDENCE_LEVEL,
) -> dict:
    """Every figure of an evaluation, from the per-sentence arrays.

    Point estimates come from scikit-learn (metrics.py) and calibration.py; intervals
    from the article-level bootstrap of the same figures (weighted_metrics.py).

    Args:
        examples: the sentences (ids, article ids, metadata for slices, text for errors).
        gold, predicted: 0/1 shaped (sentences, labels).
        scores: probabilities shaped (sentences, labels).
        thresholds: label -> decision threshold used for ``predicted``.
        resamples, seed, level: the bootstrap's resamples, seed and coverage.
        slice_by: metadata keys to slice by; None picks them.
        top_errors: errors kept per label and kind.

    Returns:
        The metrics dict written to metrics.json (without ``data`` and ``model``).
    """
    article_ids = [e.article_id for e in examples]
    point = compute_metrics(gold, predicted)
    point["articles"] = len(set(article_ids))
    calibration = calibration_summary(gold, scores)
    point["ece"] = calibration["ece"]
    ap = average_precision(gold, scores)
    for label in LABELS:
        point["per_label"][label].update(
            threshold=float(thresholds[label]),
            average_precision=ap[label],
            ece=calibration["per_label"][label]["ece"],
        )
    samples = bootstrap(lambda weights: all_metrics(gold, predicted, scores, weights), article_ids, resamples, seed)
    metrics = with_intervals(point, samples, level)
    metrics["bootstrap"] = {
        "resamples": resamples,
        "seed": seed,
        "level": level,
        "unit": "article",
        "method": "percentile",
        "min_articles": MIN_ARTICLES,
    }
    metrics["thresholds"] = {label: float(thresholds[label]) for label in LABELS}
    metrics["cooccurrence"] = cooccurrence(gold, predicted)
    metrics["calibration"] = {
        "bins": calibration["bins"],
        "reliability": calibration["reliability"],
        "per_label": {label: calibration["per_label"][label]["reliability"] for label in LABELS},
    }
    metrics["slices"] = all_slices(examples, gold, predicted, slice_by, resamples, seed, level)
    metrics["errors"] = confident_errors(examples, gold, scores, predicted, top_errors)
    metrics["top_errors"] = top_errors  # the lists above may be shorter: report.md's Reproduce needs it
    figures = figure_metrics(examples, predicted)
    if figures is not None:
        metrics["figures"] = figures
    return json_safe(metrics)

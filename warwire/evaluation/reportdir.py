"""A report dir, written by ``warwire evaluate`` and read by ``warwire compare``:

- ``metrics.json``: every figure, for machines (the documented keys kept as plain
  floats, each interval beside its figure as ``<name>_ci: [low, high]``);
- ``report.md`` with ``pr_curves.png`` and ``reliability.png``, for people;
- ``predictions.jsonl``: gold, predicted labels and scores per sentence, which
  ``warwire compare`` needs for its paired test.

Writer and reader live together so the format has one definition.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from warwire.corpus.io import Example
from warwire.errors import WarwireError
from warwire.evaluation.report import PR_CURVES_PNG, RELIABILITY_PNG, report_markdown
from warwire.fileio import atomic_files
from warwire.labels import LABELS, from_multi_hot, to_multi_hot, unknown_labels

METRICS_FILE = "metrics.json"
PREDICTIONS_FILE = "predictions.jsonl"
REPORT_FILE = "report.md"
# Scores in predictions.jsonl: 6 decimals keep float32 precision and the file small.
SCORE_DECIMALS = 6


@dataclass
class Evaluation:
    metrics: dict
    examples: list[Example]
    gold: np.ndarray
    scores: np.ndarray
    predicted: np.ndarray


def json_safe(value):
    """NaN -> None throughout, so metrics.json is strict JSON (no bare NaN)."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def predictions_jsonl(evaluation: Evaluation) -> str:
    """One line per sentence: id, article_id, gold, predicted, scores (label -> probability)."""
    lines = []
    for i, example in enumerate(evaluation.examples):
        record = {
            "id": example.id,
            "article_id": example.article_id,
            "gold": from_multi_hot(evaluation.gold[i]),
            "predicted": from_multi_hot(evaluation.predicted[i]),
            "scores": {label: round(float(evaluation.scores[i, j]), SCORE_DECIMALS) for j, label in enumerate(LABELS)},
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def write_report(evaluation: Evaluation, report_dir: Path | str, model_dir: str) -> Path:
    """Write metrics.json, predictions.jsonl, report.md and the PNGs into ``report_dir``.

    Returns:
        The path of metrics.json.
    """
    from warwire.evaluation.plots import pr_curves_png, reliability_png  # matplotlib: only when writing

    report_dir = Path(report_dir)
    metrics = evaluation.metrics
    files = {
        METRICS_FILE: (json.dumps(metrics, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode(),
        PREDICTIONS_FILE: predictions_jsonl(evaluation).encode(),
        PR_CURVES_PNG: pr_curves_png(evaluation.gold, evaluation.scores, metrics),
        RELIABILITY_PNG: reliability_png(metrics),
        REPORT_FILE: report_markdown(metrics, model_dir, str(report_dir)).encode(),
    }
    atomic_files(report_dir, files)
    return report_dir / METRICS_FILE


@dataclass
class Report:
    """One evaluation, as written by ``warwire evaluate``."""

    path: Path
    name: str
    metrics: dict
    ids: list[str]
    article_ids: list[str]
    gold: np.ndarray
    predicted: np.ndarray
    scores: np.ndarray


def _read_predictions(path: Path) -> tuple[list[str], list[str], np.ndarray, np.ndarray, np.ndarray]:
    """ids, article ids, gold, predicted and scores from a predictions.jsonl."""
    if not path.is_file():
        raise WarwireError(f"{path.parent}: no {PREDICTIONS_FILE}; re-run `warwire evaluate` to write it")
    ids, articles, gold, predicted, scores = [], [], [], [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            bad = unknown_labels(record["gold"] + record["predicted"])
            if bad:
                raise ValueError(f"unknown label(s) {bad}")
            ids.append(str(record["id"]))
            articles.append(str(record["article_id"]))
            gold.append(to_multi_hot(record["gold"]))
            predicted.append(to_multi_hot(record["predicted"]))
            scores.append([float(record["scores"][label]) for label in LABELS])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise WarwireError(f"{path}:{number}: not a prediction record ({type(error).__name__}: {error})") from None
    if not ids:
        raise WarwireError(f"{path}: no predictions (the file is empty)")
    return ids, articles, np.array(gold, dtype=int), np.array(predicted, dtype=int), np.array(scores, dtype=float)


def load_report(report_dir: Path | str) -> Report:
    """Read metrics.json and predictions.jsonl of a report dir.

    Raises:
        WarwireError: the dir, a file or a record is missing or unreadable.
    """
    report_dir = Path(report_dir)
    metrics_path = report_dir / METRICS_FILE
    if not metrics_path.is_file():
        raise WarwireError(f"{report_dir}: not an evaluation report dir (no metrics.json)")
    try:
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        metrics["data"]["sha256"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as error:
        raise WarwireError(f"{metrics_path}: unreadable metrics ({type(error).__name__}: {error})") from None
    ids, articles, gold, predicted, scores = _read_predictions(report_dir / PREDICTIONS_FILE)
    return Report(report_dir, report_dir.name, metrics, ids, articles, gold, predicted, scores)

"""Evaluation of a model dir on labeled data: metrics.json for machines, report.md
for people."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from warwire.corpus import DEFAULT_CORPUS_DIR, Example, file_sha256, read_jsonl, split_path
from warwire.labels import LABELS, NONE_LABEL, to_multi_hot
from warwire.metrics import apply_thresholds, compute_metrics

DEFAULT_DATA = split_path(DEFAULT_CORPUS_DIR, "test")


@dataclass
class Evaluation:
    metrics: dict
    examples: list[Example]
    gold: np.ndarray
    scores: np.ndarray
    predicted: np.ndarray


def evaluate(classifier, data_path: Path | str = DEFAULT_DATA, on_batch=None) -> Evaluation:
    """Score every sentence of ``data_path`` and compare with its gold labels."""
    examples = read_jsonl(data_path)
    gold = np.array([to_multi_hot(e.labels) for e in examples], dtype=int)
    scores = classifier.score([e.text for e in examples], on_batch=on_batch)
    predicted = apply_thresholds(scores, classifier.info.thresholds)
    metrics = compute_metrics(gold, predicted)
    metrics["data"] = {"path": str(data_path), "sha256": file_sha256(data_path)}
    metrics["thresholds"] = dict(classifier.info.thresholds)
    return Evaluation(metrics=metrics, examples=examples, gold=gold, scores=scores, predicted=predicted)


def _names(vector) -> str:
    return ", ".join(label for label, on in zip(LABELS, vector) if on) or NONE_LABEL


def headline_table(metrics: dict) -> str:
    """The per-label table plus micro/macro/exact match, as Markdown."""
    rows = ["| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for label in LABELS:
        m = metrics["per_label"][label]
        rows.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    rows.append(f"| **macro** | | | **{metrics['macro_f1']:.3f}** | |")
    rows.append(f"| micro | | | {metrics['micro_f1']:.3f} | |")
    rows.append("")
    rows.append(
        f"Exact match (all four decisions right): {metrics['exact_match']:.3f}; "
        f"accuracy on sentences with no label: {metrics['none_accuracy']:.3f}; "
        f"{metrics['sentences']} sentences."
    )
    return "\n".join(rows)


def _misclassified(evaluation: Evaluation) -> list[str]:
    rows = ["| id | article | sentence | gold | predicted |", "|---|---|---|---|---|"]
    for i, example in enumerate(evaluation.examples):
        if (evaluation.gold[i] != evaluation.predicted[i]).any():
            text = example.text.replace("|", "\\|")
            rows.append(
                f"| {example.id} | {example.article_id} | {text} | {_names(evaluation.gold[i])} | {_names(evaluation.predicted[i])} |"
            )
    return rows


def report_markdown(evaluation: Evaluation, model_dir: str) -> str:
    metrics = evaluation.metrics
    errors = _misclassified(evaluation)
    return "\n".join(
        [
            f"# Evaluation of `{model_dir}`",
            "",
            f"Data: `{metrics['data']['path']}` (sha256 `{metrics['data']['sha256'][:12]}…`).",
            "",
            "## Headline",
            "",
            headline_table(metrics),
            "",
            f"## Misclassified sentences ({len(errors) - 2})",
            "",
            *errors,
            "",
        ]
    )


def _write_atomic(path: Path, text: str) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".partial") as handle:
        handle.write(text)
    os.replace(handle.name, path)


def write_report(evaluation: Evaluation, report_dir: Path | str, model_dir: str) -> Path:
    """Write metrics.json and report.md into ``report_dir``; return the metrics path."""
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    metrics_path = report_dir / "metrics.json"
    _write_atomic(metrics_path, json.dumps(evaluation.metrics, indent=2) + "\n")
    _write_atomic(report_dir / "report.md", report_markdown(evaluation, model_dir))
    return metrics_path

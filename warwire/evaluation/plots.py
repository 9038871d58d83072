"""The report's pictures, drawn with matplotlib's Agg backend (no display needed):
precision-recall curves with each label's decision threshold marked, and a
reliability diagram. Functions return PNG bytes; evaluate.py writes them atomically.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # headless: servers and CI have no display

import matplotlib.pyplot as plt  # noqa: E402  (must follow the backend choice)
import numpy as np  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402

from warwire.labels import LABELS  # noqa: E402

# 150 dpi at these sizes gives figures ~1200 px wide: sharp on a code host, small files.
DPI = 150
ISO_F1 = (0.2, 0.4, 0.6, 0.8)


def _png(figure) -> bytes:
    """Render and close ``figure``; no 'Software' tag, so a re-run with another
    matplotlib does not change the file for nothing."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _iso_f1(axis) -> None:
    """Faint curves of constant F1, to read the operating points against."""
    recall = np.linspace(0.01, 1, 200)
    for f1 in ISO_F1:
        precision = f1 * recall / (2 * recall - f1)
        keep = (precision > 0) & (precision <= 1.05)
        axis.plot(recall[keep], precision[keep], color="0.85", linewidth=0.8, zorder=0)
        axis.annotate(f"F1={f1}", (0.98, f1 / (2 - f1)), color="0.6", fontsize=7, ha="right", va="bottom")


def pr_curves_png(gold: np.ndarray, scores: np.ndarray, metrics: dict) -> bytes:
    """One precision-recall curve per label, the chosen threshold marked on each.

    Args:
        gold: 0/1 shaped (sentences, labels).
        scores: probabilities shaped (sentences, labels).
        metrics: the evaluation's metrics (per_label precision, recall, threshold,
            average_precision).

    Returns:
        PNG bytes of a 2x2 figure.
    """
    figure, axes = plt.subplots(2, 2, figsize=(9, 8), sharex=True, sharey=True)
    for axis, (i, label) in zip(axes.ravel(), enumerate(LABELS)):
        m = metrics["per_label"][label]
        _iso_f1(axis)
        if gold[:, i].any():
            precision, recall, _ = precision_recall_curve(gold[:, i], scores[:, i])
            axis.step(recall, precision, where="post", color="C0", linewidth=1.5)
            axis.plot(
                m["recall"],
                m["precision"],
                "o",
                color="C3",
                markersize=7,
                label=f"threshold {m['threshold']:.2f}: P {m['precision']:.2f}, R {m['recall']:.2f}",
            )
            axis.legend(loc="lower left", fontsize=8)
            ap = m["average_precision"]
            axis.set_title(f"{label} (AP {ap:.3f}, n={m['support']})", fontsize=10)
        else:
            axis.set_title(f"{label}: no gold sentences", fontsize=10)
        axis.set_xlim(0, 1.01)
        axis.set_ylim(0, 1.05)
        axis.grid(alpha=0.3)
    for axis in axes[1]:
        axis.set_xlabel("recall")
    for axis in axes[:, 0]:
        axis.set_ylabel("precision")
    figure.suptitle("Precision-recall per label (dot: the model's decision threshold)")
    return _png(figure)


def _bin_points(reliability: dict) -> tuple[np.ndarray, np.ndarray]:
    """(mean score, positive rate) of the non-empty bins."""
    pairs = [(s, r) for s, r in zip(reliability["mean_score"], reliability["positive_rate"]) if s is not None]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def reliability_png(metrics: dict) -> bytes:
    """Reliability diagram: share of positives against mean probability per bin.

    Args:
        metrics: the evaluation's metrics (``ece``, per-label ``ece`` and the
            ``calibration`` block of reliability bins).

    Returns:
        PNG bytes: the diagram (pooled over labels, and per label) above a histogram
        of how many predictions fall in each bin.
    """
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(7, 8), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    top.plot([0, 1], [0, 1], "--", color="0.5", linewidth=1, label="perfectly calibrated")
    calibration = metrics["calibration"]
    for i, label in enumerate(LABELS):
        x, y = _bin_points(calibration["per_label"][label])
        ece = metrics["per_label"][label]["ece"]
        top.plot(x, y, "o-", color=f"C{i}", alpha=0.6, markersize=4, label=f"{label} (ECE {ece:.3f})")
    x, y = _bin_points(calibration["reliability"])
    top.plot(x, y, "s-", color="black", linewidth=2, label=f"all labels (ECE {metrics['ece']:.3f})")
    top.set_ylabel("share of predictions that are gold")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1)
    top.grid(alpha=0.3)
    top.legend(loc="upper left", fontsize=8)
    top.set_title("Reliability diagram (each label's probability, sentences x labels)")
    edges = np.array(calibration["reliability"]["edges"])
    counts = calibration["reliability"]["count"]
    bottom.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color="0.6", edgecolor="white")
    bottom.set_yscale("log")
    bottom.set_ylim(bottom=0.8)  # log scale: bars of 1 stay visible
    bottom.set_xlabel("predicted probability")
    bottom.set_ylabel("predictions")
    bottom.grid(alpha=0.3)
    return _png(figure)

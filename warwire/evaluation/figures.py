"""Casualty figures evaluated like the labels: where the gold data carries ``killed`` and
``injured``, the share of figures that are exactly right end to end (the predicted
labels decide whether a figure is read at all, as in ``warwire predict``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from warwire.corpus.io import Example
from warwire.labels import LABELS
from warwire.prediction.casualties import CASUALTY, NO_FIGURES, extract_figures

CATEGORIES = ("killed", "injured")


def figure_metrics(examples: Sequence[Example], predicted: np.ndarray) -> dict | None:
    """Accuracy of killed and injured figures, or None when no example has gold figures.

    Every sentence with gold figures counts twice (killed, injured), a missing figure
    (``null``) included: predicting a figure where the gold says none is an error too.
    Per ``figure_rule`` (a gold key naming the rule a sentence tests), the same accuracy.
    """
    column = LABELS.index(CASUALTY)
    scored = [(i, e) for i, e in enumerate(examples) if any(key in e.meta for key in CATEGORIES)]
    if not scored:
        return None
    right = {key: 0 for key in CATEGORIES}
    by_rule: dict[str, list[int]] = {}
    for i, example in scored:
        figures = extract_figures(example.text) if predicted[i, column] else NO_FIGURES
        hits = [getattr(figures, key) == example.meta.get(key) for key in CATEGORIES]
        for key, hit in zip(CATEGORIES, hits):
            right[key] += hit
        rule = str(example.meta.get("figure_rule", "all"))
        counts = by_rule.setdefault(rule, [0, 0])
        counts[0] += sum(hits)
        counts[1] += len(hits)
    n = len(scored)
    return {
        "sentences": n,
        "figures": 2 * n,
        "accuracy": (right["killed"] + right["injured"]) / (2 * n),
        **{f"{key}_accuracy": right[key] / n for key in CATEGORIES},
        "per_rule": {rule: {"figures": total, "accuracy": hits / total} for rule, (hits, total) in sorted(by_rule.items())},
    }

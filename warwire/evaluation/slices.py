"""Metrics per slice of the data (per ``conflict``, per ``register``, ...), so a
reviewer sees where a model is weak and not only its average.

A slice key is any extra key of the labeled records (the data format allows them) with a
few repeated values; each slice gets its own article-level bootstrap interval.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from warwire.corpus.io import Example
from warwire.errors import WarwireError
from warwire.evaluation.bootstrap import bootstrap, percentile_interval
from warwire.evaluation.weighted_metrics import decision_metrics
from warwire.labels import LABELS

MISSING = "(missing)"
# A key slices the data only if its slices hold, on average, at least this many
# articles: per-outlet or per-date figures on one article each would be noise.
MIN_ARTICLES_PER_SLICE = 2


def _value(example: Example, key: str) -> str | None:
    """The slice value of ``example`` for ``key``; None if not a scalar."""
    value = example.meta.get(key, MISSING)
    if isinstance(value, (list, dict)):
        return None
    return value if isinstance(value, str) else str(value)


def slice_keys(examples: Sequence[Example]) -> list[str]:
    """The metadata keys worth slicing by, sorted.

    A key qualifies when its values are scalars, it takes at least 2 distinct values,
    and there are at most half as many values as articles (MIN_ARTICLES_PER_SLICE).

    Args:
        examples: the evaluated sentences.

    Returns:
        Key names, e.g. ``["conflict", "register"]`` on the warwire corpus (``outlet``
        and ``date`` have nearly one value per article; ``split`` only one value).
    """
    articles = len({e.article_id for e in examples})
    keys = sorted({key for e in examples for key in e.meta})
    chosen = []
    for key in keys:
        values = [_value(e, key) for e in examples]
        if None in values:
            continue
        distinct = len(set(values))
        if distinct >= 2 and distinct * MIN_ARTICLES_PER_SLICE <= articles:
            chosen.append(key)
    return chosen


def slice_members(examples: Sequence[Example], key: str) -> dict[str, np.ndarray]:
    """Slice value -> indices of its sentences, values sorted.

    Raises:
        WarwireError: if ``key`` is in no record or holds lists or objects.
    """
    if not any(key in e.meta for e in examples):
        raise WarwireError(f"--slice-by {key!r}: no record has this key")
    members: dict[str, list[int]] = defaultdict(list)
    for i, example in enumerate(examples):
        value = _value(example, key)
        if value is None:
            raise WarwireError(f"record {example.id!r}: {key!r} is not a plain value; cannot slice by it")
        members[value].append(i)
    return {value: np.array(members[value]) for value in sorted(members)}


def _point_and_interval(samples: np.ndarray, point: float, level: float) -> tuple[float | None, list[float] | None]:
    return (None if np.isnan(point) else float(point)), percentile_interval(samples, level)


def slice_metrics(
    examples: Sequence[Example],
    gold: np.ndarray,
    predicted: np.ndarray,
    index: np.ndarray,
    resamples: int,
    seed: int,
    level: float,
) -> dict:
    """Metrics of the sentences ``index`` with article-level bootstrap intervals.

    A label with neither gold nor predicted sentences in the slice has no F1 (None)
    and is left out of the slice's macro-F1, so a slice without denials is not
    penalised for them.

    Returns:
        ``{"articles", "sentences", "macro_f1", "macro_f1_ci", "micro_f1", "micro_f1_ci",
        "exact_match", "exact_match_ci", "per_label": {label: {"f1", "f1_ci", "support"}}}``.
    """
    gold_s, predicted_s = gold[index], predicted[index]
    article_ids = [examples[i].article_id for i in index]

    def statistic(weights):
        return decision_metrics(gold_s, predicted_s, weights, empty_f1=np.nan)

    point = statistic(np.ones((1, len(index))))
    samples = bootstrap(statistic, article_ids, resamples, seed)
    result = {"articles": len(set(article_ids)), "sentences": int(len(index))}
    for name in ("macro_f1", "micro_f1", "exact_match"):
        result[name], result[f"{name}_ci"] = _point_and_interval(samples[name], point[name][0], level)
    result["per_label"] = {}
    for i, label in enumerate(LABELS):
        f1, f1_ci = _point_and_interval(samples["per_label"][label]["f1"], point["per_label"][label]["f1"][0], level)
        result["per_label"][label] = {"f1": f1, "f1_ci": f1_ci, "support": int(gold_s[:, i].sum())}
    return result


def all_slices(
    examples: Sequence[Example],
    gold: np.ndarray,
    predicted: np.ndarray,
    keys: Sequence[str] | None,
    resamples: int,
    seed: int,
    level: float,
) -> dict:
    """Slice key -> slice value -> slice_metrics; ``keys`` None picks them (slice_keys)."""
    keys = slice_keys(examples) if keys is None else list(keys)
    return {
        key: {
            value: slice_metrics(examples, gold, predicted, index, resamples, seed, level)
            for value, index in slice_members(examples, key).items()
        }
        for key in keys
    }

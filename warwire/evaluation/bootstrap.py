"""Bootstrap confidence intervals that resample whole articles, and the paired test.

Sentences of one article share a topic, a writer and often a subject, so they are not
independent draws: resampling single sentences would give intervals that are too
narrow. Each bootstrap resample therefore draws articles with replacement (as many
as the data holds) and keeps all their sentences. A resample is represented as a
weight per sentence (how many times its article was drawn), so every metric can be
computed for all resamples at once with matrix products (see weighted_metrics.py).

The paired test compares two models on the *same* resamples: the spread of the
difference then reflects the sampling of articles once, not twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0
CONFIDENCE_LEVEL = 0.95
# Below this many articles the resamples take too few distinct values for a percentile
# interval to mean anything (2 articles: 3 distinct resamples), so none is given.
MIN_ARTICLES = 5
# Resamples per chunk are chosen so one chunk's weight matrix stays near this many
# cells (8 bytes each: ~32 MB), whatever the number of sentences.
CHUNK_CELLS = 4_000_000


def article_groups(article_ids: Sequence[str]) -> tuple[np.ndarray, int]:
    """Map each sentence to the index of its article.

    Args:
        article_ids: the article id of every sentence, in data order.

    Returns:
        ``(group, n_articles)``: ``group[i]`` is the article index (0..n_articles-1)
        of sentence ``i``, in order of the sorted article ids.
    """
    _, group = np.unique(np.asarray(article_ids, dtype=object).astype(str), return_inverse=True)
    return group.ravel(), int(group.max()) + 1 if len(group) else 0


def resample_counts(n_articles: int, resamples: int, seed: int) -> np.ndarray:
    """How many times each article is drawn in each resample.

    Args:
        n_articles: articles in the data.
        resamples: number of bootstrap resamples.
        seed: seed of numpy's default generator; the same seed gives the same draws.

    Returns:
        An int array shaped (resamples, n_articles) whose rows each sum to n_articles.
    """
    rng = np.random.default_rng(seed)
    # Drawing n articles with replacement, uniformly, is a multinomial count vector.
    return rng.multinomial(n_articles, np.full(n_articles, 1.0 / n_articles), size=resamples)


def iter_weights(
    article_ids: Sequence[str], resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> Iterator[np.ndarray]:
    """Yield sentence weights for all resamples, a chunk of resamples at a time.

    Args:
        article_ids: the article id of every sentence.
        resamples: total number of resamples.
        seed: random seed; the draws depend only on it, the number of articles and
            ``resamples`` (not on the chunking).

    Yields:
        float arrays shaped (chunk, sentences): weight = times the sentence's article
        was drawn.
    """
    group, n_articles = article_groups(article_ids)
    counts = resample_counts(n_articles, resamples, seed)
    chunk = max(1, CHUNK_CELLS // max(1, len(group)))
    for first in range(0, resamples, chunk):
        yield counts[first : first + chunk][:, group].astype(np.float64)


def bootstrap(
    statistic: Callable[[np.ndarray], dict],
    article_ids: Sequence[str],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    min_articles: int = MIN_ARTICLES,
) -> dict:
    """Evaluate ``statistic`` on every article-level resample.

    Args:
        statistic: takes sentence weights shaped (chunk, sentences) and returns a
            (nested) dict of arrays shaped (chunk,), one value per resample.
        article_ids: the article id of every sentence.
        resamples: number of resamples.
        seed: random seed.
        min_articles: with fewer articles every resampled value is NaN, so no
            interval is reported rather than a meaningless one.

    Returns:
        The same nested dict, each leaf an array shaped (resamples,).
    """
    parts = [statistic(weights) for weights in iter_weights(article_ids, resamples, seed)]
    samples = map_leaves(lambda *chunks: np.concatenate(chunks), *parts)
    if len(set(article_ids)) < min_articles:
        samples = map_leaves(lambda values: np.full(len(values), np.nan), samples)
    return samples


def map_leaves(function: Callable, *trees):
    """Apply ``function`` leaf by leaf to nested dicts of the same shape."""
    if isinstance(trees[0], dict):
        return {key: map_leaves(function, *(tree[key] for tree in trees)) for key in trees[0]}
    return function(*trees)


def percentile_interval(samples: np.ndarray, level: float = CONFIDENCE_LEVEL) -> list[float] | None:
    """The percentile bootstrap interval of ``samples``.

    Args:
        samples: one value per resample; NaN (undefined in that resample, e.g. a
            label absent from it) is left out.
        level: coverage, 0.95 for a 95% interval.

    Returns:
        ``[low, high]`` as plain floats, or None when no resample defined the value.
    """
    samples = np.asarray(samples, dtype=float)
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return [float(low), float(high)]


def paired_difference(reference: np.ndarray, candidate: np.ndarray, level: float = CONFIDENCE_LEVEL) -> dict:
    """Interval and two-sided p-value of ``candidate - reference`` over paired resamples.

    Args:
        reference: a metric per resample for the reference model.
        candidate: the same metric on the *same* resamples for the other model.
        level: coverage of the interval.

    Returns:
        ``{"ci": [low, high], "p_value": p}``. The p-value is the bootstrap test of
        "no difference": twice the smaller share of resamples on either side of 0
        (with the +1 correction, so it is never reported as exactly 0), capped at 1.
        Identical models give differences of 0 everywhere and p = 1.
    """
    delta = np.asarray(candidate, dtype=float) - np.asarray(reference, dtype=float)
    delta = delta[~np.isnan(delta)]
    if delta.size == 0:
        return {"ci": None, "p_value": None}
    n = delta.size
    at_most_zero = (np.count_nonzero(delta <= 0) + 1) / (n + 1)
    at_least_zero = (np.count_nonzero(delta >= 0) + 1) / (n + 1)
    return {
        "ci": percentile_interval(delta, level),
        "p_value": float(min(1.0, 2 * min(at_most_zero, at_least_zero))),
    }

"""The article-level bootstrap: resampled metrics equal a direct computation on the
resampled data, whole articles are drawn, seeds reproduce, intervals behave."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from warwire.evaluation import bootstrap as bootstrap_module
from warwire.evaluation.bootstrap import (
    article_groups,
    bootstrap,
    iter_weights,
    paired_difference,
    percentile_interval,
)
from warwire.evaluation.calibration import expected_calibration_error
from warwire.evaluation.metrics import compute_metrics
from warwire.evaluation.weighted_metrics import all_metrics, decision_metrics
from warwire.labels import LABELS


def random_case(seed, articles=30, per_article=5, noise=0.3):
    """Gold labels, noisy scores, thresholded predictions and article ids."""
    rng = np.random.default_rng(seed)
    n = articles * per_article
    gold = (rng.random((n, 4)) < 0.3).astype(int)
    scores = np.clip(gold * 0.6 + rng.random((n, 4)) * 0.5 + rng.normal(0, noise, (n, 4)) * 0.2, 0, 1)
    scores = np.round(scores, 2)  # ties, as real scores have them at a few decimals
    predicted = (scores >= 0.5).astype(int)
    article_ids = [f"a{i // per_article:03d}" for i in range(n)]
    return gold, scores, predicted, article_ids


def test_resampled_metrics_equal_direct_computation_on_resampled_data():
    gold, scores, predicted, article_ids = random_case(0)
    weights = next(iter_weights(article_ids, resamples=5, seed=3))
    resampled = all_metrics(gold, predicted, scores, weights)
    for row in range(5):
        # The resample spelled out: every sentence repeated as often as its article was drawn.
        index = np.repeat(np.arange(len(gold)), weights[row].astype(int))
        direct = compute_metrics(gold[index], predicted[index])
        assert resampled["macro_f1"][row] == pytest.approx(direct["macro_f1"])
        assert resampled["micro_f1"][row] == pytest.approx(direct["micro_f1"])
        assert resampled["exact_match"][row] == pytest.approx(direct["exact_match"])
        assert resampled["none_accuracy"][row] == pytest.approx(direct["none_accuracy"])
        assert resampled["ece"][row] == pytest.approx(expected_calibration_error(gold[index], scores[index]))
        for i, label in enumerate(LABELS):
            for name in ("precision", "recall", "f1"):
                assert resampled["per_label"][label][name][row] == pytest.approx(direct["per_label"][label][name])
            assert resampled["per_label"][label]["average_precision"][row] == pytest.approx(
                average_precision_score(gold[index, i], scores[index, i])
            )
            assert resampled["per_label"][label]["ece"][row] == pytest.approx(
                expected_calibration_error(gold[index, i], scores[index, i])
            )


def test_weights_draw_whole_articles():
    _, _, _, article_ids = random_case(1, articles=20, per_article=4)
    group, n_articles = article_groups(article_ids)
    assert n_articles == 20
    weights = np.vstack(list(iter_weights(article_ids, resamples=200, seed=0)))
    assert weights.shape == (200, 80)
    # One weight per article: all sentences of an article share it.
    per_article = weights.reshape(200, 20, 4)
    assert (per_article == per_article[:, :, :1]).all()
    counts = per_article[:, :, 0]
    assert (counts.sum(axis=1) == 20).all()  # n articles drawn with replacement
    assert (counts == 0).any(axis=1).all() and (counts >= 2).any(axis=1).all()


def test_same_seed_same_resamples_whatever_the_chunking(monkeypatch):
    gold, scores, predicted, article_ids = random_case(2)

    def statistic(weights):
        return decision_metrics(gold, predicted, weights)

    first = bootstrap(statistic, article_ids, resamples=300, seed=11)
    monkeypatch.setattr(bootstrap_module, "CHUNK_CELLS", 1000)  # many small chunks
    again = bootstrap(statistic, article_ids, resamples=300, seed=11)
    other = bootstrap(statistic, article_ids, resamples=300, seed=12)
    assert first["macro_f1"].shape == (300,)
    np.testing.assert_array_equal(first["macro_f1"], again["macro_f1"])
    np.testing.assert_array_equal(first["per_label"]["denial"]["f1"], again["per_label"]["denial"]["f1"])
    assert not np.array_equal(first["macro_f1"], other["macro_f1"])


def test_interval_contains_point_estimate():
    gold, scores, predicted, article_ids = random_case(3)
    samples = bootstrap(lambda w: all_metrics(gold, predicted, scores, w), article_ids, resamples=500, seed=0)
    point = all_metrics(gold, predicted, scores, np.ones((1, len(gold))))
    for name in ("macro_f1", "micro_f1", "exact_match", "ece"):
        low, high = percentile_interval(samples[name])
        assert low < point[name][0] < high, name
    for label in LABELS:
        low, high = percentile_interval(samples["per_label"][label]["f1"])
        assert low < point["per_label"][label]["f1"][0] < high


def test_article_level_intervals_are_wider_when_sentences_of_an_article_agree():
    # Every sentence of an article is right or every one is wrong: the article is the
    # unit of evidence, so resampling articles must give a wider interval than treating
    # each sentence as its own article.
    rng = np.random.default_rng(4)
    articles, per_article = 40, 10
    right = np.repeat(rng.random(articles) < 0.7, per_article)
    gold = np.tile([1, 0, 1, 0], (articles * per_article, 1))
    predicted = np.where(right[:, None], gold, 1 - gold)
    by_article = [f"a{i // per_article}" for i in range(len(gold))]
    by_sentence = [f"s{i}" for i in range(len(gold))]

    def width(ids):
        samples = bootstrap(lambda w: decision_metrics(gold, predicted, w), ids, resamples=500, seed=0)
        low, high = percentile_interval(samples["exact_match"])
        return high - low

    assert width(by_article) > 2 * width(by_sentence)


def test_too_few_articles_give_no_interval():
    gold, scores, predicted, article_ids = random_case(5, articles=4)
    samples = bootstrap(lambda w: decision_metrics(gold, predicted, w), article_ids, resamples=50, seed=0)
    assert percentile_interval(samples["macro_f1"]) is None
    assert paired_difference(samples["macro_f1"], samples["macro_f1"]) == {"ci": None, "p_value": None}


def test_percentile_interval_matches_numpy_and_skips_nan():
    values = np.arange(1001, dtype=float)
    assert percentile_interval(values) == pytest.approx([25.0, 975.0])
    assert percentile_interval(np.r_[values, np.nan, np.nan]) == pytest.approx([25.0, 975.0])
    assert percentile_interval(values, level=0.5) == pytest.approx(np.percentile(values, [25, 75]))
    assert percentile_interval(np.full(3, np.nan)) is None


def test_paired_difference_of_identical_models_is_zero_with_p_one():
    samples = np.random.default_rng(0).random(1000)
    result = paired_difference(samples, samples.copy())
    assert result["ci"] == [0.0, 0.0]
    assert result["p_value"] == 1.0


def test_paired_difference_detects_a_consistent_gain_and_its_sign():
    rng = np.random.default_rng(0)
    reference = rng.random(999)
    better = reference + 0.05 + rng.normal(0, 0.01, 999)
    result = paired_difference(reference, better)
    assert 0.03 < result["ci"][0] < result["ci"][1] < 0.07
    assert result["p_value"] == pytest.approx(2 / 1000)  # the smallest p 999 resamples can give
    assert paired_difference(better, reference)["ci"][1] < 0
    # A difference that is noise around 0 is not significant.
    noisy = reference + rng.normal(0, 0.05, 999)
    assert paired_difference(reference, noisy)["p_value"] > 0.5

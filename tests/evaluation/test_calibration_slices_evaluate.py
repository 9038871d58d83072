"""The evaluation's figures on small cases: against scikit-learn or by hand."""

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score

from warwire.corpus.io import Example
from warwire.errors import WarwireError
from warwire.evaluation.calibration import expected_calibration_error, reliability_bins
from warwire.evaluation.evaluate import confident_errors, score_metrics
from warwire.evaluation.metrics import average_precision, compute_metrics, cooccurrence
from warwire.evaluation.slices import slice_keys, slice_members, slice_metrics
from warwire.evaluation.weighted_metrics import all_metrics, calibration_error
from warwire.evaluation.weighted_metrics import average_precision as weighted_ap
from warwire.labels import LABELS


def scored_case(seed, n=60):
    rng = np.random.default_rng(seed)
    gold = (rng.random((n, 4)) < 0.4).astype(int)
    scores = np.round(np.clip(0.5 * gold + 0.6 * rng.random((n, 4)), 0, 1), 1)  # coarse: many ties
    return gold, scores


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_average_precision_agrees_with_scikit_learn_including_ties(seed):
    gold, scores = scored_case(seed)
    point = average_precision(gold, scores)
    weights = np.ones((1, len(gold)))
    for i, label in enumerate(LABELS):
        expected = average_precision_score(gold[:, i], scores[:, i])
        assert point[label] == pytest.approx(expected)
        assert weighted_ap(gold[:, i], scores[:, i], weights)[0] == pytest.approx(expected)


def test_average_precision_with_integer_weights_equals_sample_weight():
    gold, scores = scored_case(3)
    weights = np.random.default_rng(0).integers(0, 3, size=(1, len(gold))).astype(float)
    expected = average_precision_score(gold[:, 0], scores[:, 0], sample_weight=weights[0])
    assert weighted_ap(gold[:, 0], scores[:, 0], weights)[0] == pytest.approx(expected)


def test_average_precision_of_a_label_without_gold_is_undefined():
    gold, scores = scored_case(4)
    gold[:, 2] = 0
    assert average_precision(gold, scores)["denial"] is None
    assert np.isnan(weighted_ap(gold[:, 2], scores[:, 2], np.ones((1, len(gold))))[0])


def test_expected_calibration_error_by_hand():
    # Bin [0, .1]: scores .05, .05, outcomes 0, 1 -> |0.5 - 0.05| * 2/6
    # Bin (.8, .9]: scores .85 x4, outcomes 1, 1, 1, 0 -> |0.75 - 0.85| * 4/6
    gold = np.array([0, 1, 1, 1, 1, 0])
    scores = np.array([0.05, 0.05, 0.85, 0.85, 0.85, 0.85])
    assert expected_calibration_error(gold, scores) == pytest.approx(0.45 * 2 / 6 + 0.10 * 4 / 6)
    assert expected_calibration_error(np.array([1, 0]), np.array([1.0, 0.0])) == 0.0


@pytest.mark.parametrize("seed", [0, 5])
def test_reliability_bins_agree_with_scikit_learn_calibration_curve(seed):
    rng = np.random.default_rng(seed)
    scores = rng.random(300)
    scores[:10] = [0.1, 0.2, 0.3, 0.0, 1.0, 0.5, 0.9, 0.7, 0.4, 0.6]  # on the bin edges
    gold = (rng.random(300) < scores).astype(int)
    bins = reliability_bins(gold, scores)
    prob_true, prob_pred = calibration_curve(gold, scores, n_bins=10)
    filled = [i for i, c in enumerate(bins["count"]) if c]
    assert [bins["positive_rate"][i] for i in filled] == pytest.approx(prob_true)
    assert [bins["mean_score"][i] for i in filled] == pytest.approx(prob_pred)
    assert sum(bins["count"]) == 300
    ece = sum(c / 300 * abs(t - p) for c, t, p in zip([bins["count"][i] for i in filled], prob_true, prob_pred))
    assert expected_calibration_error(gold, scores) == pytest.approx(ece)


def test_weighted_calibration_error_equals_point_ece_pooled_and_per_label():
    gold, scores = scored_case(6)
    resampled = calibration_error(gold, scores, np.ones((1, len(gold))))
    assert resampled["ece"][0] == pytest.approx(expected_calibration_error(gold, scores))
    for i, label in enumerate(LABELS):
        assert resampled["per_label"][label][0] == pytest.approx(expected_calibration_error(gold[:, i], scores[:, i]))


def test_cooccurrence_by_hand():
    gold = np.array(
        [
            [1, 1, 0, 0],  # attack + claim, predicted attack only
            [0, 0, 1, 0],  # denial, predicted claim + denial
            [0, 0, 0, 0],  # none, predicted casualty
            [0, 0, 0, 0],  # none, predicted none
            [0, 0, 0, 1],  # casualty, predicted none
        ]
    )
    predicted = np.array([[1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]])
    table = cooccurrence(gold, predicted)
    assert table["labels"] == [*LABELS, "none"]
    assert table["counts"] == [
        [1, 0, 0, 0, 0],  # attack_report row
        [1, 0, 0, 0, 0],  # official_claim: its sentence got attack_report (rightly: it is gold too)
        [0, 1, 1, 0, 0],  # denial
        [0, 0, 0, 0, 1],  # casualty_statement: nothing predicted
        [0, 0, 0, 1, 1],  # none
    ]
    assert table["confusions"] == [
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],  # attack_report on the claim sentence was gold: not a confusion
        [0, 1, 0, 0, 0],  # official_claim wrongly on a denial
        [0, 0, 0, 0, 1],
        [0, 0, 0, 1, 0],
    ]


def example(i, article, **meta):
    return Example(f"s{i}", article, f"sentence {i}", [], meta)


def test_slice_keys_need_repeated_plain_values():
    examples = [
        example(i, f"a{i // 2}", conflict=["X", "Y", "Z"][i // 4], outlet=f"o{i // 2}", split="test", tags=["t"])
        for i in range(12)
    ]  # 6 articles: conflict 3 values (2 articles each), outlet 6 values, split 1 value, tags a list
    assert slice_keys(examples) == ["conflict"]
    assert list(slice_members(examples, "conflict")) == ["X", "Y", "Z"]
    assert slice_members(examples, "conflict")["Y"].tolist() == [4, 5, 6, 7]
    with pytest.raises(WarwireError, match="no record has this key"):
        slice_members(examples, "register")
    with pytest.raises(WarwireError, match="not a plain value"):
        slice_members(examples, "tags")


def test_slice_metrics_are_those_of_the_subset_and_skip_absent_labels():
    gold, scores = scored_case(7, n=40)
    predicted = (scores >= 0.5).astype(int)
    examples = [example(i, f"a{i // 2}") for i in range(40)]
    index = np.arange(10, 30)
    direct = compute_metrics(gold[index], predicted[index])
    result = slice_metrics(examples, gold, predicted, index, resamples=100, seed=0, level=0.95)
    assert result["sentences"] == 20 and result["articles"] == 10
    assert result["macro_f1"] == pytest.approx(direct["macro_f1"])
    assert result["per_label"]["denial"]["f1"] == pytest.approx(direct["per_label"]["denial"]["f1"])
    assert result["macro_f1_ci"][0] <= result["macro_f1"] <= result["macro_f1_ci"][1]
    # A label with no gold and no predicted sentence in the slice: no F1, not in the macro.
    gold[index, 2] = 0
    predicted[index, 2] = 0
    result = slice_metrics(examples, gold, predicted, index, resamples=100, seed=0, level=0.95)
    others = compute_metrics(gold[index], predicted[index])["per_label"]
    assert result["per_label"]["denial"]["f1"] is None
    assert result["macro_f1"] == pytest.approx(np.mean([others[label]["f1"] for label in LABELS if label != "denial"]))


def test_confident_errors_are_ordered_by_confidence():
    examples = [example(i, f"a{i}") for i in range(5)]
    gold = np.zeros((5, 4), dtype=int)
    gold[[3, 4], 0] = 1
    scores = np.zeros((5, 4))
    scores[:, 0] = [0.6, 0.9, 0.1, 0.3, 0.05]
    predicted = (scores >= 0.5).astype(int)
    errors = confident_errors(examples, gold, scores, predicted, top=5)["attack_report"]
    assert [e["id"] for e in errors["false_positives"]] == ["s1", "s0"]  # highest score first
    assert [e["id"] for e in errors["false_negatives"]] == ["s4", "s3"]  # lowest score first
    first = errors["false_positives"][0]
    assert first["gold"] == [] and first["predicted"] == ["attack_report"] and first["score"] == 0.9
    assert first["article_id"] == "a1" and set(first["scores"]) == set(LABELS)
    assert len(confident_errors(examples, gold, scores, predicted, top=1)["attack_report"]["false_positives"]) == 1


def test_score_metrics_keeps_the_contract_and_adds_intervals_beside():
    gold, scores = scored_case(8, n=48)
    predicted = (scores >= 0.5).astype(int)
    examples = [example(i, f"a{i // 4}", conflict="XY"[i // 24]) for i in range(48)]
    thresholds = dict.fromkeys(LABELS, 0.5)
    metrics = score_metrics(examples, gold, scores, predicted, thresholds, resamples=200, seed=1)
    direct = compute_metrics(gold, predicted)
    for key in ("macro_f1", "micro_f1", "exact_match"):
        assert type(metrics[key]) is float and metrics[key] == pytest.approx(direct[key])
        low, high = metrics[f"{key}_ci"]
        assert low <= metrics[key] <= high
    for label in LABELS:
        entry = metrics["per_label"][label]
        assert {"precision", "recall", "f1", "support", "threshold", "average_precision", "ece"} <= set(entry)
        assert {"precision_ci", "recall_ci", "f1_ci", "average_precision_ci", "ece_ci"} <= set(entry)
        assert type(entry["support"]) is int and "support_ci" not in entry
    assert metrics["bootstrap"]["resamples"] == 200 and metrics["bootstrap"]["seed"] == 1
    assert list(metrics["slices"]) == ["conflict"] and set(metrics["slices"]["conflict"]) == {"X", "Y"}
    point = all_metrics(gold, predicted, scores, np.ones((1, 48)))
    assert metrics["ece"] == pytest.approx(point["ece"][0])
    again = score_metrics(examples, gold, scores, predicted, thresholds, resamples=200, seed=1)
    assert again == metrics

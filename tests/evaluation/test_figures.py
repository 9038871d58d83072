import numpy as np

from warwire.corpus.io import Example
from warwire.evaluation.figures import figure_metrics


def example(i, text, killed, injured, rule):
    return Example(f"s{i}", "a", text, ["casualty_statement"], {"killed": killed, "injured": injured, "figure_rule": rule})


def test_figures_are_scored_end_to_end_and_per_rule():
    examples = [
        example(0, "At least four people were killed.", 4, None, "lower-bound"),
        example(1, "Nobody was hurt.", 0, 0, "zero"),
        example(2, "Dozens were wounded.", None, 12, "vague"),
    ]
    predicted = np.array([[0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]])  # the last sentence's label is missed
    metrics = figure_metrics(examples, predicted)
    assert metrics["figures"] == 6 and metrics["accuracy"] == 5 / 6  # injured 12 missed with the label
    assert metrics["per_rule"]["vague"] == {"figures": 2, "accuracy": 0.5}
    assert metrics["killed_accuracy"] == 1.0 and metrics["injured_accuracy"] == 2 / 3
    assert figure_metrics([Example("x", "a", "t", [], {})], predicted[:1]) is None

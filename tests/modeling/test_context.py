"""A model with context reads (previous sentence, sentence) pairs at training,
evaluation and prediction alike, and still opens in plain transformers."""

import numpy as np
import pytest
from conftest import tiny_recipe_toml

from warwire.config import load_recipe
from warwire.modeling.context import previous_sentences
from warwire.modeling.loader import load_classifier
from warwire.prediction.inputs import Article
from warwire.prediction.pipeline import predict_rows
from warwire.training.run import train


def test_previous_sentences_stay_inside_an_article():
    assert previous_sentences(["a", "a", "b", "b"], ["a0", "a1", "b0", "b1"]) == ["", "a0", "", "b0"]


@pytest.fixture(scope="module")
def context_model(tmp_path_factory, tiny_backbone):
    from conftest import DEV_ROWS, TRAIN_ROWS, write_split

    root = tmp_path_factory.mktemp("context")
    (root / "corpus").mkdir()
    write_split(root / "corpus" / "train.jsonl", TRAIN_ROWS * 3, "tr")
    write_split(root / "corpus" / "dev.jsonl", DEV_ROWS, "dv")
    recipe = tiny_recipe_toml(root / "r.toml", tiny_backbone, root / "corpus", context="previous", epochs=2)
    train(load_recipe(recipe), root / "model")
    return root / "model"


def test_prediction_scores_each_sentence_with_its_previous_one(context_model):
    classifier = load_classifier(context_model, backend="torch")
    assert classifier.context == "previous"
    article = "The ministry denied the report. A missile hit the port, the army said."
    rows = list(predict_rows(classifier, [Article("a", article, "t")]))
    expected = classifier.score(
        ["The ministry denied the report.", "A missile hit the port, the army said."],
        contexts=["", "The ministry denied the report."],
    )
    np.testing.assert_allclose([[r["scores"][k] for k in r["scores"]] for r in rows], expected, atol=1e-4)
    alone = classifier.score(["A missile hit the port, the army said."], contexts=["Sirens."])
    assert not np.allclose(alone[0], expected[1])  # the context changes the scores


def test_int8_and_plain_transformers_read_the_same_pairs(context_model):
    from transformers import pipeline

    texts, contexts = ["The militia denied the attack.", "Five people were killed."], ["", "The militia denied the attack."]
    ours = load_classifier(context_model, backend="torch").score(texts, contexts=contexts)
    int8 = load_classifier(context_model, backend="onnx").score(texts, contexts=contexts)
    assert np.abs(int8 - ours).max() < 0.05
    classify = pipeline("text-classification", model=str(context_model), top_k=None, function_to_apply="sigmoid")
    results = classify([{"text": t, "text_pair": c} for c, t in zip(contexts, texts)])
    labels = list(load_classifier(context_model).info.thresholds)
    plain = np.array([[{r["label"]: r["score"] for r in result}[label] for label in labels] for result in results])
    np.testing.assert_allclose(plain, ours, atol=1e-5)

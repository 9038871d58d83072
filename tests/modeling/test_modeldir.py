"""Training, the model dir contract and safe loading, on the TF-IDF baseline and a tiny BERT."""

import json
import shutil

import numpy as np
import pytest

from warwire.config import load_recipe
from warwire.errors import WarwireError
from warwire.fileio import atomic_dir
from warwire.labels import LABELS
from warwire.modeling.loader import load_classifier
from warwire.modeling.modeldir import INFO_FILE
from warwire.training.run import train


def test_tfidf_model_dir_round_trip(tmp_path, tfidf_recipe):
    output = tmp_path / "models" / "tfidf"
    result = train(load_recipe(tfidf_recipe), output)
    assert result.output == output
    assert sorted(p.name for p in output.iterdir()) == ["README.md", "tfidf.json", "tfidf.safetensors", INFO_FILE]
    info = json.loads((output / INFO_FILE).read_text())
    assert info["labels"] == list(LABELS)
    assert set(info["thresholds"]) == set(LABELS)
    assert len(info["data"]["train"]["sha256"]) == 64
    classifier = load_classifier(output)
    scores = classifier.score(["The ministry denied shelling the village.", "Sirens sounded."])
    assert scores.shape == (2, 4)
    assert scores[0, LABELS.index("denial")] > scores[1, LABELS.index("denial")]


def test_existing_model_dir_needs_overwrite(tmp_path, tfidf_recipe):
    output = tmp_path / "m"
    train(load_recipe(tfidf_recipe), output)
    with pytest.raises(WarwireError, match="already exists"):
        train(load_recipe(tfidf_recipe), output)
    train(load_recipe(tfidf_recipe), output, overwrite=True)
    assert (output / INFO_FILE).is_file()


def test_failed_write_leaves_nothing(tmp_path):
    output = tmp_path / "m"
    with pytest.raises(RuntimeError), atomic_dir(output, overwrite=False) as staging:
        (staging / "half.txt").write_text("x")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_transformer_training_is_reproducible(tmp_path, tiny_recipe):
    first = train(load_recipe(tiny_recipe), tmp_path / "a")
    second = train(load_recipe(tiny_recipe), tmp_path / "b")
    assert first.dev_metrics == second.dev_metrics
    texts = ["A missile hit the port, the army said.", "The militia denied the attack."]
    a = load_classifier(tmp_path / "a").score(texts)
    b = load_classifier(tmp_path / "b").score(texts)
    np.testing.assert_array_equal(a, b)
    assert (tmp_path / "a" / "model.safetensors").is_file()
    assert not list(tmp_path.glob(".*checkpoints"))  # the work dir is cleaned up


def test_pickle_weights_are_refused(tmp_path, tfidf_recipe):
    output = tmp_path / "m"
    train(load_recipe(tfidf_recipe), output)
    (output / "pytorch_model.bin").write_bytes(b"not really a pickle")
    with pytest.raises(WarwireError, match="refusing to load pickle"):
        load_classifier(output)


def test_missing_or_corrupt_weights_are_clear_errors(tmp_path, tiny_model):
    output = tmp_path / "m"
    shutil.copytree(tiny_model, output)
    (output / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(WarwireError, match="cannot load model"):
        load_classifier(output)
    (output / "model.safetensors").unlink()
    with pytest.raises(WarwireError, match="missing weights file"):
        load_classifier(output)


def test_labels_that_do_not_match_are_refused(tmp_path, tfidf_recipe):
    output = tmp_path / "m"
    train(load_recipe(tfidf_recipe), output)
    info = json.loads((output / INFO_FILE).read_text())
    info["labels"] = ["attack_report", "denial"]
    (output / INFO_FILE).write_text(json.dumps(info))
    with pytest.raises(WarwireError, match="do not match"):
        load_classifier(output)


def test_not_a_model_dir(tmp_path):
    with pytest.raises(WarwireError, match="no such model dir"):
        load_classifier(tmp_path / "nope")
    with pytest.raises(WarwireError, match="not a warwire model dir"):
        load_classifier(tmp_path)

"""The int8 ONNX backend on a tiny BERT: agreement with PyTorch, the export cache, the
CLI's --backend."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import DEV_ROWS, TEST_ROWS, TRAIN_ROWS
from typer.testing import CliRunner

from warwire.cli import app
from warwire.config import load_recipe
from warwire.errors import WarwireError
from warwire.evaluation.metrics import compute_metrics
from warwire.labels import LABELS, to_multi_hot
from warwire.modeling.classifier import apply_thresholds
from warwire.modeling.loader import load_classifier
from warwire.modeling.modeldir import read_info
from warwire.modeling.onnx_runtime import KEY_WEIGHTS, OnnxClassifier, cache_path, load_onnx_classifier
from warwire.modeling.transformer import TransformerClassifier
from warwire.training.run import train

ALL_ROWS = TRAIN_ROWS + DEV_ROWS + TEST_ROWS
# Sentences the model never saw, of varied length (one longer than max_length tokens).
UNSEEN = [
    "Drones hit the depot.",
    "The governor said the army denied the strike on the market.",
    "Police said four people were killed and twelve were wounded when shells hit the camp at dawn.",
    "The ministry rejected the report, the spokesman said.",
    "Sirens.",
    " ".join(["the army said a missile hit the port"] * 6),
]


@pytest.fixture(scope="module")
def both(tiny_model):
    """(torch classifier, int8 ONNX classifier) of the same model dir; exports once."""
    return load_classifier(tiny_model, backend="torch"), load_classifier(tiny_model, backend="onnx")


def test_backends_are_what_they_say(both):
    torch_classifier, onnx_classifier = both
    assert isinstance(torch_classifier, TransformerClassifier)
    assert isinstance(onnx_classifier, OnnxClassifier)
    assert onnx_classifier.info.thresholds == torch_classifier.info.thresholds


def test_int8_agrees_with_torch(both):
    torch_classifier, onnx_classifier = both
    # 78 sentences: the corpus, unseen ones, and pairs of corpus sentences run together.
    corpus = [text for text, _ in ALL_ROWS]
    n = len(corpus)
    texts = corpus + UNSEEN
    texts += [f"{corpus[i]} {corpus[(i * 7 + 3) % n]}" for i in range(n)]
    texts += [f"{corpus[(i * 5 + 1) % n]} {corpus[i]}" for i in range(n)]
    thresholds = torch_classifier.info.thresholds
    reference = torch_classifier.score(texts)
    quantized = onnx_classifier.score(texts)
    assert quantized.shape == reference.shape == (len(texts), len(LABELS))
    assert np.abs(quantized - reference).max() < 0.05  # int8 moves probabilities a little, not much
    same_labels = (apply_thresholds(quantized, thresholds) == apply_thresholds(reference, thresholds)).all(axis=1)
    assert same_labels.mean() >= 0.98, f"label sets differ on {[t for t, s in zip(texts, same_labels) if not s]}"

    gold = np.array([to_multi_hot(labels) for _, labels in TEST_ROWS])
    test_texts = [text for text, _ in TEST_ROWS]
    f1_torch = compute_metrics(gold, apply_thresholds(torch_classifier.score(test_texts), thresholds))["macro_f1"]
    f1_int8 = compute_metrics(gold, apply_thresholds(onnx_classifier.score(test_texts), thresholds))["macro_f1"]
    assert abs(f1_int8 - f1_torch) <= 0.01


def test_truncation_is_counted_per_sentence(both):
    # 30 words + [CLS] + [SEP] = max_length (32) tokens: fits exactly, so not truncated.
    just_fits = " ".join(["the army said a missile hit the port"] * 3 + ["the army said a missile hit"])
    for classifier in both:
        assert len(classifier.tokenizer(just_fits)["input_ids"]) == classifier.max_length == 32
        before = classifier.truncated
        classifier.score(["Drones hit the depot.", "Sirens.", just_fits, UNSEEN[-1]], batch_size=4)  # one batch, padded
        assert classifier.truncated - before == 1


def test_export_is_cached_and_reused(tiny_model, both, monkeypatch):
    import warwire.modeling.onnx_runtime as backend

    path = cache_path(tiny_model)
    assert path.is_file() and path.parent == tiny_model / "onnx"
    assert not [p for p in path.parent.iterdir() if p != path]  # no temporary files left
    stamp = path.stat().st_mtime_ns

    def no_export(*args, **kwargs):
        raise AssertionError("exported again although the cache is valid")

    monkeypatch.setattr(backend, "export_int8", no_export)
    notes = []
    classifier = load_onnx_classifier(tiny_model, read_info(tiny_model), notify=notes.append)
    assert notes == [] and path.stat().st_mtime_ns == stamp
    np.testing.assert_array_equal(classifier.score(UNSEEN), both[1].score(UNSEEN))
    # The model dir stays loadable the safe way: nothing pickled beside the weights.
    assert read_info(tiny_model).kind == "transformer"


def test_changed_weights_invalidate_the_cache(tmp_path, tiny_model, both):
    from safetensors.torch import load_file, save_file

    model = tmp_path / "model"
    import shutil

    shutil.copytree(tiny_model, model)
    old_key = load_onnx_classifier(model, read_info(model)).session.get_modelmeta().custom_metadata_map[KEY_WEIGHTS]
    weights = load_file(str(model / "model.safetensors"))
    bias = next(name for name in weights if name.endswith("classifier.bias"))
    weights[bias] = weights[bias] + 3.0  # every label's logit up: the retrained model scores higher
    save_file(weights, str(model / "model.safetensors"), metadata={"format": "pt"})

    notes = []
    retrained = load_onnx_classifier(model, read_info(model), notify=notes.append)
    assert len(notes) == 1 and "exporting" in notes[0]
    assert retrained.session.get_modelmeta().custom_metadata_map[KEY_WEIGHTS] != old_key
    assert (retrained.score(UNSEEN) > both[1].score(UNSEEN) + 0.01).all()
    np.testing.assert_allclose(retrained.score(UNSEEN), load_classifier(model, backend="torch").score(UNSEEN), atol=0.05)


def test_unreadable_cache_is_exported_again(tmp_path, tiny_model):
    import shutil

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    cache_path(model).write_bytes(b"not an onnx file")
    notes = []
    classifier = load_onnx_classifier(model, read_info(model), notify=notes.append)
    assert len(notes) == 1
    assert classifier.score(["Drones hit the depot."]).shape == (1, len(LABELS))


def test_auto_backend_falls_back_to_torch_without_onnx_runtime(tiny_model, monkeypatch):
    import warwire.modeling.onnx_runtime as backend

    monkeypatch.setattr(backend, "onnx_runtime_available", lambda: False)
    assert isinstance(load_classifier(tiny_model, backend="auto"), TransformerClassifier)
    with pytest.raises(WarwireError, match="needs onnxruntime"):
        load_classifier(tiny_model, backend="onnx")


def test_export_waits_for_the_first_sentences_and_auto_falls_back(tmp_path, tiny_model, monkeypatch):
    import shutil

    import warwire.modeling.onnx_runtime as backend

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    shutil.rmtree(model / "onnx")

    def failing_export(*args, **kwargs):
        raise WarwireError(f"{model}: cannot export to ONNX (unsupported layer)")

    monkeypatch.setattr(backend, "export_int8", failing_export)
    warnings = []
    classifier = load_classifier(model, warn=warnings.append, backend="auto")
    assert warnings == []  # nothing exported yet: bad input would be reported first
    scores = classifier.score(UNSEEN)
    assert warnings == [f"{model}: cannot export to ONNX (unsupported layer); using the PyTorch backend"]
    np.testing.assert_allclose(scores, load_classifier(model, backend="torch").score(UNSEEN), atol=1e-5)
    assert classifier.backend == "torch"
    strict = load_classifier(model, backend="onnx")
    with pytest.raises(WarwireError, match="unsupported layer"):
        strict.score(UNSEEN)


def test_cli_backends_give_the_same_rows(tmp_path, tiny_model, both):
    runner = CliRunner()
    article = (
        "Drone strike hits depot\n\nTwo drones hit an oil depot overnight, the governor said. "
        'The ministry denied shelling the village. "Five people were killed," police said.\nShare this article\n'
    )
    (tmp_path / "a.txt").write_text(article, encoding="utf-8")
    rows = {}
    for backend in ("torch", "onnx", "auto"):
        out = tmp_path / f"{backend}.jsonl"
        result = runner.invoke(
            app, ["predict", str(tiny_model), str(tmp_path / "a.txt"), "--output", str(out), "--backend", backend]
        )
        assert result.exit_code == 0, result.output
        rows[backend] = [json.loads(line) for line in out.read_text().splitlines()]
    key = ("article_id", "sentence_index", "start", "end", "text")
    assert len(rows["torch"]) == 5
    for backend in ("onnx", "auto"):
        assert [[r[k] for k in key] for r in rows[backend]] == [[r[k] for k in key] for r in rows["torch"]]
        for a, b in zip(rows[backend], rows["torch"]):
            assert set(a["scores"]) == set(LABELS)
            assert max(abs(a["scores"][label] - b["scores"][label]) for label in LABELS) < 0.05
    assert rows["auto"] == rows["onnx"]  # auto picks the int8 path when ONNX Runtime is there


def test_cli_backend_errors_are_one_line(tmp_path, tiny_model, tfidf_recipe):
    runner = CliRunner()
    (tmp_path / "a.txt").write_text("Drones hit the depot.", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(tiny_model), str(tmp_path / "a.txt"), "--backend", "gpu"])
    assert result.exit_code == 2 and result.output.strip() == "error: unknown backend 'gpu'; use one of auto, torch, onnx"
    tfidf = tmp_path / "tfidf"
    train(load_recipe(tfidf_recipe), tfidf)
    result = runner.invoke(app, ["predict", str(tfidf), str(tmp_path / "a.txt"), "--backend", "onnx"])
    assert result.exit_code == 2 and "onnx backend is for transformer models" in result.output
    assert runner.invoke(app, ["predict", str(tfidf), str(tmp_path / "a.txt"), "--backend", "auto"]).exit_code == 0
    result = runner.invoke(app, ["export", str(tfidf)])
    assert result.exit_code == 2 and "only transformer models" in result.output


def test_cli_export_command(tmp_path, tiny_model, both):
    runner = CliRunner()
    result = runner.invoke(app, ["export", str(tiny_model)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{cache_path(tiny_model)}: up to date"


def test_cli_evaluate_backends(tmp_path, tiny_model, both):
    runner = CliRunner()
    data = tiny_model.parent / "corpus" / "train.jsonl"
    metrics = {}
    for backend in ("torch", "onnx", "auto"):
        report = tmp_path / backend
        args = ["evaluate", str(tiny_model), "--data", str(data), "--report-dir", str(report), "--backend", backend]
        result = runner.invoke(app, [*args, "--bootstrap", "20"])
        assert result.exit_code == 0, result.output
        metrics[backend] = json.loads((report / "metrics.json").read_text())
    assert metrics["torch"]["model"]["backend"] == "torch"
    assert metrics["onnx"]["model"]["backend"] == metrics["auto"]["model"]["backend"] == "onnx"  # the default path
    assert metrics["onnx"]["macro_f1"] == metrics["auto"]["macro_f1"]
    assert abs(metrics["onnx"]["macro_f1"] - metrics["torch"]["macro_f1"]) < 0.05
    result = runner.invoke(app, ["evaluate", str(tiny_model), "--data", str(data), "--backend", "gpu"])
    assert result.exit_code == 2 and "unknown backend 'gpu'" in result.output


def test_the_torch_free_tokenizer_encodes_as_autotokenizer_does(tiny_model):
    """The int8 path builds its tokenizer from tokenizer.json with the graph's input names;
    it must give AutoTokenizer's ids, alone and in (sentence, context) pairs."""
    from transformers import AutoTokenizer

    from warwire.modeling.onnx_runtime import load_tokenizer

    reference = AutoTokenizer.from_pretrained(tiny_model, local_files_only=True)
    fast = load_tokenizer(tiny_model, reference.model_input_names)
    texts = [text for text, _ in TRAIN_ROWS + DEV_ROWS + TEST_ROWS] + ["", "A very long line " * 40]
    contexts = [""] + texts[:-1]
    assert dict(fast(texts, truncation=True, max_length=32)) == dict(reference(texts, truncation=True, max_length=32))
    pairs = {"truncation": "longest_first", "max_length": 32}
    assert dict(fast(texts, contexts, **pairs)) == dict(reference(texts, contexts, **pairs))

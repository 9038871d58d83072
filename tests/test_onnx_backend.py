"""The int8 ONNX backend on a tiny BERT: agreement with PyTorch, the export cache, the
CLI's --backend; and streaming prediction keeping input order across chunks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import DEV_ROWS, TEST_ROWS, TRAIN_ROWS, build_tiny_bert, tiny_recipe_toml, write_split
from typer.testing import CliRunner

from warwire.cli import app
from warwire.config import load_recipe
from warwire.errors import WarwireError
from warwire.evaluation.metrics import compute_metrics
from warwire.labels import LABELS, to_multi_hot
from warwire.modeling.batching import length_sorted_batches
from warwire.modeling.classifier import ThresholdedPredictions
from warwire.modeling.classifier import apply_thresholds
from warwire.modeling.loader import load_classifier
from warwire.modeling.modeldir import read_info
from warwire.modeling.onnx_runtime import KEY_WEIGHTS, OnnxClassifier, cache_path, load_onnx_classifier
from warwire.modeling.transformer import TransformerClassifier
from warwire.prediction.inputs import Article
from warwire.prediction.pipeline import predict_rows
from warwire.prediction.segment import segment
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


def _backbone(directory: Path) -> Path:
    """A 2-layer, 64-wide BERT: wider than conftest's so that a few seconds of training
    give scores that differ from sentence to sentence (int8 agreement is then a real
    test), with weights initialised wider (0.1) so it learns in few steps."""
    return build_tiny_bert(directory, hidden_size=64, initializer_range=0.1)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    """A tiny BERT trained with warwire for a few seconds; shared by this module's tests."""
    root = tmp_path_factory.mktemp("onnx")
    corpus = root / "corpus"
    corpus.mkdir()
    write_split(corpus / "train.jsonl", TRAIN_ROWS * 6, "tr")
    write_split(corpus / "dev.jsonl", DEV_ROWS, "dv")
    write_split(corpus / "test.jsonl", TEST_ROWS, "te")
    backbone = _backbone(root / "backbone")
    recipe = tiny_recipe_toml(root / "tiny.toml", backbone, corpus, epochs=8, batch_size=8, learning_rate=2e-3)
    train(load_recipe(recipe), root / "model")
    return root / "model"


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
    for classifier in both:
        before = classifier.truncated
        classifier.score(["Drones hit the depot.", "Sirens.", UNSEEN[-1]], batch_size=3)  # one batch, padded
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


class LengthScorer(ThresholdedPredictions):
    """A stand-in classifier whose scores are a function of each text alone, so a
    row's scores show whether it was matched back to the right sentence."""

    def __init__(self):
        self.info = type("Info", (), {"thresholds": {label: 0.5 for label in LABELS}})()
        self.truncated = 0
        self.calls = []

    def score(self, texts, batch_size=64, on_batch=None):
        self.calls.append(len(texts))
        scores = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        for indices in length_sorted_batches([len(text) for text in texts], batch_size):
            for i in indices:
                scores[i] = [(len(texts[i]) % 10) / 10, (texts[i].count("e") % 10) / 10, 0.0, 1.0]
            if on_batch is not None:
                on_batch(len(indices))
        return scores


def _articles(count: int):
    for n in range(count):
        sentences = [text for text, _ in ALL_ROWS[n % 7 : n % 7 + 1 + n % 4]]
        yield Article(f"art-{n}", " ".join(sentences), f"gen:{n}")


def test_streaming_keeps_order_across_chunks():
    scorer = LengthScorer()
    rows = list(predict_rows(scorer, _articles(25), batch_size=3, chunk_sentences=4))
    expected = [
        (article.article_id, index, span.text) for article in _articles(25) for index, span in enumerate(segment(article.text))
    ]
    assert [(r["article_id"], r["sentence_index"], r["text"]) for r in rows] == expected
    for row in rows:
        assert row["scores"]["attack_report"] == round((len(row["text"]) % 10) / 10, 4)
        assert row["scores"]["official_claim"] == round((row["text"].count("e") % 10) / 10, 4)
    assert len(scorer.calls) > 5 and max(scorer.calls) < 4 + 4  # many chunks, each about chunk_sentences


def test_streaming_reads_input_lazily():
    """Rows come out while the input is still being read: never all of it at once."""
    pulled = []

    def endless():
        n = 0
        while True:
            pulled.append(n)
            yield Article(f"a{n}", "Drones hit the depot. The army denied it.", f"gen:{n}")
            n += 1

    rows = predict_rows(LengthScorer(), endless(), chunk_sentences=10)
    first = [next(rows) for _ in range(3)]
    assert [r["article_id"] for r in first] == ["a0", "a0", "a1"]
    assert len(pulled) <= 6  # one chunk's worth of articles, not the (endless) input


def test_csv_input_is_read_line_by_line(tmp_path, monkeypatch):
    """A CSV is decoded as it is read, not loaded whole; UTF-16 and quoted line breaks still work."""
    from warwire.prediction.inputs import iter_articles

    def whole_file(*args, **kwargs):
        raise AssertionError("the CSV was read whole")

    monkeypatch.setattr(Path, "read_bytes", whole_file)
    monkeypatch.setattr(Path, "read_text", whole_file)
    table = 'id,text\na,"Drones hit the depot.\nThe army denied it."\nb,Sirens.\n'
    (tmp_path / "u8.csv").write_bytes(table.encode("utf-8-sig"))
    (tmp_path / "u16.csv").write_bytes(table.replace("a,", "c,").replace("b,", "d,").encode("utf-16"))
    (tmp_path / "latin.csv").write_bytes("id,text\ne,Le café.\n".encode("latin-1"))
    warnings = []
    articles = list(iter_articles([str(tmp_path / name) for name in ("u8.csv", "u16.csv", "latin.csv")], warnings.append))
    assert [(a.article_id, a.text) for a in articles] == [
        ("a", "Drones hit the depot.\nThe army denied it."),
        ("b", "Sirens."),
        ("c", "Drones hit the depot.\nThe army denied it."),
        ("d", "Sirens."),
        ("e", "Le café."),
    ]
    assert len(warnings) == 1 and "latin.csv:2" in warnings[0] and "Latin-1" in warnings[0]

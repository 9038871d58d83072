"""The streaming prediction pipeline: order kept across chunks, input read lazily."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import DEV_ROWS, TEST_ROWS, TRAIN_ROWS

from warwire.labels import LABELS
from warwire.modeling.batching import length_sorted_batches
from warwire.modeling.classifier import ThresholdedPredictions
from warwire.prediction.inputs import Article
from warwire.prediction.pipeline import predict_rows
from warwire.prediction.segment import segment

ALL_ROWS = TRAIN_ROWS + DEV_ROWS + TEST_ROWS


class LengthScorer(ThresholdedPredictions):
    """A stand-in classifier whose scores are a function of each text alone, so a
    row's scores show whether it was matched back to the right sentence."""

    def __init__(self):
        self.info = type("Info", (), {"thresholds": {label: 0.5 for label in LABELS}, "recipe": {}})()
        self.truncated = 0
        self.calls = []

    def score(self, texts, batch_size=64, on_batch=None, contexts=None):
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
    rows = list(predict_rows(scorer, _articles(25), batch_size=3, group_characters=200))
    expected = [
        (article.article_id, index, span.text) for article in _articles(25) for index, span in enumerate(segment(article.text))
    ]
    assert [(r["article_id"], r["sentence_index"], r["text"]) for r in rows] == expected
    for row in rows:
        assert row["scores"]["attack_report"] == round((len(row["text"]) % 10) / 10, 4)
        assert row["scores"]["official_claim"] == round((row["text"].count("e") % 10) / 10, 4)
    assert len(scorer.calls) > 5  # many groups, each scored on its own


def test_streaming_reads_input_lazily():
    """Rows come out while the input is still being read: never all of it at once."""
    pulled = []

    def endless():
        n = 0
        while True:
            pulled.append(n)
            yield Article(f"a{n}", "Drones hit the depot. The army denied it.", f"gen:{n}")
            n += 1

    rows = predict_rows(LengthScorer(), endless(), group_characters=100)  # 3 articles a group
    first = [next(rows) for _ in range(3)]
    assert [r["article_id"] for r in first] == ["a0", "a0", "a1"]
    # the group being scored, the one waiting in the prefetch queue and the one being read
    assert len(pulled) <= 9
    rows.close()


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


def test_groups_are_whole_articles_of_about_the_limit():
    from warwire.prediction.pipeline import article_groups

    articles = [Article(f"a{n}", "x" * (10 + n), "gen") for n in range(20)]
    groups = list(article_groups(articles, max_characters=50))
    assert [a for group in groups for a in group] == articles
    assert all(sum(len(a.text) for a in group) >= 50 for group in groups[:-1])
    assert all(sum(len(a.text) for a in group[:-1]) < 50 for group in groups)  # closed as soon as full


def test_prefetching_gives_the_same_rows_as_reading_in_turn():
    with_thread = list(predict_rows(LengthScorer(), _articles(30), group_characters=150, prefetch=True))
    in_turn = list(predict_rows(LengthScorer(), _articles(30), group_characters=150, prefetch=False))
    assert with_thread == in_turn and len(with_thread) > 30


def test_an_error_while_reading_surfaces_after_the_rows_before_it():
    from warwire.errors import WarwireError

    def failing():
        yield Article("a0", "Drones hit the depot.", "gen:0")
        raise WarwireError("input.jsonl:2: not a JSON object")

    rows = predict_rows(LengthScorer(), failing(), group_characters=1)
    assert next(rows)["article_id"] == "a0"
    with pytest.raises(WarwireError, match="input.jsonl:2"):
        next(rows)


def test_worker_processes_give_the_rows_of_one_process(tiny_model):
    from warwire.modeling.loader import load_classifier
    from warwire.prediction.pipeline import PredictStats, predict_rows_parallel

    articles = list(_articles(40))
    one_stats, many_stats = PredictStats(), PredictStats()
    one = list(predict_rows(load_classifier(tiny_model, backend="onnx"), articles, group_characters=300, stats=one_stats))
    classifier = load_classifier(tiny_model, backend="onnx")
    many = list(predict_rows_parallel(classifier, tiny_model, articles, 2, group_characters=300, stats=many_stats))
    assert len(one) >= 100 and many == one and many_stats == one_stats


def test_a_single_group_is_scored_without_starting_processes(tiny_model, monkeypatch):
    import concurrent.futures

    from warwire.modeling.loader import load_classifier
    from warwire.prediction.pipeline import predict_rows_parallel

    def no_pool(*args, **kwargs):
        raise AssertionError("a process pool was started for one group")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    classifier = load_classifier(tiny_model, backend="onnx")
    rows = list(predict_rows_parallel(classifier, tiny_model, list(_articles(3)), 2))
    assert [r["article_id"] for r in rows][:1] == ["art-0"] and len(rows) >= 3

"""Shared fixtures: a tiny labeled corpus, a tiny BERT backbone built on the spot and one
tiny model trained once per session, so the suite runs in minutes on 2 CPU cores.

The suite never reaches a network: internet sockets are refused for every test (a test
that starts a local server marks itself ``@pytest.mark.local_server``).
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

_INTERNET = (socket.AF_INET, socket.AF_INET6)
_real_connect = socket.socket.connect


class NetworkBlocked(RuntimeError):
    """Raised by any attempt of a test to open an internet connection."""


def _guarded_connect(self, address):
    if self.family in _INTERNET:
        raise NetworkBlocked(f"the test suite is offline: connection to {address!r} refused")
    return _real_connect(self, address)


def pytest_configure(config):
    config.addinivalue_line("markers", "local_server: the test talks to a server it started on localhost")


@pytest.fixture(autouse=True)
def no_network(request, monkeypatch):
    """Refuse internet connections in every test but those marked local_server."""
    if request.node.get_closest_marker("local_server") is None:
        monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
        monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect)


# (text, labels): enough signal per label for a tiny model to learn something.
TRAIN_ROWS = [
    ("Two drones hit an oil depot overnight, the governor said.", ["attack_report", "official_claim"]),
    ("A missile struck the market, killing four civilians.", ["attack_report", "casualty_statement"]),
    ("The ministry denied shelling the village.", ["denial"]),
    ("The army rejected claims that its troops fired on the convoy.", ["denial"]),
    ("Medics said 12 people were wounded.", ["casualty_statement"]),
    ("The talks will resume in Geneva next month.", []),
    ("Sirens sounded across the region for hours.", []),
    ("Rebels shelled the camp at dawn, officials said.", ["attack_report", "official_claim"]),
    ("The police said three officers were killed in the ambush.", ["attack_report", "official_claim", "casualty_statement"]),
    ("The spokesman dismissed the video as fake.", ["denial"]),
    ("Leave a Reply", []),
    ("The minister said the strike killed nine soldiers.", ["attack_report", "official_claim", "casualty_statement"]),
]
DEV_ROWS = [
    ("A drone hit a fuel depot, the governor said.", ["attack_report", "official_claim"]),
    ("The ministry denied the report.", ["denial"]),
    ("Five people were killed.", ["casualty_statement"]),
    ("The match was postponed.", []),
    ("The army said a shell struck the school.", ["attack_report", "official_claim"]),
    ("Officials dismissed the claims as fake.", ["denial"]),
]
TEST_ROWS = [
    ("A missile hit the port, the army said.", ["attack_report", "official_claim"]),
    ("The militia denied the attack.", ["denial"]),
    ("Seven soldiers were wounded.", ["casualty_statement"]),
    ("Share this article", []),
    ("Drones struck the depot, killing two guards, police said.", ["attack_report", "official_claim", "casualty_statement"]),
    ("The embassy rejected the accusation.", ["denial"]),
]


def write_split(path: Path, rows, prefix: str, per_article: int = 3) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i, (text, labels) in enumerate(rows):
            record = {
                "id": f"{prefix}-{i}",
                "article_id": f"{prefix}-a{i // per_article}",
                "text": text,
                "labels": labels,
                "conflict": "Testland" if i % 2 else "Otherland",
            }
            handle.write(json.dumps(record) + "\n")
    return path


@pytest.fixture()
def corpus_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "corpus"
    directory.mkdir()
    write_split(directory / "train.jsonl", TRAIN_ROWS, "tr")
    write_split(directory / "dev.jsonl", DEV_ROWS, "dv")
    write_split(directory / "test.jsonl", TEST_ROWS, "te")
    return directory


def _vocabulary() -> list[str]:
    words = set()
    for text, _ in TRAIN_ROWS + DEV_ROWS + TEST_ROWS:
        for word in text.lower().replace(",", " ").replace(".", " ").split():
            words.add(word)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    return specials + sorted(words) + list("abcdefghijklmnopqrstuvwxyz0123456789.,'\"-")


def build_tiny_bert(directory: Path, hidden_size: int = 32, initializer_range: float = 0.02) -> Path:
    """Save a 2-layer BERT with a word-level vocabulary as a local HF folder."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    vocabulary = _vocabulary()
    tokenizer = BertTokenizer(vocab={token: i for i, token in enumerate(vocabulary)})
    config = BertConfig(
        vocab_size=len(vocabulary),
        hidden_size=hidden_size,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=2 * hidden_size,
        max_position_embeddings=64,
        initializer_range=initializer_range,
    )
    torch.manual_seed(0)
    BertModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_backbone(tmp_path_factory) -> Path:
    """A 2-layer, 32-wide BERT, saved as a local HF folder."""
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


def tiny_recipe_toml(path: Path, backbone: Path, corpus: Path, **overrides) -> Path:
    values = {
        "kind": "transformer",
        "backbone": str(backbone),
        "train_file": str(corpus / "train.jsonl"),
        "dev_file": str(corpus / "dev.jsonl"),
        "epochs": 3,
        "learning_rate": 1e-3,
        "batch_size": 4,
        "max_length": 32,
        "seed": 7,
    }
    values.update(overrides)
    lines = [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def tiny_recipe(tmp_path, tiny_backbone, corpus_dir) -> Path:
    return tiny_recipe_toml(tmp_path / "tiny.toml", tiny_backbone, corpus_dir)


@pytest.fixture()
def tfidf_recipe(tmp_path, corpus_dir) -> Path:
    path = tmp_path / "tfidf.toml"
    path.write_text(
        f'kind = "tfidf"\ntrain_file = "{corpus_dir / "train.jsonl"}"\ndev_file = "{corpus_dir / "dev.jsonl"}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A tiny BERT trained with warwire for a few seconds, once for the whole session.

    64 wide with weights initialised wider (0.1), so a few seconds of training give
    scores that differ from sentence to sentence (agreement tests are then real tests).
    Tests must not modify it, except for its ONNX cache, which is part of the model dir.
    """
    from warwire.config import load_recipe
    from warwire.training.run import train

    root = tmp_path_factory.mktemp("tiny-model")
    corpus = root / "corpus"
    corpus.mkdir()
    write_split(corpus / "train.jsonl", TRAIN_ROWS * 6, "tr")
    write_split(corpus / "dev.jsonl", DEV_ROWS, "dv")
    write_split(corpus / "test.jsonl", TEST_ROWS, "te")
    backbone = build_tiny_bert(root / "backbone", hidden_size=64, initializer_range=0.1)
    # Random order (not length-grouped): the int8 agreement test is calibrated on this model.
    recipe = tiny_recipe_toml(
        root / "tiny.toml", backbone, corpus, epochs=8, batch_size=8, learning_rate=2e-3, group_by_length=False
    )
    train(load_recipe(recipe), root / "model")
    return root / "model"


@pytest.fixture
def csv_default_field_limit():
    """The csv module's own field limit for one test: the limit is process-wide, so a test
    of raising it must not pass because an earlier test raised it already."""
    import csv

    before = csv.field_size_limit(131072)
    yield
    csv.field_size_limit(before)

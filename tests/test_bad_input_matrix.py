"""Every bad input gives one line naming the file, line or record, exit status 2, no
traceback and no partial output."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warwire.cli import app

runner = CliRunner()


@pytest.fixture()
def model(tiny_model) -> Path:
    """The session's tiny transformer model dir (tests here copy it before breaking it)."""
    return tiny_model


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


PREDICT_INPUTS = [
    ("empty.txt", b"", ["empty.txt", "empty file"]),
    ("empty.jsonl", b"", ["empty.jsonl", "empty file"]),
    ("binary.txt", bytes(range(256)) * 4, ["binary.txt", "binary file"]),
    ("bad.jsonl", b'{"id": "a", "text": "Fine."}\n{"id": "b", "text": \n', ["bad.jsonl:2", "malformed JSON"]),
    ("nostr.jsonl", b'{"id": "a", "text": ["x"]}\n', ["nostr.jsonl:1", "'text' must be a string"]),
    ("noid.csv", b"title,text\nx,Some text.\n", ["noid.csv", "lacks column", "'id'"]),
    ("notext.csv", b"id,body\nx,Some text.\n", ["notext.csv", "'text'"]),
    ("dups.jsonl", b'{"id": "a", "text": "One."}\n{"id": "a", "text": "Two."}\n', ["dups.jsonl:2", "duplicate article id 'a'"]),
]


@pytest.mark.parametrize("name, content, fragments", PREDICT_INPUTS, ids=[p[0] for p in PREDICT_INPUTS])
def test_predict_bad_inputs(model, tmp_path, name, content, fragments):
    (tmp_path / name).write_bytes(content)
    out = tmp_path / "out.jsonl"
    assert_one_line_error(run("predict", model, "--backend", "torch", tmp_path / name, "--output", out), *fragments)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no output, no temp file


def test_predict_output_paths(model, tmp_path):
    article = tmp_path / "a.jsonl"
    article.write_text(json.dumps({"id": "a", "text": "A drone hit the depot."}) + "\n", encoding="utf-8")
    assert_one_line_error(
        run("predict", model, "--backend", "torch", article, "--output", tmp_path / "nodir" / "o.jsonl"),
        "nodir",
        "does not exist",
    )
    assert_one_line_error(run("predict", model, "--backend", "torch", article, "--output", article), "a.jsonl", "also an input")
    assert json.loads(article.read_text())["id"] == "a"  # the input is untouched


def test_predict_decodes_latin1_and_utf16(model, tmp_path):
    (tmp_path / "latin.txt").write_bytes("Le café a été frappé par un drone.".encode("latin-1"))
    (tmp_path / "utf16.txt").write_bytes("Kyiv – the strike hit at dawn.".encode("utf-16"))
    out = tmp_path / "out.jsonl"
    result = run("predict", model, "--backend", "torch", tmp_path / "latin.txt", tmp_path / "utf16.txt", "--output", out)
    assert result.exit_code == 0, result.output
    assert "latin.txt: not valid UTF-8" in result.output and "Latin-1" in result.output
    texts = [json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert texts == ["Le café a été frappé par un drone.", "Kyiv – the strike hit at dawn."]


def test_overlong_sentences_are_reported_as_truncated(model, tmp_path):
    (tmp_path / "long.txt").write_text("The drone " * 100 + "hit the depot.", encoding="utf-8")
    result = run("predict", model, "--backend", "torch", tmp_path / "long.txt", "--output", tmp_path / "o.jsonl")
    assert result.exit_code == 0, result.output
    assert "1 sentence(s) reached the model's token limit and were truncated" in result.output


def test_a_5mb_article_on_one_line(tmp_path, tfidf_recipe):
    model_dir = tmp_path / "tfidf"
    assert run("train", "--config", tfidf_recipe, "--output", model_dir).exit_code == 0
    (tmp_path / "huge.txt").write_text("Shelling hit the town, the army said. " * 140_000, encoding="utf-8")
    assert (tmp_path / "huge.txt").stat().st_size > 5_000_000
    result = run("predict", model_dir, "--backend", "torch", tmp_path / "huge.txt", "--output", tmp_path / "o.csv")
    assert result.exit_code == 0, result.output
    assert "140000 sentences from 1 articles" in result.output


TRAIN_DATA = [
    ('{"id": "x", "article_id": "a", "text": "Hi.", "labels": ["threat"]}', ["train.jsonl:13", "unknown label", "threat"]),
    ('{"id": "x", "article_id": "a", "text": "Hi.", "labels": "denial"}', ["train.jsonl:13", "'labels' must be a list"]),
]


@pytest.mark.parametrize("bad_line, fragments", TRAIN_DATA)
def test_train_bad_data(tmp_path, tfidf_recipe, corpus_dir, bad_line, fragments):
    with (corpus_dir / "train.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(bad_line + "\n")
    assert_one_line_error(run("train", "--config", tfidf_recipe, "--output", tmp_path / "m"), *fragments)
    assert not (tmp_path / "m").exists()


def test_train_empty_split(tmp_path, tfidf_recipe, corpus_dir):
    (corpus_dir / "dev.jsonl").write_text("", encoding="utf-8")
    assert_one_line_error(run("train", "--config", tfidf_recipe, "--output", tmp_path / "m"), "dev.jsonl", "no examples")


@pytest.mark.parametrize(
    "extra, fragments",
    [
        ("learning_rat = 0.1", ["unknown key", "learning_rat"]),
        ('c = "many"', ["'c' must be float"]),
        ("epochs = 3", ["unknown key", "'epochs'", "tfidf recipe"]),  # a tfidf recipe has no epochs
        ("c = -1.0", ["'c' must be > 0"]),
    ],
)
def test_train_bad_recipe(tmp_path, tfidf_recipe, extra, fragments):
    with tfidf_recipe.open("a", encoding="utf-8") as handle:
        handle.write(extra + "\n")
    assert_one_line_error(run("train", "--config", tfidf_recipe, "--output", tmp_path / "m"), str(tfidf_recipe), *fragments)


def test_broken_model_dirs(model, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(model, broken)
    (broken / "model.safetensors").write_bytes(b"\x00" * 100)
    assert_one_line_error(run("predict", broken, "--backend", "torch", "-"), "broken", "cannot load model")
    (broken / "model.safetensors").unlink()
    assert_one_line_error(run("predict", broken, "--backend", "torch", "-"), "missing weights file")

    mismatched = tmp_path / "mismatched"
    shutil.copytree(model, mismatched)
    config = json.loads((mismatched / "config.json").read_text())
    config["id2label"] = {"0": "attack_report", "1": "official_claim", "2": "denial", "3": "threat"}
    (mismatched / "config.json").write_text(json.dumps(config))
    assert_one_line_error(run("predict", mismatched, "--backend", "torch", "-"), "mismatched", "do not match")


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("config.json", "missing config.json"),
        ("tokenizer.json", "missing tokenizer.json or vocab.txt"),
        ("tokenizer_config.json", "missing tokenizer_config.json"),
        ("warwire.json", "not a warwire model dir"),
    ],
)
def test_a_model_dir_missing_a_file_is_one_line(model, tmp_path, name, fragment):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(model, broken)
    (broken / name).unlink()
    for command in (("predict", broken, "-"), ("evaluate", broken), ("export", broken)):
        assert_one_line_error(run(*command), "broken", fragment)


@pytest.mark.parametrize("name", ["config.json", "tokenizer.json", "warwire.json"])
def test_a_model_dir_with_a_corrupt_file_is_one_line(model, tmp_path, name):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(model, broken)
    (broken / name).write_text("garbage{")
    assert_one_line_error(run("predict", broken, "--backend", "torch", "-"), "broken")

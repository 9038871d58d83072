"""The CLI end to end: train -> evaluate -> predict with a tiny BERT, and its error contract."""

import json

import pytest
from typer.testing import CliRunner

from warwire.cli import app
from warwire.labels import LABELS

runner = CliRunner()

ARTICLE = (
    "Drone strike hits depot\n\n"
    "KYIV, June 3 - Two drones hit an oil depot overnight, the governor said. "
    'The ministry denied shelling the village. "Five people were killed," police said.\n'
    "Share this article\n"
)


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_train_evaluate_predict(tmp_path, tiny_recipe, corpus_dir):
    model = tmp_path / "models" / "tiny"
    result = invoke("train", "--config", tiny_recipe, "--output", model)
    assert result.exit_code == 0, result.output
    assert "dev macro-F1" in result.output and str(model) in result.output

    report = tmp_path / "report"
    result = invoke("evaluate", model, "--backend", "torch", "--data", corpus_dir / "test.jsonl", "--report-dir", report)
    assert result.exit_code == 0, result.output
    metrics = json.loads((report / "metrics.json").read_text())
    assert {"macro_f1", "micro_f1", "exact_match", "per_label"} <= set(metrics)
    assert set(metrics["per_label"]) == set(LABELS)
    assert set(metrics["per_label"]["denial"]) >= {"precision", "recall", "f1", "support"}
    assert "| **macro** |" in (report / "report.md").read_text()

    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = invoke("predict", model, "--backend", "torch", tmp_path / "a.txt", "--output", out)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["sentence_index"] for r in rows] == list(range(len(rows))) and len(rows) == 5
    for row in rows:
        assert ARTICLE[row["start"] : row["end"]] == row["text"]
        assert set(row["scores"]) == set(LABELS) and set(row["labels"]) <= set(LABELS)
        assert row["article_id"] == "a"

    result = invoke("predict", model, "--backend", "torch", "-", input="A missile hit the port. The army denied it.")
    assert result.exit_code == 0
    assert [json.loads(line)["article_id"] for line in result.stdout.splitlines()] == ["stdin", "stdin"]


def test_max_steps_and_overwrite_flags(tmp_path, tiny_recipe):
    model = tmp_path / "m"
    assert (
        invoke("train", "--config", tiny_recipe, "--output", model, "--max-steps", "2", "--max-train-samples", "6").exit_code == 0
    )
    info = json.loads((model / "warwire.json").read_text())
    assert info["training"]["steps"] == 2 and info["data"]["train"]["sentences"] == 6
    result = invoke("train", "--config", tiny_recipe, "--output", model, "--max-steps", "1")
    assert result.exit_code == 2 and "--overwrite" in result.output
    assert invoke("train", "--config", tiny_recipe, "--output", model, "--max-steps", "1", "--overwrite").exit_code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--config", "missing.toml"], "missing.toml: no such recipe file"),
        (["evaluate", "no-model-here"], "no-model-here: no such model dir"),
        (["data", "check", "no-corpus"], "no-corpus: no such corpus directory"),
    ],
)
def test_errors_are_one_line_exit_2(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {message}"


def test_data_check_prints_counts(corpus_dir):
    result = invoke("data", "check", corpus_dir)
    assert result.exit_code == 0, result.output
    assert "train" in result.output and "denial" in result.output and "ok: no problems" in result.output


def test_data_check_reads_the_unlabeled_articles_beside_the_corpus(corpus_dir):
    unlabeled = corpus_dir.parent / "unlabeled"
    unlabeled.mkdir()
    (unlabeled / "u-001.txt").write_text("Port hit\nOfficials spoke. A missile hit the port, the army said.\n", encoding="utf-8")
    result = invoke("data", "check", corpus_dir)
    assert result.exit_code == 2
    assert "problem: test sentence 'te-0'" in result.output and "1 problem(s) found" in result.output
    other = corpus_dir.parent / "elsewhere.txt"
    other.write_text("Nothing here repeats a corpus sentence at all.\n", encoding="utf-8")
    result = invoke("data", "check", corpus_dir, "--unlabeled", other)
    assert result.exit_code == 0, result.output

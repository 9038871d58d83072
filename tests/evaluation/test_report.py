"""`warwire evaluate` end to end with a TF-IDF model: the report dir's files, the
metrics.json contract, and a golden pattern for report.md's structure."""

import json
import re

import pytest
from conftest import DEV_ROWS, TEST_ROWS
from typer.testing import CliRunner

from warwire.cli import app
from warwire.evaluation import evaluate as evaluate_module
from warwire.evaluation.report import reproduce_command
from warwire.labels import LABELS

runner = CliRunner()

# report.md's sections, in this order (the golden pattern; change it deliberately).
SECTIONS = [
    "## Headline",
    "## Per label",
    "## Precision-recall curves",
    "## Calibration",
    "## Label co-occurrence",
    "## Slices",
    "### By `conflict`",
    "### By `register`",
    "## Most confident errors",
    *[f"### {label}" for label in LABELS],
    "## Reproduce",
]
CI = r"\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]"  # value [low, high]
LABEL_ROW = re.compile(rf"^\| (\w+) \| \d\.\d\d \| {CI} \| {CI} \| {CI} \| \d+ \| {CI} \| \d\.\d{{3}} \|$")


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def write_eval_data(path, rows=DEV_ROWS + TEST_ROWS):
    """12 sentences in 6 articles of 2, with conflict (3 values), register (2) and
    outlet (one per article: too fine to slice by)."""
    with path.open("w", encoding="utf-8") as handle:
        for i, (text, labels) in enumerate(rows):
            article = i // 2
            record = {
                "id": f"ev-{i}",
                "article_id": f"ev-a{article}",
                "text": text,
                "labels": labels,
                "conflict": ["Testland", "Otherland", "Farland"][article % 3],
                "register": ["wire", "live-blog"][article % 2],
                "outlet": f"Outlet {article}",
            }
            handle.write(json.dumps(record) + "\n")
    return path


@pytest.fixture()
def tfidf_model(tmp_path, tfidf_recipe):
    model = tmp_path / "models" / "tfidf"
    result = invoke("train", "--config", tfidf_recipe, "--output", model)
    assert result.exit_code == 0, result.output
    return model


@pytest.fixture()
def eval_data(tmp_path):
    return write_eval_data(tmp_path / "eval.jsonl")


def test_evaluate_writes_the_report_dir(tmp_path, tfidf_model, eval_data):
    report = tmp_path / "report"
    result = invoke("evaluate", tfidf_model, "--data", eval_data, "--report-dir", report, "--bootstrap", 300, "--seed", 4)
    assert result.exit_code == 0, result.output
    assert "| **macro** |" in result.stdout and "300 resamples, seed 4" in result.stdout
    assert sorted(p.name for p in report.iterdir()) == [
        "metrics.json",
        "pr_curves.png",
        "predictions.jsonl",
        "reliability.png",
        "report.md",
    ]
    for png in ("pr_curves.png", "reliability.png"):
        assert (report / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    metrics = json.loads((report / "metrics.json").read_text())
    for key in ("macro_f1", "micro_f1", "exact_match"):  # the metrics.json contract: plain floats
        assert isinstance(metrics[key], float)
        low, high = metrics[f"{key}_ci"]
        assert low <= metrics[key] <= high
    for label in LABELS:
        assert {"precision", "recall", "f1", "support"} <= set(metrics["per_label"][label])
        assert isinstance(metrics["per_label"][label]["f1"], float)
    assert metrics["bootstrap"] == {
        "resamples": 300,
        "seed": 4,
        "level": 0.95,
        "unit": "article",
        "method": "percentile",
        "min_articles": 5,
    }
    assert metrics["articles"] == 6 and metrics["sentences"] == 12
    assert list(metrics["slices"]) == ["conflict", "register"]  # outlet: one article per value
    assert metrics["model"] == {"path": str(tfidf_model), "kind": "tfidf", "backend": "tfidf"}
    assert len(metrics["data"]["sha256"]) == 64

    predictions = [json.loads(line) for line in (report / "predictions.jsonl").read_text().splitlines()]
    assert [p["id"] for p in predictions] == [f"ev-{i}" for i in range(12)]
    assert set(predictions[0]) == {"id", "article_id", "gold", "predicted", "scores"}
    assert predictions[0]["gold"] == DEV_ROWS[0][1]

    # Deterministic: the same seed gives the same report.
    again = tmp_path / "again"
    assert (
        invoke("evaluate", tfidf_model, "--data", eval_data, "--report-dir", again, "--bootstrap", 300, "--seed", 4).exit_code
        == 0
    )
    assert json.loads((again / "metrics.json").read_text()) == metrics


def test_report_markdown_golden_pattern(tmp_path, tfidf_model, eval_data):
    report = tmp_path / "report"
    assert invoke("evaluate", tfidf_model, "--data", eval_data, "--report-dir", report, "--bootstrap", 200).exit_code == 0
    text = (report / "report.md").read_text()
    lines = text.splitlines()
    assert lines[0] == f"# Evaluation of `{tfidf_model}`"
    headings = [line for line in lines if line.startswith("## ") or line.startswith("### ")]
    assert headings == SECTIONS

    label_rows = [LABEL_ROW.match(line) for line in lines]
    assert [m.group(1) for m in label_rows if m] == list(LABELS)  # one row per label, in order
    assert re.search(rf"^\| \*\*macro\*\* \| \| \| \| \*\*{CI}\*\* \| \| \| \|$", text, re.M)
    assert re.search(r"^\| \*\*macro-F1\*\* \(headline.*\| \*\*\d\.\d{3}\*\* \| \d\.\d{3} – \d\.\d{3} \|$", text, re.M)
    assert "![Precision-recall curve per label, the decision threshold marked](pr_curves.png)" in lines
    assert "![Reliability diagram](reliability.png)" in lines
    assert "200 resamples, seed 0" in text
    cooccurrence_header = "| gold \\ predicted | " + " | ".join(LABELS) + " | none |"
    assert lines.count(cooccurrence_header) == 2
    assert sum(line.startswith("| Testland |") for line in lines) == 1
    assert lines.count("False positives (predicted, not gold):") == len(LABELS)
    assert (
        f"warwire evaluate {tfidf_model} --data {eval_data} --report-dir {report} --bootstrap 200 --seed 0 "
        "--slice-by conflict --slice-by register --top-errors 5"
    ) in lines


def test_reproduce_names_every_option_that_shaped_the_report():
    metrics = {
        "data": {"path": "data/my test.jsonl", "sha256": "0" * 64},
        "bootstrap": {"resamples": 300, "seed": 7},
        "model": {"path": "models/minilm", "kind": "transformer", "backend": "onnx"},
        "slices": {"outlet": {}},
        "top_errors": 2,
    }
    assert reproduce_command(metrics, "models/minilm", "eval/minilm") == (
        "warwire evaluate models/minilm --data 'data/my test.jsonl' --report-dir eval/minilm --bootstrap 300 --seed 7 "
        "--backend onnx --slice-by outlet --top-errors 2"
    )


def test_a_report_dir_that_is_a_file_is_refused_before_the_model_is_loaded(tmp_path, eval_data):
    taken = tmp_path / "taken"
    taken.write_text("not a dir")
    # The model dir does not exist: had it been loaded (or scored) first, that would be the error.
    result = invoke("evaluate", tmp_path / "no-model", "--data", eval_data, "--report-dir", taken)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {taken}: exists and is not a directory"]


def test_report_without_enough_articles_says_so(tmp_path, tfidf_model, corpus_dir):
    report = tmp_path / "report"
    assert invoke("evaluate", tfidf_model, "--data", corpus_dir / "test.jsonl", "--report-dir", report).exit_code == 0
    metrics = json.loads((report / "metrics.json").read_text())
    assert metrics["articles"] == 2 and metrics["macro_f1_ci"] is None
    assert "Intervals**: none: 2 article(s)" in (report / "report.md").read_text()


def test_failed_report_leaves_the_previous_one_untouched(tmp_path, tfidf_model, eval_data, monkeypatch):
    report = tmp_path / "report"
    assert invoke("evaluate", tfidf_model, "--data", eval_data, "--report-dir", report, "--bootstrap", 50).exit_code == 0
    before = {p.name: p.read_bytes() for p in report.iterdir()}

    def broken_write(path_self, content):
        raise KeyboardInterrupt  # interrupted while the new files are being written

    original = evaluate_module.Path.write_bytes
    calls = []

    def write_some_then_fail(path_self, content):
        calls.append(path_self)
        if len(calls) == 3:
            broken_write(path_self, content)
        return original(path_self, content)

    monkeypatch.setattr(evaluate_module.Path, "write_bytes", write_some_then_fail)
    result = invoke("evaluate", tfidf_model, "--data", eval_data, "--report-dir", report, "--bootstrap", 60)
    assert result.exit_code == 130
    assert {p.name: p.read_bytes() for p in report.iterdir()} == before  # no partial file, nothing replaced


def test_evaluate_rejects_an_unknown_slice_key(tmp_path, tfidf_model, eval_data):
    result = invoke("evaluate", tfidf_model, "--data", eval_data, "--report-dir", tmp_path / "r", "--slice-by", "nope")
    assert result.exit_code == 2
    assert result.output.strip() == "error: --slice-by 'nope': no record has this key"
    result = invoke("evaluate", tfidf_model, "--data", eval_data, "--report-dir", tmp_path / "r", "--slice-by", "outlet")
    assert result.exit_code == 0
    assert list(json.loads((tmp_path / "r" / "metrics.json").read_text())["slices"]) == ["outlet"]

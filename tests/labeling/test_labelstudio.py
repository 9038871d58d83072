"""Label Studio round trip without the server: config, task selection, export import."""

import json
import xml.etree.ElementTree as ElementTree

import pytest
from typer.testing import CliRunner

from warwire.cli import app
from warwire.errors import WarwireError
from warwire.labeling.labelstudio import label_config, read_export, resolve, spread_by_article, tasks
from warwire.labels import LABELS

THRESHOLDS = {label: 0.5 for label in LABELS}


def row(article, index, scores, labels=()):
    return {
        "article_id": article,
        "sentence_index": index,
        "text": f"{article} sentence {index}.",
        "scores": dict(zip(LABELS, scores)),
        "labels": list(labels),
    }


def test_config_is_xml_with_four_multiple_choices_and_hotkeys():
    root = ElementTree.fromstring(label_config())
    choices = root.find("Choices")
    assert choices.get("choice") == "multiple" and choices.get("toName") == "text"
    assert [c.get("value") for c in choices] == list(LABELS)
    assert [c.get("hotkey") for c in choices] == ["1", "2", "3", "4"]
    assert {t.get("value") for t in root.findall("Text")} == {"$text", "$context"}


def test_uncertain_tasks_are_nearest_a_threshold_and_spread_across_articles():
    rows = [
        row("a", 0, [0.51, 0.0, 0.0, 0.0]),  # 0.01 from a threshold
        row("a", 1, [0.52, 0.0, 0.0, 0.0]),
        row("a", 2, [0.53, 0.0, 0.0, 0.0]),
        row("b", 0, [0.9, 0.1, 0.0, 0.0], ["attack_report"]),  # sure
        row("b", 1, [0.6, 0.0, 0.0, 0.0], ["attack_report"]),
    ]
    chosen = tasks(rows, THRESHOLDS, "m", select="uncertain", limit=3)
    picked = [(t["data"]["article_id"], t["data"]["sentence_index"]) for t in chosen]
    assert picked == [("a", 0), ("b", 1), ("a", 1)]  # b's best comes before a's second
    assert chosen[1]["predictions"][0]["result"][0]["value"]["choices"] == ["attack_report"]
    assert chosen[1]["data"]["context"] == "b sentence 0."
    assert spread_by_article([0, 1, 2], ["x", "x", "y"]) == [0, 2, 1]
    assert len(tasks(rows, THRESHOLDS, "m", select="all")) == 5


def test_annotators_are_resolved_by_half_and_cancelled_ones_skipped(tmp_path):
    def annotation(choices, cancelled=False):
        result = [{"from_name": "labels", "to_name": "text", "type": "choices", "value": {"choices": choices}}]
        return {"result": result, "was_cancelled": cancelled}

    export = [
        {
            "data": {"text": "A drone hit the depot.", "context": "", "article_id": "a", "sentence_index": 1},
            "annotations": [annotation(["attack_report"]), annotation(["attack_report", "denial"]), annotation(["denial"], True)],
        },
        {"data": {"text": "Share this", "context": "", "article_id": "a", "sentence_index": 0}, "annotations": []},
        {"data": {"text": "Five died.", "context": "", "article_id": "b", "sentence_index": 0}, "annotations": [annotation([])]},
    ]
    (tmp_path / "export.json").write_text(json.dumps(export))
    records, skipped = read_export(tmp_path / "export.json")
    assert [r["labels"] for r in records] == [["attack_report", "denial"], []]  # denial: 1 of 2 is half
    assert records[0]["id"] == "a-s001" and skipped == {"cancelled": 1, "unannotated": 1}
    assert resolve([["denial"], [], []]) == []


@pytest.mark.parametrize(
    "content, message",
    [("{", "not a Label Studio JSON export"), ('{"a": 1}', "expected a list"), ('[{"data": {"text": "x"}}]', "task 1: 'data'")],
)
def test_malformed_exports_are_one_line(tmp_path, content, message):
    (tmp_path / "e.json").write_text(content)
    with pytest.raises(WarwireError, match=message):
        read_export(tmp_path / "e.json")


def test_cli_export_then_import_round_trips(tmp_path, tiny_model):
    runner = CliRunner()
    (tmp_path / "a.txt").write_text("A drone hit the depot. The ministry denied it.\nShare this article\n")
    out = tmp_path / "tasks.json"
    result = runner.invoke(
        app,
        [
            "label",
            "export",
            str(tiny_model),
            str(tmp_path / "a.txt"),
            "--output",
            str(out),
            "--select",
            "all",
            "--backend",
            "torch",
        ],
    )
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text())
    assert [t["data"]["sentence_index"] for t in exported] == [0, 1, 2]
    for task in exported:  # an annotator accepts the model's pre-annotation
        task["annotations"] = [{"result": task["predictions"][0]["result"], "was_cancelled": False}]
    (tmp_path / "ls-export.json").write_text(json.dumps(exported))
    result = runner.invoke(app, ["label", "import", str(tmp_path / "ls-export.json"), "--output", str(tmp_path / "mine.jsonl")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "mine.jsonl").read_text().splitlines()]
    assert [r["text"] for r in rows] == [t["data"]["text"] for t in exported]
    expected = [t["predictions"][0]["result"][0]["value"]["choices"] if t["predictions"][0]["result"] else [] for t in exported]
    assert [r["labels"] for r in rows] == expected
    result = runner.invoke(
        app, ["label", "export", str(tiny_model), str(tmp_path / "a.txt"), "--output", str(tmp_path / "t.csv")]
    )
    assert result.exit_code == 2 and "must end in .json" in result.output

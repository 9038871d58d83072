"""One row per article from prediction rows, from predict --summary and summarize alike."""

import csv
import json

from typer.testing import CliRunner

from warwire.cli import app
from warwire.prediction.summary import summarize_rows, tee_summaries


def row(article, index, labels, killed=None, injured=None, text="x"):
    return {"article_id": article, "sentence_index": index, "labels": labels, "killed": killed, "injured": injured, "text": text}


ROWS = [
    row("a", 0, ["attack_report", "casualty_statement"], killed=4),
    row("a", 1, ["official_claim", "casualty_statement"], killed=6, injured=12),
    row("a", 2, ["denial"]),
    row("a", 3, ["casualty_statement"], killed=4),
    row("b", 0, []),
]


def test_summary_lists_sentences_and_distinct_figures():
    a, b = list(summarize_rows(ROWS))
    assert a["reports_attack"] and a["attack_sentences"] == [0] and a["denial_sentences"] == [2]
    assert a["casualty_sentences"] == [0, 1, 3] and a["claim_sentences"] == [1]
    assert a["killed"] == [{"figure": 4, "sentence_index": 0}, {"figure": 6, "sentence_index": 1}]
    assert (a["killed_min"], a["killed_max"], a["injured_min"], a["injured_max"]) == (4, 6, 12, 12)
    assert not b["reports_attack"] and b["killed"] == [] and b["killed_min"] is None


def test_tee_passes_rows_through_and_emits_the_same_summaries():
    emitted = []
    assert list(tee_summaries(ROWS, emitted.append)) == ROWS
    assert emitted == list(summarize_rows(ROWS))


def test_summarize_reads_jsonl_and_csv_predictions(tmp_path):
    runner = CliRunner()
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    result = runner.invoke(app, ["summarize", str(predictions), "--output", str(tmp_path / "s.csv")])
    assert result.exit_code == 0, result.output
    with (tmp_path / "s.csv").open(newline="") as handle:
        first = next(csv.DictReader(handle))
    assert first["casualty_sentences"] == "0;1;3" and first["killed_max"] == "6"
    assert json.loads(first["killed"])[1] == {"figure": 6, "sentence_index": 1}
    # rows without figures (an older output): read from the text of casualty sentences
    (tmp_path / "old.jsonl").write_text(
        json.dumps({"article_id": "c", "sentence_index": 0, "labels": ["casualty_statement"], "text": "Nine people died."}) + "\n"
    )
    result = runner.invoke(app, ["summarize", str(tmp_path / "old.jsonl")])
    assert json.loads(result.stdout)["killed"] == [{"figure": 9, "sentence_index": 0}]


def test_summarize_errors_are_one_line(tmp_path):
    runner = CliRunner()
    (tmp_path / "bad.jsonl").write_text('{"article_id": "a"}\n')
    result = runner.invoke(app, ["summarize", str(tmp_path / "bad.jsonl")])
    assert result.exit_code == 2 and "bad.jsonl:1: not a prediction row" in result.output
    (tmp_path / "empty.jsonl").write_text("")
    result = runner.invoke(app, ["summarize", str(tmp_path / "empty.jsonl"), "--output", str(tmp_path / "s.jsonl")])
    assert result.exit_code == 2 and "no prediction rows" in result.output and not (tmp_path / "s.jsonl").exists()


def test_summarize_and_show_name_a_file_that_is_not_utf8(tmp_path):
    bad = tmp_path / "latin.jsonl"
    bad.write_bytes(json.dumps(row("a", 0, [], text="café"), ensure_ascii=False).encode("latin-1") + b"\n")
    for args in (["summarize", str(bad)], ["show", str(bad), "--output", str(tmp_path / "v.html")]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        assert result.output.strip().splitlines() == [
            f"error: {bad}: not UTF-8 text (invalid continuation byte); `warwire predict` writes UTF-8"
        ]


def test_a_figure_that_is_not_a_number_is_one_line(tmp_path):
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(json.dumps(row("a", 0, ["casualty_statement"], killed="many")) + "\n")
    result = CliRunner().invoke(app, ["summarize", str(predictions)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {predictions}:1: 'killed' must be a whole number or empty, got 'many'"]
    for value in (2.7, True):
        predictions.write_text(json.dumps(row("a", 0, ["casualty_statement"], killed=value)) + "\n")
        result = CliRunner().invoke(app, ["summarize", str(predictions)])
        assert result.exit_code == 2 and "'killed' must be a whole number" in result.output


def test_a_csv_of_predictions_reads_cells_longer_than_the_csv_default_limit(tmp_path, csv_default_field_limit):
    text = "Drones hit the depot. " * 8000  # 176,000 characters: over the csv module's 131,072
    predictions = tmp_path / "p.csv"
    with predictions.open("w", newline="", encoding="utf-8-sig") as handle:  # BOM: as a spreadsheet saves it
        writer = csv.writer(handle)
        writer.writerow(["article_id", "sentence_index", "labels", "text", "scores", "killed", "injured"])
        writer.writerow(["a", 0, "attack_report", text, "{}", "", ""])
    result = CliRunner().invoke(app, ["summarize", str(predictions)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["attack_sentences"] == [0]

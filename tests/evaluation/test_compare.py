"""`warwire compare`: side-by-side table, paired bootstrap of the differences, and the
refusal to compare evaluations of different data."""

import json
import shutil

import pytest
from conftest import DEV_ROWS, TRAIN_ROWS, write_split
from test_report import invoke, write_eval_data

from warwire.errors import WarwireError
from warwire.evaluation.compare import compare, default_output
from warwire.labels import LABELS


def train_tfidf(tmp_path, corpus_dir, name, settings):
    recipe = tmp_path / f"{name}.toml"
    recipe.write_text(
        f'kind = "tfidf"\ntrain_file = "{corpus_dir / "train.jsonl"}"\ndev_file = "{corpus_dir / "dev.jsonl"}"\n{settings}\n',
        encoding="utf-8",
    )
    model = tmp_path / "models" / name
    result = invoke("train", "--config", recipe, "--output", model)
    assert result.exit_code == 0, result.output
    return model


def evaluate_into(model, data, report):
    result = invoke("evaluate", model, "--backend", "torch", "--data", data, "--report-dir", report, "--bootstrap", 200)
    assert result.exit_code == 0, result.output
    return report


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Two different models and a copy of the first, evaluated on the same data.
    Shared by the module's tests (read only: copy a report dir before changing it)."""
    tmp_path = tmp_path_factory.mktemp("compare")
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    write_split(corpus_dir / "train.jsonl", TRAIN_ROWS, "tr")
    write_split(corpus_dir / "dev.jsonl", DEV_ROWS, "dv")
    data = write_eval_data(tmp_path / "eval.jsonl")
    strong = train_tfidf(tmp_path, corpus_dir, "strong", "c = 4.0")
    # Strong regularisation and no class weights: the rare labels' scores stay low.
    weak = train_tfidf(tmp_path, corpus_dir, "weak", 'c = 0.1\nclass_weight = "none"')
    return {
        "strong": evaluate_into(strong, data, tmp_path / "eval" / "strong"),
        "twin": evaluate_into(strong, data, tmp_path / "eval" / "twin"),
        "weak": evaluate_into(weak, data, tmp_path / "eval" / "weak"),
        "models": {"strong": strong, "weak": weak},
    }


def test_identical_evaluations_differ_by_zero_with_p_one(reports):
    comparison = compare([reports["strong"], reports["twin"]], resamples=300, seed=0)
    macro = comparison["metrics"]["macro_f1"]
    assert macro["deltas"]["twin"] == {"delta": 0.0, "ci": [0.0, 0.0], "p_value": 1.0}
    for row in comparison["metrics"].values():
        assert row["values"]["strong"] == row["values"]["twin"]


def test_compare_cli_writes_and_prints_the_side_by_side_table(tmp_path, reports):
    out = tmp_path / "cmp"
    result = invoke("compare", reports["weak"], reports["strong"], reports["twin"], "--output", out, "--bootstrap", 300)
    assert result.exit_code == 0, result.output
    header = "| metric | weak | strong | twin | strong − weak [95% CI] | p | twin − weak [95% CI] | p |"
    assert result.stdout.splitlines()[0] == header
    markdown = (out / "comparison.md").read_text()
    assert header in markdown and "## Macro-F1 difference" in markdown
    assert len([line for line in markdown.splitlines() if line.startswith("| ") and " F1 |" in line]) == len(LABELS)

    comparison = json.loads((out / "comparison.json").read_text())
    assert comparison["reference"] == "weak"
    assert comparison["bootstrap"] == {"resamples": 300, "seed": 0, "level": 0.95, "unit": "article", "paired": True}
    # The values are those of each evaluation's own metrics.json.
    for name in ("weak", "strong"):
        metrics = json.loads((reports[name] / "metrics.json").read_text())
        assert comparison["metrics"]["macro_f1"]["values"][name] == pytest.approx(metrics["macro_f1"])
        assert comparison["metrics"]["per_label.denial.f1"]["values"][name] == pytest.approx(metrics["per_label"]["denial"]["f1"])
        assert comparison["metrics"]["per_label.denial.average_precision"]["values"][name] == pytest.approx(
            metrics["per_label"]["denial"]["average_precision"], abs=1e-5
        )
    macro = comparison["metrics"]["macro_f1"]
    delta = macro["deltas"]["strong"]
    assert delta["delta"] == pytest.approx(macro["values"]["strong"] - macro["values"]["weak"])
    assert delta["delta"] > 0.2 and 0 < delta["ci"][0] <= delta["delta"] <= delta["ci"][1]
    assert 0 < delta["p_value"] < 0.05  # weak is clearly worse, on every resample
    assert macro["deltas"]["twin"]["p_value"] == delta["p_value"]  # the twin is the strong model


def test_compare_refuses_evaluations_of_different_data(tmp_path, reports):
    other_data = write_eval_data(tmp_path / "other.jsonl")
    other_data.write_text(other_data.read_text().replace("Testland", "Newland"), encoding="utf-8")
    other = evaluate_into(reports["models"]["weak"], other_data, tmp_path / "eval" / "other")
    result = invoke("compare", reports["strong"], other, "--output", tmp_path / "cmp")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith(f"error: {other}: evaluated on different data")
    assert not (tmp_path / "cmp").exists()


def test_compare_refuses_missing_or_too_few_reports(tmp_path, reports):
    twin = shutil.copytree(reports["twin"], tmp_path / "twin")
    (twin / "predictions.jsonl").unlink()
    result = invoke("compare", reports["strong"], twin)
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {twin}: no predictions.jsonl; re-run `warwire evaluate` to write it"
    result = invoke("compare", reports["strong"], tmp_path / "nowhere")
    assert result.output.strip() == f"error: {tmp_path / 'nowhere'}: not an evaluation report dir (no metrics.json)"
    with pytest.raises(WarwireError, match="at least two"):
        compare([reports["strong"]])


def test_an_output_that_is_a_file_is_refused_before_comparing(tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("not a dir")
    result = invoke("compare", tmp_path / "r1", tmp_path / "r2", "--output", taken)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {taken}: exists and is not a directory"]


def test_default_output_is_the_common_parent(tmp_path):
    assert default_output([tmp_path / "eval" / "minilm", tmp_path / "eval" / "tfidf"]) == (tmp_path / "eval").resolve()

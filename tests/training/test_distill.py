"""``warwire distill``: a tiny student learns from a tiny teacher's soft targets."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from scipy.special import expit, logit
from typer.testing import CliRunner

from warwire.cli import app
from warwire.config import TransformerRecipe
from warwire.corpus.io import Example
from warwire.labels import LABELS
from warwire.training.distill import TeacherScores
from warwire.training.finetune import DistillationTrainer


def test_soft_targets_are_the_teachers_probabilities_at_the_temperature():
    probabilities = np.array([[0.9, 0.1, 0.5, 0.99], [0.2, 0.8, 0.5, 0.01], [0.6, 0.4, 0.3, 0.7]])
    train = [Example(f"t{i}", "a", "text", []) for i in range(2)]
    scores = TeacherScores(probabilities[:2], [Example("u0", "b", "unlabeled", [])], probabilities[2:])
    soft = scores.soft_targets(TransformerRecipe(distill_temperature=2.0, distill_weight=0.3), train)
    np.testing.assert_allclose(soft.targets, expit(logit(probabilities) / 2.0), rtol=1e-5)
    assert soft.has_gold.tolist() == [True, True, False]
    assert (soft.weight, soft.temperature) == (0.3, 2.0)


class _Logits(torch.nn.Module):
    """A "model" that returns fixed logits, to check the loss arithmetic."""

    def __init__(self, logits):
        super().__init__()
        self.logits = logits

    def forward(self, **inputs):
        return type("Out", (), {"logits": self.logits})()


def test_the_loss_mixes_gold_and_soft_targets_and_uses_soft_alone_without_gold():
    logits = torch.tensor([[2.0, -1.0, 0.5, 0.0], [1.0, 1.0, -2.0, 0.3]])
    gold = torch.tensor([[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    soft = torch.tensor([[0.8, 0.2, 0.6, 0.4], [0.7, 0.6, 0.1, 0.5]])
    trainer = DistillationTrainer.__new__(DistillationTrainer)  # the loss only needs weight and temperature
    trainer.weight, trainer.temperature = 0.25, 2.0
    inputs = {"soft_labels": soft, "gold_weight": torch.tensor([1.0, 0.0]), "labels": gold}
    loss = trainer.compute_loss(_Logits(logits), dict(inputs))
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    soft_rows = bce(logits / 2.0, soft, reduction="none").mean(dim=1) * 4.0
    gold_rows = bce(logits, gold, reduction="none").mean(dim=1)
    expected = ((0.25 * soft_rows[0] + 0.75 * gold_rows[0]) + soft_rows[1]) / 2
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)


def test_distill_cli_records_its_teacher_and_unlabeled_data(tiny_model, tiny_recipe, tmp_path):
    unlabeled = tmp_path / "outlet.jsonl"
    unlabeled.write_text(
        json.dumps({"id": "u1", "text": "Shelling hit the port overnight. The governor said two died."}) + "\n", encoding="utf-8"
    )
    out = tmp_path / "student"
    result = CliRunner().invoke(
        app,
        ["distill", "--teacher", str(tiny_model), "--config", str(tiny_recipe), "--output", str(out),
         "--unlabeled", str(unlabeled), "--device", "cpu"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    info = json.loads((out / "warwire.json").read_text())
    record = info["training"]["distillation"]
    assert record["teacher"] == str(tiny_model) and record["unlabeled_sentences"] == 2
    assert len(record["unlabeled_sha256"]) == 64 and record["teacher_backend"] in ("onnx", "torch")
    assert set(info["thresholds"]) == set(LABELS)
    # the student is an ordinary model dir
    predicted = CliRunner().invoke(app, ["predict", str(out), str(unlabeled), "--backend", "torch"])
    assert predicted.exit_code == 0, predicted.output
    assert len([line for line in predicted.stdout.splitlines() if line.startswith("{")]) == 2


def test_distill_refuses_an_existing_output_before_scoring(tiny_model, tiny_recipe, tmp_path):
    out = tmp_path / "student"
    out.mkdir()
    result = CliRunner().invoke(
        app, ["distill", "--teacher", str(tiny_model), "--config", str(tiny_recipe), "--output", str(out)]
    )
    assert result.exit_code == 2 and "already exists" in result.output

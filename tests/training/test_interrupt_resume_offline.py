"""Interruptions, resume, version warnings and offline loading."""

import json
import socket

import pytest
from conftest import NetworkBlocked
from transformers import TrainerCallback
from typer.testing import CliRunner

import warwire.training.finetune as finetune_module
from warwire.cli import app
from warwire.config import load_recipe
from warwire.modeling.loader import load_classifier
from warwire.modeling.modeldir import INFO_FILE
from warwire.training.finetune import CHECKPOINT_FILES
from warwire.training.run import train, work_dir_for


class _InterruptAfterFirstCheckpoint(TrainerCallback):
    def on_save(self, args, state, control, **kwargs):
        raise KeyboardInterrupt


def interrupt_after_first_checkpoint(monkeypatch):
    """Make training runs stop (as Ctrl-C would) right after their first checkpoint."""

    class InterruptedTrainer(finetune_module.Trainer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.add_callback(_InterruptAfterFirstCheckpoint())

    monkeypatch.setattr(finetune_module, "Trainer", InterruptedTrainer)


def test_interrupted_training_leaves_no_model_and_resume_matches(tmp_path, tiny_recipe, monkeypatch):
    recipe = load_recipe(tiny_recipe)
    reference = train(recipe, tmp_path / "reference")

    output = tmp_path / "interrupted"
    with monkeypatch.context() as patch:
        interrupt_after_first_checkpoint(patch)
        with pytest.raises(KeyboardInterrupt):
            train(recipe, output)
    assert not output.exists()  # nothing that looks finished
    assert not list(tmp_path.glob(".interrupted.*.partial"))
    checkpoints = list(work_dir_for(output).glob("checkpoint-*"))
    assert checkpoints  # but checkpoints to resume from
    assert all((checkpoints[0] / name).is_file() for name in CHECKPOINT_FILES)
    # kill -9 while saving the next one leaves it half-written: resume skips it.
    half_written = work_dir_for(output) / "checkpoint-9999"
    half_written.mkdir()
    (half_written / "model.safetensors").write_bytes(b"\0" * 10)

    resumed = train(recipe, output, resume=True)
    assert resumed.dev_metrics == reference.dev_metrics
    assert resumed.thresholds == reference.thresholds
    assert not work_dir_for(output).exists()


def test_an_interrupted_distillation_resumes_only_as_a_distillation(tmp_path, tiny_model, tiny_recipe, monkeypatch):
    """``train --resume`` on a distillation's checkpoints would carry on without the teacher."""
    output = tmp_path / "student"
    distill = ["distill", "--teacher", str(tiny_model), "--config", str(tiny_recipe), "--output", str(output)]
    with monkeypatch.context() as patch:

        class InterruptedDistillation(finetune_module.DistillationTrainer):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.add_callback(_InterruptAfterFirstCheckpoint())

        patch.setattr(finetune_module, "DistillationTrainer", InterruptedDistillation)
        assert CliRunner().invoke(app, [*distill, "--device", "cpu"]).exit_code == 130  # as Ctrl-C
    assert list(work_dir_for(output).glob("checkpoint-*")) and not output.exists()

    as_training = CliRunner().invoke(app, ["train", "--config", str(tiny_recipe), "--output", str(output), "--resume"])
    assert as_training.exit_code == 2 and "was a distillation" in as_training.output
    resumed = CliRunner().invoke(app, [*distill, "--device", "cpu", "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert json.loads((output / INFO_FILE).read_text())["training"]["distillation"]["teacher"] == str(tiny_model)


def test_an_interrupted_training_does_not_resume_as_a_distillation(tmp_path, tiny_model, tiny_recipe, monkeypatch):
    output = tmp_path / "plain"
    with monkeypatch.context() as patch:
        interrupt_after_first_checkpoint(patch)
        with pytest.raises(KeyboardInterrupt):
            train(load_recipe(tiny_recipe), output)

    def scoring_is_too_late(*args, **kwargs):
        raise AssertionError("the teacher scored before the resume was refused")

    monkeypatch.setattr("warwire.training.distill.score_with_teacher", scoring_is_too_late)
    result = CliRunner().invoke(
        app, ["distill", "--teacher", str(tiny_model), "--config", str(tiny_recipe), "--output", str(output), "--resume"]
    )
    assert result.exit_code == 2 and "had no teacher" in result.output


def test_resume_without_checkpoints_is_an_error(tmp_path, tfidf_recipe):
    from warwire.errors import WarwireError

    with pytest.raises(WarwireError, match="nothing to resume"):
        train(load_recipe(tfidf_recipe), tmp_path / "m", resume=True)


def test_version_differences_are_warned(tmp_path, tfidf_recipe):
    output = tmp_path / "m"
    train(load_recipe(tfidf_recipe), output)
    info = json.loads((output / INFO_FILE).read_text())
    info["versions"]["scikit-learn"] = "0.0.1"
    (output / INFO_FILE).write_text(json.dumps(info))
    warnings = []
    load_classifier(output, warn=warnings.append)
    assert len(warnings) == 1 and "scikit-learn trained with 0.0.1" in warnings[0]


def test_the_suite_is_offline():
    # The guard in conftest refuses internet connections, even to this machine.
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", 9), timeout=1)


def test_loading_needs_no_network(tiny_model, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)  # and connect is refused by conftest
    for backend in ("torch", "onnx"):
        classifier = load_classifier(tiny_model, backend=backend)
        assert classifier.score(["A drone hit the depot."]).shape == (1, 4)


def test_sigterm_is_handled_like_ctrl_c(tmp_path):
    """SIGTERM runs the same clean-up as Ctrl-C: the output file never appears."""
    import os
    import signal

    import typer

    from warwire.cli import user_errors
    from warwire.prediction.outputs import open_rows

    output = tmp_path / "out.jsonl"

    @user_errors
    def long_job():
        with open_rows(output) as writer:
            writer.write({"article_id": "a"})
            os.kill(os.getpid(), signal.SIGTERM)
            writer.write({"article_id": "never"})

    previous = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(typer.Exit) as stopped:
            long_job()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert stopped.value.exit_code == 130
    assert list(tmp_path.iterdir()) == []

"""Training: a recipe and its data in, a complete model dir out (or nothing).

Everything is validated (recipe, data, output) before anything is deleted or written.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from warwire.config import Recipe, TransformerRecipe
from warwire.corpus.io import Example, file_sha256, read_jsonl
from warwire.errors import WarwireError
from warwire.evaluation.metrics import compute_metrics
from warwire.fileio import atomic_dir, atomic_write
from warwire.labels import LABELS, to_multi_hot
from warwire.modeling.card import CARD_FILE, model_card
from warwire.modeling.classifier import apply_thresholds
from warwire.modeling.context import contexts_for
from warwire.modeling.modeldir import ModelInfo, package_versions
from warwire.training.thresholds import tune_thresholds


@dataclass
class TrainResult:
    output: Path
    seconds: float
    dev_metrics: dict
    thresholds: dict[str, float]


def work_dir_for(output: Path) -> Path:
    """Where checkpoints of an unfinished run live, beside the model dir."""
    return output.parent / f".{output.name}.checkpoints"


def train_examples(recipe: Recipe) -> list[Example]:
    """The recipe's train sentences, cut to ``max_train_samples`` where it sets one."""
    train = read_jsonl(recipe.train_file)
    return train[: recipe.max_train_samples] if recipe.max_train_samples > 0 else train


def _load_data(recipe: Recipe) -> tuple[list[Example], list[Example], dict]:
    """Train and dev examples, and the model dir's record of them (path, hash, count).

    Each file is hashed as soon as it is read, not when training ends: a corpus rebuilt
    during a long run must not be recorded as the data the model learned from.
    """
    train = train_examples(recipe)
    train_record = _data_record(recipe.train_file, train)
    dev = read_jsonl(recipe.dev_file)
    return train, dev, {"train": train_record, "dev": _data_record(recipe.dev_file, dev)}


def _data_record(path: str, examples: list[Example]) -> dict:
    return {"path": path, "sha256": file_sha256(path), "sentences": len(examples)}


def _fit(recipe: Recipe, train, dev, staging: Path, work_dir: Path, resume: bool, device: str, teacher):
    """Train the recipe's kind, save its weights into ``staging``; return (classifier, summary)."""
    if recipe.kind == "tfidf":
        from warwire.training.tfidf import fit_tfidf

        classifier = fit_tfidf(recipe, train)
        classifier.save(staging)
        return classifier, {}
    from warwire.modeling.transformer import TransformerClassifier
    from warwire.training.finetune import fine_tune, save_transformer

    soft = teacher.soft_targets(recipe, train) if teacher is not None else None
    examples = [*train, *teacher.unlabeled] if teacher is not None else train
    tokenizer, model, summary = fine_tune(recipe, examples, dev, work_dir, resume, device, soft)
    save_transformer(staging, tokenizer, model)
    return TransformerClassifier(tokenizer, model, None, recipe.max_length, device), summary


def _score_dev(classifier, recipe: Recipe, dev: list[Example]):
    """Dev probabilities, with the recipe's context and eval batch size."""
    texts = [e.text for e in dev]
    options = {"contexts": contexts_for(getattr(recipe, "context", "none"), [e.article_id for e in dev], texts)}
    if isinstance(recipe, TransformerRecipe):
        options["batch_size"] = recipe.eval_batch_size
    return classifier.score(texts, **options)


def _with_overrides(recipe: Recipe, max_steps: int | None, max_train_samples: int | None) -> Recipe:
    """The recipe with the smoke-run overrides of the command line applied."""
    if max_steps is not None:
        if not isinstance(recipe, TransformerRecipe):
            raise WarwireError(f"--max-steps applies to transformer recipes; this is a {recipe.kind} recipe")
        if max_steps < 1:
            raise WarwireError(f"--max-steps must be at least 1, got {max_steps}")
        recipe = replace(recipe, max_steps=max_steps)
    if max_train_samples is not None:
        if max_train_samples < 1:
            raise WarwireError(f"--max-train-samples must be at least 1, got {max_train_samples}")
        recipe = replace(recipe, max_train_samples=max_train_samples)
    return recipe


def _resumable(recipe: Recipe, work_dir: Path) -> bool:
    """Whether an interrupted run left a checkpoint to continue from."""
    if not isinstance(recipe, TransformerRecipe):
        return work_dir.is_dir()
    from warwire.training.finetune import last_complete_checkpoint

    return last_complete_checkpoint(work_dir) is not None


# Beside a transformer run's checkpoints: whether it distils, so that a resume continues it
# the same way (``warwire train --resume`` would otherwise carry a distillation on without
# its teacher).
RUN_FILE = "run.json"


def _mark_kind_of_run(work_dir: Path, distilled: bool) -> None:
    work_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(work_dir / RUN_FILE, json.dumps({"distilled": distilled}))


def check_resumable(recipe: Recipe, output: Path | str, distilled: bool) -> None:
    """A one-line error unless an interrupted run of the same kind left a checkpoint at
    ``output``; ``warwire distill --resume`` asks before its teacher scores anything."""
    output = Path(output)
    work_dir = work_dir_for(output)
    if not _resumable(recipe, work_dir):
        raise WarwireError(f"{output}: nothing to resume (no complete checkpoint in {work_dir})")
    marker = work_dir / RUN_FILE
    if not marker.is_file():  # checkpoints of a version that wrote no marker
        return
    try:
        was_distilled = bool(json.loads(marker.read_text(encoding="utf-8")).get("distilled"))
    except (OSError, ValueError, AttributeError):
        raise WarwireError(f"{marker}: unreadable; start again without --resume") from None
    if was_distilled and not distilled:
        raise WarwireError(f"{output}: the interrupted run was a distillation; resume it with `warwire distill ... --resume`")
    if distilled and not was_distilled:
        raise WarwireError(f"{output}: the interrupted run had no teacher; resume it with `warwire train ... --resume`")


def _check_backbone(recipe: Recipe, where: str) -> None:
    """A transformer recipe's backbone loads and its max_length fits the backbone."""
    if isinstance(recipe, TransformerRecipe):
        from warwire.training.finetune import backbone_max_length

        limit = backbone_max_length(recipe.backbone)
        if limit is not None and recipe.max_length > limit:
            raise WarwireError(f"{where}: 'max_length' {recipe.max_length} exceeds the backbone's limit of {limit} tokens")


def train(
    recipe: Recipe,
    output: Path | str,
    overwrite: bool = False,
    resume: bool = False,
    max_steps: int | None = None,
    max_train_samples: int | None = None,
    where: str = "recipe",
    device: str = "cpu",
    teacher=None,
) -> TrainResult:
    """Train ``recipe`` and write a self-contained model dir at ``output``.

    Args:
        recipe: the training recipe (see ``warwire.config.Recipe``).
        output: the model dir to create; it appears only once complete.
        overwrite: replace an existing model dir.
        resume: continue from the last checkpoint of an interrupted run.
        max_steps, max_train_samples: override the recipe for smoke runs.
        where: how errors name the recipe (its file).
        device: ``cpu`` or ``cuda`` (``warwire.modeling.device.resolve_device``); on
            ``cuda`` the Trainer runs in bf16.
        teacher: a ``warwire.training.distill.TeacherScores``: distil from a teacher
            (its soft targets for the train sentences and any unlabeled ones).

    Returns:
        Where the model is, the training time and its dev metrics.
    """
    output = Path(output)
    recipe = _with_overrides(recipe, max_steps, max_train_samples)
    work_dir = work_dir_for(output)
    if resume:
        check_resumable(recipe, output, teacher is not None)
    if output.exists() and not (overwrite or resume):
        raise WarwireError(f"{output}: already exists (pass --overwrite to replace it)")
    train_examples, dev_examples, data_record = _load_data(recipe)
    _check_backbone(recipe, where)
    # Only now, with everything valid, may the stale checkpoints of an abandoned run go.
    if teacher is not None and recipe.kind != "transformer":
        raise WarwireError(f"{where}: distillation needs a transformer recipe, not {recipe.kind!r}")
    if not resume and work_dir.exists():
        shutil.rmtree(work_dir)
    if not resume and isinstance(recipe, TransformerRecipe):  # TF-IDF keeps no checkpoints
        _mark_kind_of_run(work_dir, teacher is not None)

    started = time.perf_counter()
    with atomic_dir(output, overwrite=overwrite or resume) as staging:
        classifier, summary = _fit(recipe, train_examples, dev_examples, staging, work_dir, resume, device, teacher)
        gold = np.array([to_multi_hot(e.labels) for e in dev_examples], dtype=int)
        dev_scores = _score_dev(classifier, recipe, dev_examples)
        thresholds = tune_thresholds(gold, dev_scores)
        dev_metrics = compute_metrics(gold, apply_thresholds(dev_scores, thresholds))
        seconds = time.perf_counter() - started
        info = ModelInfo(
            kind=recipe.kind,
            labels=list(LABELS),
            thresholds=thresholds,
            recipe=recipe.to_dict(),
            data=data_record,
            dev_metrics=dev_metrics,
            versions=package_versions(),
            training={"seconds": round(seconds, 1), **summary, **({"distillation": teacher.record} if teacher else {})},
        )
        info.save(staging)
        (staging / CARD_FILE).write_text(model_card(output.name, info), encoding="utf-8")
    shutil.rmtree(work_dir, ignore_errors=True)
    return TrainResult(output=output, seconds=seconds, dev_metrics=dev_metrics, thresholds=thresholds)

"""Fine-tuning a transformer backbone with one sigmoid per label (BCE loss) through
``transformers.Trainer``: data preparation and ``compute_metrics`` by hand, the rest
is the Trainer's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import datasets
import numpy as np
import torch
import torch.nn.functional as F
from datasets import Dataset, Features, List, Value
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
    set_seed,
)

from warwire.config import TransformerRecipe
from warwire.corpus.io import Example
from warwire.errors import WarwireError, first_line
from warwire.evaluation.metrics import compute_metrics
from warwire.labels import ID2LABEL, LABEL2ID, LABELS, to_multi_hot
from warwire.modeling.batching import encode
from warwire.modeling.context import contexts_for
from warwire.modeling.transformer import no_loading_bar
from warwire.training.backbones import resolve_backbone

# Bars for mapping datasets drown the training bar.
datasets.disable_progress_bars()


def _load_kwargs(path: str) -> dict:
    # A local folder never touches the network; a hub name may, unless HF_HUB_OFFLINE is set.
    return {"local_files_only": True} if Path(path).is_dir() else {}


def backbone_max_length(backbone: str) -> int | None:
    """The most tokens the backbone's position embeddings take, or None if it does not say."""
    from transformers import AutoConfig

    path = resolve_backbone(backbone)
    try:
        config = AutoConfig.from_pretrained(path, trust_remote_code=False, **_load_kwargs(path))
    except (OSError, ValueError) as error:
        raise WarwireError(f"backbone {backbone!r}: cannot load ({first_line(error)})") from None
    return getattr(config, "max_position_embeddings", None)


def build_model(backbone: str):
    """Tokenizer and a fresh multi-label classification head on ``backbone``."""
    path = resolve_backbone(backbone)
    try:
        with no_loading_bar():
            tokenizer, model = _load_backbone(path)
    except (OSError, ValueError) as error:
        raise WarwireError(f"backbone {backbone!r}: cannot load ({first_line(error)})") from None
    return tokenizer, model


def _load_backbone(path: str):
    """Tokenizer and a fresh 4-label sigmoid head on the backbone at ``path``."""
    tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=False, **_load_kwargs(path))
    model = AutoModelForSequenceClassification.from_pretrained(
        path,
        num_labels=len(LABELS),
        id2label=ID2LABEL,
        label2id=LABEL2ID,
        problem_type="multi_label_classification",
        use_safetensors=True,
        trust_remote_code=False,
        **_load_kwargs(path),
    )
    return tokenizer, model


def _dataset(examples: Sequence[Example], tokenizer, max_length: int, context: str, soft=None) -> Dataset:
    """Tokenized examples (pairs with their context where the recipe asks) and 0/1 labels.

    ``soft``: a ``SoftTargets`` for distillation: the teacher's targets per example and
    which examples have gold labels (added as ``soft_labels`` and ``gold_weight``).
    """
    texts = [e.text for e in examples]
    encoded = encode(tokenizer, texts, contexts_for(context, [e.article_id for e in examples], texts), max_length)
    columns = {key: list(values) for key, values in encoded.items()}
    features = {key: List(Value("int32")) for key in columns}
    columns["labels"], features["labels"] = [to_multi_hot(e.labels) for e in examples], List(Value("float32"))
    if soft is not None:
        columns["soft_labels"], features["soft_labels"] = soft.targets.tolist(), List(Value("float32"))
        columns["gold_weight"], features["gold_weight"] = soft.has_gold.astype(float).tolist(), Value("float32")
    return Dataset.from_dict(columns, features=Features(features))


@dataclass
class SoftTargets:
    """What a teacher says about each training example (``warwire.training.distill``)."""

    targets: np.ndarray  # (examples, labels): the teacher's probabilities softened by the temperature
    has_gold: np.ndarray  # (examples,): True where the example has gold labels
    weight: float  # of the soft-target loss against the gold one
    temperature: float


class DistillationTrainer(Trainer):
    """A Trainer whose loss mixes the gold labels with a teacher's soft targets.

    Per sentence: ``weight * T^2 * BCE(logits / T, soft) + (1 - weight) * BCE(logits, gold)``,
    and the soft term alone where a sentence has no gold labels (an unlabeled article).
    The T^2 keeps the soft term's gradients at the gold term's scale (Hinton et al., 2015).
    Dev batches carry no soft targets and get the plain loss.
    """

    def __init__(self, *args, weight: float, temperature: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.weight, self.temperature = weight, temperature

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if "soft_labels" not in inputs:
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        soft, has_gold, gold = inputs.pop("soft_labels"), inputs.pop("gold_weight"), inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.logits.float()
        t = self.temperature
        soft_loss = F.binary_cross_entropy_with_logits(logits / t, soft, reduction="none").mean(dim=1) * t * t
        gold_loss = F.binary_cross_entropy_with_logits(logits, gold, reduction="none").mean(dim=1)
        weight = torch.where(has_gold > 0, torch.full_like(has_gold, self.weight), torch.ones_like(has_gold))
        loss = (weight * soft_loss + (1 - weight) * gold_loss).mean()
        return (loss, outputs) if return_outputs else loss


def _trainer_metrics(prediction) -> dict:
    """Dev macro-F1 at threshold 0.5, used to pick the best epoch."""
    # sigmoid(logit) >= 0.5 exactly when logit >= 0
    return {"macro_f1": compute_metrics(prediction.label_ids, prediction.predictions >= 0)["macro_f1"]}


def fine_tune(
    recipe: TransformerRecipe,
    train: Sequence[Example],
    dev: Sequence[Example],
    work_dir: Path,
    resume: bool,
    device: str = "cpu",
    soft: SoftTargets | None = None,
):
    """Fine-tune ``recipe.backbone``; return (tokenizer, best model, training summary).

    Checkpoints go to ``work_dir`` each epoch so ``resume`` can continue an
    interrupted run; the best epoch on dev macro-F1 is loaded at the end. With ``soft``
    (aligned with ``train``) the student also learns a teacher's soft targets.
    """
    # Seeds Python, NumPy and torch before the head is initialised.
    set_seed(recipe.seed)
    tokenizer, model = build_model(recipe.backbone)
    args = TrainingArguments(
        output_dir=str(work_dir),
        num_train_epochs=recipe.epochs,
        max_steps=recipe.max_steps,
        learning_rate=recipe.learning_rate,
        per_device_train_batch_size=recipe.batch_size,
        per_device_eval_batch_size=recipe.eval_batch_size,
        weight_decay=recipe.weight_decay,
        warmup_steps=recipe.warmup_ratio,  # a float below 1 is a ratio of all steps
        eval_strategy="epoch",
        save_strategy="epoch",
        logging_strategy="epoch",
        load_best_model_at_end=True,
        metric_for_best_model="macro_f1",
        greater_is_better=True,
        save_total_limit=2,
        seed=recipe.seed,
        data_seed=recipe.seed,
        use_cpu=device == "cpu",
        bf16=device == "cuda" or recipe.bf16,  # mixed precision on the GPU; on the CPU if the recipe asks
        report_to="none",
        dataloader_num_workers=0,
        # The length-grouped sampler shuffles groups of similar token counts each epoch.
        train_sampling_strategy="group_by_length" if recipe.group_by_length else "random",
        remove_unused_columns=soft is None,  # the soft targets are not model inputs, but the loss needs them
    )
    trainer_class, extra = Trainer, {}
    if soft is not None:
        trainer_class, extra = DistillationTrainer, {"weight": soft.weight, "temperature": soft.temperature}
    trainer = trainer_class(
        model=model,
        args=args,
        train_dataset=_dataset(train, tokenizer, recipe.max_length, recipe.context, soft),
        eval_dataset=_dataset(dev, tokenizer, recipe.max_length, recipe.context),
        data_collator=DataCollatorWithPadding(tokenizer),
        processing_class=tokenizer,
        compute_metrics=_trainer_metrics,
        **extra,
    )
    result = trainer.train(resume_from_checkpoint=last_complete_checkpoint(work_dir) if resume else None)
    summary = {
        "steps": int(result.global_step),
        "train_loss": float(result.training_loss),
        "best_checkpoint": Path(trainer.state.best_model_checkpoint or "").name,
        "best_dev_macro_f1_at_0.5": trainer.state.best_metric,
        "epochs": epoch_curve(trainer.state.log_history),
    }
    return tokenizer, trainer.model, summary


def epoch_curve(log_history: list[dict]) -> list[dict]:
    """One entry per epoch: its training loss and dev macro-F1 (at 0.5), from the Trainer's log."""
    curve: dict[int, dict] = {}
    for entry in log_history:
        if "epoch" not in entry:
            continue
        point = curve.setdefault(round(entry["epoch"]), {"epoch": round(entry["epoch"])})
        if "loss" in entry:
            point["train_loss"] = round(float(entry["loss"]), 4)
        if "eval_macro_f1" in entry:
            point["dev_macro_f1_at_0.5"] = round(float(entry["eval_macro_f1"]), 4)
    return [curve[epoch] for epoch in sorted(curve) if len(curve[epoch]) > 1]


# What a checkpoint holds once the Trainer has finished writing it; a run killed with
# kill -9 while saving leaves a newer checkpoint without some of these.
CHECKPOINT_FILES = ("trainer_state.json", "model.safetensors", "optimizer.pt", "scheduler.pt")


def last_complete_checkpoint(work_dir: Path) -> str | None:
    """The newest checkpoint in ``work_dir`` that was written whole, or None."""
    if not work_dir.is_dir():
        return None
    checkpoints = [p for p in work_dir.glob("checkpoint-*") if p.name.split("-")[-1].isdigit()]
    for checkpoint in sorted(checkpoints, key=lambda p: int(p.name.split("-")[-1]), reverse=True):
        if all((checkpoint / name).is_file() for name in CHECKPOINT_FILES):
            return str(checkpoint)
    return None


def save_transformer(directory: Path, tokenizer, model) -> None:
    """Weights (safetensors), config with id2label, and tokenizer into ``directory``."""
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
